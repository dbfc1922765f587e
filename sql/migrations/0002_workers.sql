-- 0002_workers: what the image, report and contact-email workers record.

-- Contact emails have no booking: they are recorded with booking_id NULL
-- (UNIQUE (booking_id, email_type) never matches NULLs).
ALTER TABLE email_events DROP CONSTRAINT email_events_email_type_check;
ALTER TABLE email_events ADD CONSTRAINT email_events_email_type_check
  CHECK (email_type IN ('booking_confirmation', 'payment_receipt',
    'booking_modification', 'booking_cancellation', 'contract', 'reminder',
    'contact_notice', 'contact_acknowledgement'));

-- An uploaded original (POST /api/cars/upload) and the variants the image
-- worker made of it: [{width, format, path, url, bytes}].
CREATE TABLE image_uploads (
  path         text PRIMARY KEY CHECK (path ~ '^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+\.(jpg|jpeg|png|webp)$'),
  uploaded_by  uuid REFERENCES users(id) ON DELETE SET NULL,
  content_type text NOT NULL,
  bytes        integer NOT NULL CHECK (bytes > 0),
  width        integer,
  height       integer,
  variants     jsonb NOT NULL DEFAULT '[]',
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed', 'deleted')),
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);

-- A car's image carries the variants of its upload (copied when the car
-- names the upload's path, or filled in when the worker finishes later).
ALTER TABLE car_images ADD COLUMN variants jsonb NOT NULL DEFAULT '[]';
CREATE INDEX car_images_path_idx ON car_images (path) WHERE path IS NOT NULL;

-- CSV reports an admin asked for; the report worker builds them.
CREATE TABLE reports (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind         text NOT NULL CHECK (kind IN ('bookings_revenue', 'fleet_utilisation')),
  date_from    date NOT NULL,
  date_to      date NOT NULL CHECK (date_to >= date_from),
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress     integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  row_count    integer,
  content      text,          -- the CSV: small (a row per month or car), and
                              -- any responder can serve it without a shared disk
  error        text,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX reports_created_idx ON reports (created_at DESC);
