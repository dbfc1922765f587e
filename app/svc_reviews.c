/* svc_reviews.c -- reviews of a car: the public list, a customer's review
 * of a completed booking, and moderation.
 *
 * Moderation rule.  A review is pending when written, and only approved
 * reviews are public and count in the car's average_rating and
 * review_count (the rating trigger of car_reviews keeps them).  Moderators
 * may approve a pending or rejected review, reject (unpublish) a pending or
 * approved one, respond for the business and withdraw the response, and
 * delete a review.  Approving an approved review changes nothing;
 * rejecting a rejected one replaces its reason.  A deleted review is kept
 * for the record (moderators still read it) and takes no further move:
 * each one is 409.  Every change invalidates the car's cache families
 * (reviews, car and fleet) once committed. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "cache.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_reviews_list(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;
	/* Unapproved reviews only for admins who ask for them. */
	int all = f[REVIEWS_UNAPPROVED] != NULL &&
	    strcmp(f[REVIEWS_UNAPPROVED], "true") == 0 &&
	    c->req->role != NULL && strcmp(c->req->role, "admin") == 0;

	e = repo_review_list(f[REVIEWS_CAR],
	    f[REVIEWS_PAGE] ? f[REVIEWS_PAGE] : "1",
	    f[REVIEWS_LIMIT] ? f[REVIEWS_LIMIT] : "10", all, &res, &json);
	if (e == API_OK)
		response_raw_json(c->resp, 200, json, strlen(json));
	else if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	db_free(res);
	return e;
}

enum api_err
svc_reviews_create(struct call *c)
{
	const char *const *f = c->req->field;
	const char *car = f[REVIEW_NEW_CAR], *booking = f[REVIEW_NEW_BOOKING];
	char customer[64], name[256], status[64], details[128];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = repo_review_context(c->req->user_id, car, booking, customer,
	    sizeof customer, name, sizeof name, status, sizeof status);
	if (e == API_FORBIDDEN) {
		e = API_NOT_FOUND;
		c->err_message = "Customer not found";
	} else if (e == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_OK && strcmp(status, "completed") != 0) {
		e = API_INVALID_REQUEST;
		c->err_message = "Only completed bookings can be reviewed";
	}
	if (e == API_OK && strlen(name) < 2)
		snprintf(name, sizeof name, "Verified customer");
	if (e == API_OK) {
		e = repo_review_insert(car, customer, booking, name,
		    f[REVIEW_NEW_RATING], f[REVIEW_NEW_COMMENT], &res, &json);
		if (e == API_CONFLICT)
			c->err_message = "This booking has been reviewed already";
	}
	snprintf(details, sizeof details, "{\"rating\":%s}",
	    f[REVIEW_NEW_RATING]);
	if (e == API_OK && (e = repo_booking_event(booking, "review_submitted",
	    "customer", c->req->user_id, details, "Review submitted")) == API_OK)
		response_raw_json(c->resp, 201, json, strlen(json));
	db_free(res);
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) == API_OK)
		cache_invalidate_reviews(car);
	return e;
}

enum api_err
svc_reviews_admin_list(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_review_admin_list(f[REVIEW_ADMIN_STATUS], f[REVIEW_ADMIN_CAR],
	    f[REVIEW_ADMIN_PAGE] ? f[REVIEW_ADMIN_PAGE] : "1",
	    f[REVIEW_ADMIN_LIMIT] ? f[REVIEW_ADMIN_LIMIT] : "20", &res, &json);
	return svc_answer(c, e, res, json, "Car not found");
}

/* Answer 200 {success, review} with review (taken). */
static void
svc_reviews_answer(struct call *c, struct json_object *review)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "review", review);
	response_json(c->resp, 200, o);
}

enum api_err
svc_reviews_admin_get(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	struct json_object *o = NULL;
	enum api_err e;

	e = repo_review_admin_get(c->req->field[REVIEW_ID], &res, &json);
	if (e == API_OK && (o = json_tokener_parse(json)) == NULL)
		e = API_INTERNAL_ERROR;
	db_free(res);
	if (e == API_NOT_FOUND)
		c->err_message = "Review not found";
	if (e != API_OK)
		return e;
	svc_reviews_answer(c, o);
	return API_OK;
}

/* May move m be made on a review in state st?  API_OK with *apply false
 * when it would change nothing; API_CONFLICT (a deleted review) or
 * API_NOT_FOUND (no response to withdraw) with *why. */
static enum api_err
svc_reviews_verdict(const struct review_state *st, enum review_move m,
    bool *apply, const char **why)
{
	*apply = true;
	if (strcmp(st->status, "deleted") == 0) {
		*why = "The review was deleted; it can no longer be changed";
		return API_CONFLICT;
	}
	switch (m) {
	case REVIEW_APPROVE:
		*apply = strcmp(st->status, "approved") != 0;
		break;
	case REVIEW_UNRESPOND:
		if (!st->responded) {
			*why = "The review has no response";
			return API_NOT_FOUND;
		}
		break;
	case REVIEW_REJECT:
	case REVIEW_DELETE:
	case REVIEW_RESPOND:
		break;
	}
	return API_OK;
}

/* The booking event of an approval or rejection of a review of booking. */
static enum api_err
svc_reviews_event(struct call *c, const char *booking, const char *id,
    enum review_move m, const char *reason)
{
	struct json_object *d;
	enum api_err e;

	if (booking[0] == '\0' || (m != REVIEW_APPROVE && m != REVIEW_REJECT))
		return API_OK;
	d = json_object_new_object();
	json_object_object_add(d, "reviewId", json_object_new_string(id));
	if (reason != NULL)
		json_object_object_add(d, "reason", json_object_new_string(reason));
	e = repo_booking_event(booking,
	    m == REVIEW_APPROVE ? "review_approved" : "review_rejected", "admin",
	    c->req->user_id,
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
	    m == REVIEW_APPROVE ? "Review approved" : "Review rejected");
	json_object_put(d);
	return e;
}

/* The review id as moderators see it, parsed (NULL on failure). */
static enum api_err
svc_reviews_doc(const char *id, struct json_object **out)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	*out = NULL;
	e = repo_review_admin_get(id, &res, &json);
	if (e == API_OK && (*out = json_tokener_parse(json)) == NULL)
		e = API_INTERNAL_ERROR;
	db_free(res);
	return e;
}

/* Make move m (text: the reason or the response) on review id, in one
 * transaction under the review's row lock; answer with the review after
 * it and describe the change for the audit log (review:<id>, before,
 * after). */
static enum api_err
svc_reviews_moderate(struct call *c, const char *id, enum review_move m,
    const char *text)
{
	struct review_state st;
	struct json_object *before = NULL, *after = NULL;
	char target[64];
	const char *why = NULL;
	bool apply = false;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = repo_review_lock(id, &st);
	if (e == API_NOT_FOUND)
		why = "Review not found";
	if (e == API_OK)
		e = svc_reviews_verdict(&st, m, &apply, &why);
	if (e == API_OK)
		e = svc_reviews_doc(id, &before);
	if (e == API_OK && apply) {
		switch (m) {
		case REVIEW_APPROVE:
		case REVIEW_REJECT:
		case REVIEW_DELETE:
			e = repo_review_set(id, m, c->req->user_id, text);
			break;
		case REVIEW_RESPOND:
			e = repo_review_respond(id, c->req->user_id, text);
			break;
		case REVIEW_UNRESPOND:
			e = repo_review_unrespond(id);
			break;
		}
		if (e == API_OK)
			e = svc_reviews_event(c, st.booking, id, m, text);
	}
	if (e == API_OK)
		e = svc_reviews_doc(id, &after);
	if (e == API_OK)
		e = db_commit();
	else
		db_rollback();
	if (e != API_OK) {
		c->err_message = why;
		json_object_put(before);
		json_object_put(after);
		return e;
	}
	if (apply) {
		cache_invalidate_reviews(st.car);
		cache_invalidate_car(st.car);
	}
	/* The audit row (every admin write has one, a move that changed
	 * nothing too: its states before and after are then the same). */
	snprintf(target, sizeof target, "review:%s", id);
	c->audit_target = arena_strdup(&c->req->arena, target);
	c->audit_before = before;
	c->audit_after = json_object_get(after);
	svc_reviews_answer(c, after);
	return API_OK;
}

enum api_err
svc_reviews_approve(struct call *c)
{
	return svc_reviews_moderate(c, c->req->field[REVIEW_ID], REVIEW_APPROVE,
	    NULL);
}

enum api_err
svc_reviews_reject(struct call *c)
{
	return svc_reviews_moderate(c, c->req->field[REVIEW_REJECT_ID],
	    REVIEW_REJECT, c->req->field[REVIEW_REJECT_REASON]);
}

enum api_err
svc_reviews_respond(struct call *c)
{
	return svc_reviews_moderate(c, c->req->field[REVIEW_RESPOND_ID],
	    REVIEW_RESPOND, c->req->field[REVIEW_RESPOND_TEXT]);
}

enum api_err
svc_reviews_unrespond(struct call *c)
{
	return svc_reviews_moderate(c, c->req->field[REVIEW_ID],
	    REVIEW_UNRESPOND, NULL);
}

enum api_err
svc_reviews_delete(struct call *c)
{
	return svc_reviews_moderate(c, c->req->field[REVIEW_ID], REVIEW_DELETE,
	    NULL);
}
