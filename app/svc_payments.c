/* svc_payments.c -- PayPal checkout, capture, void, and settling the
 * payment of a cancelled booking.
 *
 * PayPal is called outside any database transaction except capture and
 * void, which hold the payment row locked across the call so two admins
 * (or the scheduler) cannot move one payment twice; every call carries a
 * PayPal-Request-Id derived from the payment, so a retry is harmless. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cache.h"
#include "clock.h"
#include "db.h"
#include "hooks.h"
#include "log.h"
#include "paypal.h"
#include "pricing.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

/* The answer of a PayPal failure: 503 (retry later) when PayPal could not
 * be reached, 502 with what PayPal said when it refused. */
static enum api_err
svc_payments_failed(struct call *c, enum paypal_rc rc, const struct paypal_why *w)
{
	struct json_object *d;

	if (rc == PAYPAL_DOWN) {
		c->err_message = "The payment service is unavailable; retry later";
		c->retry_after = 30;
		return API_SERVICE_UNAVAILABLE;
	}
	c->err_message = "PayPal refused the payment operation";
	d = json_object_new_object();
	json_object_object_add(d, "paypalStatus", json_object_new_int64(w->status));
	if (w->issue[0] != '\0')
		json_object_object_add(d, "issue", json_object_new_string(w->issue));
	if (w->debug_id[0] != '\0')
		json_object_object_add(d, "debugId", json_object_new_string(w->debug_id));
	c->err_details = d;
	return API_EXTERNAL_SERVICE_ERROR;
}

enum {	/* fields of create-paypal-order */
	CO_CAR, CO_START, CO_END, CO_BOOKING, CO_DESC
};

enum api_err
svc_payments_create_order(struct call *c)
{
	const char *const *f = c->req->field;
	struct booking_in b = { .car = f[CO_CAR], .start = f[CO_START],
	    .end = f[CO_END], .first = "-", .email = "-" };
	struct paypal_why why;
	struct json_object *o;
	char order[128], rid[160], m[24];
	enum paypal_rc rc;
	enum api_err e;
	int64_t cents;

	if ((e = svc_bookings_quote(c, &b, &cents)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "booking-%s-%lld", f[CO_BOOKING],
	    (long long)clock_wall_ms());
	rc = paypal_create_order(f[CO_BOOKING], cents, f[CO_DESC], rid, order,
	    sizeof order, &why);
	if (rc != PAYPAL_OK)
		return svc_payments_failed(c, rc, &why);
	o = json_object_new_object();
	json_object_object_add(o, "orderID", json_object_new_string(order));
	json_object_object_add(o, "amount", json_object_new_double_s(
	    (double)cents / 100.0, pricing_format(cents, m)));
	json_object_object_add(o, "currency", json_object_new_string("USD"));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum {	/* fields of authorize-paypal-order */
	AO_ORDER, AO_CAR, AO_START, AO_END, AO_TOTAL, AO_FIRST, AO_LAST,
	AO_EMAIL, AO_PHONE
};

/* The booking could not be written: give the authorization back. */
static void
svc_payments_release(const char *auth)
{
	struct paypal_why why;
	char rid[160];

	snprintf(rid, sizeof rid, "void-%s", auth);
	if (paypal_void(auth, rid, &why) == PAYPAL_OK)
		LOG_INFO("voided authorization %s: its booking was not written", auth);
	else
		LOG_ERR("authorization %s of an unwritten booking could not be "
		    "voided; void it in PayPal", auth);
}

enum api_err
svc_payments_authorize(struct call *c)
{
	const char *const *f = c->req->field;
	struct booking_in b = { .car = f[AO_CAR], .start = f[AO_START],
	    .end = f[AO_END], .total = f[AO_TOTAL], .first = f[AO_FIRST],
	    .last = f[AO_LAST] ? f[AO_LAST] : "", .email = f[AO_EMAIL],
	    .phone = f[AO_PHONE] };
	struct booking_paid pay = { .order_id = f[AO_ORDER] };
	struct paypal_why why;
	struct json_object *o, *d;
	char auth[128], rid[160], m[24];
	enum paypal_rc rc;
	enum api_err e;
	int64_t cents;

	/* The client's figure is checked before anything is authorized. */
	if ((e = svc_bookings_quote(c, &b, &cents)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "authorize-%s", f[AO_ORDER]);
	rc = paypal_authorize(f[AO_ORDER], rid, auth, sizeof auth, &pay.cents, &why);
	if (rc != PAYPAL_OK)
		return svc_payments_failed(c, rc, &why);
	pay.authorization_id = auth;
	if ((e = svc_bookings_create_authorized(c, &b, &pay)) != API_OK) {
		svc_payments_release(auth);
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "bookingId", json_object_new_string(pay.booking_id));
	json_object_object_add(o, "authorizationId", json_object_new_string(auth));
	d = json_object_new_object();
	json_object_object_add(d, "orderId", json_object_new_string(f[AO_ORDER]));
	json_object_object_add(d, "amount", json_object_new_double_s(
	    (double)pay.cents / 100.0, pricing_format(pay.cents, m)));
	json_object_object_add(d, "currency", json_object_new_string("USD"));
	json_object_object_add(d, "status", json_object_new_string("authorized"));
	json_object_object_add(o, "authorizedData", d);
	response_json(c->resp, 200, o);
	return API_OK;
}

/* A booking's payment, locked: what capture and void work on. */
struct svc_payment {
	char	id[64], status[32], auth[128], capture[128], car[64];
	int64_t	amount, captured;
	char	overall[40];
};

/* Lock the latest payment of booking into p.  API_NOT_FOUND if none. */
static enum api_err
svc_payments_lock(const char *booking, struct svc_payment *p)
{
	struct db_res *res = NULL;
	enum api_err e;

	memset(p, 0, sizeof *p);
	if ((e = repo_payment_of_booking(booking, &res)) != API_OK)
		return e;
	if (db_rows(res) != 1) {
		db_free(res);
		return API_NOT_FOUND;
	}
	snprintf(p->id, sizeof p->id, "%s", db_val(res, 0, 0));
	snprintf(p->status, sizeof p->status, "%s", db_val(res, 0, 1));
	snprintf(p->auth, sizeof p->auth, "%s", db_val(res, 0, 2));
	snprintf(p->capture, sizeof p->capture, "%s", db_val(res, 0, 3));
	(void)pricing_parse(db_val(res, 0, 4), &p->amount);
	(void)pricing_parse(db_val(res, 0, 5), &p->captured);
	snprintf(p->overall, sizeof p->overall, "%s", db_val(res, 0, 6));
	snprintf(p->car, sizeof p->car, "%s", db_val(res, 0, 7));
	db_free(res);
	return API_OK;
}

/* Log event on booking with actor and {paypal id, amount, detail}. */
static enum api_err
svc_payments_event(const char *booking, const char *event, const char *actor,
    const char *actor_id, const char *paypal_id, int64_t cents,
    const char *detail, const char *summary)
{
	struct json_object *d = json_object_new_object();
	char m[24];
	enum api_err e;

	json_object_object_add(d, "paypalId", json_object_new_string(paypal_id));
	json_object_object_add(d, "amount", json_object_new_string(
	    pricing_format(cents, m)));
	if (detail != NULL)
		json_object_object_add(d, "detail", json_object_new_string(detail));
	e = repo_booking_event(booking, event, actor, actor_id,
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN), summary);
	json_object_put(d);
	return e;
}

enum api_err
svc_payments_capture_booking(const char *booking, const char *actor,
    const char *actor_id, struct svc_capture *out)
{
	struct svc_payment p;
	char rid[160], payload[160], dedupe[96];
	enum api_err e;

	memset(out, 0, sizeof *out);
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = svc_payments_lock(booking, &p)) != API_OK)
		goto fail;
	snprintf(out->status, sizeof out->status, "%s", p.status);
	if (strcmp(p.status, "authorized") != 0 || p.auth[0] == '\0') {
		e = API_INVALID_REQUEST;
		goto fail;
	}
	snprintf(rid, sizeof rid, "capture-%s", p.id);
	out->rc = paypal_capture(p.auth, p.amount, rid, out->capture_id,
	    sizeof out->capture_id, &out->why);
	if (out->rc == PAYPAL_DOWN) {
		e = API_SERVICE_UNAVAILABLE;
		goto fail;
	}
	if (out->rc == PAYPAL_REFUSED) {
		snprintf(out->status, sizeof out->status, "failed");
		e = repo_payment_move(p.id, booking, "failed", NULL);
		if (e == API_OK)
			e = svc_payments_event(booking, "payment_capture_failed", actor,
			    actor_id, p.auth, p.amount, out->why.issue,
			    "PayPal declined the capture");
	} else {
		snprintf(out->status, sizeof out->status, "captured");
		snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", booking);
		snprintf(dedupe, sizeof dedupe, "payment_receipt:%s", booking);
		if ((e = repo_payment_move(p.id, booking, "captured",
		    out->capture_id)) == API_OK &&
		    (e = svc_payments_event(booking, "payment_captured", actor,
		    actor_id, out->capture_id, p.amount, NULL,
		    "Payment captured")) == API_OK &&
		    (e = repo_outbox_add("email", "payment_receipt", payload,
		    dedupe)) == API_OK)
			e = hooks_event("payment.captured", booking);
	}
	if (e != API_OK || (e = db_commit()) != API_OK) {
		LOG_ERR("booking %s: PayPal %s the capture of %s but it was not "
		    "recorded", booking, out->rc == PAYPAL_OK ? "made" : "declined",
		    p.auth);
		db_rollback();
		return e;
	}
	cache_invalidate_availability(p.car);
	return API_OK;
fail:
	db_rollback();
	return e;
}

enum api_err
svc_payments_capture(struct call *c)
{
	const char *booking = c->req->field[0];
	struct svc_capture cap;
	struct json_object *o;
	enum api_err e;

	e = svc_payments_capture_booking(booking, "admin", c->req->user_id, &cap);
	if (e == API_NOT_FOUND)
		c->err_message = "Payment not found";
	if (e == API_INVALID_REQUEST) {
		c->err_message = "Only an authorized payment can be captured";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "currentStatus",
		    json_object_new_string(cap.status));
	}
	if (e == API_SERVICE_UNAVAILABLE)
		return svc_payments_failed(c, PAYPAL_DOWN, &cap.why);
	if (e != API_OK)
		return e;
	if (cap.rc != PAYPAL_OK)
		return svc_payments_failed(c, cap.rc, &cap.why);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "captureId", json_object_new_string(cap.capture_id));
	json_object_object_add(o, "status", json_object_new_string("captured"));
	response_json(c->resp, 200, o);
	return API_OK;
}

/* Give back or return the money of a cancelled booking's payment p, inside
 * the caller's transaction: void an authorization, refund a capture. */
static enum api_err
svc_payments_settle_locked(const char *booking, const struct svc_payment *p,
    const char *actor, const char *actor_id, const char *reason)
{
	struct paypal_why why;
	char rid[160], refund[128];
	enum paypal_rc rc;
	enum api_err e;

	if (strcmp(p->status, "authorized") == 0) {
		snprintf(rid, sizeof rid, "void-%s", p->id);
		if ((rc = paypal_void(p->auth, rid, &why)) == PAYPAL_DOWN)
			return API_SERVICE_UNAVAILABLE;
		if (rc == PAYPAL_REFUSED)	/* expired or already voided */
			LOG_WARN("booking %s: PayPal refused to void %s: %s", booking,
			    p->auth, why.issue);
		if ((e = repo_payment_move(p->id, booking, "voided", NULL)) != API_OK ||
		    (e = hooks_event("payment.voided", booking)) != API_OK)
			return e;
		return svc_payments_event(booking, "payment_voided", actor, actor_id,
		    p->auth, p->amount, reason, "Authorization voided");
	}
	if (strcmp(p->status, "captured") != 0)
		return API_OK;
	snprintf(rid, sizeof rid, "refund-%s", p->id);
	rc = paypal_refund(p->capture, p->captured, rid, refund, sizeof refund, &why);
	if (rc == PAYPAL_DOWN)
		return API_SERVICE_UNAVAILABLE;
	if (rc == PAYPAL_REFUSED)	/* logged; the cancellation stands */
		return svc_payments_event(booking, "refund_failed", actor, actor_id,
		    p->capture, p->captured, why.issue, "PayPal refused the refund");
	if ((e = repo_payment_move(p->id, booking, "refunded", NULL)) != API_OK ||
	    (e = hooks_event("payment.refunded", booking)) != API_OK)
		return e;
	return svc_payments_event(booking, "payment_refunded", actor, actor_id,
	    refund, p->captured, reason, "Payment refunded");
}

enum api_err
svc_payments_settle(const char *booking, const char *actor,
    const char *actor_id, const char *reason)
{
	struct svc_payment p;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = svc_payments_lock(booking, &p);
	if (e == API_OK && strcmp(p.overall, "cancelled") == 0)
		e = svc_payments_settle_locked(booking, &p, actor, actor_id, reason);
	if (e == API_NOT_FOUND)
		e = API_OK;		/* nothing was paid */
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		LOG_WARN("booking %s: payment not settled yet (%s); the scheduler "
		    "retries", booking, apierr_code(e));
	}
	return e;
}

enum api_err
svc_payments_void(struct call *c)
{
	const char *booking = c->req->field[0], *reason = c->req->field[1];
	struct svc_payment p;
	struct json_object *o;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = svc_payments_lock(booking, &p)) == API_NOT_FOUND)
		c->err_message = "Payment not found";
	if (e == API_OK && (strcmp(p.status, "authorized") != 0 || p.auth[0] == '\0')) {
		c->err_message = "Only an authorized payment can be voided";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "currentStatus",
		    json_object_new_string(p.status));
		e = API_INVALID_REQUEST;
	}
	if (e == API_OK && (e = repo_booking_set_cancelled(booking)) == API_OK) {
		snprintf(p.overall, sizeof p.overall, "cancelled");
		e = svc_payments_settle_locked(booking, &p, "admin", c->req->user_id,
		    reason ? reason : "Voided by admin");
	}
	if (e == API_SERVICE_UNAVAILABLE) {
		db_rollback();
		return svc_payments_failed(c, PAYPAL_DOWN, NULL);
	}
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	cache_invalidate_availability(p.car);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "status", json_object_new_string("voided"));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_payments_run_due(long limit, struct json_object *report)
{
	struct db_res *res = NULL;
	struct svc_capture cap;
	long captured = 0, failed = 0, settled = 0, errors = 0;
	enum api_err e;
	int i;

	if ((e = repo_payments_due(limit, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++) {
		e = svc_payments_capture_booking(db_val(res, i, 0), "system",
		    NULL, &cap);
		if (e != API_OK)
			errors++;
		else if (cap.rc == PAYPAL_OK)
			captured++;
		else
			failed++;
	}
	db_free(res);
	if ((e = repo_payments_unsettled(limit, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++) {
		if (svc_payments_settle(db_val(res, i, 0), "system", NULL,
		    "Booking cancelled") == API_OK)
			settled++;
		else
			errors++;
	}
	db_free(res);
	json_object_object_add(report, "captured", json_object_new_int64(captured));
	json_object_object_add(report, "captureDeclined", json_object_new_int64(failed));
	json_object_object_add(report, "settled", json_object_new_int64(settled));
	json_object_object_add(report, "errors", json_object_new_int64(errors));
	return API_OK;
}

enum api_err
svc_payments_process(struct call *c)
{
	return svc_job_answer(c, svc_payments_run_due, 100);
}
