/* svc_ratelimits.c -- the back office's view of rate limiting: recent
 * violations, resetting a client, and per-client overrides.  The data
 * lives in Redis: every route answers 503 while it is unreachable. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "cidr.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
#include "response.h"
#include "svc.h"

/* Fold one violation v into the summary if it is recent enough and
 * matches identifier; returns true if it counted. */
static bool
svc_ratelimits_violation(struct json_object *v, long long since, const char *who,
    struct json_object *by_endpoint, struct json_object *idents,
    struct json_object *list, long long *recent)
{
	struct json_object *f, *count;
	const char *id, *ep;
	long long at;

	if (!json_object_object_get_ex(v, "epoch", &f) ||
	    (at = json_object_get_int64(f)) < since ||
	    !json_object_object_get_ex(v, "identifier", &f))
		return false;
	id = json_object_get_string(f);
	if (who != NULL && strcmp(id, who) != 0)
		return false;
	json_object_object_add(idents, id, json_object_new_boolean(1));
	ep = json_object_object_get_ex(v, "endpoint", &f) ?
	    json_object_get_string(f) : "?";
	count = json_object_object_get_ex(by_endpoint, ep, &f) ?
	    json_object_new_int64(json_object_get_int64(f) + 1) :
	    json_object_new_int64(1);
	json_object_object_add(by_endpoint, ep, count);
	if (at >= (long long)time(NULL) - 300)
		(*recent)++;
	if (json_object_array_length(list) < 100)
		json_object_array_add(list, json_object_get(v));
	return true;
}

/* Rate-limit data lives in Redis: 503 while it is unreachable. */
static enum api_err
svc_ratelimits_rl_down(struct call *c)
{
	c->err_message = "Rate-limit data is unavailable (Redis unreachable)";
	return API_SERVICE_UNAVAILABLE;
}

/* The violations of the last minutes (of identifier who, or all) as
 * {summary{totalViolations, uniqueIdentifiers, byEndpoint,
 * recentViolations}, violations<=100}.  Returns NULL when Redis is
 * unreachable. */
struct json_object *
svc_ratelimits_violations(long minutes, const char *who)
{
	long long since = (long long)time(NULL) - 60 * minutes;
	long long total = 0, recent = 0;
	struct json_object *o, *sum, *by, *idents, *list, *v;
	char **items = NULL;
	int n, i;

	if ((n = ratelimit_violations(&items)) < 0)
		return NULL;
	by = json_object_new_object();
	idents = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		if ((v = request_json_parse(items[i], strlen(items[i]))) != NULL) {
			total += svc_ratelimits_violation(v, since, who, by, idents, list,
			    &recent);
			json_object_put(v);
		}
		free(items[i]);
	}
	free(items);
	sum = json_object_new_object();
	json_object_object_add(sum, "totalViolations", json_object_new_int64(total));
	json_object_object_add(sum, "uniqueIdentifiers",
	    json_object_new_int(json_object_object_length(idents)));
	json_object_object_add(sum, "byEndpoint", by);
	json_object_object_add(sum, "recentViolations", json_object_new_int64(recent));
	json_object_put(idents);
	o = json_object_new_object();
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "violations", list);
	return o;
}

enum api_err
svc_ratelimits_monitor(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;

	o = svc_ratelimits_violations(f[RM_MINUTES] ? atol(f[RM_MINUTES]) : 60,
	    f[RM_IDENTIFIER]);
	if (o == NULL)
		return svc_ratelimits_rl_down(c);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_ratelimits_reset(struct call *c)
{
	struct json_object *o;

	if (ratelimit_forget(c->req->field[RM_IDENTIFIER]) != 0)
		return svc_ratelimits_rl_down(c);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "cleared", json_object_new_string(
	    c->req->field[RM_IDENTIFIER] ? c->req->field[RM_IDENTIFIER] :
	    "all violations"));
	response_json(c->resp, 200, o);
	return API_OK;
}

/* Whether s looks like a UUID (8-4-4-4-12 hex digits). */
static bool
svc_ratelimits_is_uuid(const char *s)
{
	size_t i;

	for (i = 0; i < 36; i++) {
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

/* The identity an override names must be an address or a user id. */
static bool
svc_ratelimits_override_id_ok(struct call *c, const char *kind, const char *id)
{
	struct json_object *d;

	if (strcmp(kind, "ip") == 0 ? cidr_is_ip(id) : svc_ratelimits_is_uuid(id))
		return true;
	d = json_object_new_object();
	json_object_object_add(d, "id", json_object_new_string(
	    strcmp(kind, "ip") == 0 ? "Must be an IP address" : "Must be a user id"));
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "fieldErrors", d);
	c->err_message = "Validation failed";
	return false;
}

enum api_err
svc_ratelimits_overrides(struct call *c)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "{\"overrides\":");
	if (ratelimit_overrides(&b) != 0) {
		buf_free(&b);
		return svc_ratelimits_rl_down(c);
	}
	buf_adds(&b, "}");
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}

enum api_err
svc_ratelimits_override_set(struct call *c)
{
	const char *const *f = c->req->field;
	long factor = atol(f[OS_FACTOR]);
	long ttl = f[OS_TTL] ? atol(f[OS_TTL]) : 86400;
	struct json_object *o;

	if (!svc_ratelimits_override_id_ok(c, f[OS_KIND], f[OS_ID]))
		return API_VALIDATION_ERROR;
	if (ratelimit_override_set(f[OS_KIND], f[OS_ID], factor, ttl) != 0)
		return svc_ratelimits_rl_down(c);
	LOG_INFO("rate-limit override %s:%s factor %ld for %ld s by %s",
	    f[OS_KIND], f[OS_ID], factor, ttl, c->req->user_id);
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(f[OS_KIND]));
	json_object_object_add(o, "id", json_object_new_string(f[OS_ID]));
	json_object_object_add(o, "factor", json_object_new_int64(factor));
	json_object_object_add(o, "expiresIn", json_object_new_int64(ttl));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_ratelimits_override_del(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;

	if (ratelimit_override_del(f[OD_KIND], f[OD_ID]) != 0)
		return svc_ratelimits_rl_down(c);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}
