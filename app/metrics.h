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
#include <stdint.h>

#include "buf.h"

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
/* An admin write's audit row: written, or failed (the write stands). */
void metrics_audit(bool ok);

/* How long process pid has been on its current request, in ms; -1 when
 * it is idle or has no slot (no metrics file: every process reads -1). */
int64_t metrics_busy_ms(long pid);

/* Append the Prometheus text exposition of every figure. */
void metrics_prometheus(struct buf *out);
/* Append the pool's scoreboard as JSON: totals and one entry per live
 * process (pid, role, state, requests, start time, current request and
 * its age). */
void metrics_pool(struct buf *out);

#endif
