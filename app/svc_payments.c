/* svc_payments.c -- PayPal checkout (PayPal first: the order, then the
 * authorization that writes the booking), capture and void.  Thin
 * handlers over booking.h, which owns the payment's life. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "booking.h"
#include "buf.h"
#include "clock.h"
#include "paypal.h"
#include "pricing.h"
#include "request.h"
#include "response.h"
#include "svc.h"

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

	if ((e = booking_quote(c, &b, &cents)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "booking-%s-%lld", f[CO_BOOKING],
	    (long long)clock_wall_ms());
	rc = paypal_create_order(f[CO_BOOKING], cents, f[CO_DESC], rid, order,
	    sizeof order, &why);
	if (rc != PAYPAL_OK)
		return booking_paypal_failed(c, rc, &why);
	o = json_object_new_object();
	json_object_object_add(o, "orderID", json_object_new_string(order));
	json_object_object_add(o, "amount", json_object_new_double_s(
	    (double)cents / 100.0, pricing_format(cents, m)));
	json_object_object_add(o, "currency", json_object_new_string("USD"));
	response_json(c->resp, 200, o);
	return API_OK;
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
	if ((e = booking_quote(c, &b, &cents)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "authorize-%s", f[AO_ORDER]);
	rc = paypal_authorize(f[AO_ORDER], rid, auth, sizeof auth, &pay.cents, &why);
	if (rc != PAYPAL_OK)
		return booking_paypal_failed(c, rc, &why);
	pay.authorization_id = auth;
	if ((e = booking_create_paid(c, &b, &pay)) != API_OK) {
		booking_release_authorization(auth);
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

enum api_err
svc_payments_capture(struct call *c)
{
	const struct booking_actor a = { BOOKING_ADMIN, c->req->user_id };
	struct booking_capture cap;
	struct json_object *o;
	enum api_err e;

	e = booking_capture(&a, c->req->field[BI_ID], &cap);
	if (e == API_NOT_FOUND)
		c->err_message = "Payment not found";
	if (e == API_INVALID_REQUEST) {
		c->err_message = "Only an authorized payment can be captured";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "currentStatus",
		    json_object_new_string(cap.status));
	}
	if (e == API_SERVICE_UNAVAILABLE)
		return booking_paypal_failed(c, PAYPAL_DOWN, &cap.why);
	if (e != API_OK)
		return e;
	if (cap.rc != PAYPAL_OK) {
		e = booking_paypal_failed(c, cap.rc, &cap.why);
		if (strcmp(cap.status, "authorized") == 0) {
			c->err_message = "PayPal refused to reauthorize the payment; "
			    "the booking is unchanged";
			json_object_object_add(c->err_details, "step",
			    json_object_new_string("reauthorize"));
		}
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "captureId", json_object_new_string(cap.capture_id));
	json_object_object_add(o, "status", json_object_new_string("captured"));
	json_object_object_add(o, "reauthorized", json_object_new_boolean(cap.reauthorized));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_payments_void(struct call *c)
{
	const struct booking_actor a = { BOOKING_ADMIN, c->req->user_id };
	const char *reason = c->req->field[VO_REASON];
	struct json_object *o;
	char target[80];
	enum api_err e;

	e = booking_void(c, &a, c->req->field[VO_ID], reason ? reason :
	    "Voided by admin");
	if (e != API_OK)
		return e;
	snprintf(target, sizeof target, "booking:%s", c->req->field[VO_ID]);
	c->audit_target = arena_strdup(&c->req->arena, target);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "status", json_object_new_string("voided"));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_payments_run_due(long limit, struct json_object *report)
{
	return booking_run_due(limit, report);
}

enum api_err
svc_payments_process(struct call *c)
{
	return svc_job_answer(c, svc_payments_run_due, 100);
}
