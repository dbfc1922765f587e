/* ratelimit.h -- the rate-limit tiers of the route table.
 *
 * One GCRA decision per request, made atomically by a Lua script on the
 * Redis server's clock (reliability.md §2): exact under concurrency, no
 * window-boundary burst, no clock skew between hosts.  When Redis is
 * unreachable each process falls back to the same algorithm in memory
 * (so the effective limit is per process until Redis is back). */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stdbool.h>

#include "route.h"

struct req;

struct ratelimit_verdict {
	bool	applied;	/* false: tier NONE, disabled, or exempt */
	bool	allowed;
	long	limit;
	long	remaining;
	long	retry_after;	/* seconds, when denied */
	long	reset;		/* seconds until the bucket is full again */
	bool	local;		/* decided in process (Redis unreachable) */
};

/* Charge request r to tier.  Fills v; never fails (fails open to the
 * in-process limiter). */
void ratelimit_check(struct req *r, enum rate_tier tier,
    struct ratelimit_verdict *v);
/* Violations kept for monitoring (newest first). */
#define RATELIMIT_VIOLATIONS_MAX	1000

/* Record a denied request of r on tier (for the monitoring route). */
void ratelimit_record(struct req *r, enum rate_tier tier, const char *route);
/* The recorded violations, newest first, as JSON text items (caller frees
 * each and the array).  Returns the count or -1. */
int ratelimit_violations(char ***items);
/* Forget the violations of identifier (all when NULL) and, for an
 * identifier, reset its public/auth/booking/admin/login tiers.  Returns 0
 * or -1. */
int ratelimit_forget(const char *identifier);
/* The Redis key of a tier and identity, e.g. "rl:v1:public:ip:192.0.2.1".
 * Writes into out (len bytes). */
void ratelimit_key(enum rate_tier tier, const char *kind, const char *id,
    char *out, size_t len);

#endif
