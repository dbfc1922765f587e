/* svc_health.c -- liveness and readiness probes. */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "clock.h"
#include "db.h"
#include "redis.h"
#include "response.h"
#include "svc.h"
#include "version.h"

enum api_err
svc_health_live(struct call *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "service", json_object_new_string("exodrive"));
	json_object_object_add(o, "version",
	    json_object_new_string(version_string()));
	json_object_object_add(o, "uptimeSeconds",
	    json_object_new_int64(clock_uptime_s()));
	response_json(c->resp, 200, o);
	return API_OK;
}

/* One dependency's entry: {"status":"up","latencyMs":0.4} or down. */
static struct json_object *
svc_health_check(int rc, double ms)
{
	struct json_object *o = json_object_new_object();
	char txt[32];

	json_object_object_add(o, "status",
	    json_object_new_string(rc == 0 ? "up" : "down"));
	snprintf(txt, sizeof txt, "%.3f", ms);
	if (rc == 0)
		json_object_object_add(o, "latencyMs",
		    json_object_new_double_s(ms, txt));
	return o;
}

enum api_err
svc_health_ready(struct call *c)
{
	struct json_object *o, *checks = json_object_new_object();
	double pg_ms = 0, redis_ms = 0;
	int pg = db_ping(&pg_ms), rd = redis_ping(&redis_ms);

	json_object_object_add(checks, "postgres", svc_health_check(pg, pg_ms));
	json_object_object_add(checks, "redis", svc_health_check(rd, redis_ms));
	if (pg != 0) {
		c->err_message = "Database unreachable";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "checks", checks);
		return API_SERVICE_UNAVAILABLE;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status",
	    json_object_new_string(rd == 0 ? "ready" : "degraded"));
	json_object_object_add(o, "checks", checks);
	response_json(c->resp, 200, o);
	return API_OK;
}
