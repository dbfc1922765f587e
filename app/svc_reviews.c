/* svc_reviews.c -- reviews of a car: list, and write one per completed
 * booking. */
#include "config.h"

#include <stdio.h>
#include <string.h>

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
	int all = f[3] != NULL && strcmp(f[3], "true") == 0 &&
	    c->req->role != NULL && strcmp(c->req->role, "admin") == 0;

	/* fields: carId, page, limit, includeUnapproved */
	e = repo_review_list(f[0], f[1] ? f[1] : "1", f[2] ? f[2] : "10", all,
	    &res, &json);
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
	char customer[64], name[256], status[64], details[128];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	/* fields: carId, bookingId, rating, comment */
	if ((e = db_begin()) != API_OK)
		return e;
	e = repo_review_context(c->req->user_id, f[0], f[1], customer,
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
		e = repo_review_insert(f[0], customer, f[1], name, f[2], f[3], &res,
		    &json);
		if (e == API_CONFLICT)
			c->err_message = "This booking has been reviewed already";
	}
	snprintf(details, sizeof details, "{\"rating\":%s}", f[2]);
	if (e == API_OK && (e = repo_booking_event(f[1], "review_submitted",
	    "customer", c->req->user_id, details, "Review submitted")) == API_OK)
		response_raw_json(c->resp, 201, json, strlen(json));
	db_free(res);
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) == API_OK)
		cache_invalidate_reviews(f[0]);
	return e;
}
