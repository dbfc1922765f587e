/* booking_pay.c -- a booking's payment: capture (reauthorizing after
 * the honour period), the one capture path, settling a cancelled
 * booking's payment, void, and paying an existing booking by its link.
 *
 * PayPal is called outside any database transaction except capture and
 * void, which hold the payment row locked across the call so two admins
 * (or the scheduler, or a webhook) cannot move one payment twice; every
 * call carries a PayPal-Request-Id derived from the payment, so a retry is
 * harmless. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "booking.h"
#include "cache.h"
#include "clock.h"
#include "db.h"
#include "hooks.h"
#include "log.h"
#include "paypal.h"
#include "pricing.h"
#include "repo.h"
#include "request.h"

/* The answer of a PayPal failure: 503 (retry later) when PayPal could not
 * be reached, 502 with what PayPal said when it refused. */
enum api_err
booking_paypal_failed(struct call *c, enum paypal_rc rc, const struct paypal_why *w)
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

/* The booking could not be written: give the authorization back. */
void
booking_release_authorization(const char *auth)
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

/* A booking's payment, locked: what capture and void work on. */
struct booking_payment {
	char	id[64], status[32], auth[128], capture[128], car[64];
	int64_t	amount, captured;
	char	overall[40];
	int64_t	authorized_at;	/* epoch seconds */
};

/* Lock the latest payment of booking into p.  API_NOT_FOUND if none. */
static enum api_err
booking_pay_lock(const char *booking, struct booking_payment *p)
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
	p->authorized_at = atoll(db_val(res, 0, 8));
	db_free(res);
	return API_OK;
}

/* Log event on booking with actor and {paypal id, amount, detail}. */
static enum api_err
booking_pay_event(const char *booking, const char *event, const char *actor,
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

/* Give back or return the money of a cancelled booking's payment p, inside
 * the caller's transaction: void an authorization, refund a capture. */
static enum api_err
booking_pay_settle_locked(const char *booking, const struct booking_payment *p,
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
		return booking_pay_event(booking, "payment_voided", actor, actor_id,
		    p->auth, p->amount, reason, "Authorization voided");
	}
	if (strcmp(p->status, "captured") != 0)
		return API_OK;
	snprintf(rid, sizeof rid, "refund-%s", p->id);
	rc = paypal_refund(p->capture, p->captured, rid, refund, sizeof refund, &why);
	if (rc == PAYPAL_DOWN)
		return API_SERVICE_UNAVAILABLE;
	if (rc == PAYPAL_REFUSED)	/* logged; the cancellation stands */
		return booking_pay_event(booking, "refund_failed", actor, actor_id,
		    p->capture, p->captured, why.issue, "PayPal refused the refund");
	if ((e = repo_payment_move(p->id, booking, "refunded", NULL)) != API_OK ||
	    (e = hooks_event("payment.refunded", booking)) != API_OK)
		return e;
	return booking_pay_event(booking, "payment_refunded", actor, actor_id,
	    refund, p->captured, reason, "Payment refunded");
}

enum api_err
booking_settle(const char *booking, const struct booking_actor *a,
    const char *reason)
{
	const char *actor = booking_actor_name(a), *actor_id = a->id;
	struct booking_payment p;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = booking_pay_lock(booking, &p);
	if (e == API_OK && strcmp(p.overall, "cancelled") == 0)
		e = booking_pay_settle_locked(booking, &p, actor, actor_id, reason);
	if (e == API_NOT_FOUND)
		e = API_OK;		/* nothing was paid */
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		LOG_WARN("booking %s: payment not settled yet (%s); the scheduler "
		    "retries", booking, apierr_code(e));
	}
	return e;
}

/* The one capture path (see booking.h). */
enum api_err
booking_captured(const char *payment, const char *booking,
    const char *capture_id, const char *actor, const char *actor_id,
    bool *moved, char *car, size_t carlen)
{
	char payload[160], dedupe[96];
	int64_t cents = 0;
	enum api_err e;

	*moved = false;
	if ((e = repo_payment_capture_once(payment, booking, capture_id, moved,
	    &cents, car, carlen)) != API_OK || !*moved)
		return e;
	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", booking);
	snprintf(dedupe, sizeof dedupe, "payment_receipt:%s", booking);
	if ((e = booking_pay_event(booking, "payment_captured", actor, actor_id,
	    capture_id ? capture_id : "", cents, NULL,
	    "Payment captured")) != API_OK ||
	    (e = repo_outbox_add("email", "payment_receipt", payload,
	    dedupe)) != API_OK ||
	    (e = repo_outbox_reminder(booking)) != API_OK)	/* upcoming now */
		return e;
	return hooks_event("payment.captured", booking);
}

/* Reauthorize p (past the honour period) and record the new
 * authorization at once, in its own transaction: it stands even if the
 * capture then fails (payment_authorized, detail "reauthorized from
 * <old id>").  The caller's transaction was rolled back. */
static enum api_err
booking_reauthorize(const struct booking_actor *a, const char *booking,
    struct booking_payment *p, struct booking_capture *out)
{
	char rid[320], auth[128], detail[200];
	enum api_err e;

	snprintf(rid, sizeof rid, "reauthorize-%s-%s", p->id, p->auth);
	out->rc = paypal_reauthorize(p->auth, p->amount, rid, auth, sizeof auth,
	    &out->why);
	if (out->rc == PAYPAL_DOWN)
		return API_SERVICE_UNAVAILABLE;
	if (out->rc == PAYPAL_REFUSED) {
		LOG_WARN("booking %s: PayPal refused to reauthorize %s: %s",
		    booking, p->auth, out->why.issue);
		return API_OK;
	}
	snprintf(detail, sizeof detail, "reauthorized from %s", p->auth);
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_payment_reauthorized(p->id, auth)) != API_OK ||
	    (e = booking_pay_event(booking, "payment_authorized",
	    booking_actor_name(a), a->id, auth, p->amount, detail,
	    "Authorization renewed after PayPal's honour period")) != API_OK ||
	    (e = db_commit()) != API_OK) {
		db_rollback();
		LOG_ERR("booking %s: reauthorization %s made but not recorded",
		    booking, auth);
		return e;
	}
	out->reauthorized = true;
	return API_OK;
}

/* Lock the payment of booking for a capture: it must be authorized. */
static enum api_err
booking_capture_lock(const char *booking, struct booking_payment *p,
    struct booking_capture *out)
{
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = booking_pay_lock(booking, p)) != API_OK)
		return e;
	snprintf(out->status, sizeof out->status, "%s", p->status);
	if (strcmp(p->status, "authorized") != 0 || p->auth[0] == '\0')
		return API_INVALID_REQUEST;
	return API_OK;
}

enum api_err
booking_capture(const struct booking_actor *a, const char *booking,
    struct booking_capture *out)
{
	const char *actor = booking_actor_name(a);
	struct booking_payment p;
	char rid[320], car[64] = "";
	enum api_err e;

	memset(out, 0, sizeof *out);
	if ((e = booking_capture_lock(booking, &p, out)) != API_OK)
		goto fail;
	if (clock_wall_ms() / 1000 - p.authorized_at > BOOKING_HONOUR_SECONDS) {
		db_rollback();
		if ((e = booking_reauthorize(a, booking, &p, out)) != API_OK ||
		    out->rc != PAYPAL_OK)
			return e;
		if ((e = booking_capture_lock(booking, &p, out)) != API_OK)
			goto fail;
	}
	snprintf(rid, sizeof rid, "capture-%s-%s", p.id, p.auth);
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
			e = booking_pay_event(booking, "payment_capture_failed", actor,
			    a->id, p.auth, p.amount, out->why.issue,
			    "PayPal declined the capture");
	} else {
		snprintf(out->status, sizeof out->status, "captured");
		e = booking_captured(p.id, booking, out->capture_id, actor, a->id,
		    &out->moved, car, sizeof car);
	}
	if (e != API_OK || (e = db_commit()) != API_OK) {
		LOG_ERR("booking %s: PayPal %s the capture of %s but it was not "
		    "recorded", booking, out->rc == PAYPAL_OK ? "made" : "declined",
		    p.auth);
		db_rollback();
		return e;
	}
	if (car[0] != '\0')
		cache_invalidate_availability(car);
	return API_OK;
fail:
	db_rollback();
	return e;
}

enum api_err
booking_void(struct call *c, const struct booking_actor *a,
    const char *booking, const char *reason)
{
	struct booking_payment p;
	struct booking_moved m;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = booking_pay_lock(booking, &p)) == API_NOT_FOUND)
		c->err_message = "Payment not found";
	if (e == API_OK && (strcmp(p.status, "authorized") != 0 || p.auth[0] == '\0')) {
		c->err_message = "Only an authorized payment can be voided";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "currentStatus",
		    json_object_new_string(p.status));
		e = API_INVALID_REQUEST;
	}
	if (e == API_OK && strcmp(p.overall, "cancelled") != 0 &&
	    (e = booking_move(c, a, booking, "cancelled", reason,
	    "booking_cancelled", &m)) == API_OK)
		snprintf(p.overall, sizeof p.overall, "cancelled");
	if (e == API_OK)
		e = booking_pay_settle_locked(booking, &p, booking_actor_name(a),
		    a->id, reason);
	if (e == API_SERVICE_UNAVAILABLE) {
		db_rollback();
		return booking_paypal_failed(c, PAYPAL_DOWN, NULL);
	}
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	cache_invalidate_availability(p.car);
	return API_OK;
}

/* The booking behind token for paying it: id, status, payment status,
 * price; 404 unknown or expired, 409 paid or cancelled. */
static enum api_err
booking_pay_find(struct call *c, const char *token, char *id, size_t idlen,
    char *car, size_t carlen, int64_t *cents)
{
	char status[40], payment[40];
	enum api_err e;

	e = repo_booking_payable(token, id, idlen, status, sizeof status,
	    payment, sizeof payment, car, carlen, cents);
	if (e == API_NOT_FOUND || e == API_FORBIDDEN) {
		c->err_message = e == API_NOT_FOUND ? "Booking not found" :
		    "This booking link has expired";
		return API_NOT_FOUND;
	}
	if (e != API_OK)
		return e;
	if (strcmp(status, "cancelled") == 0 || strcmp(payment, "pending") != 0 ||
	    !booking_can_move(status, "upcoming", BOOKING_SYSTEM)) {
		c->err_message = strcmp(status, "cancelled") == 0 ?
		    "This booking is cancelled" : "This booking is already paid";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "status",
		    json_object_new_string(status));
		json_object_object_add(c->err_details, "paymentStatus",
		    json_object_new_string(payment));
		return API_CONFLICT;
	}
	return API_OK;
}

enum api_err
booking_payable(struct call *c, const char *token, char *id, size_t idlen,
    int64_t *cents)
{
	char car[64];

	return booking_pay_find(c, token, id, idlen, car, sizeof car, cents);
}

enum api_err
booking_pay_authorized(struct call *c, const char *token, const char *order,
    const char *auth, int64_t cents, char *id, size_t idlen)
{
	char car[64], amount[24], details[512];
	int64_t price;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	/* Locked now: paid or cancelled meanwhile is refused (409). */
	if ((e = booking_pay_find(c, token, id, idlen, car, sizeof car,
	    &price)) != API_OK)
		goto done;
	if (llabs(price - cents) > 1) {
		c->err_message = "The authorized amount does not match the price";
		e = API_VALIDATION_ERROR;
		goto done;
	}
	pricing_format(cents, amount);
	snprintf(details, sizeof details, "{\"orderId\":\"%s\",\"authorizationId\":"
	    "\"%s\",\"amount\":\"%s\",\"via\":\"link\"}", order, auth, amount);
	if ((e = repo_payment_authorized(id, order, auth, amount)) == API_OK &&
	    (e = repo_booking_event(id, "payment_authorized", "customer",
	    c->req->user_id, details, "Payment authorized through the booking's link")) == API_OK)
		e = repo_outbox_reminder(id);	/* upcoming now: its reminder */
done:
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) == API_OK)
		cache_invalidate_availability(car);
	return e;
}

enum api_err
booking_run_due(long limit, struct json_object *report)
{
	struct db_res *res = NULL;
	static const struct booking_actor sys = { BOOKING_SYSTEM, NULL };
	struct booking_capture cap;
	long captured = 0, failed = 0, settled = 0, errors = 0;
	enum api_err e;
	int i;

	if ((e = repo_payments_due(limit, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++) {
		e = booking_capture(&sys, db_val(res, i, 0), &cap);
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
		if (booking_settle(db_val(res, i, 0), &sys,
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

