/* l1.c -- the first-level cache: a hash table of entries with an LRU
 * list, bounded in bytes, and the invalidations that keep it true. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "l1.h"
#include "log.h"
#include "metrics.h"
#include "redis.h"
#include "xmalloc.h"

/* The prefixes Redis tracks for us: the entries and their versions. */
#define L1_ENTRY_PREFIX		"c:v2:"
#define L1_VERSION_PREFIX	"ns:v1:"

struct l1_entry {
	struct l1_entry	*chain;		/* next in its bucket */
	struct l1_entry	*newer, *older;	/* the LRU list */
	uint64_t	 hash;		/* of the key */
	uint64_t	 scope;		/* of its "{family}:{scope}" */
	long		 fresh_until;	/* wall seconds */
	size_t		 keylen, len;
	char		 data[];	/* key, NUL, value, NUL */
};

static struct {
	struct l1_entry	**bucket;
	size_t		  nbuckets;	/* a power of two */
	struct l1_entry	 *newest, *oldest;
	size_t		  bytes, count;
	uint64_t	  epoch;
	int64_t		  reopen_at;	/* monotonic µs: the next attempt */
} l1;

/* FNV-1a of len bytes of s. */
static uint64_t
l1_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The scope hash of an entry key "c:v2:{family}:{scope}:{hash}" (len
 * bytes): of "{family}:{scope}", or 0 when the key has no such form. */
static uint64_t
l1_entry_scope(const char *key, size_t len)
{
	const char *s = key + strlen(L1_ENTRY_PREFIX), *end = key + len;

	if (len <= strlen(L1_ENTRY_PREFIX) ||
	    strncmp(key, L1_ENTRY_PREFIX, strlen(L1_ENTRY_PREFIX)) != 0)
		return 0;
	while (end > s && end[-1] != ':')
		end--;
	return end > s ? l1_hash(s, (size_t)(end - 1 - s)) : 0;
}

static size_t
l1_size(const struct l1_entry *e)
{
	return sizeof *e + e->keylen + e->len + 2;
}

static void
l1_ready_table(void)
{
	size_t want = 64;

	if (l1.bucket != NULL)
		return;
	while (want < 65536 && want * 2048 < (size_t)conf->l1_max_bytes)
		want *= 2;
	l1.nbuckets = want;
	l1.bucket = xcalloc(want, sizeof *l1.bucket);
}

static struct l1_entry **
l1_slot(uint64_t hash, const char *key, size_t keylen)
{
	struct l1_entry **p = &l1.bucket[hash & (l1.nbuckets - 1)];

	for (; *p != NULL; p = &(*p)->chain)
		if ((*p)->hash == hash && (*p)->keylen == keylen &&
		    memcmp((*p)->data, key, keylen) == 0)
			break;
	return p;
}

static void
l1_unlink_lru(struct l1_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		l1.newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		l1.oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
l1_push_newest(struct l1_entry *e)
{
	e->older = l1.newest;
	e->newer = NULL;
	if (l1.newest != NULL)
		l1.newest->newer = e;
	l1.newest = e;
	if (l1.oldest == NULL)
		l1.oldest = e;
}

/* Remove e (found at *p in its bucket) and count it as outcome (enum
 * metrics_l1; -1: not counted). */
static void
l1_remove(struct l1_entry **p, int outcome)
{
	struct l1_entry *e = *p;

	*p = e->chain;
	l1_unlink_lru(e);
	l1.bytes -= l1_size(e);
	l1.count--;
	metrics_l1(outcome, 1);
	free(e);
}

static void
l1_remove_entry(struct l1_entry *e, int outcome)
{
	l1_remove(l1_slot(e->hash, e->data, e->keylen), outcome);
}

void
l1_clear(void)
{
	l1.epoch++;
	while (l1.oldest != NULL)
		l1_remove_entry(l1.oldest, METRICS_L1_DROP);
}

void
l1_invalidate(const char *key, size_t len)
{
	struct l1_entry **p, *e, *next;
	uint64_t scope;
	size_t vp = strlen(L1_VERSION_PREFIX);

	if (key == NULL) {
		l1_clear();
		return;
	}
	l1.epoch++;
	if (l1.bucket == NULL)
		return;
	if (len > vp && strncmp(key, L1_VERSION_PREFIX, vp) == 0) {
		/* A version moved: every entry of its family and scope. */
		scope = l1_hash(key + vp, len - vp);
		for (e = l1.oldest; e != NULL; e = next) {
			next = e->newer;
			if (e->scope == scope)
				l1_remove_entry(e, METRICS_L1_DROP);
		}
		return;
	}
	if (*(p = l1_slot(l1_hash(key, len), key, len)) != NULL)
		l1_remove(p, METRICS_L1_DROP);
}

static void
l1_on_key(const char *key, size_t len, void *arg)
{
	(void)arg;
	l1_invalidate(key, len);
}

bool
l1_sync(void)
{
	static const char *const prefixes[2] = { L1_ENTRY_PREFIX,
	    L1_VERSION_PREFIX };
	int64_t now;

	if (conf->l1_max_bytes <= 0 || !conf->redis_cache_enabled)
		return false;
	if (!redis_track_is_open()) {
		if (l1.count > 0)
			l1_clear();	/* invalidations may have been lost */
		now = clock_mono_us();
		if (now < l1.reopen_at)
			return false;
		l1.reopen_at = now + 1000000;
		if (redis_track_open(prefixes, 2) != 0)
			return false;
		l1_clear();		/* and a fill under way may not store */
		l1_ready_table();
	}
	if (redis_track_drain(l1_on_key, NULL) < 0) {
		l1_clear();
		l1.reopen_at = clock_mono_us() + 1000000;
		return false;
	}
	return true;
}

const char *
l1_get(const char *key, long now_s, size_t *len)
{
	struct l1_entry **p;

	if (l1.bucket == NULL)
		return NULL;
	p = l1_slot(l1_hash(key, strlen(key)), key, strlen(key));
	if (*p == NULL || (*p)->fresh_until <= now_s) {
		if (*p != NULL)		/* no longer fresh: Redis decides */
			l1_remove(p, -1);
		metrics_l1(METRICS_L1_MISS, 1);
		return NULL;
	}
	l1_unlink_lru(*p);
	l1_push_newest(*p);
	metrics_l1(METRICS_L1_HIT, 1);
	*len = (*p)->len;
	return (*p)->data + (*p)->keylen + 1;
}

uint64_t
l1_epoch(void)
{
	return l1.epoch;
}

void
l1_put(const char *key, const char *entry, size_t len, long fresh_until,
    uint64_t epoch)
{
	size_t keylen = strlen(key);
	struct l1_entry **p, *e;

	if (epoch != l1.epoch || l1.bucket == NULL || !redis_track_is_open())
		return;
	e = xmalloc(sizeof *e + keylen + len + 2);
	e->hash = l1_hash(key, keylen);
	e->scope = l1_entry_scope(key, keylen);
	e->fresh_until = fresh_until;
	e->keylen = keylen;
	e->len = len;
	memcpy(e->data, key, keylen + 1);
	memcpy(e->data + keylen + 1, entry, len);
	e->data[keylen + 1 + len] = '\0';
	if (l1_size(e) > (size_t)conf->l1_max_bytes / 4) {
		free(e);	/* one answer may not crowd out the rest */
		return;
	}
	if (*(p = l1_slot(e->hash, key, keylen)) != NULL)
		l1_remove(p, -1);	/* replaced: not counted */
	while (l1.oldest != NULL &&
	    l1.bytes + l1_size(e) > (size_t)conf->l1_max_bytes)
		l1_remove_entry(l1.oldest, METRICS_L1_EVICT);
	p = l1_slot(e->hash, key, keylen);
	e->chain = NULL;
	*p = e;
	l1_push_newest(e);
	l1.bytes += l1_size(e);
	l1.count++;
}

size_t
l1_bytes(void)
{
	return l1.bytes;
}

size_t
l1_count(void)
{
	return l1.count;
}
