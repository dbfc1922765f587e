# test-92-pg-roles: the API connects as exodrive_app (sql/roles.sql),
# which may read and write rows but not change the schema; the whole
# suite ran through it.  Migrations run as the schema's owner.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

app() { psql -h "$VAR/pg/sock" -U exodrive_app -d exodrive -XAtc "$1" 2>&1; }
check "the API's DATABASE_URL names exodrive_app" grep -q '^DATABASE_URL=.*user=exodrive_app' "$VAR/exodrive.env"
check "its role is not a superuser and owns no table" eq "$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "select r.rolsuper::text || ' ' || (select count(*) from pg_tables where tableowner = 'exodrive_app') from pg_roles r where rolname = 'exodrive_app'")" "false 0"
check "it reads rows" test "$(app 'select count(*) from cars')" -gt 0
check "it cannot drop a table" bash -c "echo \"$(app 'drop table bookings')\" | grep -q 'must be owner'"
check "nor create one" bash -c "echo \"$(app 'create table intruder (i int)')\" | grep -q 'permission denied for schema public'"
check "nor truncate one" bash -c "echo \"$(app 'truncate payments')\" | grep -q 'permission denied'"
check "nor write schema_migrations" bash -c "echo \"$(app "insert into schema_migrations values ('9999', 'x')")\" | grep -q 'permission denied'"
check "nor alter the booking rules (the exclusion constraint)" bash -c "echo \"$(app 'alter table car_availability drop constraint if exists car_availability_pkey')\" | grep -q 'must be owner'"
out=$("$BIN" --config "$VAR/exodrive.env" migrate --dir "$(dirname "$0")/../../sql/migrations" 2>&1 | tail -1)
check "migrate runs as the owner (MIGRATE_DATABASE_URL): $out" bash -c "echo '$out' | grep -q 'migrations applied'"
req GET /api/health/ready
check "and the API, as exodrive_app, is ready" eq "$STATUS" 200
