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
	unsetenv("APP_ENV");
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
	assert_int_equal(c.app_env, APP_ENV_PRODUCTION);
	assert_string_equal(conf_app_env(&c), "production");
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

/* Replace the string setting *field of c with v. */
static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = strdup(v);
}

/* Settings as a careful operator writes them: random secrets throughout. */
static void
load_good(struct conf *c, enum app_env env)
{
	char err[256];

	assert_int_equal(conf_load(c, NULL, err, sizeof err), 0);
	c->app_env = env;
	set_str(&c->jwt_secret, "3f9a1c2e7b5d4f60a8e1c3b5d7f9a2c4");
	set_str(&c->cron_secret, "9b8c7d6e5f4a3b2c1d0e");
	set_str(&c->paypal_client_secret, "EJx8-Qz1vT0pLm3kR7sW2nY5aB9cD4fG");
}

static void
conf_check_secrets__random_secrets__accepted_in_production(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	load_good(&c, APP_ENV_PRODUCTION);
	assert_int_equal(conf_check_secrets(&c, true, err, sizeof err), 0);
	conf_free(&c);
}

static void
conf_check_secrets__placeholder__refused_outside_development(void **state)
{
	static const char *const bad[] = { "CHANGE-ME", "change_me_to_a_long_random_value",
	    "local-secret", "exodrive-dev-password", "Secret", NULL };
	const enum app_env envs[] = { APP_ENV_TEST, APP_ENV_STAGING, APP_ENV_PRODUCTION };
	struct conf c;
	char err[256];
	size_t i, e;

	(void)state;
	for (e = 0; e < 3; e++) {
		for (i = 0; bad[i] != NULL; i++) {
			load_good(&c, envs[e]);
			set_str(&c.paypal_client_secret, bad[i]);
			assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), -1);
			assert_non_null(strstr(err, "PAYPAL_CLIENT_SECRET"));
			assert_null(strstr(err, bad[i]));	/* the value is never told */
			conf_free(&c);
		}
	}
	load_good(&c, APP_ENV_PRODUCTION);
	set_str(&c.redis_url, "redis://:CHANGE-ME@127.0.0.1:6379/0");
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "REDIS_URL"));
	/* One setting alone: the others are not its business. */
	set_str(&c.seed_password, "a-long-random-seed-password");
	assert_int_equal(conf_check_secret(&c, "SEED_PASSWORD", err, sizeof err), 0);
	set_str(&c.seed_password, "exodrive-dev-password");
	assert_int_equal(conf_check_secret(&c, "SEED_PASSWORD", err, sizeof err), -1);
	assert_non_null(strstr(err, "SEED_PASSWORD"));
	conf_free(&c);
}

static void
conf_check_secrets__short_or_unpaired__refused_in_production(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	load_good(&c, APP_ENV_PRODUCTION);
	set_str(&c.cron_secret, "abc123");
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "CRON_SECRET"));
	set_str(&c.cron_secret, "");		/* unset: the routes answer 401 */
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), 0);
	set_str(&c.webhook_urls, "https://hooks.example/exodrive");
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "WEBHOOK_SECRET"));
	set_str(&c.webhook_secret, "5e4d3c2b1a0f9e8d7c6b");
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), 0);
	conf_free(&c);
}

static void
conf_check_secrets__development__accepts_the_development_values(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	load_good(&c, APP_ENV_DEVELOPMENT);
	set_str(&c.paypal_client_secret, "local-secret");
	set_str(&c.cron_secret, "abc");
	set_str(&c.webhook_urls, "http://127.0.0.1:9/hook");
	assert_int_equal(conf_check_secrets(&c, true, err, sizeof err), 0);
	conf_free(&c);
}

static void
conf_check_secrets__short_jwt_when_serving__refused_everywhere(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	load_good(&c, APP_ENV_DEVELOPMENT);
	set_str(&c.jwt_secret, "");
	assert_int_equal(conf_check_secrets(&c, true, err, sizeof err), -1);
	assert_non_null(strstr(err, "JWT_SECRET"));
	/* The workers sign no tokens. */
	assert_int_equal(conf_check_secrets(&c, false, err, sizeof err), 0);
	conf_free(&c);
}

static void
conf_load__app_env__parses_each_environment(void **state)
{
	static const char *const names[] = { "development", "test", "staging", "production" };
	struct conf c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		setenv("APP_ENV", names[i], 1);
		assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
		assert_int_equal(c.app_env, (long)i);
		assert_string_equal(conf_app_env(&c), names[i]);
		conf_free(&c);
	}
	setenv("APP_ENV", "prod", 1);
	assert_int_equal(conf_load(&c, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "APP_ENV"));
	conf_free(&c);
	unsetenv("APP_ENV");
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
		cmocka_unit_test_setup_teardown(conf_load__app_env__parses_each_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_check_secrets__random_secrets__accepted_in_production, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_check_secrets__placeholder__refused_outside_development, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_check_secrets__short_or_unpaired__refused_in_production, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_check_secrets__development__accepts_the_development_values, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_check_secrets__short_jwt_when_serving__refused_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_redact_url__password__is_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_cors_allowed__list__matches_exactly, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
