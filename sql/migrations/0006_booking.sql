-- 0006_booking: the deadlines of a booking's payment.

-- An unpaid booking holds its dates until hold_until (NULL: not held,
-- i.e. paid, or cancelled).  Bookings made on the site hold for
-- BOOKING_HOLD_MINUTES; those an admin creates hold until their payment
-- link expires.  `exodrive expire-holds` cancels a booking past its own
-- deadline.
ALTER TABLE bookings ADD COLUMN hold_until timestamptz;
UPDATE bookings b SET hold_until = COALESCE(
    (SELECT t.expires_at FROM booking_secure_tokens t WHERE t.id = b.secure_token_id),
    b.created_at + interval '60 minutes')
  WHERE b.overall_status IN ('pending_customer_action', 'pending_payment')
    AND b.payment_status = 'pending';
CREATE INDEX bookings_hold_until_idx ON bookings (hold_until)
  WHERE hold_until IS NOT NULL;

-- When the current authorization was made (or last reauthorized): a
-- capture after PayPal's three-day honour period reauthorizes first.
ALTER TABLE payments ADD COLUMN authorized_at timestamptz;
UPDATE payments SET authorized_at = created_at WHERE paypal_authorization_id IS NOT NULL;
