/* test_metrics.c -- counters shared through the metrics file. */
#include "config.h"

#include "test_common.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The index of the route named op in the table. */
static int
route_index(const char *op)
{
	const struct route *t;
	size_t n, i;

	t = routes_table(&n);
	for (i = 0; i < n && strcmp(t[i].operation, op) != 0; i++)
		;
	return (int)i;
}

static void
metrics_totals__two_processes__counts_add_up(void **state)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	int i = route_index("car.byId");
	pid_t pid;
	int st;

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	metrics_request(i, 200, 800);
	metrics_request(i, 200, 3000);
	if ((pid = fork()) == 0) {		/* another responder */
		metrics_attach(METRICS_RESPONDER);
		metrics_request(i, 200, 120000);
		metrics_request(i, 404, 100);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	assert_true(metrics_totals(t));
	assert_int_equal(t->status[i][0], 3);
	assert_int_equal(t->status[i][2], 1);
	assert_int_equal(t->hist[i][0] + t->hist[i][1], 2);	/* <= 1 ms */
	assert_int_equal(t->sum_us[i], 800 + 3000 + 120000 + 100);
	/* The gone child's slot, taken again, keeps its counts (retired). */
	if ((pid = fork()) == 0) {
		metrics_attach(METRICS_WORKER);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	assert_true(metrics_totals(t));
	assert_int_equal(t->status[i][0], 3);
	free(t);
}

static void
metrics_request__no_route__counts_in_the_last_row(void **state)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	uint64_t before;

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	assert_true(metrics_totals(t));
	before = t->status[METRICS_ROUTES][2];
	metrics_request(-1, 404, 10);
	metrics_request(METRICS_ROUTES + 5, 404, 10);
	assert_true(metrics_totals(t));
	assert_int_equal(t->status[METRICS_ROUTES][2], before + 2);
	free(t);
}

/* This process's entry among the live ones, or NULL. */
static const struct metrics_proc *
me(struct metrics_proc *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i].pid == (long)getpid())
			return &p[i];
	return NULL;
}

static void
metrics_processes__this_process__is_listed_busy_with_its_request(void **state)
{
	struct metrics_proc *p = calloc(METRICS_SLOTS, sizeof *p);
	const struct metrics_proc *m;
	int n;

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", "/api/cars/slow");
	n = metrics_processes(p, METRICS_SLOTS);
	assert_true(n >= 1);
	assert_non_null(m = me(p, n));
	assert_int_equal(m->role, METRICS_RESPONDER);
	assert_true(m->busy);
	assert_string_equal(m->method, "GET");
	assert_string_equal(m->path, "/api/cars/slow");
	metrics_idle();
	n = metrics_processes(p, METRICS_SLOTS);
	assert_non_null(m = me(p, n));
	assert_false(m->busy);
	assert_string_equal(m->path, "");
	free(p);
}

static void
metrics_processes__secure_link_request__shows_no_token(void **state)
{
	const char *token = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928";
	struct metrics_proc *p = calloc(METRICS_SLOTS, sizeof *p);
	const struct metrics_proc *m;
	char link[128];
	int n;

	(void)state;
	snprintf(link, sizeof link, "/api/bookings/by-token/%s", token);
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", link);
	n = metrics_processes(p, METRICS_SLOTS);
	assert_non_null(m = me(p, n));
	assert_null(strstr(m->path, token));
	assert_string_equal(m->path, "/api/bookings/by-token/[redacted]");
	metrics_idle();
	free(p);
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
metrics_webhooks__dead_letters_of_two_processes__add_up_for_the_host(void **state)
{
	struct metrics_webhooks w0, w;
	int64_t n[METRICS_PROVIDERS] = { 4, 0, 1 };
	pid_t pid;
	int st;

	(void)state;
	assert_true(metrics_webhooks(&w0));
	if ((pid = fork()) == 0) {	/* a process that never attached */
		metrics_webhook_dead("paypal", METRICS_DEAD_LETTERED);
		metrics_webhook_dead("docuseal", METRICS_DEAD_DISCARDED);
		_exit(0);
	}
	assert_true(pid > 0);
	waitpid(pid, &st, 0);
	metrics_webhook_dead("paypal", METRICS_DEAD_LETTERED);
	metrics_webhook_dead("nobody", METRICS_DEAD_LETTERED);	/* not a provider */
	metrics_webhook_dead("paypal", METRICS_DEAD__COUNT);	/* not an outcome */
	metrics_webhook_waiting_set(n, 1234);
	assert_true(metrics_webhooks(&w));
	assert_int_equal(w.dead[0][METRICS_DEAD_LETTERED] - w0.dead[0][METRICS_DEAD_LETTERED], 2);
	assert_int_equal(w.dead[2][METRICS_DEAD_DISCARDED] - w0.dead[2][METRICS_DEAD_DISCARDED], 1);
	assert_int_equal(w.dead[1][METRICS_DEAD_LETTERED], w0.dead[1][METRICS_DEAD_LETTERED]);
	assert_int_equal(w.waiting_at, 1234);
	assert_int_equal(w.waiting[0], 4);
	assert_int_equal(w.waiting[2], 1);
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
		cmocka_unit_test(metrics_totals__two_processes__counts_add_up),
		cmocka_unit_test(metrics_request__no_route__counts_in_the_last_row),
		cmocka_unit_test(metrics_processes__this_process__is_listed_busy_with_its_request),
		cmocka_unit_test(metrics_processes__secure_link_request__shows_no_token),
		cmocka_unit_test(metrics_busy_ms__busy_then_idle__is_its_age_then_minus_one),
		cmocka_unit_test(metrics_webhooks__dead_letters_of_two_processes__add_up_for_the_host),
		cmocka_unit_test(routes_table__fits_the_metrics_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
