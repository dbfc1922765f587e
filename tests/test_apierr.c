/* test_apierr.c -- every error code is mapped. */
#include "config.h"

#include "test_common.h"

#include "apierr.h"

static void
apierr_status__every_code__is_4xx_or_5xx(void **state)
{
	int e;

	(void)state;
	for (e = 1; e < API__MAX; e++) {
		assert_in_range(apierr_status(e), 400, 599);
		assert_non_null(apierr_message(e));
		assert_string_not_equal(apierr_code(e), "OK");
	}
	assert_int_equal(apierr_status(API_OK), 200);
}

static void
apierr_code__every_code__is_unique(void **state)
{
	int a, b;

	(void)state;
	for (a = 1; a < API__MAX; a++)
		for (b = a + 1; b < API__MAX; b++)
			assert_string_not_equal(apierr_code(a), apierr_code(b));
}

static void
apierr_status__domain_codes__match_the_spec(void **state)
{
	(void)state;
	assert_int_equal(apierr_status(API_VALIDATION_ERROR), 400);
	assert_int_equal(apierr_status(API_NOT_FOUND), 404);
	assert_int_equal(apierr_status(API_METHOD_NOT_ALLOWED), 405);
	assert_int_equal(apierr_status(API_PAYLOAD_TOO_LARGE), 413);
	assert_int_equal(apierr_status(API_UNSUPPORTED_MEDIA_TYPE), 415);
	assert_int_equal(apierr_status(API_RATE_LIMITED), 429);
	assert_int_equal(apierr_status(API_EXTERNAL_SERVICE_ERROR), 502);
	assert_int_equal(apierr_status(API_SERVICE_UNAVAILABLE), 503);
	assert_string_equal(apierr_code(API_DATABASE_ERROR), "DATABASE_ERROR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apierr_status__every_code__is_4xx_or_5xx),
		cmocka_unit_test(apierr_code__every_code__is_unique),
		cmocka_unit_test(apierr_status__domain_codes__match_the_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
