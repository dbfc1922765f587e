/* test_redact.c -- credentials kept out of a dead letter's view. */
#include "config.h"

#include "test_common.h"

#include <json-c/json.h>

#include "log.h"
#include "redact.h"

static void
redact_key__credential_names_any_case_and_separator__are_secret(void **state)
{
	(void)state;
	assert_true(redact_key("Authorization"));
	assert_true(redact_key("PROXY-AUTHORIZATION"));
	assert_true(redact_key("PayPal-Transmission-Sig"));
	assert_true(redact_key("Svix-Signature"));
	assert_true(redact_key("X-DocuSeal-Signature"));
	assert_true(redact_key("client_secret"));
	assert_true(redact_key("refreshToken"));
	assert_true(redact_key("api_key"));
	assert_true(redact_key("X-Api-Key"));
	assert_true(redact_key("Cookie"));
	assert_true(redact_key("password"));
	assert_true(redact_key("aws.access_key"));
}

static void
redact_key__ids_times_and_algorithms__are_kept(void **state)
{
	(void)state;
	assert_false(redact_key("PayPal-Transmission-Id"));
	assert_false(redact_key("PayPal-Transmission-Time"));
	assert_false(redact_key("PayPal-Auth-Algo"));
	assert_false(redact_key("PayPal-Cert-Url"));
	assert_false(redact_key("Svix-Id"));
	assert_false(redact_key("event_type"));
	assert_false(redact_key("custom_id"));
	assert_false(redact_key("design"));	/* "sig" inside, not at the end */
	assert_false(redact_key(""));
	assert_false(redact_key(NULL));
}

static void
redact_value__bearer_basic_keys_and_jwts__are_secret(void **state)
{
	(void)state;
	assert_true(redact_value("Bearer abc.def"));
	assert_true(redact_value("basic dXNlcjpwYXNz"));
	assert_true(redact_value("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
	assert_true(redact_value("sk_live_51H"));
	assert_true(redact_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"));
	assert_false(redact_value("eyJhbGciOiJIUzI1NiJ9 is not a token"));
	assert_false(redact_value("PAYMENT.CAPTURE.COMPLETED"));
	assert_false(redact_value("re_123"));
	assert_false(redact_value(NULL));
}

static void
redact_json__nested_secrets__are_replaced_and_the_rest_kept(void **state)
{
	struct json_object *o = json_tokener_parse("{"
	    "\"id\":\"WH-1\",\"event_type\":\"PAYMENT.CAPTURE.COMPLETED\","
	    "\"resource\":{\"id\":\"CAP-1\",\"client_secret\":\"s3cr3t\","
	    " \"payee\":{\"api_key\":{\"a\":1}},"
	    " \"links\":[{\"href\":\"https://x\",\"token\":\"t\"},\"Bearer abc\",\"plain\"]},"
	    "\"Authorization\":\"Basic dXNlcjpwYXNz\",\"note\":\"whsec_abc\"}");
	struct json_object *r;

	(void)state;
	assert_non_null(o);
	assert_int_equal(redact_json(o), 6);
	r = json_object_object_get(o, "resource");
	assert_string_equal(json_object_get_string(json_object_object_get(o, "id")), "WH-1");
	assert_string_equal(json_object_get_string(json_object_object_get(r, "id")), "CAP-1");
	assert_string_equal(json_object_get_string(json_object_object_get(r, "client_secret")),
	    LOG_REDACTED);
	assert_string_equal(json_object_get_string(json_object_object_get(
	    json_object_object_get(r, "payee"), "api_key")), LOG_REDACTED);
	assert_string_equal(json_object_to_json_string_ext(json_object_object_get(r, "links"),
	    JSON_C_TO_STRING_PLAIN),
	    "[{\"href\":\"https:\\/\\/x\",\"token\":\"" LOG_REDACTED "\"},\"" LOG_REDACTED "\",\"plain\"]");
	assert_string_equal(json_object_get_string(json_object_object_get(o, "Authorization")),
	    LOG_REDACTED);
	assert_string_equal(json_object_get_string(json_object_object_get(o, "note")),
	    LOG_REDACTED);
	assert_int_equal(redact_json(o), 0);	/* once is enough */
	json_object_put(o);
}

static void
redact_json__stored_headers__keep_ids_and_drop_signatures(void **state)
{
	struct json_object *o = json_tokener_parse("{"
	    "\"PayPal-Transmission-Id\":\"tx-1\",\"PayPal-Transmission-Sig\":\"abc\","
	    "\"PayPal-Auth-Algo\":\"SHA256withRSA\",\"User-Agent\":\"PayPal/AUHD\"}");

	(void)state;
	assert_int_equal(redact_json(o), 1);
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "PayPal-Transmission-Id")), "tx-1");
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "PayPal-Transmission-Sig")), LOG_REDACTED);
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "PayPal-Auth-Algo")), "SHA256withRSA");
	json_object_put(o);
}

static void
redact_json__not_an_object__changes_nothing(void **state)
{
	struct json_object *s = json_object_new_string("Bearer x");

	(void)state;
	assert_int_equal(redact_json(NULL), 0);
	assert_int_equal(redact_json(s), 0);	/* a bare value has no name to judge */
	assert_string_equal(json_object_get_string(s), "Bearer x");
	json_object_put(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redact_key__credential_names_any_case_and_separator__are_secret),
		cmocka_unit_test(redact_key__ids_times_and_algorithms__are_kept),
		cmocka_unit_test(redact_value__bearer_basic_keys_and_jwts__are_secret),
		cmocka_unit_test(redact_json__nested_secrets__are_replaced_and_the_rest_kept),
		cmocka_unit_test(redact_json__stored_headers__keep_ids_and_drop_signatures),
		cmocka_unit_test(redact_json__not_an_object__changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
