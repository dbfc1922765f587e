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
	const char *p[9];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	/* fields: search, category, minPrice, maxPrice, features, sortBy,
	 * sortOrder, page, limit */
	memcpy(p, f, sizeof p);
	p[5] = f[5] ? f[5] : "featured";
	p[6] = f[6] ? f[6] : "desc";
	p[7] = f[7] ? f[7] : "1";
	p[8] = f[8] ? f[8] : "12";
	if (f[2] && f[3] && atol(f[2]) > atol(f[3])) {
		c->err_message = "minPrice must not exceed maxPrice";
		return API_VALIDATION_ERROR;
	}
	e = repo_car_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No cars");
}

enum api_err
svc_cars_get(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_car_get(c->req->field[0], NULL, &res, &json);

	return svc_answer(c, e, res, json, "Car not found");
}

enum api_err
svc_cars_by_slug(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_car_get(NULL, c->req->field[0], &res, &json);

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
	long days = svc_cars_days(f[1], f[2]);
	enum api_err e;

	/* fields: carId, startDate, endDate */
	if (days < 0) {
		c->err_message = "startDate must not be after endDate";
		return API_VALIDATION_ERROR;
	}
	if (days > 365) {
		c->err_message = "The range may span at most 366 days";
		return API_VALIDATION_ERROR;
	}
	e = repo_car_availability(f[0], f[1], f[2], &res, &json);
	return svc_answer(c, e, res, json, "Car not found");
}
