/* test_dispatch.c -- routing outcomes and policy through the real table. */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "test_common.h"

#include "conf.h"
#include "dispatch.h"
#include "request.h"
#include "response.h"
#include "route.h"

static struct conf c;

static int
setup(void **state)
{
	const struct route *t;
	char err[256];
	size_t n;

	(void)state;
	t = routes_table(&n);
	route_serve(t, n);
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	free(c.cors_origins);
	c.cors_origins = strdup("https://shop.example");
	conf = &c;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(&c);
	return 0;
}

/* Dispatch env and return the status; the error code (or "") in code. */
static int
call(const char **env, const char *body, struct resp *s, char *code, size_t n)
{
	struct json_object *root, *e, *v;
	struct req r;
	enum api_err early;

	request_init(&r);
	response_reset(s);
	early = request_begin(&r, (char *const *)env);
	if (body != NULL) {
		r.body = body;
		r.body_len = strlen(body);
	}
	if (r.content_length > c.max_body_bytes)
		r.body_too_large = true;
	dispatch_run(&r, s, early);
	code[0] = '\0';
	root = json_tokener_parse(s->body.data ? s->body.data : "");
	if (root != NULL && json_object_object_get_ex(root, "error", &e) &&
	    json_object_object_get_ex(e, "code", &v))
		snprintf(code, n, "%s", json_object_get_string(v));
	json_object_put(root);
	request_free(&r);
	return s->status;
}

static void
dispatch_run__unknown_path__is_404_envelope(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/none", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, NULL, &s, code, sizeof code), 404);
	assert_string_equal(code, "NOT_FOUND");
	response_free(&s);
}

static void
dispatch_run__wrong_method__is_405_with_allow(void **state)
{
	const char *env[] = { "REQUEST_METHOD=DELETE", "REQUEST_URI=/api/health", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, NULL, &s, code, sizeof code), 405);
	assert_string_equal(code, "METHOD_NOT_ALLOWED");
	assert_non_null(strstr(s.headers.data, "Allow: GET, HEAD, OPTIONS\r\n"));
	response_free(&s);
}

static void
dispatch_run__body_over_limit__is_413_before_routing(void **state)
{
	const char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/none",
	    "CONTENT_LENGTH=99999999", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, NULL, &s, code, sizeof code), 413);
	assert_string_equal(code, "PAYLOAD_TOO_LARGE");
	response_free(&s);
}

static void
dispatch_run__body_on_bodiless_route__is_415(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/health",
	    "CONTENT_TYPE=text/plain", "CONTENT_LENGTH=5", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, "hello", &s, code, sizeof code), 415);
	assert_string_equal(code, "UNSUPPORTED_MEDIA_TYPE");
	response_free(&s);
}

static void
dispatch_run__preflight_from_allowed_origin__gets_cors(void **state)
{
	const char *ok[] = { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/health",
	    "HTTP_ORIGIN=https://shop.example", NULL };
	const char *other[] = { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/health",
	    "HTTP_ORIGIN=https://evil.example", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(ok, NULL, &s, code, sizeof code), 204);
	assert_non_null(strstr(s.headers.data,
	    "Access-Control-Allow-Origin: https://shop.example\r\n"));
	assert_non_null(strstr(s.headers.data, "Access-Control-Allow-Methods: GET"));
	assert_int_equal(call(other, NULL, &s, code, sizeof code), 204);
	assert_null(strstr(s.headers.data, "Access-Control-Allow-Origin"));
	response_free(&s);
}

static void
dispatch_run__health__is_200_json(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/health",
	    "HTTP_ORIGIN=https://shop.example", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, NULL, &s, code, sizeof code), 200);
	assert_string_equal(code, "");
	assert_non_null(strstr(s.body.data, "\"status\":\"ok\""));
	assert_non_null(strstr(s.headers.data, "Access-Control-Allow-Origin"));
	response_free(&s);
}

static void
dispatch_run__early_error__is_rendered_without_routing(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/he%zzalth", NULL };
	struct resp s;
	char code[64];

	(void)state;
	response_init(&s);
	assert_int_equal(call(env, NULL, &s, code, sizeof code), 400);
	assert_string_equal(code, "INVALID_REQUEST");
	response_free(&s);
}

static void
dispatch_run__webhook_secret_unset__is_401(void **state)
{
	const char *body = "{\"event_type\":\"submission.completed\"}";
	char len[32], code[64];
	const char *docuseal[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/webhooks/docuseal", "CONTENT_TYPE=application/json",
	    len, "HTTP_X_DOCUSEAL_SIGNATURE=00", NULL };
	const char *resend[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/webhooks/resend", "CONTENT_TYPE=application/json",
	    len, "HTTP_SVIX_ID=msg_1", "HTTP_SVIX_TIMESTAMP=1",
	    "HTTP_SVIX_SIGNATURE=v1,AAAA", NULL };
	const char *rbody = "{\"type\":\"email.sent\",\"created_at\":\"2026-01-01T00:00:00Z\"}";
	struct resp s;

	(void)state;
	response_init(&s);
	snprintf(len, sizeof len, "CONTENT_LENGTH=%zu", strlen(body));
	assert_int_equal(call(docuseal, body, &s, code, sizeof code), 401);
	assert_string_equal(code, "UNAUTHORIZED");
	snprintf(len, sizeof len, "CONTENT_LENGTH=%zu", strlen(rbody));
	assert_int_equal(call(resend, rbody, &s, code, sizeof code), 401);
	assert_string_equal(code, "UNAUTHORIZED");
	response_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dispatch_run__unknown_path__is_404_envelope),
		cmocka_unit_test(dispatch_run__wrong_method__is_405_with_allow),
		cmocka_unit_test(dispatch_run__body_over_limit__is_413_before_routing),
		cmocka_unit_test(dispatch_run__body_on_bodiless_route__is_415),
		cmocka_unit_test(dispatch_run__preflight_from_allowed_origin__gets_cors),
		cmocka_unit_test(dispatch_run__health__is_200_json),
		cmocka_unit_test(dispatch_run__early_error__is_rendered_without_routing),
		cmocka_unit_test(dispatch_run__webhook_secret_unset__is_401),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
