/* svc_webhooks.c -- inbound webhooks (PayPal, Resend, DocuSeal) and
 * their retry queue.
 *
 * A delivery is verified first: PayPal through its verify-webhook-signature
 * API (certificate URL's host, 5-minute replay window on the transmission
 * id and time), Resend by its Svix signature (HMAC-SHA256 of id, timestamp
 * and body; 5-minute window), DocuSeal by a hex HMAC-SHA256 of the body;
 * an unset secret refuses every delivery.  It is then processed once per
 * event id, in one transaction; when processing fails after verification
 * the delivery is stored and processed again internally on the schedule
 * +1, +5, +15, +60, +60 minutes, then dead lettered; it is never
 * re-posted to ourselves.  Admins retry or discard dead letters
 * (svc_deadletters.c); a retry runs svc_webhooks_process() as the
 * delivery did.  The waiting dead letters are a gauge of the metrics
 * file, counted in PostgreSQL after each change and before a scrape that
 * finds the figure older than 15 s. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include "booking.h"
#include "buf.h"
#include "cache.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "hmac.h"
#include "log.h"
#include "metrics.h"
#include "paypal.h"
#include "redis.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

#define WH_REPLAY_WINDOW	300	/* seconds */

/* The car whose cached availability a processed event changed, dropped
 * after its COMMIT ("" when none). */
static char wh_car[64];

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
	LOG_WARN("webhook refused: %s %s: %s", c->req->method_name,
	    c->req->path, why);
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

/* Apply PayPal event ev in the caller's transaction; booking gets the
 * booking it concerned ("" when none: nothing to retry). */
static enum api_err
wh_paypal_apply(struct json_object *ev, const char *payload, char *booking,
    size_t len)
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
	if (status != NULL && strcmp(status, "captured") == 0 && payment[0] != '\0') {
		/* The one capture path: a capture the route or the scheduler
		 * already recorded changes nothing and sends nothing again. */
		bool moved;

		if ((e = booking_captured(payment, booking, ids[0], "webhook_paypal",
		    NULL, &moved, wh_car, sizeof wh_car)) != API_OK)
			return e;
		if (moved)
			return API_OK;	/* booking_captured logged it */
		event = "payment_webhook_received";
	} else if (status != NULL && payment[0] != '\0' &&
	    (e = repo_payment_move(payment, booking, status, NULL)) != API_OK)
		return e;
	return repo_booking_event(booking, event, "webhook_paypal", NULL, payload, type);
}

/* The value of tag name of a Resend event: data.tags is an object
 * {name: value} in the events, a list [{name, value}] in the send API;
 * both are read.  NULL when absent or not a short string. */
static const char *
wh_resend_tag(struct json_object *ev, const char *name)
{
	struct json_object *data, *tags, *t, *n, *v = NULL;
	size_t i;

	if (!json_object_object_get_ex(ev, "data", &data) ||
	    !json_object_object_get_ex(data, "tags", &tags))
		return NULL;
	if (json_object_is_type(tags, json_type_object))
		(void)json_object_object_get_ex(tags, name, &v);
	else if (json_object_is_type(tags, json_type_array))
		for (i = 0; v == NULL && i < json_object_array_length(tags); i++) {
			t = json_object_array_get_idx(tags, i);
			if (json_object_object_get_ex(t, "name", &n) &&
			    json_object_is_type(n, json_type_string) &&
			    strcmp(json_object_get_string(n), name) == 0)
				(void)json_object_object_get_ex(t, "value", &v);
		}
	return v != NULL && json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 && json_object_get_string_len(v) <= 64 ?
	    json_object_get_string(v) : NULL;
}

/* True if kind is an email a booking's email_events row can be of. */
static bool
wh_booking_email(const char *kind)
{
	static const char *const kinds[] = { "booking_confirmation",
		"payment_receipt", "booking_modification", "booking_cancellation",
		"contract", "reminder" };
	size_t i;

	for (i = 0; kind != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i], kind) == 0)
			return true;
	return false;
}

/* Resend: an email event.  Updates the inbox row and, for an email of a
 * booking (its booking_id and email_type tags, or else the booking email
 * we recorded with that Resend id), the booking's email status and
 * timeline; a bounce or complaint is the booking's last email failure. */
static enum api_err
wh_resend_apply(struct json_object *ev, const char *payload, char *booking,
    size_t len)
{
	static const struct { const char *type, *status, *event; } map[] = {
		{ "email.sent", "sent", "email_sent" },
		{ "email.delivered", "delivered", "email_delivered" },
		{ "email.opened", NULL, "email_opened" },
		{ "email.bounced", "bounced", "email_bounced" },
		{ "email.complained", "complained", "email_failed" },
	};
	const char *type = wh_str(ev, "type"), *tagged = wh_resend_tag(ev, "booking_id");
	const char *etype = wh_resend_tag(ev, "email_type"), *p[11];
	struct json_object *data = json_object_object_get(ev, "data"), *v;
	char why[400], recorded[64];
	enum api_err e;
	size_t i;

	booking[0] = '\0';
	if (wh_str(ev, "data.email_id") == NULL)
		return API_OK;		/* nothing to attach it to */
	if (tagged != NULL && (e = repo_webhook_booking(tagged, booking, len)) != API_OK &&
	    e != API_NOT_FOUND)
		return e;
	if (tagged == NULL && (e = repo_webhook_email_by_message(wh_str(ev,
	    "data.email_id"), booking, len, recorded, sizeof recorded)) != API_OK &&
	    e != API_NOT_FOUND)
		return e;
	if (tagged == NULL && booking[0] != '\0')
		etype = recorded;
	if (!wh_booking_email(etype))
		etype = NULL;
	p[0] = wh_str(ev, "data.email_id");
	p[1] = type;
	p[2] = wh_str(ev, "created_at");
	p[3] = json_object_object_get_ex(data, "to", &v) &&
	    json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0 ?
	    json_object_get_string(json_object_array_get_idx(v, 0)) : wh_str(ev, "data.to");
	p[4] = wh_str(ev, "data.from");
	p[5] = wh_str(ev, "data.subject");
	p[6] = booking[0] ? booking : NULL;
	p[7] = json_object_object_get_ex(data, "tags", &v) ?
	    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : NULL;
	p[8] = wh_str(ev, "data.bounce.type");
	p[9] = wh_str(ev, "data.bounce.message");
	p[10] = payload;
	if ((e = repo_webhook_inbox(p)) != API_OK || booking[0] == '\0')
		return e;
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(map[i].type, type) != 0)
			continue;
		/* "bounced (Permanent): the server's message" */
		snprintf(why, sizeof why, "%s%s%s%s%s%s", strcmp(map[i].type,
		    "email.complained") == 0 ? "complained" : "bounced",
		    p[8] ? " (" : "", p[8] ? p[8] : "", p[8] ? ")" : "",
		    p[9] ? ": " : "", p[9] ? p[9] : "");
		if (map[i].status != NULL && etype != NULL &&
		    (e = repo_webhook_email_status(booking, etype, map[i].status,
		    p[3], p[0], strcmp(map[i].status, "bounced") == 0 ||
		    strcmp(map[i].status, "complained") == 0 ? why : NULL)) != API_OK)
			return e;
		return repo_booking_event(booking, map[i].event, "webhook_resend",
		    NULL, payload, type);
	}
	return API_OK;
}

/* DocuSeal: the contract of a booking moves (sent, viewed, signed with its
 * documents kept, declined, expired, voided). */
static enum api_err
wh_docuseal_apply(struct json_object *ev, const char *payload, char *booking,
    size_t len)
{
	static const struct { const char *type, *status, *event; } map[] = {
		{ "submission.created", "sent", "contract_sent" },
		{ "form.viewed", "viewed", "contract_viewed" },
		{ "submission.viewed", "viewed", "contract_viewed" },
		{ "submission.completed", "signed", "contract_signed" },
		{ "form.declined", "declined", "contract_declined" },
		{ "submission.expired", "expired", "contract_expired" },
		{ "submission.archived", "voided", NULL },
	};
	const char *type = wh_str(ev, "event_type"), *id, *status = NULL, *event = NULL;
	struct json_object *data = json_object_object_get(ev, "data"), *subs, *docs, *d;
	enum api_err e;
	size_t i;

	booking[0] = '\0';
	if ((id = wh_str(ev, "data.metadata.booking_id")) == NULL &&
	    json_object_object_get_ex(data, "submitters", &subs) &&
	    json_object_is_type(subs, json_type_array) && json_object_array_length(subs) > 0)
		id = wh_str(json_object_array_get_idx(subs, 0), "metadata.booking_id");
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(map[i].type, type) == 0) {
			status = map[i].status;
			event = map[i].event;
		}
	}
	if (id == NULL || status == NULL)
		return API_OK;		/* not ours, or nothing to change */
	if ((e = repo_webhook_booking(id, booking, len)) == API_NOT_FOUND) {
		booking[0] = '\0';
		return API_OK;
	}
	if (e != API_OK || (e = repo_webhook_contract(booking, status,
	    wh_str(ev, "data.submission_id") ? wh_str(ev, "data.submission_id") :
	    wh_str(ev, "data.id"))) != API_OK)
		return e;
	if (strcmp(status, "signed") == 0 &&
	    json_object_object_get_ex(data, "documents", &docs) &&
	    json_object_is_type(docs, json_type_array)) {
		for (i = 0; i < json_object_array_length(docs); i++) {
			d = json_object_array_get_idx(docs, i);
			if (wh_str(d, "url") != NULL && (e = repo_webhook_document(booking,
			    wh_str(d, "name") ? wh_str(d, "name") : "agreement.pdf",
			    wh_str(d, "url"))) != API_OK)
				return e;
		}
	}
	return event == NULL ? API_OK : repo_booking_event(booking, event,
	    "webhook_esignature", NULL, payload, type);
}

/* The providers: how their events are applied. */
static const struct wh_provider {
	const char	*type;
	enum api_err	(*apply)(struct json_object *, const char *, char *, size_t);
} wh_providers[] = {
	{ "paypal", wh_paypal_apply },
	{ "resend", wh_resend_apply },
	{ "docuseal", wh_docuseal_apply },
};

enum api_err
svc_webhooks_process(const char *type, const char *id, const char *payload,
    bool *duplicate)
{
	const struct wh_provider *pv = NULL;
	struct json_object *ev = json_tokener_parse(payload);
	char booking[64], result[200];
	enum api_err e;
	size_t i;

	*duplicate = false;
	for (i = 0; i < sizeof wh_providers / sizeof wh_providers[0]; i++) {
		if (strcmp(wh_providers[i].type, type) == 0)
			pv = &wh_providers[i];
	}
	if (pv == NULL || ev == NULL || !json_object_is_type(ev, json_type_object)) {
		json_object_put(ev);
		return API_VALIDATION_ERROR;
	}
	wh_car[0] = '\0';
	if ((e = db_begin()) != API_OK)
		goto out;
	/* The event's row in webhook_processing_log first: a delivery, its
	 * redelivery and a retry of its dead letter, even at once, apply it
	 * once (the others wait for the first and find it taken). */
	if ((e = repo_webhook_claim(id, type)) == API_CONFLICT) {
		*duplicate = true;
		db_rollback();
		e = API_OK;
		goto out;
	}
	if (e == API_OK)
		e = pv->apply(ev, payload, booking, sizeof booking);
	snprintf(result, sizeof result, "{\"booking\":%s%s%s}",
	    booking[0] ? "\"" : "", booking[0] ? booking : "null",
	    booking[0] ? "\"" : "");
	if (e == API_OK)
		e = repo_webhook_mark(id, type, booking[0] ? booking : NULL, result);
	if (e != API_OK || (e = db_commit()) != API_OK)
		db_rollback();
	else if (wh_car[0] != '\0')
		cache_invalidate_availability(wh_car);
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
	    "Svix-Id", "Svix-Timestamp", "User-Agent", NULL };
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

/* Process a verified delivery of provider type with event id; a failure
 * after verification is stored for the retry job and answered 500. */
static enum api_err
wh_receive(struct call *c, const char *type, const char *id)
{
	struct json_object *o;
	bool duplicate;
	char *headers;
	enum api_err e;

	e = svc_webhooks_process(type, id, c->req->body, &duplicate);
	if (e != API_OK && e != API_VALIDATION_ERROR) {
		headers = wh_headers(c);
		if (repo_webhook_retry_add(id, type, c->req->body, headers,
		    c->route->path, apierr_code(e)) == API_OK) {
			LOG_WARN("%s event %s stored for retry: %s", type, id,
			    apierr_code(e));
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
svc_webhooks_paypal(struct call *c)
{
	return wh_receive(c, "paypal", c->req->field[PE_ID]);
}

enum api_err
svc_webhooks_resend_verify(struct call *c)
{
	const char *id = request_header(c->req, "Svix-Id");
	const char *ts = request_header(c->req, "Svix-Timestamp");
	const char *sigs = request_header(c->req, "Svix-Signature");
	const char *secret = conf->resend_webhook_secret;
	unsigned char key[256], mac[HMAC_SHA256_LEN];
	char want[64], *msg, *tok, *save = NULL, *list;
	size_t n;
	long klen;
	bool ok = false;

	if (*secret == '\0')
		return wh_unauthorized(c, "Resend webhooks are not configured");
	if (id == NULL || ts == NULL || sigs == NULL)
		return wh_unauthorized(c, "Missing Svix signature headers");
	if (labs((long)time(NULL) - atol(ts)) > WH_REPLAY_WINDOW)
		return wh_unauthorized(c, "Timestamp outside the replay window");
	if (strncmp(secret, "whsec_", 6) == 0)
		secret += 6;
	if ((klen = hmac_b64_decode(secret, key, sizeof key)) < 0)
		return wh_unauthorized(c, "RESEND_WEBHOOK_SECRET is not base64");
	/* Svix signs "{id}.{timestamp}.{body}". */
	msg = arena_alloc(&c->req->arena, strlen(id) + strlen(ts) +
	    c->req->body_len + 3);
	n = (size_t)sprintf(msg, "%s.%s.", id, ts);
	memcpy(msg + n, c->req->body, c->req->body_len);
	hmac_sha256(key, (size_t)klen, msg, n + c->req->body_len, mac);
	hmac_b64_encode(mac, sizeof mac, want);
	list = arena_strdup(&c->req->arena, sigs);
	for (tok = strtok_r(list, " ", &save); tok != NULL && !ok;
	    tok = strtok_r(NULL, " ", &save))
		ok = strncmp(tok, "v1,", 3) == 0 && hmac_str_equal(tok + 3, want);
	return ok ? API_OK : wh_unauthorized(c, "Invalid webhook signature");
}

enum api_err
svc_webhooks_resend(struct call *c)
{
	return wh_receive(c, "resend", request_header(c->req, "Svix-Id"));
}

enum api_err
svc_webhooks_docuseal_verify(struct call *c)
{
	const char *sig = request_header(c->req, "X-DocuSeal-Signature");
	const char *secret = conf->docuseal_webhook_secret;
	unsigned char mac[HMAC_SHA256_LEN];

	if (*secret == '\0')
		return wh_unauthorized(c, "DocuSeal webhooks are not configured");
	if (sig == NULL)
		return wh_unauthorized(c, "Missing X-DocuSeal-Signature");
	hmac_sha256(secret, strlen(secret), c->req->body, c->req->body_len, mac);
	return hmac_hex_equal(sig, mac) ? API_OK :
	    wh_unauthorized(c, "Invalid webhook signature");
}

enum api_err
svc_webhooks_docuseal(struct call *c)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char id[2 * 16 + 1];
	int i;

	/* DocuSeal sends no event id: the body's hash is one. */
	SHA256((const unsigned char *)c->req->body, c->req->body_len, md);
	for (i = 0; i < 16; i++)
		sprintf(id + 2 * i, "%02x", md[i]);
	return wh_receive(c, "docuseal", id);
}

enum api_err
svc_webhooks_retry_due(long limit, struct json_object *report)
{
	struct db_res *res = NULL;
	long ok = 0, failed = 0, dead = 0;
	bool duplicate, gone;
	enum api_err e;
	int i;

	if ((e = repo_webhook_retries_due(limit, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++) {
		e = svc_webhooks_process(db_val(res, i, 1), db_val(res, i, 5),
		    db_val(res, i, 2), &duplicate);
		if (repo_webhook_retry_done(db_val(res, i, 0), e == API_OK,
		    apierr_code(e), &gone) != API_OK)
			LOG_ERR("webhook retry %s: outcome not recorded", db_val(res, i, 0));
		if (gone) {
			LOG_WARN("%s event %s dead lettered after its last attempt: %s",
			    db_val(res, i, 1), db_val(res, i, 5), apierr_code(e));
			metrics_webhook_dead(db_val(res, i, 1), METRICS_DEAD_LETTERED);
			dead++;
		}
		if (e == API_OK)
			ok++;
		else
			failed++;
	}
	db_free(res);
	if (dead > 0)
		svc_webhooks_dead_gauge(0);
	json_object_object_add(report, "succeeded", json_object_new_int64(ok));
	json_object_object_add(report, "failed", json_object_new_int64(failed));
	return API_OK;
}

enum api_err
svc_webhooks_dead_count(int64_t *n)
{
	struct db_res *res = NULL;
	enum api_err e;
	int i, p;

	for (p = 0; p < METRICS_PROVIDERS; p++)
		n[p] = 0;
	if ((e = repo_webhook_dead_counts(&res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++)
		for (p = 0; p < METRICS_PROVIDERS; p++)
			if (strcmp(db_val(res, i, 0), metrics_providers[p]) == 0)
				n[p] = atoll(db_val(res, i, 1));
	db_free(res);
	metrics_webhook_waiting_set(n, clock_wall_ms());
	return API_OK;
}

void
svc_webhooks_dead_gauge(int64_t max_age_ms)
{
	struct metrics_webhooks w;
	int64_t n[METRICS_PROVIDERS], now = clock_wall_ms();

	if (!metrics_webhooks(&w) || (max_age_ms > 0 && w.waiting_at > 0 &&
	    now - w.waiting_at < max_age_ms))
		return;
	/* PostgreSQL down: the figures stay as they were, counted again
	 * after max_age_ms (one attempt per period, not one per scrape). */
	if (svc_webhooks_dead_count(n) != API_OK && w.waiting_at > 0)
		metrics_webhook_waiting_set(w.waiting, now);
}

enum api_err
svc_webhooks_retry(struct call *c)
{
	return svc_job_answer(c, svc_webhooks_retry_due, 10);
}
