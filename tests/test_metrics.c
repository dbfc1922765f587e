/* test_metrics.c -- counters shared through the metrics file. */
#include "config.h"

#include "test_common.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "metrics.h"
#include "route.h"

static struct conf c;
static char path[64];

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	snprintf(path, sizeof path, "/tmp/exodrive-metrics-test-%d", (int)getpid());
	free(c.metrics_file);
	c.metrics_file = strdup(path);
	conf = &c;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	conf_free(&c);
	return 0;
}

/* The value of the first line of text starting with prefix, or -1. */
static long long
metrics_value(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	return p == NULL ? -1 : strtoll(p + strlen(prefix), NULL, 10);
}

static void
metrics_prometheus__two_processes__counts_add_up(void **state)
{
	const char *key = "exodrive_http_requests_total{route=\"car.byId\",method=\"GET\",code=\"2xx\"} ";
	const struct route *t;
	struct buf b;
	size_t n, i;
	pid_t pid;
	int st;

	(void)state;
	t = routes_table(&n);
	for (i = 0; i < n && strcmp(t[i].operation, "car.byId") != 0; i++)
		;
	metrics_attach(METRICS_RESPONDER);
	metrics_request((int)i, 200, 800);
	metrics_request((int)i, 200, 3000);
	if ((pid = fork()) == 0) {		/* another responder */
		metrics_attach(METRICS_RESPONDER);
		metrics_request((int)i, 200, 120000);
		metrics_request((int)i, 404, 100);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	buf_init(&b);
	metrics_prometheus(&b);
	assert_int_equal(metrics_value(b.data, key), 3);
	assert_int_equal(metrics_value(b.data, "exodrive_http_requests_total{route=\"car.byId\","
	    "method=\"GET\",code=\"4xx\"} "), 1);
	assert_int_equal(metrics_value(b.data, "exodrive_http_request_duration_seconds_bucket"
	    "{route=\"car.byId\",le=\"0.001\"} "), 2);
	assert_int_equal(metrics_value(b.data, "exodrive_http_request_duration_seconds_count"
	    "{route=\"car.byId\"} "), 4);
	buf_free(&b);
	/* The gone child's slot, taken again, keeps its counts (retired). */
	if ((pid = fork()) == 0) {
		metrics_attach(METRICS_WORKER);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	buf_init(&b);
	metrics_prometheus(&b);
	assert_int_equal(metrics_value(b.data, key), 3);
	buf_free(&b);
}

static void
metrics_pool__this_process__is_listed_busy_with_its_request(void **state)
{
	struct buf b;
	char want[64];

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", "/api/cars/slow");
	buf_init(&b);
	metrics_pool(&b);
	snprintf(want, sizeof want, "{\"pid\":%d,\"role\":\"responder\",\"state\":\"busy\"",
	    (int)getpid());
	assert_non_null(strstr(b.data, want));
	assert_non_null(strstr(b.data, "\"path\":\"/api/cars/slow\""));
	metrics_idle();
	buf_free(&b);
}

static void
metrics_pool__secure_link_request__shows_no_token(void **state)
{
	const char *token = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928";
	char link[128];
	struct buf b;

	(void)state;
	snprintf(link, sizeof link, "/api/bookings/by-token/%s", token);
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", link);
	buf_init(&b);
	metrics_pool(&b);
	assert_null(strstr(b.data, token));
	assert_non_null(strstr(b.data, "\"path\":\"/api/bookings/by-token/[redacted]\""));
	metrics_idle();
	buf_free(&b);
}

static void
metrics_busy_ms__busy_then_idle__is_its_age_then_minus_one(void **state)
{
	int64_t ms;

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", "/api/cars");
	usleep(30000);
	ms = metrics_busy_ms(getpid());
	assert_true(ms >= 25 && ms < 5000);
	metrics_idle();
	assert_int_equal(metrics_busy_ms(getpid()), -1);
	assert_int_equal(metrics_busy_ms(1), -1);	/* no slot */
}

static void
routes_table__fits_the_metrics_file(void **state)
{
	size_t n;

	(void)state;
	(void)routes_table(&n);
	assert_true(n <= METRICS_ROUTES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_prometheus__two_processes__counts_add_up),
		cmocka_unit_test(metrics_pool__this_process__is_listed_busy_with_its_request),
		cmocka_unit_test(metrics_pool__secure_link_request__shows_no_token),
		cmocka_unit_test(metrics_busy_ms__busy_then_idle__is_its_age_then_minus_one),
		cmocka_unit_test(routes_table__fits_the_metrics_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
