-- 0009_audit: the admin audit log records every admin write.
--
-- The dispatcher writes one row after an admin route other than GET
-- answers 2xx: the admin (actor_id), the route's operation (action), what
-- it changed (target, e.g. "user:<uuid>"), that thing's state before and
-- after, the request's trace id (the X-Trace-Id of the answer) and the
-- client's address.  Rows are never changed: the API's role may only
-- INSERT and SELECT them (sql/roles.sql).
ALTER TABLE admin_audit_log
  ADD COLUMN seq          bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN before_state jsonb,
  ADD COLUMN after_state  jsonb,
  ADD COLUMN trace_id     text,
  ADD COLUMN client_ip    text,
  ADD COLUMN method       text,
  ADD COLUMN path         text;

-- Paging newest first (seq: the order rows were written), whole or by
-- admin, action, target or time.
CREATE UNIQUE INDEX admin_audit_log_seq_idx ON admin_audit_log (seq DESC);
CREATE INDEX admin_audit_log_created_idx ON admin_audit_log (created_at DESC);
CREATE INDEX admin_audit_log_actor_idx ON admin_audit_log (actor_id, seq DESC);
CREATE INDEX admin_audit_log_action_idx ON admin_audit_log (action, seq DESC);
CREATE INDEX admin_audit_log_target_idx ON admin_audit_log (target, seq DESC);
CREATE INDEX admin_audit_log_trace_idx ON admin_audit_log (trace_id);

-- The admins of profiles: counted and locked by every role change, and a
-- filter of the user list.
CREATE INDEX profiles_role_idx ON profiles (role);
