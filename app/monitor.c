/* monitor.c -- `exodrive monitor`: the stack's health against thresholds,
 * for cron.  Checks PostgreSQL (reachable, latency, connections used),
 * Redis (reachable, latency, memory against maxmemory, throughput), the
 * cache hit ratio of the day and every queue's backlog and dead letters.
 * Posts a JSON alert to MONITOR_WEBHOOK_URL when a check fails; exits 1
 * then, else 0.  --report prints every check; --json prints them as JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "conf.h"
#include "counter.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "monitor.h"
#include "queue.h"
#include "redis.h"
#include "svc.h"

/* Add check name with value (text), threshold (text) and whether it
 * passed to report. */
static void
monitor_add(struct json_object *report, const char *name, const char *value,
    const char *limit, bool ok)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "check", json_object_new_string(name));
	json_object_object_add(c, "value", json_object_new_string(value));
	json_object_object_add(c, "threshold", json_object_new_string(limit));
	json_object_object_add(c, "ok", json_object_new_boolean(ok));
	json_object_array_add(report, c);
}

static void
monitor_postgres(struct json_object *report)
{
	struct db_res *res = NULL;
	char v[96], l[48];
	double ms;
	long used, max;

	if (db_ping(&ms) != 0) {
		monitor_add(report, "postgresql", "unreachable", "reachable", false);
		return;
	}
	snprintf(v, sizeof v, "up, %.1f ms", ms);
	monitor_add(report, "postgresql", v, "reachable", true);
	if (db_query("SELECT count(*)::text, current_setting('max_connections')"
	    " FROM pg_stat_activity", 0, NULL, &res) == API_OK && db_rows(res) == 1) {
		used = atol(db_val(res, 0, 0));
		max = atol(db_val(res, 0, 1));
		snprintf(v, sizeof v, "%ld of %ld", used, max);
		snprintf(l, sizeof l, "< %ld%%", conf->monitor_pg_connections_pct);
		monitor_add(report, "postgresql connections", v, l,
		    max > 0 && used * 100 < max * conf->monitor_pg_connections_pct);
	}
	db_free(res);
}

/* The number after "name:" in Redis INFO text, or -1. */
static double
monitor_info(const char *info, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof key, "\n%s:", name);
	p = strstr(info, key);
	return p == NULL ? -1 : strtod(p + strlen(key), NULL);
}

static void
monitor_redis(struct json_object *report)
{
	const char *argv[1] = { "INFO" };
	char v[96], l[48], *info = NULL;
	double ms, used, max, ops;
	size_t len;

	if (redis_ping(&ms) != 0) {
		monitor_add(report, "redis", "unreachable", "reachable", false);
		return;
	}
	snprintf(v, sizeof v, "up, %.2f ms", ms);
	snprintf(l, sizeof l, "< %ld ms", conf->monitor_redis_latency_ms);
	monitor_add(report, "redis latency", v, l, ms < (double)conf->monitor_redis_latency_ms);
	if (redis_text(1, argv, &info, &len) != 1)
		return;
	used = monitor_info(info, "used_memory");
	max = monitor_info(info, "maxmemory");
	ops = monitor_info(info, "instantaneous_ops_per_sec");
	free(info);
	snprintf(v, sizeof v, "%.1f MiB of %s", used / 1048576.0, max > 0 ? "maxmemory" : "no maxmemory");
	snprintf(l, sizeof l, "< %ld%% of maxmemory", conf->monitor_redis_memory_pct);
	monitor_add(report, "redis memory", v, l,
	    max <= 0 || used * 100 < max * (double)conf->monitor_redis_memory_pct);
	snprintf(v, sizeof v, "%.0f ops/s", ops);
	monitor_add(report, "redis throughput", v, "-", true);
}

static void
monitor_cache(struct json_object *report)
{
	struct json_object *o;
	struct buf b;
	long long hit = 0, miss = 0;
	char v[96], l[48];

	buf_init(&b);
	if (counter_cache_today(&b) != 0 || (o = json_tokener_parse(b.data)) == NULL) {
		buf_free(&b);
		return;
	}
	buf_free(&b);
	json_object_object_foreach(o, k, n) {
		const char *st = strchr(k, ':');

		if (st != NULL && (strcmp(st, ":HIT") == 0 || strcmp(st, ":STALE") == 0))
			hit += json_object_get_int64(n);
		else if (st != NULL && strcmp(st, ":MISS") == 0)
			miss += json_object_get_int64(n);
	}
	json_object_put(o);
	snprintf(l, sizeof l, ">= %ld%% (after 100 lookups)", conf->monitor_cache_hit_min_pct);
	if (hit + miss == 0)
		snprintf(v, sizeof v, "no lookups today");
	else
		snprintf(v, sizeof v, "%.1f%% of %lld", 100.0 * (double)hit / (double)(hit + miss),
		    hit + miss);
	monitor_add(report, "cache hit ratio", v, l, hit + miss < 100 ||
	    hit * 100 >= (hit + miss) * conf->monitor_cache_hit_min_pct);
}

static void
monitor_queues(struct json_object *report)
{
	char name[64], v[48], l[48];
	long c[5];
	size_t i;

	for (i = 0; queue_names[i] != NULL; i++) {
		if (queue_counts(queue_names[i], c) != 0)
			return;
		snprintf(name, sizeof name, "queue %s backlog", queue_names[i]);
		snprintf(v, sizeof v, "%ld", c[0] + c[2]);
		snprintf(l, sizeof l, "< %ld", conf->monitor_queue_backlog);
		monitor_add(report, name, v, l, c[0] + c[2] < conf->monitor_queue_backlog);
		snprintf(name, sizeof name, "queue %s dead letters", queue_names[i]);
		snprintf(v, sizeof v, "%ld", c[4]);
		snprintf(l, sizeof l, "< %ld", conf->monitor_dead_letters);
		monitor_add(report, name, v, l, c[4] < conf->monitor_dead_letters);
	}
}

/* The inbound webhook dead letters waiting for an admin, counted in
 * PostgreSQL (which also refreshes the gauge /metrics shows). */
static void
monitor_webhook_dead_letters(struct json_object *report)
{
	int64_t n[METRICS_PROVIDERS], total = 0;
	char v[96], l[48];
	int p;

	if (svc_webhooks_dead_count(n) != API_OK)
		return;		/* PostgreSQL's check says why */
	for (p = 0; p < METRICS_PROVIDERS; p++)
		total += n[p];
	snprintf(v, sizeof v, "%lld (%s %lld, %s %lld, %s %lld)", (long long)total,
	    metrics_providers[0], (long long)n[0], metrics_providers[1],
	    (long long)n[1], metrics_providers[2], (long long)n[2]);
	snprintf(l, sizeof l, "<= %ld", conf->monitor_webhook_dead_letters);
	monitor_add(report, "webhook dead letters", v, l,
	    total <= conf->monitor_webhook_dead_letters);
}

/* POST the failed checks to MONITOR_WEBHOOK_URL.  Returns 0 or -1. */
static int
monitor_alert(struct json_object *failed)
{
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	struct json_object *o = json_object_new_object();
	struct http_result res;
	char host[256], ts[40];
	const char *body;
	int rc;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	clock_iso8601(ts, sizeof ts);
	json_object_object_add(o, "service", json_object_new_string("exodrive"));
	json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "alerts", json_object_get(failed));
	body = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	rc = http_call("POST", conf->monitor_webhook_url, headers, body, strlen(body),
	    NULL, 10000, &res);
	if (rc != 0 || res.status < 200 || res.status >= 300) {
		LOG_ERR("monitor: the alert did not reach %s (%s)", conf->monitor_webhook_url,
		    rc != 0 ? res.error : "not a 2xx answer");
		rc = -1;
	}
	http_result_free(&res);
	json_object_put(o);
	return rc;
}

int
monitor_run(bool report_all, bool json)
{
	struct json_object *report = json_object_new_array(), *failed, *c;
	size_t i;
	int rc;

	monitor_postgres(report);
	monitor_redis(report);
	monitor_cache(report);
	monitor_queues(report);
	monitor_webhook_dead_letters(report);
	failed = json_object_new_array();
	for (i = 0; i < json_object_array_length(report); i++) {
		c = json_object_array_get_idx(report, i);
		if (!json_object_get_boolean(json_object_object_get(c, "ok")))
			json_object_array_add(failed, json_object_get(c));
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(report_all ? report : failed,
		    JSON_C_TO_STRING_PLAIN));
	else
		for (i = 0; i < json_object_array_length(report); i++) {
			c = json_object_array_get_idx(report, i);
			if (!report_all && json_object_get_boolean(json_object_object_get(c, "ok")))
				continue;
			printf("%-28s %-28s %-30s %s\n",
			    json_object_get_string(json_object_object_get(c, "check")),
			    json_object_get_string(json_object_object_get(c, "value")),
			    json_object_get_string(json_object_object_get(c, "threshold")),
			    json_object_get_boolean(json_object_object_get(c, "ok")) ? "ok" : "ALERT");
		}
	rc = json_object_array_length(failed) > 0 ? 1 : 0;
	if (rc != 0 && conf->monitor_webhook_url[0] != '\0')
		(void)monitor_alert(failed);
	json_object_put(failed);
	json_object_put(report);
	return rc;
}
