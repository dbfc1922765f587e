/* response.c -- the one place that writes status lines and serialises
 * JSON bodies. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "clock.h"
#include "log.h"
#include "request.h"
#include "response.h"

void
response_init(struct resp *s)
{
	memset(s, 0, sizeof *s);
	buf_init(&s->headers);
	buf_init(&s->body);
	response_reset(s);
}

void
response_reset(struct resp *s)
{
	buf_reset(&s->headers);
	buf_reset(&s->body);
	s->status = 200;
	s->content_type = "application/json";
	s->cache = CACHE_NONE;
	s->etag[0] = '\0';
}

void
response_free(struct resp *s)
{
	buf_free(&s->headers);
	buf_free(&s->body);
}

void
response_header(struct resp *s, const char *name, const char *fmt, ...)
{
	struct buf v;
	va_list ap;

	buf_init(&v);
	va_start(ap, fmt);
	buf_vprintf(&v, fmt, ap);
	va_end(ap);
	if (v.data != NULL && strpbrk(v.data, "\r\n") != NULL)
		LOG_ERR("refused header %s with a line break", name);
	else
		buf_printf(&s->headers, "%s: %s\r\n", name, v.data ? v.data : "");
	buf_free(&v);
}

/* Serialise o into b as compact JSON.  Doubles keep json-c's own text
 * (the one given to json_object_new_double_s(), if any). */
static void
response_write_json(struct buf *b, struct json_object *o)
{
	struct json_object_iterator it, end;
	size_t i, n;
	int first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		buf_adds(b, "null");
		break;
	case json_type_boolean:
		buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
		buf_add_int(b, json_object_get_int64(o));
		break;
	case json_type_double:
		buf_adds(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		buf_add_json_string(b, json_object_get_string(o));
		break;
	case json_type_array:
		buf_addc(b, '[');
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			response_write_json(b, json_object_array_get_idx(o, i));
		}
		buf_addc(b, ']');
		break;
	case json_type_object:
		buf_addc(b, '{');
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
			if (!first)
				buf_addc(b, ',');
			first = 0;
			buf_add_json_string(b, json_object_iter_peek_name(&it));
			buf_addc(b, ':');
			response_write_json(b, json_object_iter_peek_value(&it));
		}
		buf_addc(b, '}');
		break;
	}
}

void
response_json(struct resp *s, int status, struct json_object *obj)
{
	s->status = status;
	s->content_type = "application/json";
	buf_reset(&s->body);
	response_write_json(&s->body, obj);
	json_object_put(obj);
}

void
response_raw_json(struct resp *s, int status, const char *json, size_t len)
{
	s->status = status;
	s->content_type = "application/json";
	buf_reset(&s->body);
	buf_add(&s->body, json, len);
}

void
response_body(struct resp *s, int status, const char *content_type,
    const char *body, size_t len)
{
	s->status = status;
	s->content_type = content_type;
	buf_reset(&s->body);
	buf_add(&s->body, body ? body : "", len);
}

void
response_empty(struct resp *s, int status)
{
	s->status = status;
	buf_reset(&s->body);
}

void
response_error(struct resp *s, const struct req *r, enum api_err err,
    const char *message, struct json_object *details, long retry_after)
{
	struct json_object *root = json_object_new_object(), *e;
	char ts[40];
	int status = apierr_status(err);

	clock_iso8601(ts, sizeof ts);
	e = json_object_new_object();
	json_object_object_add(e, "code", json_object_new_string(apierr_code(err)));
	json_object_object_add(e, "message", json_object_new_string(
	    message != NULL ? message : apierr_message(err)));
	if (details != NULL)
		json_object_object_add(e, "details", details);
	json_object_object_add(e, "timestamp", json_object_new_string(ts));
	json_object_object_add(e, "traceId", json_object_new_string(r->trace_id));
	if (retry_after > 0) {
		json_object_object_add(e, "retryAfter",
		    json_object_new_int64(retry_after));
		response_header(s, "Retry-After", "%ld", retry_after);
	}
	json_object_object_add(root, "error", e);
	json_object_object_add(root, "status", json_object_new_int(status));
	s->cache = CACHE_NONE;
	response_json(s, status, root);
}

void
response_etag(struct resp *s, const char *opaque)
{
	if (strlen(opaque) >= sizeof s->etag ||
	    opaque[strspn(opaque, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-")] != '\0') {
		LOG_ERR("refused entity tag %.80s", opaque);
		return;
	}
	strcpy(s->etag, opaque);
}

/* The content codings a web server in front of us may apply, whose name
 * it appends to the entity tag ("tag-gzip"): Apache's mod_deflate and
 * mod_brotli (DeflateAlterETag/BrotliAlterETag AddSuffix, the default),
 * lighttpd's mod_deflate. */
static const char *const response_codings[] = { "gzip", "br", "deflate", "zstd" };

/* Whether the member tag (len bytes) names opaque or a coding of it. */
static bool
response_etag_same(const char *tag, size_t len, const char *opaque)
{
	size_t n = strlen(opaque), i;

	if (len < n || memcmp(tag, opaque, n) != 0)
		return false;
	if (len == n)
		return true;
	if (tag[n] != '-')
		return false;
	for (i = 0; i < sizeof response_codings / sizeof response_codings[0]; i++)
		if (len - n - 1 == strlen(response_codings[i]) &&
		    memcmp(tag + n + 1, response_codings[i], len - n - 1) == 0)
			return true;
	return false;
}

bool
response_etag_matches(const char *inm, const char *opaque, char *matched)
{
	const char *p = inm, *end;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return false;
		if (*p == '*') {	/* any current representation */
			if (matched != NULL)
				snprintf(matched, 64, "%s", opaque);
			return true;
		}
		if (strncmp(p, "W/", 2) == 0)	/* weak comparison */
			p += 2;
		if (*p != '"' || (end = strchr(p + 1, '"')) == NULL)
			return false;		/* not an entity tag: no match */
		p++;
		if (response_etag_same(p, (size_t)(end - p), opaque)) {
			if (matched != NULL)
				snprintf(matched, 64, "%.*s", (int)(end - p), p);
			return true;
		}
		p = end + 1;
	}
}

bool
response_not_modified(struct resp *s, const char *inm)
{
	char matched[64];

	if (s->status != 200 || s->etag[0] == '\0' || inm == NULL ||
	    !response_etag_matches(inm, s->etag, matched))
		return false;
	s->status = 304;
	buf_reset(&s->body);
	/* The tag of the representation the client holds: ours, or the one
	 * the web server gave its compressed copy. */
	snprintf(s->etag, sizeof s->etag, "%s", matched);
	return true;
}

void
response_rate_headers(struct resp *s, const char *policy, long limit,
    long window, long remaining, long reset)
{
	char at[40];
	time_t t = time(NULL) + reset;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	response_header(s, "X-RateLimit-Limit", "%ld", limit);
	response_header(s, "X-RateLimit-Remaining", "%ld", remaining);
	response_header(s, "X-RateLimit-Reset", "%s", at);
	response_header(s, "RateLimit-Policy", "\"%s\";q=%ld;w=%ld", policy,
	    limit, window);
	response_header(s, "RateLimit", "\"%s\";r=%ld;t=%ld", policy, remaining,
	    reset);
}

void
response_render(const struct resp *s, const struct req *r, struct buf *out)
{
	buf_adds(out, "Status: ");
	buf_add_int(out, s->status);
	buf_addc(out, ' ');
	buf_adds(out, apierr_reason(s->status));
	if (s->status != 204 && s->status != 304) {
		buf_adds(out, "\r\nContent-Type: ");
		buf_adds(out, s->content_type);
		buf_adds(out, "\r\nContent-Length: ");
		buf_add_int(out, (long long)s->body.len);
	}
	buf_adds(out, "\r\nX-Content-Type-Options: nosniff\r\nCache-Control: ");
	buf_adds(out, route_cache_control(s->cache));
	if (s->etag[0] != '\0') {
		buf_adds(out, "\r\nETag: \"");
		buf_adds(out, s->etag);
		buf_addc(out, '"');
	}
	buf_adds(out, "\r\nX-Trace-Id: ");
	buf_adds(out, r->trace_id);
	buf_adds(out, "\r\nX-Response-Time: ");
	buf_add_ms(out, clock_mono_us() - r->start_us);
	buf_adds(out, "ms\r\n");
	if (s->headers.len > 0)
		buf_add(out, s->headers.data, s->headers.len);
	buf_adds(out, "\r\n");
	if (r->method != METHOD_HEAD && s->body.len > 0)
		buf_add(out, s->body.data, s->body.len);
}

size_t
response_send(const struct resp *s, const struct req *r, void *out)
{
	static struct buf b;	/* reused: one request at a time per process */

	buf_reset(&b);
	response_render(s, r, &b);
	if (FCGX_PutStr(b.data, (int)b.len, out) < 0)
		LOG_WARN("client went away before the response was written");
	return r->method == METHOD_HEAD ? 0 : s->body.len;
}
