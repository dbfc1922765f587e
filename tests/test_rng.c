/* test_rng.c -- identifiers. */
#include "config.h"

#include <ctype.h>

#include "test_common.h"

#include "rng.h"

static void
rng_id_hex__many__are_hex_and_distinct(void **state)
{
	char a[33], b[33], h[65];
	int i;

	(void)state;
	rng_reseed();
	rng_id_hex(a);
	rng_id_hex(b);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	for (i = 0; i < 32; i++)
		assert_true(isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]));
	rng_hex(h, 32);
	assert_int_equal(strlen(h), 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rng_id_hex__many__are_hex_and_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
