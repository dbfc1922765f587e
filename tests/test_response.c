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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(response_render__json__has_length_and_security_headers),
		cmocka_unit_test(response_error__details_and_retry__form_the_envelope),
		cmocka_unit_test(response_header__line_break__is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
