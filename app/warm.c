/* warm.c -- fill the cache by replaying requests through the dispatcher. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "clock.h"
#include "db.h"
#include "dispatch.h"
#include "redis.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "warm.h"

#define WARM_LAST_KEY	"warm:v1:last"

/* GET uri as an internal request.  Returns 1 when it answered 200. */
static int
warm_get(const char *uri)
{
	char var[1024];
	char *env[3] = { (char *)"REQUEST_METHOD=GET", var, NULL };
	struct req r;
	struct resp s;
	int ok;

	snprintf(var, sizeof var, "REQUEST_URI=%s", uri);
	request_init(&r);
	response_init(&s);
	r.internal = true;
	dispatch_run(&r, &s, request_begin(&r, env));
	ok = s.status == 200;
	response_free(&s);
	request_free(&r);
	return ok;
}

/* Warm one car: details, and its next days when asked. */
static void
warm_car(const struct warm_opts *o, const char *id, long *warmed, long *errors)
{
	char uri[512], start[16], end[16];
	time_t now = time(NULL), later = now + o->days * 86400;
	struct tm tm;

	snprintf(uri, sizeof uri, "/api/cars/%s", id);
	*(warm_get(uri) ? warmed : errors) += 1;
	if (!o->availability)
		return;
	gmtime_r(&now, &tm);
	strftime(start, sizeof start, "%Y-%m-%d", &tm);
	gmtime_r(&later, &tm);
	strftime(end, sizeof end, "%Y-%m-%d", &tm);
	snprintf(uri, sizeof uri, "/api/cars/availability?carId=%s&startDate=%s"
	    "&endDate=%s", id, start, end);
	*(warm_get(uri) ? warmed : errors) += 1;
}

struct json_object *
warm_run(const struct warm_opts *o)
{
	char started[40], ended[40];
	struct json_object *m = json_object_new_object();
	struct db_res *res = NULL;
	int64_t t0 = clock_mono_us();
	long warmed = 0, errors = 0;
	const char *txt;
	int i, n = 0;

	clock_iso8601(started, sizeof started);
	if (o->fleet)
		*(warm_get("/api/cars") ? &warmed : &errors) += 1;
	if (o->popular_cars) {
		if (repo_admin_popular_cars(o->limit, &res) == API_OK)
			n = db_rows(res);
		else
			errors++;
		for (i = 0; i < n; i++)
			warm_car(o, db_val(res, i, 0), &warmed, &errors);
		db_free(res);
	}
	clock_iso8601(ended, sizeof ended);
	json_object_object_add(m, "startTime", json_object_new_string(started));
	json_object_object_add(m, "endTime", json_object_new_string(ended));
	json_object_object_add(m, "duration",
	    json_object_new_int64((clock_mono_us() - t0) / 1000));
	json_object_object_add(m, "keysWarmed", json_object_new_int64(warmed));
	json_object_object_add(m, "status", json_object_new_string(errors == 0 ?
	    "success" : warmed > 0 ? "partial" : "failed"));
	json_object_object_add(m, "errors", json_object_new_int64(errors));
	txt = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
	(void)redis_cache_set(WARM_LAST_KEY, txt, strlen(txt), 30 * 86400);
	return m;
}

char *
warm_last(void)
{
	char *v = NULL;
	size_t len;

	return redis_get_value(WARM_LAST_KEY, &v, &len) == 1 ? v : NULL;
}
