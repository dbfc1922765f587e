/* test_buf.c -- buffers, JSON string escaping and the arena. */
#include "config.h"

#include "test_common.h"

#include "buf.h"

static void
buf_add_json_string__control_and_quotes__are_escaped(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_add_json_string(&b, "a\"b\\c\n\x01");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
	buf_free(&b);
}

static void
buf_printf__many_appends__grow_and_stay_terminated(void **state)
{
	struct buf b;
	int i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

static void
arena_alloc__large_and_small__are_aligned_and_distinct(void **state)
{
	struct arena a;
	char *p, *q, *big;

	(void)state;
	arena_init(&a);
	p = arena_strdup(&a, "hello");
	big = arena_alloc(&a, 100000);
	memset(big, 'x', 100000);
	q = arena_strndup(&a, "world!", 5);
	assert_string_equal(p, "hello");
	assert_string_equal(q, "world");
	assert_int_equal((uintptr_t)big % _Alignof(max_align_t), 0);
	assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
	arena_reset(&a);
	p = arena_strdup(&a, "again");
	assert_string_equal(p, "again");
	arena_free(&a);
}

static void
buf_decimal__rates_and_ratios__are_written_short(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(buf_decimal(1.15, 4, b, sizeof b), "1.15");
	assert_string_equal(buf_decimal(0.1, 6, b, sizeof b), "0.1");
	assert_string_equal(buf_decimal(0.10000000000000001, 6, b, sizeof b), "0.1");
	assert_string_equal(buf_decimal(1.1499999999999999, 4, b, sizeof b), "1.15");
	assert_string_equal(buf_decimal(3.0, 4, b, sizeof b), "3");
	assert_string_equal(buf_decimal(0.0, 4, b, sizeof b), "0");
	assert_string_equal(buf_decimal(-0.00001, 4, b, sizeof b), "0");
	assert_string_equal(buf_decimal(2.0 / 3.0, 4, b, sizeof b), "0.6667");
	assert_string_equal(buf_decimal(12.5, 0, b, sizeof b), "12");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_add_json_string__control_and_quotes__are_escaped),
		cmocka_unit_test(buf_decimal__rates_and_ratios__are_written_short),
		cmocka_unit_test(buf_printf__many_appends__grow_and_stay_terminated),
		cmocka_unit_test(arena_alloc__large_and_small__are_aligned_and_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
