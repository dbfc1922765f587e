/* test_redis.c -- REDIS_URL parsing. */
#include "config.h"

#include "test_common.h"

#include "redis.h"

static void
redis_parse_url__tcp_with_password_and_db__fills_all(void **state)
{
	struct redis_addr a;

	(void)state;
	assert_int_equal(redis_parse_url("redis://:s3cret@10.0.0.5:6380/2", &a), 0);
	assert_string_equal(a.host, "10.0.0.5");
	assert_int_equal(a.port, 6380);
	assert_string_equal(a.password, "s3cret");
	assert_int_equal(a.db, 2);
	assert_string_equal(a.path, "");
}

static void
redis_parse_url__unix_socket__fills_path_and_db(void **state)
{
	struct redis_addr a;

	(void)state;
	assert_int_equal(redis_parse_url("unix:///run/redis/r.sock?db=3", &a), 0);
	assert_string_equal(a.path, "/run/redis/r.sock");
	assert_int_equal(a.db, 3);
	assert_int_equal(redis_parse_url("redis://localhost", &a), 0);
	assert_int_equal(a.port, 6379);
}

static void
redis_parse_url__acl_user__is_kept_apart_from_the_password(void **state)
{
	struct redis_addr a;

	(void)state;
	assert_int_equal(redis_parse_url("redis://exodrive-app:pw%x@10.0.0.5:6380", &a), 0);
	assert_string_equal(a.user, "exodrive-app");
	assert_string_equal(a.password, "pw%x");
	assert_int_equal(redis_parse_url("unix:///run/r.sock?user=app&password=pw&db=1", &a), 0);
	assert_string_equal(a.user, "app");
	assert_string_equal(a.password, "pw");
	assert_int_equal(a.db, 1);
	assert_int_equal(redis_parse_url("redis://:only@h", &a), 0);
	assert_string_equal(a.user, "");
	assert_string_equal(a.password, "only");
}

static void
redis_parse_url__garbage__fails(void **state)
{
	struct redis_addr a;

	(void)state;
	assert_int_equal(redis_parse_url("http://x", &a), -1);
	assert_int_equal(redis_parse_url("redis://", &a), -1);
	assert_int_equal(redis_parse_url("unix://relative.sock", &a), -1);
	assert_int_equal(redis_parse_url("unix:///x.sock?color=red", &a), -1);
	assert_int_equal(redis_parse_url("redis://h:99999", &a), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redis_parse_url__tcp_with_password_and_db__fills_all),
		cmocka_unit_test(redis_parse_url__unix_socket__fills_path_and_db),
		cmocka_unit_test(redis_parse_url__acl_user__is_kept_apart_from_the_password),
		cmocka_unit_test(redis_parse_url__garbage__fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
