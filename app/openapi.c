/* openapi.c -- the route table as OpenAPI 3.1. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "log.h"
#include "openapi.h"
#include "route.h"

/* contract/schemas.json, compiled in (app/contract_schemas.c).  It is
 * written by hand from the code: the SQL of app/repo_*.c and the columns
 * of sql/migrations (a member is nullable only where the column or a join
 * can be null), and the serializers of app/svc_*.c.  Objects with fixed
 * members are closed.  tests/test_openapi.c holds it to that. */
extern const char contract_schemas[];

#define JSTR(s)		json_object_new_string(s)
#define JADD(o, k, v)	json_object_object_add((o), (k), (v))

_Static_assert(API__MAX <= 32, "struct route's errors holds a bit per enum api_err");

static struct json_object *
openapi_ref(const char *kind, const char *name)
{
	struct json_object *o = json_object_new_object();
	char ref[160];

	snprintf(ref, sizeof ref, "#/components/%s/%s", kind, name);
	JADD(o, "$ref", JSTR(ref));
	return o;
}

/* The JSON Schema of one declared key. */
static struct json_object *
openapi_key_schema(const struct key *k)
{
	struct json_object *s = json_object_new_object(), *e;
	size_t i;

	switch (k->type) {
	case KEY_STRING:
	case KEY_LINE:
		JADD(s, "type", JSTR("string"));
		if (k->min > 0)
			JADD(s, "minLength", json_object_new_int64(k->min));
		if (k->max > 0)
			JADD(s, "maxLength", json_object_new_int64(k->max));
		if (k->type == KEY_LINE)
			JADD(s, "pattern", JSTR("^[^\\u0000-\\u001f\\u007f]*$"));
		break;
	case KEY_UUID:
		JADD(s, "type", JSTR("string"));
		JADD(s, "format", JSTR("uuid"));
		break;
	case KEY_DATE:
		JADD(s, "type", JSTR("string"));
		JADD(s, "format", JSTR("date"));
		break;
	case KEY_INT:
		JADD(s, "type", JSTR("integer"));
		if (k->min != 0 || k->max != 0) {
			JADD(s, "minimum", json_object_new_int64(k->min));
			JADD(s, "maximum", json_object_new_int64(k->max));
		}
		break;
	case KEY_BOOL:
		JADD(s, "type", JSTR("boolean"));
		break;
	case KEY_EMAIL:
		JADD(s, "type", JSTR("string"));
		JADD(s, "format", JSTR("email"));
		JADD(s, "maxLength", json_object_new_int(254));
		break;
	case KEY_MONEY:
		JADD(s, "type", JSTR("number"));
		JADD(s, "minimum", json_object_new_int(0));
		JADD(s, "exclusiveMaximum", json_object_new_int(100000000));
		JADD(s, "multipleOf", json_object_new_double(0.01));
		break;
	case KEY_ENUM:
		JADD(s, "type", JSTR("string"));
		e = json_object_new_array();
		for (i = 0; k->choices[i] != NULL; i++)
			json_object_array_add(e, JSTR(k->choices[i]));
		JADD(s, "enum", e);
		break;
	case KEY_OBJECT:
		JADD(s, "type", JSTR("object"));
		JADD(s, "additionalProperties", json_object_new_boolean(1));
		break;
	case KEY_ARRAY:
		JADD(s, "type", JSTR("array"));
		JADD(s, "items", json_object_new_object());
		if (k->min > 0)
			JADD(s, "minItems", json_object_new_int64(k->min));
		if (k->max > 0)
			JADD(s, "maxItems", json_object_new_int64(k->max));
		break;
	}
	return s;
}

/* The object schema at dotted path prefix of the body (made as needed). */
static struct json_object *
openapi_body_object(struct json_object *root, const char *name, char *leaf,
    size_t leaflen, bool open)
{
	struct json_object *o = root, *props, *child;
	char part[96];
	const char *dot;

	while ((dot = strchr(name, '.')) != NULL) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - name), name);
		json_object_object_get_ex(o, "properties", &props);
		if (!json_object_object_get_ex(props, part, &child)) {
			child = json_object_new_object();
			JADD(child, "type", JSTR("object"));
			JADD(child, "properties", json_object_new_object());
			JADD(child, "additionalProperties", json_object_new_boolean(open));
			JADD(props, part, child);
		}
		o = child;
		name = dot + 1;
	}
	snprintf(leaf, leaflen, "%s", name);
	return o;
}

/* Add key k to the body schema root (nested by its dotted name). */
static void
openapi_body_key(struct json_object *root, const struct key *k, bool open)
{
	struct json_object *o, *props, *req;
	char leaf[96];

	o = openapi_body_object(root, k->name, leaf, sizeof leaf, open);
	json_object_object_get_ex(o, "properties", &props);
	JADD(props, leaf, openapi_key_schema(k));
	if (k->required && strchr(k->name, '.') == NULL) {
		if (!json_object_object_get_ex(o, "required", &req)) {
			req = json_object_new_array();
			JADD(o, "required", req);
		}
		json_object_array_add(req, JSTR(leaf));
	}
}

static struct json_object *
openapi_request_body(const struct input *in)
{
	struct json_object *rb = json_object_new_object(), *content, *media, *schema;
	struct json_object *props, *req, *file;
	bool open = in->body == BODY_JSON_OPEN;
	size_t i;

	content = json_object_new_object();
	media = json_object_new_object();
	schema = json_object_new_object();
	props = json_object_new_object();
	JADD(schema, "type", JSTR("object"));
	JADD(schema, "properties", props);
	if (in->body == BODY_MULTIPART) {
		file = json_object_new_object();
		JADD(file, "type", JSTR("string"));
		JADD(file, "contentMediaType", JSTR("image/*"));
		JADD(props, "file", file);
		req = json_object_new_array();
		json_object_array_add(req, JSTR("file"));
		JADD(schema, "required", req);
		JADD(media, "schema", schema);
		JADD(content, "multipart/form-data", media);
	} else {
		JADD(schema, "additionalProperties", json_object_new_boolean(open));
		for (i = 0; i < in->nkeys; i++)
			if (in->keys[i].src == KEY_BODY)
				openapi_body_key(schema, &in->keys[i], open);
		JADD(media, "schema", schema);
		JADD(content, "application/json", media);
	}
	JADD(rb, "required", json_object_new_boolean(
	    json_object_object_get(schema, "required") != NULL));
	JADD(rb, "content", content);
	return rb;
}

/* The parameters (path, query, header) of input in. */
static struct json_object *
openapi_parameters(const struct input *in)
{
	static const char *const where[] = { [KEY_PATH] = "path",
	    [KEY_QUERY] = "query", [KEY_HEADER] = "header" };
	struct json_object *a = json_object_new_array(), *p;
	size_t i;

	for (i = 0; i < in->nkeys; i++) {
		const struct key *k = &in->keys[i];

		if (k->src == KEY_BODY)
			continue;
		p = json_object_new_object();
		JADD(p, "name", JSTR(k->name));
		JADD(p, "in", JSTR(where[k->src]));
		JADD(p, "required", json_object_new_boolean(k->required ||
		    k->src == KEY_PATH));
		JADD(p, "schema", openapi_key_schema(k));
		json_object_array_add(a, p);
	}
	return a;
}

/* The rate-limit fields of an answer charged to a tier, into headers h. */
static void
openapi_rate_headers(struct json_object *h)
{
	static const char *const names[] = { "X-RateLimit-Limit",
	    "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy",
	    "RateLimit" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		JADD(h, names[i], openapi_ref("headers", names[i]));
}

/* Add the error answer status (by its envelope) to responses r. */
static void
openapi_error(struct json_object *r, int status, const char *why)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();
	struct json_object *m = json_object_new_object();
	char code[8];

	snprintf(code, sizeof code, "%d", status);
	JADD(o, "description", JSTR(why));
	JADD(m, "schema", openapi_ref("schemas", "ErrorEnvelope"));
	JADD(c, "application/json", m);
	JADD(o, "content", c);
	if (status == 429) {
		struct json_object *h = json_object_new_object();

		JADD(h, "Retry-After", openapi_ref("headers", "Retry-After"));
		openapi_rate_headers(h);
		JADD(o, "headers", h);
	}
	JADD(r, code, o);
}

/* The error statuses of route rt: those the dispatcher gives by its
 * policy fields (input, auth, rate tier; 413, 415 and 500 on any route)
 * and those its handler declares in rt->errors. */
static void
openapi_errors(struct json_object *r, const struct route *rt)
{
	const unsigned has = rt->errors;

	openapi_error(r, 400, "Malformed or invalid input (VALIDATION_ERROR lists the fields)");
	if (rt->auth == AUTH_SIGNATURE)
		openapi_error(r, 401, "Missing or bad provider signature");
	else if (rt->auth != AUTH_NONE || (has & ROUTE_ERR(API_UNAUTHORIZED)))
		openapi_error(r, 401, rt->auth == AUTH_NONE ? "Wrong credentials" :
		    "No or bad credentials");
	if (rt->auth == AUTH_ADMIN || (has & ROUTE_ERR(API_FORBIDDEN)))
		openapi_error(r, 403, "Signed in, but not allowed");
	if (has & ROUTE_ERR(API_NOT_FOUND))
		openapi_error(r, 404, "Not found");
	if (has & ROUTE_ERR(API_CONFLICT))
		openapi_error(r, 409, "Conflicts with the current state (details say how)");
	openapi_error(r, 413, "Body too large");
	openapi_error(r, 415, rt->input->body == BODY_NONE ? "A body was sent" :
	    "Wrong Content-Type");
	if (rt->rate != RATE_NONE)
		openapi_error(r, 429, "Rate limited (retryAfter in details, Retry-After header)");
	openapi_error(r, 500, "Internal error (no detail leaves the server)");
	if (has & ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR))
		openapi_error(r, 502, "The payment provider failed or refused");
	if (has & ROUTE_ERR(API_SERVICE_UNAVAILABLE))
		openapi_error(r, 503, "A dependency is unavailable");
}

/* The success answer of route rt. */
static struct json_object *
openapi_success(const struct route *rt)
{
	struct json_object *o = json_object_new_object(), *h = json_object_new_object();
	struct json_object *c, *m;
	const char *media = rt->media != NULL ? rt->media : "application/json";

	JADD(o, "description", JSTR(rt->summary));
	if (rt->rate != RATE_NONE)
		openapi_rate_headers(h);
	if (rt->cache != CACHE_NONE) {
		JADD(h, "ETag", openapi_ref("headers", "ETag"));
		JADD(h, "Vary", openapi_ref("headers", "Vary"));
		JADD(h, "X-Cache", openapi_ref("headers", "X-Cache"));
		JADD(h, "X-Cache-TTL", openapi_ref("headers", "X-Cache-TTL"));
		JADD(h, "X-Cache-Store", openapi_ref("headers", "X-Cache-Store"));
	}
	JADD(h, "X-Trace-Id", openapi_ref("headers", "X-Trace-Id"));
	JADD(o, "headers", h);
	if (rt->output != NULL) {
		c = json_object_new_object();
		m = json_object_new_object();
		if (strcmp(media, "application/json") == 0)
			JADD(m, "schema", openapi_ref("schemas", rt->output));
		else {
			struct json_object *s = json_object_new_object();

			JADD(s, "type", JSTR("string"));
			JADD(m, "schema", s);
		}
		JADD(c, media, m);
		JADD(o, "content", c);
	}
	return o;
}

/* The 304 answer of a cacheable route rt: no body, its validators and
 * the same cache, trace and rate-limit fields as the 200. */
static struct json_object *
openapi_not_modified(const struct route *rt)
{
	struct json_object *o = json_object_new_object(), *h = json_object_new_object();

	JADD(o, "description", JSTR("Not Modified: If-None-Match names the answer's "
	    "ETag (weak comparison; also its -gzip/-br form). No body; charged "
	    "to the rate limit like the 200"));
	JADD(h, "ETag", openapi_ref("headers", "ETag"));
	JADD(h, "Vary", openapi_ref("headers", "Vary"));
	JADD(h, "X-Cache", openapi_ref("headers", "X-Cache"));
	JADD(h, "X-Cache-TTL", openapi_ref("headers", "X-Cache-TTL"));
	JADD(h, "X-Cache-Store", openapi_ref("headers", "X-Cache-Store"));
	if (rt->rate != RATE_NONE)
		openapi_rate_headers(h);
	JADD(h, "X-Trace-Id", openapi_ref("headers", "X-Trace-Id"));
	JADD(o, "headers", h);
	return o;
}

/* The operation of route rt. */
static struct json_object *
openapi_operation(const struct route *rt)
{
	struct json_object *op = json_object_new_object(), *r = json_object_new_object();
	struct json_object *sec, *req;
	char code[8];

	JADD(op, "summary", JSTR(rt->summary));
	JADD(op, "operationId", JSTR(rt->operation));
	JADD(op, "parameters", openapi_parameters(rt->input));
	if (rt->cache != CACHE_NONE) {
		struct json_object *p = json_object_new_object(), *s = json_object_new_object();

		JADD(p, "name", JSTR("If-None-Match"));
		JADD(p, "in", JSTR("header"));
		JADD(p, "required", json_object_new_boolean(0));
		JADD(p, "description", JSTR("Entity tags held (or *): 304 when one names "
		    "the current answer"));
		JADD(s, "type", JSTR("string"));
		JADD(p, "schema", s);
		json_object_array_add(json_object_object_get(op, "parameters"), p);
	}
	if (rt->input->body != BODY_NONE)
		JADD(op, "requestBody", openapi_request_body(rt->input));
	snprintf(code, sizeof code, "%d", rt->status != 0 ? rt->status : 200);
	JADD(r, code, openapi_success(rt));
	if (rt->cache != CACHE_NONE)
		JADD(r, "304", openapi_not_modified(rt));
	if (rt->render_error != NULL) {
		/* Errors and mixed batches (207) come in the route's own shape. */
		JADD(r, "207", openapi_success(rt));
		JADD(r, "default", openapi_success(rt));
		JADD(op, "responses", r);
		return op;
	}
	openapi_errors(r, rt);
	if (rt->auth != AUTH_NONE) {
		sec = json_object_new_array();
		req = json_object_new_object();
		JADD(req, rt->auth == AUTH_CRON ? "cronSecret" : rt->auth == AUTH_INTERNAL ?
		    "internalKey" : rt->auth == AUTH_SIGNATURE ? "providerSignature" :
		    "bearerAuth", json_object_new_array());
		json_object_array_add(sec, req);
		if (rt->auth == AUTH_OPTIONAL)
			json_object_array_add(sec, json_object_new_object());
		JADD(op, "security", sec);
	}
	JADD(op, "responses", r);
	return op;
}

/* components: schemas (the contract's and the envelope), headers,
 * security schemes.  NULL when the contract does not parse. */
static struct json_object *
openapi_components(void)
{
	struct json_object *c = json_object_new_object(), *schemas, *h, *sec, *x;
	static const char *const headers[][3] = {	/* name, type, what */
		{ "X-RateLimit-Limit", "integer", "Requests allowed in the tier's window" },
		{ "X-RateLimit-Remaining", "integer", "Requests left in the window" },
		{ "X-RateLimit-Reset", "date-time", "When the whole quota is back (UTC, "
		    "to the second): RateLimit's t seconds from now" },
		{ "RateLimit-Policy", "string", "The tier's quota, draft-ietf-httpapi-"
		    "ratelimit-headers-08: \"<tier>\";q=<limit>;w=<window seconds>" },
		{ "RateLimit", "string", "What is left of it, draft-ietf-httpapi-"
		    "ratelimit-headers-08: \"<tier>\";r=<remaining>;t=<seconds until the "
		    "whole quota is back>" },
		{ "ETag", "string", "Strong entity tag of the answer's bytes (\"<24 hex>\"); "
		    "a compressing web server appends -gzip or -br" },
		{ "Vary", "string", "Accept-Encoding: the web server may compress the answer" },
		{ "Retry-After", "integer", "Seconds to wait before trying again" },
		{ "X-Cache", "string", "HIT, MISS, STALE or BYPASS" },
		{ "X-Cache-TTL", "integer", "Seconds the cached answer stays fresh" },
		{ "X-Cache-Store", "string", "Where a cached answer came from when not "
		    "Redis: l1 (the responder's memory, kept true by Redis's invalidation "
		    "messages) or local (the stand-in while Redis is unreachable)" },
		{ "X-Trace-Id", "string", "The request's trace id (also in every error)" },
	};
	static const char *const schemes[][3] = {	/* name, type, what */
		{ "bearerAuth", "http", "Access token of POST /api/auth/login (HS256, 15 minutes)" },
		{ "cronSecret", "http", "Bearer CRON_SECRET (scheduled jobs)" },
		{ "internalKey", "http", "Bearer INTERNAL_API_KEY" },
		{ "providerSignature", "apiKey", "The provider's signature headers (PayPal "
		    "verification, Svix-Signature for Resend, X-Docuseal-Signature), checked "
		    "before the body is used" },
	};
	size_t i;

	if ((schemas = json_tokener_parse(contract_schemas)) == NULL) {
		json_object_put(c);
		return NULL;
	}
	JADD(c, "schemas", schemas);
	h = json_object_new_object();
	for (i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		struct json_object *one = json_object_new_object(), *s = json_object_new_object();

		JADD(one, "description", JSTR(headers[i][2]));
		if (strcmp(headers[i][1], "date-time") == 0) {
			JADD(s, "type", JSTR("string"));
			JADD(s, "format", JSTR("date-time"));
		} else
			JADD(s, "type", JSTR(headers[i][1]));
		JADD(one, "schema", s);
		JADD(h, headers[i][0], one);
	}
	JADD(c, "headers", h);
	sec = json_object_new_object();
	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		x = json_object_new_object();
		JADD(x, "type", JSTR(schemes[i][1]));
		if (strcmp(schemes[i][1], "http") == 0) {
			JADD(x, "scheme", JSTR("bearer"));
			if (strcmp(schemes[i][0], "bearerAuth") == 0)
				JADD(x, "bearerFormat", JSTR("JWT"));
		} else {
			JADD(x, "in", JSTR("header"));
			JADD(x, "name", JSTR("X-Signature"));
		}
		JADD(x, "description", JSTR(schemes[i][2]));
		JADD(sec, schemes[i][0], x);
	}
	JADD(c, "securitySchemes", sec);
	return c;
}

int
openapi_document(struct buf *out)
{
	struct json_object *doc = json_object_new_object(), *info, *paths, *item;
	struct json_object *comp, *schemas, *servers, *srv;
	const struct route *t;
	size_t n, i;
	int rc = 0;

	JADD(doc, "openapi", JSTR("3.1.0"));
	info = json_object_new_object();
	JADD(info, "title", JSTR("ExoDrive API"));
	JADD(info, "version", JSTR(PACKAGE_VERSION));
	JADD(info, "description", JSTR("Generated from the route table. Every error is the "
	    "ErrorEnvelope with a trace id."));
	JADD(doc, "info", info);
	servers = json_object_new_array();
	srv = json_object_new_object();
	JADD(srv, "url", JSTR("/"));
	json_object_array_add(servers, srv);
	JADD(doc, "servers", servers);
	if ((comp = openapi_components()) == NULL) {
		json_object_put(doc);
		return -1;
	}
	schemas = json_object_object_get(comp, "schemas");
	paths = json_object_new_object();
	t = route_served(&n);
	for (i = 0; i < n; i++) {
		if (t[i].output != NULL && !json_object_object_get_ex(schemas, t[i].output, NULL)) {
			LOG_ERR("route %s %s: no schema %s in the contract",
			    route_method_name(t[i].method), t[i].path, t[i].output);
			rc = -1;
		}
		if (!json_object_object_get_ex(paths, t[i].path, &item)) {
			item = json_object_new_object();
			JADD(paths, t[i].path, item);
		}
		{
			char m[16];
			size_t j;

			snprintf(m, sizeof m, "%s", route_method_name(t[i].method));
			for (j = 0; m[j] != '\0'; j++)
				m[j] = (char)(m[j] | 0x20);	/* lower case */
			JADD(item, m, openapi_operation(&t[i]));
		}
	}
	JADD(doc, "paths", paths);
	JADD(doc, "components", comp);
	buf_adds(out, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return rc;
}
