/* cache.h -- cache-aside for the catalogue, with namespace versions.
 *
 * A cached answer lives at c:v2:{family}:{scope}:{hash} as
 * "<version>|<fresh-until epoch seconds>|<etag>|<JSON>"; the version is
 * the counter ns:v1:{family}:{scope} when the answer was read from
 * PostgreSQL, the etag the answer's entity tag (cache_etag()), made once
 * when the answer is stored so that a hit costs no hashing.
 * A lookup reads counter and entry with one MGET, and an entry of another
 * version is a miss.  Invalidation INCRs the counters (one round trip,
 * never KEYS or SCAN).  See sql/redis-keys.md.
 *
 * An entry lives CACHE_MAX_STALE seconds past freshness.  A stale entry is refreshed by
 * one request (a short SET NX guard: single flight) while the others are
 * served the stale answer; when the refresh fails with a 5xx (PostgreSQL
 * down), the stale answer is served instead of the error.
 *
 * In front of Redis, each responder keeps the hottest fresh entries in
 * its first-level cache (l1.h), kept true by Redis's invalidation
 * messages: a hit there costs no round trip (X-Cache-Store: l1).
 *
 * While Redis is unreachable a small in-process LRU (CACHE_LOCAL_*) stands
 * in, with short TTLs since other processes' invalidations cannot reach
 * it; it is emptied when Redis answers again. */
#ifndef CACHE_H
#define CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apierr.h"

struct call;
struct redis_call;

/* An entity tag: CACHE_ETAG_BYTES of SHA-256, in hex. */
#define CACHE_ETAG_BYTES	12
#define CACHE_ETAG_LEN		(2 * CACHE_ETAG_BYTES)

/* How one call is cached. */
struct cache_plan {
	bool		 use;		/* a cacheable GET of a cached family */
	bool		 bypass;	/* disabled, or asked by an admin */
	bool		 local;		/* Redis unreachable: the local store */
	char		 ns[160];
	char		 prefix[160];
	char		 hash[65];
	char		 key[256];	/* prefix:hash */
	long		 ttl;
	long long	 version;
	char		*stale;		/* a stale answer kept for errors; freed
					   by cache_done() */
	size_t		 stale_len;
	char		 stale_etag[CACHE_ETAG_LEN + 1];
	bool		 l1;		/* the first-level cache is usable */
	uint64_t	 l1_epoch;	/* its epoch before Redis was read */
	const char	*l1_entry;	/* its fresh entry (valid until the
					   next l1_* call), or NULL */
	size_t		 l1_len;
};

/* The entity tag of answer body (len bytes) into out (CACHE_ETAG_LEN + 1
 * bytes): deterministic from the bytes. */
void cache_etag(const char *body, size_t len, char *out);

/* Decide how c's answer is cached. */
void cache_plan(const struct call *c, struct cache_plan *p);
/* Fill call with the cache read of p and return true, or return false
 * when p needs no read (not cached, bypassed, or a first-level hit).  The read may share a
 * round trip with other calls (redis_run()); p must outlive call. */
bool cache_begin(struct cache_plan *p, struct redis_call *call);
/* Serve c from the outcome of call (the local store when Redis failed):
 * fills the response and returns true on a hit.  Sets X-Cache either way
 * (HIT, STALE, MISS or BYPASS).  Frees the call's values. */
bool cache_end(struct call *c, struct cache_plan *p, struct redis_call *call);
/* After the handler: give c's 200 answer its entity tag and store both
 * under p (not when bypassed), or, when the handler
 * failed with a 5xx and a stale answer was kept, serve that instead
 * (X-Cache: STALE) and return true.  Releases what p holds. */
bool cache_done(struct call *c, struct cache_plan *p, enum api_err err);
/* Between requests: replay the invalidations lost while Redis was
 * unreachable (also done by the next request that reaches Redis). */
void cache_idle(void);
/* A car changed: its details and every fleet list. */
void cache_invalidate_car(const char *car);
/* A booking of car was created, cancelled, re-dated or re-statused. */
void cache_invalidate_availability(const char *car);
/* A review of car was written. */
void cache_invalidate_reviews(const char *car);
/* Whether family is one of the cache's (metrics_families: fleet, car,
 * avail, reviews). */
bool cache_family_known(const char *family);
/* Drop every cached answer of family: INCR the namespace version of each
 * of its scopes that holds an entry or a version (found by SCAN; for
 * `exodrive cache purge`, never a request; no FLUSHDB).  Returns how many
 * versions were bumped, or -1 (an unknown family, Redis failed). */
long cache_purge(const char *family);

#endif
