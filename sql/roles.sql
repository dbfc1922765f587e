-- roles.sql -- least privilege for the API's database connection.
--
-- The schema's owner (MIGRATE_DATABASE_URL, used by `exodrive migrate` and
-- `seed`) creates and alters tables; the API (DATABASE_URL) connects as
-- exodrive_app, which may read and write rows and nothing else: no CREATE,
-- ALTER, DROP or TRUNCATE, no ownership, no write to schema_migrations.
-- Run as a superuser (or a role with CREATEROLE) after the migrations;
-- it is idempotent.  Set the password separately:
--   ALTER ROLE exodrive_app PASSWORD '...';
-- and connect with DATABASE_URL=postgresql://exodrive_app:...@host/exodrive.
-- psql variable: owner (the schema owner; default exodrive).
\if :{?owner}
\else
\set owner exodrive
\endif

SELECT 'CREATE ROLE exodrive_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'exodrive_app') \gexec

GRANT CONNECT ON DATABASE :"DBNAME" TO exodrive_app;
GRANT USAGE ON SCHEMA public TO exodrive_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM exodrive_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO exodrive_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO exodrive_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO exodrive_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM exodrive_app;
-- The admin audit log is append-only for the API: rows are added and read,
-- never changed or removed (0009_audit).
REVOKE UPDATE, DELETE ON admin_audit_log FROM exodrive_app;
-- Tables the owner adds later are granted the same way.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO exodrive_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO exodrive_app;
