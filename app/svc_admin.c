/* svc_admin.c -- the back office: bookings (list, detail, status, cancel)
 * and the full fleet.  Every route here is AUTH_ADMIN in the table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

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

static enum api_err
svc_admin_answer(struct call *c, enum api_err e, struct db_res *res,
    const char *json, const char *missing)
{
	if (e == API_OK && json == NULL)
		e = API_NOT_FOUND;
	if (e == API_OK)
		response_raw_json(c->resp, 200, json, strlen(json));
	else if (e == API_NOT_FOUND)
		c->err_message = missing;
	db_free(res);
	return e;
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
	return svc_admin_answer(c, e, res, json, "No bookings");
}

enum api_err
svc_admin_booking(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_admin_booking_detail(c->req->field[0],
	    conf->base_url, &res, &json);

	return svc_admin_answer(c, e, res, json, "Booking not found");
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
		if (repo_booking_set_cancelled(id) != API_OK)
			return API_DATABASE_ERROR;
		return repo_outbox_add("email", "booking_cancellation", payload,
		    dedupe);
	}
	return API_OK;
}

/* Move booking id to status to, checked against the machine; logs
 * booking_status_changed (or booking_cancelled when event says so). */
static enum api_err
svc_admin_move(struct call *c, const char *id, const char *to,
    const char *reason, const char *event)
{
	char from[64], car[64], start[11], end[11];
	struct json_object *d, *o, *b;
	enum api_err e;
	int ok;

	e = repo_admin_booking_lock(id, from, sizeof from, car, sizeof car, start, end);
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

enum api_err
svc_admin_booking_status(struct call *c)
{
	const char *const *f = c->req->field;
	enum api_err e;

	/* fields: bookingId, status, reason, notes */
	if ((e = db_begin()) != API_OK)
		return e;
	e = svc_admin_move(c, f[0], f[1], f[2], "booking_status_changed");
	if (e == API_OK)
		return db_commit();
	db_rollback();
	return e;
}

enum api_err
svc_admin_booking_cancel(struct call *c)
{
	const char *const *f = c->req->field;
	enum api_err e;

	/* fields: bookingId, reason.  Completed or cancelled bookings are
	 * refused by the status machine (400). */
	if ((e = db_begin()) != API_OK)
		return e;
	e = svc_admin_move(c, f[0], "cancelled", f[1] ? f[1] : "Cancelled by admin",
	    "booking_cancelled");
	if (e == API_OK)
		return db_commit();
	db_rollback();
	return e;
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
	return svc_admin_answer(c, e, res, json, "No cars");
}

enum api_err
svc_admin_analytics(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_admin_analytics(&res, &json);

	return svc_admin_answer(c, e, res, json, "No data");
}
