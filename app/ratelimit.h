/* ratelimit.h -- the rate-limit tiers of the route table.
 *
 * One GCRA decision per request, made atomically by a Lua script on the
 * Redis server's clock (reliability.md §2): exact under concurrency, no
 * window-boundary burst, no clock skew between hosts.  When Redis is
 * unreachable, reads fail open and the booking, payment and login tiers
 * fall back to the same algorithm in memory (so their effective limit is
 * per process until Redis is back).
 *
 * Overrides: RATE_LIMIT_EXEMPT (addresses/CIDRs) and
 * RATE_LIMIT_EXEMPT_USERS (user ids) in the configuration; and per IP or
 * user in Redis, set by an admin, as a factor on every tier's limit (0
 * exempts), read by the decision script itself. */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "route.h"

struct buf;
struct redis_call;
struct req;

struct ratelimit_verdict {
	bool	applied;	/* false: tier NONE, disabled, or exempt */
	bool	allowed;
	long	limit;
	long	remaining;
	long	retry_after;	/* seconds, when denied */
	long	reset;		/* seconds until the whole quota is back (the
				   bucket empty); a denied request is not
				   counted in it */
	const char *policy;	/* the tier's name, e.g. "public" */
	long	window;		/* the tier's period, seconds */
	bool	local;		/* Redis unreachable: decided in process */
	/* The strings of the decision's Redis call. */
	int	nids;
	char	key[4][192];	/* buckets, then their override keys */
	char	period[24], limit_s[24];
};

/* Start charging request r to tier.  Returns true with call filled in
 * when the decision needs Redis (run it with redis_run(), alone or with
 * other calls of the same round trip), false when the tier does not apply
 * (v->applied is false).  v must outlive call. */
bool ratelimit_begin(struct req *r, enum rate_tier tier,
    struct ratelimit_verdict *v, struct redis_call *call);
/* Complete v from call's result, or without Redis when it failed.  Frees
 * the call's values.  Does nothing when v does not apply. */
void ratelimit_end(enum rate_tier tier, struct ratelimit_verdict *v,
    struct redis_call *call);
/* ratelimit_begin(), redis_run() and ratelimit_end() in one. */
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

/* The Redis key of an override, e.g. "rl:v1:ovr:user:{uuid}". */
void ratelimit_override_key(const char *kind, const char *id, char *out,
    size_t len);
/* Multiply the limits of identity kind ("ip" or "user") id by factor
 * (0: exempt) for ttl seconds.  Returns 0 or -1. */
int ratelimit_override_set(const char *kind, const char *id, long factor,
    long ttl);
/* Remove an override.  Returns 0 or -1. */
int ratelimit_override_del(const char *kind, const char *id);
/* Append the live overrides to json as an array of {kind, id, factor,
 * expiresIn}.  Returns 0 or -1. */
int ratelimit_overrides(struct buf *json);

#endif
