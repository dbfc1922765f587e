/* repo_webhooks.c -- inbound webhook bookkeeping: processed ids, the
 * retry queue and its dead letters, and the rows a PayPal event moves. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_webhook_claim(const char *id, const char *type)
{
	const char *p[2] = { id, type };
	struct db_res *res;
	enum api_err e;

	/* A concurrent claim of the same event waits here for the first
	 * transaction: its commit makes this one a duplicate, its rollback
	 * lets this one through. */
	e = db_query("INSERT INTO webhook_processing_log (webhook_id, webhook_type)"
	    " VALUES ($1, $2) ON CONFLICT (webhook_id, webhook_type) DO NOTHING"
	    " RETURNING 1", 2, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_CONFLICT;
	db_free(res);
	return e;
}

enum api_err
repo_webhook_mark(const char *id, const char *type, const char *booking,
    const char *result)
{
	const char *p[4] = { id, type, booking, result };

	return db_exec("UPDATE webhook_processing_log SET booking_id = $3::uuid,"
	    " processing_result = $4::jsonb, processed_at = now()"
	    " WHERE webhook_id = $1 AND webhook_type = $2", 4, p);
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
repo_webhook_retry_done(const char *id, bool ok, const char *error, bool *dead)
{
	const char *p[2] = { id, error };
	struct db_res *res;
	enum api_err e;

	*dead = false;
	if (ok)
		return db_exec("UPDATE webhook_retries SET status = 'succeeded',"
		    " attempt_count = attempt_count + 1, succeeded_at = now(),"
		    " next_retry_at = NULL WHERE id = $1::uuid", 1, p);
	/* +1, +5, +15, +60, +60 minutes from the first failure; then dead. */
	e = db_query("UPDATE webhook_retries SET attempt_count = attempt_count + 1,"
	    " error_message = $2,"
	    " status = CASE WHEN attempt_count + 1 >= max_attempts"
	    "  THEN 'dead_letter'::webhook_retry_status ELSE 'pending' END,"
	    " failed_permanently_at = CASE WHEN attempt_count + 1 >= max_attempts"
	    "  THEN coalesce(failed_permanently_at, now()) END,"
	    " next_retry_at = CASE WHEN attempt_count + 1 >= max_attempts THEN NULL"
	    "  ELSE now() + make_interval(mins => (ARRAY[5, 15, 60, 60])"
	    "  [LEAST(attempt_count + 1, 4)]) END"
	    " WHERE id = $1::uuid RETURNING status = 'dead_letter'", 2, p, &res);
	if (e == API_OK && db_rows(res) == 1)
		*dead = strcmp(db_val(res, 0, 0), "t") == 0;
	db_free(res);
	return e;
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

/* The view of a dead letter (w: webhook_retries; its payload and headers
 * only with PAYLOAD true). */
#define REPO_DEAD_DOC(payload) "json_build_object('id', w.id,"		\
	" 'provider', w.webhook_type, 'eventId', w.webhook_id,"			\
	" 'eventType', coalesce(w.payload->>'event_type', w.payload->>'type'),"	\
	" 'state', " REPO_DEAD_STATE ", 'attempts', w.attempt_count,"		\
	" 'lastError', w.error_message, 'receivedAt', w.created_at,"		\
	" 'deadLetteredAt', w.failed_permanently_at,"				\
	" 'lastAttemptAt', w.last_attempt_at,"					\
	" 'retriedAt', w.retried_at, 'retriedBy', w.retried_by,"		\
	" 'discardedAt', w.discarded_at, 'discardedBy', w.discarded_by,"	\
	" 'discardReason', w.discard_reason" payload ")"
#define REPO_DEAD_STATE "CASE w.status WHEN 'dead_letter' THEN 'waiting'"	\
	" WHEN 'discarded' THEN 'discarded' WHEN 'succeeded' THEN 'retried'"	\
	" ELSE 'retrying' END"

enum api_err
repo_webhook_dead_list(const char *const p[REPO_DEAD_NQ], struct db_res **res,
    const char **json)
{
	/* p: page, limit, provider, event type, state */
	return repo_json("WITH f AS (SELECT w.* FROM webhook_retries w"
	    "  WHERE w.failed_permanently_at IS NOT NULL"
	    "  AND ($3::text IS NULL OR w.webhook_type = $3)"
	    "  AND ($4::text IS NULL OR coalesce(w.payload->>'event_type',"
	    "   w.payload->>'type') = $4)"
	    "  AND ($5::text = 'all' OR " REPO_DEAD_STATE " = $5)),"
	    " t AS (SELECT count(*) AS n FROM f),"
	    " pg AS (SELECT * FROM f ORDER BY failed_permanently_at DESC, id"
	    "  OFFSET ($1::int - 1) * $2::int LIMIT $2::int)"
	    "SELECT json_build_object('success', true, 'deadLetters', COALESCE((SELECT"
	    " json_agg(" REPO_DEAD_DOC("") " ORDER BY w.failed_permanently_at DESC, w.id)"
	    " FROM pg w), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', $2::int,"
	    "  'total', t.n, 'totalPages', ceil(t.n::numeric / $2::int)::int))::text"
	    " FROM t", REPO_DEAD_NQ, p, res, json);
}

enum api_err
repo_webhook_dead_get(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	return repo_json("SELECT " REPO_DEAD_DOC(", 'payload', w.payload,"
	    " 'headers', w.headers") "::text FROM webhook_retries w"
	    " WHERE w.id = $1::uuid AND w.failed_permanently_at IS NOT NULL",
	    1, p, res, json);
}

enum api_err
repo_webhook_dead_state(const char *id, char *state, size_t len)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT " REPO_DEAD_STATE " FROM webhook_retries w"
	    " WHERE w.id = $1::uuid AND w.failed_permanently_at IS NOT NULL",
	    1, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_NOT_FOUND;
	if (e == API_OK)
		snprintf(state, len, "%s", db_val(res, 0, 0));
	db_free(res);
	return e;
}

enum api_err
repo_webhook_dead_claim(const char *id, const char *admin, struct db_res **res)
{
	const char *p[2] = { id, admin };
	enum api_err e;

	/* Only a waiting dead letter moves, and only once: of two racing
	 * claims one gets the row, the other none.  A claim whose process
	 * dies is taken up by the retry job after 10 minutes. */
	e = db_query("UPDATE webhook_retries SET status = 'processing',"
	    " last_attempt_at = now(), next_retry_at = now() + interval '10 minutes',"
	    " retried_at = now(), retried_by = $2::uuid"
	    " WHERE id = $1::uuid AND status = 'dead_letter'"
	    " RETURNING webhook_type, webhook_id, payload::text", 2, p, res);
	if (e == API_OK && db_rows(*res) == 0) {
		db_free(*res);
		*res = NULL;
		e = API_CONFLICT;
	}
	return e;
}

enum api_err
repo_webhook_dead_done(const char *id, bool ok, const char *error)
{
	const char *p[2] = { id, error };

	if (ok)
		return db_exec("UPDATE webhook_retries SET status = 'succeeded',"
		    " attempt_count = attempt_count + 1, succeeded_at = now(),"
		    " next_retry_at = NULL WHERE id = $1::uuid AND status = 'processing'",
		    1, p);
	return db_exec("UPDATE webhook_retries SET status = 'dead_letter',"
	    " attempt_count = attempt_count + 1, error_message = $2,"
	    " next_retry_at = NULL WHERE id = $1::uuid AND status = 'processing'",
	    2, p);
}

enum api_err
repo_webhook_dead_discard(const char *id, const char *admin, const char *reason)
{
	const char *p[3] = { id, admin, reason };
	struct db_res *res;
	enum api_err e;

	e = db_query("UPDATE webhook_retries SET status = 'discarded',"
	    " discarded_at = now(), discarded_by = $2::uuid, discard_reason = $3"
	    " WHERE id = $1::uuid AND status = 'dead_letter' RETURNING 1",
	    3, p, &res);
	if (e == API_OK && db_rows(res) == 0)
		e = API_CONFLICT;
	db_free(res);
	return e;
}

enum api_err
repo_webhook_dead_waiting(const char *provider, const char *event_type,
    long limit, struct db_res **res)
{
	char n[24];
	const char *p[3] = { provider, event_type, n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT id, webhook_type, count(*) OVER () FROM webhook_retries w"
	    " WHERE status = 'dead_letter'"
	    " AND ($1::text IS NULL OR webhook_type = $1)"
	    " AND ($2::text IS NULL OR coalesce(payload->>'event_type',"
	    "  payload->>'type') = $2)"
	    " ORDER BY failed_permanently_at, id LIMIT $3::int", 3, p, res);
}

enum api_err
repo_webhook_dead_counts(struct db_res **res)
{
	return db_query("SELECT webhook_type, count(*) FROM webhook_retries"
	    " WHERE status = 'dead_letter' GROUP BY webhook_type", 0, NULL, res);
}
