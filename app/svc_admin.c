/* svc_admin.c -- the back office: bookings (list, detail, status, cancel)
 * and the full fleet.  Every route here is AUTH_ADMIN in the table. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cache.h"
#include "cidr.h"
#include "clock.h"
#include "buf.h"
#include "conf.h"
#include "counter.h"
#include "hooks.h"
#include "log.h"
#include "pricing.h"
#include "ratelimit.h"
#include "rng.h"
#include "warm.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"
#include "template.h"
#include "xmalloc.h"

/* The booking status machine (domain.md §4.4).  "failed" is not a status
 * of its own: a failed payment cancels the booking. */
static const struct {
	const char	*from;
	const char	*to[4];
} svc_admin_moves[] = {
	{ "pending_customer_action", { "pending_payment", "cancelled" } },
	{ "pending_payment", { "pending_contract", "cancelled" } },
	{ "pending_contract", { "upcoming", "cancelled" } },
	{ "upcoming", { "active", "cancelled" } },
	{ "active", { "post_rental_finalization", "disputed" } },
	{ "post_rental_finalization", { "completed", "disputed" } },
	{ "completed", { "disputed" } },
	{ "disputed", { "completed", "cancelled" } },
	{ "cancelled", { NULL } },
};

/* The statuses reachable from from, as a JSON array; *ok tells whether to
 * is one of them. */
static struct json_object *
svc_admin_allowed(const char *from, const char *to, int *ok)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	*ok = 0;
	for (i = 0; i < sizeof svc_admin_moves / sizeof svc_admin_moves[0]; i++) {
		if (strcmp(svc_admin_moves[i].from, from) != 0)
			continue;
		for (j = 0; j < 4 && svc_admin_moves[i].to[j] != NULL; j++) {
			json_object_array_add(a,
			    json_object_new_string(svc_admin_moves[i].to[j]));
			*ok |= strcmp(svc_admin_moves[i].to[j], to) == 0;
		}
	}
	return a;
}

enum api_err
svc_admin_bookings(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[8];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	/* fields: status, search, startDate, endDate, page, limit, sortBy, sortOrder */
	p[0] = f[0] ? f[0] : "all";
	p[1] = f[1];
	p[2] = f[2];
	p[3] = f[3];
	p[4] = f[4] ? f[4] : "1";
	p[5] = f[5] ? f[5] : "20";
	p[6] = f[6] ? f[6] : "created_at";
	p[7] = f[7] ? f[7] : "desc";
	e = repo_admin_booking_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No bookings");
}

enum api_err
svc_admin_booking(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_admin_booking_detail(c->req->field[0],
	    conf->base_url, &res, &json);

	return svc_answer(c, e, res, json, "Booking not found");
}

/* Apply the side effects of entering status to on the booking's days. */
static enum api_err
svc_admin_effects(const char *id, const char *from, const char *to,
    const char *car, const char *start, const char *end, const char *reason)
{
	char dedupe[96], payload[160];

	if (strcmp(to, "active") == 0 || (strcmp(to, "upcoming") == 0 &&
	    strcmp(from, "active") != 0))
		return repo_admin_booking_book_days(id, car, start, end);
	if (strcmp(to, "completed") == 0)
		return repo_admin_booking_release_after_today(id);
	if (strcmp(to, "disputed") == 0)
		return repo_admin_booking_dispute(id, reason);
	if (strcmp(to, "cancelled") == 0) {
		snprintf(dedupe, sizeof dedupe, "booking_cancellation:%s", id);
		snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\","
		    "\"actor\":\"admin\"}", id);
		if (repo_booking_set_cancelled(id) != API_OK ||
		    repo_outbox_add("email", "booking_cancellation", payload,
		    dedupe) != API_OK)
			return API_DATABASE_ERROR;
		return hooks_event("booking.cancelled", id);
	}
	return API_OK;
}

/* 409 with the taken days when start..end of car is not free (ignoring
 * booking except, which may be NULL). */
static enum api_err
svc_admin_days_free(struct call *c, const char *except, const char *car,
    const char *start, const char *end)
{
	struct json_object *days;
	struct db_res *res;
	enum api_err e;
	int i, n;

	e = except ? repo_admin_blocked_except(except, car, start, end, &res) :
	    repo_booking_blocked_days(car, start, end, &res);
	if (e != API_OK)
		return e;
	if ((n = db_rows(res)) > 0) {
		days = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(days, json_object_new_string(db_val(res, i, 0)));
		c->err_message = "The car is not available for these dates";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "unavailableDates", days);
		e = API_CONFLICT;
	}
	db_free(res);
	return e;
}

/* Move booking id to status to, checked against the machine; logs
 * booking_status_changed (or booking_cancelled when event says so).  The
 * booking's car goes to car (64 bytes). */
static enum api_err
svc_admin_move(struct call *c, const char *id, const char *to,
    const char *reason, const char *event, char *car)
{
	char from[64], start[11], end[11];
	struct json_object *d, *o, *b;
	enum api_err e;
	int ok;

	e = repo_admin_booking_lock(id, from, sizeof from, car, 64, start, end);
	if (e == API_NOT_FOUND)
		c->err_message = "Booking not found";
	if (e != API_OK)
		return e;
	d = svc_admin_allowed(from, to, &ok);
	if (!ok) {
		c->err_message = "Invalid status transition";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "from", json_object_new_string(from));
		json_object_object_add(c->err_details, "to", json_object_new_string(to));
		json_object_object_add(c->err_details, "allowedTransitions", d);
		return API_INVALID_REQUEST;
	}
	json_object_put(d);
	if ((e = repo_admin_booking_status(id, to)) != API_OK ||
	    (e = svc_admin_effects(id, from, to, car, start, end, reason)) != API_OK)
		return e;
	d = json_object_new_object();
	json_object_object_add(d, "from", json_object_new_string(from));
	json_object_object_add(d, "to", json_object_new_string(to));
	if (reason != NULL)
		json_object_object_add(d, "reason", json_object_new_string(reason));
	e = repo_booking_event(id, event, "admin", c->req->user_id,
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
	    "Status changed by admin");
	json_object_put(d);
	if (e != API_OK)
		return e;
	o = json_object_new_object();
	b = json_object_new_object();
	json_object_object_add(b, "id", json_object_new_string(id));
	json_object_object_add(b, "overall_status", json_object_new_string(to));
	json_object_object_add(b, "previous_status", json_object_new_string(from));
	json_object_object_add(o, "booking", b);
	response_json(c->resp, 200, o);
	return API_OK;
}

/* Commit (dropping the cached availability of car) or roll back, and
 * return e.  When the change cancelled booking (to is "cancelled"), its
 * payment is settled after the commit. */
static enum api_err
svc_admin_finish(struct call *c, enum api_err e, const char *car,
    const char *booking, const char *to)
{
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) != API_OK)
		return e;
	cache_invalidate_availability(car);
	if (to != NULL && strcmp(to, "cancelled") == 0)
		(void)svc_payments_settle(booking, "admin", c->req->user_id,
		    "Cancelled by admin");
	return API_OK;
}

enum {	/* fields of POST /api/admin/bookings, in route-table order */
	AB_CAR, AB_CUSTOMER, AB_FIRST, AB_LAST, AB_EMAIL, AB_PHONE, AB_START,
	AB_END, AB_TOTAL, AB_CURRENCY, AB_DEPOSIT, AB_NOTES, AB_SKIP, AB_INITIAL
};

/* The customer of an admin-created booking: by id, or a guest by email. */
static enum api_err
svc_admin_customer(struct call *c, char *customer, size_t len)
{
	const char *const *f = c->req->field;
	enum api_err e;

	if (f[AB_CUSTOMER] != NULL) {
		if ((e = repo_admin_customer_exists(f[AB_CUSTOMER])) == API_NOT_FOUND)
			c->err_message = "Customer not found";
		snprintf(customer, len, "%s", f[AB_CUSTOMER]);
		return e;
	}
	if (f[AB_EMAIL] == NULL) {
		c->err_message = "customerId or customerDetails.email is required";
		return API_VALIDATION_ERROR;
	}
	return repo_booking_customer(NULL, f[AB_EMAIL], f[AB_FIRST], f[AB_LAST],
	    f[AB_PHONE], customer, len);
}

/* The price of an admin booking: the admin's figure, else the server's. */
static enum api_err
svc_admin_price(struct call *c, char *total, char *deposit)
{
	const char *const *f = c->req->field;
	struct pricing_in in;
	struct pricing_out out;
	const char *why;
	enum api_err e;

	e = repo_booking_price_inputs(f[AB_CAR], f[AB_START], f[AB_END], NULL,
	    NULL, &in);
	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e != API_OK)
		return e;
	if (f[AB_DEPOSIT] != NULL)
		snprintf(deposit, 24, "%s", f[AB_DEPOSIT]);
	else
		pricing_format(in.deposit_cents, deposit);
	if (f[AB_TOTAL] != NULL) {
		snprintf(total, 24, "%s", f[AB_TOTAL]);
		return API_OK;
	}
	in.available = 1;	/* an admin may book a car withdrawn from sale */
	if ((why = pricing_compute(&in, &out)) != NULL) {
		c->err_message = why;
		return API_VALIDATION_ERROR;
	}
	pricing_format(out.total, total);
	return API_OK;
}

enum api_err
svc_admin_booking_create(struct call *c)
{
	const char *const *f = c->req->field;
	const char *initial = f[AB_INITIAL] ? f[AB_INITIAL] : "pending_payment";
	char customer[64], id[64], token[97], total[24], deposit[24], url[512];
	const char *p[10];
	struct json_object *o;
	enum api_err e;

	if (strcmp(f[AB_START], f[AB_END]) >= 0) {
		c->err_message = "endDate must be after startDate";
		return API_VALIDATION_ERROR;
	}
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_booking_lock_car(f[AB_CAR])) != API_OK ||
	    (e = svc_admin_price(c, total, deposit)) != API_OK)
		goto done;
	if ((f[AB_SKIP] == NULL || strcmp(f[AB_SKIP], "true") != 0) &&
	    (e = svc_admin_days_free(c, NULL, f[AB_CAR], f[AB_START], f[AB_END])) != API_OK)
		goto done;
	if ((e = svc_admin_customer(c, customer, sizeof customer)) != API_OK)
		goto done;
	rng_hex(token, 48);
	p[0] = customer; p[1] = f[AB_CAR]; p[2] = f[AB_START]; p[3] = f[AB_END];
	p[4] = total; p[5] = deposit; p[6] = NULL; p[7] = NULL; p[8] = token;
	p[9] = "30";
	if ((e = repo_booking_insert(p, id, sizeof id)) != API_OK) {
		if (e == API_CONFLICT)
			c->err_message = "The car is not available for these dates";
		goto done;
	}
	if ((e = repo_admin_booking_initial(id, initial, f[AB_NOTES])) != API_OK ||
	    (e = repo_admin_booking_redate(id, f[AB_CAR], f[AB_START], f[AB_END],
	    strcmp(initial, "pending_payment") == 0 ? "pending_confirmation" :
	    "booked")) != API_OK ||
	    (e = repo_booking_event(id, "admin_created_booking", "admin",
	    c->req->user_id, NULL, "Booking created by admin")) != API_OK)
		goto done;
	snprintf(url, sizeof url, "%s/booking/%s", conf->base_url, token);
	o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_string(id));
	json_object_object_add(o, "customerId", json_object_new_string(customer));
	json_object_object_add(o, "bookingUrl", json_object_new_string(url));
	json_object_object_add(o, "totalPrice",
	    json_object_new_double_s(strtod(total, NULL), total));
	response_json(c->resp, 201, o);
done:
	if (e == API_OK && (e = db_commit()) == API_OK)
		cache_invalidate_availability(f[AB_CAR]);
	else if (e != API_OK)
		db_rollback();
	return e;
}

enum {	/* fields of PATCH /api/admin/bookings/{bookingId} */
	UB_ID, UB_NOTES, UB_ADMIN_NOTES, UB_PICKUP, UB_DROPOFF, UB_START, UB_END,
	UB_TOTAL, UB_DEPOSIT, UB_OVERALL, UB_PAYMENT, UB_CONTRACT
};

/* Re-date the locked booking when the request moves its dates. */
static enum api_err
svc_admin_redate(struct call *c, const char *status, const char *car,
    const char *start, const char *end)
{
	const char *const *f = c->req->field;
	const char *ns = f[UB_START] ? f[UB_START] : start;
	const char *ne = f[UB_END] ? f[UB_END] : end;
	enum api_err e;

	if (f[UB_START] == NULL && f[UB_END] == NULL)
		return API_OK;
	if (strcmp(ns, ne) >= 0) {
		c->err_message = "endDate must be after startDate";
		return API_VALIDATION_ERROR;
	}
	if (strcmp(status, "cancelled") == 0 || strcmp(status, "completed") == 0) {
		c->err_message = "A cancelled or completed booking keeps its dates";
		return API_INVALID_REQUEST;
	}
	if ((e = repo_booking_lock_car(car)) != API_OK ||
	    (e = svc_admin_days_free(c, f[UB_ID], car, ns, ne)) != API_OK)
		return e;
	return repo_admin_booking_redate(f[UB_ID], car, ns, ne,
	    strcmp(status, "upcoming") == 0 || strcmp(status, "active") == 0 ?
	    "booked" : "pending_confirmation");
}

/* The changes (repo_admin_booking_update()'s {column: [old, new]}) a
 * customer is told of, with their labels. */
static const struct { const char *column, *label; } svc_admin_told[] = {
	{ "start_date", "Pick-up date" },
	{ "end_date", "Return date" },
	{ "total_price", "Total price" },
	{ "pickup_location", "Pick-up location" },
	{ "dropoff_location", "Return location" },
};

/* Queue the modification email of booking id (same transaction) when
 * changes touch what the customer was told: dates, price, locations. */
static enum api_err
svc_admin_tell_changes(const char *id, const char *status,
    struct json_object *changes)
{
	struct json_object *job, *vars, *list, *pair, *item;
	char ts[40], dedupe[96], money[2][48];
	const char *old, *new;
	enum api_err e;
	size_t i;

	if (strcmp(status, "cancelled") == 0 || changes == NULL)
		return API_OK;
	list = json_object_new_array();
	money[0][0] = money[1][0] = '\0';
	for (i = 0; i < sizeof svc_admin_told / sizeof svc_admin_told[0]; i++) {
		if (!json_object_object_get_ex(changes, svc_admin_told[i].column, &pair))
			continue;
		old = json_object_get_string(json_object_array_get_idx(pair, 0));
		new = json_object_get_string(json_object_array_get_idx(pair, 1));
		if (strcmp(svc_admin_told[i].column, "total_price") == 0) {
			snprintf(money[0], sizeof money[0], "$%.2f", old ? atof(old) : 0.0);
			snprintf(money[1], sizeof money[1], "$%.2f", new ? atof(new) : 0.0);
			old = money[0], new = money[1];
		}
		item = json_object_new_object();
		json_object_object_add(item, "field", json_object_new_string(svc_admin_told[i].label));
		json_object_object_add(item, "previousValue", json_object_new_string(old ? old : "-"));
		json_object_object_add(item, "newValue", json_object_new_string(new ? new : "-"));
		json_object_array_add(list, item);
	}
	if (json_object_array_length(list) == 0) {
		json_object_put(list);
		return API_OK;
	}
	clock_iso8601(ts, sizeof ts);
	vars = json_object_new_object();
	json_object_object_add(vars, "modificationType", json_object_new_string(
	    json_object_object_get_ex(changes, "start_date", NULL) ||
	    json_object_object_get_ex(changes, "end_date", NULL) ? "dates" : "details"));
	json_object_object_add(vars, "changes", list);
	if (money[1][0] != '\0') {
		json_object_object_add(vars, "previousTotalPrice", json_object_new_string(money[0]));
		json_object_object_add(vars, "newTotalPrice", json_object_new_string(money[1]));
	}
	json_object_object_add(vars, "effectiveDate", json_object_new_string_len(ts, 10));
	job = json_object_new_object();
	json_object_object_add(job, "bookingId", json_object_new_string(id));
	json_object_object_add(job, "vars", vars);
	snprintf(dedupe, sizeof dedupe, "modification:%s:%s", id, ts);
	e = repo_outbox_add("email", "booking_modification",
	    json_object_to_json_string_ext(job, JSON_C_TO_STRING_PLAIN), dedupe);
	json_object_put(job);
	return e;
}

enum api_err
svc_admin_booking_update(struct call *c)
{
	const char *const *f = c->req->field;
	char status[64], car[64] = "", start[11], end[11];
	const char *p[11], *changes = NULL;
	struct db_res *res = NULL;
	struct json_object *o, *told;
	enum api_err e;
	int i;

	if ((e = db_begin()) != API_OK)
		return e;
	e = repo_admin_booking_lock(f[UB_ID], status, sizeof status, car,
	    sizeof car, start, end);
	if (e == API_NOT_FOUND)
		c->err_message = "Booking not found";
	if (e != API_OK || (e = svc_admin_redate(c, status, car, start, end)) != API_OK)
		goto done;
	for (i = 0; i < 9; i++)
		p[i] = f[i];
	p[9] = f[UB_PAYMENT];
	p[10] = f[UB_CONTRACT];
	if ((e = repo_admin_booking_update(p, &res, &changes)) != API_OK) {
		if (e == API_CONFLICT)
			c->err_message = "The car is not available for these dates";
		goto done;
	}
	if ((e = repo_booking_event(f[UB_ID], "admin_updated_booking", "admin",
	    c->req->user_id, changes, "Booking updated by admin")) != API_OK)
		goto done;
	told = request_json_parse(changes, strlen(changes));
	e = svc_admin_tell_changes(f[UB_ID], f[UB_OVERALL] ? f[UB_OVERALL] : status, told);
	json_object_put(told);
	if (e != API_OK)
		goto done;
	if (f[UB_OVERALL] != NULL && strcmp(f[UB_OVERALL], status) != 0) {
		e = svc_admin_move(c, f[UB_ID], f[UB_OVERALL], NULL,
		    "booking_status_changed", car);
		if (e != API_OK)
			goto done;
	}
	o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_string(f[UB_ID]));
	json_object_object_add(o, "changes", request_json_parse(changes, strlen(changes)));
	response_json(c->resp, 200, o);
done:
	db_free(res);
	return svc_admin_finish(c, e, car, f[UB_ID], f[UB_OVERALL]);
}

enum api_err
svc_admin_booking_status(struct call *c)
{
	const char *const *f = c->req->field;
	char car[64] = "";
	enum api_err e;

	/* fields: bookingId, status, reason, notes */
	if ((e = db_begin()) != API_OK)
		return e;
	e = svc_admin_move(c, f[0], f[1], f[2], "booking_status_changed", car);
	return svc_admin_finish(c, e, car, f[0], f[1]);
}

enum api_err
svc_admin_booking_cancel(struct call *c)
{
	const char *const *f = c->req->field;
	char car[64] = "";
	enum api_err e;

	/* fields: bookingId, reason.  Completed or cancelled bookings are
	 * refused by the status machine (400). */
	if ((e = db_begin()) != API_OK)
		return e;
	e = svc_admin_move(c, f[0], "cancelled", f[1] ? f[1] : "Cancelled by admin",
	    "booking_cancelled", car);
	return svc_admin_finish(c, e, car, f[0], "cancelled");
}

enum api_err
svc_admin_cars(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	/* fields: page, limit */
	e = repo_admin_car_list(f[0] ? f[0] : "1", f[1] ? f[1] : "50", &res, &json);
	return svc_answer(c, e, res, json, "No cars");
}

#define SVC_ADMIN_TOP_VIEWED	10

/* The row of the most viewed car not yet taken, or -1. */
static int
svc_admin_next_viewed(const struct counter_car *cars, bool *taken, int n)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!taken[i] && cars[i].views > 0 &&
		    (best < 0 || cars[i].views > cars[best].views))
			best = i;
	}
	if (best >= 0)
		taken[best] = true;
	return best;
}

/* The most viewed visible cars, from the page-view counters: [{id, slug,
 * name, views, visitorsToday}]; empty when Redis is unreachable. */
static struct json_object *
svc_admin_page_views(void)
{
	struct json_object *a = json_object_new_array(), *o;
	struct counter_car *cars;
	struct db_res *res = NULL;
	bool *taken;
	int i, k, n;

	if (repo_admin_visible_cars(&res) != API_OK || (n = db_rows(res)) == 0) {
		db_free(res);
		return a;
	}
	cars = xcalloc((size_t)n, sizeof *cars);
	taken = xcalloc((size_t)n, sizeof *taken);
	for (i = 0; i < n; i++) {
		cars[i].id = db_val(res, i, 0);
		cars[i].slug = db_val(res, i, 1);
	}
	k = counter_cars(cars, (size_t)n) == 0 ? 0 : SVC_ADMIN_TOP_VIEWED;
	for (; k < SVC_ADMIN_TOP_VIEWED; k++) {
		if ((i = svc_admin_next_viewed(cars, taken, n)) < 0)
			break;
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(cars[i].id));
		json_object_object_add(o, "slug", json_object_new_string(cars[i].slug));
		json_object_object_add(o, "name", json_object_new_string(db_val(res, i, 2)));
		json_object_object_add(o, "views", json_object_new_int64(cars[i].views));
		json_object_object_add(o, "visitorsToday",
		    json_object_new_int64(cars[i].visitors_today));
		json_object_array_add(a, o);
	}
	free(taken);
	free(cars);
	db_free(res);
	return a;
}

enum api_err
svc_admin_analytics(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	struct json_object *o;
	enum api_err e = repo_admin_analytics(&res, &json);

	if (e != API_OK || json == NULL ||
	    (o = json_tokener_parse(json)) == NULL)
		return svc_answer(c, e == API_OK ? API_INTERNAL_ERROR : e, res, NULL, NULL);
	db_free(res);
	json_object_object_add(o, "pageViews", svc_admin_page_views());
	json = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	response_raw_json(c->resp, 200, json, strlen(json));
	json_object_put(o);
	return API_OK;
}

/* Fold one violation v into the summary if it is recent enough and
 * matches identifier; returns true if it counted. */
static bool
svc_admin_violation(struct json_object *v, long long since, const char *who,
    struct json_object *by_endpoint, struct json_object *idents,
    struct json_object *list, long long *recent)
{
	struct json_object *f, *count;
	const char *id, *ep;
	long long at;

	if (!json_object_object_get_ex(v, "epoch", &f) ||
	    (at = json_object_get_int64(f)) < since ||
	    !json_object_object_get_ex(v, "identifier", &f))
		return false;
	id = json_object_get_string(f);
	if (who != NULL && strcmp(id, who) != 0)
		return false;
	json_object_object_add(idents, id, json_object_new_boolean(1));
	ep = json_object_object_get_ex(v, "endpoint", &f) ?
	    json_object_get_string(f) : "?";
	count = json_object_object_get_ex(by_endpoint, ep, &f) ?
	    json_object_new_int64(json_object_get_int64(f) + 1) :
	    json_object_new_int64(1);
	json_object_object_add(by_endpoint, ep, count);
	if (at >= (long long)time(NULL) - 300)
		(*recent)++;
	if (json_object_array_length(list) < 100)
		json_object_array_add(list, json_object_get(v));
	return true;
}

/* Rate-limit data lives in Redis: 503 while it is unreachable. */
static enum api_err
svc_admin_rl_down(struct call *c)
{
	c->err_message = "Rate-limit data is unavailable (Redis unreachable)";
	return API_SERVICE_UNAVAILABLE;
}

/* The violations of the last minutes (of identifier who, or all) as
 * {summary{totalViolations, uniqueIdentifiers, byEndpoint,
 * recentViolations}, violations<=100}.  Returns NULL when Redis is
 * unreachable. */
static struct json_object *
svc_admin_violations(long minutes, const char *who)
{
	long long since = (long long)time(NULL) - 60 * minutes;
	long long total = 0, recent = 0;
	struct json_object *o, *sum, *by, *idents, *list, *v;
	char **items = NULL;
	int n, i;

	if ((n = ratelimit_violations(&items)) < 0)
		return NULL;
	by = json_object_new_object();
	idents = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		if ((v = request_json_parse(items[i], strlen(items[i]))) != NULL) {
			total += svc_admin_violation(v, since, who, by, idents, list,
			    &recent);
			json_object_put(v);
		}
		free(items[i]);
	}
	free(items);
	sum = json_object_new_object();
	json_object_object_add(sum, "totalViolations", json_object_new_int64(total));
	json_object_object_add(sum, "uniqueIdentifiers",
	    json_object_new_int(json_object_object_length(idents)));
	json_object_object_add(sum, "byEndpoint", by);
	json_object_object_add(sum, "recentViolations", json_object_new_int64(recent));
	json_object_put(idents);
	o = json_object_new_object();
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "violations", list);
	return o;
}

enum api_err
svc_admin_rate_monitor(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;

	/* fields: minutes, identifier */
	if ((o = svc_admin_violations(f[0] ? atol(f[0]) : 60, f[1])) == NULL)
		return svc_admin_rl_down(c);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_admin_rate_reset(struct call *c)
{
	struct json_object *o;

	/* fields: minutes (unused), identifier */
	if (ratelimit_forget(c->req->field[1]) != 0)
		return svc_admin_rl_down(c);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "cleared", json_object_new_string(
	    c->req->field[1] ? c->req->field[1] : "all violations"));
	response_json(c->resp, 200, o);
	return API_OK;
}

/* Whether s looks like a UUID (8-4-4-4-12 hex digits). */
static bool
svc_admin_is_uuid(const char *s)
{
	size_t i;

	for (i = 0; i < 36; i++) {
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

/* The identity an override names must be an address or a user id. */
static bool
svc_admin_override_id_ok(struct call *c, const char *kind, const char *id)
{
	struct json_object *d;

	if (strcmp(kind, "ip") == 0 ? cidr_is_ip(id) : svc_admin_is_uuid(id))
		return true;
	d = json_object_new_object();
	json_object_object_add(d, "id", json_object_new_string(
	    strcmp(kind, "ip") == 0 ? "Must be an IP address" : "Must be a user id"));
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "fieldErrors", d);
	c->err_message = "Validation failed";
	return false;
}

enum api_err
svc_admin_overrides(struct call *c)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "{\"overrides\":");
	if (ratelimit_overrides(&b) != 0) {
		buf_free(&b);
		return svc_admin_rl_down(c);
	}
	buf_adds(&b, "}");
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}

enum api_err
svc_admin_override_set(struct call *c)
{
	const char *const *f = c->req->field;
	long factor = atol(f[2]), ttl = f[3] ? atol(f[3]) : 86400;
	struct json_object *o;

	/* fields: kind, id, factor, ttlSeconds */
	if (!svc_admin_override_id_ok(c, f[0], f[1]))
		return API_VALIDATION_ERROR;
	if (ratelimit_override_set(f[0], f[1], factor, ttl) != 0)
		return svc_admin_rl_down(c);
	LOG_INFO("rate-limit override %s:%s factor %ld for %ld s by %s", f[0],
	    f[1], factor, ttl, c->req->user_id);
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(f[0]));
	json_object_object_add(o, "id", json_object_new_string(f[1]));
	json_object_object_add(o, "factor", json_object_new_int64(factor));
	json_object_object_add(o, "expiresIn", json_object_new_int64(ttl));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_admin_override_del(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;

	/* fields: kind, id */
	if (ratelimit_override_del(f[0], f[1]) != 0)
		return svc_admin_rl_down(c);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_admin_warm(struct call *c)
{
	const char *const *f = c->req->field;
	struct warm_opts o = {
		.popular_cars = f[0] == NULL || strcmp(f[0], "true") == 0,
		.availability = f[1] == NULL || strcmp(f[1], "true") == 0,
		.fleet = true,
		.limit = f[2] ? atol(f[2]) : 10,
		.days = f[3] ? atol(f[3]) : 7,
	};
	struct json_object *o2 = json_object_new_object();

	/* fields: warmPopularCars, warmUpcomingAvailability, popularCarsLimit,
	 * availabilityDays */
	json_object_object_add(o2, "success", json_object_new_boolean(1));
	json_object_object_add(o2, "metrics", warm_run(&o));
	log_set_trace(c->req->trace_id);	/* the replays set their own */
	response_json(c->resp, 200, o2);
	return API_OK;
}

enum api_err
svc_admin_warm_last(struct call *c)
{
	char *last = warm_last();
	struct buf b;

	if (last == NULL) {
		c->err_message = "No cache warm-up has run yet";
		return API_NOT_FOUND;
	}
	buf_init(&b);
	buf_printf(&b, "{\"success\":true,\"metrics\":%s}", last);
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	free(last);
	return API_OK;
}

/* Today's cache outcomes as {families{f{hit, miss, stale, bypass,
 * hitRatio}}, hitRatio}; a ratio is (hits + stale) / (those + misses),
 * null before any.  NULL when Redis is unreachable. */
static struct json_object *
svc_admin_cache_ratio(void)
{
	static const char *const states[] = { "HIT", "MISS", "STALE", "BYPASS" };
	struct json_object *raw, *fams = json_object_new_object(), *f, *o;
	long long n, all[4] = { 0, 0, 0, 0 };
	char family[64], *colon;
	struct buf b;
	int s;

	buf_init(&b);
	if (counter_cache_today(&b) != 0 || (raw = json_tokener_parse(b.data)) == NULL) {
		buf_free(&b);
		json_object_put(fams);
		return NULL;
	}
	buf_free(&b);
	json_object_object_foreach(raw, k, v) {
		snprintf(family, sizeof family, "%s", k);
		if ((colon = strchr(family, ':')) == NULL)
			continue;
		*colon = '\0';
		for (s = 0; s < 4 && strcmp(colon + 1, states[s]) != 0; s++)
			;
		if (s == 4)
			continue;
		if (!json_object_object_get_ex(fams, family, &f)) {
			f = json_object_new_object();
			json_object_object_add(fams, family, f);
		}
		n = json_object_get_int64(v);
		all[s] += n;
		json_object_object_add(f, s == 0 ? "hit" : s == 1 ? "miss" : s == 2 ?
		    "stale" : "bypass", json_object_new_int64(n));
	}
	json_object_put(raw);
	json_object_object_foreach(fams, name, fam) {
		long long h = 0, m = 0, st = 0;
		struct json_object *x;

		(void)name;
		if (json_object_object_get_ex(fam, "hit", &x)) h = json_object_get_int64(x);
		if (json_object_object_get_ex(fam, "miss", &x)) m = json_object_get_int64(x);
		if (json_object_object_get_ex(fam, "stale", &x)) st = json_object_get_int64(x);
		json_object_object_add(fam, "hitRatio", h + st + m == 0 ? NULL :
		    json_object_new_double((double)(h + st) / (double)(h + st + m)));
	}
	o = json_object_new_object();
	json_object_object_add(o, "families", fams);
	json_object_object_add(o, "hitRatio", all[0] + all[1] + all[2] == 0 ? NULL :
	    json_object_new_double((double)(all[0] + all[2]) /
	    (double)(all[0] + all[1] + all[2])));
	return o;
}

enum api_err
svc_admin_dashboard(struct call *c)
{
	struct json_object *o, *queues, *cache, *rl;
	char ts[40];

	queues = svc_queues_summary(true);
	cache = svc_admin_cache_ratio();
	rl = svc_admin_violations(60, NULL);
	if (queues == NULL || cache == NULL || rl == NULL) {
		json_object_put(queues);
		json_object_put(cache);
		json_object_put(rl);
		c->err_message = "The dashboard's figures are unavailable (Redis unreachable)";
		return API_SERVICE_UNAVAILABLE;
	}
	clock_iso8601(ts, sizeof ts);
	o = json_object_new_object();
	json_object_object_add(o, "generatedAt", json_object_new_string(ts));
	json_object_object_add(o, "queues", queues);
	json_object_object_add(o, "cache", cache);
	json_object_object_add(o, "rateLimits", rl);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_admin_dashboard_page(struct call *c)
{
	struct json_object *d = json_object_new_object();
	char nonce[33], err[256];
	struct buf page;

	rng_hex(nonce, 16);
	json_object_object_add(d, "nonce", json_object_new_string(nonce));
	buf_init(&page);
	if (template_render("dashboard.html", d, MUSTACHE_HTML, &page, err, sizeof err) != 0) {
		LOG_ERR("dashboard page: %s", err);
		json_object_put(d);
		buf_free(&page);
		return API_INTERNAL_ERROR;
	}
	json_object_put(d);
	/* The page holds no data: it fetches /api/admin/dashboard with the
	 * admin's token.  Only its own nonce'd script and style run. */
	response_header(c->resp, "Content-Security-Policy", "default-src 'none'; "
	    "script-src 'nonce-%s'; style-src 'nonce-%s'; connect-src 'self'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'", nonce, nonce);
	response_header(c->resp, "X-Frame-Options", "DENY");
	response_header(c->resp, "Referrer-Policy", "no-referrer");
	response_body(c->resp, 200, "text/html; charset=utf-8", page.data, page.len);
	buf_free(&page);
	return API_OK;
}
