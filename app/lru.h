/* lru.h -- a small bounded in-process cache with expiry times.
 *
 * Bounded by entry count and by bytes; a full cache drops expired entries
 * first, then the least recently used.  Lookups scan the table: meant for
 * a few hundred entries, where a scan costs less than a hash would
 * (used only while Redis is unreachable). */
#ifndef LRU_H
#define LRU_H

#include <stddef.h>
#include <stdint.h>

struct lru_entry {
	char		*key;		/* NULL: free slot */
	char		*value;
	size_t		 len;
	int64_t		 expires;	/* caller's clock */
	uint64_t	 used;		/* tick of the last use */
};

struct lru {
	struct lru_entry	*slot;
	size_t			 nslots;
	size_t			 bytes, max_bytes;
	uint64_t		 tick;
};

/* Prepare l for at most max_entries entries and max_bytes of values and
 * keys.  max_entries 0 makes a cache that stores nothing. */
void lru_init(struct lru *l, size_t max_entries, size_t max_bytes);
/* The value of key if present and not expired at now, else NULL.  The
 * pointer stays valid until the next call on l.  Sets *len, *expires. */
const char *lru_get(struct lru *l, const char *key, int64_t now, size_t *len,
    int64_t *expires);
/* Store a copy of value under key until expires, replacing an older
 * value; dropped silently when larger than the whole cache. */
void lru_put(struct lru *l, const char *key, const char *value, size_t len,
    int64_t expires, int64_t now);
/* Drop every entry whose key starts with prefix. */
void lru_drop_prefix(struct lru *l, const char *prefix);
/* Drop every entry. */
void lru_clear(struct lru *l);
/* How many entries are stored. */
size_t lru_count(const struct lru *l);
/* Release l. */
void lru_free(struct lru *l);

#endif
