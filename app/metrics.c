/* metrics.c -- the shared counter file and its readers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "queue.h"
#include "route.h"

#define METRICS_MAGIC	0x6578646d65747234ULL	/* "exdmetr4": the layout */
#define METRICS_FAMILIES 4
#define METRICS_STATES	4
#define METRICS_TIERS	12
#define METRICS_QUEUES	8

static const char *const metrics_families[METRICS_FAMILIES] = { "fleet", "car",
	"avail", "reviews" };
static const char *const metrics_states[METRICS_STATES] = { "HIT", "MISS",
	"STALE", "BYPASS" };
/* Upper bounds of the latency buckets, microseconds (then +Inf). */
static const int64_t metrics_le[METRICS_BUCKETS] = { 500, 1000, 2500, 5000,
	10000, 25000, 50000, 100000, 250000, 1000000 };

/* Counters: one writer (the slot's process); readers and the folding
 * claimant use atomic loads and adds. */
struct metrics_counts {
	uint64_t	status[METRICS_ROUTES + 1][4];	/* 2xx..5xx; last: no route */
	uint64_t	hist[METRICS_ROUTES + 1][METRICS_BUCKETS + 1];
	uint64_t	sum_us[METRICS_ROUTES + 1];
	uint64_t	cache[METRICS_FAMILIES][METRICS_STATES];
	uint64_t	rate[METRICS_TIERS][2];		/* allowed, denied */
	uint64_t	db[3], redis[3];		/* calls, errors, us */
	uint64_t	jobs[METRICS_QUEUES][2];	/* completed, failed */
	uint64_t	requests;
	uint64_t	audit[2];			/* written, failed */
};

struct metrics_slot {
	int32_t			pid;		/* 0: free */
	int32_t			role;
	int32_t			state;		/* 0 idle, 1 busy */
	int32_t			pad;
	int64_t			started;	/* Unix seconds */
	int64_t			since_ms;	/* wall ms the request began */
	char			method[8];
	char			path[120];
	struct metrics_counts	c;
};

struct metrics_file {
	uint64_t		magic;
	uint64_t		size;
	struct metrics_slot	retired;	/* the totals of gone processes */
	struct metrics_slot	slot[METRICS_SLOTS];
};

static struct metrics_file *metrics_map;
static struct metrics_slot *metrics_me;

#define ADD(p, n)	__atomic_fetch_add((p), (n), __ATOMIC_RELAXED)
#define GET(p)		__atomic_load_n((p), __ATOMIC_RELAXED)

/* Add the counters of from into to, and zero from. */
static void
metrics_fold(struct metrics_counts *to, struct metrics_counts *from)
{
	uint64_t *a = (uint64_t *)to, *b = (uint64_t *)from;
	size_t i, n = sizeof *to / sizeof(uint64_t);

	for (i = 0; i < n; i++) {
		ADD(&a[i], GET(&b[i]));
		__atomic_store_n(&b[i], 0, __ATOMIC_RELAXED);
	}
}

static bool
metrics_alive(int32_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Map the file, initialising it when new.  Returns NULL on failure. */
static struct metrics_file *
metrics_open(void)
{
	struct metrics_file *m;
	uint64_t zero = 0;
	struct stat st;
	int fd;

	if ((fd = open(conf->metrics_file, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || ((size_t)st.st_size < sizeof *m &&
	    ftruncate(fd, (off_t)sizeof *m) != 0)) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	if (__atomic_compare_exchange_n(&m->magic, &zero, METRICS_MAGIC, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		m->size = sizeof *m;
	if (GET(&m->magic) != METRICS_MAGIC) {
		LOG_WARN("%s has another layout; remove it to count again",
		    conf->metrics_file);
		munmap(m, sizeof *m);
		return NULL;
	}
	return m;
}

void
metrics_attach(enum metrics_role role)
{
	int32_t me = (int32_t)getpid(), pid;
	struct metrics_slot *s;
	size_t i;

	metrics_me = NULL;
	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL) {
		LOG_WARN("metrics file %s unavailable: nothing is counted",
		    conf->metrics_file);
		return;
	}
	for (i = 0; i < METRICS_SLOTS; i++)	/* attached before: the same slot */
		if (GET(&metrics_map->slot[i].pid) == me) {
			metrics_me = &metrics_map->slot[i];
			metrics_me->role = role;
			return;
		}
	for (i = 0; i < METRICS_SLOTS && metrics_me == NULL; i++) {
		s = &metrics_map->slot[i];
		pid = GET(&s->pid);
		if (pid != 0 && metrics_alive(pid))
			continue;
		if (!__atomic_compare_exchange_n(&s->pid, &pid, me, false,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			continue;	/* another process took it */
		metrics_fold(&metrics_map->retired.c, &s->c);
		s->role = role;
		s->state = 0;
		s->started = (int64_t)time(NULL);
		s->method[0] = s->path[0] = '\0';
		metrics_me = s;
	}
	if (metrics_me == NULL)
		LOG_WARN("metrics: all %d slots are taken; this process is not counted",
		    METRICS_SLOTS);
}

void
metrics_busy(const char *method, const char *path)
{
	static struct buf redacted;	/* reused */

	if (metrics_me == NULL)
		return;
	snprintf(metrics_me->method, sizeof metrics_me->method, "%s", method);
	buf_reset(&redacted);
	log_redact(&redacted, path);
	snprintf(metrics_me->path, sizeof metrics_me->path, "%s",
	    redacted.data != NULL ? redacted.data : "");
	metrics_me->since_ms = clock_wall_ms();
	__atomic_store_n(&metrics_me->state, 1, __ATOMIC_RELEASE);
}

void
metrics_idle(void)
{
	if (metrics_me != NULL)
		__atomic_store_n(&metrics_me->state, 0, __ATOMIC_RELEASE);
}

void
metrics_request(int route, int status, int64_t us)
{
	struct metrics_counts *c;
	int r = route < 0 || route >= METRICS_ROUTES ? METRICS_ROUTES : route, b;

	if (metrics_me == NULL)
		return;
	c = &metrics_me->c;
	if (status >= 200 && status < 600)
		ADD(&c->status[r][status / 100 - 2], 1);
	for (b = 0; b < METRICS_BUCKETS && us > metrics_le[b]; b++)
		;
	ADD(&c->hist[r][b], 1);
	ADD(&c->sum_us[r], (uint64_t)(us > 0 ? us : 0));
	ADD(&c->requests, 1);
}

void
metrics_cache(const char *family, const char *state)
{
	int f, s;

	if (metrics_me == NULL)
		return;
	for (f = 0; f < METRICS_FAMILIES && strcmp(metrics_families[f], family) != 0; f++)
		;
	for (s = 0; s < METRICS_STATES && strcmp(metrics_states[s], state) != 0; s++)
		;
	if (f < METRICS_FAMILIES && s < METRICS_STATES)
		ADD(&metrics_me->c.cache[f][s], 1);
}

void
metrics_rate(int tier, bool allowed)
{
	if (metrics_me != NULL && tier >= 0 && tier < METRICS_TIERS)
		ADD(&metrics_me->c.rate[tier][allowed ? 0 : 1], 1);
}

static void
metrics_call(uint64_t *f, int64_t us, bool ok)
{
	ADD(&f[0], 1);
	if (!ok)
		ADD(&f[1], 1);
	ADD(&f[2], (uint64_t)(us > 0 ? us : 0));
}

void
metrics_db(int64_t us, bool ok)
{
	if (metrics_me != NULL)
		metrics_call(metrics_me->c.db, us, ok);
}

void
metrics_redis(int64_t us, bool ok)
{
	if (metrics_me != NULL)
		metrics_call(metrics_me->c.redis, us, ok);
}

void
metrics_job(int q, bool ok)
{
	if (metrics_me != NULL && q >= 0 && q < METRICS_QUEUES)
		ADD(&metrics_me->c.jobs[q][ok ? 0 : 1], 1);
}

void
metrics_audit(bool ok)
{
	if (metrics_me != NULL)
		ADD(&metrics_me->c.audit[ok ? 0 : 1], 1);
}

/* The sum of every live slot and the retired totals into *t. */
static void
metrics_sum(struct metrics_counts *t)
{
	uint64_t *a = (uint64_t *)t, *b;
	size_t i, j, n = sizeof *t / sizeof(uint64_t);

	memset(t, 0, sizeof *t);
	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return;
	b = (uint64_t *)&metrics_map->retired.c;
	for (j = 0; j < n; j++)
		a[j] += GET(&b[j]);
	for (i = 0; i < METRICS_SLOTS; i++) {
		if (GET(&metrics_map->slot[i].pid) == 0)
			continue;
		b = (uint64_t *)&metrics_map->slot[i].c;
		for (j = 0; j < n; j++)
			a[j] += GET(&b[j]);
	}
}

static const char *
metrics_role_name(int32_t role)
{
	switch (role) {
	case METRICS_RESPONDER:	return "responder";
	case METRICS_WORKER:	return "worker";
	case METRICS_SCHEDULER:	return "scheduler";
	default:		return "other";
	}
}

/* Append the HTTP families: requests, durations. */
static void
metrics_http(struct buf *o, const struct metrics_counts *t)
{
	static const char *const cls[4] = { "2xx", "3xx", "4xx", "5xx" };
	const struct route *rt;
	size_t n, r, k;
	uint64_t cum, total;
	const char *name, *method;

	rt = routes_table(&n);
	buf_adds(o, "# HELP exodrive_http_requests_total Requests answered, by route and status class.\n"
	    "# TYPE exodrive_http_requests_total counter\n");
	for (r = 0; r <= METRICS_ROUTES; r++) {
		name = r < n ? rt[r].operation : "none";
		method = r < n ? route_method_name(rt[r].method) : "any";
		for (k = 0; k < 4; k++)
			if (t->status[r][k] > 0)
				buf_printf(o, "exodrive_http_requests_total{route=\"%s\",method=\"%s\","
				    "code=\"%s\"} %llu\n", name, method, cls[k],
				    (unsigned long long)t->status[r][k]);
		if (r == n - 1)
			r = METRICS_ROUTES - 1;	/* then the unmatched ones */
	}
	buf_adds(o, "# HELP exodrive_http_request_duration_seconds Time from the request to the answer.\n"
	    "# TYPE exodrive_http_request_duration_seconds histogram\n");
	for (r = 0; r <= METRICS_ROUTES; r++) {
		for (total = 0, k = 0; k <= METRICS_BUCKETS; k++)
			total += t->hist[r][k];
		if (total > 0) {
			name = r < n ? rt[r].operation : "none";
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
		if (r == n - 1)
			r = METRICS_ROUTES - 1;
	}
}

/* Append the dependency families: cache, rate limits, PostgreSQL, Redis,
 * jobs. */
static void
metrics_deps(struct buf *o, const struct metrics_counts *t)
{
	static const char *const tiers[METRICS_TIERS] = { "unset", "none", "public",
	    "auth", "booking", "payment", "upload", "webhook", "contact", "admin", "login", "other" };
	static const char *const calls[2] = { "db", "redis" };
	const uint64_t *f;
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
	for (i = 0; i < 2; i++) {
		f = i == 0 ? t->db : t->redis;
		buf_printf(o, "# HELP exodrive_%s_calls_total Round trips to %s.\n"
		    "# TYPE exodrive_%s_calls_total counter\n"
		    "exodrive_%s_calls_total %llu\n"
		    "# TYPE exodrive_%s_errors_total counter\n"
		    "exodrive_%s_errors_total %llu\n"
		    "# TYPE exodrive_%s_seconds_total counter\n"
		    "exodrive_%s_seconds_total %.6f\n", calls[i],
		    i == 0 ? "PostgreSQL" : "Redis", calls[i], calls[i],
		    (unsigned long long)f[0], calls[i], calls[i],
		    (unsigned long long)f[1], calls[i], calls[i], (double)f[2] / 1e6);
	}
	buf_adds(o, "# HELP exodrive_jobs_total Jobs finished by the workers.\n"
	    "# TYPE exodrive_jobs_total counter\n");
	for (i = 0; queue_names[i] != NULL && i < METRICS_QUEUES; i++)
		for (j = 0; j < 2; j++)
			buf_printf(o, "exodrive_jobs_total{queue=\"%s\",outcome=\"%s\"} %llu\n",
			    queue_names[i], j == 0 ? "completed" : "failed",
			    (unsigned long long)t->jobs[i][j]);
	buf_printf(o, "# HELP exodrive_admin_audit_total Admin writes and their "
	    "audit rows.\n# TYPE exodrive_admin_audit_total counter\n"
	    "exodrive_admin_audit_total{outcome=\"written\"} %llu\n"
	    "exodrive_admin_audit_total{outcome=\"failed\"} %llu\n",
	    (unsigned long long)t->audit[0], (unsigned long long)t->audit[1]);
}

/* Append the pool gauges and queue depths. */
static void
metrics_gauges(struct buf *o)
{
	static const char *const parts[5] = { "ready", "active", "delayed",
	    "completed", "failed" };
	int counts[4][2];
	long depth[5];
	size_t i, j;
	struct metrics_slot *s;

	memset(counts, 0, sizeof counts);
	for (i = 0; metrics_map != NULL && i < METRICS_SLOTS; i++) {
		s = &metrics_map->slot[i];
		if (metrics_alive(GET(&s->pid)) && s->role >= 1 && s->role <= 4)
			counts[s->role - 1][GET(&s->state) == 1]++;
	}
	buf_adds(o, "# HELP exodrive_pool_processes Live processes by role and state.\n"
	    "# TYPE exodrive_pool_processes gauge\n");
	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++)
			buf_printf(o, "exodrive_pool_processes{role=\"%s\",state=\"%s\"} %d\n",
			    metrics_role_name((int32_t)i + 1), j ? "busy" : "idle", counts[i][j]);
	buf_adds(o, "# HELP exodrive_queue_jobs Jobs in each queue and state (Redis).\n"
	    "# TYPE exodrive_queue_jobs gauge\n");
	for (i = 0; queue_names[i] != NULL; i++)
		if (queue_counts(queue_names[i], depth) == 0)
			for (j = 0; j < 5; j++)
				buf_printf(o, "exodrive_queue_jobs{queue=\"%s\",state=\"%s\"} %ld\n",
				    queue_names[i], parts[j], depth[j]);
}

void
metrics_prometheus(struct buf *out)
{
	struct metrics_counts *t = calloc(1, sizeof *t);

	if (t == NULL)
		return;
	metrics_sum(t);
	metrics_http(out, t);
	metrics_deps(out, t);
	metrics_gauges(out);
	free(t);
}

int64_t
metrics_busy_ms(long pid)
{
	struct metrics_slot *s;
	size_t i;

	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return -1;
	for (i = 0; i < METRICS_SLOTS; i++) {
		s = &metrics_map->slot[i];
		if (GET(&s->pid) == pid)
			return GET(&s->state) == 1 ? clock_wall_ms() - s->since_ms : -1;
	}
	return -1;
}

void
metrics_pool(struct buf *o)
{
	int64_t now = clock_wall_ms();
	struct metrics_slot *s;
	int live = 0, busy = 0;
	size_t i;
	bool first = true;

	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL) {
		buf_adds(o, "{\"processes\":[],\"total\":0,\"busy\":0,\"idle\":0}");
		return;
	}
	buf_adds(o, "{\"processes\":[");
	for (i = 0; i < METRICS_SLOTS; i++) {
		s = &metrics_map->slot[i];
		if (!metrics_alive(GET(&s->pid)))
			continue;
		live++;
		busy += GET(&s->state) == 1;
		buf_printf(o, "%s{\"pid\":%d,\"role\":\"%s\",\"state\":\"%s\",\"requests\":%llu,"
		    "\"startedAt\":%lld", first ? "" : ",", (int)s->pid,
		    metrics_role_name(s->role), s->state == 1 ? "busy" : "idle",
		    (unsigned long long)GET(&s->c.requests), (long long)s->started);
		if (s->state == 1) {
			buf_adds(o, ",\"request\":{\"method\":");
			buf_add_json_string(o, s->method);
			buf_adds(o, ",\"path\":");
			buf_add_json_string(o, s->path);
			buf_printf(o, ",\"ageMs\":%lld}", (long long)(now - s->since_ms));
		}
		buf_adds(o, "}");
		first = false;
	}
	buf_printf(o, "],\"total\":%d,\"busy\":%d,\"idle\":%d}", live, busy, live - busy);
}
