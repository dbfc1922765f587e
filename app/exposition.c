/* exposition.c -- rendering the metrics file's figures. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "exposition.h"
#include "metrics.h"
#include "queue.h"
#include "ratelimit.h"
#include "route.h"

const char *
exposition_role_name(enum metrics_role role)
{
	switch (role) {
	case METRICS_RESPONDER:	return "responder";
	case METRICS_WORKER:	return "worker";
	case METRICS_SCHEDULER:	return "scheduler";
	case METRICS_OTHER:	break;
	}
	return "other";
}

/* The operation and method of route index r of rt (n routes). */
static void
exposition_route(const struct route *rt, size_t n, size_t r,
    const char **name, const char **method)
{
	*name = r < n ? rt[r].operation : "none";
	*method = r < n ? route_method_name(rt[r].method) : "any";
}

/* The route indexes in use: 0..n-1, then the unmatched ones. */
static size_t
exposition_next(size_t r, size_t n)
{
	return r + 1 == n ? METRICS_ROUTES : r + 1;
}

static void
exposition_requests(struct buf *o, const struct metrics_counts *t,
    const struct route *rt, size_t n)
{
	static const char *const cls[4] = { "2xx", "3xx", "4xx", "5xx" };
	const char *name, *method;
	size_t r, k;

	buf_adds(o, "# HELP exodrive_http_requests_total Requests answered, by route and status class.\n"
	    "# TYPE exodrive_http_requests_total counter\n");
	for (r = n > 0 ? 0 : METRICS_ROUTES; r <= METRICS_ROUTES; r = exposition_next(r, n)) {
		exposition_route(rt, n, r, &name, &method);
		for (k = 0; k < 4; k++)
			if (t->status[r][k] > 0)
				buf_printf(o, "exodrive_http_requests_total{route=\"%s\",method=\"%s\","
				    "code=\"%s\"} %llu\n", name, method, cls[k],
				    (unsigned long long)t->status[r][k]);
	}
}

static void
exposition_histogram(struct buf *o, const struct metrics_counts *t, size_t r,
    const char *name)
{
	uint64_t cum, total;
	size_t k;

	for (total = 0, k = 0; k <= METRICS_BUCKETS; k++)
		total += t->hist[r][k];
	if (total == 0)
		return;
	for (cum = 0, k = 0; k < METRICS_BUCKETS; k++) {
		cum += t->hist[r][k];
		buf_printf(o, "exodrive_http_request_duration_seconds_bucket{route=\"%s\","
		    "le=\"%g\"} %llu\n", name, (double)metrics_le[k] / 1e6,
		    (unsigned long long)cum);
	}
	buf_printf(o, "exodrive_http_request_duration_seconds_bucket{route=\"%s\","
	    "le=\"+Inf\"} %llu\n", name, (unsigned long long)total);
	buf_printf(o, "exodrive_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
	    name, (double)t->sum_us[r] / 1e6);
	buf_printf(o, "exodrive_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
	    name, (unsigned long long)total);
}

void
exposition_http(struct buf *o, const struct metrics_counts *t,
    const struct route *rt, size_t n)
{
	const char *name, *method;
	size_t r;

	if (n > METRICS_ROUTES)
		n = METRICS_ROUTES;	/* the file has no room for more */
	exposition_requests(o, t, rt, n);
	buf_adds(o, "# HELP exodrive_http_request_duration_seconds Time from the request to the answer.\n"
	    "# TYPE exodrive_http_request_duration_seconds histogram\n");
	for (r = n > 0 ? 0 : METRICS_ROUTES; r <= METRICS_ROUTES; r = exposition_next(r, n)) {
		exposition_route(rt, n, r, &name, &method);
		exposition_histogram(o, t, r, name);
	}
}

/* Round trips of one dependency: f holds calls, errors, microseconds. */
static void
exposition_calls(struct buf *o, const char *id, const char *what,
    const uint64_t *f)
{
	buf_printf(o, "# HELP exodrive_%s_calls_total Round trips to %s.\n"
	    "# TYPE exodrive_%s_calls_total counter\n"
	    "exodrive_%s_calls_total %llu\n"
	    "# TYPE exodrive_%s_errors_total counter\n"
	    "exodrive_%s_errors_total %llu\n"
	    "# TYPE exodrive_%s_seconds_total counter\n"
	    "exodrive_%s_seconds_total %.6f\n", id, what, id, id,
	    (unsigned long long)f[0], id, id, (unsigned long long)f[1], id, id,
	    (double)f[2] / 1e6);
}

/* The processing time histogram of each queue's jobs. */
static void
exposition_jobs(struct buf *o, const struct metrics_counts *t,
    const char *const *queues)
{
	uint64_t cum, total;
	size_t i, k;

	buf_adds(o, "# HELP exodrive_job_duration_seconds Time a job's handler took, by queue.\n"
	    "# TYPE exodrive_job_duration_seconds histogram\n");
	for (i = 0; queues[i] != NULL && i < METRICS_QUEUES; i++) {
		for (total = 0, k = 0; k <= METRICS_JOB_BUCKETS; k++)
			total += t->job_hist[i][k];
		for (cum = 0, k = 0; k < METRICS_JOB_BUCKETS; k++) {
			cum += t->job_hist[i][k];
			buf_printf(o, "exodrive_job_duration_seconds_bucket{queue=\"%s\","
			    "le=\"%g\"} %llu\n", queues[i], (double)metrics_job_le[k] / 1e6,
			    (unsigned long long)cum);
		}
		buf_printf(o, "exodrive_job_duration_seconds_bucket{queue=\"%s\",le=\"+Inf\"} "
		    "%llu\nexodrive_job_duration_seconds_sum{queue=\"%s\"} %.6f\n"
		    "exodrive_job_duration_seconds_count{queue=\"%s\"} %llu\n", queues[i],
		    (unsigned long long)total, queues[i], (double)t->job_sum_us[i] / 1e6,
		    queues[i], (unsigned long long)total);
	}
}

void
exposition_deps(struct buf *o, const struct metrics_counts *t,
    const char *const *queues)
{
	static const char *const tiers[METRICS_TIERS] = { "unset", "none", "public",
	    "auth", "booking", "payment", "upload", "webhook", "contact", "admin", "login", "other" };
	size_t i, j;

	buf_adds(o, "# HELP exodrive_cache_total Cache outcomes by family.\n"
	    "# TYPE exodrive_cache_total counter\n");
	for (i = 0; i < METRICS_FAMILIES; i++)
		for (j = 0; j < METRICS_STATES; j++)
			buf_printf(o, "exodrive_cache_total{family=\"%s\",outcome=\"%s\"} %llu\n",
			    metrics_families[i], metrics_states[j],
			    (unsigned long long)t->cache[i][j]);
	buf_adds(o, "# HELP exodrive_rate_limit_total Rate-limit decisions by tier.\n"
	    "# TYPE exodrive_rate_limit_total counter\n");
	for (i = 2; i < METRICS_TIERS - 1; i++)
		for (j = 0; j < 2; j++)
			buf_printf(o, "exodrive_rate_limit_total{tier=\"%s\",decision=\"%s\"} %llu\n",
			    tiers[i], j == 0 ? "allowed" : "denied",
			    (unsigned long long)t->rate[i][j]);
	exposition_calls(o, "db", "PostgreSQL", t->db);
	exposition_calls(o, "redis", "Redis", t->redis);
	buf_adds(o, "# HELP exodrive_jobs_total Jobs finished by the workers.\n"
	    "# TYPE exodrive_jobs_total counter\n");
	for (i = 0; queues[i] != NULL && i < METRICS_QUEUES; i++)
		for (j = 0; j < 2; j++)
			buf_printf(o, "exodrive_jobs_total{queue=\"%s\",outcome=\"%s\"} %llu\n",
			    queues[i], j == 0 ? "completed" : "failed",
			    (unsigned long long)t->jobs[i][j]);
	exposition_jobs(o, t, queues);
	buf_printf(o, "# HELP exodrive_admin_audit_total Admin writes and their "
	    "audit rows.\n# TYPE exodrive_admin_audit_total counter\n"
	    "exodrive_admin_audit_total{outcome=\"written\"} %llu\n"
	    "exodrive_admin_audit_total{outcome=\"failed\"} %llu\n",
	    (unsigned long long)t->audit[0], (unsigned long long)t->audit[1]);
	buf_adds(o, "# HELP exodrive_l1_total What the responders' first-level "
	    "caches did: hits, misses, entries dropped by invalidation, entries "
	    "evicted for room.\n# TYPE exodrive_l1_total counter\n");
	for (i = 0; i < METRICS_L1__COUNT; i++)
		buf_printf(o, "exodrive_l1_total{outcome=\"%s\"} %llu\n",
		    metrics_l1_names[i], (unsigned long long)t->l1[i]);
}

void
exposition_webhooks(struct buf *o, const struct metrics_webhooks *w)
{
	size_t i, j;

	if (w->waiting_at > 0) {
		buf_adds(o, "# HELP exodrive_webhook_dead_letters_waiting Inbound webhook "
		    "dead letters waiting for an admin, by provider (counted in "
		    "PostgreSQL after each change and at most 15 s before a scrape).\n"
		    "# TYPE exodrive_webhook_dead_letters_waiting gauge\n");
		for (i = 0; i < METRICS_PROVIDERS; i++)
			buf_printf(o, "exodrive_webhook_dead_letters_waiting{provider=\"%s\"} %lld\n",
			    metrics_providers[i], (long long)w->waiting[i]);
	}
	buf_adds(o, "# HELP exodrive_webhook_dead_letter_events_total Inbound webhook "
	    "deliveries dead-lettered, and dead letters retried (applied or failed "
	    "again) or discarded, by provider.\n"
	    "# TYPE exodrive_webhook_dead_letter_events_total counter\n");
	for (i = 0; i < METRICS_PROVIDERS; i++)
		for (j = 0; j < METRICS_DEAD__COUNT; j++)
			buf_printf(o, "exodrive_webhook_dead_letter_events_total{provider=\"%s\","
			    "outcome=\"%s\"} %llu\n", metrics_providers[i],
			    metrics_dead_names[j], (unsigned long long)w->dead[i][j]);
}

void
exposition_processes(struct buf *o, const struct metrics_proc *p, size_t n)
{
	int counts[4][2];
	size_t i, j;

	memset(counts, 0, sizeof counts);
	for (i = 0; i < n; i++)
		if (p[i].role >= METRICS_RESPONDER && p[i].role <= METRICS_OTHER)
			counts[p[i].role - 1][p[i].busy]++;
	buf_adds(o, "# HELP exodrive_pool_processes Live processes by role and state.\n"
	    "# TYPE exodrive_pool_processes gauge\n");
	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++)
			buf_printf(o, "exodrive_pool_processes{role=\"%s\",state=\"%s\"} %d\n",
			    exposition_role_name((enum metrics_role)(i + 1)),
			    j ? "busy" : "idle", counts[i][j]);
}

/* The depth of each queue by state, as Redis holds it now. */
static void
exposition_queues(struct buf *o)
{
	static const char *const parts[5] = { "ready", "active", "delayed",
	    "completed", "failed" };
	long depth[5];
	size_t i, j;

	buf_adds(o, "# HELP exodrive_queue_jobs Jobs in each queue and state (Redis).\n"
	    "# TYPE exodrive_queue_jobs gauge\n");
	for (i = 0; queue_names[i] != NULL; i++)
		if (queue_counts(queue_names[i], depth) == 0)
			for (j = 0; j < 5; j++)
				buf_printf(o, "exodrive_queue_jobs{queue=\"%s\",state=\"%s\"} %ld\n",
				    queue_names[i], parts[j], depth[j]);
}

void
exposition_prometheus(struct buf *out)
{
	struct metrics_counts *t = calloc(1, sizeof *t);
	struct metrics_proc *p = calloc(METRICS_SLOTS, sizeof *p);
	struct metrics_webhooks w;
	const struct route *rt;
	size_t n;
	int np;

	if (t != NULL && p != NULL) {
		rt = route_served(&n);
		(void)metrics_totals(t);
		exposition_http(out, t, rt, n);
		exposition_deps(out, t, queue_names);
		(void)metrics_webhooks(&w);
		exposition_webhooks(out, &w);
		np = metrics_processes(p, METRICS_SLOTS);
		exposition_processes(out, p, np > 0 ? (size_t)np : 0);
		exposition_queues(out);
		ratelimit_exposition(out);
	}
	free(p);
	free(t);
}

void
exposition_pool_json(struct buf *o, const struct metrics_proc *p, size_t n,
    int64_t now)
{
	size_t i, busy = 0;

	buf_adds(o, "{\"processes\":[");
	for (i = 0; i < n; i++) {
		busy += p[i].busy;
		buf_printf(o, "%s{\"pid\":%ld,\"role\":\"%s\",\"state\":\"%s\",\"requests\":%llu,"
		    "\"startedAt\":%lld", i > 0 ? "," : "", p[i].pid,
		    exposition_role_name(p[i].role), p[i].busy ? "busy" : "idle",
		    (unsigned long long)p[i].requests, (long long)p[i].started);
		if (p[i].busy) {
			buf_adds(o, ",\"request\":{\"method\":");
			buf_add_json_string(o, p[i].method);
			buf_adds(o, ",\"path\":");
			buf_add_json_string(o, p[i].path);
			buf_printf(o, ",\"ageMs\":%lld}", (long long)(now - p[i].since_ms));
		}
		buf_adds(o, "}");
	}
	buf_printf(o, "],\"total\":%zu,\"busy\":%zu,\"idle\":%zu}", n, busy, n - busy);
}

void
exposition_pool(struct buf *out)
{
	struct metrics_proc *p = calloc(METRICS_SLOTS, sizeof *p);
	int np = p != NULL ? metrics_processes(p, METRICS_SLOTS) : -1;

	exposition_pool_json(out, p, np > 0 ? (size_t)np : 0, clock_wall_ms());
	free(p);
}
