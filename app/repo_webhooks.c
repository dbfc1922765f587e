/* repo_webhooks.c -- inbound webhook bookkeeping: processed ids, the
 * retry queue, and the rows a PayPal event moves. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_webhook_seen(const char *id, const char *type)
{
	const char *p[2] = { id, type };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT 1 FROM webhook_processing_log WHERE webhook_id = $1"
	    " AND webhook_type = $2", 2, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_NOT_FOUND;
	db_free(res);
	return e;
}

enum api_err
repo_webhook_mark(const char *id, const char *type, const char *booking,
    const char *result)
{
	const char *p[4] = { id, type, booking, result };

	return db_exec("INSERT INTO webhook_processing_log (webhook_id, webhook_type,"
	    " booking_id, processing_result) VALUES ($1, $2, $3::uuid, $4::jsonb)"
	    " ON CONFLICT (webhook_id, webhook_type) DO NOTHING", 4, p);
}

enum api_err
repo_webhook_payment(const char *const *ids, char *booking, size_t blen,
    char *payment, size_t plen)
{
	struct db_res *res;
	enum api_err e;

	/* ids: resource id, custom_id, related authorization id */
	e = db_query("SELECT b.id, coalesce(p.id::text, '') FROM bookings b"
	    " LEFT JOIN payments p ON p.booking_id = b.id"
	    " WHERE b.id::text = $2"
	    "  OR p.paypal_authorization_id IN ($1, $3)"
	    "  OR p.paypal_capture_id = $1 OR p.paypal_order_id IN ($1, $2)"
	    " ORDER BY p.created_at DESC NULLS LAST LIMIT 1 FOR UPDATE OF b", 3, ids, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) == 0) {
		db_free(res);
		return API_NOT_FOUND;
	}
	snprintf(booking, blen, "%s", db_val(res, 0, 0));
	snprintf(payment, plen, "%s", db_val(res, 0, 1));
	db_free(res);
	return API_OK;
}

enum api_err
repo_webhook_dispute(const char *booking, const char *dispute,
    const char *reason, const char *amount)
{
	const char *p[4] = { booking, dispute, reason, amount };
	enum api_err e;

	e = db_exec("INSERT INTO disputes (booking_id, provider_dispute_id, reason, amount)"
	    " VALUES ($1::uuid, $2, $3, $4::numeric)", 4, p);
	if (e != API_OK)
		return e;
	return db_exec("UPDATE bookings SET overall_status = 'disputed' WHERE id = $1::uuid",
	    1, p);
}

enum api_err
repo_webhook_dispute_resolved(const char *dispute, char *booking, size_t len)
{
	const char *p[1] = { dispute };
	struct db_res *res;
	enum api_err e;

	e = db_query("UPDATE disputes SET resolved_at = now(), status = 'resolved'"
	    " WHERE provider_dispute_id = $1 RETURNING booking_id", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) == 0)
		e = API_NOT_FOUND;
	else
		snprintf(booking, len, "%s", db_val(res, 0, 0));
	db_free(res);
	return e;
}

enum api_err
repo_webhook_retry_add(const char *id, const char *type, const char *payload,
    const char *headers, const char *endpoint, const char *error)
{
	const char *p[6] = { id, type, payload, headers, endpoint, error };

	return db_exec("INSERT INTO webhook_retries (webhook_id, webhook_type, payload,"
	    " headers, endpoint_url, error_message, next_retry_at)"
	    " VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, now() + interval '1 minute')",
	    6, p);
}

enum api_err
repo_webhook_retries_due(long limit, struct db_res **res)
{
	char n[24];
	const char *p[1] = { n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("UPDATE webhook_retries SET status = 'processing',"
	    " last_attempt_at = now() WHERE id IN (SELECT id FROM webhook_retries"
	    "  WHERE status IN ('pending', 'processing') AND next_retry_at <= now()"
	    "  ORDER BY next_retry_at LIMIT $1::int FOR UPDATE SKIP LOCKED)"
	    " RETURNING id, webhook_type, payload::text, attempt_count, max_attempts,"
	    " webhook_id",
	    1, p, res);
}

enum api_err
repo_webhook_retry_done(const char *id, bool ok, const char *error)
{
	const char *p[2] = { id, error };

	if (ok)
		return db_exec("UPDATE webhook_retries SET status = 'succeeded',"
		    " attempt_count = attempt_count + 1, succeeded_at = now()"
		    " WHERE id = $1::uuid", 1, p);
	/* +1, +5, +15, +60, +60 minutes from the first failure; then dead. */
	return db_exec("UPDATE webhook_retries SET attempt_count = attempt_count + 1,"
	    " error_message = $2,"
	    " status = CASE WHEN attempt_count + 1 >= max_attempts"
	    "  THEN 'dead_letter'::webhook_retry_status ELSE 'pending' END,"
	    " failed_permanently_at = CASE WHEN attempt_count + 1 >= max_attempts"
	    "  THEN now() END,"
	    " next_retry_at = CASE WHEN attempt_count + 1 >= max_attempts THEN NULL"
	    "  ELSE now() + make_interval(mins => (ARRAY[5, 15, 60, 60])"
	    "  [LEAST(attempt_count + 1, 4)]) END"
	    " WHERE id = $1::uuid", 2, p);
}

enum api_err
repo_webhook_booking(const char *id, char *booking, size_t len)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT id FROM bookings WHERE id::text = $1 FOR UPDATE", 1, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_NOT_FOUND;
	if (e == API_OK)
		snprintf(booking, len, "%s", db_val(res, 0, 0));
	db_free(res);
	return e;
}

enum api_err
repo_webhook_inbox(const char *const *p)
{
	/* p: email id, event type, event time, to, from, subject, booking,
	 * tags, bounce type, bounce message, payload */
	return db_exec("INSERT INTO inbox_emails (resend_email_id, last_event_type,"
	    " last_event_at, recipient_email, sender_email, subject, booking_id, tags,"
	    " bounce_type, bounce_description, opened_at, clicked_at, raw_payload)"
	    " VALUES ($1, $2, coalesce($3::timestamptz, now()), $4, $5, $6, $7::uuid,"
	    " $8::jsonb, $9, $10,"
	    " CASE WHEN $2 = 'email.opened' THEN coalesce($3::timestamptz, now()) END,"
	    " CASE WHEN $2 = 'email.clicked' THEN coalesce($3::timestamptz, now()) END,"
	    " $11::jsonb)"
	    " ON CONFLICT (resend_email_id) DO UPDATE SET last_event_type = EXCLUDED.last_event_type,"
	    " last_event_at = EXCLUDED.last_event_at,"
	    " booking_id = coalesce(EXCLUDED.booking_id, inbox_emails.booking_id),"
	    " bounce_type = coalesce(EXCLUDED.bounce_type, inbox_emails.bounce_type),"
	    " bounce_description = coalesce(EXCLUDED.bounce_description, inbox_emails.bounce_description),"
	    " opened_at = coalesce(inbox_emails.opened_at, EXCLUDED.opened_at),"
	    " clicked_at = coalesce(inbox_emails.clicked_at, EXCLUDED.clicked_at),"
	    " raw_payload = EXCLUDED.raw_payload", 11, p);
}

enum api_err
repo_webhook_email_by_message(const char *message_id, char *booking,
    size_t len, char *email_type, size_t typelen)
{
	const char *p[1] = { message_id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT e.booking_id, e.email_type FROM email_events e"
	    " JOIN bookings b ON b.id = e.booking_id WHERE e.message_id = $1"
	    " ORDER BY e.updated_at DESC LIMIT 1 FOR UPDATE OF b", 1, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_NOT_FOUND;
	if (e == API_OK) {
		snprintf(booking, len, "%s", db_val(res, 0, 0));
		snprintf(email_type, typelen, "%s", db_val(res, 0, 1));
	}
	db_free(res);
	return e;
}

enum api_err
repo_webhook_email_status(const char *booking, const char *email_type,
    const char *status, const char *recipient, const char *message_id,
    const char *failure)
{
	const char *p[6] = { booking, email_type, status, recipient, message_id, failure };
	const char *q[3] = { booking, email_type, failure };
	enum api_err e;

	e = db_exec("INSERT INTO email_events (booking_id, email_type, recipient_email,"
	    " status, message_id, error_message, delivered_at, failed_at)"
	    " VALUES ($1::uuid, $2, coalesce($4, ''), $3, $5, $6,"
	    " CASE WHEN $3 = 'delivered' THEN now() END,"
	    " CASE WHEN $3 IN ('bounced', 'complained', 'failed') THEN now() END)"
	    " ON CONFLICT (booking_id, email_type) DO UPDATE SET"
	    " status = CASE WHEN EXCLUDED.status = 'sent' AND email_events.status IN"
	    "  ('delivered', 'bounced', 'complained') THEN email_events.status"
	    "  ELSE EXCLUDED.status END,"
	    " message_id = coalesce(EXCLUDED.message_id, email_events.message_id),"
	    " error_message = coalesce(EXCLUDED.error_message, email_events.error_message),"
	    " delivered_at = coalesce(EXCLUDED.delivered_at, email_events.delivered_at),"
	    " failed_at = coalesce(EXCLUDED.failed_at, email_events.failed_at)", 6, p);
	if (e != API_OK)
		return e;
	/* A bounce or complaint: the booking's last email failure, and its
	 * confirmation or receipt did not arrive. */
	if (failure != NULL && (e = db_exec("UPDATE bookings SET"
	    " email_last_failure_reason = $3,"
	    " email_confirmation_status = CASE WHEN $2 = 'booking_confirmation'"
	    "  THEN 'failed' ELSE email_confirmation_status END,"
	    " email_payment_receipt_status = CASE WHEN $2 = 'payment_receipt'"
	    "  THEN 'failed' ELSE email_payment_receipt_status END"
	    " WHERE id = $1::uuid", 3, q)) != API_OK)
		return e;
	if (strcmp(email_type, "booking_confirmation") != 0 ||
	    strcmp(status, "delivered") != 0)
		return API_OK;
	return db_exec("UPDATE bookings SET email_confirmation_sent_at ="
	    " coalesce(email_confirmation_sent_at, now()), email_confirmation_status = 'sent'"
	    " WHERE id = $1::uuid", 1, p);
}

enum api_err
repo_webhook_contract(const char *booking, const char *status,
    const char *submission)
{
	const char *p[3] = { booking, status, submission };

	return db_exec("UPDATE bookings SET contract_status = $2::contract_status,"
	    " contract_submission_id = coalesce($3, contract_submission_id),"
	    " contract_signed_at = CASE WHEN $2::text = 'signed' THEN now()"
	    "  ELSE contract_signed_at END WHERE id = $1::uuid", 3, p);
}

enum api_err
repo_webhook_document(const char *booking, const char *name, const char *url)
{
	const char *p[3] = { booking, name, url };

	return db_exec("INSERT INTO booking_media (booking_id, stage, file_path,"
	    " storage_bucket, file_name, file_type, type, uploaded_by_type, description)"
	    " VALUES ($1::uuid, 'rental_agreement', $3, 'rental-agreements', $2,"
	    " 'application/pdf', 'pdf', 'system', 'Signed rental agreement (DocuSeal)')",
	    3, p);
}
