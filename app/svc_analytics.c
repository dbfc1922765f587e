/* svc_analytics.c -- the back office's figures: analytics with page
 * views, the operations dashboard (queues, cache hit ratio, rate limits)
 * and its page, and cache warm-up.  Every route here but the page is
 * AUTH_ADMIN in the table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "clock.h"
#include "counter.h"
#include "db.h"
#include "log.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"
#include "svc.h"
#include "template.h"
#include "warm.h"
#include "xmalloc.h"

#define SVC_ANALYTICS_TOP_VIEWED	10

/* The row of the most viewed car not yet taken, or -1. */
/* A ratio as a JSON number with four decimals (0.9731), not 17 digits. */
static struct json_object *
analytics_ratio(double v)
{
	char text[32];

	return json_object_new_double_s(v, buf_decimal(v, 4, text, sizeof text));
}

static int
svc_analytics_next_viewed(const struct counter_car *cars, bool *taken, int n)
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
svc_analytics_page_views(void)
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
	k = counter_cars(cars, (size_t)n) == 0 ? 0 : SVC_ANALYTICS_TOP_VIEWED;
	for (; k < SVC_ANALYTICS_TOP_VIEWED; k++) {
		if ((i = svc_analytics_next_viewed(cars, taken, n)) < 0)
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
svc_analytics_get(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	struct json_object *o;
	enum api_err e = repo_admin_analytics(&res, &json);

	if (e != API_OK || json == NULL ||
	    (o = json_tokener_parse(json)) == NULL)
		return svc_answer(c, e == API_OK ? API_INTERNAL_ERROR : e, res, NULL, NULL);
	db_free(res);
	json_object_object_add(o, "pageViews", svc_analytics_page_views());
	json = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	response_raw_json(c->resp, 200, json, strlen(json));
	json_object_put(o);
	return API_OK;
}

enum api_err
svc_analytics_warm(struct call *c)
{
	const char *const *f = c->req->field;
	struct warm_opts o = {
		.popular_cars = f[WM_POPULAR] == NULL ||
		    strcmp(f[WM_POPULAR], "true") == 0,
		.availability = f[WM_AVAILABILITY] == NULL ||
		    strcmp(f[WM_AVAILABILITY], "true") == 0,
		.fleet = true,
		.limit = f[WM_LIMIT] ? atol(f[WM_LIMIT]) : 10,
		.days = f[WM_DAYS] ? atol(f[WM_DAYS]) : 7,
	};
	struct json_object *o2 = json_object_new_object();

	json_object_object_add(o2, "success", json_object_new_boolean(1));
	json_object_object_add(o2, "metrics", warm_run(&o));
	log_set_trace(c->req->trace_id);	/* the replays set their own */
	response_json(c->resp, 200, o2);
	return API_OK;
}

enum api_err
svc_analytics_warm_last(struct call *c)
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
svc_analytics_cache_ratio(void)
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
		    analytics_ratio((double)(h + st) / (double)(h + st + m)));
	}
	o = json_object_new_object();
	json_object_object_add(o, "families", fams);
	json_object_object_add(o, "hitRatio", all[0] + all[1] + all[2] == 0 ? NULL :
	    analytics_ratio((double)(all[0] + all[2]) /
	    (double)(all[0] + all[1] + all[2])));
	return o;
}

enum api_err
svc_analytics_dashboard(struct call *c)
{
	struct json_object *o, *queues, *cache, *rl;
	char ts[40];

	queues = svc_queues_summary(true);
	cache = svc_analytics_cache_ratio();
	rl = svc_ratelimits_violations(60, NULL);
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
svc_analytics_dashboard_page(struct call *c)
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
