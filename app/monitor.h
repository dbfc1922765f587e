/* monitor.h -- `exodrive monitor` (see monitor.c). */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

struct route;

/* Run every check; print the failed ones (all with report_all), as text
 * or JSON; alert MONITOR_WEBHOOK_URL when one failed.  Returns the exit
 * status: 0 all passed, 1 an alert. */
int monitor_run(bool report_all, bool json);

/* What users feel, from the metrics scoreboard.  The scoreboard's
 * counters only grow, so the monitor keeps snapshots of them (by route
 * family) in MONITOR_STATE_FILE and judges the requests answered since
 * the oldest snapshot of the last MONITOR_WINDOW seconds. */
#define MONITOR_FAMILIES	48	/* route families kept; the rest: "other" */
#define MONITOR_SNAPS		64	/* snapshots kept in the state file */

/* The counters of one route family: answers by class (2xx..5xx) and the
 * latency histogram (metrics_le, then +Inf). */
struct monitor_family {
	char		name[32];
	uint64_t	status[4];
	uint64_t	hist[METRICS_BUCKETS + 1];
};

/* The scoreboard's request counters at one time, by route family, and
 * the rate-limit decisions of every tier. */
struct monitor_snap {
	int64_t			at_ms;		/* wall clock */
	size_t			n;
	struct monitor_family	f[MONITOR_FAMILIES];
	uint64_t		allowed, denied;
};

/* The family of route path: its first segment after "/api/" (or its
 * first segment outside /api), cut at '.' or '{'; e.g. /api/cars/{carId}
 * -> "cars", /api/admin/bookings -> "admin", /metrics -> "metrics",
 * /api/openapi.json -> "openapi".  NULL path (no route matched): "none". */
void monitor_family_of(const char *path, char *out, size_t size);
/* The snapshot of totals t, whose route indexes are those of table rt
 * (n routes), taken at at_ms. */
void monitor_snap_take(struct monitor_snap *s, const struct metrics_counts *t,
    const struct route *rt, size_t n, int64_t at_ms);
/* The family name of s, or NULL. */
const struct monitor_family *monitor_snap_family(const struct monitor_snap *s,
    const char *name);
/* d = now - base, by family, and true.  When a counter of base exceeds
 * now's (the scoreboard was recreated) or base is NULL, d is now itself
 * (the totals since the start), and false. */
bool monitor_snap_since(struct monitor_snap *d, const struct monitor_snap *now,
    const struct monitor_snap *base);
/* The snapshot to measure from, of the n in s (oldest first) at now_ms:
 * the oldest one of the last window_s seconds, else the newest; NULL
 * when n is 0. */
const struct monitor_snap *monitor_snap_base(const struct monitor_snap *s,
    size_t n, int64_t now_ms, long window_s);
/* Write s as text; read one back (1, 0 at the end, -1 malformed). */
void monitor_snap_write(FILE *f, const struct monitor_snap *s);
int monitor_snap_read(FILE *f, struct monitor_snap *s);
/* The 95th percentile of histogram h in ms, interpolated within its
 * bucket as Prometheus' histogram_quantile() does; INFINITY when it falls
 * in the +Inf bucket, -1 when h is empty. */
double monitor_p95(const uint64_t h[METRICS_BUCKETS + 1]);
/* Whether part of total is within pct percent: total below min, or
 * part * 100 <= total * pct. */
bool monitor_share_ok(uint64_t part, uint64_t total, long pct, long min);

#endif
