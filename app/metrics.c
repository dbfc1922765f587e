/* metrics.c -- the shared counter file: counting and summing.  It calls
 * nothing above the log and the settings; exposition.c renders the figures. */
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

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "metrics.h"

#define METRICS_MAGIC	0x6578646d65747236ULL	/* "exdmetr6": the layout */
const char *const metrics_families[METRICS_FAMILIES] = { "fleet", "car",
	"avail", "reviews" };
const char *const metrics_states[METRICS_STATES] = { "HIT", "MISS",
	"STALE", "BYPASS" };
const int64_t metrics_le[METRICS_BUCKETS] = { 500, 1000, 2500, 5000,
	10000, 25000, 50000, 100000, 250000, 1000000 };
const char *const metrics_providers[METRICS_PROVIDERS] = { "paypal",
	"resend", "docuseal" };
const char *const metrics_dead_names[METRICS_DEAD__COUNT] = {
	"dead_lettered", "retried", "retry_failed", "discarded" };
const char *const metrics_l1_names[METRICS_L1__COUNT] = { "hit", "miss",
	"drop", "evict" };
const int64_t metrics_job_le[METRICS_JOB_BUCKETS] = { 1000, 5000, 10000,
	50000, 100000, 500000, 1000000, 5000000, 10000000, 30000000, 60000000,
	300000000 };

/* Counters (struct metrics_counts): one writer, the slot's process;
 * readers and the folding claimant use atomic loads and adds. */

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
	/* Figures of the host, not of a process (atomic adds and stores),
	 * after the slots: a file of the layout before them is only
	 * extended with zeroes, and the magic stays. */
	struct metrics_webhooks	webhooks;
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
	/* The size too: two changes of the layout may share a magic (0:
	 * its creator is about to set it). */
	if (GET(&m->magic) != METRICS_MAGIC ||
	    (GET(&m->size) != 0 && GET(&m->size) != sizeof *m)) {
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
metrics_job_duration(int q, int64_t us)
{
	int b;

	if (metrics_me == NULL || q < 0 || q >= METRICS_QUEUES)
		return;
	for (b = 0; b < METRICS_JOB_BUCKETS && us > metrics_job_le[b]; b++)
		;
	ADD(&metrics_me->c.job_hist[q][b], 1);
	ADD(&metrics_me->c.job_sum_us[q], (uint64_t)(us > 0 ? us : 0));
}

void
metrics_audit(bool ok)
{
	if (metrics_me != NULL)
		ADD(&metrics_me->c.audit[ok ? 0 : 1], 1);
}

void
metrics_l1(int outcome, uint64_t n)
{
	if (metrics_me != NULL && outcome >= 0 && outcome < METRICS_L1__COUNT)
		ADD(&metrics_me->c.l1[outcome], n);
}

void
metrics_webhook_dead(const char *provider, int outcome)
{
	int p;

	if (provider == NULL || outcome < 0 || outcome >= METRICS_DEAD__COUNT ||
	    (metrics_map == NULL && (metrics_map = metrics_open()) == NULL))
		return;
	for (p = 0; p < METRICS_PROVIDERS && strcmp(metrics_providers[p], provider) != 0; p++)
		;
	if (p < METRICS_PROVIDERS)
		ADD(&metrics_map->webhooks.dead[p][outcome], 1);
}

void
metrics_webhook_waiting_set(const int64_t *n, int64_t at_ms)
{
	struct metrics_webhooks *w;
	int p;

	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return;
	w = &metrics_map->webhooks;
	for (p = 0; p < METRICS_PROVIDERS; p++)
		__atomic_store_n(&w->waiting[p], n[p], __ATOMIC_RELAXED);
	__atomic_store_n(&w->waiting_at, at_ms, __ATOMIC_RELEASE);
}

bool
metrics_webhooks(struct metrics_webhooks *w)
{
	struct metrics_webhooks *m;
	int p, o;

	memset(w, 0, sizeof *w);
	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return false;
	m = &metrics_map->webhooks;
	w->waiting_at = __atomic_load_n(&m->waiting_at, __ATOMIC_ACQUIRE);
	for (p = 0; p < METRICS_PROVIDERS; p++) {
		w->waiting[p] = GET(&m->waiting[p]);
		for (o = 0; o < METRICS_DEAD__COUNT; o++)
			w->dead[p][o] = GET(&m->dead[p][o]);
	}
	return true;
}

/* The sum of every slot in use and the retired totals into *t. */
bool
metrics_totals(struct metrics_counts *t)
{
	uint64_t *a = (uint64_t *)t, *b;
	size_t i, j, n = sizeof *t / sizeof(uint64_t);

	memset(t, 0, sizeof *t);
	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return false;
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
	return true;
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

int
metrics_processes(struct metrics_proc *p, size_t max)
{
	struct metrics_slot *s;
	size_t i, n = 0;

	if (metrics_map == NULL && (metrics_map = metrics_open()) == NULL)
		return -1;
	for (i = 0; i < METRICS_SLOTS && n < max; i++) {
		s = &metrics_map->slot[i];
		if (!metrics_alive(GET(&s->pid)))
			continue;
		memset(&p[n], 0, sizeof p[n]);
		p[n].pid = GET(&s->pid);
		p[n].role = (enum metrics_role)s->role;
		p[n].busy = GET(&s->state) == 1;
		p[n].requests = GET(&s->c.requests);
		p[n].started = s->started;
		if (p[n].busy) {
			p[n].since_ms = s->since_ms;
			snprintf(p[n].method, sizeof p[n].method, "%s", s->method);
			snprintf(p[n].path, sizeof p[n].path, "%s", s->path);
		}
		n++;
	}
	return (int)n;
}
