/* repo_bookings.c -- bookings, their holds, tokens, events and outbox. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "pricing.h"
#include "repo.h"

/* Serialise every booking write of one car (held to COMMIT).  Together
 * with the exclusion constraint this keeps overlapping requests from
 * deadlocking each other (reliability.md §1.4). */
enum api_err
repo_booking_lock_car(const char *car)
{
	const char *p[1] = { car };

	return db_exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
	    1, p);
}

/* The active fees of an active location: a fee with a percentage charges
 * that share of the subtotal, one without (or with 0) its flat amount. */
#define REPO_LOC_FEES(loc) \
	"location_fees f JOIN locations l ON l.id = f.location_id" \
	" WHERE f.is_active AND l.is_active AND f.location_id = " loc "::uuid"

enum api_err
repo_booking_price_inputs(const char *car, const char *start, const char *end,
    const char *pickup, const char *dropoff, struct pricing_in *in)
{
	const char *p[5] = { car, start, end, pickup, dropoff };
	struct db_res *res;
	enum api_err e;
	int i, n;

	e = db_query("SELECT (p.base_price * 100)::bigint, p.minimum_days,"
	    " c.available, COALESCE(p.discount_percentage, 0),"
	    " (p.deposit_amount * 100)::bigint,"
	    " (SELECT COALESCE(max(r.multiplier), 1) FROM peak_pricing_rules r"
	    "  WHERE r.is_active AND (r.start_date IS NULL OR r.start_date < $3::date)"
	    "  AND (r.end_date IS NULL OR r.end_date >= $2::date)"
	    "  AND (r.day_of_week IS NULL OR EXISTS (SELECT 1 FROM"
	    "   generate_series($2::date, $3::date - 1, interval '1 day') d"
	    "   WHERE extract(dow FROM d)::int = ANY (r.day_of_week)))),"
	    " COALESCE((SELECT t.tax_rate FROM tax_configurations t"
	    "  LEFT JOIN locations l ON l.id = t.location_id WHERE t.is_active"
	    "  AND ((t.location_id = $4::uuid AND l.is_active) OR t.location_id IS NULL)"
	    "  ORDER BY t.location_id NULLS LAST LIMIT 1), 0.10),"
	    " (SELECT (COALESCE(sum(f.fee_amount), 0) * 100)::bigint FROM " REPO_LOC_FEES("$4")
	    "  AND COALESCE(f.fee_percentage, 0) = 0),"
	    " (SELECT COALESCE(sum(f.fee_percentage), 0) FROM " REPO_LOC_FEES("$4") "),"
	    " (SELECT (COALESCE(sum(f.fee_amount), 0) * 100)::bigint FROM " REPO_LOC_FEES("$5")
	    "  AND COALESCE(f.fee_percentage, 0) = 0),"
	    " (SELECT COALESCE(sum(f.fee_percentage), 0) FROM " REPO_LOC_FEES("$5") "),"
	    " ($3::date - $2::date)"
	    " FROM cars c JOIN car_pricing p ON p.car_id = c.id"
	    " WHERE c.id = $1::uuid AND NOT c.hidden", 5, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1) {
		db_free(res);
		return API_NOT_FOUND;
	}
	memset(in, 0, sizeof *in);
	in->base_cents = atoll(db_val(res, 0, 0));
	in->minimum_days = atol(db_val(res, 0, 1));
	in->available = strcmp(db_val(res, 0, 2), "t") == 0;
	in->discount_pct = atof(db_val(res, 0, 3));
	in->deposit_cents = atoll(db_val(res, 0, 4));
	in->peak_multiplier = atof(db_val(res, 0, 5));
	in->tax_rate = atof(db_val(res, 0, 6));
	in->pickup_fee_cents = atoll(db_val(res, 0, 7));
	in->pickup_fee_pct = atof(db_val(res, 0, 8));
	in->dropoff_fee_cents = atoll(db_val(res, 0, 9));
	in->dropoff_fee_pct = atof(db_val(res, 0, 10));
	in->days = atol(db_val(res, 0, 11));
	in->one_way = pickup != NULL && dropoff != NULL && strcmp(pickup, dropoff) != 0;
	if (dropoff == NULL || (pickup != NULL && strcmp(pickup, dropoff) == 0)) {
		in->dropoff_fee_cents = 0;
		in->dropoff_fee_pct = 0;
	}
	db_free(res);
	e = db_query("SELECT name, (amount * 100)::bigint FROM car_additional_fees"
	    " WHERE car_id = $1::uuid AND NOT is_optional AND amount > 0"
	    " ORDER BY name", 1, p, &res);
	if (e != API_OK)
		return e;
	n = db_rows(res);
	for (i = 0; i < n && i < PRICING_MAX_FEES; i++) {
		snprintf(in->fees[i].name, sizeof in->fees[i].name, "%s",
		    db_val(res, i, 0));
		in->fees[i].cents = atoll(db_val(res, i, 1));
	}
	in->nfees = i;
	db_free(res);
	return API_OK;
}

enum api_err
repo_booking_blocked_days(const char *car, const char *start, const char *end,
    struct db_res **res)
{
	const char *p[3] = { car, start, end };

	return db_query("SELECT date::text FROM car_availability WHERE car_id = $1::uuid"
	    " AND date BETWEEN $2::date AND $3::date AND status <> 'available'"
	    " UNION SELECT d::date::text FROM bookings b,"
	    "  generate_series(GREATEST(b.start_date, $2::date), LEAST(b.end_date, $3::date),"
	    "  interval '1 day') d"
	    " WHERE b.car_id = $1::uuid AND b.overall_status <> 'cancelled'"
	    "  AND b.start_date <= $3::date AND b.end_date >= $2::date"
	    " ORDER BY 1", 3, p, res);
}

enum api_err
repo_booking_customer(const char *user_id, const char *email,
    const char *first, const char *last, const char *phone, char *id,
    size_t idlen)
{
	const char *p[4] = { email, first, last, phone };
	const char *u[1] = { user_id };
	struct db_res *res;
	enum api_err e;

	if (user_id != NULL)
		e = db_query("SELECT id FROM customers WHERE user_id = $1::uuid", 1,
		    u, &res);
	else
		e = db_query("INSERT INTO customers (email, first_name, last_name, phone)"
		    " VALUES ($1, $2, $3, $4) ON CONFLICT (email) WHERE user_id IS NULL"
		    " DO UPDATE SET email = EXCLUDED.email RETURNING id", 4, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else
		snprintf(id, idlen, "%s", db_val(res, 0, 0));
	db_free(res);
	return e;
}

/* Parameters: 1 customer, 2 car, 3 start, 4 end, 5 total, 6 deposit,
 * 7 idempotency key, 8 breakdown JSON, 9 token, 10 token lifetime (days). */
enum api_err
repo_booking_insert(const char *const *p, char *id, size_t idlen)
{
	struct db_res *res;
	enum api_err e;

	e = db_query("WITH t AS (INSERT INTO booking_secure_tokens (token, expires_at)"
	    " VALUES ($9, now() + make_interval(days => $10::int)) RETURNING id, expires_at)"
	    " INSERT INTO bookings (customer_id, car_id, start_date,"
	    " end_date, total_price, security_deposit_amount, idempotency_key,"
	    " price_breakdown, overall_status, payment_status, contract_status, notes,"
	    " secure_token_id, hold_until)"
	    " SELECT $1::uuid, $2::uuid, $3::date, $4::date, $5::numeric, $6::numeric,"
	    " $7, $8::jsonb, 'pending_payment', 'pending', 'not_sent',"
	    " 'Booking created. Days: ' || ($4::date - $3::date), t.id,"
	    " CASE WHEN $11::text = 'link' THEN t.expires_at"
	    "  ELSE $11::timestamptz END FROM t"
	    " RETURNING id", 11, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1) {
		db_free(res);
		return API_DATABASE_ERROR;
	}
	snprintf(id, idlen, "%s", db_val(res, 0, 0));
	db_free(res);
	{
		const char *q[1] = { id };

		return db_exec("UPDATE booking_secure_tokens t SET booking_id = b.id"
		    " FROM bookings b WHERE b.id = $1::uuid AND t.id = b.secure_token_id",
		    1, q);
	}
}

enum api_err
repo_booking_hold(const char *booking, const char *car, const char *start,
    const char *end)
{
	const char *p[4] = { booking, car, start, end };

	return db_exec("INSERT INTO car_availability (car_id, date, status, booking_id)"
	    " SELECT $2::uuid, d::date, 'pending_confirmation', $1::uuid"
	    " FROM generate_series($3::date, $4::date, interval '1 day') d"
	    " ON CONFLICT (car_id, date) DO UPDATE SET status = 'pending_confirmation',"
	    " booking_id = EXCLUDED.booking_id WHERE car_availability.status = 'available'",
	    4, p);
}

enum api_err
repo_booking_event(const char *booking, const char *type, const char *actor,
    const char *actor_id, const char *details, const char *summary)
{
	const char *p[6] = { booking, type, actor, actor_id, details, summary };

	return db_exec("INSERT INTO booking_events (booking_id, event_type, actor_type,"
	    " actor_id, details, summary_text) VALUES ($1::uuid, $2, $3::actor_type, $4,"
	    " COALESCE($5::jsonb, '{}'), $6)", 6, p);
}

enum api_err
repo_outbox_add(const char *queue, const char *job, const char *payload,
    const char *dedupe)
{
	const char *p[4] = { queue, job, payload, dedupe };

	return db_exec("INSERT INTO outbox (queue, job_name, payload, dedupe_key)"
	    " VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (dedupe_key) DO NOTHING", 4, p);
}

enum api_err
repo_idem_get(const char *scope, const char *key, const char *hash,
    int *status, struct db_res **res, const char **json)
{
	const char *p[3] = { scope, key, hash };
	enum api_err e;

	e = db_query("SELECT status, response::text, request_hash = decode($3, 'hex')"
	    " FROM idempotency_keys WHERE scope = $1 AND key = $2", 3, p, res);
	if (e != API_OK)
		return e;
	if (db_rows(*res) != 1)
		return API_NOT_FOUND;
	if (strcmp(db_val(*res, 0, 2), "t") != 0)
		return API_CONFLICT;
	*status = atoi(db_val(*res, 0, 0));
	*json = db_val(*res, 0, 1);
	return API_OK;
}

enum api_err
repo_idem_put(const char *scope, const char *key, const char *hash,
    int status, const char *json)
{
	char st[8];
	const char *p[5] = { scope, key, hash, st, json };

	snprintf(st, sizeof st, "%d", status);
	return db_exec("INSERT INTO idempotency_keys (scope, key, request_hash, status,"
	    " response) VALUES ($1, $2, decode($3, 'hex'), $4::int, $5::jsonb)", 5, p);
}

enum api_err
repo_booking_by_token(const char *token, struct db_res **res, const char **json)
{
	const char *p[1] = { token };
	enum api_err e;

	e = db_query("SELECT json_build_object('booking', json_build_object('id', b.id,"
	    " 'carId', b.car_id, 'carName', c.name, 'carSlug', c.slug,"
	    " 'startDate', b.start_date, 'endDate', b.end_date, 'totalPrice', b.total_price,"
	    " 'currency', b.currency, 'securityDepositAmount', b.security_deposit_amount,"
	    " 'overallStatus', b.overall_status, 'paymentStatus', b.payment_status,"
	    " 'contractStatus', b.contract_status, 'createdAt', b.created_at,"
	    " 'customer', json_build_object('firstName', cu.first_name, 'lastName', cu.last_name,"
	    "  'email', cu.email), 'expiresAt', t.expires_at, 'holdUntil', b.hold_until))::text,"
	    " t.expires_at < now()"
	    " FROM booking_secure_tokens t JOIN bookings b ON b.id = t.booking_id"
	    " JOIN cars c ON c.id = b.car_id JOIN customers cu ON cu.id = b.customer_id"
	    " WHERE t.token = $1", 1, p, res);
	if (e != API_OK)
		return e;
	if (db_rows(*res) != 1)
		return API_NOT_FOUND;
	if (strcmp(db_val(*res, 0, 1), "t") == 0)
		return API_FORBIDDEN;	/* expired */
	*json = db_val(*res, 0, 0);
	return API_OK;
}

enum api_err
repo_booking_mine(const char *user_id, struct db_res **res, const char **json)
{
	const char *p[1] = { user_id };
	enum api_err e;

	e = db_query("SELECT json_build_object('bookings', COALESCE(json_agg("
	    " json_build_object('id', b.id, 'carId', b.car_id, 'carName', c.name,"
	    " 'startDate', b.start_date, 'endDate', b.end_date, 'totalPrice', b.total_price,"
	    " 'currency', b.currency, 'overallStatus', b.overall_status,"
	    " 'paymentStatus', b.payment_status, 'contractStatus', b.contract_status,"
	    " 'createdAt', b.created_at) ORDER BY b.created_at DESC), '[]'))::text"
	    " FROM customers cu JOIN bookings b ON b.customer_id = cu.id"
	    " JOIN cars c ON c.id = b.car_id WHERE cu.user_id = $1::uuid", 1, p, res);
	if (e == API_OK)
		*json = db_val(*res, 0, 0);
	return e;
}

enum api_err
repo_booking_cancel_own(const char *user_id, const char *booking,
    char *car, size_t carlen, char *status, size_t statuslen)
{
	const char *p[2] = { user_id, booking };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT b.car_id, b.overall_status FROM bookings b"
	    " JOIN customers cu ON cu.id = b.customer_id"
	    " WHERE b.id = $2::uuid AND cu.user_id = $1::uuid FOR UPDATE OF b", 2, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1) {
		db_free(res);
		return API_NOT_FOUND;
	}
	snprintf(car, carlen, "%s", db_val(res, 0, 0));
	snprintf(status, statuslen, "%s", db_val(res, 0, 1));
	db_free(res);
	return API_OK;
}

enum api_err
repo_booking_set_cancelled(const char *booking)
{
	const char *p[1] = { booking };
	enum api_err e;

	e = db_exec("UPDATE bookings SET overall_status = 'cancelled', hold_until = NULL"
	    " WHERE id = $1::uuid",
	    1, p);
	if (e != API_OK)
		return e;
	return db_exec("UPDATE car_availability SET status = 'available', booking_id = NULL"
	    " WHERE booking_id = $1::uuid", 1, p);
}

enum api_err
repo_price_audit(const char *car, const char *booking, const char *outcome,
    const char *details)
{
	const char *p[4] = { car, booking, outcome, details };

	return db_exec("INSERT INTO price_audit (car_id, booking_id, outcome, details)"
	    " VALUES ($1::uuid, $2::uuid, $3, $4::jsonb)", 4, p);
}

enum api_err
repo_outbox_claim(const char *queues, long limit, struct db_res **res)
{
	char n[24];
	const char *p[2] = { queues, n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT id, job_name, payload::text, coalesce(dedupe_key, 'outbox:' || id),"
	    " queue, greatest(0, coalesce(extract(epoch FROM (payload->>'sendAt')::timestamptz"
	    "  - now()) * 1000, 0))::bigint"
	    " FROM outbox WHERE relayed_at IS NULL AND queue = ANY ($1::text[])"
	    " ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED", 2, p, res);
}

enum api_err
repo_outbox_relayed(const char *id)
{
	const char *p[1] = { id };

	return db_exec("UPDATE outbox SET relayed_at = now() WHERE id = $1::bigint", 1, p);
}

enum api_err
repo_email_booking(const char *booking, const char *base_url,
    long hold_minutes, struct db_res **res, const char **json)
{
	char mins[24];
	const char *p[3] = { booking, base_url, mins };

	/* Raw figures (numbers, ISO dates, UTC times): template_email_vars()
	 * makes them en-US and adds the defaults. */
	snprintf(mins, sizeof mins, "%ld", hold_minutes);
	return repo_json("SELECT json_build_object('bookingId', b.id,"
	    " 'reference', 'EXO-' || upper(left(b.id::text, 8)),"
	    " 'cancelReference', 'CANCEL-' || upper(left(b.id::text, 8)),"
	    " 'invoiceNumber', 'INV-' || upper(left(b.id::text, 8)),"
	    " 'customerName', concat_ws(' ', cu.first_name, nullif(cu.last_name, '')),"
	    " 'customerFirstName', cu.first_name, 'customerEmail', cu.email,"
	    " 'carName', c.name,"
	    " 'carImage', (SELECT CASE WHEN i.url ~ '^https?://' THEN i.url"
	    "   WHEN left(i.url, 1) = '/' THEN $2 || i.url END FROM car_images i"
	    "   WHERE i.car_id = c.id ORDER BY i.is_primary DESC, i.sort_order, i.created_at LIMIT 1),"
	    " 'startDate', b.start_date::text, 'endDate', b.end_date::text,"
	    " 'days', b.end_date - b.start_date,"
	    " 'totalPrice', b.total_price, 'currency', b.currency,"
	    " 'basePrice', CASE WHEN jsonb_typeof(b.price_breakdown->'basePricePerDay') = 'number'"
	    "   THEN (b.price_breakdown->'basePricePerDay')::numeric ELSE cp.base_price END,"
	    " 'deposit', b.security_deposit_amount,"
	    " 'pickupLocation', coalesce(nullif(b.pickup_location, ''), (SELECT nullif(concat_ws(', ',"
	    "   nullif(l.address, ''), nullif(l.city, ''), nullif(l.state, ''), nullif(l.postal_code, ''),"
	    "   nullif(l.country, '')), '') FROM booking_locations l WHERE l.booking_id = b.id"
	    "   AND l.type = 'pickup')),"
	    " 'dropoffLocation', coalesce(nullif(b.dropoff_location, ''), (SELECT nullif(concat_ws(', ',"
	    "   nullif(l.address, ''), nullif(l.city, ''), nullif(l.state, ''), nullif(l.postal_code, ''),"
	    "   nullif(l.country, '')), '') FROM booking_locations l WHERE l.booking_id = b.id"
	    "   AND l.type = 'dropoff')),"
	    " 'status', b.overall_status, 'paymentStatus', b.payment_status,"
	    /* Unpaid: held until its own deadline (or the site's hold time). */
	    " 'holdUntil', CASE WHEN b.payment_status = 'pending' AND b.overall_status IN"
	    "   ('pending_customer_action', 'pending_payment') THEN to_char(coalesce(b.hold_until,"
	    "   b.created_at + make_interval(mins => $3::int)) AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') END,"
	    " 'paidAmount', pay.paid, 'transactionId', pay.txn,"
	    " 'paymentMethod', pay.method, 'paymentDate', pay.day,"
	    " 'capturedAmount', (SELECT coalesce(sum(p.captured_amount), 0) FROM payments p"
	    "   WHERE p.booking_id = b.id AND p.status IN ('captured', 'refunded')),"
	    " 'cancellationDate', (ev.timestamp AT TIME ZONE 'UTC')::date::text,"
	    " 'cancellationReason', coalesce(ev.details->>'reason', ev.summary_text),"
	    " 'isCustomerCancelled', coalesce(ev.actor_type = 'customer', false),"
	    " 'bookingUrl', CASE WHEN t.token IS NOT NULL THEN $2 || '/booking/' || t.token END"
	    ")::text FROM bookings b JOIN customers cu ON cu.id = b.customer_id"
	    " JOIN cars c ON c.id = b.car_id"
	    " LEFT JOIN car_pricing cp ON cp.car_id = c.id"
	    " LEFT JOIN booking_secure_tokens t ON t.id = b.secure_token_id"
	    /* The payment a receipt is about: the last captured, else the last. */
	    " LEFT JOIN LATERAL (SELECT coalesce(p.captured_amount, p.amount) AS paid,"
	    "   coalesce(p.paypal_capture_id, p.paypal_authorization_id, p.paypal_order_id) AS txn,"
	    "   CASE WHEN p.payment_method IS NULL OR lower(p.payment_method) = 'paypal'"
	    "    THEN 'PayPal' ELSE p.payment_method END AS method,"
	    "   (coalesce(p.captured_at, p.created_at) AT TIME ZONE 'UTC')::date::text AS day"
	    "   FROM payments p WHERE p.booking_id = b.id"
	    "   ORDER BY p.status IN ('captured', 'refunded') DESC, p.created_at DESC LIMIT 1) pay ON true"
	    " LEFT JOIN LATERAL (SELECT e.timestamp, e.details, e.summary_text, e.actor_type"
	    "   FROM booking_events e WHERE e.booking_id = b.id"
	    "   AND e.event_type IN ('booking_cancelled', 'hold_expired')"
	    "   ORDER BY e.timestamp DESC LIMIT 1) ev ON true"
	    " WHERE b.id = $1::uuid", 3, p, res, json);
}

enum api_err
repo_email_sent(const char *booking, const char *kind, const char *to,
    const char *subject, const char *message_id, const char *error)
{
	const char *p[6] = { booking, kind, to, subject, message_id, error };
	const char *q[3] = { booking, message_id, error };
	enum api_err e;

	e = db_exec("INSERT INTO email_events (booking_id, email_type, recipient_email,"
	    " subject, status, message_id, error_message, sent_at, failed_at, retry_count)"
	    " VALUES ($1::uuid, $2, $3, $4, CASE WHEN $6::text IS NULL THEN 'sent' ELSE 'failed' END,"
	    " $5, $6, CASE WHEN $6::text IS NULL THEN now() END,"
	    " CASE WHEN $6::text IS NOT NULL THEN now() END, 0)"
	    " ON CONFLICT (booking_id, email_type) DO UPDATE SET"
	    /* a provider's delivered/bounced report may come first */
	    " status = CASE WHEN EXCLUDED.status = 'sent' AND email_events.status IN"
	    "  ('delivered', 'bounced', 'complained') THEN email_events.status"
	    "  ELSE EXCLUDED.status END,"
	    " message_id = coalesce(EXCLUDED.message_id, email_events.message_id),"
	    " error_message = EXCLUDED.error_message, sent_at = coalesce(EXCLUDED.sent_at, email_events.sent_at),"
	    " failed_at = EXCLUDED.failed_at, retry_count = email_events.retry_count"
	    "  + CASE WHEN EXCLUDED.status = 'failed' THEN 1 ELSE 0 END", 6, p);
	if (e != API_OK)
		return e;
	if (strcmp(kind, "booking_confirmation") == 0)
		return db_exec("UPDATE bookings SET email_confirmation_status ="
		    " CASE WHEN $3::text IS NULL THEN 'sent' ELSE 'retrying' END,"
		    " email_confirmation_message_id = coalesce($2, email_confirmation_message_id),"
		    " email_last_failure_reason = $3 WHERE id = $1::uuid", 3, q);
	if (strcmp(kind, "payment_receipt") == 0)
		return db_exec("UPDATE bookings SET email_payment_receipt_status ="
		    " CASE WHEN $3::text IS NULL THEN 'sent' ELSE 'retrying' END,"
		    " email_payment_receipt_sent_at = CASE WHEN $3::text IS NULL THEN now()"
		    "  ELSE email_payment_receipt_sent_at END,"
		    " email_payment_receipt_message_id = coalesce($2, email_payment_receipt_message_id),"
		    " email_last_failure_reason = $3 WHERE id = $1::uuid", 3, q);
	return API_OK;
}

enum api_err
repo_email_resendable(const char *booking, const char *kind)
{
	const char *p[1] = { booking };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT EXISTS (SELECT 1 FROM payments WHERE booking_id = b.id"
	    " AND status IN ('captured', 'refunded')) FROM bookings b"
	    " WHERE b.id = $1::uuid", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) == 0)
		e = API_NOT_FOUND;
	else if (strcmp(kind, "payment_receipt") == 0 && strcmp(db_val(res, 0, 0), "t") != 0)
		e = API_CONFLICT;
	db_free(res);
	return e;
}

enum api_err
repo_email_inbox(const char *page, const char *search, struct db_res **res,
    const char **json)
{
	const char *p[2] = { page, search };

	return repo_json("WITH f AS (SELECT * FROM inbox_emails WHERE $2::text IS NULL"
	    "  OR recipient_email ILIKE '%' || replace(replace($2, '%', '\\%'), '_', '\\_') || '%'"
	    "  OR subject ILIKE '%' || replace(replace($2, '%', '\\%'), '_', '\\_') || '%')"
	    " SELECT json_build_object('emails', coalesce((SELECT json_agg(x) FROM"
	    "  (SELECT resend_email_id AS \"emailId\", last_event_type AS \"lastEvent\","
	    "   last_event_at AS \"lastEventAt\", recipient_email AS recipient, subject,"
	    "   booking_id AS \"bookingId\", bounce_type AS \"bounceType\","
	    "   opened_at AS \"openedAt\", clicked_at AS \"clickedAt\" FROM f"
	    "   ORDER BY last_event_at DESC LIMIT 20 OFFSET ($1::int - 1) * 20) x), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', 20,"
	    "  'total', (SELECT count(*) FROM f)))::text", 2, p, res, json);
}

enum api_err
repo_outbox_reminder(const char *booking)
{
	const char *p[1] = { booking };

	/* The day before pick-up, 00:00 UTC (or at once when that has
	 * passed); the key names the start date, so a booking moved to
	 * another day gets a reminder of its own. */
	return db_exec("INSERT INTO outbox (queue, job_name, payload, dedupe_key)"
	    " SELECT 'email', 'reminder', json_build_object('bookingId', id,"
	    "  'startDate', start_date, 'sendAt', to_char((start_date - 1)::timestamp,"
	    "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))::jsonb, 'reminder:' || id || ':' || start_date"
	    " FROM bookings WHERE id = $1::uuid"
	    "  AND overall_status IN ('pending_contract', 'upcoming')"
	    "  AND start_date > (now() AT TIME ZONE 'UTC')::date"
	    " ON CONFLICT (dedupe_key) DO NOTHING", 1, p);
}

enum api_err
repo_reminder_due(const char *booking, const char *start, bool *due)
{
	const char *p[2] = { booking, start };
	struct db_res *res;
	enum api_err e;

	/* As its email says: picked up tomorrow (UTC), on the day it was
	 * queued for, and neither cancelled nor unpaid. */
	e = db_query("SELECT 1 FROM bookings WHERE id = $1::uuid"
	    " AND start_date = (now() AT TIME ZONE 'UTC')::date + 1"
	    " AND ($2::date IS NULL OR start_date = $2::date)"
	    " AND overall_status IN ('pending_contract', 'upcoming')", 2, p, &res);
	if (e == API_OK)
		*due = db_rows(res) == 1;
	db_free(res);
	return e;
}

enum api_err
repo_email_status_booking(const char *booking, struct db_res **res,
    const char **json)
{
	const char *p[1] = { booking };

	return repo_json("SELECT json_build_object('bookingId', b.id,"
	    " 'confirmation', json_build_object('status', b.email_confirmation_status,"
	    "  'messageId', b.email_confirmation_message_id,"
	    "  'sentAt', b.email_confirmation_sent_at),"
	    " 'paymentReceipt', json_build_object('status', b.email_payment_receipt_status,"
	    "  'messageId', b.email_payment_receipt_message_id,"
	    "  'sentAt', b.email_payment_receipt_sent_at),"
	    " 'lastFailureReason', b.email_last_failure_reason,"
	    " 'events', coalesce((SELECT json_agg(e ORDER BY e.\"createdAt\") FROM"
	    "  (SELECT email_type AS type, status, recipient_email AS recipient, subject,"
	    "   message_id AS \"messageId\", error_message AS error,"
	    "   retry_count AS \"retryCount\", sent_at AS \"sentAt\","
	    "   delivered_at AS \"deliveredAt\", failed_at AS \"failedAt\","
	    "   created_at AS \"createdAt\" FROM email_events WHERE booking_id = b.id) e), '[]'))::text"
	    " FROM bookings b WHERE b.id = $1::uuid", 1, p, res, json);
}

enum api_err
repo_email_status_list(const char *const p[4], struct db_res **res,
    const char **json)
{
	/* p: page, limit, status, type */
	return repo_json("WITH f AS (SELECT * FROM email_events"
	    "  WHERE ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR email_type = $4))"
	    " SELECT json_build_object('emails', coalesce((SELECT json_agg(x) FROM"
	    "  (SELECT id, booking_id AS \"bookingId\", email_type AS type, status,"
	    "   recipient_email AS recipient, subject, message_id AS \"messageId\","
	    "   error_message AS error, retry_count AS \"retryCount\", sent_at AS \"sentAt\","
	    "   failed_at AS \"failedAt\", updated_at AS \"updatedAt\" FROM f"
	    "   ORDER BY updated_at DESC, id LIMIT $2::int OFFSET ($1::int - 1) * $2::int) x), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', $2::int,"
	    "  'total', (SELECT count(*) FROM f)),"
	    " 'stats', (SELECT json_build_object('total', count(*),"
	    "  'pending', count(*) FILTER (WHERE status = 'pending'),"
	    "  'sent', count(*) FILTER (WHERE status = 'sent'),"
	    "  'delivered', count(*) FILTER (WHERE status = 'delivered'),"
	    "  'failed', count(*) FILTER (WHERE status = 'failed'),"
	    "  'bounced', count(*) FILTER (WHERE status = 'bounced'),"
	    "  'complained', count(*) FILTER (WHERE status = 'complained'))"
	    "  FROM email_events))::text", 4, p, res, json);
}

enum api_err
repo_email_retry_failed(const char *kind, const char *max_retries, long *count)
{
	const char *p[2] = { kind, max_retries };
	struct db_res *res;
	enum api_err e;

	/* At most once per failure: the key names the event and its count. */
	e = db_query("WITH x AS (INSERT INTO outbox (queue, job_name, payload, dedupe_key)"
	    " SELECT 'email', email_type, json_build_object('bookingId', booking_id)::jsonb,"
	    "  'retry:' || id || ':' || retry_count FROM email_events"
	    " WHERE status = 'failed' AND email_type = $1 AND booking_id IS NOT NULL"
	    "  AND retry_count < $2::int ORDER BY failed_at LIMIT 100"
	    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1) SELECT count(*) FROM x",
	    2, p, &res);
	if (e == API_OK)
		*count = atol(db_val(res, 0, 0));
	db_free(res);
	return e;
}

enum api_err
repo_booking_holds_due(const char *now, long limit, struct db_res **res)
{
	char n[24];
	const char *p[2] = { now, n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT id FROM bookings WHERE hold_until < $1::timestamptz"
	    " AND overall_status IN ('pending_customer_action', 'pending_payment')"
	    " AND payment_status = 'pending' ORDER BY hold_until LIMIT $2::int",
	    2, p, res);
}

enum api_err
repo_booking_hold_lapsed(const char *id, const char *now, char *status,
    size_t slen, char *car, size_t clen)
{
	const char *p[2] = { id, now };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT overall_status, car_id FROM bookings WHERE id = $1::uuid"
	    " AND hold_until < $2::timestamptz AND payment_status = 'pending'"
	    " AND overall_status IN ('pending_customer_action', 'pending_payment')"
	    " FOR UPDATE", 2, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else {
		snprintf(status, slen, "%s", db_val(res, 0, 0));
		snprintf(car, clen, "%s", db_val(res, 0, 1));
	}
	db_free(res);
	return e;
}

enum api_err
repo_booking_payable(const char *token, char *id, size_t idlen, char *status,
    size_t slen, char *payment, size_t plen, char *car, size_t clen,
    int64_t *cents)
{
	const char *p[1] = { token };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT b.id, b.overall_status, b.payment_status, b.car_id,"
	    " (b.total_price * 100)::bigint, t.expires_at < now()"
	    " FROM booking_secure_tokens t JOIN bookings b ON b.id = t.booking_id"
	    " WHERE t.token = $1 FOR UPDATE OF b", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else if (strcmp(db_val(res, 0, 5), "t") == 0)
		e = API_FORBIDDEN;
	else {
		snprintf(id, idlen, "%s", db_val(res, 0, 0));
		snprintf(status, slen, "%s", db_val(res, 0, 1));
		snprintf(payment, plen, "%s", db_val(res, 0, 2));
		snprintf(car, clen, "%s", db_val(res, 0, 3));
		*cents = atoll(db_val(res, 0, 4));
	}
	db_free(res);
	return e;
}
