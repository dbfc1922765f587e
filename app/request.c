/* request.c -- parse and validate one request.
 *
 * The only module that reads FastCGI params or parses request JSON. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "cidr.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "request.h"
#include "rng.h"

static char *request_lower(char *);

void
request_init(struct req *r)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena);
}

void
request_reset(struct req *r)
{
	struct arena a = r->arena;

	if (r->json != NULL)
		json_object_put(r->json);
	arena_reset(&a);
	memset(r, 0, sizeof *r);
	r->arena = a;
}

void
request_free(struct req *r)
{
	request_reset(r);
	arena_free(&r->arena);
}

#define REQ_VAR(n)	{ n, sizeof n - 1 }
static const struct { const char *name; size_t len; } request_vars[REQ_VAR__MAX] = {
	[REQ_VAR_METHOD] = REQ_VAR("REQUEST_METHOD"),
	[REQ_VAR_URI] = REQ_VAR("REQUEST_URI"),
	[REQ_VAR_REMOTE_ADDR] = REQ_VAR("REMOTE_ADDR"),
	[REQ_VAR_CONTENT_TYPE] = REQ_VAR("CONTENT_TYPE"),
	[REQ_VAR_CONTENT_LENGTH] = REQ_VAR("CONTENT_LENGTH"),
	[REQ_VAR_TRACE_ID] = REQ_VAR("HTTP_X_TRACE_ID"),
	[REQ_VAR_REQUEST_ID] = REQ_VAR("HTTP_X_REQUEST_ID"),
	[REQ_VAR_FORWARDED_FOR] = REQ_VAR("HTTP_X_FORWARDED_FOR"),
	[REQ_VAR_ORIGIN] = REQ_VAR("HTTP_ORIGIN"),
	[REQ_VAR_AUTHORIZATION] = REQ_VAR("HTTP_AUTHORIZATION"),
	[REQ_VAR_CACHE_CONTROL] = REQ_VAR("HTTP_CACHE_CONTROL"),
};

/* One pass over env: keep the params of enum req_var. */
static void
request_scan(struct req *r)
{
	char *const *e;
	const char *eq;
	size_t len;
	int v;

	for (e = r->env; e != NULL && *e != NULL; e++) {
		if ((eq = strchr(*e, '=')) == NULL)
			continue;
		len = (size_t)(eq - *e);
		for (v = 0; v < REQ_VAR__MAX; v++) {
			if (request_vars[v].len == len &&
			    memcmp(*e, request_vars[v].name, len) == 0) {
				r->var[v] = eq + 1;
				break;
			}
		}
	}
}

/* The value of environment variable name in env, or NULL. */
static const char *
request_env(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env != NULL && *env != NULL; env++) {
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	}
	return NULL;
}

const char *
request_header(const struct req *r, const char *name)
{
	char var[128] = "HTTP_";
	size_t i;
	int v;

	if (strlen(name) + 6 > sizeof var)
		return NULL;
	for (i = 0; name[i] != '\0'; i++)
		var[5 + i] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	var[5 + i] = '\0';
	if (strcmp(var, "HTTP_CONTENT_TYPE") == 0)
		return r->var[REQ_VAR_CONTENT_TYPE];
	for (v = 0; v < REQ_VAR__MAX; v++) {
		if (strcmp(var, request_vars[v].name) == 0)
			return r->var[v];
	}
	return request_env(r->env, var);
}

const char *
request_query(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nquery; i++) {
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value;
	}
	return NULL;
}

static int
request_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
request_percent_decode(char *s, bool plus)
{
	char *w = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+' && plus) {
			*w++ = ' ';
		} else if (*s == '%') {
			if ((hi = request_hexval((unsigned char)s[1])) < 0 ||
			    (lo = request_hexval((unsigned char)s[2])) < 0 ||
			    (hi == 0 && lo == 0))
				return -1;
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
	return 0;
}

bool
request_trace_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 8 || n > REQ_TRACE_LEN)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	}
	return true;
}

static enum http_method
request_method(const char *m)
{
	static const struct { const char *name; enum http_method m; } tbl[] = {
		{ "GET", METHOD_GET }, { "HEAD", METHOD_HEAD },
		{ "POST", METHOD_POST }, { "PUT", METHOD_PUT },
		{ "PATCH", METHOD_PATCH }, { "DELETE", METHOD_DELETE },
		{ "OPTIONS", METHOD_OPTIONS },
	};
	size_t i;

	for (i = 0; i < sizeof tbl / sizeof tbl[0]; i++) {
		if (strcmp(m, tbl[i].name) == 0)
			return tbl[i].m;
	}
	return METHOD_OTHER;
}

/* Split and decode the query string q (an arena copy) into r->query. */
static enum api_err
request_parse_query(struct req *r, char *q)
{
	char *pair, *eq, *save = NULL;

	for (pair = strtok_r(q, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if (r->nquery == REQ_MAX_QUERY)
			return API_INVALID_REQUEST;
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		if (request_percent_decode(pair, true) != 0 ||
		    (eq != NULL && request_percent_decode(eq, true) != 0))
			return API_INVALID_REQUEST;
		r->query[r->nquery].name = pair;
		r->query[r->nquery].value = eq != NULL ? eq : "";
		r->nquery++;
	}
	return API_OK;
}

/* The hop of x-forwarded-for string x (an arena copy) that ends before
 * *end, cut out in place; *end moves to its start.  NULL when none is
 * left.  Hops are separated by commas and blanks. */
static char *
request_hop_before(char *x, char **end)
{
	char *e = *end, *s;

	while (e > x && (e[-1] == ',' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e == x)
		return NULL;
	*e = '\0';
	for (s = e; s > x && s[-1] != ',' && s[-1] != ' ' && s[-1] != '\t'; s--)
		;
	*end = s;
	return s;
}

/* The client address: REMOTE_ADDR, unless that is a trusted proxy; then
 * X-Forwarded-For is walked from the right, where each proxy appends the
 * address it was connected from, and the first hop that is not itself a
 * trusted proxy is the client.  The hops to its left are the client's own
 * words and are never read.  A malformed hop ends the walk at the last
 * address a trusted proxy vouched for.  No real chain of proxies has more
 * than REQ_MAX_HOPS trusted hops, so when the walk reads that many without
 * meeting an untrusted one the request is not believed: its client is
 * REQ_CLIENT_UNKNOWN, which is in no allow list (metrics, rate-limit
 * exemptions) and is one rate-limit identity for every such request.  The
 * walk reads at most REQ_MAX_HOPS hops whatever the header's length. */
static const char *
request_client_ip(struct req *r)
{
	const char *xff = r->var[REQ_VAR_FORWARDED_FOR];
	const char *client = r->remote_addr;
	char *copy, *end, *hop;
	int n;

	if (client == NULL)
		return REQ_CLIENT_UNKNOWN;
	if (xff == NULL || !cidr_list_contains(&conf->trusted_proxies, client))
		return client;
	copy = arena_strdup(&r->arena, xff);
	end = copy + strlen(copy);
	for (n = 0; (hop = request_hop_before(copy, &end)) != NULL; n++) {
		if (n == REQ_MAX_HOPS)
			return REQ_CLIENT_UNKNOWN;
		if (!cidr_is_ip(hop))
			return client;
		client = hop;
		if (!cidr_list_contains(&conf->trusted_proxies, client))
			return client;
	}
	return client;
}

static void
request_trace(struct req *r)
{
	const char *in = r->var[REQ_VAR_TRACE_ID];

	if (in == NULL || !request_trace_ok(in))
		in = r->var[REQ_VAR_REQUEST_ID];
	if (in != NULL && request_trace_ok(in))
		snprintf(r->trace_id, sizeof r->trace_id, "%s", in);
	else
		rng_id_hex(r->trace_id);
}

enum api_err
request_begin(struct req *r, char *const *env)
{
	const char *uri, *m, *cl;
	char *path, *q;

	r->env = env;
	r->start_us = clock_mono_us();
	request_scan(r);
	request_trace(r);
	m = r->var[REQ_VAR_METHOD];
	r->method_name = m != NULL ? m : "GET";
	r->method = request_method(r->method_name);
	r->remote_addr = r->var[REQ_VAR_REMOTE_ADDR];
	r->client_ip = request_client_ip(r);
	r->content_type = r->var[REQ_VAR_CONTENT_TYPE];
	cl = r->var[REQ_VAR_CONTENT_LENGTH];
	r->content_length = cl != NULL && *cl != '\0' ? strtoll(cl, NULL, 10) : 0;
	if ((uri = r->var[REQ_VAR_URI]) == NULL)
		uri = "/";
	path = arena_strdup(&r->arena, uri);
	r->path = path;
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	if ((q = strchr(path, '#')) != NULL)
		*q = '\0';
	if (request_percent_decode(path, false) != 0 || path[0] != '/')
		return API_INVALID_REQUEST;
	if ((q = strchr(uri, '?')) != NULL)
		return request_parse_query(r, arena_strdup(&r->arena, q + 1));
	return API_OK;
}

/* True if the Content-Type ct names media type mt (parameters ignored). */
static bool
request_media_is(const char *ct, const char *mt)
{
	size_t n = strlen(mt);

	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, mt, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

struct json_object *
request_json_parse(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *o;
	enum json_tokener_error jerr;

	o = json_tokener_parse_ex(tok, s, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success && json_tokener_get_parse_end(tok) != len)
		jerr = json_tokener_error_parse_unexpected;
	json_tokener_free(tok);
	if (jerr != json_tokener_success || o == NULL) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

enum api_err
request_parse_body(struct req *r, const struct input *in, const char **why)
{

	if (r->body_len == 0)
		return API_OK;
	switch (in->body) {
	case BODY_JSON:
	case BODY_JSON_OPEN:
		if (!request_media_is(r->content_type, "application/json")) {
			*why = "Content-Type must be application/json";
			return API_UNSUPPORTED_MEDIA_TYPE;
		}
		break;
	case BODY_MULTIPART:
		if (!request_media_is(r->content_type, "multipart/form-data")) {
			*why = "Content-Type must be multipart/form-data";
			return API_UNSUPPORTED_MEDIA_TYPE;
		}
		return API_OK;
	case BODY_NONE:
	case BODY__UNSET:
		*why = "This endpoint does not accept a request body";
		return API_UNSUPPORTED_MEDIA_TYPE;
	}
	if ((r->json = request_json_parse(r->body, r->body_len)) == NULL) {
		*why = "Malformed JSON body";
		return API_INVALID_REQUEST;
	}
	return API_OK;
}

/* Index of {name} among the params of pattern, or -1. */
static int
request_param_index(const char *pattern, const char *name)
{
	size_t n = strlen(name);
	const char *p;
	int i = 0;

	for (p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{'), i++) {
		if (strncmp(p + 1, name, n) == 0 && p[n + 1] == '}')
			return i;
	}
	return -1;
}

/* Number of code points in s, or -1 if s is not valid UTF-8. */
static long
request_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	int extra, i;

	while (*p != '\0') {
		if (*p < 0x80)
			extra = 0;
		else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
			extra = 1;
		else if ((*p & 0xf0) == 0xe0)
			extra = 2;
		else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
			extra = 3;
		else
			return -1;
		for (i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
		}
		p += extra + 1;
		n++;
	}
	return n;
}

static bool
request_is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool
request_is_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || s[4] != '-' || s[7] != '-' || !isdigit((unsigned char)s[5]) ||
	    !isdigit((unsigned char)s[8]))
		return false;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

/* A pragmatic address check: one '@', a dot in the domain, no blanks. */
static bool
request_is_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s), i;

	if (n < 3 || n > 254 || at == NULL || at == s || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == '<' || s[i] == '>' ||
		    s[i] == '"' || s[i] == ',' || s[i] == ';' || s[i] == '\\')
			return false;
	}
	return true;
}

/* "123", "123.4", "123.45": below 10^8, at most two decimals. */
static bool
request_is_money(const char *s)
{
	size_t digits = 0, decimals = 0;
	bool dot = false;

	for (; *s != '\0'; s++) {
		if (*s == '.' && !dot && digits > 0)
			dot = true;
		else if (isdigit((unsigned char)*s) && !dot)
			digits++;
		else if (isdigit((unsigned char)*s) && dot)
			decimals++;
		else
			return false;
	}
	return digits > 0 && digits <= 8 && decimals <= 2 && (!dot || decimals > 0);
}

/* Check v against k.  Returns NULL, or a message for the field. */
static const char *
request_check(const struct key *k, const char *v)
{
	long long n;
	long len;
	char *end;
	size_t i;

	switch (k->type) {
	case KEY_LINE:
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
				return "Must be one line without control characters";
		/* FALLTHROUGH */
	case KEY_STRING:
		if ((len = request_utf8_len(v)) < 0)
			return "Must be valid UTF-8 text";
		if (len < k->min)
			return "Is too short";
		if (k->max > 0 && len > k->max)
			return "Is too long";
		return NULL;
	case KEY_UUID:
		return request_is_uuid(v) ? NULL : "Must be a UUID";
	case KEY_DATE:
		return request_is_date(v) ? NULL : "Must be a date (YYYY-MM-DD)";
	case KEY_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0')
			return "Must be an integer";
		if ((k->min != 0 || k->max != 0) && (n < k->min || n > k->max))
			return "Is out of range";
		return NULL;
	case KEY_BOOL:
		return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 ?
		    NULL : "Must be true or false";
	case KEY_EMAIL:
		return request_is_email(v) ? NULL : "Must be an email address";
	case KEY_MONEY:
		return request_is_money(v) ? NULL :
		    "Must be an amount >= 0 with at most 2 decimals";
	case KEY_ARRAY:
	case KEY_OBJECT:
		return NULL;
	case KEY_ENUM:
		for (i = 0; k->choices != NULL && k->choices[i] != NULL; i++) {
			if (strcmp(v, k->choices[i]) == 0)
				return NULL;
		}
		return "Is not one of the allowed values";
	}
	return "Unknown type";
}

/* The member at dotted path name ("a.b") of object o, or NULL. */
static struct json_object *
request_member(struct json_object *o, const char *name)
{
	const char *dot;
	char part[64];
	size_t n;

	while (o != NULL && json_object_is_type(o, json_type_object)) {
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		if (n >= sizeof part)
			return NULL;
		memcpy(part, name, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(o, part, &o))
			return NULL;
		if (dot == NULL)
			return o;
		name = dot + 1;
	}
	return NULL;
}

/* The text of JSON value v for key k (arena storage), or NULL with *why. */
static const char *
request_body_text(struct req *r, const struct key *k, struct json_object *v,
    const char **why)
{
	char money[32];

	switch (k->type) {
	case KEY_INT:
		if (!json_object_is_type(v, json_type_int))
			return *why = "Must be an integer", NULL;
		break;
	case KEY_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return *why = "Must be true or false", NULL;
		break;
	case KEY_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			return *why = "Must be an array", NULL;
		if ((long)json_object_array_length(v) < k->min ||
		    (k->max > 0 && (long)json_object_array_length(v) > k->max))
			return *why = "Has the wrong number of items", NULL;
		return "";	/* present; the service reads the items */
	case KEY_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return *why = "Must be an object", NULL;
		return "";	/* present; the service reads the members */
	case KEY_MONEY:
		if (json_object_is_type(v, json_type_int))
			break;
		if (!json_object_is_type(v, json_type_double))
			return *why = "Must be a number", NULL;
		/* json-c keeps the number's own text: 12.5 stays "12.5". */
		snprintf(money, sizeof money, "%s", json_object_to_json_string(v));
		return arena_strdup(&r->arena, money);
	default:
		if (!json_object_is_type(v, json_type_string))
			return *why = "Must be a string", NULL;
		if (k->type == KEY_EMAIL)
			return request_lower(arena_strdup(&r->arena,
			    json_object_get_string(v)));
	}
	return arena_strdup(&r->arena, json_object_get_string(v));
}

static char *
request_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Refuse body members no key declares, at any depth (mass assignment). */
static void
request_unknown(struct json_object *o, const char *prefix,
    const struct input *in, struct json_object **details)
{
	char path[128];
	size_t i, n;
	bool known, parent;

	json_object_object_foreach(o, name, val) {
		snprintf(path, sizeof path, "%s%s", prefix, name);
		n = strlen(path);
		known = parent = false;
		for (i = 0; i < in->nkeys; i++) {
			if (in->keys[i].src != KEY_BODY)
				continue;
			if (strcmp(in->keys[i].name, path) == 0)
				known = true;
			else if (strncmp(in->keys[i].name, path, n) == 0 &&
			    in->keys[i].name[n] == '.')
				parent = true;
		}
		if (parent && json_object_is_type(val, json_type_object) &&
		    n + 2 < sizeof path) {
			path[n] = '.';
			path[n + 1] = '\0';
			request_unknown(val, path, in, details);
		} else if (!known)
			request_field_error(details, path, "Unknown field");
	}
}

/* The raw value of k in r as a string (arena storage), or NULL. */
static const char *
request_raw(struct req *r, const struct route *rt, const struct key *k,
    const char **why)
{
	struct json_object *v;
	const char *v0;
	int i;

	switch (k->src) {
	case KEY_PATH:
		i = request_param_index(rt->path, k->name);
		return i >= 0 && (size_t)i < r->nparams ? r->params[i] : NULL;
	case KEY_QUERY:
		v0 = request_query(r, k->name);
		return v0 != NULL && k->type == KEY_EMAIL ?
		    request_lower(arena_strdup(&r->arena, v0)) : v0;
	case KEY_HEADER:
		return request_header(r, k->name);
	case KEY_BODY:
		if ((v = request_member(r->json, k->name)) == NULL ||
		    json_object_is_type(v, json_type_null))
			return NULL;
		return request_body_text(r, k, v, why);
	}
	return NULL;
}

void
request_field_error(struct json_object **details, const char *name,
    const char *msg)
{
	struct json_object *fields, *list;

	if (*details == NULL) {
		*details = json_object_new_object();
		json_object_object_add(*details, "formErrors",
		    json_object_new_array());
		json_object_object_add(*details, "fieldErrors",
		    json_object_new_object());
	}
	json_object_object_get_ex(*details, "fieldErrors", &fields);
	if (!json_object_object_get_ex(fields, name, &list)) {
		list = json_object_new_array();
		json_object_object_add(fields, name, list);
	}
	json_object_array_add(list, json_object_new_string(msg));
}

enum api_err
request_validate(struct req *r, const struct route *rt,
    struct json_object **details)
{
	const struct input *in = rt->input;
	const char *v, *why;
	size_t i;

	*details = NULL;
	if (r->json != NULL && !json_object_is_type(r->json, json_type_object)) {
		request_field_error(details, "body", "Must be a JSON object");
		return API_VALIDATION_ERROR;
	}
	if (r->json != NULL && in->body == BODY_JSON)
		request_unknown(r->json, "", in, details);
	for (i = 0; i < in->nkeys && i < REQ_MAX_KEYS; i++) {
		why = NULL;
		v = request_raw(r, rt, &in->keys[i], &why);
		if (v == NULL && why == NULL && in->keys[i].required)
			why = "Required";
		if (v != NULL && why == NULL && in->keys[i].type != KEY_ARRAY &&
		    in->keys[i].type != KEY_OBJECT)
			why = request_check(&in->keys[i], v);
		if (why != NULL)
			request_field_error(details, in->keys[i].name, why);
		else
			r->field[i] = v;
	}
	return *details == NULL ? API_OK : API_VALIDATION_ERROR;
}

void
request_read_body(struct req *r, void *fr)
{
	FCGX_Request *q = fr;
	char *p, sink[8192];
	size_t want;
	long limit;
	int got;

	if (r->content_length <= 0)
		return;
	/* Uploads (multipart) may be larger; dispatch refuses a body above
	 * MAX_BODY_BYTES on any route that does not take multipart. */
	limit = request_media_is(r->content_type, "multipart/form-data") ?
	    conf->max_body_bytes + conf->upload_max_bytes : conf->max_body_bytes;
	if (r->content_length > limit) {
		/* Drain, so the web server is not cut off mid-body and our
		 * 413 reaches the client; the web server caps the size. */
		r->body_too_large = true;
		while (FCGX_GetStr(sink, sizeof sink, q->in) > 0)
			;
		return;
	}
	want = (size_t)r->content_length;
	p = arena_alloc(&r->arena, want + 1);
	got = FCGX_GetStr(p, (int)want, q->in);
	r->body_len = got > 0 ? (size_t)got : 0;
	p[r->body_len] = '\0';
	r->body = p;
}
