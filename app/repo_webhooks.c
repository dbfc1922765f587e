/* repo_webhooks.c -- inbound webhook bookkeeping: processed ids, the
 * retry queue, and the rows a PayPal event moves. */
#include "config.h"

#include <stdio.h>

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
	    " RETURNING id, webhook_type, payload::text, attempt_count, max_attempts",
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
