/* dispatch.c -- the one place where route policy is applied and where an
 * error value becomes an HTTP response. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "auth.h"
#include "buf.h"
#include "cache.h"
#include "conf.h"
#include "counter.h"
#include "db.h"
#include "dispatch.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "redis.h"
#include "repo.h"
#include "request.h"
#include "response.h"

#define CORS_ALLOW_HEADERS \
	"Authorization, Content-Type, Idempotency-Key, X-Trace-Id, X-Request-Id, " \
	"If-None-Match"
#define CORS_EXPOSE_HEADERS \
	"X-Trace-Id, X-Response-Time, X-Cache, X-RateLimit-Limit, " \
	"X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit-Policy, RateLimit, " \
	"Retry-After, ETag"

/* Write the methods of mask as "GET, HEAD, OPTIONS" into b. */
static void
dispatch_allow_list(unsigned mask, struct buf *b)
{
	enum http_method m;

	for (m = METHOD_GET; m < METHOD_OTHER; m++) {
		if (!(mask & (1u << m)))
			continue;
		if (b->len > 0)
			buf_adds(b, ", ");
		buf_adds(b, route_method_name(m));
	}
}

/* Add the CORS headers of an allowed Origin to any response. */
static void
dispatch_cors(struct req *r, struct resp *s)
{
	const char *origin = request_header(r, "Origin");

	if (origin == NULL || !conf_cors_allowed(conf, origin))
		return;
	response_header(s, "Access-Control-Allow-Origin", "%s", origin);
	response_header(s, "Vary", "Origin");
	response_header(s, "Access-Control-Expose-Headers", "%s",
	    CORS_EXPOSE_HEADERS);
}

/* Answer OPTIONS on a known path: Allow, and a CORS preflight answer when
 * the Origin is allowed. */
static void
dispatch_options(struct req *r, struct resp *s, const char *allow)
{
	const char *origin = request_header(r, "Origin");

	response_header(s, "Allow", "%s", allow);
	if (origin != NULL && conf_cors_allowed(conf, origin)) {
		response_header(s, "Access-Control-Allow-Methods", "%s", allow);
		response_header(s, "Access-Control-Allow-Headers", "%s",
		    CORS_ALLOW_HEADERS);
		response_header(s, "Access-Control-Max-Age", "%ld",
		    conf->cors_max_age);
	}
	response_empty(s, 204);
}

/* Deny by default: a route is reachable without credentials only if it
 * says AUTH_NONE.  Credential checks belong here and nowhere else. */
static enum api_err
dispatch_auth(struct call *c)
{
	enum api_err e;

	switch (c->route->auth) {
	case AUTH_NONE:
		return API_OK;
	case AUTH_OPTIONAL:
		e = auth_identify(c->req, &c->err_message);
		return e == API_AUTH_REQUIRED ? API_OK : e;
	case AUTH_CUSTOMER:
		return auth_identify(c->req, &c->err_message);
	case AUTH_ADMIN:
		if ((e = auth_identify(c->req, &c->err_message)) != API_OK)
			return e;
		if (strcmp(c->req->role, "admin") != 0) {
			c->err_message = "Forbidden - Admin access required";
			return API_FORBIDDEN;
		}
		return API_OK;
	case AUTH_CRON:
		return auth_shared_secret(c->req, conf->cron_secret, &c->err_message);
	case AUTH_SIGNATURE:		/* route->verify, once the body is read */
		return c->route->verify != NULL ? API_OK : API_AUTH_REQUIRED;
	case AUTH_INTERNAL:
	case AUTH__UNSET:
		break;
	}
	return API_AUTH_REQUIRED;
}

/* Headers of a limited answer; 429 with Retry-After when the tier is
 * spent. */
static enum api_err
dispatch_rate_verdict(struct call *c, const struct ratelimit_verdict *v)
{
	if (!v->applied)
		return API_OK;
	response_rate_headers(c->resp, v->policy, v->limit, v->window,
	    v->remaining, v->reset);
	metrics_rate((int)c->route->rate, v->allowed);
	if (v->allowed)
		return API_OK;
	ratelimit_record(c->req, c->route->rate, c->route->path);
	c->retry_after = v->retry_after > 0 ? v->retry_after : 1;
	if (c->err_details != NULL)
		json_object_put(c->err_details);
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "retryAfter",
	    json_object_new_int64(c->retry_after));
	return API_RATE_LIMITED;
}

/* Charge the route's rate tier and, when p is given, look the answer up
 * in the cache: both in one Redis round trip.  Sets *hit when the cache
 * answered.  The cache warmer is not a client and is not charged. */
static enum api_err
dispatch_rate(struct call *c, struct cache_plan *p, bool *hit)
{
	struct ratelimit_verdict v;
	struct redis_call call[2];
	int n = 0, rl = -1, ca = -1;
	enum api_err err;

	*hit = false;
	memset(&v, 0, sizeof v);
	if (!c->req->internal &&
	    ratelimit_begin(c->req, c->route->rate, &v, &call[n]))
		rl = n++;
	if (p != NULL && cache_begin(p, &call[n]))
		ca = n++;
	(void)redis_run(call, n);
	if (rl >= 0)
		ratelimit_end(c->route->rate, &v, &call[rl]);
	if ((err = dispatch_rate_verdict(c, &v)) != API_OK) {
		if (ca >= 0)
			redis_call_free(&call[ca]);
		return err;
	}
	if (p != NULL)
		*hit = cache_end(c, p, ca >= 0 ? &call[ca] : NULL);
	return API_OK;
}

/* An admin's "Cache-Control: no-cache" skips the cache for that request. */
static void
dispatch_cache_bypass(struct call *c, struct cache_plan *p)
{
	const char *cc = c->req->var[REQ_VAR_CACHE_CONTROL];
	const char *why = NULL;

	if (!p->use || p->bypass || cc == NULL || strstr(cc, "no-cache") == NULL)
		return;
	if (c->req->role == NULL && auth_identify(c->req, &why) != API_OK)
		return;
	if (c->req->role != NULL && strcmp(c->req->role, "admin") == 0)
		p->bypass = true;
}

/* A method the path does not serve: when the path's routes answer errors
 * in a shape of their own (tRPC), let its GET or POST route render the
 * 405, with the path's parameters. */
static void
dispatch_error_shape(struct call *c, const struct route *table, size_t n)
{
	static const enum http_method try[] = { METHOD_GET, METHOD_POST };
	struct req *r = c->req;
	const struct route *rt;
	char *scratch = arena_alloc(&r->arena, strlen(r->path) + 1);
	unsigned mask;
	size_t i;

	for (i = 0; i < sizeof try / sizeof try[0]; i++) {
		if (route_match(table, n, try[i], r->path, scratch, &rt, r->params,
		    &r->nparams, &mask) == ROUTE_FOUND && rt->render_error != NULL) {
			c->route = rt;
			return;
		}
	}
	r->nparams = 0;
}

/* Route, apply policy, run the handler.  Returns the error to render. */
static enum api_err
dispatch_call(struct call *c, struct buf *allow)
{
	struct req *r = c->req;
	struct cache_plan plan;
	const struct route *table;
	enum route_match m;
	enum api_err err;
	unsigned mask;
	char *scratch;
	size_t n;
	bool hit;

	if (r->body_too_large) {
		c->err_message = "Request body too large";
		return API_PAYLOAD_TOO_LARGE;
	}
	scratch = arena_alloc(&r->arena, strlen(r->path) + 1);
	table = route_served(&n);
	m = route_match(table, n, r->method, r->path, scratch, &c->route,
	    r->params, &r->nparams, &mask);
	if (m == ROUTE_NO_PATH)
		return API_NOT_FOUND;
	dispatch_allow_list(mask, allow);
	if (m == ROUTE_NO_METHOD && r->method == METHOD_OPTIONS) {
		dispatch_options(r, c->resp, allow->data);
		return API_OK;
	}
	if (m == ROUTE_NO_METHOD) {
		response_header(c->resp, "Allow", "%s", allow->data);
		dispatch_error_shape(c, table, n);
		return API_METHOD_NOT_ALLOWED;
	}
	if (r->body_len > (size_t)conf->max_body_bytes &&
	    c->route->input->body != BODY_MULTIPART) {
		c->err_message = "Request body too large";
		return API_PAYLOAD_TOO_LARGE;
	}
	/* Catalogue reads (cacheable GETs) may go to the read replica. */
	db_reads(c->route->method == METHOD_GET && c->route->cache != CACHE_NONE);
	if ((err = dispatch_auth(c)) != API_OK)
		return err;
	if ((err = request_parse_body(r, c->route->input,
	    &c->err_message)) != API_OK)
		return err;
	if ((err = request_validate(r, c->route, &c->err_details)) != API_OK) {
		/* Malformed requests are charged too. */
		return dispatch_rate(c, NULL, &hit) != API_OK ? API_RATE_LIMITED :
		    err;
	}
	c->resp->cache = c->route->cache;
	cache_plan(c, &plan);
	dispatch_cache_bypass(c, &plan);
	if (plan.use)	/* the web server may compress it */
		response_header(c->resp, "Vary", "Accept-Encoding");
	if ((err = dispatch_rate(c, &plan, &hit)) != API_OK)
		return err;
	if (hit) {
		(void)response_not_modified(c->resp, request_header(r, "If-None-Match"));
		return API_OK;
	}
	if (c->route->auth == AUTH_SIGNATURE && (err = c->route->verify(c)) != API_OK)
		return err;
	err = c->route->handler(c);
	if (cache_done(c, &plan, err)) {
		LOG_WARN("served a stale answer: %s", apierr_code(err));
		if (c->err_details != NULL)
			json_object_put(c->err_details);
		c->err_details = NULL;
		c->err_message = NULL;
		err = API_OK;
	}
	if (err == API_OK)
		(void)response_not_modified(c->resp, request_header(r, "If-None-Match"));
	return err;
}

/* Count a page view of the car a views route names (its carId or slug),
 * by a visitor known from its user, or address and browser. */
static void
dispatch_count_view(const struct call *c)
{
	const struct input *in = c->route->input;
	const char *ua = request_header(c->req, "User-Agent");
	char car[160], visitor[512];
	size_t i;

	for (i = 0; i < in->nkeys; i++) {
		if (c->req->field[i] == NULL)
			continue;
		if (strcmp(in->keys[i].name, "carId") == 0)
			snprintf(car, sizeof car, "%s", c->req->field[i]);
		else if (strcmp(in->keys[i].name, "slug") == 0)
			snprintf(car, sizeof car, "slug:%s", c->req->field[i]);
		else
			continue;
		snprintf(visitor, sizeof visitor, "%s|%s", c->req->user_id ?
		    c->req->user_id : c->req->client_ip, ua ? ua : "");
		counter_car_view(car, visitor);
		return;
	}
}

/* The JSON text of an audit state x (in the arena; objects as they are,
 * anything else as {"value": x}), or NULL. */
static const char *
dispatch_audit_state(struct req *r, struct json_object *x)
{
	struct json_object *o;
	char *text;

	if (x == NULL)
		return NULL;
	if (json_object_is_type(x, json_type_object))
		return arena_strdup(&r->arena,
		    json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN));
	o = json_object_new_object();
	json_object_object_add(o, "value", json_object_get(x));
	text = arena_strdup(&r->arena,
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* What an admin write changed when its handler did not say: the values of
 * the path's {params}, joined with "/" (NULL when it has none). */
static const char *
dispatch_audit_target(const struct call *c)
{
	struct req *r = c->req;
	struct buf b;
	const char *t;
	size_t i;

	if (c->audit_target != NULL)
		return c->audit_target;
	if (r->nparams == 0)
		return NULL;
	buf_init(&b);
	for (i = 0; i < r->nparams; i++) {
		if (i > 0)
			buf_adds(&b, "/");
		buf_adds(&b, r->params[i]);
	}
	t = arena_strdup(&r->arena, b.data);
	buf_free(&b);
	return t;
}

/* Every admin write -- an AUTH_ADMIN route other than GET that answered
 * 2xx -- leaves one admin_audit_log row: who, the route's operation, its
 * target, the states before and after, the trace id, the client.  The
 * write has committed by now, so a row that cannot be written is logged
 * and counted, never turned into an error. */
static void
dispatch_audit(struct call *c)
{
	struct req *r = c->req;
	struct repo_audit_row a;
	enum api_err e;

	if (c->route == NULL || c->route->auth != AUTH_ADMIN ||
	    c->route->method == METHOD_GET || c->resp->status < 200 ||
	    c->resp->status > 299 || r->user_id == NULL)
		return;
	a.actor = r->user_id;
	a.action = c->route->operation;
	a.target = dispatch_audit_target(c);
	a.before = dispatch_audit_state(r, c->audit_before);
	a.after = dispatch_audit_state(r, c->audit_after);
	a.trace_id = r->trace_id;
	a.client_ip = r->client_ip;
	a.method = r->method_name;
	a.path = c->route->path;
	if ((e = repo_audit_add(&a)) != API_OK)
		LOG_ERR("admin write %s (%s) by %s answered %d but was not "
		    "audited: %s", a.action, a.target ? a.target : "-", a.actor,
		    c->resp->status, apierr_code(e));
	metrics_audit(e == API_OK);
}

void
dispatch_run(struct req *r, struct resp *s, enum api_err early)
{
	struct call c = { .req = r, .resp = s };
	struct buf allow;
	enum api_err err = early;
	long long db_us;
	size_t nroutes;

	buf_init(&allow);
	log_set_trace(r->trace_id);
	if (err == API_OK)
		err = dispatch_call(&c, &allow);
	if (err != API_OK) {
		if (apierr_status(err) >= 500)
			LOG_ERR("%s %s failed: %s", r->method_name, r->path,
			    apierr_code(err));
		if (c.route != NULL && c.route->render_error != NULL)
			c.route->render_error(&c, err, c.err_message);
		else {
			response_error(s, r, err, c.err_message, c.err_details,
			    c.retry_after);
			c.err_details = NULL;
		}
	}
	if (c.err_details != NULL)
		json_object_put(c.err_details);
	if (err == API_OK)
		dispatch_audit(&c);
	if (c.audit_before != NULL)
		json_object_put(c.audit_before);
	if (c.audit_after != NULL)
		json_object_put(c.audit_after);
	if (err == API_OK && c.route != NULL && c.route->views &&
	    (s->status == 200 || s->status == 304) && !r->internal)
		dispatch_count_view(&c);
	db_reads(false);
	metrics_request(c.route != NULL ? (int)(c.route - route_served(&nroutes)) : -1,
	    s->status, clock_mono_us() - r->start_us);
	db_us = db_take_time();
	response_header(s, "X-DB-Time", "%lld.%03lldms", db_us / 1000, db_us % 1000);
	dispatch_cors(r, s);
	buf_free(&allow);
}
