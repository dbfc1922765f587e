/* booking.c -- the status machine, its effects and cancellation on every
 * path (see booking.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "booking.h"
#include "cache.h"
#include "clock.h"
#include "db.h"
#include "hooks.h"
#include "log.h"
#include "repo.h"
#include "request.h"

#define ANYONE	(BOOKING_CUSTOMER | BOOKING_ADMIN | BOOKING_SYSTEM)

/* The booking status machine (domain.md §4.4).  "failed" is not a status
 * of its own: a failed payment cancels the booking.  A customer may
 * cancel before pickup; the system cancels unpaid holds, moves a paid
 * booking to upcoming and opens disputes.  Order matters: it is the
 * order of error.details.allowedTransitions. */
const struct booking_rule booking_rules[] = {
	{ "pending_customer_action", "pending_payment", BOOKING_ADMIN },
	{ "pending_customer_action", "cancelled", ANYONE },
	{ "pending_payment", "pending_contract", BOOKING_ADMIN },
	{ "pending_payment", "cancelled", ANYONE },
	{ "pending_payment", "upcoming", BOOKING_SYSTEM },
	{ "pending_contract", "upcoming", BOOKING_ADMIN | BOOKING_SYSTEM },
	{ "pending_contract", "cancelled", ANYONE },
	{ "upcoming", "active", BOOKING_ADMIN },
	{ "upcoming", "cancelled", ANYONE },
	{ "active", "post_rental_finalization", BOOKING_ADMIN },
	{ "active", "disputed", BOOKING_ADMIN | BOOKING_SYSTEM },
	{ "post_rental_finalization", "completed", BOOKING_ADMIN },
	{ "post_rental_finalization", "disputed", BOOKING_ADMIN | BOOKING_SYSTEM },
	{ "completed", "disputed", BOOKING_ADMIN | BOOKING_SYSTEM },
	{ "disputed", "completed", BOOKING_ADMIN },
	{ "disputed", "cancelled", BOOKING_ADMIN },
};
const size_t booking_nrules = sizeof booking_rules / sizeof booking_rules[0];

const char *
booking_actor_name(const struct booking_actor *a)
{
	return a->who == BOOKING_CUSTOMER ? "customer" :
	    a->who == BOOKING_ADMIN ? "admin" : "system";
}

bool
booking_can_move(const char *from, const char *to, unsigned who)
{
	size_t i;

	for (i = 0; i < booking_nrules; i++) {
		if (strcmp(booking_rules[i].from, from) == 0 &&
		    strcmp(booking_rules[i].to, to) == 0)
			return (booking_rules[i].who & who) != 0;
	}
	return false;
}

struct json_object *
booking_moves_from(const char *from, unsigned who)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < booking_nrules; i++) {
		if (strcmp(booking_rules[i].from, from) == 0 &&
		    (booking_rules[i].who & who) != 0)
			json_object_array_add(a,
			    json_object_new_string(booking_rules[i].to));
	}
	return a;
}

/* The effects of cancelling booking id (from status from), in the
 * caller's transaction: days released, event, email, webhook. */
static enum api_err
booking_cancel_effects(const struct booking_actor *a, const char *id,
    const char *from, const char *reason, const char *event)
{
	struct json_object *d;
	char dedupe[96], payload[160];
	enum api_err e;

	snprintf(dedupe, sizeof dedupe, "booking_cancellation:%s", id);
	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\",\"actor\":\"%s\"}",
	    id, booking_actor_name(a));
	d = json_object_new_object();
	json_object_object_add(d, "from", json_object_new_string(from));
	json_object_object_add(d, "to", json_object_new_string("cancelled"));
	json_object_object_add(d, "previous_status", json_object_new_string(from));
	json_object_object_add(d, "actor", json_object_new_string(booking_actor_name(a)));
	if (reason != NULL)
		json_object_object_add(d, "reason", json_object_new_string(reason));
	if ((e = repo_booking_set_cancelled(id)) == API_OK &&
	    (e = repo_booking_event(id, event, booking_actor_name(a), a->id,
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
	    reason ? reason : "Booking cancelled")) == API_OK &&
	    (e = repo_outbox_add("email", "booking_cancellation", payload,
	    dedupe)) == API_OK)
		e = hooks_event("booking.cancelled", id);
	json_object_put(d);
	return e;
}

/* The effects of entering status to (other than cancelled) on the days. */
static enum api_err
booking_effects(const char *id, const char *from, const char *to,
    const char *car, const char *start, const char *end, const char *reason)
{
	if (strcmp(to, "active") == 0 || (strcmp(to, "upcoming") == 0 &&
	    strcmp(from, "active") != 0))
		return repo_admin_booking_book_days(id, car, start, end);
	if (strcmp(to, "completed") == 0)
		return repo_admin_booking_release_after_today(id);
	if (strcmp(to, "disputed") == 0)
		return repo_admin_booking_dispute(id, reason);
	return API_OK;
}

/* 400 for a move the machine refuses. */
static enum api_err
booking_refused(struct call *c, const struct booking_actor *a,
    const char *from, const char *to)
{
	if (c == NULL)
		return API_INVALID_REQUEST;
	if (a->who == BOOKING_CUSTOMER) {
		c->err_message = "This booking can no longer be cancelled";
		return API_INVALID_REQUEST;
	}
	c->err_message = "Invalid status transition";
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "from", json_object_new_string(from));
	json_object_object_add(c->err_details, "to", json_object_new_string(to));
	json_object_object_add(c->err_details, "allowedTransitions",
	    booking_moves_from(from, a->who));
	return API_INVALID_REQUEST;
}

enum api_err
booking_move(struct call *c, const struct booking_actor *a, const char *id,
    const char *to, const char *reason, const char *event,
    struct booking_moved *m)
{
	struct json_object *d;
	enum api_err e;

	memset(m, 0, sizeof *m);
	if (a->who == BOOKING_CUSTOMER)
		e = repo_booking_cancel_own(a->id, id, m->car, sizeof m->car,
		    m->from, sizeof m->from);
	else
		e = repo_admin_booking_lock(id, m->from, sizeof m->from, m->car,
		    sizeof m->car, m->start, m->end);
	if (e == API_NOT_FOUND && c != NULL)
		c->err_message = "Booking not found";
	if (e != API_OK)
		return e;
	if (!booking_can_move(m->from, to, a->who))
		return booking_refused(c, a, m->from, to);
	if (strcmp(to, "cancelled") == 0)
		return booking_cancel_effects(a, id, m->from, reason, event);
	if ((e = repo_admin_booking_status(id, to)) != API_OK ||
	    (e = booking_effects(id, m->from, to, m->car, m->start, m->end,
	    reason)) != API_OK || (e = repo_outbox_reminder(id)) != API_OK)
		return e;
	d = json_object_new_object();
	json_object_object_add(d, "from", json_object_new_string(m->from));
	json_object_object_add(d, "to", json_object_new_string(to));
	if (reason != NULL)
		json_object_object_add(d, "reason", json_object_new_string(reason));
	e = repo_booking_event(id, event, booking_actor_name(a), a->id,
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
	    a->who == BOOKING_ADMIN ? "Status changed by admin" : "Status changed");
	json_object_put(d);
	return e;
}

enum api_err
booking_finish(enum api_err e, const struct booking_actor *a, const char *id,
    const char *car, const char *to, const char *reason)
{
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) != API_OK)
		return e;
	if (car != NULL && car[0] != '\0')
		cache_invalidate_availability(car);
	if (to != NULL && strcmp(to, "cancelled") == 0)
		(void)booking_settle(id, a, reason);
	return API_OK;
}

enum api_err
booking_cancel(struct call *c, const struct booking_actor *a, const char *id,
    const char *reason, struct booking_moved *m)
{
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = booking_move(c, a, id, "cancelled", reason, "booking_cancelled", m);
	return booking_finish(e, a, id, m->car, "cancelled", reason);
}

/* now + seconds as ISO 8601 UTC into out. */
static void
booking_time(int64_t seconds, char *out, size_t len)
{
	time_t t = (time_t)(clock_wall_ms() / 1000 + seconds);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
booking_hold_deadline(long minutes, char *out, size_t len)
{
	booking_time((int64_t)minutes * 60, out, len);
}

enum api_err
booking_expire_holds(long limit, long *count)
{
	static const struct booking_actor sys = { BOOKING_SYSTEM, NULL };
	struct db_res *res = NULL;
	char now[40], car[64], id[64], status[40];
	enum api_err e, failed = API_OK;
	int i, n;

	*count = 0;
	booking_time(0, now, sizeof now);
	if ((e = repo_booking_holds_due(now, limit, &res)) != API_OK)
		return e;
	n = db_rows(res);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%s", db_val(res, i, 0));
		if ((failed = db_begin()) != API_OK)
			break;
		/* Paid or cancelled meanwhile: not ours to cancel any more. */
		e = repo_booking_hold_lapsed(id, now, status, sizeof status, car,
		    sizeof car);
		if (e == API_NOT_FOUND) {
			db_rollback();
			continue;
		}
		if (e == API_OK && !booking_can_move(status, "cancelled",
		    BOOKING_SYSTEM))
			e = API_INVALID_REQUEST;
		if (e == API_OK)
			e = booking_cancel_effects(&sys, id, status,
			    "Unpaid hold expired", "hold_expired");
		if (booking_finish(e, &sys, id, car, "cancelled",
		    "Unpaid hold expired") == API_OK)
			(*count)++;
		else
			LOG_WARN("hold of booking %s not expired: %s", id,
			    apierr_code(e));
	}
	db_free(res);
	return failed;
}
