/* test_log.c -- log lines, and the secrets they must never hold. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_common.h"

#include "buf.h"
#include "log.h"

#define TOKEN	"4b1f0c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5"
#define REFRESH	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* log_redact(s), in out. */
static const char *
redacted(struct buf *out, const char *s)
{
	buf_reset(out);
	log_redact(out, s);
	return out->data != NULL ? out->data : "";
}

static void
log_redact__secure_links_and_tokens__are_replaced(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_string_equal(redacted(&b, "/api/bookings/by-token/" TOKEN),
	    "/api/bookings/by-token/" LOG_REDACTED);
	assert_string_equal(redacted(&b, "/api/bookings/BY-TOKEN/" TOKEN "/x"),
	    "/api/bookings/BY-TOKEN/" LOG_REDACTED "/x");
	assert_string_equal(redacted(&b, "GET /api/bookings/by-token/" TOKEN " failed: 503"),
	    "GET /api/bookings/by-token/" LOG_REDACTED " failed: 503");
	assert_string_equal(redacted(&b, "link https://exodrive.example/booking/" TOKEN " sent"),
	    "link https://exodrive.example/booking/" LOG_REDACTED " sent");
	assert_string_equal(redacted(&b, "/trpc/booking.byToken?token=" TOKEN "&x=1"),
	    "/trpc/booking.byToken?token=" LOG_REDACTED "&x=1");
	assert_string_equal(redacted(&b, "{\"refreshToken\":\"" REFRESH "\"}"),
	    "{\"refreshToken\":\"" LOG_REDACTED "\"}");
	assert_string_equal(redacted(&b, "body {\"refreshToken\": \"" REFRESH "\", \"a\":1}"),
	    "body {\"refreshToken\": \"" LOG_REDACTED "\", \"a\":1}");
	buf_free(&b);
}

static void
log_redact__no_secret__is_unchanged_and_twice_is_once(void **state)
{
	const char *plain[] = { "", "/api/bookings", "/api/bookings/by-token/",
	    "/api/bookings/7c9e6679-7425-40de-944b-e07fc1f90ae7/cancel",
	    "token", "/api/auth/refresh" };
	struct buf b, c;
	size_t i;

	(void)state;
	buf_init(&b);
	buf_init(&c);
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_string_equal(redacted(&b, plain[i]), plain[i]);
	redacted(&b, "/api/bookings/by-token/" TOKEN);
	assert_string_equal(redacted(&c, b.data), b.data);
	buf_free(&b);
	buf_free(&c);
}

/* What the log writes while f runs, read back from a file stderr points at. */
static char *
captured(void (*f)(void))
{
	char name[] = "/tmp/exodrive-test-log-XXXXXX", *text;
	int fd = mkstemp(name), saved = dup(STDERR_FILENO);
	long n;
	FILE *in;

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDERR_FILENO);
	f();
	log_flush();
	dup2(saved, STDERR_FILENO);
	close(saved);
	in = fdopen(fd, "r");
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	unlink(name);
	return text;
}

static void
write_secret_lines(void)
{
	struct log_access a = { .method = "GET", .path = "/api/bookings/by-token/" TOKEN,
	    .client = "203.0.113.9", .status = 200 };

	log_access(&a);
	LOG_ERR("%s %s failed: %s", "GET", "/api/bookings/by-token/" TOKEN, "timeout");
	LOG_WARN("refresh refused: {\"refreshToken\":\"%s\"}", REFRESH);
}

static void
log_access__secure_link__written_without_its_token(void **state)
{
	char *text;

	(void)state;
	text = captured(write_secret_lines);
	assert_null(strstr(text, TOKEN));
	assert_null(strstr(text, REFRESH));
	assert_non_null(strstr(text, "\"path\":\"/api/bookings/by-token/" LOG_REDACTED "\""));
	assert_non_null(strstr(text, "GET /api/bookings/by-token/" LOG_REDACTED " failed"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_redact__secure_links_and_tokens__are_replaced),
		cmocka_unit_test(log_redact__no_secret__is_unchanged_and_twice_is_once),
		cmocka_unit_test(log_access__secure_link__written_without_its_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
