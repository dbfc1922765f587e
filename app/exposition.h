/* exposition.h -- the figures of metrics.c as the operators read them:
 * Prometheus text for GET /metrics and the pool's scoreboard as JSON for
 * GET /pool-status.
 *
 * The counter sink (metrics.c) is called from the bottom of the tree
 * (redis.c, db.c) and so calls nothing above itself; what needs the route
 * table and the queues to name its figures lives here, above both. */
#ifndef EXPOSITION_H
#define EXPOSITION_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "metrics.h"

struct route;

/* Append the Prometheus text exposition of every figure: the counters of
 * the metrics file, the live processes, and the queue depths (read from
 * Redis now; left out while it is down). */
void exposition_prometheus(struct buf *out);
/* Append the pool's scoreboard as JSON: totals and one entry per live
 * process (pid, role, state, requests, start time, current request and
 * its age). */
void exposition_pool(struct buf *out);

/* The parts, over the figures given (the tests feed them). */
/* Requests and their latency histograms per route of table rt (n
 * routes; index METRICS_ROUTES of t: the unmatched ones). */
void exposition_http(struct buf *o, const struct metrics_counts *t,
    const struct route *rt, size_t n);
/* Cache outcomes, rate decisions, PostgreSQL and Redis round trips, the
 * jobs of each queue named in queues (NULL-terminated), audit rows. */
void exposition_deps(struct buf *o, const struct metrics_counts *t,
    const char *const *queues);
/* The inbound webhook dead letters: waiting per provider (a gauge, left
 * out while never counted) and what happened to them (counters). */
void exposition_webhooks(struct buf *o, const struct metrics_webhooks *w);
/* Live processes by role and state. */
void exposition_processes(struct buf *o, const struct metrics_proc *p,
    size_t n);
/* The scoreboard of processes p (n of them; now: wall ms for the age of
 * busy ones). */
void exposition_pool_json(struct buf *o, const struct metrics_proc *p,
    size_t n, int64_t now);
/* The name of a role: "responder", "worker", "scheduler", "other". */
const char *exposition_role_name(enum metrics_role role);

#endif
