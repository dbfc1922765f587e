-- 0001_schema.sql -- the rental business: fleet, availability, customers,
-- bookings, payments, events, reviews, pricing rules, auth, outbox.
-- Applied by `exodrive migrate` in one transaction.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Enums ------------------------------------------------------------------

CREATE TYPE booking_overall_status AS ENUM (
  'pending_customer_action', 'pending_payment', 'pending_contract',
  'upcoming', 'active', 'post_rental_finalization', 'completed',
  'cancelled', 'disputed');
CREATE TYPE payment_status AS ENUM (
  'pending', 'authorized', 'captured', 'refunded', 'voided', 'failed');
CREATE TYPE contract_status AS ENUM (
  'not_sent', 'sent', 'viewed', 'signed', 'declined', 'voided', 'expired');
CREATE TYPE availability_status AS ENUM (
  'available', 'pending_confirmation', 'booked', 'maintenance');
CREATE TYPE actor_type AS ENUM (
  'customer', 'admin', 'system', 'webhook_paypal', 'webhook_resend',
  'webhook_esignature');
CREATE TYPE media_type AS ENUM ('photo', 'video', 'pdf', 'other');
CREATE TYPE media_stage AS ENUM (
  'pickup_pre_rental', 'dropoff_post_rental', 'rental_agreement', 'id_scan',
  'dispute_evidence', 'general_attachment');
CREATE TYPE uploader_type AS ENUM ('customer', 'admin', 'system');
CREATE TYPE location_type AS ENUM ('pickup', 'dropoff');
CREATE TYPE paypal_invoice_status AS ENUM (
  'DRAFT', 'SENT', 'SCHEDULED', 'PAYMENT_PENDING', 'PAID', 'MARKED_AS_PAID',
  'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'MARKED_AS_REFUNDED', 'VOIDED');
CREATE TYPE webhook_retry_status AS ENUM (
  'pending', 'processing', 'succeeded', 'failed', 'dead_letter');

-- updated_at -------------------------------------------------------------

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- Authentication ---------------------------------------------------------

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- The role lives here and only here; tokens never carry it.
CREATE TABLE profiles (
  id         uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  role       text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Opaque refresh tokens, stored as SHA-256; one family per login, rotated
-- on every use; reuse of a rotated token revokes the family.
CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  bytea NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Fleet ------------------------------------------------------------------

CREATE TABLE cars (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description       text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  short_description text CHECK (length(short_description) <= 200),
  category          text NOT NULL CHECK (length(category) BETWEEN 1 AND 50),
  available         boolean NOT NULL DEFAULT true,
  featured          boolean NOT NULL DEFAULT false,
  hidden            boolean NOT NULL DEFAULT false,
  average_rating    numeric(3,2) NOT NULL DEFAULT 0,
  review_count      integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cars_visible_idx ON cars (featured DESC, created_at DESC) WHERE available AND NOT hidden;
CREATE INDEX cars_category_idx ON cars (category);

CREATE TABLE car_pricing (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id              uuid NOT NULL UNIQUE REFERENCES cars(id) ON DELETE CASCADE,
  base_price          numeric(10,2) NOT NULL CHECK (base_price >= 0),
  currency            text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  discount_percentage numeric(5,2) CHECK (discount_percentage BETWEEN 0 AND 100),
  special_offer_text  text CHECK (length(special_offer_text) <= 200),
  deposit_amount      numeric(10,2) NOT NULL CHECK (deposit_amount >= 0),
  minimum_days        integer NOT NULL DEFAULT 1 CHECK (minimum_days >= 1),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE car_additional_fees (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id      uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  name        text NOT NULL,
  amount      numeric(10,2) NOT NULL CHECK (amount >= 0),
  is_optional boolean NOT NULL DEFAULT false,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX car_additional_fees_car_idx ON car_additional_fees (car_id);

CREATE TABLE car_images (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id     uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  url        text NOT NULL,
  alt        text,
  path       text,
  is_primary boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX car_images_car_idx ON car_images (car_id, sort_order);
CREATE UNIQUE INDEX car_images_one_primary ON car_images (car_id) WHERE is_primary;

CREATE TABLE car_features (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id         uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  name           text NOT NULL,
  description    text,
  is_highlighted boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX car_features_car_idx ON car_features (car_id);
CREATE INDEX car_features_name_idx ON car_features (name, car_id);

CREATE TABLE car_specifications (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id         uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  name           text NOT NULL,
  value          text NOT NULL,
  category       text,
  sort_order     integer NOT NULL DEFAULT 0,
  is_highlighted boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX car_specifications_car_idx ON car_specifications (car_id, sort_order);

-- Customers and bookings -------------------------------------------------

CREATE TABLE customers (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email      text NOT NULL CHECK (email = lower(email)),
  first_name text,
  last_name  text,
  phone      text,
  user_id    uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- A guest identity per email, and a separate customer per account: an
-- account never inherits guest bookings made with its address (accounts are
-- not email-verified), and guest bookings stay reachable by token only.
CREATE UNIQUE INDEX customers_guest_email_key ON customers (email) WHERE user_id IS NULL;
CREATE UNIQUE INDEX customers_user_key ON customers (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE booking_secure_tokens (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id uuid UNIQUE,
  token      text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bookings (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id             uuid NOT NULL REFERENCES customers(id),
  car_id                  uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  start_date              date NOT NULL,
  end_date                date NOT NULL,
  total_price             numeric(10,2) NOT NULL CHECK (total_price >= 0),
  currency                text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  overall_status          booking_overall_status NOT NULL DEFAULT 'pending_customer_action',
  payment_status          payment_status NOT NULL DEFAULT 'pending',
  contract_status         contract_status NOT NULL DEFAULT 'not_sent',
  security_deposit_amount numeric(10,2) NOT NULL DEFAULT 0 CHECK (security_deposit_amount >= 0),
  secure_token_id         uuid UNIQUE REFERENCES booking_secure_tokens(id) ON DELETE SET NULL,
  idempotency_key         text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  notes                   text,
  admin_notes             text,
  pickup_location         text,
  dropoff_location        text,
  price_breakdown         jsonb,
  contract_document_id    text,
  contract_submission_id  text,
  contract_signing_url    text,
  contract_signed_at      timestamptz,
  contract_template_version integer NOT NULL DEFAULT 1,
  email_confirmation_status text CHECK (email_confirmation_status IN ('pending','sent','failed','retrying')),
  email_confirmation_sent_at timestamptz,
  email_confirmation_message_id text,
  email_payment_receipt_status text CHECK (email_payment_receipt_status IN ('pending','sent','failed','retrying')),
  email_payment_receipt_sent_at timestamptz,
  email_payment_receipt_message_id text,
  email_last_failure_reason text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT bookings_dates_sane CHECK (end_date > start_date AND start_date >= DATE '2020-01-01'),
  -- The invariant: no two live bookings of one car share a day.  Both ends
  -- are blocked (the return day too), as the availability rows say.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
    car_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
    WHERE (overall_status <> 'cancelled')
);
CREATE INDEX bookings_car_dates_idx ON bookings (car_id, start_date, end_date);
CREATE INDEX bookings_customer_created_idx ON bookings (customer_id, created_at);
CREATE INDEX bookings_status_idx ON bookings (overall_status, created_at);
-- A retried request with the same key never creates a second booking.
CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE booking_secure_tokens
  ADD CONSTRAINT booking_secure_tokens_booking_fk
  FOREIGN KEY (booking_id) REFERENCES bookings(id) ON DELETE CASCADE;

CREATE TABLE car_availability (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id     uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  date       date NOT NULL CHECK (date >= DATE '2020-01-01'),
  status     availability_status NOT NULL,
  booking_id uuid REFERENCES bookings(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (car_id, date)
);
CREATE INDEX car_availability_car_date_status_idx ON car_availability (car_id, date, status);
CREATE INDEX car_availability_booking_idx ON car_availability (booking_id);

CREATE TABLE payments (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id              uuid NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  paypal_order_id         text,
  paypal_authorization_id text,
  paypal_capture_id       text,
  paypal_invoice_id       text,
  amount                  numeric(10,2) NOT NULL CHECK (amount >= 0),
  captured_amount         numeric(10,2),
  currency                text NOT NULL DEFAULT 'USD',
  status                  payment_status NOT NULL,
  payment_method          text,
  captured_at             timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_booking_idx ON payments (booking_id);
CREATE INDEX payments_order_idx ON payments (paypal_order_id);
CREATE INDEX payments_authorization_idx ON payments (paypal_authorization_id);

CREATE TABLE booking_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id   uuid NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  event_type   text NOT NULL CHECK (event_type IN (
    'booking_created', 'booking_cancelled', 'booking_updated',
    'status_changed_overall', 'status_changed_payment', 'status_changed_contract',
    'booking_status_changed', 'admin_created_booking', 'admin_updated_booking',
    'payment_initiated', 'payment_authorized', 'payment_authorization_failed',
    'payment_authorization_voided', 'payment_captured', 'payment_capture_failed',
    'payment_voided', 'payment_refunded', 'refund_failed', 'invoice_paid',
    'invoice_cancelled', 'payment_webhook_received',
    'contract_sent', 'contract_viewed', 'contract_signed', 'contract_declined',
    'contract_expired', 'car_picked_up', 'car_returned',
    'vehicle_inspected_pickup', 'vehicle_inspected_return',
    'email_sent', 'email_delivered', 'email_opened', 'email_bounced', 'email_failed',
    'cancellation_email_sent', 'email_send_failed',
    'admin_note_added', 'admin_manual_override', 'dispute_opened', 'dispute_created',
    'dispute_evidence_submitted', 'dispute_resolved', 'system_reminder_sent',
    'hold_expired', 'review_submitted', 'review_approved', 'review_rejected')),
  timestamp    timestamptz NOT NULL DEFAULT now(),
  actor_type   actor_type,
  actor_id     text,
  actor_name   text,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb,
  summary_text text
);
CREATE INDEX booking_events_booking_ts_idx ON booking_events (booking_id, timestamp DESC);

-- Price calculations are audited here, not as booking events.
CREATE TABLE price_audit (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id      uuid REFERENCES cars(id) ON DELETE SET NULL,
  booking_id  uuid REFERENCES bookings(id) ON DELETE SET NULL,
  outcome     text NOT NULL CHECK (outcome IN ('price_calculated', 'price_validated', 'price_validation_failed')),
  details     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE car_reviews (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id           uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  customer_id      uuid REFERENCES customers(id) ON DELETE SET NULL,
  booking_id       uuid REFERENCES bookings(id) ON DELETE SET NULL,
  reviewer_name    text NOT NULL CHECK (length(reviewer_name) >= 2),
  rating           integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment          text CHECK (comment IS NULL OR length(comment) >= 10),
  is_verified      boolean NOT NULL DEFAULT false,
  is_approved      boolean NOT NULL DEFAULT false,
  approved_by      uuid REFERENCES users(id) ON DELETE SET NULL,
  approved_at      timestamptz,
  rejection_reason text,
  deleted_at       timestamptz,
  deleted_by       uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX car_reviews_car_approved_created_idx ON car_reviews (car_id, is_approved, created_at);
CREATE UNIQUE INDEX car_reviews_one_per_booking ON car_reviews (booking_id) WHERE booking_id IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE car_review_responses (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  review_id      uuid NOT NULL REFERENCES car_reviews(id) ON DELETE CASCADE,
  responder_id   uuid REFERENCES users(id) ON DELETE SET NULL,
  responder_type text NOT NULL CHECK (responder_type IN ('owner', 'admin', 'support')),
  response       text NOT NULL CHECK (length(response) >= 10),
  is_public      boolean NOT NULL DEFAULT true,
  deleted_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX car_review_responses_one_owner ON car_review_responses (review_id)
  WHERE responder_type = 'owner' AND deleted_at IS NULL;

-- Keep cars.average_rating and review_count current.
CREATE FUNCTION refresh_car_rating() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid := COALESCE(NEW.car_id, OLD.car_id);
BEGIN
  UPDATE cars SET
    average_rating = COALESCE((SELECT round(avg(rating)::numeric, 2) FROM car_reviews
                               WHERE car_id = cid AND is_approved AND deleted_at IS NULL), 0),
    review_count = (SELECT count(*) FROM car_reviews
                    WHERE car_id = cid AND is_approved AND deleted_at IS NULL)
  WHERE id = cid;
  RETURN NULL;
END $$;
CREATE TRIGGER car_reviews_rating AFTER INSERT OR UPDATE OR DELETE ON car_reviews
  FOR EACH ROW EXECUTE FUNCTION refresh_car_rating();

-- Booking operations (OPS) -----------------------------------------------

CREATE TABLE booking_locations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id  uuid NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  type        location_type NOT NULL,
  address     text,
  city        text,
  state       text,
  postal_code text,
  country     text,
  latitude    numeric(9,6),
  longitude   numeric(9,6),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (booking_id, type)
);

CREATE TABLE booking_media (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id    uuid NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  stage         media_stage NOT NULL,
  file_path     text NOT NULL,
  storage_bucket text NOT NULL DEFAULT 'booking-media',
  file_name     text NOT NULL,
  file_type     text,
  size_bytes    bigint CHECK (size_bytes >= 0),
  type          media_type NOT NULL DEFAULT 'other',
  uploaded_by_type uploader_type NOT NULL DEFAULT 'system',
  uploaded_by_id text,
  description   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_media_booking_idx ON booking_media (booking_id);

CREATE TABLE disputes (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id          uuid NOT NULL UNIQUE REFERENCES bookings(id) ON DELETE RESTRICT,
  provider_dispute_id text UNIQUE,
  status              text NOT NULL DEFAULT 'open',
  reason              text,
  amount              numeric(10,2),
  currency            text DEFAULT 'USD',
  opened_at           timestamptz NOT NULL DEFAULT now(),
  evidence_due_at     timestamptz,
  evidence_submitted_at timestamptz,
  resolved_at         timestamptz,
  outcome             text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dispute_evidence_items (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dispute_id uuid NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
  media_id   uuid NOT NULL REFERENCES booking_media(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dispute_id, media_id)
);

CREATE TABLE paypal_invoices (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id        uuid REFERENCES bookings(id) ON DELETE SET NULL,
  paypal_invoice_id text NOT NULL UNIQUE,
  amount_due        numeric(10,2),
  amount_paid       numeric(10,2),
  currency          text NOT NULL DEFAULT 'USD',
  status            paypal_invoice_status NOT NULL DEFAULT 'DRAFT',
  due_date          date,
  invoice_url       text,
  line_items        jsonb,
  tax_amount        numeric(10,2),
  discount_amount   numeric(10,2),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Pricing rules ------------------------------------------------------------

CREATE TABLE tax_configurations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  location_id uuid,                     -- NULL = global
  tax_rate    numeric(5,4) NOT NULL CHECK (tax_rate >= 0 AND tax_rate < 1),
  tax_name    text NOT NULL,
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE location_fees (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  location_id    uuid NOT NULL,
  fee_type       text NOT NULL CHECK (fee_type IN ('pickup', 'dropoff', 'airport', 'remote')),
  fee_amount     numeric(10,2) NOT NULL DEFAULT 0 CHECK (fee_amount >= 0),
  fee_percentage numeric(5,4) CHECK (fee_percentage >= 0 AND fee_percentage < 1),
  is_active      boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (location_id, fee_type)
);

CREATE TABLE peak_pricing_rules (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_name   text NOT NULL,
  start_date  date,
  end_date    date,
  day_of_week integer[] CHECK (day_of_week <@ ARRAY[0,1,2,3,4,5,6]),
  multiplier  numeric(4,2) NOT NULL CHECK (multiplier BETWEEN 1 AND 5),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Email, inbox, webhooks (OPS) ---------------------------------------------

CREATE TABLE inbox_emails (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resend_email_id    text NOT NULL UNIQUE,
  last_event_type    text,
  last_event_at      timestamptz,
  recipient_email    text,
  sender_email       text,
  subject            text,
  booking_id         uuid REFERENCES bookings(id) ON DELETE SET NULL,
  tags               jsonb,
  bounce_type        text,
  bounce_description text,
  opened_at          timestamptz,
  clicked_at         timestamptz,
  raw_payload        jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE email_events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id      uuid REFERENCES bookings(id) ON DELETE CASCADE,
  email_type      text NOT NULL CHECK (email_type IN ('booking_confirmation', 'payment_receipt',
                    'booking_modification', 'booking_cancellation', 'contract', 'reminder')),
  recipient_email text NOT NULL,
  subject         text,
  status          text NOT NULL CHECK (status IN ('pending','sent','delivered','failed','bounced','complained')),
  message_id      text,
  error_message   text,
  retry_count     integer NOT NULL DEFAULT 0,
  sent_at         timestamptz,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (booking_id, email_type)
);

CREATE TABLE webhook_retries (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id            text NOT NULL,
  webhook_type          text NOT NULL,
  payload               jsonb NOT NULL,
  headers               jsonb,
  endpoint_url          text NOT NULL,
  attempt_count         integer NOT NULL DEFAULT 0,
  max_attempts          integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 10),
  next_retry_at         timestamptz,
  last_attempt_at       timestamptz,
  status                webhook_retry_status NOT NULL DEFAULT 'pending',
  error_message         text,
  error_details         jsonb,
  booking_id            uuid REFERENCES bookings(id) ON DELETE SET NULL,
  succeeded_at          timestamptz,
  failed_permanently_at timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_retries_due_idx ON webhook_retries (status, next_retry_at);

CREATE TABLE webhook_processing_log (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id        text NOT NULL,
  webhook_type      text NOT NULL,
  processed_at      timestamptz NOT NULL DEFAULT now(),
  booking_id        uuid REFERENCES bookings(id) ON DELETE SET NULL,
  processing_result jsonb,
  UNIQUE (webhook_id, webhook_type)
);

-- Jobs that must not be lost with a business write: written in the same
-- transaction, relayed to the queue afterwards.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  queue       text NOT NULL CHECK (queue IN ('email', 'webhook', 'image', 'report')),
  job_name    text NOT NULL,
  payload     jsonb NOT NULL,
  dedupe_key  text UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  relayed_at  timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

CREATE TABLE admin_audit_log (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  actor_id   uuid REFERENCES users(id) ON DELETE SET NULL,
  action     text NOT NULL,
  target     text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotent replays of POST requests (Idempotency-Key), per caller.
CREATE TABLE idempotency_keys (
  key          text NOT NULL,
  scope        text NOT NULL,
  request_hash bytea NOT NULL,
  status       integer NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- updated_at triggers on every table that has the column.
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'updated_at'
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
                   t || '_updated_at', t);
  END LOOP;
END $$;

-- Seeded configuration (domain §8): global tax 10%, weekend x1.15, $25 airport fee.
INSERT INTO tax_configurations (location_id, tax_rate, tax_name) VALUES (NULL, 0.10, 'Sales tax');
INSERT INTO peak_pricing_rules (rule_name, day_of_week, multiplier) VALUES ('Weekend Rate', ARRAY[0,6], 1.15);
INSERT INTO location_fees (location_id, fee_type, fee_amount)
  VALUES ('11111111-1111-1111-1111-111111111111', 'airport', 25.00);
