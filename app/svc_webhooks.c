/* svc_webhooks.c -- inbound PayPal webhooks and their retry queue.
 *
 * A delivery is verified (PayPal's verify-webhook-signature API, the
 * certificate URL's host, a 5-minute replay window on its transmission id
 * and time), processed once per event id in one transaction, and when
 * processing fails after verification it is stored and processed again
 * internally on the schedule +1, +5, +15, +60, +60 minutes, then dead
 * lettered; it is never re-posted to ourselves. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "db.h"
#include "log.h"
#include "paypal.h"
#include "redis.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

#define WH_REPLAY_WINDOW	300	/* seconds */

/* The string at dotted path of o ("resource.amount.value"), or NULL. */
static const char *
wh_str(struct json_object *o, const char *path)
{
	char part[64];
	const char *dot;
	size_t n;

	while (o != NULL) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, part, &o))
			return NULL;
		if (dot == NULL)
			return json_object_is_type(o, json_type_string) ||
			    json_object_is_type(o, json_type_double) ||
			    json_object_is_type(o, json_type_int) ?
			    json_object_get_string(o) : NULL;
		path = dot + 1;
	}
	return NULL;
}

/* Seconds between an RFC 3339 time and now (absolute), or -1. */
static long
wh_age(const char *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	if (t == NULL || (end = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	return labs((long)(time(NULL) - timegm(&tm)));
}

static enum api_err
wh_unauthorized(struct call *c, const char *why)
{
	LOG_WARN("paypal webhook refused: %s", why);
	c->err_message = why;
	return API_UNAUTHORIZED;
}

enum api_err
svc_webhooks_paypal_verify(struct call *c)
{
	struct paypal_sig sig = {
		request_header(c->req, "PayPal-Auth-Algo"),
		request_header(c->req, "PayPal-Cert-Url"),
		request_header(c->req, "PayPal-Transmission-Id"),
		request_header(c->req, "PayPal-Transmission-Sig"),
		request_header(c->req, "PayPal-Transmission-Time"),
	};
	const char *ua = request_header(c->req, "User-Agent");
	char key[200];
	enum paypal_rc rc;
	long age;

	if (ua == NULL || strstr(ua, "PayPal") == NULL) {
		c->err_message = "Not a PayPal delivery (User-Agent)";
		return API_INVALID_REQUEST;
	}
	if (!sig.auth_algo || !sig.cert_url || !sig.transmission_id ||
	    !sig.transmission_sig || !sig.transmission_time)
		return wh_unauthorized(c, "Missing PayPal transmission headers");
	if (strncmp(sig.cert_url, "https://api.paypal.com/", 23) != 0 &&
	    strncmp(sig.cert_url, "https://api.sandbox.paypal.com/", 31) != 0)
		return wh_unauthorized(c, "Certificate URL is not PayPal's");
	if ((age = wh_age(sig.transmission_time)) < 0 || age > WH_REPLAY_WINDOW)
		return wh_unauthorized(c, "Transmission time outside the replay window");
	rc = paypal_verify_webhook(&sig, c->req->body);
	if (rc == PAYPAL_DOWN) {
		c->err_message = "Signature verification is unavailable; retry";
		return API_SERVICE_UNAVAILABLE;
	}
	if (rc != PAYPAL_OK)
		return wh_unauthorized(c, "Invalid webhook signature");
	/* A transmission is accepted once within the window.  Redis down:
	 * the event-id check below still keeps processing to once. */
	snprintf(key, sizeof key, "wh:v1:paypal:tx:%.64s", sig.transmission_id);
	if (redis_set_nx(key, "1", WH_REPLAY_WINDOW * 1000L) == 0)
		return wh_unauthorized(c, "Transmission replayed");
	return API_OK;
}

/* Payment status and event logged for a PayPal event type; NULL status:
 * no payment change. */
static const char *
wh_map(const char *type, const char **status)
{
	static const struct { const char *type, *status, *event; } map[] = {
		{ "PAYMENT.AUTHORIZATION.CREATED", "authorized", "payment_authorized" },
		{ "PAYMENT.AUTHORIZATION.VOIDED", "voided", "payment_authorization_voided" },
		{ "PAYMENT.CAPTURE.COMPLETED", "captured", "payment_captured" },
		{ "PAYMENT.CAPTURE.DENIED", "failed", "payment_capture_failed" },
		{ "PAYMENT.CAPTURE.REFUNDED", "refunded", "payment_refunded" },
		{ "INVOICING.INVOICE.PAID", "captured", "invoice_paid" },
		{ "INVOICING.INVOICE.CANCELLED", NULL, "invoice_cancelled" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(map[i].type, type) == 0) {
			*status = map[i].status;
			return map[i].event;
		}
	}
	*status = NULL;
	return "payment_webhook_received";
}

/* A dispute event: open or resolve the booking's dispute. */
static enum api_err
wh_dispute(struct json_object *ev, const char *type, char *booking, size_t len)
{
	const char *ids[3], *dispute = wh_str(ev, "resource.dispute_id");
	struct json_object *tx, *first;
	char payment[64];
	enum api_err e;

	if (dispute == NULL)
		dispute = wh_str(ev, "resource.id");
	if (dispute == NULL)
		return API_NOT_FOUND;
	if (strcmp(type, "CUSTOMER.DISPUTE.RESOLVED") == 0)
		return repo_webhook_dispute_resolved(dispute, booking, len);
	if (!json_object_object_get_ex(json_object_object_get(ev, "resource"),
	    "disputed_transactions", &tx) || !json_object_is_type(tx, json_type_array) ||
	    (first = json_object_array_get_idx(tx, 0)) == NULL)
		return API_NOT_FOUND;
	ids[0] = wh_str(first, "seller_transaction_id");
	ids[1] = wh_str(first, "custom");
	ids[2] = "";
	if (ids[0] == NULL)
		return API_NOT_FOUND;
	if (ids[1] == NULL)
		ids[1] = "";
	if ((e = repo_webhook_payment(ids, booking, len, payment, sizeof payment)) != API_OK)
		return e;
	return repo_webhook_dispute(booking, dispute, wh_str(ev, "resource.reason"),
	    wh_str(ev, "resource.dispute_amount.value"));
}

/* Apply PayPal event ev in the caller's transaction; *booking gets the
 * booking it concerned ("" when none: nothing to retry). */
static enum api_err
wh_apply(struct json_object *ev, const char *payload, char *booking, size_t len)
{
	const char *type = wh_str(ev, "event_type"), *status, *event, *ids[3];
	const char *invoice = wh_str(ev, "resource.invoice_number"), *dash;
	char payment[64], custom[128] = "";
	enum api_err e;

	booking[0] = '\0';
	if (strncmp(type, "CUSTOMER.DISPUTE.", 17) == 0) {
		if ((e = wh_dispute(ev, type, booking, len)) == API_NOT_FOUND)
			return API_OK;
		event = strcmp(type, "CUSTOMER.DISPUTE.RESOLVED") == 0 ?
		    "dispute_resolved" : "dispute_created";
		return e != API_OK ? e : repo_booking_event(booking, event,
		    "webhook_paypal", NULL, payload, type);
	}
	/* The booking: custom_id, the second part of invoice_number, or the
	 * payment's PayPal ids (the PayPal-first flow's custom_id is temp-…). */
	if (wh_str(ev, "resource.custom_id") != NULL)
		snprintf(custom, sizeof custom, "%s", wh_str(ev, "resource.custom_id"));
	else if (invoice != NULL && (dash = strchr(invoice, '-')) != NULL)
		snprintf(custom, sizeof custom, "%.*s", (int)strcspn(dash + 1, "-"),
		    dash + 1);
	ids[0] = wh_str(ev, "resource.id") ? wh_str(ev, "resource.id") : "";
	ids[1] = custom;
	ids[2] = wh_str(ev, "resource.supplementary_data.related_ids.authorization_id");
	if (ids[2] == NULL)
		ids[2] = "";
	e = repo_webhook_payment(ids, booking, len, payment, sizeof payment);
	if (e == API_NOT_FOUND) {
		booking[0] = '\0';
		return API_OK;
	}
	if (e != API_OK)
		return e;
	event = wh_map(type, &status);
	if (status != NULL && payment[0] != '\0' &&
	    (e = repo_payment_move(payment, booking, status,
	    strcmp(status, "captured") == 0 ? ids[0] : NULL)) != API_OK)
		return e;
	return repo_booking_event(booking, event, "webhook_paypal", NULL, payload, type);
}

/* Process stored or fresh event JSON text once.  *duplicate is set when
 * it had been processed already. */
static enum api_err
wh_process(const char *payload, bool *duplicate)
{
	struct json_object *ev = json_tokener_parse(payload);
	char booking[64], result[160];
	const char *id;
	enum api_err e;

	*duplicate = false;
	if (ev == NULL || (id = wh_str(ev, "id")) == NULL ||
	    wh_str(ev, "event_type") == NULL) {
		json_object_put(ev);
		return API_VALIDATION_ERROR;
	}
	if ((e = db_begin()) != API_OK)
		goto out;
	if ((e = repo_webhook_seen(id, "paypal")) == API_OK) {
		*duplicate = true;
		db_rollback();
		goto out;
	}
	if (e == API_NOT_FOUND)
		e = wh_apply(ev, payload, booking, sizeof booking);
	snprintf(result, sizeof result, "{\"eventType\":\"%s\",\"booking\":%s%s%s}",
	    wh_str(ev, "event_type"), booking[0] ? "\"" : "", booking[0] ? booking :
	    "null", booking[0] ? "\"" : "");
	if (e == API_OK)
		e = repo_webhook_mark(id, "paypal", booking[0] ? booking : NULL, result);
	if (e != API_OK || (e = db_commit()) != API_OK)
		db_rollback();
out:
	json_object_put(ev);
	return e;
}

/* The delivery's headers worth keeping for a retry (never credentials). */
static char *
wh_headers(const struct call *c)
{
	static const char *const keep[] = { "PayPal-Transmission-Id",
	    "PayPal-Transmission-Time", "PayPal-Auth-Algo", "PayPal-Cert-Url",
	    "User-Agent", NULL };
	struct json_object *o = json_object_new_object();
	const char *v;
	char *s;
	int i;

	for (i = 0; keep[i] != NULL; i++) {
		if ((v = request_header(c->req, keep[i])) != NULL)
			json_object_object_add(o, keep[i], json_object_new_string(v));
	}
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

enum api_err
svc_webhooks_paypal(struct call *c)
{
	struct json_object *o;
	bool duplicate;
	char *headers;
	enum api_err e;

	e = wh_process(c->req->body, &duplicate);
	if (e != API_OK && e != API_VALIDATION_ERROR) {
		/* Verified but not processed: keep it for the retry job. */
		headers = wh_headers(c);
		if (repo_webhook_retry_add(c->req->field[0], "paypal", c->req->body,
		    headers, c->route->path, apierr_code(e)) == API_OK) {
			LOG_WARN("paypal event %s stored for retry: %s",
			    c->req->field[0], apierr_code(e));
			e = API_INTERNAL_ERROR;
		}
		free(headers);
		return e;
	}
	if (e != API_OK)
		return e;
	o = json_object_new_object();
	json_object_object_add(o, "received", json_object_new_boolean(1));
	json_object_object_add(o, "duplicate", json_object_new_boolean(duplicate));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_webhooks_retry_due(long limit, struct json_object *report)
{
	struct db_res *res = NULL;
	long ok = 0, failed = 0;
	bool duplicate;
	enum api_err e;
	int i;

	if ((e = repo_webhook_retries_due(limit, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++) {
		e = wh_process(db_val(res, i, 2), &duplicate);
		if (repo_webhook_retry_done(db_val(res, i, 0), e == API_OK,
		    apierr_code(e)) != API_OK)
			LOG_ERR("webhook retry %s: outcome not recorded", db_val(res, i, 0));
		if (e == API_OK)
			ok++;
		else
			failed++;
	}
	db_free(res);
	json_object_object_add(report, "succeeded", json_object_new_int64(ok));
	json_object_object_add(report, "failed", json_object_new_int64(failed));
	return API_OK;
}

enum api_err
svc_webhooks_retry(struct call *c)
{
	struct json_object *o = json_object_new_object();
	enum api_err e;

	if ((e = svc_webhooks_retry_due(10, o)) != API_OK) {
		json_object_put(o);
		return e;
	}
	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}
