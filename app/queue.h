/* queue.h -- reliable job queues in Redis, with Lua scripts we own.
 *
 * Keys of queue q are prefixed "jq:{q}:" (one cluster slot per queue):
 * id (counter), job:<id> (hash), ready (zset: priority, then FIFO),
 * active (zset: lease deadline ms), delayed (zset: due ms), completed and
 * failed (zsets by finish time; failed is the dead-letter set), idem:<key>
 * (idempotent add), paused (flag), events (stream, capped).  See
 * sql/redis-keys.md.
 *
 * At least once: a fetched job carries a random lease token; finish and
 * heartbeat are fenced by it, so a worker whose lease was reclaimed by the
 * reaper cannot complete the job twice.  All times are the Redis server's
 * (TIME).  Per-minute outcome counts live at stats:<minute> (kept two
 * days) and the rate limiter at limiter.  Handlers must be idempotent (email carries a Message-ID made
 * from the job id). */
#ifndef QUEUE_H
#define QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define QUEUE_ID_LEN	24

/* The queues the product runs, NULL-terminated. */
extern const char *const queue_names[];

/* What a job's handler made of it: done; failed, to be retried after a
 * back-off (a transient failure); or failed for good (a provider's 4xx,
 * an invalid payload), straight to the dead-letter set with its reason. */
enum queue_outcome { QUEUE_DONE = 1, QUEUE_RETRY, QUEUE_FAIL };

struct queue_job {
	char	 queue[32];		/* the queue it came from */
	char	 id[QUEUE_ID_LEN];
	char	 name[64];
	char	*data;			/* JSON text; freed by queue_job_free() */
	char	 token[33];
	long	 attempts_made;		/* before this one */
	long	 limited_ms;		/* fetch found none: rate-limited this long */
};

/* How a worker takes jobs: the lease, and the queue's rate limit in jobs
 * per second across every worker (0: none). */
struct queue_take {
	long	 lease_ms;
	long	 per_second;
};

struct queue_add_opts {
	const char	*idem_key;	/* NULL: always a new job */
	long		 priority;	/* 0 first .. 1000 */
	long		 delay_ms;
	long		 attempts;	/* tries before the dead-letter set */
	long		 backoff_ms;	/* base of the exponential back-off */
};

/* Add job name with data to queue q.  Writes its id; *duplicate is set
 * when idem_key named an existing job (whose id is written).  Returns 0
 * or -1 when Redis is unreachable. */
int queue_add(const char *q, const char *name, const char *data,
    const struct queue_add_opts *o, char *id, bool *duplicate);
/* Take the next ready job of q (due delayed jobs first become ready) with
 * a lease of t->lease_ms.  Returns 1 with *job filled, 0 when none is
 * ready, q is paused, or its rate limit is spent (job->limited_ms > 0),
 * -1 when Redis is unreachable. */
int queue_fetch(const char *q, const struct queue_take *t, struct queue_job *job);
/* Extend the lease of job.  Returns 1, 0 when the lease was lost, -1. */
int queue_heartbeat(const char *q, const struct queue_job *job, long lease_ms);
/* Record job's progress (percent 0..100 and a short stage), fenced by its
 * lease token.  Returns 1, 0 when the lease was lost, -1. */
int queue_progress(const struct queue_job *job, int percent, const char *stage);
/* Finish job as out says: done; QUEUE_RETRY with error (retried after
 * backoff_ms * 2^(attempt-1) plus up to 20% jitter, dead-lettered after
 * its last attempt); QUEUE_FAIL with error (dead-lettered now, failure
 * "permanent").  Returns 1, 0 when the lease was lost (the finish is
 * rejected: another worker owns the job now), -1. */
int queue_finish(const char *q, const struct queue_job *job,
    enum queue_outcome out, const char *error);
/* queue_finish() of job and queue_fetch() of the next job in one round
 * trip.  Returns what queue_finish() returns; *fetched gets what
 * queue_fetch() returns. */
int queue_finish_fetch(const char *q, const struct queue_job *job,
    enum queue_outcome out, const char *error, const struct queue_take *t,
    struct queue_job *next, int *fetched);
/* Put jobs whose lease expired back to ready (or dead-letter them after
 * max_stalled stalls).  Returns how many moved, or -1. */
int queue_reap(const char *q, long max_stalled);
/* Counts of q: ready, active, delayed, completed, failed.  Returns 0/-1. */
int queue_counts(const char *q, long counts[5]);
/* How many of q's delayed jobs are due by now (a reminder due next month
 * is no backlog).  Returns the count or -1. */
long queue_due(const char *q);
void queue_job_free(struct queue_job *job);

/* Admin views.  queue_list appends a JSON array of the jobs of state
 * (ready, active, delayed, completed, failed; the last two newest first)
 * ranked start..stop, and sets *total.  Returns 0 or -1. */
int queue_list(const char *q, const char *state, long start, long stop,
    struct buf *json, long *total);
/* Append job id as JSON (fields, and its state).  Returns 1, 0 when
 * unknown, -1. */
int queue_get(const char *q, const char *id, struct buf *json);
/* Send a dead-lettered job back to ready with fresh attempts.  Returns 1,
 * 0 when it is not dead-lettered, -1. */
int queue_retry_dead(const char *q, const char *id);
/* Remove a job that no worker holds.  Returns 1, 0 when unknown, 2 when
 * it is active (refused), -1. */
int queue_remove(const char *q, const char *id);
/* Pause (fetch hands out nothing) or resume q.  Returns 0 or -1. */
int queue_pause(const char *q, bool paused);
/* 1 when q is paused, 0 when not, -1. */
int queue_paused(const char *q);
/* Append a JSON array of q's last minutes (oldest first): {minute (Unix
 * seconds), completed, failed, retried, stalled}.  Returns 0 or -1. */
int queue_stats(const char *q, long minutes, struct buf *json);

#endif
