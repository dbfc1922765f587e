/* test_conf.c -- settings: defaults, file, environment, validation. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "test_common.h"

#include "conf.h"

static char conf_path[64];

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(conf_path, sizeof conf_path, "/tmp/test_conf.XXXXXX");
	fd = mkstemp(conf_path);
	close(fd);
	unsetenv("MAX_BODY_BYTES");
	unsetenv("RATE_LIMIT_ENABLED");
	unsetenv("ERROR_LOGGING_LEVEL");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	return 0;
}

static void
write_file(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	fputs(text, f);
	fclose(f);
}

static void
conf_load__nothing_set__gives_defaults(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
	assert_int_equal(c.max_body_bytes, 1048576);
	assert_true(c.rate_limit_enabled);
	assert_int_equal(c.log_level, LOG_LEVEL_INFO);
	assert_true(cidr_list_contains(&c.trusted_proxies, "127.0.0.1"));
	conf_free(&c);
}

static void
conf_load__file_and_environment__environment_wins(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	write_file("# comment\n\nMAX_BODY_BYTES = 2048\nexport RATE_LIMIT_ENABLED=\"off\"\n"
	    "PGSSLMODE=require\nERROR_LOGGING_LEVEL=debug\n");
	setenv("ERROR_LOGGING_LEVEL", "warn", 1);
	assert_int_equal(conf_load(&c, conf_path, err, sizeof err), 0);
	assert_int_equal(c.max_body_bytes, 2048);
	assert_false(c.rate_limit_enabled);
	assert_int_equal(c.log_level, LOG_LEVEL_WARN);
	conf_free(&c);
	unsetenv("ERROR_LOGGING_LEVEL");
}

static void
conf_load__name_file__reads_the_secret_from_that_file(void **state)
{
	char err[256], secret[96];
	struct conf c;
	FILE *f;

	(void)state;
	snprintf(secret, sizeof secret, "%s.secret", conf_path);
	f = fopen(secret, "w");
	fputs("file-held-jwt-secret-of-at-least-32-chars\n", f);
	fclose(f);
	setenv("JWT_SECRET_FILE", secret, 1);
	setenv("JWT_SECRET", "from-the-environment-but-the-file-wins", 1);
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
	assert_string_equal(c.jwt_secret, "file-held-jwt-secret-of-at-least-32-chars");
	conf_free(&c);
	unsetenv("JWT_SECRET");
	/* In the settings file too; a missing file stops start-up by name. */
	write_file("JWT_SECRET_FILE=/nonexistent/secret\n");
	setenv("JWT_SECRET_FILE", "/nonexistent/secret", 1);
	assert_int_equal(conf_load(&c, conf_path, err, sizeof err), -1);
	assert_non_null(strstr(err, "JWT_SECRET_FILE"));
	conf_free(&c);		/* the caller frees, as after any failed load */
	unsetenv("JWT_SECRET_FILE");
	unlink(secret);
}

static void
conf_load__invalid_values__fail_with_the_name(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	setenv("MAX_BODY_BYTES", "12abc", 1);
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "MAX_BODY_BYTES"));
	conf_free(&c);
	setenv("MAX_BODY_BYTES", "1", 1);
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), -1);
	conf_free(&c);
	unsetenv("MAX_BODY_BYTES");
	setenv("RATE_LIMIT_ENABLED", "maybe", 1);
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "RATE_LIMIT_ENABLED"));
	conf_free(&c);
	unsetenv("RATE_LIMIT_ENABLED");
	write_file("TRUSTED_PROXIES=10.0.0.0/99\n");
	assert_int_equal(conf_load(&c, conf_path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1"));
	conf_free(&c);
	write_file("JUSTAWORD\n");
	assert_int_equal(conf_load(&c, conf_path, err, sizeof err), -1);
	conf_free(&c);
}

static void
conf_redact_url__password__is_masked(void **state)
{
	char out[256];

	(void)state;
	conf_redact_url("postgresql://app:hunter2@db:5432/x", out, sizeof out);
	assert_null(strstr(out, "hunter2"));
	assert_string_equal(out, "postgresql://app:***@db:5432/x");
	conf_redact_url("redis://:pw@h:6379/0", out, sizeof out);
	assert_null(strstr(out, "pw@"));
	conf_redact_url("host=db password=pw", out, sizeof out);
	assert_null(strstr(out, "pw"));
}

static void
conf_cors_allowed__list__matches_exactly(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
	free(c.cors_origins);
	c.cors_origins = strdup("https://a.example, http://localhost:3000");
	assert_true(conf_cors_allowed(&c, "https://a.example"));
	assert_true(conf_cors_allowed(&c, "http://localhost:3000"));
	assert_false(conf_cors_allowed(&c, "https://a.example.evil"));
	assert_false(conf_cors_allowed(&c, "http://localhost"));
	conf_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(conf_load__nothing_set__gives_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_load__file_and_environment__environment_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_load__name_file__reads_the_secret_from_that_file, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_load__invalid_values__fail_with_the_name, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_redact_url__password__is_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_cors_allowed__list__matches_exactly, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
