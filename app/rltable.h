/* rltable.h -- the host's rate-limit table: GCRA in a mapped file.
 *
 * Every process of the host that answers requests (our master's
 * responders, mod_fcgid's, lighttpd's spawned ones) maps the same file and
 * charges the same buckets: one 64-bit TAT (theoretical arrival time, wall
 * microseconds) per (tier, identity), in a fixed-size open-addressed table
 * (linear probing over a window of RLTABLE_WINDOW slots).  A bucket is
 * charged with a compare-and-swap of its TAT, so decisions are exact across
 * processes without a lock; only a bucket's first insertion takes a short
 * per-stripe lock, so that two processes never insert the same identity
 * twice.  A slot whose TAT is in the past holds a full bucket and is
 * reused by the next identity that needs room.  When the window of an
 * identity has no free or stale slot, the table is full for it: the caller
 * decides elsewhere (the Redis limiter) and the miss is counted.
 *
 * The file also holds the admins' overrides (factor per identity, mirrored
 * from Redis) and a ring of recorded violations waiting to be flushed to
 * Redis in one round trip. */
#ifndef RLTABLE_H
#define RLTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RLTABLE_WINDOW		32	/* slots probed per identity */
#define RLTABLE_STRIPES		256	/* insertion locks */
#define RLTABLE_OVERRIDES	512	/* overrides the file can hold */
#define RLTABLE_RING		256	/* violations buffered */
#define RLTABLE_RING_TEXT	320	/* bytes per violation (JSON text) */

struct rltable;

enum rltable_verdict { RLTABLE_ALLOW, RLTABLE_DENY, RLTABLE_FULL };

/* One GCRA decision. */
struct rltable_charge {
	int64_t	period;		/* in: microseconds */
	int64_t	interval;	/* in: T = period / limit, microseconds */
	int64_t	tat;		/* out: the TAT after this request (would be,
				 * when denied) */
};

/* Map path with nslots buckets, creating and initialising it when new or
 * empty.  Returns NULL (and logs) when it cannot be used: unwritable, or
 * made with another layout or size. */
struct rltable *rltable_open(const char *path, size_t nslots);
void rltable_close(struct rltable *t);

/* Charge one request to bucket key (any value but 0) at now (wall µs). */
enum rltable_verdict rltable_charge(struct rltable *t, uint64_t key,
    int64_t now, struct rltable_charge *c);
/* Give back one interval charged to key (a decision that another bucket
 * refused). */
void rltable_refund(struct rltable *t, uint64_t key, int64_t interval);
/* Make key's bucket full again (an admin's reset).  Returns true when
 * key was in the table. */
bool rltable_reset(struct rltable *t, uint64_t key, int64_t now);

/* Overrides: factor (0 exempts) for key until expires (wall seconds). */
int rltable_override_set(struct rltable *t, uint64_t key, long factor,
    int64_t expires);
void rltable_override_del(struct rltable *t, uint64_t key);
/* The factor of key at now (wall seconds), or -1 when it has none. */
long rltable_override_get(struct rltable *t, uint64_t key, int64_t now);
/* Claim the one-time load of the overrides from elsewhere: true for the
 * one process that should do it (it calls rltable_overrides_loaded() with
 * the outcome). */
bool rltable_overrides_claim(struct rltable *t);
void rltable_overrides_loaded(struct rltable *t, bool ok);

/* Buffer one violation's text.  Returns the number buffered, 0 when
 * the text does not fit (the caller sends it itself) or the ring is full
 * (flush first). */
int rltable_ring_push(struct rltable *t, const char *text, int64_t now_us);
/* Take up to max buffered texts (oldest first) into out; returns how
 * many. */
int rltable_ring_take(struct rltable *t, char (*out)[RLTABLE_RING_TEXT],
    int max);
/* How many are buffered, and since when (mono µs of the oldest). */
int rltable_ring_count(struct rltable *t, int64_t *since_us);

/* Decisions the table could not take (full window). */
void rltable_count_full(struct rltable *t);
uint64_t rltable_full_count(struct rltable *t);
/* Buckets in use (slots holding an identity). */
size_t rltable_used(struct rltable *t);
size_t rltable_slots(struct rltable *t);

/* FNV-1a of s, never 0. */
uint64_t rltable_hash(const char *s);

#endif
