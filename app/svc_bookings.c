/* svc_bookings.c -- a customer's bookings: create, read by token, pay by
 * link, list own, cancel own.  Thin handlers over booking.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "booking.h"
#include "clock.h"
#include "db.h"
#include "paypal.h"
#include "pricing.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

/* The booking POST /api/bookings asks for. */
static void
svc_bookings_input(const struct call *c, struct booking_in *b)
{
	const char *const *f = c->req->field;
	const char *sp;

	memset(b, 0, sizeof *b);
	b->car = f[BK_CAR];
	b->start = f[BK_START];
	b->end = f[BK_END];
	b->email = f[BK_EMAIL];
	b->phone = f[BK_PHONE];
	b->total = f[BK_TOTAL];
	b->pickup = f[BK_PICKUP];
	b->dropoff = f[BK_DROPOFF];
	b->idem = f[BK_IDEM];
	if (f[BK_NAME] != NULL) {	/* first word, then the rest */
		sp = strchr(f[BK_NAME], ' ');
		snprintf(b->name, sizeof b->name, "%.*s", sp ?
		    (int)(sp - f[BK_NAME]) : (int)strlen(f[BK_NAME]), f[BK_NAME]);
		b->first = b->name;
		b->last = sp ? sp + 1 : "";
	}
}

enum api_err
svc_bookings_create(struct call *c)
{
	struct booking_in b;

	svc_bookings_input(c, &b);
	return booking_create(c, &b);
}

enum api_err
svc_bookings_by_token(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_booking_by_token(c->req->field[TK_TOKEN], &res, &json);

	if (e == API_OK)
		response_raw_json(c->resp, 200, json, strlen(json));
	else if (e == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_FORBIDDEN) {
		e = API_NOT_FOUND;
		c->err_message = "This booking link has expired";
	}
	db_free(res);
	return e;
}

enum api_err
svc_bookings_pay_order(struct call *c)
{
	struct paypal_why why;
	struct json_object *o;
	char id[64], order[128], rid[160], m[24];
	enum paypal_rc rc;
	enum api_err e;
	int64_t cents;

	if ((e = booking_payable(c, c->req->field[TK_TOKEN], id, sizeof id,
	    &cents)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "pay-%s-%lld", id, (long long)clock_wall_ms());
	rc = paypal_create_order(id, cents, "ExoDrive Car Rental Booking", rid,
	    order, sizeof order, &why);
	if (rc != PAYPAL_OK)
		return booking_paypal_failed(c, rc, &why);
	o = json_object_new_object();
	json_object_object_add(o, "orderID", json_object_new_string(order));
	json_object_object_add(o, "bookingId", json_object_new_string(id));
	json_object_object_add(o, "amount", json_object_new_double_s(
	    (double)cents / 100.0, pricing_format(cents, m)));
	json_object_object_add(o, "currency", json_object_new_string("USD"));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_bookings_pay_authorize(struct call *c)
{
	const char *token = c->req->field[PA_TOKEN], *order = c->req->field[PA_ORDER];
	struct paypal_why why;
	struct json_object *o;
	char id[64], auth[128], rid[160], m[24];
	enum paypal_rc rc;
	enum api_err e;
	int64_t cents, price;

	/* Refused before anything is authorized: unknown, paid, cancelled. */
	if ((e = booking_payable(c, token, id, sizeof id, &price)) != API_OK)
		return e;
	snprintf(rid, sizeof rid, "authorize-%s", order);
	rc = paypal_authorize(order, rid, auth, sizeof auth, &cents, &why);
	if (rc != PAYPAL_OK)
		return booking_paypal_failed(c, rc, &why);
	if ((e = booking_pay_authorized(c, token, order, auth, cents, id,
	    sizeof id)) != API_OK) {
		booking_release_authorization(auth);
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "bookingId", json_object_new_string(id));
	json_object_object_add(o, "authorizationId", json_object_new_string(auth));
	json_object_object_add(o, "status", json_object_new_string("upcoming"));
	json_object_object_add(o, "amount", json_object_new_double_s(
	    (double)cents / 100.0, pricing_format(cents, m)));
	json_object_object_add(o, "currency", json_object_new_string("USD"));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_bookings_mine(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_booking_mine(c->req->user_id, &res, &json);

	if (e == API_OK)
		response_raw_json(c->resp, 200, json, strlen(json));
	db_free(res);
	return e;
}

enum api_err
svc_bookings_cancel(struct call *c)
{
	const struct booking_actor a = { BOOKING_CUSTOMER, c->req->user_id };
	const char *id = c->req->field[BI_ID];
	struct booking_moved m;
	struct json_object *o, *b;
	enum api_err e;

	if ((e = booking_cancel(c, &a, id, "Cancelled by customer", &m)) != API_OK)
		return e;
	o = json_object_new_object();
	b = json_object_new_object();
	json_object_object_add(b, "id", json_object_new_string(id));
	json_object_object_add(b, "overall_status", json_object_new_string("cancelled"));
	json_object_object_add(b, "previous_status", json_object_new_string(m.from));
	json_object_object_add(o, "booking", b);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_bookings_expire_holds(long limit, long *count)
{
	return booking_expire_holds(limit, count);
}
