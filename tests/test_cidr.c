/* test_cidr.c -- address lists. */
#include "config.h"

#include "test_common.h"

#include "cidr.h"

static void
cidr_list_contains__v4_and_v6_ranges__match_inside_only(void **state)
{
	struct cidr_list l;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(cidr_list_parse("10.0.0.0/8, 192.168.1.7,fd00::/8",
	    &l, &bad), 0);
	assert_int_equal(l.n, 3);
	assert_true(cidr_list_contains(&l, "10.200.3.4"));
	assert_false(cidr_list_contains(&l, "11.0.0.1"));
	assert_true(cidr_list_contains(&l, "192.168.1.7"));
	assert_false(cidr_list_contains(&l, "192.168.1.8"));
	assert_true(cidr_list_contains(&l, "fd12::1"));
	assert_false(cidr_list_contains(&l, "fe80::1"));
	assert_false(cidr_list_contains(&l, "not-an-ip"));
	cidr_list_free(&l);
}

static void
cidr_list_parse__bad_entry__fails_and_points_at_it(void **state)
{
	struct cidr_list l;
	const char *bad = NULL, *s = "127.0.0.1,10.0.0.0/33";

	(void)state;
	assert_int_equal(cidr_list_parse(s, &l, &bad), -1);
	assert_ptr_equal(bad, s + 10);
	assert_int_equal(cidr_list_parse("", &l, &bad), 0);
	assert_int_equal(l.n, 0);
}

static void
cidr_parse__odd_prefix__masks_partial_byte(void **state)
{
	struct cidr_list l;
	const char *bad;

	(void)state;
	assert_int_equal(cidr_list_parse("172.16.0.0/12", &l, &bad), 0);
	assert_true(cidr_list_contains(&l, "172.31.255.255"));
	assert_false(cidr_list_contains(&l, "172.32.0.0"));
	cidr_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr_list_contains__v4_and_v6_ranges__match_inside_only),
		cmocka_unit_test(cidr_list_parse__bad_entry__fails_and_points_at_it),
		cmocka_unit_test(cidr_parse__odd_prefix__masks_partial_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
