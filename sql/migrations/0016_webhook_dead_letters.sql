-- 0016_webhook_dead_letters: admins list, retry and discard the inbound
-- webhook deliveries whose retries ran out (/api/admin/webhooks/inbound/
-- dead-letters).
--
-- A dead letter is a webhook_retries row whose last automatic attempt
-- failed (failed_permanently_at set).  It waits in status dead_letter
-- until an admin either retries it -- claimed by a conditional UPDATE to
-- processing (retried_at, retried_by), then succeeded, or dead_letter
-- again with its new error -- or discards it: status discarded, kept with
-- who, when and why, and never retried.
ALTER TYPE webhook_retry_status ADD VALUE IF NOT EXISTS 'discarded';

ALTER TABLE webhook_retries
  ADD COLUMN retried_at     timestamptz,
  ADD COLUMN retried_by     uuid REFERENCES users(id) ON DELETE SET NULL,
  ADD COLUMN discarded_at   timestamptz,
  ADD COLUMN discarded_by   uuid REFERENCES users(id) ON DELETE SET NULL,
  ADD COLUMN discard_reason text
    CHECK (discard_reason IS NULL OR length(discard_reason) BETWEEN 1 AND 500);

-- The dead letters newest first, whole or by provider; and those waiting,
-- counted per provider for the gauge and the monitor.
CREATE INDEX webhook_retries_dead_idx ON webhook_retries
  (failed_permanently_at DESC, id) WHERE failed_permanently_at IS NOT NULL;
CREATE INDEX webhook_retries_dead_type_idx ON webhook_retries
  (webhook_type, failed_permanently_at DESC) WHERE failed_permanently_at IS NOT NULL;
