/* test_request.c -- request parsing and input validation. */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "test_common.h"

#include "cidr.h"
#include "conf.h"
#include "request.h"

static struct conf c;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
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

static void
request_percent_decode__escapes__are_decoded_or_refused(void **state)
{
	char a[] = "/api/cars%2Fx%41+b", b[] = "a+b%20c", bad1[] = "%zz",
	    bad2[] = "%00", bad3[] = "%4";

	(void)state;
	assert_int_equal(request_percent_decode(a, false), 0);
	assert_string_equal(a, "/api/cars/xA+b");
	assert_int_equal(request_percent_decode(b, true), 0);
	assert_string_equal(b, "a b c");
	assert_int_equal(request_percent_decode(bad1, false), -1);
	assert_int_equal(request_percent_decode(bad2, false), -1);
	assert_int_equal(request_percent_decode(bad3, false), -1);
}

static void
request_begin__uri_with_query__splits_and_decodes(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/cars?search=F%C3%A9rrari+red&page=2&flag", "REMOTE_ADDR=203.0.113.9", NULL };
	struct req r;

	(void)state;
	request_init(&r);
	assert_int_equal(request_begin(&r, (char *const *)env), API_OK);
	assert_int_equal(r.method, METHOD_GET);
	assert_string_equal(r.path, "/api/cars");
	assert_string_equal(request_query(&r, "search"), "F\xc3\xa9rrari red");
	assert_string_equal(request_query(&r, "page"), "2");
	assert_string_equal(request_query(&r, "flag"), "");
	assert_null(request_query(&r, "limit"));
	assert_string_equal(r.client_ip, "203.0.113.9");
	assert_int_equal(strlen(r.trace_id), 32);
	request_free(&r);
}

static void
request_begin__bad_escape_in_path__is_invalid(void **state)
{
	const char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/%zzcars", NULL };
	struct req r;

	(void)state;
	request_init(&r);
	assert_int_equal(request_begin(&r, (char *const *)env), API_INVALID_REQUEST);
	request_free(&r);
}

static void
request_begin__forwarded_for__trusted_only_from_proxies(void **state)
{
	const char *direct[] = { "REQUEST_URI=/", "REMOTE_ADDR=198.51.100.1",
	    "HTTP_X_FORWARDED_FOR=1.2.3.4", NULL };
	const char *proxied[] = { "REQUEST_URI=/", "REMOTE_ADDR=127.0.0.1",
	    "HTTP_X_FORWARDED_FOR=6.6.6.6, 1.2.3.4, 127.0.0.1", NULL };
	const char *garbage[] = { "REQUEST_URI=/", "REMOTE_ADDR=127.0.0.1",
	    "HTTP_X_FORWARDED_FOR=<script>", NULL };
	struct req r;

	(void)state;
	request_init(&r);
	request_begin(&r, (char *const *)direct);
	assert_string_equal(r.client_ip, "198.51.100.1");
	request_reset(&r);
	request_begin(&r, (char *const *)proxied);
	assert_string_equal(r.client_ip, "1.2.3.4");
	request_reset(&r);
	request_begin(&r, (char *const *)garbage);
	assert_string_equal(r.client_ip, "127.0.0.1");
	request_free(&r);
}

/* "X-Forwarded-For=" followed by n copies of hop and then last (if not
 * NULL), in buf. */
static const char *
forwarded(char *buf, size_t size, int n, const char *hop, const char *last)
{
	size_t len = (size_t)snprintf(buf, size, "HTTP_X_FORWARDED_FOR=");
	int i;

	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", hop);
	if (last != NULL && len < size)
		snprintf(buf + len, size - len, "%s%s", n ? ", " : "", last);
	return buf;
}

/* The client behind REMOTE_ADDR=127.0.0.1 (a trusted proxy) for xff. */
static const char *
client_behind_proxy(struct req *r, const char *xff)
{
	const char *env[] = { "REQUEST_URI=/", "REMOTE_ADDR=127.0.0.1", xff, NULL };

	request_reset(r);
	request_begin(r, (char *const *)env);
	return r->client_ip;
}

static void
request_begin__forwarded_for_longer_than_16__appended_address_wins(void **state)
{
	static char x[64 * 1024];
	struct req r;

	(void)state;
	request_init(&r);
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 20, "127.0.0.1", "203.0.113.7")), "203.0.113.7");
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 20, "10.1.2.3", "203.0.113.7")), "203.0.113.7");
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 3000, "127.0.0.1", "198.51.100.4")), "198.51.100.4");
	request_free(&r);
}

static void
request_begin__forwarded_for_all_trusted_past_the_bound__client_unknown(void **state)
{
	static char x[64 * 1024];
	struct req r;

	(void)state;
	request_init(&r);
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, REQ_MAX_HOPS, "127.0.0.1", NULL)), "127.0.0.1");
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, REQ_MAX_HOPS + 1, "127.0.0.1", NULL)), REQ_CLIENT_UNKNOWN);
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 20, "127.0.0.1", NULL)), REQ_CLIENT_UNKNOWN);
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 3000, "127.0.0.1", NULL)), REQ_CLIENT_UNKNOWN);
	assert_false(cidr_list_contains(&c.metrics_allow, r.client_ip));
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 1, "6.6.6.6", NULL)), "6.6.6.6");
	assert_string_equal(client_behind_proxy(&r,
	    forwarded(x, sizeof x, 0, "", " ,, ")), "127.0.0.1");
	request_free(&r);
}

static void
request_begin__trace_header__kept_only_when_well_formed(void **state)
{
	const char *good[] = { "REQUEST_URI=/", "HTTP_X_TRACE_ID=abc-123_XYZ", NULL };
	const char *reqid[] = { "REQUEST_URI=/", "HTTP_X_REQUEST_ID=req-00000001", NULL };
	const char *evil[] = { "REQUEST_URI=/", "HTTP_X_TRACE_ID=abc\r\nSet-Cookie: x", NULL };
	struct req r;

	(void)state;
	request_init(&r);
	request_begin(&r, (char *const *)good);
	assert_string_equal(r.trace_id, "abc-123_XYZ");
	request_reset(&r);
	request_begin(&r, (char *const *)reqid);
	assert_string_equal(r.trace_id, "req-00000001");
	request_reset(&r);
	request_begin(&r, (char *const *)evil);
	assert_null(strchr(r.trace_id, '\n'));
	assert_int_equal(strlen(r.trace_id), 32);
	request_free(&r);
}

static const struct key keys[] = {
	{ .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	{ .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 50 },
	{ .name = "name", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 5 },
	{ .name = "day", .src = KEY_BODY, .type = KEY_DATE },
};
static const struct input in_json = { .body = BODY_JSON, .keys = keys, .nkeys = 4 };
static const struct route rt = { .method = METHOD_POST, .path = "/x/{carId}", .input = &in_json };

/* Run parse + validate of body on a request with the given query. */
static enum api_err
run(struct req *r, const char *uri, const char *ct, const char *body,
    const char *param, struct json_object **details)
{
	static char env_uri[256], env_ct[128];
	const char *env[] = { "REQUEST_METHOD=POST", env_uri, env_ct, NULL };
	const char *why = NULL;
	enum api_err err;

	snprintf(env_uri, sizeof env_uri, "REQUEST_URI=%s", uri);
	snprintf(env_ct, sizeof env_ct, "CONTENT_TYPE=%s", ct);
	request_begin(r, (char *const *)env);
	r->body = body;
	r->body_len = strlen(body);
	r->params[0] = param;
	r->nparams = 1;
	*details = NULL;
	if ((err = request_parse_body(r, &in_json, &why)) != API_OK)
		return err;
	return request_validate(r, &rt, details);
}

static void
request_parse_body__wrong_media_type__is_415(void **state)
{
	struct json_object *d;
	struct req r;

	(void)state;
	request_init(&r);
	assert_int_equal(run(&r, "/x/1", "text/plain", "{}", "1", &d),
	    API_UNSUPPORTED_MEDIA_TYPE);
	request_reset(&r);
	assert_int_equal(run(&r, "/x/1", "application/json-patch", "{}", "1", &d),
	    API_UNSUPPORTED_MEDIA_TYPE);
	request_free(&r);
}

static void
request_parse_body__malformed_json__is_invalid_request(void **state)
{
	static const char *bad[] = { "{", "{\"a\":1} x", "[1,2", "nul", "{\"a\":tru}" };
	struct json_object *d;
	struct req r;
	size_t i;

	(void)state;
	request_init(&r);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(run(&r, "/x/1", "application/json", bad[i], "1", &d),
		    API_INVALID_REQUEST);
		request_reset(&r);
	}
	request_free(&r);
}

static void
request_validate__good_input__fills_fields(void **state)
{
	struct json_object *d;
	struct req r;

	(void)state;
	request_init(&r);
	assert_int_equal(run(&r, "/x/u?limit=7", "application/json; charset=utf-8",
	    "{\"name\":\"F\xc3\xa9rr\",\"day\":\"2024-02-29\"}",
	    "123e4567-e89b-12d3-a456-426614174000", &d), API_OK);
	assert_string_equal(r.field[0], "123e4567-e89b-12d3-a456-426614174000");
	assert_string_equal(r.field[1], "7");
	assert_string_equal(r.field[2], "F\xc3\xa9rr");
	assert_string_equal(r.field[3], "2024-02-29");
	request_free(&r);
}

static void
request_validate__bad_input__lists_every_field(void **state)
{
	struct json_object *d, *fe, *v;
	struct req r;

	(void)state;
	request_init(&r);
	assert_int_equal(run(&r, "/x/u?limit=51", "application/json",
	    "{\"name\":\"toolong\",\"day\":\"2023-02-29\"}", "not-a-uuid", &d),
	    API_VALIDATION_ERROR);
	assert_true(json_object_object_get_ex(d, "fieldErrors", &fe));
	assert_true(json_object_object_get_ex(fe, "carId", &v));
	assert_true(json_object_object_get_ex(fe, "limit", &v));
	assert_true(json_object_object_get_ex(fe, "name", &v));
	assert_true(json_object_object_get_ex(fe, "day", &v));
	json_object_put(d);
	request_reset(&r);
	assert_int_equal(run(&r, "/x/u", "application/json", "{\"name\":5}",
	    "123e4567-e89b-12d3-a456-426614174000", &d), API_VALIDATION_ERROR);
	json_object_put(d);
	request_reset(&r);
	assert_int_equal(run(&r, "/x/u", "application/json", "[1]",
	    "123e4567-e89b-12d3-a456-426614174000", &d), API_VALIDATION_ERROR);
	json_object_put(d);
	request_reset(&r);
	assert_int_equal(run(&r, "/x/u", "application/json", "{\"name\":\"\xff\"}",
	    "123e4567-e89b-12d3-a456-426614174000", &d), API_VALIDATION_ERROR);
	json_object_put(d);
	request_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_percent_decode__escapes__are_decoded_or_refused),
		cmocka_unit_test(request_begin__uri_with_query__splits_and_decodes),
		cmocka_unit_test(request_begin__bad_escape_in_path__is_invalid),
		cmocka_unit_test(request_begin__forwarded_for__trusted_only_from_proxies),
		cmocka_unit_test(request_begin__forwarded_for_longer_than_16__appended_address_wins),
		cmocka_unit_test(request_begin__forwarded_for_all_trusted_past_the_bound__client_unknown),
		cmocka_unit_test(request_begin__trace_header__kept_only_when_well_formed),
		cmocka_unit_test(request_parse_body__wrong_media_type__is_415),
		cmocka_unit_test(request_parse_body__malformed_json__is_invalid_request),
		cmocka_unit_test(request_validate__good_input__fills_fields),
		cmocka_unit_test(request_validate__bad_input__lists_every_field),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
