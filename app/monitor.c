/* monitor.c -- `exodrive monitor`: the stack's health against thresholds,
 * for cron.  Checks PostgreSQL (reachable, latency, connections used),
 * Redis (reachable, latency, memory against maxmemory, throughput), the
 * cache hit ratio of the day and every queue's backlog and dead letters,
 * and what users feel, from the metrics scoreboard: the share of 5xx
 * answers, the p95 latency of each route family and the share of 429s.
 * Posts a JSON alert to MONITOR_WEBHOOK_URL when a check fails; exits 1
 * then, else 0.  --report prints every check; --json prints them as JSON. */
#include "config.h"

#include <math.h>
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
#include "route.h"
#include "svc.h"
#include "xmalloc.h"

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
	long c[5], due;
	size_t i;

	for (i = 0; queue_names[i] != NULL; i++) {
		if (queue_counts(queue_names[i], c) != 0 ||
		    (due = queue_due(queue_names[i])) < 0)
			return;
		snprintf(name, sizeof name, "queue %s backlog", queue_names[i]);
		snprintf(v, sizeof v, "%ld", c[0] + due);
		snprintf(l, sizeof l, "< %ld", conf->monitor_queue_backlog);
		monitor_add(report, name, v, l, c[0] + due < conf->monitor_queue_backlog);
		snprintf(name, sizeof name, "queue %s dead letters", queue_names[i]);
		snprintf(v, sizeof v, "%ld", c[4]);
		snprintf(l, sizeof l, "< %ld", conf->monitor_dead_letters);
		monitor_add(report, name, v, l, c[4] < conf->monitor_dead_letters);
	}
}

void
monitor_family_of(const char *path, char *out, size_t size)
{
	const char *p, *e;
	size_t len;

	if (path == NULL) {
		snprintf(out, size, "none");
		return;
	}
	p = path;
	if (strncmp(p, "/api/", 5) == 0)
		p += 5;
	while (*p == '/')
		p++;
	for (e = p; *e != '\0' && *e != '/' && *e != '.' && *e != '{'; e++)
		;
	len = (size_t)(e - p);
	if (len == 0) {
		snprintf(out, size, "root");
		return;
	}
	snprintf(out, size, "%.*s", (int)len, p);
}

const struct monitor_family *
monitor_snap_family(const struct monitor_snap *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0)
			return &s->f[i];
	return NULL;
}

/* The family name of s, added when new (the last room: "other"). */
static struct monitor_family *
monitor_snap_add(struct monitor_snap *s, const char *name)
{
	struct monitor_family *f;

	if ((f = (struct monitor_family *)monitor_snap_family(s, name)) != NULL)
		return f;
	if (s->n == MONITOR_FAMILIES - 1 && strcmp(name, "other") != 0)
		return monitor_snap_add(s, "other");
	f = &s->f[s->n++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

void
monitor_snap_take(struct monitor_snap *s, const struct metrics_counts *t,
    const struct route *rt, size_t n, int64_t at_ms)
{
	struct monitor_family *f;
	char name[32];
	size_t r, k;

	memset(s, 0, sizeof *s);
	s->at_ms = at_ms;
	if (n > METRICS_ROUTES)
		n = METRICS_ROUTES;
	for (r = n > 0 ? 0 : METRICS_ROUTES; r <= METRICS_ROUTES;
	    r = r + 1 == n ? METRICS_ROUTES : r + 1) {
		monitor_family_of(r < n ? rt[r].path : NULL, name, sizeof name);
		for (k = 0; k < 4 && t->status[r][k] == 0; k++)
			;
		if (k == 4)	/* nothing answered: no family of its own */
			for (k = 0; k <= METRICS_BUCKETS && t->hist[r][k] == 0; k++)
				;
		if (k > METRICS_BUCKETS)
			continue;
		f = monitor_snap_add(s, name);
		for (k = 0; k < 4; k++)
			f->status[k] += t->status[r][k];
		for (k = 0; k <= METRICS_BUCKETS; k++)
			f->hist[k] += t->hist[r][k];
	}
	for (k = 0; k < METRICS_TIERS; k++) {
		s->allowed += t->rate[k][0];
		s->denied += t->rate[k][1];
	}
}

bool
monitor_snap_since(struct monitor_snap *d, const struct monitor_snap *now,
    const struct monitor_snap *base)
{
	const struct monitor_family *b;
	size_t i, k;

	*d = *now;
	if (base == NULL)
		return false;
	if (base->allowed > now->allowed || base->denied > now->denied)
		return false;
	for (i = 0; i < now->n; i++) {
		if ((b = monitor_snap_family(base, now->f[i].name)) == NULL)
			continue;
		for (k = 0; k < 4; k++)
			if (b->status[k] > now->f[i].status[k])
				goto recreated;
		for (k = 0; k <= METRICS_BUCKETS; k++)
			if (b->hist[k] > now->f[i].hist[k])
				goto recreated;
		for (k = 0; k < 4; k++)
			d->f[i].status[k] -= b->status[k];
		for (k = 0; k <= METRICS_BUCKETS; k++)
			d->f[i].hist[k] -= b->hist[k];
	}
	d->allowed -= base->allowed;
	d->denied -= base->denied;
	return true;
recreated:
	*d = *now;
	return false;
}

const struct monitor_snap *
monitor_snap_base(const struct monitor_snap *s, size_t n, int64_t now_ms,
    long window_s)
{
	size_t i;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (s[i].at_ms >= now_ms - (int64_t)window_s * 1000)
			return &s[i];
	return &s[n - 1];
}

void
monitor_snap_write(FILE *f, const struct monitor_snap *s)
{
	size_t i, k;

	fprintf(f, "snap %lld %llu %llu %zu\n", (long long)s->at_ms,
	    (unsigned long long)s->allowed, (unsigned long long)s->denied, s->n);
	for (i = 0; i < s->n; i++) {
		fprintf(f, "%s", s->f[i].name);
		for (k = 0; k < 4; k++)
			fprintf(f, " %llu", (unsigned long long)s->f[i].status[k]);
		for (k = 0; k <= METRICS_BUCKETS; k++)
			fprintf(f, " %llu", (unsigned long long)s->f[i].hist[k]);
		fputc('\n', f);
	}
}

int
monitor_snap_read(FILE *f, struct monitor_snap *s)
{
	unsigned long long a, b, v;
	long long at;
	size_t i, k, n;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = fscanf(f, " snap %lld %llu %llu %zu", &at, &a, &b, &n)) == EOF)
		return 0;
	if (rc != 4 || n > MONITOR_FAMILIES)
		return -1;
	s->at_ms = at;
	s->allowed = a;
	s->denied = b;
	for (i = 0; i < n; i++) {
		if (fscanf(f, " %31s", s->f[i].name) != 1)
			return -1;
		for (k = 0; k < 4 + METRICS_BUCKETS + 1; k++) {
			if (fscanf(f, " %llu", &v) != 1)
				return -1;
			if (k < 4)
				s->f[i].status[k] = v;
			else
				s->f[i].hist[k - 4] = v;
		}
	}
	s->n = n;
	return 1;
}

double
monitor_p95(const uint64_t h[METRICS_BUCKETS + 1])
{
	uint64_t total = 0, cum = 0;
	double rank, lo;
	size_t k;

	for (k = 0; k <= METRICS_BUCKETS; k++)
		total += h[k];
	if (total == 0)
		return -1;
	rank = 0.95 * (double)total;
	for (k = 0; k < METRICS_BUCKETS; k++) {
		if ((double)(cum + h[k]) >= rank && h[k] > 0) {
			lo = k == 0 ? 0 : (double)metrics_le[k - 1];
			return (lo + ((double)metrics_le[k] - lo) *
			    (rank - (double)cum) / (double)h[k]) / 1000.0;
		}
		cum += h[k];
	}
	return INFINITY;
}

bool
monitor_share_ok(uint64_t part, uint64_t total, long pct, long min)
{
	return total < (uint64_t)(min > 0 ? min : 0) ||
	    (double)part * 100.0 <= (double)total * (double)pct;
}

/* The state file: MONITOR_STATE_FILE, else METRICS_FILE.monitor. */
static void
monitor_state_path(char *out, size_t size)
{
	if (conf->monitor_state_file[0] != '\0')
		snprintf(out, size, "%s", conf->monitor_state_file);
	else
		snprintf(out, size, "%s.monitor", conf->metrics_file);
}

/* Read the snapshots of the state file into s (oldest first, at most
 * max); returns how many. */
static size_t
monitor_state_read(const char *path, struct monitor_snap *s, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f == NULL)
		return 0;
	while (n < max && monitor_snap_read(f, &s[n]) == 1)
		n++;
	fclose(f);
	return n;
}

/* Keep the snapshots of the last two windows (at least the newest one),
 * at most MONITOR_SNAPS, then now's.  Returns 0 or -1. */
static int
monitor_state_write(const char *path, const struct monitor_snap *s, size_t n,
    const struct monitor_snap *now)
{
	char tmp[1100];
	size_t first = 0, i;
	FILE *f;

	while (first + 1 < n && s[first].at_ms < now->at_ms -
	    2000 * (int64_t)conf->monitor_window)
		first++;
	if (n - first > MONITOR_SNAPS - 1)
		first = n - (MONITOR_SNAPS - 1);
	snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	for (i = first; i < n; i++)
		monitor_snap_write(f, &s[i]);
	monitor_snap_write(f, now);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The 5xx share, the p95 of each route family and the 429 share of the
 * answers since the base snapshot. */
static void
monitor_http(struct json_object *report)
{
	struct metrics_counts *t = xcalloc(1, sizeof *t);
	struct monitor_snap *s = xcalloc(MONITOR_SNAPS + 2, sizeof *s);
	struct monitor_snap *now = &s[MONITOR_SNAPS], *d = &s[MONITOR_SNAPS + 1];
	const struct monitor_snap *base;
	const struct route *rt;
	char path[1024], v[96], l[64], name[64], span[48];
	uint64_t total = 0, err = 0, n;
	size_t i, k, ns, rn;
	double p95;
	bool since;

	if (!metrics_totals(t)) {
		monitor_add(report, "http scoreboard", "unavailable", "METRICS_FILE readable", false);
		goto done;
	}
	rt = route_served(&rn);
	monitor_snap_take(now, t, rt, rn, clock_wall_ms());
	monitor_state_path(path, sizeof path);
	ns = monitor_state_read(path, s, MONITOR_SNAPS);
	base = monitor_snap_base(s, ns, now->at_ms, conf->monitor_window);
	since = monitor_snap_since(d, now, base);
	if (monitor_state_write(path, s, ns, now) != 0)
		LOG_WARN("monitor: cannot write %s; the next run measures from the start", path);
	if (since)
		snprintf(span, sizeof span, "in %lld s",
		    (long long)((now->at_ms - base->at_ms + 500) / 1000));
	else
		snprintf(span, sizeof span, "since start");
	for (i = 0; i < d->n; i++) {
		for (k = 0; k < 4; k++)
			total += d->f[i].status[k];
		err += d->f[i].status[3];
	}
	snprintf(v, sizeof v, "%.1f%% of %llu %s", total > 0 ? 100.0 * (double)err /
	    (double)total : 0.0, (unsigned long long)total, span);
	snprintf(l, sizeof l, "<= %ld%% (after %ld answers)", conf->monitor_5xx_pct,
	    conf->monitor_min_requests);
	monitor_add(report, "http 5xx share", v, l,
	    monitor_share_ok(err, total, conf->monitor_5xx_pct, conf->monitor_min_requests));
	snprintf(l, sizeof l, "<= %ld ms (after %ld answers)", conf->monitor_p95_ms,
	    conf->monitor_min_requests);
	for (i = 0; i < d->n; i++) {
		for (n = 0, k = 0; k <= METRICS_BUCKETS; k++)
			n += d->f[i].hist[k];
		if (n == 0)
			continue;
		p95 = monitor_p95(d->f[i].hist);
		snprintf(name, sizeof name, "http p95 %s", d->f[i].name);
		if (isinf(p95))
			snprintf(v, sizeof v, "> %lld ms of %llu",
			    (long long)(metrics_le[METRICS_BUCKETS - 1] / 1000),
			    (unsigned long long)n);
		else
			snprintf(v, sizeof v, "%.1f ms of %llu", p95, (unsigned long long)n);
		monitor_add(report, name, v, l, n < (uint64_t)conf->monitor_min_requests ||
		    p95 <= (double)conf->monitor_p95_ms);
	}
	snprintf(v, sizeof v, "%.1f%% of %llu %s", total > 0 ? 100.0 * (double)d->denied /
	    (double)total : 0.0, (unsigned long long)total, span);
	snprintf(l, sizeof l, "<= %ld%% (after %ld answers)", conf->monitor_429_pct,
	    conf->monitor_min_requests);
	monitor_add(report, "http 429 share", v, l,
	    monitor_share_ok(d->denied, total, conf->monitor_429_pct, conf->monitor_min_requests));
done:
	free(s);
	free(t);
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
	monitor_http(report);
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
