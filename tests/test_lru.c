/* test_lru.c -- the bounded in-process cache. */
#include "config.h"

#include <string.h>

#include "test_common.h"

#include "lru.h"

static void
lru_get__stored_and_fresh__returns_copy(void **state)
{
	struct lru l;
	const char *v;
	size_t len;
	int64_t exp;

	(void)state;
	lru_init(&l, 4, 1024);
	lru_put(&l, "a", "alpha", 5, 100, 0);
	v = lru_get(&l, "a", 50, &len, &exp);
	assert_non_null(v);
	assert_int_equal(len, 5);
	assert_memory_equal(v, "alpha", 5);
	assert_int_equal(exp, 100);
	assert_null(lru_get(&l, "b", 50, &len, &exp));
	lru_free(&l);
}

static void
lru_get__expired__returns_null_and_drops(void **state)
{
	struct lru l;
	size_t len;
	int64_t exp;

	(void)state;
	lru_init(&l, 4, 1024);
	lru_put(&l, "a", "alpha", 5, 100, 0);
	assert_null(lru_get(&l, "a", 100, &len, &exp));
	assert_int_equal(lru_count(&l), 0);
	lru_free(&l);
}

static void
lru_put__full__evicts_least_recently_used(void **state)
{
	struct lru l;
	size_t len;
	int64_t exp;

	(void)state;
	lru_init(&l, 2, 1024);
	lru_put(&l, "a", "1", 1, 100, 0);
	lru_put(&l, "b", "2", 1, 100, 0);
	assert_non_null(lru_get(&l, "a", 1, &len, &exp));	/* b is now oldest */
	lru_put(&l, "c", "3", 1, 100, 1);
	assert_non_null(lru_get(&l, "a", 1, &len, &exp));
	assert_null(lru_get(&l, "b", 1, &len, &exp));
	assert_non_null(lru_get(&l, "c", 1, &len, &exp));
	assert_int_equal(lru_count(&l), 2);
	lru_free(&l);
}

static void
lru_put__over_byte_bound__evicts_until_it_fits(void **state)
{
	struct lru l;
	char big[60];
	size_t len;
	int64_t exp;

	(void)state;
	memset(big, 'x', sizeof big);
	lru_init(&l, 8, 100);
	lru_put(&l, "a", big, 40, 100, 0);
	lru_put(&l, "b", big, 40, 100, 0);
	lru_put(&l, "c", big, 40, 100, 0);	/* 3 x 42 > 100: a goes */
	assert_null(lru_get(&l, "a", 1, &len, &exp));
	assert_non_null(lru_get(&l, "c", 1, &len, &exp));
	lru_put(&l, "huge", big, sizeof big, 100, 0);
	assert_int_equal(lru_count(&l), 1);	/* 60 + 5 bytes: b and c go */
	lru_free(&l);
}

static void
lru_put__larger_than_cache__not_stored(void **state)
{
	struct lru l;
	char big[200];
	size_t len;
	int64_t exp;

	(void)state;
	memset(big, 'x', sizeof big);
	lru_init(&l, 8, 100);
	lru_put(&l, "a", big, sizeof big, 100, 0);
	assert_null(lru_get(&l, "a", 1, &len, &exp));
	lru_free(&l);
}

static void
lru_drop_prefix__family_key__drops_only_matching(void **state)
{
	struct lru l;
	size_t len;
	int64_t exp;

	(void)state;
	lru_init(&l, 8, 1024);
	lru_put(&l, "c:v1:car:1:x", "1", 1, 100, 0);
	lru_put(&l, "c:v1:car:12:x", "2", 1, 100, 0);
	lru_put(&l, "c:v1:fleet:all:y", "3", 1, 100, 0);
	lru_drop_prefix(&l, "c:v1:car:1:");
	assert_null(lru_get(&l, "c:v1:car:1:x", 1, &len, &exp));
	assert_non_null(lru_get(&l, "c:v1:car:12:x", 1, &len, &exp));
	assert_non_null(lru_get(&l, "c:v1:fleet:all:y", 1, &len, &exp));
	lru_clear(&l);
	assert_int_equal(lru_count(&l), 0);
	lru_free(&l);
}

static void
lru_put__zero_entries__stores_nothing(void **state)
{
	struct lru l;
	size_t len;
	int64_t exp;

	(void)state;
	lru_init(&l, 0, 1024);
	lru_put(&l, "a", "1", 1, 100, 0);
	assert_null(lru_get(&l, "a", 1, &len, &exp));
	lru_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lru_get__stored_and_fresh__returns_copy),
		cmocka_unit_test(lru_get__expired__returns_null_and_drops),
		cmocka_unit_test(lru_put__full__evicts_least_recently_used),
		cmocka_unit_test(lru_put__over_byte_bound__evicts_until_it_fits),
		cmocka_unit_test(lru_put__larger_than_cache__not_stored),
		cmocka_unit_test(lru_drop_prefix__family_key__drops_only_matching),
		cmocka_unit_test(lru_put__zero_entries__stores_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
