/* cache.h -- cache-aside for the catalogue, with namespace versions.
 *
 * A cached answer lives at c:v1:{family}:{scope}:{version}:{hash}; the
 * version is the counter ns:v1:{family}:{scope}.  Invalidation INCRs the
 * counters (one round trip, never KEYS or SCAN): the old entries become
 * unreachable and expire on their own.  See sql/redis-keys.md. */
#ifndef CACHE_H
#define CACHE_H

#include <stdbool.h>
#include <stddef.h>

struct call;

/* How one call is cached. */
struct cache_plan {
	bool		 use;		/* a cacheable GET of a cached family */
	bool		 bypass;	/* disabled, or asked by an admin */
	char		 ns[160];
	char		 prefix[160];
	char		 hash[65];
	long		 ttl;
	long long	 version;
};

/* Decide how c's answer is cached. */
void cache_plan(const struct call *c, struct cache_plan *p);
/* Serve c from the cache if the entry exists: fills the response and
 * returns true.  Sets X-Cache either way (HIT, MISS or BYPASS). */
bool cache_lookup(struct call *c, struct cache_plan *p);
/* Store c's 200 answer under p. */
void cache_store(struct call *c, const struct cache_plan *p);
/* A car changed: its details and every fleet list. */
void cache_invalidate_car(const char *car);
/* A booking of car was created, cancelled, re-dated or re-statused. */
void cache_invalidate_availability(const char *car);
/* A review of car was written. */
void cache_invalidate_reviews(const char *car);

#endif
