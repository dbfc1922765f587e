/* svc_meta.c -- the API describing itself. */
#include "config.h"

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "cidr.h"
#include "conf.h"
#include "exposition.h"
#include "openapi.h"
#include "request.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_meta_openapi(struct call *c)
{
	struct buf b;

	buf_init(&b);
	if (openapi_document(&b) != 0) {
		buf_free(&b);
		return API_INTERNAL_ERROR;
	}
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}

/* The figures are for operators: admins, or clients in METRICS_ALLOW. */
static enum api_err
svc_meta_operator(struct call *c)
{
	const struct req *r = c->req;

	if ((r->role != NULL && strcmp(r->role, "admin") == 0) ||
	    (r->client_ip != NULL && cidr_list_contains(&conf->metrics_allow, r->client_ip)))
		return API_OK;
	c->err_message = "Metrics are for admins and METRICS_ALLOW addresses";
	return r->user_id != NULL ? API_FORBIDDEN : API_AUTH_REQUIRED;
}

enum api_err
svc_meta_metrics(struct call *c)
{
	struct buf b;
	enum api_err e;

	if ((e = svc_meta_operator(c)) != API_OK)
		return e;
	/* The dead letters waiting are counted in PostgreSQL at most every
	 * 15 s, not on every scrape (and after each change the API makes). */
	svc_webhooks_dead_gauge(15000);
	buf_init(&b);
	exposition_prometheus(&b);
	response_body(c->resp, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return API_OK;
}

/* The scoreboard (JSON of exposition_pool()) as php-fpm prints its status. */
static void
svc_meta_pool_text(struct call *c, const char *json)
{
	struct json_object *o = json_tokener_parse(json), *p, *x, *rq;
	struct buf t;
	char when[32];
	struct tm tm;
	time_t at;
	size_t i;

	buf_init(&t);
	buf_printf(&t, "pool:                 exodrive\n"
	    "processes:            %d\nactive processes:     %d\nidle processes:       %d\n",
	    json_object_get_int(json_object_object_get(o, "total")),
	    json_object_get_int(json_object_object_get(o, "busy")),
	    json_object_get_int(json_object_object_get(o, "idle")));
	p = json_object_object_get(o, "processes");
	for (i = 0; i < json_object_array_length(p); i++) {
		x = json_object_array_get_idx(p, i);
		at = (time_t)json_object_get_int64(json_object_object_get(x, "startedAt"));
		gmtime_r(&at, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_printf(&t, "\n************************\npid:                  %d\n"
		    "role:                 %s\nstate:                %s\n"
		    "start time:           %s\nrequests:             %lld\n",
		    json_object_get_int(json_object_object_get(x, "pid")),
		    json_object_get_string(json_object_object_get(x, "role")),
		    json_object_get_string(json_object_object_get(x, "state")), when,
		    (long long)json_object_get_int64(json_object_object_get(x, "requests")));
		if (json_object_object_get_ex(x, "request", &rq))
			buf_printf(&t, "request method:       %s\nrequest URI:          %s\n"
			    "request duration:     %lld ms\n",
			    json_object_get_string(json_object_object_get(rq, "method")),
			    json_object_get_string(json_object_object_get(rq, "path")),
			    (long long)json_object_get_int64(json_object_object_get(rq, "ageMs")));
	}
	response_body(c->resp, 200, "text/plain; charset=utf-8", t.data, t.len);
	buf_free(&t);
	json_object_put(o);
}

enum api_err
svc_meta_pool(struct call *c)
{
	struct buf b;
	enum api_err e;

	if ((e = svc_meta_operator(c)) != API_OK)
		return e;
	buf_init(&b);
	exposition_pool(&b);
	if (c->req->field[POOL_FORMAT] != NULL &&
	    strcmp(c->req->field[POOL_FORMAT], "text") == 0)
		svc_meta_pool_text(c, b.data);
	else
		response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}
