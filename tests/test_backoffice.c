/* test_backoffice.c -- the back office's input rules. */
#include "config.h"

#include <json-c/json.h>

#include "test_common.h"

#include "backoffice.h"

/* 2026-12-05 12:00 UTC */
#define NOW	((time_t)1796472000)

static void
backoffice_block_range__today_to_two_years__is_accepted(void **state)
{
	const char *field = "x";

	(void)state;
	assert_null(backoffice_block_range("2026-12-05", "2026-12-05", NOW, &field));
	assert_null(field);
	assert_null(backoffice_block_range("2026-12-01", "2026-12-10", NOW, &field));
	assert_null(backoffice_block_range("2027-01-01", "2028-12-04", NOW, &field));
}

static void
backoffice_block_range__bad_ranges__name_end_date(void **state)
{
	const char *field;

	(void)state;
	assert_non_null(backoffice_block_range("2027-01-02", "2027-01-01", NOW, &field));
	assert_string_equal(field, "endDate");
	assert_non_null(backoffice_block_range("2026-11-01", "2026-12-04", NOW, &field));
	assert_string_equal(field, "endDate");
	assert_non_null(backoffice_block_range("2027-01-01", "2028-12-05", NOW, &field));
	assert_string_equal(field, "endDate");
}

static void
backoffice_window__open_or_ordered__is_accepted(void **state)
{
	(void)state;
	assert_null(backoffice_window(NULL, NULL));
	assert_null(backoffice_window("2027-01-01", NULL));
	assert_null(backoffice_window(NULL, "2027-01-01"));
	assert_null(backoffice_window("2027-01-01", "2027-01-01"));
	assert_non_null(backoffice_window("2027-01-02", "2027-01-01"));
}

static void
backoffice_weekdays__distinct_days__sorted_array(void **state)
{
	struct json_object *a = json_tokener_parse("[6, 0, 3]");
	char buf[16];

	(void)state;
	assert_null(backoffice_weekdays(a, buf, sizeof buf));
	assert_string_equal(buf, "{0,3,6}");
	json_object_put(a);
	a = json_tokener_parse("[0,1,2,3,4,5,6]");
	assert_null(backoffice_weekdays(a, buf, sizeof buf));
	assert_string_equal(buf, "{0,1,2,3,4,5,6}");
	json_object_put(a);
}

static void
backoffice_weekdays__bad_items__are_refused(void **state)
{
	const char *bad[] = { "[]", "[7]", "[-1]", "[1, 1]", "[\"1\"]", "[1.5]",
	    "[0,1,2,3,4,5,6,0]", "{}", NULL };
	struct json_object *a;
	char buf[16];
	int i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		a = json_tokener_parse(bad[i]);
		assert_non_null(backoffice_weekdays(a, buf, sizeof buf));
		json_object_put(a);
	}
}

static void
backoffice_percent__below_100__is_accepted(void **state)
{
	(void)state;
	assert_null(backoffice_percent("0"));
	assert_null(backoffice_percent("8.25"));
	assert_null(backoffice_percent("99.99"));
	assert_non_null(backoffice_percent("100"));
	assert_non_null(backoffice_percent("150.5"));
}

static void
backoffice_multiplier__1_to_5__is_accepted(void **state)
{
	(void)state;
	assert_null(backoffice_multiplier("1"));
	assert_null(backoffice_multiplier("1.15"));
	assert_null(backoffice_multiplier("5"));
	assert_non_null(backoffice_multiplier("0.99"));
	assert_non_null(backoffice_multiplier("5.01"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoffice_block_range__today_to_two_years__is_accepted),
		cmocka_unit_test(backoffice_block_range__bad_ranges__name_end_date),
		cmocka_unit_test(backoffice_window__open_or_ordered__is_accepted),
		cmocka_unit_test(backoffice_weekdays__distinct_days__sorted_array),
		cmocka_unit_test(backoffice_weekdays__bad_items__are_refused),
		cmocka_unit_test(backoffice_percent__below_100__is_accepted),
		cmocka_unit_test(backoffice_multiplier__1_to_5__is_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
