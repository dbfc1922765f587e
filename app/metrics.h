/* metrics.h -- counters shared by every process of the product, and the
 * process pool's scoreboard.
 *
 * The figures live in one file mapped by every process (METRICS_FILE,
 * default /dev/shm/exodrive-metrics), so they add up across responders
 * forked by our master, processes spawned by mod_fcgid or lighttpd, and
 * workers.  Each process claims one slot (by pid, compare-and-swap) and
 * writes only its own; the slot of a process that is gone is folded into
 * the retired totals by whoever claims it next, so counters never go
 * back.  Readers sum the live slots and the retired totals.  Without the
 * file (no /dev/shm, a full table) the product runs and counts nothing. */
#ifndef METRICS_H
#define METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define METRICS_SLOTS		256
#define METRICS_ROUTES		160	/* at least the route table's length */
#define METRICS_BUCKETS		10	/* latency histogram buckets */

enum metrics_role { METRICS_RESPONDER = 1, METRICS_WORKER, METRICS_SCHEDULER,
	METRICS_OTHER };

/* Claim this process's slot in role.  Call once after fork. */
void metrics_attach(enum metrics_role role);
/* The process starts serving method path (state busy; the path is kept
 * with its secrets redacted, see log_redact()) / is idle again. */
void metrics_busy(const char *method, const char *path);
void metrics_idle(void);
/* One answered request: route index (-1: none matched), status, time. */
void metrics_request(int route, int status, int64_t us);
/* A cache outcome of family (fleet, car, avail, reviews) and state. */
void metrics_cache(const char *family, const char *state);
/* A rate-limit decision of tier (enum rate_tier). */
void metrics_rate(int tier, bool allowed);
/* A PostgreSQL or Redis round trip of us microseconds. */
void metrics_db(int64_t us, bool ok);
void metrics_redis(int64_t us, bool ok);
/* A finished job of queue index q (queue_names) */
void metrics_job(int q, bool ok);
/* How long a job of queue index q took its handler, in microseconds. */
void metrics_job_duration(int q, int64_t us);
/* An admin write's audit row: written, or failed (the write stands). */
void metrics_audit(bool ok);
/* What the first-level cache did (enum metrics_l1), n times. */
enum metrics_l1 { METRICS_L1_HIT, METRICS_L1_MISS, METRICS_L1_DROP,
	METRICS_L1_EVICT, METRICS_L1__COUNT };
void metrics_l1(int outcome, uint64_t n);
/* An inbound webhook dead letter of provider (metrics_providers) moved
 * (enum metrics_dead): counted for the whole host. */
void metrics_webhook_dead(const char *provider, int outcome);
/* The dead letters waiting per provider (METRICS_PROVIDERS values),
 * counted at at_ms (wall ms): a gauge of the host; the last writer wins. */
void metrics_webhook_waiting_set(const int64_t *n, int64_t at_ms);

/* How long process pid has been on its current request, in ms; -1 when
 * it is idle or has no slot (no metrics file: every process reads -1). */
int64_t metrics_busy_ms(long pid);

/* The read side: figures only, no formats (exposition.c renders them). */
#define METRICS_FAMILIES	4	/* cache families, metrics_families */
#define METRICS_STATES		4	/* cache outcomes, metrics_states */
#define METRICS_TIERS		12	/* rate tiers (enum rate_tier) */
#define METRICS_QUEUES		8	/* job queues (queue_names) */
#define METRICS_PROVIDERS	3	/* inbound webhook providers */

/* What happened to an inbound webhook dead letter. */
enum metrics_dead { METRICS_DEAD_LETTERED, METRICS_DEAD_RETRIED,
	METRICS_DEAD_RETRY_FAILED, METRICS_DEAD_DISCARDED, METRICS_DEAD__COUNT };
#define METRICS_JOB_BUCKETS	12	/* job processing time buckets */

/* The cache families and outcomes metrics_cache() counts, and the upper
 * bounds of the latency buckets in microseconds (then +Inf). */
extern const char *const metrics_families[METRICS_FAMILIES];
extern const char *const metrics_states[METRICS_STATES];
extern const int64_t metrics_le[METRICS_BUCKETS];
/* The inbound webhook providers ("paypal", "resend", "docuseal") and the
 * names of enum metrics_dead ("dead_lettered", ...). */
extern const char *const metrics_providers[METRICS_PROVIDERS];
extern const char *const metrics_dead_names[METRICS_DEAD__COUNT];
/* The names of enum metrics_l1 ("hit", "miss", "drop", "evict"). */
extern const char *const metrics_l1_names[METRICS_L1__COUNT];
/* The upper bounds of the job processing time buckets, microseconds. */
extern const int64_t metrics_job_le[METRICS_JOB_BUCKETS];

/* Every counter.  Route index METRICS_ROUTES holds the requests no route
 * matched. */
struct metrics_counts {
	uint64_t	status[METRICS_ROUTES + 1][4];	/* 2xx..5xx */
	uint64_t	hist[METRICS_ROUTES + 1][METRICS_BUCKETS + 1];
	uint64_t	sum_us[METRICS_ROUTES + 1];
	uint64_t	cache[METRICS_FAMILIES][METRICS_STATES];
	uint64_t	rate[METRICS_TIERS][2];		/* allowed, denied */
	uint64_t	db[3], redis[3];		/* calls, errors, us */
	uint64_t	jobs[METRICS_QUEUES][2];	/* completed, failed */
	uint64_t	requests;
	uint64_t	audit[2];			/* written, failed */
	uint64_t	job_hist[METRICS_QUEUES][METRICS_JOB_BUCKETS + 1];
	uint64_t	job_sum_us[METRICS_QUEUES];
	uint64_t	l1[METRICS_L1__COUNT];		/* enum metrics_l1 */
};

/* The inbound webhook dead letters of the host: the gauge (waiting per
 * provider, counted at waiting_at wall ms; 0: never) and the counters. */
struct metrics_webhooks {
	int64_t		waiting_at;
	int64_t		waiting[METRICS_PROVIDERS];
	uint64_t	dead[METRICS_PROVIDERS][METRICS_DEAD__COUNT];
};

/* One live process of the scoreboard. */
struct metrics_proc {
	long			 pid;
	enum metrics_role	 role;
	bool			 busy;
	uint64_t		 requests;
	int64_t			 started;	/* Unix seconds */
	int64_t			 since_ms;	/* wall ms its request began */
	char			 method[8];	/* the request, when busy */
	char			 path[120];	/* (redacted) */
};

/* The sum of every slot and the retired totals into *t (zeroes without
 * the file; false then). */
bool metrics_totals(struct metrics_counts *t);
/* The dead-letter figures of the host into *w (zeroes without the file;
 * false then). */
bool metrics_webhooks(struct metrics_webhooks *w);
/* Up to max live processes into p, in slot order; returns how many, or
 * -1 without the file. */
int metrics_processes(struct metrics_proc *p, size_t max);

#endif
