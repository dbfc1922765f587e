/* rltable.c -- GCRA buckets in a file mapped by every process of the host.
 *
 * A slot is {key, tat}.  Its key changes only two ways: from 0 to an
 * identity (a compare-and-swap on the key), or from a stale identity to
 * another, which first swaps the TAT for MARKER, then stores the key, then
 * the new TAT (always later than the stale one).  A charge reads the TAT,
 * checks the key again and swaps the TAT for the new one; so a charge
 * racing with a reuse of its slot fails its swap and looks again. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rltable.h"
#include "xmalloc.h"

#define RLTABLE_MAGIC	0x657864726c746231ULL	/* "exdrltb1": the layout */
#define RLTABLE_INIT	0x657864726c74696eULL	/* being initialised */
#define MARKER		INT64_MAX		/* a slot changing hands */
#define RETRIES		100000			/* then decide elsewhere */
#define FACTOR_BITS	20

struct rltable_slot {
	uint64_t	key;
	int64_t		tat;
};

struct rltable_ovr {
	uint64_t	key;
	uint64_t	val;	/* expires (wall s) << FACTOR_BITS | factor; 0 none */
};

struct rltable_file {
	uint64_t		magic;
	uint64_t		nslots;
	uint64_t		full;		/* decisions not taken */
	uint64_t		novr;		/* override keys ever set */
	int32_t			ovr_lock;	/* pid of the holder, 0 free */
	int32_t			ovr_state;	/* 0 not loaded, pid loading, -1 loaded */
	int32_t			ring_lock;
	uint32_t		ring_n;
	int64_t			ring_since;	/* mono µs of the oldest */
	int32_t			stripe[RLTABLE_STRIPES];
	struct rltable_ovr	ovr[RLTABLE_OVERRIDES];
	char			ring[RLTABLE_RING][RLTABLE_RING_TEXT];
	struct rltable_slot	slot[];
};

struct rltable {
	struct rltable_file	*f;
	size_t			 len;
};

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define CAS(p, e, v)	__atomic_compare_exchange_n((p), (e), (v), false, \
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)

enum { RETRY = RLTABLE_FULL + 1 };

uint64_t
rltable_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h != 0 ? h : 1;
}

static bool
rltable_alive(int32_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* A lock word holding its owner's pid: taken from a dead owner. */
static void
rltable_lock(int32_t *l)
{
	int32_t me = (int32_t)getpid(), cur;
	unsigned spins = 0;

	for (;;) {
		cur = 0;
		if (CAS(l, &cur, me) || cur == me)
			return;
		if (++spins % 64 == 0 && !rltable_alive(cur) && CAS(l, &cur, me))
			return;
		sched_yield();
	}
}

static void
rltable_unlock(int32_t *l)
{
	STORE(l, 0);
}

static size_t
rltable_size(size_t nslots)
{
	return sizeof(struct rltable_file) + nslots * sizeof(struct rltable_slot);
}

struct rltable *
rltable_open(const char *path, size_t nslots)
{
	struct rltable_file *f;
	struct rltable *t;
	size_t len = rltable_size(nslots);
	uint64_t magic = 0;
	struct stat st;
	int fd, i;

	if (nslots < RLTABLE_WINDOW ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || (st.st_size != 0 && (size_t)st.st_size != len) ||
	    (st.st_size == 0 && ftruncate(fd, (off_t)len) != 0)) {
		if (st.st_size != 0 && (size_t)st.st_size != len)
			LOG_WARN("%s was made for another table size; remove it "
			    "to use this one", path);
		close(fd);
		return NULL;
	}
	f = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return NULL;
	if (CAS(&f->magic, &magic, RLTABLE_INIT)) {
		f->nslots = nslots;
		STORE(&f->magic, RLTABLE_MAGIC);
	}
	for (i = 0; i < 1000 && LOAD(&f->magic) == RLTABLE_INIT; i++)
		usleep(1000);
	if (LOAD(&f->magic) != RLTABLE_MAGIC || f->nslots != nslots) {
		LOG_WARN("%s has another layout; remove it to use it", path);
		munmap(f, len);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->f = f;
	t->len = len;
	return t;
}

void
rltable_close(struct rltable *t)
{
	if (t == NULL)
		return;
	munmap(t->f, t->len);
	free(t);
}

static struct rltable_slot *
rltable_at(struct rltable *t, uint64_t key, int i)
{
	return &t->f->slot[(key % t->f->nslots + (uint64_t)i) % t->f->nslots];
}

/* Charge slot s, which held key when looked at. */
static int
rltable_update(struct rltable_slot *s, uint64_t key, int64_t now,
    struct rltable_charge *c)
{
	int64_t old, tat;

	for (;;) {
		old = LOAD(&s->tat);
		if (old == MARKER) {
			sched_yield();
			return RETRY;
		}
		if (LOAD(&s->key) != key)
			return RETRY;
		tat = old < now ? now : old;
		c->tat = tat + c->interval;
		if (now < c->tat - c->period)
			return RLTABLE_DENY;
		if (CAS(&s->tat, &old, c->tat))
			return RLTABLE_ALLOW;
	}
}

/* Insert key (under its stripe's lock, so never twice): into the first
 * empty slot of its window, or the first stale one.  Returns the verdict,
 * RLTABLE_FULL, or RETRY. */
static int
rltable_insert(struct rltable *t, uint64_t key, int64_t now,
    struct rltable_charge *c)
{
	int32_t *lock = &t->f->stripe[(key >> 32) % RLTABLE_STRIPES];
	struct rltable_slot *s, *cand;
	int64_t v, cand_v = 0;
	uint64_t k, zero;
	int i, rc;

	rltable_lock(lock);
	for (;;) {
		cand = NULL;
		for (i = 0; i < RLTABLE_WINDOW; i++) {
			s = rltable_at(t, key, i);
			k = LOAD(&s->key);
			if (k == key) {		/* inserted meanwhile */
				rltable_unlock(lock);
				return rltable_update(s, key, now, c);
			}
			if (k == 0) {
				if (cand == NULL)
					cand = s, cand_v = -1;
				break;
			}
			v = LOAD(&s->tat);
			if (cand == NULL && v != MARKER && v < now)
				cand = s, cand_v = v;
		}
		if (cand == NULL) {
			rltable_unlock(lock);
			return RLTABLE_FULL;
		}
		if (cand_v < 0) {		/* empty: claim its key */
			zero = 0;
			if (!CAS(&cand->key, &zero, key))
				continue;
			rltable_unlock(lock);
			rc = rltable_update(cand, key, now, c);
			return rc;
		}
		if (!CAS(&cand->tat, &cand_v, MARKER))	/* stale: reuse it */
			continue;
		STORE(&cand->key, key);
		c->tat = now + c->interval;	/* a full bucket admits */
		STORE(&cand->tat, c->tat);
		rltable_unlock(lock);
		return RLTABLE_ALLOW;
	}
}

enum rltable_verdict
rltable_charge(struct rltable *t, uint64_t key, int64_t now,
    struct rltable_charge *c)
{
	struct rltable_slot *s;
	int i, rc = RETRY, tries;
	uint64_t k = 0;

	for (tries = 0; rc == RETRY && tries < RETRIES; tries++) {
		s = NULL;
		for (i = 0; i < RLTABLE_WINDOW; i++) {
			s = rltable_at(t, key, i);
			if ((k = LOAD(&s->key)) == key || k == 0)
				break;
		}
		if (i < RLTABLE_WINDOW && k == key)
			rc = rltable_update(s, key, now, c);
		else
			rc = rltable_insert(t, key, now, c);
	}
	if (rc == RETRY)
		rc = RLTABLE_FULL;
	if (rc == RLTABLE_FULL)
		__atomic_fetch_add(&t->f->full, 1, __ATOMIC_RELAXED);
	return (enum rltable_verdict)rc;
}

static struct rltable_slot *
rltable_find(struct rltable *t, uint64_t key)
{
	struct rltable_slot *s;
	uint64_t k;
	int i;

	for (i = 0; i < RLTABLE_WINDOW; i++) {
		s = rltable_at(t, key, i);
		if ((k = LOAD(&s->key)) == key)
			return s;
		if (k == 0)
			break;
	}
	return NULL;
}

void
rltable_refund(struct rltable *t, uint64_t key, int64_t interval)
{
	struct rltable_slot *s = rltable_find(t, key);
	int64_t old;

	if (s == NULL)
		return;
	do {
		old = LOAD(&s->tat);
		if (old == MARKER || LOAD(&s->key) != key)
			return;
	} while (!CAS(&s->tat, &old, old - interval));
}

bool
rltable_reset(struct rltable *t, uint64_t key, int64_t now)
{
	struct rltable_slot *s = rltable_find(t, key);
	int64_t old;

	if (s == NULL)
		return false;
	do {
		old = LOAD(&s->tat);
		if (old == MARKER || LOAD(&s->key) != key || old < now)
			return true;
	} while (!CAS(&s->tat, &old, now - 1));
	return true;
}

/* --- overrides ----------------------------------------------------------- */

static struct rltable_ovr *
rltable_ovr_at(struct rltable *t, uint64_t key, int i)
{
	return &t->f->ovr[(key + (uint64_t)i) % RLTABLE_OVERRIDES];
}

int
rltable_override_set(struct rltable *t, uint64_t key, long factor,
    int64_t expires)
{
	struct rltable_ovr *o, *reuse = NULL;
	int64_t now = (int64_t)time(NULL);
	uint64_t k, v;
	int i, rc = -1;

	if (factor < 0 || factor >= 1L << FACTOR_BITS)
		return -1;
	rltable_lock(&t->f->ovr_lock);
	for (i = 0; i < RLTABLE_OVERRIDES; i++) {
		o = rltable_ovr_at(t, key, i);
		k = LOAD(&o->key);
		v = LOAD(&o->val);
		if (k == key || k == 0) {
			if (k == 0)
				__atomic_fetch_add(&t->f->novr, 1, __ATOMIC_RELAXED);
			reuse = o;
			break;
		}
		if (reuse == NULL && (int64_t)(v >> FACTOR_BITS) <= now)
			reuse = o;	/* removed or expired */
	}
	if (reuse != NULL) {
		if (LOAD(&reuse->key) != key) {
			STORE(&reuse->val, 0);
			STORE(&reuse->key, key);
		}
		STORE(&reuse->val, (uint64_t)expires << FACTOR_BITS | (uint64_t)factor);
		rc = 0;
	}
	rltable_unlock(&t->f->ovr_lock);
	return rc;
}

void
rltable_override_del(struct rltable *t, uint64_t key)
{
	struct rltable_ovr *o;
	uint64_t k;
	int i;

	rltable_lock(&t->f->ovr_lock);
	for (i = 0; i < RLTABLE_OVERRIDES; i++) {
		o = rltable_ovr_at(t, key, i);
		if ((k = LOAD(&o->key)) == key)
			STORE(&o->val, 0);
		if (k == key || k == 0)
			break;
	}
	rltable_unlock(&t->f->ovr_lock);
}

long
rltable_override_get(struct rltable *t, uint64_t key, int64_t now)
{
	struct rltable_ovr *o;
	uint64_t k, v;
	int i;

	if (LOAD(&t->f->novr) == 0)
		return -1;
	for (i = 0; i < RLTABLE_OVERRIDES; i++) {
		o = rltable_ovr_at(t, key, i);
		if ((k = LOAD(&o->key)) == 0)
			return -1;
		if (k != key)
			continue;
		v = LOAD(&o->val);
		if (LOAD(&o->key) != key)	/* reused meanwhile */
			return -1;
		if (v == 0 || (int64_t)(v >> FACTOR_BITS) <= now)
			return -1;
		return (long)(v & ((1U << FACTOR_BITS) - 1));
	}
	return -1;
}

bool
rltable_overrides_claim(struct rltable *t)
{
	int32_t me = (int32_t)getpid(), cur = LOAD(&t->f->ovr_state);

	if (cur == -1 || (cur > 0 && cur != me && rltable_alive(cur)))
		return false;
	return CAS(&t->f->ovr_state, &cur, me);
}

void
rltable_overrides_loaded(struct rltable *t, bool ok)
{
	STORE(&t->f->ovr_state, ok ? -1 : 0);
}

/* --- violations ring ----------------------------------------------------- */

int
rltable_ring_push(struct rltable *t, const char *text, int64_t now_us)
{
	size_t len = strlen(text);
	uint32_t n;

	if (len >= RLTABLE_RING_TEXT)
		return -1;
	rltable_lock(&t->f->ring_lock);
	n = t->f->ring_n;
	if (n < RLTABLE_RING) {
		memcpy(t->f->ring[n], text, len + 1);
		if (n == 0)
			t->f->ring_since = now_us;
		STORE(&t->f->ring_n, n + 1);
		n++;
	} else
		n = 0;
	rltable_unlock(&t->f->ring_lock);
	return (int)n;
}

int
rltable_ring_take(struct rltable *t, char (*out)[RLTABLE_RING_TEXT], int max)
{
	uint32_t n;

	if (LOAD(&t->f->ring_n) == 0)
		return 0;
	rltable_lock(&t->f->ring_lock);
	n = t->f->ring_n;
	if (n > (uint32_t)max)
		n = (uint32_t)max;
	memcpy(out, t->f->ring, n * sizeof t->f->ring[0]);
	memmove(t->f->ring, t->f->ring[n],
	    (t->f->ring_n - n) * sizeof t->f->ring[0]);
	STORE(&t->f->ring_n, t->f->ring_n - n);
	rltable_unlock(&t->f->ring_lock);
	return (int)n;
}

int
rltable_ring_count(struct rltable *t, int64_t *since_us)
{
	int n = (int)LOAD(&t->f->ring_n);

	if (since_us != NULL)
		*since_us = n > 0 ? t->f->ring_since : 0;
	return n;
}

/* --- figures ------------------------------------------------------------- */

void
rltable_count_full(struct rltable *t)
{
	__atomic_fetch_add(&t->f->full, 1, __ATOMIC_RELAXED);
}

uint64_t
rltable_full_count(struct rltable *t)
{
	return __atomic_load_n(&t->f->full, __ATOMIC_RELAXED);
}

size_t
rltable_used(struct rltable *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->f->nslots; i++)
		n += LOAD(&t->f->slot[i].key) != 0;
	return n;
}

size_t
rltable_slots(struct rltable *t)
{
	return t->f->nslots;
}
