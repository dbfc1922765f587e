/* test_response.c -- headers every response carries; the envelope. */
#include "config.h"

#include <json-c/json.h>

#include "test_common.h"

#include "request.h"
#include "response.h"

static void
render(struct resp *s, struct req *r, struct buf *out)
{
	buf_init(out);
	response_render(s, r, out);
}

static void
response_render__json__has_length_and_security_headers(void **state)
{
	struct req r;
	struct resp s;
	struct buf out;

	(void)state;
	request_init(&r);
	strcpy(r.trace_id, "trace-1234");
	r.method = METHOD_GET;
	response_init(&s);
	response_json(&s, 201, json_object_new_string("hé"));
	s.cache = CACHE_FLEET;
	render(&s, &r, &out);
	assert_non_null(strstr(out.data, "Status: 201 Created\r\n"));
	assert_non_null(strstr(out.data, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(out.data, "Content-Length: 5\r\n"));
	assert_non_null(strstr(out.data, "X-Content-Type-Options: nosniff\r\n"));
	assert_non_null(strstr(out.data, "Cache-Control: public, max-age=300\r\n"));
	assert_non_null(strstr(out.data, "X-Trace-Id: trace-1234\r\n"));
	assert_non_null(strstr(out.data, "X-Response-Time: "));
	assert_non_null(strstr(out.data, "\r\n\r\n\"hé\""));
	buf_free(&out);
	r.method = METHOD_HEAD;
	render(&s, &r, &out);
	assert_non_null(strstr(out.data, "Content-Length: 5\r\n"));
	assert_int_equal(out.data[out.len - 1], '\n');
	buf_free(&out);
	response_free(&s);
	request_free(&r);
}

static void
response_error__details_and_retry__form_the_envelope(void **state)
{
	struct json_object *root, *e, *v, *d = json_object_new_object();
	struct req r;
	struct resp s;
	struct buf out;

	(void)state;
	request_init(&r);
	strcpy(r.trace_id, "trace-5678");
	response_init(&s);
	json_object_object_add(d, "k", json_object_new_int(1));
	response_error(&s, &r, API_RATE_LIMITED, NULL, d, 17);
	assert_int_equal(s.status, 429);
	root = json_tokener_parse(s.body.data);
	assert_true(json_object_object_get_ex(root, "error", &e));
	assert_true(json_object_object_get_ex(e, "code", &v));
	assert_string_equal(json_object_get_string(v), "RATE_LIMITED");
	assert_true(json_object_object_get_ex(e, "traceId", &v));
	assert_string_equal(json_object_get_string(v), "trace-5678");
	assert_true(json_object_object_get_ex(e, "retryAfter", &v));
	assert_int_equal(json_object_get_int(v), 17);
	assert_true(json_object_object_get_ex(e, "timestamp", &v));
	assert_true(json_object_object_get_ex(e, "details", &v));
	assert_true(json_object_object_get_ex(root, "status", &v));
	assert_int_equal(json_object_get_int(v), 429);
	json_object_put(root);
	render(&s, &r, &out);
	assert_non_null(strstr(out.data, "Retry-After: 17\r\n"));
	assert_non_null(strstr(out.data, "Cache-Control: no-store\r\n"));
	buf_free(&out);
	response_free(&s);
	request_free(&r);
}

static void
response_header__line_break__is_refused(void **state)
{
	struct resp s;

	(void)state;
	response_init(&s);
	response_header(&s, "X-Evil", "a\r\nSet-Cookie: b");
	response_header(&s, "X-Good", "%d", 5);
	assert_null(strstr(s.headers.data, "Set-Cookie"));
	assert_string_equal(s.headers.data, "X-Good: 5\r\n");
	response_free(&s);
}

static void
response_etag_matches__forms__weak_comparison_of_rfc9110(void **state)
{
	const char *t = "0123456789abcdef01234567";
	char m[64];

	(void)state;
	assert_true(response_etag_matches("\"0123456789abcdef01234567\"", t, m));
	assert_string_equal(m, t);
	assert_true(response_etag_matches("W/\"0123456789abcdef01234567\"", t, m));
	assert_true(response_etag_matches("\"a\", W/\"b\" ,\"0123456789abcdef01234567\"", t, m));
	assert_true(response_etag_matches("*", t, m));
	assert_string_equal(m, t);
	assert_true(response_etag_matches("\"0123456789abcdef01234567-gzip\"", t, m));
	assert_string_equal(m, "0123456789abcdef01234567-gzip");
	assert_true(response_etag_matches("W/\"0123456789abcdef01234567-br\"", t, m));
	assert_false(response_etag_matches("\"0123456789abcdef01234567-gzipx\"", t, m));
	assert_false(response_etag_matches("\"0123456789abcdef0123456\"", t, m));
	assert_false(response_etag_matches("\"0123456789abcdef012345678\"", t, m));
	assert_false(response_etag_matches("0123456789abcdef01234567", t, m));
	assert_false(response_etag_matches("\"0123456789abcdef01234567", t, m));
	assert_false(response_etag_matches("", t, m));
	assert_false(response_etag_matches("\"x\", garbage, \"0123456789abcdef01234567\"", t, m));
}

static void
response_not_modified__matching_200__is_304_without_body(void **state)
{
	struct req r;
	struct resp s;
	struct buf out;

	(void)state;
	request_init(&r);
	strcpy(r.trace_id, "trace-304");
	r.method = METHOD_GET;
	response_init(&s);
	response_raw_json(&s, 200, "{\"a\":1}", 7);
	s.cache = CACHE_FLEET;
	assert_false(response_not_modified(&s, "\"abc\""));	/* no tag yet */
	response_etag(&s, "abc");
	response_header(&s, "X-Cache", "HIT");
	assert_false(response_not_modified(&s, NULL));
	assert_false(response_not_modified(&s, "\"abd\""));
	assert_int_equal(s.status, 200);
	assert_true(response_not_modified(&s, "W/\"abc-br\""));
	render(&s, &r, &out);
	assert_non_null(strstr(out.data, "Status: 304 Not Modified\r\n"));
	assert_null(strstr(out.data, "Content-Length"));
	assert_null(strstr(out.data, "\r\nContent-Type:"));
	assert_non_null(strstr(out.data, "ETag: \"abc-br\"\r\n"));
	assert_non_null(strstr(out.data, "X-Cache: HIT\r\n"));
	assert_non_null(strstr(out.data, "X-Trace-Id: trace-304\r\n"));
	assert_non_null(strstr(out.data, "Cache-Control: public, max-age=300\r\n"));
	assert_int_equal(out.data[out.len - 1], '\n');
	buf_free(&out);
	response_reset(&s);
	response_etag(&s, "bad tag\"");
	assert_string_equal(s.etag, "");
	response_free(&s);
	request_free(&r);
}

static void
response_rate_headers__values__draft_08_fields_and_iso_reset(void **state)
{
	struct resp s;

	(void)state;
	response_init(&s);
	response_rate_headers(&s, "public", 100, 60, 42, 17);
	assert_non_null(strstr(s.headers.data, "X-RateLimit-Limit: 100\r\n"));
	assert_non_null(strstr(s.headers.data, "X-RateLimit-Remaining: 42\r\n"));
	assert_non_null(strstr(s.headers.data, "X-RateLimit-Reset: 20"));
	assert_non_null(strstr(s.headers.data, "Z\r\n"));
	assert_non_null(strstr(s.headers.data, "RateLimit-Policy: \"public\";q=100;w=60\r\n"));
	assert_non_null(strstr(s.headers.data, "RateLimit: \"public\";r=42;t=17\r\n"));
	response_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(response_render__json__has_length_and_security_headers),
		cmocka_unit_test(response_error__details_and_retry__form_the_envelope),
		cmocka_unit_test(response_header__line_break__is_refused),
		cmocka_unit_test(response_etag_matches__forms__weak_comparison_of_rfc9110),
		cmocka_unit_test(response_not_modified__matching_200__is_304_without_body),
		cmocka_unit_test(response_rate_headers__values__draft_08_fields_and_iso_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
