/* svc_cars.c -- the public catalogue: list, details, availability. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_cars_list(struct call *c)
{
	const char *const *f = c->req->field;
	struct repo_car_query q;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	if (f[CARS_MIN_PRICE] && f[CARS_MAX_PRICE] &&
	    atol(f[CARS_MIN_PRICE]) > atol(f[CARS_MAX_PRICE])) {
		c->err_message = "minPrice must not exceed maxPrice";
		return API_VALIDATION_ERROR;
	}
	q.search = f[CARS_SEARCH];
	q.category = f[CARS_CATEGORY];
	q.min_price = f[CARS_MIN_PRICE];
	q.max_price = f[CARS_MAX_PRICE];
	q.features = f[CARS_FEATURES];
	q.sort_by = f[CARS_SORT_BY] ? f[CARS_SORT_BY] : "featured";
	q.sort_order = f[CARS_SORT_ORDER] ? f[CARS_SORT_ORDER] : "desc";
	q.page = f[CARS_PAGE] ? f[CARS_PAGE] : "1";
	q.limit = f[CARS_LIMIT] ? f[CARS_LIMIT] : "12";
	e = repo_car_list(&q, &res, &json);
	return svc_answer(c, e, res, json, "No cars");
}

enum api_err
svc_cars_get(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_car_get(c->req->field[CARID_CAR], NULL, &res,
	    &json);

	return svc_answer(c, e, res, json, "Car not found");
}

enum api_err
svc_cars_by_slug(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_car_get(NULL, c->req->field[SLUG_SLUG], &res,
	    &json);

	return svc_answer(c, e, res, json, "Car not found");
}

/* Days from a to b (YYYY-MM-DD, already validated). */
static long
svc_cars_days(const char *a, const char *b)
{
	struct tm ta, tb;

	memset(&ta, 0, sizeof ta);
	memset(&tb, 0, sizeof tb);
	strptime(a, "%Y-%m-%d", &ta);
	strptime(b, "%Y-%m-%d", &tb);
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

enum api_err
svc_cars_availability(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	long days = svc_cars_days(f[AVAIL_START], f[AVAIL_END]);
	enum api_err e;

	if (days < 0) {
		c->err_message = "startDate must not be after endDate";
		return API_VALIDATION_ERROR;
	}
	if (days > 365) {
		c->err_message = "The range may span at most 366 days";
		return API_VALIDATION_ERROR;
	}
	e = repo_car_availability(f[AVAIL_CAR], f[AVAIL_START], f[AVAIL_END],
	    &res, &json);
	return svc_answer(c, e, res, json, "Car not found");
}
