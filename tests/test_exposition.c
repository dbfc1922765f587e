/* test_exposition.c -- the figures as Prometheus text and the pool's
 * scoreboard as JSON: over given figures, and over the metrics file. */
#include "config.h"

#include "test_common.h"

#include <stdio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "buf.h"
#include "conf.h"
#include "exposition.h"
#include "metrics.h"
#include "route.h"

static struct conf c;
static char path[64];

static int
setup(void **state)
{
	const struct route *t;
	char err[256];
	size_t n;

	(void)state;
	t = routes_table(&n);
	route_serve(t, n);
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	snprintf(path, sizeof path, "/tmp/exodrive-exposition-test-%d", (int)getpid());
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

static const struct input none = { .body = BODY_NONE };
static const struct route fake[] = {
	{ .method = METHOD_GET, .path = "/a", .operation = "a.get", .input = &none },
	{ .method = METHOD_POST, .path = "/b", .operation = "b.create", .input = &none },
};

/* The value of the line of text starting with line (a whole metric name
 * and labels), or -1 when there is none. */
static long long
value(const char *text, const char *line)
{
	char want[512];
	const char *p;

	snprintf(want, sizeof want, "\n%s ", line);
	if ((p = strstr(text, want)) == NULL)
		return -1;
	return strtoll(p + strlen(want), NULL, 10);
}

static void
exposition_http__counts_of_a_route__are_named_by_its_operation_and_method(void **state)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	struct buf b;

	(void)state;
	t->status[1][0] = 7;
	t->status[1][3] = 2;
	buf_init(&b);
	exposition_http(&b, t, fake, 2);
	assert_int_equal(value(b.data, "exodrive_http_requests_total{route=\"b.create\","
	    "method=\"POST\",code=\"2xx\"}"), 7);
	assert_int_equal(value(b.data, "exodrive_http_requests_total{route=\"b.create\","
	    "method=\"POST\",code=\"5xx\"}"), 2);
	/* No line for a class or a route with nothing counted. */
	assert_null(strstr(b.data, "code=\"4xx\""));
	assert_null(strstr(b.data, "route=\"a.get\""));
	buf_free(&b);
	free(t);
}

static void
exposition_http__unmatched_requests__are_route_none_method_any(void **state)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	struct buf b;

	(void)state;
	t->status[METRICS_ROUTES][2] = 5;
	t->status[5][2] = 9;	/* an index past the table: never shown */
	buf_init(&b);
	exposition_http(&b, t, fake, 2);
	assert_int_equal(value(b.data, "exodrive_http_requests_total{route=\"none\","
	    "method=\"any\",code=\"4xx\"}"), 5);
	assert_null(strstr(b.data, "} 9\n"));
	buf_free(&b);
	free(t);
}

static void
exposition_http__histogram__buckets_are_cumulative_with_sum_and_count(void **state)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	struct buf b;

	(void)state;
	t->hist[0][0] = 1;			/* <= 0.5 ms */
	t->hist[0][1] = 2;			/* <= 1 ms */
	t->hist[0][METRICS_BUCKETS] = 4;	/* > 1 s */
	t->sum_us[0] = 5500000;
	buf_init(&b);
	exposition_http(&b, t, fake, 2);
	assert_int_equal(value(b.data, "exodrive_http_request_duration_seconds_bucket"
	    "{route=\"a.get\",le=\"0.0005\"}"), 1);
	assert_int_equal(value(b.data, "exodrive_http_request_duration_seconds_bucket"
	    "{route=\"a.get\",le=\"0.001\"}"), 3);
	assert_int_equal(value(b.data, "exodrive_http_request_duration_seconds_bucket"
	    "{route=\"a.get\",le=\"1\"}"), 3);
	assert_int_equal(value(b.data, "exodrive_http_request_duration_seconds_bucket"
	    "{route=\"a.get\",le=\"+Inf\"}"), 7);
	assert_int_equal(value(b.data, "exodrive_http_request_duration_seconds_count"
	    "{route=\"a.get\"}"), 7);
	assert_non_null(strstr(b.data, "exodrive_http_request_duration_seconds_sum"
	    "{route=\"a.get\"} 5.500000\n"));
	assert_null(strstr(b.data, "_bucket{route=\"b.create\""));
	buf_free(&b);
	free(t);
}

static void
exposition_deps__named_queues__one_line_per_queue_and_outcome(void **state)
{
	static const char *const queues[] = { "email", "report", NULL };
	struct metrics_counts *t = calloc(1, sizeof *t);
	struct buf b;

	(void)state;
	t->jobs[1][1] = 4;
	t->cache[1][0] = 11;			/* car HIT */
	t->rate[2][1] = 6;			/* public denied */
	t->db[0] = 12;
	t->db[1] = 1;
	t->audit[1] = 3;
	buf_init(&b);
	exposition_deps(&b, t, queues);
	assert_int_equal(value(b.data, "exodrive_jobs_total{queue=\"report\",outcome=\"failed\"}"), 4);
	assert_int_equal(value(b.data, "exodrive_jobs_total{queue=\"email\",outcome=\"completed\"}"), 0);
	assert_null(strstr(b.data, "queue=\"(null)\""));
	assert_int_equal(value(b.data, "exodrive_cache_total{family=\"car\",outcome=\"HIT\"}"), 11);
	assert_int_equal(value(b.data, "exodrive_rate_limit_total{tier=\"public\",decision=\"denied\"}"), 6);
	assert_int_equal(value(b.data, "exodrive_db_calls_total"), 12);
	assert_int_equal(value(b.data, "exodrive_db_errors_total"), 1);
	assert_int_equal(value(b.data, "exodrive_redis_calls_total"), 0);
	assert_int_equal(value(b.data, "exodrive_admin_audit_total{outcome=\"failed\"}"), 3);
	assert_int_equal(value(b.data, "exodrive_admin_audit_total{outcome=\"written\"}"), 0);
	buf_free(&b);
	free(t);
}

static void
exposition_webhooks__counted_gauge__one_line_per_provider_and_outcome(void **state)
{
	struct metrics_webhooks w;
	struct buf b;

	(void)state;
	memset(&w, 0, sizeof w);
	w.waiting_at = 1;
	w.waiting[0] = 3;			/* paypal */
	w.dead[2][METRICS_DEAD_DISCARDED] = 2;	/* docuseal */
	w.dead[0][METRICS_DEAD_LETTERED] = 5;
	buf_init(&b);
	exposition_webhooks(&b, &w);
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letters_waiting{provider=\"paypal\"}"), 3);
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letters_waiting{provider=\"resend\"}"), 0);
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letter_events_total{provider=\"docuseal\",outcome=\"discarded\"}"), 2);
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letter_events_total{provider=\"paypal\",outcome=\"dead_lettered\"}"), 5);
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letter_events_total{provider=\"resend\",outcome=\"retry_failed\"}"), 0);
	assert_non_null(strstr(b.data, "# TYPE exodrive_webhook_dead_letters_waiting gauge\n"));
	assert_non_null(strstr(b.data, "# TYPE exodrive_webhook_dead_letter_events_total counter\n"));
	buf_free(&b);
}

static void
exposition_webhooks__gauge_never_counted__is_left_out(void **state)
{
	struct metrics_webhooks w;
	struct buf b;

	(void)state;
	memset(&w, 0, sizeof w);
	buf_init(&b);
	exposition_webhooks(&b, &w);
	assert_null(strstr(b.data, "exodrive_webhook_dead_letters_waiting"));
	assert_int_equal(value(b.data, "exodrive_webhook_dead_letter_events_total{provider=\"paypal\",outcome=\"retried\"}"), 0);
	buf_free(&b);
}

static void
exposition_processes__roles_and_states__are_counted_apart(void **state)
{
	const struct metrics_proc p[] = {
		{ .pid = 10, .role = METRICS_RESPONDER, .busy = true },
		{ .pid = 11, .role = METRICS_RESPONDER },
		{ .pid = 12, .role = METRICS_RESPONDER },
		{ .pid = 13, .role = METRICS_WORKER, .busy = true },
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	exposition_processes(&b, p, 4);
	assert_int_equal(value(b.data, "exodrive_pool_processes{role=\"responder\",state=\"busy\"}"), 1);
	assert_int_equal(value(b.data, "exodrive_pool_processes{role=\"responder\",state=\"idle\"}"), 2);
	assert_int_equal(value(b.data, "exodrive_pool_processes{role=\"worker\",state=\"busy\"}"), 1);
	assert_int_equal(value(b.data, "exodrive_pool_processes{role=\"scheduler\",state=\"idle\"}"), 0);
	buf_free(&b);
}

static void
exposition_pool_json__busy_process__has_its_request_and_age(void **state)
{
	const struct metrics_proc p[] = {
		{ .pid = 42, .role = METRICS_WORKER, .requests = 3, .started = 1700000000 },
		{ .pid = 43, .role = METRICS_RESPONDER, .busy = true, .requests = 9,
		  .started = 1700000001, .since_ms = 1000, .method = "GET",
		  .path = "/api/cars/\"x\"" },
	};
	struct json_object *o, *ps, *x, *rq;
	struct buf b;

	(void)state;
	buf_init(&b);
	exposition_pool_json(&b, p, 2, 1250);
	assert_non_null(o = json_tokener_parse(b.data));
	assert_int_equal(json_object_get_int(json_object_object_get(o, "total")), 2);
	assert_int_equal(json_object_get_int(json_object_object_get(o, "busy")), 1);
	assert_int_equal(json_object_get_int(json_object_object_get(o, "idle")), 1);
	ps = json_object_object_get(o, "processes");
	assert_int_equal(json_object_array_length(ps), 2);
	x = json_object_array_get_idx(ps, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(x, "role")), "worker");
	assert_string_equal(json_object_get_string(json_object_object_get(x, "state")), "idle");
	assert_false(json_object_object_get_ex(x, "request", NULL));
	x = json_object_array_get_idx(ps, 1);
	assert_int_equal(json_object_get_int(json_object_object_get(x, "pid")), 43);
	assert_int_equal(json_object_get_int(json_object_object_get(x, "requests")), 9);
	assert_int_equal(json_object_get_int64(json_object_object_get(x, "startedAt")), 1700000001);
	assert_true(json_object_object_get_ex(x, "request", &rq));
	assert_string_equal(json_object_get_string(json_object_object_get(rq, "path")),
	    "/api/cars/\"x\"");
	assert_int_equal(json_object_get_int(json_object_object_get(rq, "ageMs")), 250);
	json_object_put(o);
	buf_free(&b);
}

static void
exposition_pool_json__no_processes__is_empty_with_zero_totals(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	exposition_pool_json(&b, NULL, 0, 0);
	assert_string_equal(b.data, "{\"processes\":[],\"total\":0,\"busy\":0,\"idle\":0}");
	buf_free(&b);
}

static void
exposition_role_name__each_role__is_its_name(void **state)
{
	(void)state;
	assert_string_equal(exposition_role_name(METRICS_RESPONDER), "responder");
	assert_string_equal(exposition_role_name(METRICS_WORKER), "worker");
	assert_string_equal(exposition_role_name(METRICS_SCHEDULER), "scheduler");
	assert_string_equal(exposition_role_name(METRICS_OTHER), "other");
	assert_string_equal(exposition_role_name((enum metrics_role)0), "other");
}

static void
exposition_prometheus__metrics_file__shows_this_process_requests(void **state)
{
	const char *key = "exodrive_http_requests_total{route=\"car.byId\",method=\"GET\",code=\"2xx\"}";
	const struct route *t;
	struct buf b;
	size_t n, i;

	(void)state;
	t = routes_table(&n);
	for (i = 0; i < n && strcmp(t[i].operation, "car.byId") != 0; i++)
		;
	metrics_attach(METRICS_RESPONDER);
	metrics_request((int)i, 200, 800);
	metrics_request((int)i, 200, 900);
	buf_init(&b);
	exposition_prometheus(&b);
	assert_int_equal(value(b.data, key), 2);
	assert_non_null(strstr(b.data, "# TYPE exodrive_pool_processes gauge\n"));
	assert_true(value(b.data, "exodrive_pool_processes{role=\"responder\",state=\"idle\"}") >= 1);
	buf_free(&b);
}

static void
exposition_pool__busy_process__is_listed_with_its_request(void **state)
{
	struct buf b;
	char want[64];

	(void)state;
	metrics_attach(METRICS_RESPONDER);
	metrics_busy("GET", "/api/cars/slow");
	buf_init(&b);
	exposition_pool(&b);
	snprintf(want, sizeof want, "{\"pid\":%d,\"role\":\"responder\",\"state\":\"busy\"",
	    (int)getpid());
	assert_non_null(strstr(b.data, want));
	assert_non_null(strstr(b.data, "\"path\":\"/api/cars/slow\""));
	metrics_idle();
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exposition_http__counts_of_a_route__are_named_by_its_operation_and_method),
		cmocka_unit_test(exposition_http__unmatched_requests__are_route_none_method_any),
		cmocka_unit_test(exposition_http__histogram__buckets_are_cumulative_with_sum_and_count),
		cmocka_unit_test(exposition_deps__named_queues__one_line_per_queue_and_outcome),
		cmocka_unit_test(exposition_webhooks__counted_gauge__one_line_per_provider_and_outcome),
		cmocka_unit_test(exposition_webhooks__gauge_never_counted__is_left_out),
		cmocka_unit_test(exposition_processes__roles_and_states__are_counted_apart),
		cmocka_unit_test(exposition_pool_json__busy_process__has_its_request_and_age),
		cmocka_unit_test(exposition_pool_json__no_processes__is_empty_with_zero_totals),
		cmocka_unit_test(exposition_role_name__each_role__is_its_name),
		cmocka_unit_test(exposition_prometheus__metrics_file__shows_this_process_requests),
		cmocka_unit_test(exposition_pool__busy_process__is_listed_with_its_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
