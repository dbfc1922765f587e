/* svc_admin.c -- the back office's bookings (list, detail, create, edit,
 * status, cancel) and the full fleet list: thin handlers over booking.h.
 * Every route here is AUTH_ADMIN in the table; each write names its
 * booking, with its status and dates before and after, for the audit
 * row (struct call's audit_*). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "booking.h"
#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

/* The audit row's target of booking id, and one side of its state
 * ({status, startDate, endDate}) into *side (replacing it). */
static void
svc_admin_audit(struct call *c, const char *id, const char *status,
    const char *start, const char *end, struct json_object **side)
{
	char target[80];
	struct json_object *o = json_object_new_object();

	snprintf(target, sizeof target, "booking:%s", id);
	c->audit_target = arena_strdup(&c->req->arena, target);
	if (status != NULL)
		json_object_object_add(o, "status", json_object_new_string(status));
	if (start != NULL && start[0] != '\0')
		json_object_object_add(o, "startDate", json_object_new_string(start));
	if (end != NULL && end[0] != '\0')
		json_object_object_add(o, "endDate", json_object_new_string(end));
	json_object_put(*side);
	*side = o;
}

enum api_err
svc_admin_bookings(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[8];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	p[0] = f[AL_STATUS] ? f[AL_STATUS] : "all";
	p[1] = f[AL_SEARCH];
	p[2] = f[AL_START];
	p[3] = f[AL_END];
	p[4] = f[AL_PAGE] ? f[AL_PAGE] : "1";
	p[5] = f[AL_LIMIT] ? f[AL_LIMIT] : "20";
	p[6] = f[AL_SORT] ? f[AL_SORT] : "created_at";
	p[7] = f[AL_ORDER] ? f[AL_ORDER] : "desc";
	e = repo_admin_booking_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No bookings");
}

enum api_err
svc_admin_booking(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_admin_booking_detail(c->req->field[BI_ID],
	    conf->base_url, &res, &json);

	return svc_answer(c, e, res, json, "Booking not found");
}

/* Answer a move of booking id to to. */
static void
svc_admin_moved(struct call *c, const char *id, const char *to,
    const struct booking_moved *m)
{
	struct json_object *o = json_object_new_object(), *b;

	b = json_object_new_object();
	json_object_object_add(b, "id", json_object_new_string(id));
	json_object_object_add(b, "overall_status", json_object_new_string(to));
	json_object_object_add(b, "previous_status", json_object_new_string(m->from));
	json_object_object_add(o, "booking", b);
	response_json(c->resp, 200, o);
	svc_admin_audit(c, id, m->from, m->start, m->end, &c->audit_before);
	svc_admin_audit(c, id, to, m->start, m->end, &c->audit_after);
}

enum api_err
svc_admin_booking_create(struct call *c)
{
	const char *const *f = c->req->field;
	struct booking_admin_in in = {
		.car = f[AB_CAR], .customer = f[AB_CUSTOMER],
		.first = f[AB_FIRST], .last = f[AB_LAST], .email = f[AB_EMAIL],
		.phone = f[AB_PHONE], .start = f[AB_START], .end = f[AB_END],
		.total = f[AB_TOTAL], .deposit = f[AB_DEPOSIT],
		.notes = f[AB_NOTES], .initial = f[AB_INITIAL],
		.skip_check = f[AB_SKIP] != NULL && strcmp(f[AB_SKIP], "true") == 0,
	};
	struct booking_admin_out out;
	struct json_object *o;
	enum api_err e;

	if ((e = booking_create_admin(c, &in, &out)) != API_OK)
		return e;
	o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_string(out.id));
	json_object_object_add(o, "customerId", json_object_new_string(out.customer));
	json_object_object_add(o, "bookingUrl", json_object_new_string(out.url));
	json_object_object_add(o, "totalPrice",
	    json_object_new_double_s(strtod(out.total, NULL), out.total));
	response_json(c->resp, 201, o);
	svc_admin_audit(c, out.id, in.initial ? in.initial : "pending_payment",
	    in.start, in.end, &c->audit_after);
	return API_OK;
}

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
	    (e = booking_days_free_except(c, f[UB_ID], car, ns, ne)) != API_OK)
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
	/* New dates: a reminder of its own (the old one finds them changed). */
	return e == API_OK ? repo_outbox_reminder(id) : e;
}

enum api_err
svc_admin_booking_update(struct call *c)
{
	const char *const *f = c->req->field;
	const struct booking_actor a = { BOOKING_ADMIN, c->req->user_id };
	char status[64], car[64] = "", start[11], end[11];
	const char *p[11], *changes = NULL;
	struct db_res *res = NULL;
	struct json_object *o, *told;
	struct booking_moved m;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = repo_admin_booking_lock(f[UB_ID], status, sizeof status, car,
	    sizeof car, start, end);
	if (e == API_NOT_FOUND)
		c->err_message = "Booking not found";
	if (e == API_OK)
		svc_admin_audit(c, f[UB_ID], status, start, end, &c->audit_before);
	if (e != API_OK || (e = svc_admin_redate(c, status, car, start, end)) != API_OK)
		goto done;
	p[0] = f[UB_ID];
	p[1] = f[UB_NOTES];
	p[2] = f[UB_ADMIN_NOTES];
	p[3] = f[UB_PICKUP];
	p[4] = f[UB_DROPOFF];
	p[5] = f[UB_START];
	p[6] = f[UB_END];
	p[7] = f[UB_TOTAL];
	p[8] = f[UB_DEPOSIT];
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
		e = booking_move(c, &a, f[UB_ID], f[UB_OVERALL], NULL,
		    "booking_status_changed", &m);
		if (e != API_OK)
			goto done;
	}
	svc_admin_audit(c, f[UB_ID], f[UB_OVERALL] ? f[UB_OVERALL] : status,
	    f[UB_START] ? f[UB_START] : start, f[UB_END] ? f[UB_END] : end,
	    &c->audit_after);
	o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_string(f[UB_ID]));
	json_object_object_add(o, "changes", request_json_parse(changes, strlen(changes)));
	response_json(c->resp, 200, o);
done:
	db_free(res);
	return booking_finish(e, &a, f[UB_ID], car, f[UB_OVERALL], "Cancelled by admin");
}

enum api_err
svc_admin_booking_status(struct call *c)
{
	const struct booking_actor a = { BOOKING_ADMIN, c->req->user_id };
	const char *const *f = c->req->field;
	struct booking_moved m;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = booking_move(c, &a, f[AS_ID], f[AS_STATUS], f[AS_REASON],
	    "booking_status_changed", &m);
	if ((e = booking_finish(e, &a, f[AS_ID], m.car, f[AS_STATUS],
	    f[AS_REASON] ? f[AS_REASON] : "Cancelled by admin")) != API_OK)
		return e;
	svc_admin_moved(c, f[AS_ID], f[AS_STATUS], &m);
	return API_OK;
}

enum api_err
svc_admin_booking_cancel(struct call *c)
{
	const struct booking_actor a = { BOOKING_ADMIN, c->req->user_id };
	const char *const *f = c->req->field;
	struct booking_moved m;
	enum api_err e;

	/* Completed or cancelled bookings are refused by the machine (400). */
	e = booking_cancel(c, &a, f[AC_ID], f[AC_REASON] ? f[AC_REASON] :
	    "Cancelled by admin", &m);
	if (e != API_OK)
		return e;
	svc_admin_moved(c, f[AC_ID], "cancelled", &m);
	return API_OK;
}

enum api_err
svc_admin_cars(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_admin_car_list(f[PG_PAGE] ? f[PG_PAGE] : "1",
	    f[PG_LIMIT] ? f[PG_LIMIT] : "50", &res, &json);
	return svc_answer(c, e, res, json, "No cars");
}
