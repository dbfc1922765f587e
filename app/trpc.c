/* trpc.c -- tRPC calls as internal requests to their REST twins. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "buf.h"
#include "conf.h"
#include "dispatch.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "trpc.h"

#define TRPC_MAX_ENV	64

static const struct { int status; const char *code; int rpc; } trpc_codes[] = {
	{ 400, "BAD_REQUEST", -32600 }, { 401, "UNAUTHORIZED", -32001 },
	{ 402, "PAYMENT_REQUIRED", -32002 }, { 403, "FORBIDDEN", -32003 },
	{ 404, "NOT_FOUND", -32004 }, { 405, "METHOD_NOT_SUPPORTED", -32005 },
	{ 408, "TIMEOUT", -32008 }, { 409, "CONFLICT", -32009 },
	{ 412, "PRECONDITION_FAILED", -32012 }, { 413, "PAYLOAD_TOO_LARGE", -32013 },
	{ 415, "UNSUPPORTED_MEDIA_TYPE", -32015 }, { 422, "UNPROCESSABLE_CONTENT", -32022 },
	{ 429, "TOO_MANY_REQUESTS", -32029 }, { 501, "NOT_IMPLEMENTED", -32603 },
	{ 502, "BAD_GATEWAY", -32603 }, { 503, "SERVICE_UNAVAILABLE", -32603 },
	{ 504, "GATEWAY_TIMEOUT", -32603 },
};

const char *
trpc_code(int status, int *rpc)
{
	size_t i;

	for (i = 0; i < sizeof trpc_codes / sizeof trpc_codes[0]; i++)
		if (trpc_codes[i].status == status) {
			*rpc = trpc_codes[i].rpc;
			return trpc_codes[i].code;
		}
	*rpc = -32603;
	return status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
}

/* One call of a batch. */
struct trpc_item {
	const char		*name;		/* the procedure */
	const struct route	*route;		/* NULL: unknown */
	struct json_object	*input;		/* borrowed; NULL: undefined */
	int			 status;
	struct json_object	*out;		/* {result} or {error} */
};

/* {error: {message, code, data: {code, httpStatus, path?, ...}}} with
 * the tRPC code and JSON-RPC number given. */
static struct json_object *
trpc_error_as(const char *message, int status, const char *code, int rpc,
    const char *path, struct json_object *envelope)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();
	struct json_object *d = json_object_new_object(), *x;

	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(e, "code", json_object_new_int(rpc));
	json_object_object_add(d, "code", json_object_new_string(code));
	json_object_object_add(d, "httpStatus", json_object_new_int(status));
	if (path != NULL)
		json_object_object_add(d, "path", json_object_new_string(path));
	if (envelope != NULL) {
		/* The REST twin's envelope: its code, trace id and details. */
		if (json_object_object_get_ex(envelope, "code", &x))
			json_object_object_add(d, "apiCode", json_object_get(x));
		if (json_object_object_get_ex(envelope, "traceId", &x))
			json_object_object_add(d, "traceId", json_object_get(x));
		if (json_object_object_get_ex(envelope, "details", &x))
			json_object_object_add(d, "details", json_object_get(x));
		if (json_object_object_get_ex(envelope, "retryAfter", &x))
			json_object_object_add(d, "retryAfter", json_object_get(x));
	}
	json_object_object_add(e, "data", d);
	json_object_object_add(o, "error", e);
	return o;
}

/* The same, with the code of the HTTP status. */
static struct json_object *
trpc_error(const char *message, int status, const char *path,
    struct json_object *envelope)
{
	int rpc;
	const char *code = trpc_code(status, &rpc);

	return trpc_error_as(message, status, code, rpc, path, envelope);
}

/* Append s percent-encoded (RFC 3986 unreserved characters kept). */
static void
trpc_pct(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char c[3];

	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~", *s) != NULL)
			buf_add(b, s, 1);
		else {
			c[0] = '%', c[1] = hex[(unsigned char)*s >> 4];
			c[2] = hex[(unsigned char)*s & 15];
			buf_add(b, c, 3);
		}
	}
}

/* The text of an input member as a path or query value. */
static const char *
trpc_text(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) :
	    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* The declared key of rt named name, or NULL. */
static const struct key *
trpc_key(const struct route *rt, const char *name)
{
	size_t i;

	for (i = 0; i < rt->input->nkeys; i++)
		if (strcmp(rt->input->keys[i].name, name) == 0)
			return &rt->input->keys[i];
	return NULL;
}

/* Build the twin's URI (path and query) into uri and its JSON body into
 * *body (NULL: none) from the item's input.  Returns NULL, or why the
 * input cannot fill the route. */
static const char *
trpc_request_of(const struct trpc_item *it, struct buf *uri,
    struct json_object **body)
{
	const struct route *rt = it->route;
	bool query = rt->method == METHOD_GET, first = true;
	const char *p = rt->path, *open, *close;
	struct json_object *in = it->input, *v;
	const struct key *k;
	char name[64];

	*body = NULL;
	if (in != NULL && !json_object_is_type(in, json_type_object))
		return "The input must be an object";
	for (; (open = strchr(p, '{')) != NULL; p = close + 1) {
		close = strchr(open, '}');
		buf_add(uri, p, (size_t)(open - p));
		snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
		if (in == NULL || !json_object_object_get_ex(in, name, &v) ||
		    json_object_is_type(v, json_type_null))
			return "The input lacks a member the procedure needs";
		trpc_pct(uri, trpc_text(v));
	}
	buf_adds(uri, p);
	if (in == NULL)
		return NULL;
	json_object_object_foreach(in, key, val) {
		if (strstr(rt->path, "{") != NULL) {
			snprintf(name, sizeof name, "{%s}", key);
			if (strstr(rt->path, name) != NULL)
				continue;	/* a path parameter */
		}
		k = trpc_key(rt, key);
		if (query || (k != NULL && k->src == KEY_QUERY)) {
			if (json_object_is_type(val, json_type_null))
				continue;
			buf_adds(uri, first ? "?" : "&");
			first = false;
			trpc_pct(uri, key);
			buf_adds(uri, "=");
			trpc_pct(uri, trpc_text(val));
		} else {
			if (*body == NULL)
				*body = json_object_new_object();
			json_object_object_add(*body, key, json_object_get(val));
		}
	}
	return NULL;
}

/* Run the item as an internal request carrying the caller's headers. */
static void
trpc_run(struct req *outer, struct trpc_item *it)
{
	char *env[TRPC_MAX_ENV + 8], method[64], uri_var[4200], len_var[48], trace[96];
	struct json_object *body = NULL, *answer, *x;
	const char *why, *json = NULL;
	struct buf uri;
	enum api_err early;
	struct req r;
	struct resp s;
	int n = 0, i;

	buf_init(&uri);
	if ((why = trpc_request_of(it, &uri, &body)) != NULL || uri.len > 4000) {
		it->status = 400;
		it->out = trpc_error(why ? why : "The input is too long", 400, it->name, NULL);
		json_object_put(body);
		buf_free(&uri);
		return;
	}
	snprintf(method, sizeof method, "REQUEST_METHOD=%s", route_method_name(it->route->method));
	snprintf(uri_var, sizeof uri_var, "REQUEST_URI=%s", uri.data);
	env[n++] = method;
	env[n++] = uri_var;
	for (i = 0; outer->env[i] != NULL && n < TRPC_MAX_ENV; i++)
		if ((strncmp(outer->env[i], "HTTP_", 5) == 0 &&
		    strncmp(outer->env[i], "HTTP_X_TRACE_ID=", 16) != 0 &&
		    strncmp(outer->env[i], "HTTP_IF_", 8) != 0 &&
		    strncmp(outer->env[i], "HTTP_CONTENT_", 13) != 0) ||
		    strncmp(outer->env[i], "REMOTE_ADDR=", 12) == 0)
			env[n++] = outer->env[i];
	snprintf(trace, sizeof trace, "HTTP_X_TRACE_ID=%s", outer->trace_id);
	env[n++] = trace;
	if (body != NULL) {
		json = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
		env[n++] = (char *)"CONTENT_TYPE=application/json";
		snprintf(len_var, sizeof len_var, "CONTENT_LENGTH=%zu", strlen(json));
		env[n++] = len_var;
	}
	env[n] = NULL;
	request_init(&r);
	response_init(&s);
	early = request_begin(&r, env);	/* not internal: limits and views count */
	if (json != NULL) {
		r.body = json;
		r.body_len = strlen(json);
		r.content_length = (long long)r.body_len;
	}
	dispatch_run(&r, &s, early);
	log_set_trace(outer->trace_id);
	it->status = s.status;
	answer = s.body.len > 0 ? request_json_parse(s.body.data, s.body.len) : NULL;
	if (s.status < 300) {
		it->out = json_object_new_object();
		x = json_object_new_object();
		json_object_object_add(x, "data", answer);
		json_object_object_add(it->out, "result", x);
	} else {
		struct json_object *env_err = NULL, *m = NULL;

		if (answer != NULL)
			json_object_object_get_ex(answer, "error", &env_err);
		if (env_err != NULL)
			json_object_object_get_ex(env_err, "message", &m);
		it->out = trpc_error(m ? json_object_get_string(m) : "Request failed",
		    s.status, it->name, env_err);
		json_object_put(answer);
	}
	r.body = NULL;		/* ours, not the arena's */
	response_free(&s);
	request_free(&r);
	json_object_put(body);
	buf_free(&uri);
}

bool
trpc_procedure(const struct route *rt)
{
	return (rt->output != NULL || rt->status == 204) &&
	    rt->input->body != BODY_MULTIPART && rt->auth != AUTH_SIGNATURE &&
	    strncmp(rt->path, "/trpc/", 6) != 0 && strcmp(rt->operation, "meta.openapi") != 0;
}

/* The procedure named name, or NULL. */
static const struct route *
trpc_route(const char *name)
{
	const struct route *t;
	size_t n, i;

	t = route_served(&n);
	for (i = 0; i < n; i++)
		if (strcmp(t[i].operation, name) == 0)
			return trpc_procedure(&t[i]) ? &t[i] : NULL;
	return NULL;
}

/* Superjson input {json, meta{values}} into its plain value (owned by
 * the caller): members marked "undefined" are dropped, "Date" ones read
 * as their UTC calendar day (every date input is a day). */
static struct json_object *
trpc_unwrap(struct json_object *in)
{
	struct json_object *json, *meta, *values, *v, *marks;
	const char *d;

	if (in == NULL || !json_object_is_type(in, json_type_object) ||
	    !json_object_object_get_ex(in, "json", &json))
		return in != NULL ? json_object_get(in) : NULL;
	if (json_object_object_get_ex(in, "meta", &meta) &&
	    json_object_object_get_ex(meta, "values", &values) &&
	    json_object_is_type(values, json_type_array) &&
	    json_object_array_length(values) > 0 &&
	    strcmp(json_object_get_string(json_object_array_get_idx(values, 0)),
	    "undefined") == 0)
		return NULL;		/* the whole input is undefined */
	json = json_object_get(json);
	if (json_object_is_type(json, json_type_null)) {
		json_object_put(json);
		return NULL;
	}
	if (json_object_object_get_ex(in, "meta", &meta) &&
	    json_object_object_get_ex(meta, "values", &values) &&
	    json_object_is_type(values, json_type_object) &&
	    json_object_is_type(json, json_type_object)) {
		json_object_object_foreach(values, k, mark) {
			marks = json_object_is_type(mark, json_type_array) ?
			    json_object_array_get_idx(mark, 0) : mark;
			d = json_object_get_string(marks);
			if (d != NULL && strcmp(d, "undefined") == 0)
				json_object_object_del(json, k);
			else if (d != NULL && strcmp(d, "Date") == 0 &&
			    json_object_object_get_ex(json, k, &v) &&
			    json_object_get_string_len(v) >= 10)
				json_object_object_add(json, k, json_object_new_string_len(
				    json_object_get_string(v), 10));
		}
	}
	return json;
}

/* True when s is an ISO 8601 instant (date, time and zone), which
 * superjson hands to the client as a Date. */
static bool
trpc_is_instant(const char *s)
{
	size_t n = strlen(s);

	return n >= 20 && n <= 35 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && (s[n - 1] == 'Z' || s[n - 3] == ':') &&
	    strspn(s, "0123456789-T:.+Z") == n;
}

/* Mark every instant under v (at superjson path prefix) as a Date in
 * values.  Depth is bounded by the answer's own nesting. */
static void
trpc_dates(struct json_object *v, const char *prefix, struct json_object *values)
{
	char path[512];
	size_t i;

	if (json_object_is_type(v, json_type_string) && *prefix != '\0' &&
	    trpc_is_instant(json_object_get_string(v))) {
		struct json_object *m = json_object_new_array();

		json_object_array_add(m, json_object_new_string("Date"));
		json_object_object_add(values, prefix, m);
	} else if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, x) {
			snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
			trpc_dates(x, path, values);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (i = 0; i < json_object_array_length(v); i++) {
			snprintf(path, sizeof path, "%s%s%zu", prefix, *prefix ? "." : "", i);
			trpc_dates(json_object_array_get_idx(v, i), path, values);
		}
	}
}

/* The item answer as superjson: data as {json, meta{values}} (instants
 * as Dates), errors as {json: error}. */
static struct json_object *
trpc_wrap(struct json_object *out)
{
	struct json_object *o = json_object_new_object(), *x, *w, *values, *meta;

	if (json_object_object_get_ex(out, "result", &x)) {
		w = json_object_new_object();
		json_object_object_add(w, "json", json_object_get(json_object_object_get(x, "data")));
		values = json_object_new_object();
		trpc_dates(json_object_object_get(x, "data"), "", values);
		if (json_object_object_length(values) > 0) {
			meta = json_object_new_object();
			json_object_object_add(meta, "values", values);
			json_object_object_add(meta, "v", json_object_new_int(1));
			json_object_object_add(w, "meta", meta);
		} else
			json_object_put(values);
		x = json_object_new_object();
		json_object_object_add(x, "data", w);
		json_object_object_add(o, "result", x);
	} else {
		w = json_object_new_object();
		json_object_object_add(w, "json", json_object_get(json_object_object_get(out, "error")));
		json_object_object_add(o, "error", w);
	}
	json_object_put(out);
	return o;
}

/* A request-level failure: one error object, not an array. */
static enum api_err
trpc_fail(struct call *c, int status, const char *message, bool superjson)
{
	struct json_object *o = trpc_error(message, status, NULL, NULL);

	response_json(c->resp, status, superjson ? trpc_wrap(o) : o);
	return API_OK;
}

/* Whether r comes from @trpc/client 10: it sends "Content-Type:
 * application/json" with every request, GET included; 11 only with a
 * body.  (A POST cannot be told apart: it is answered as 11 is.) */
static bool
trpc_v10(const struct req *r)
{
	const char *ct = r->var[REQ_VAR_CONTENT_TYPE];

	return r->method == METHOD_GET && ct != NULL &&
	    strncmp(ct, "application/json", 16) == 0;
}

/* Malformed input JSON: v10's PARSE_ERROR (-32700, no path), or v11's
 * BAD_REQUEST naming the procedure (the path of a call not batched). */
static enum api_err
trpc_parse_error(struct call *c, const char *message, const char *path,
    bool superjson)
{
	struct json_object *o = trpc_v10(c->req) ?
	    trpc_error_as(message, 400, "PARSE_ERROR", -32700, NULL, NULL) :
	    trpc_error(message, 400, path, NULL);

	response_json(c->resp, 400, superjson ? trpc_wrap(o) : o);
	return API_OK;
}

/* The inputs of the call: the batch object, or the single input. */
static struct json_object *
trpc_inputs(struct req *r, const char **why)
{
	const char *q = r->method == METHOD_GET ? request_query(r, "input") : NULL;
	struct json_object *in = NULL;

	*why = NULL;
	if (q != NULL && (in = request_json_parse(q, strlen(q))) == NULL)
		*why = "The input is not JSON";
	if (r->method != METHOD_GET && r->json != NULL)
		in = json_object_get(r->json);
	return in;
}

static enum api_err
trpc_handle(struct call *c, bool superjson)
{
	struct req *r = c->req;
	const char *names = r->params[0], *why, *b = request_query(r, "batch");
	bool batch = b != NULL && strcmp(b, "1") == 0;
	struct trpc_item items[100];
	struct json_object *inputs, *answer, *x;
	char *list, *save, *tok;
	size_t n = 0, i;
	int status = 0;

	if (r->method == METHOD_HEAD) {	/* as tRPC: nothing is called */
		response_empty(c->resp, 204);
		return API_OK;
	}
	if (batch && !conf->trpc_batch_enabled)
		return trpc_fail(c, 400, "Batch calls are disabled", superjson);
	inputs = trpc_inputs(r, &why);
	if (why != NULL)
		return trpc_parse_error(c, why, batch ? NULL : names, superjson);
	if (batch && inputs != NULL && !json_object_is_type(inputs, json_type_object)) {
		json_object_put(inputs);
		return trpc_fail(c, 400, "\"input\" needs to be an object when doing a batch call",
		    superjson);
	}
	list = arena_strdup(&r->arena, names);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (n == (size_t)conf->trpc_batch_max_size || (!batch && n == 1)) {
			json_object_put(inputs);
			return trpc_fail(c, 400, batch ? "Batch call exceeds maximum size" :
			    "Several procedures need ?batch=1", superjson);
		}
		memset(&items[n], 0, sizeof items[n]);
		items[n].name = tok;
		items[n].route = trpc_route(tok);
		n++;
	}
	if (n == 0) {
		json_object_put(inputs);
		return trpc_fail(c, 404, "No procedure named", superjson);
	}
	for (i = 0; i < n; i++) {
		char idx[24];
		bool query;

		snprintf(idx, sizeof idx, "%zu", i);
		x = batch ? (inputs != NULL ? json_object_object_get(inputs, idx) : NULL) : inputs;
		items[i].input = superjson ? trpc_unwrap(x) : (x != NULL ? json_object_get(x) : NULL);
		if (items[i].route == NULL) {
			items[i].status = 404;
			items[i].out = trpc_error("No procedure found on this path", 404,
			    items[i].name, NULL);
		} else if ((query = items[i].route->method == METHOD_GET) !=
		    (r->method == METHOD_GET)) {
			items[i].status = 405;
			items[i].out = trpc_error(query ? "A query is called with GET" :
			    "A mutation is called with POST", 405, items[i].name, NULL);
			response_header(c->resp, "Allow", "%s", query ? "GET" : "POST");
		} else
			trpc_run(r, &items[i]);
		json_object_put(items[i].input);
		status = i == 0 || status == items[i].status ? items[i].status : 207;
	}
	json_object_put(inputs);
	if (batch) {
		answer = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(answer, superjson ? trpc_wrap(items[i].out) :
			    items[i].out);
	} else
		answer = superjson ? trpc_wrap(items[0].out) : items[0].out;
	response_json(c->resp, status, answer);
	return API_OK;
}

void
trpc_render_error(struct call *c, enum api_err err, const char *message)
{
	int status = apierr_status(err);
	bool superjson = c->route->handler == trpc_call_superjson;
	const char *path = c->req->nparams > 0 ? c->req->params[0] : NULL;
	const struct route *rt;
	char text[256];
	struct json_object *o;

	if (err == API_METHOD_NOT_ALLOWED && path != NULL) {
		/* PUT, DELETE, ...: v11's words, naming the procedure. */
		rt = strchr(path, ',') == NULL ? trpc_route(path) : NULL;
		snprintf(text, sizeof text, "Unsupported %s-request to %sprocedure at path \"%s\"",
		    c->req->method_name, rt == NULL ? "" : rt->method == METHOD_GET ?
		    "query " : "mutation ", path);
		o = trpc_error(text, status, path, NULL);
	} else
		o = trpc_error(message != NULL ? message : apierr_code(err),
		    status, NULL, NULL);

	response_json(c->resp, status, superjson ? trpc_wrap(o) : o);
}

enum api_err
trpc_call(struct call *c)
{
	return trpc_handle(c, false);
}

enum api_err
trpc_call_superjson(struct call *c)
{
	return trpc_handle(c, true);
}
