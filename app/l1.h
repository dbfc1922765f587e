/* l1.h -- the first-level cache: the hottest cached answers in this
 * process's memory, kept true by Redis's server-assisted client-side
 * caching.
 *
 * An entry is a copy of a Redis cache entry (cache.h's format) under its
 * key (c:v2:{family}:{scope}:{hash}), kept while it is fresh.  Redis
 * broadcasts every write of a key under c:v2: or ns:v1: to this process's
 * tracking connection (redis_track_*): a namespace version's write drops
 * every entry of its family and scope, an entry's write drops that entry,
 * a flush drops everything.  l1_sync() applies what has arrived, without
 * blocking, before every lookup.
 *
 * While the tracking connection is down nothing is served or stored, and
 * everything held was dropped when it went (invalidations may have been
 * lost); it is reopened at most once a second.
 *
 * A fill races with invalidations as Redis's documentation warns: take
 * l1_epoch() before reading Redis, and l1_put() stores only when no
 * invalidation was applied (and no reconnect happened) since.
 *
 * Bounded by L1_MAX_BYTES (keys, values and bookkeeping); the least
 * recently used entries go first.  L1_MAX_BYTES=0 turns it off.  Hits,
 * misses, drops and evictions are counted in /metrics. */
#ifndef L1_H
#define L1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Apply the pending invalidations and (re)open the tracking connection
 * when it is due.  Returns true when the cache may be used now. */
bool l1_sync(void);
/* The entry of key, fresh at now_s (wall seconds), or NULL (a miss).
 * The pointer stays valid until the next l1_* call.  Counts a hit or a
 * miss.  Call after l1_sync() said true. */
const char *l1_get(const char *key, long now_s, size_t *len);
/* The invalidation epoch: changes with every applied invalidation and
 * every reconnect. */
uint64_t l1_epoch(void);
/* Store a copy of entry (len bytes) under key until fresh_until (wall
 * seconds), unless the epoch moved past epoch or the cache is not usable. */
void l1_put(const char *key, const char *entry, size_t len, long fresh_until,
    uint64_t epoch);

/* The invalidation of Redis key (len bytes; NULL: a flush), as the
 * tracking connection reports it.  For l1_sync() and tests. */
void l1_invalidate(const char *key, size_t len);
/* Drop everything (the tracking connection went down). */
void l1_clear(void);
/* Bytes and entries held. */
size_t l1_bytes(void);
size_t l1_count(void);

#endif
