/* test_password.c -- yescrypt hashes. */
#include "config.h"

#include "test_common.h"

#include "password.h"

static void
password_verify__right_and_wrong__only_right_matches(void **state)
{
	char h[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse", h, sizeof h), 0);
	assert_memory_equal(h, "$y$", 3);
	assert_true(password_verify("correct horse", h));
	assert_false(password_verify("correct horsE", h));
	assert_false(password_verify("", h));
	assert_int_equal(password_hash("correct horse", h2, sizeof h2), 0);
	assert_string_not_equal(h, h2);		/* fresh salt each time */
}

static void
password_verify__garbage_hash__never_matches(void **state)
{
	(void)state;
	assert_false(password_verify("x", "not a hash"));
	assert_false(password_verify("x", ""));
	assert_false(password_verify("x", "*0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_verify__right_and_wrong__only_right_matches),
		cmocka_unit_test(password_verify__garbage_hash__never_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
