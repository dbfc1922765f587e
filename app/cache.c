/* cache.c -- cache-aside families, keys, TTLs and invalidation. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "buf.h"
#include "clock.h"
#include "cache.h"
#include "conf.h"
#include "counter.h"
#include "l1.h"
#include "metrics.h"
#include "log.h"
#include "lru.h"
#include "redis.h"
#include "request.h"
#include "response.h"
#include "xmalloc.h"

/* The strong entity tag of an answer: the first 96 bits of the SHA-256
 * of its bytes, in hex.  The same bytes give the same tag on every
 * responder and host. */
void
cache_etag(const char *body, size_t len, char *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256((const unsigned char *)body, len, md);
	for (i = 0; i < CACHE_ETAG_BYTES; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* The family name and TTL (seconds) of a cache policy. */
static const char *
cache_family(enum cache_policy p, long *ttl)
{
	switch (p) {
	case CACHE_FLEET:	*ttl = conf->cache_ttl_fleet; return "fleet";
	case CACHE_CAR:		*ttl = conf->cache_ttl_car; return "car";
	case CACHE_AVAILABILITY:*ttl = conf->cache_ttl_availability; return "avail";
	case CACHE_REVIEWS:	*ttl = conf->cache_ttl_reviews; return "reviews";
	case CACHE_NONE:
	case CACHE__UNSET:		break;
	}
	*ttl = conf->redis_cache_ttl_default;
	return NULL;
}

/* Say X-Cache state on c's answer and count it for the dashboard. */
static void
cache_mark(struct call *c, const char *state)
{
	long ttl;
	const char *family = cache_family(c->route->cache, &ttl);

	response_header(c->resp, "X-Cache", "%s", state);
	if (family != NULL) {
		counter_cache(family, state);
		metrics_cache(family, state);
	}
}

/* The value of the declared key name of c, or NULL. */
static const char *
cache_field(const struct call *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->route->input->nkeys; i++) {
		if (strcmp(c->route->input->keys[i].name, name) == 0)
			return c->req->field[i];
	}
	return NULL;
}

/* SHA-256 of the route and its validated inputs: the entry's identity
 * (no personal data in keys). */
static void
cache_hash(const struct call *c, char *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, c->route->path);
	for (i = 0; i < c->route->input->nkeys; i++) {
		if (c->req->field[i] == NULL)
			continue;
		buf_printf(&b, "&%s=%s", c->route->input->keys[i].name,
		    c->req->field[i]);
	}
	SHA256((const unsigned char *)b.data, b.len, md);
	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	buf_free(&b);
}

void
cache_plan(const struct call *c, struct cache_plan *p)
{
	const char *family, *car = cache_field(c, "carId"), *scope;
	const char *unapproved = cache_field(c, "includeUnapproved");

	memset(p, 0, sizeof *p);
	family = cache_family(c->route->cache, &p->ttl);
	if (family == NULL || c->route->method != METHOD_GET)
		return;
	p->use = true;
	if (!conf->redis_cache_enabled ||
	    (unapproved != NULL && strcmp(unapproved, "true") == 0)) {
		p->bypass = true;
		return;
	}
	/* A car by slug shares the fleet's version: any car change drops it. */
	scope = car != NULL ? car : "all";
	if (c->route->cache == CACHE_CAR && car == NULL)
		family = "fleet";
	snprintf(p->ns, sizeof p->ns, "ns:v1:%s:%s", family, scope);
	snprintf(p->prefix, sizeof p->prefix, "c:v2:%s:%s", family, scope);
	cache_hash(c, p->hash);
	snprintf(p->key, sizeof p->key, "%s:%s", p->prefix, p->hash);
}

/* Serve body (len bytes), whose entity tag is etag, with X-Cache
 * state. */
static void
cache_serve(struct call *c, const char *body, size_t len, const char *etag,
    const char *state, long ttl)
{
	response_raw_json(c->resp, 200, body, len);
	response_etag(c->resp, etag);
	cache_mark(c, state);
	response_header(c->resp, "X-Cache-TTL", "%ld", ttl > 0 ? ttl : 0);
}

/* One request refreshes a stale entry; true if it is this one. */
static bool
cache_refresh_guard(const struct cache_plan *p)
{
	char key[256];

	snprintf(key, sizeof key, "%s:refresh:%s", p->prefix, p->hash);
	return redis_set_nx(key, "1", 10000) != 0;
}

/* The in-process stand-in for Redis while it is unreachable, and whether
 * it holds anything. */
static struct lru	cache_local_store;
static bool		cache_local_ready, cache_local_used;

static struct lru *
cache_local(void)
{
	if (!cache_local_ready) {
		lru_init(&cache_local_store, (size_t)conf->cache_local_entries,
		    (size_t)conf->cache_local_bytes);
		cache_local_ready = true;
	}
	return &cache_local_store;
}

/* Split entry "version|fresh-until|etag|JSON" (len bytes).  Returns the
 * JSON and sets *version, *fresh_until, etag (CACHE_ETAG_LEN + 1 bytes)
 * and *len, or NULL if malformed. */
static const char *
cache_entry(const char *v, size_t *len, long long *version, long *fresh_until,
    char *etag)
{
	const char *end = v + *len, *a, *b, *t;

	if ((a = memchr(v, '|', *len)) == NULL ||
	    (b = memchr(a + 1, '|', (size_t)(end - a - 1))) == NULL ||
	    (t = memchr(b + 1, '|', (size_t)(end - b - 1))) == NULL ||
	    t - b - 1 != CACHE_ETAG_LEN)
		return NULL;
	*version = strtoll(v, NULL, 10);
	*fresh_until = strtol(a + 1, NULL, 10);
	memcpy(etag, b + 1, CACHE_ETAG_LEN);
	etag[CACHE_ETAG_LEN] = '\0';
	*len = (size_t)(end - t - 1);
	return t + 1;
}

/* The entry of answer body (len bytes), whose tag is etag, into v. */
static void
cache_entry_make(struct buf *v, long long version, long fresh_until,
    const char *etag, const char *body, size_t len)
{
	buf_printf(v, "%lld|%ld|%s|", version, fresh_until, etag);
	buf_add(v, body, len);
}

/* Redis is unreachable: serve p from the local store if it holds it. */
static bool
cache_local_lookup(struct call *c, struct cache_plan *p)
{
	const char *v, *json = NULL;
	char etag[CACHE_ETAG_LEN + 1];
	size_t len;
	int64_t now = clock_mono_us(), expires;
	long long version;
	long fresh;

	p->local = true;
	response_header(c->resp, "X-Cache-Store", "local");
	if ((v = lru_get(cache_local(), p->key, now, &len, &expires)) != NULL)
		json = cache_entry(v, &len, &version, &fresh, etag);
	if (json == NULL) {
		cache_mark(c, "MISS");
		response_header(c->resp, "X-Cache-TTL", "%ld", p->ttl);
		return false;
	}
	cache_serve(c, json, len, etag, "HIT", (long)((expires - now) / 1000000));
	return true;
}

/* Invalidations that failed while Redis was unreachable, replayed when it
 * answers again (so an entry cached before the outage cannot outlive a
 * write made during it).  Bounded; beyond it the TTLs decide. */
#define CACHE_PENDING_MAX	64
static char	cache_pending[CACHE_PENDING_MAX][160];
static int	cache_npending;

static void
cache_pending_add(const char *ns)
{
	int i;

	for (i = 0; i < cache_npending; i++) {
		if (strcmp(cache_pending[i], ns) == 0)
			return;
	}
	if (cache_npending == CACHE_PENDING_MAX) {
		LOG_ERR("too many lost invalidations; %s expires by TTL", ns);
		return;
	}
	if (snprintf(cache_pending[cache_npending], sizeof cache_pending[0], "%s",
	    ns) < (int)sizeof cache_pending[0])
		cache_npending++;
}

/* Redis answers again: replay the lost invalidations, a few per trip. */
static void
cache_pending_replay(void)
{
	const char *keys[16];
	int i, n;

	while (cache_npending > 0) {
		n = cache_npending < 16 ? cache_npending : 16;
		for (i = 0; i < n; i++)
			keys[i] = cache_pending[cache_npending - n + i];
		if (redis_incr_many(keys, n) != 0)
			return;
		cache_npending -= n;
	}
	LOG_INFO("replayed the invalidations lost while Redis was unreachable");
}

bool
cache_begin(struct cache_plan *p, struct redis_call *call)
{
	if (!p->use || p->bypass)
		return false;
	if ((p->l1 = l1_sync())) {
		p->l1_entry = l1_get(p->key, (long)time(NULL), &p->l1_len);
		if (p->l1_entry != NULL)
			return false;	/* no round trip */
		p->l1_epoch = l1_epoch();
	}
	memset(call, 0, sizeof *call);
	call->argc = 3;
	call->argv[0] = "MGET";
	call->argv[1] = p->ns;
	call->argv[2] = p->key;
	call->nval = -1;
	return true;
}

bool
cache_end(struct call *c, struct cache_plan *p, struct redis_call *call)
{
	const char *json = NULL;
	char etag[CACHE_ETAG_LEN + 1];
	size_t len = 0;
	long long version = -1;
	long fresh = 0;

	if (!p->use)
		return false;
	if (p->bypass) {
		cache_mark(c, "BYPASS");
		return false;
	}
	if (p->l1_entry != NULL && (json = cache_entry(p->l1_entry, &p->l1_len,
	    &version, &fresh, etag)) != NULL) {
		response_header(c->resp, "X-Cache-Store", "l1");
		cache_serve(c, json, p->l1_len, etag, "HIT",
		    fresh - (long)time(NULL));
		return true;
	}
	if (call == NULL || call->nval < 1) {
		redis_call_free(call);
		return cache_local_lookup(c, p);
	}
	p->version = call->val[0].i;	/* nil: 0 */
	if (call->nval == 2 && call->val[1].type == REDIS_VAL_STR) {
		len = call->val[1].len;
		json = cache_entry(call->val[1].s, &len, &version, &fresh, etag);
	}
	if (cache_local_used) {		/* Redis is back: forget the stand-in */
		lru_clear(cache_local());
		cache_local_used = false;
	}
	if (cache_npending > 0)
		cache_pending_replay();
	if (json == NULL || version != p->version) {	/* absent or invalidated */
		redis_call_free(call);
		cache_mark(c, "MISS");
		response_header(c->resp, "X-Cache-TTL", "%ld", p->ttl);
		return false;
	}
	if (p->l1 && fresh > (long)time(NULL))
		l1_put(p->key, call->val[1].s, call->val[1].len, fresh,
		    p->l1_epoch);
	fresh -= (long)time(NULL);
	if (fresh > 0 || !cache_refresh_guard(p)) {
		cache_serve(c, json, len, etag, fresh > 0 ? "HIT" : "STALE", fresh);
		redis_call_free(call);
		return true;
	}
	/* This request refreshes; keep the stale answer in case it fails. */
	p->stale = xmalloc(len + 1);
	memcpy(p->stale, json, len);
	p->stale_len = len;
	memcpy(p->stale_etag, etag, sizeof p->stale_etag);
	redis_call_free(call);
	cache_mark(c, "MISS");
	response_header(c->resp, "X-Cache-TTL", "%ld", p->ttl);
	return false;
}

/* Remove the X-Cache lines written for the refresh attempt. */
static void
cache_drop_headers(struct buf *h)
{
	struct buf keep;
	const char *line = h->data, *end;

	if (h->len == 0)
		return;
	buf_init(&keep);
	for (; line < h->data + h->len; line = end) {
		end = strstr(line, "\r\n");
		end = end ? end + 2 : h->data + h->len;
		if (strncmp(line, "X-Cache", 7) != 0)
			buf_add(&keep, line, (size_t)(end - line));
	}
	buf_reset(h);
	if (keep.len > 0)
		buf_add(h, keep.data, keep.len);
	buf_free(&keep);
}

bool
cache_done(struct call *c, struct cache_plan *p, enum api_err err)
{
	char etag[CACHE_ETAG_LEN + 1];
	const char *body = c->resp->body.data ? c->resp->body.data : "";
	size_t len = c->resp->body.len;
	struct buf v;
	bool served = false;

	if (err == API_OK && p->use && c->resp->status == 200) {
		/* Hashed once, when the answer is made; stored with it. */
		cache_etag(body, len, etag);
		response_etag(c->resp, etag);
		buf_init(&v);
		if (p->local) {
			cache_entry_make(&v, 0, 0, etag, body, len);
			lru_put(cache_local(), p->key, v.data, v.len,
			    clock_mono_us() + 1000000LL * (p->ttl <
			    conf->cache_local_ttl ? p->ttl : conf->cache_local_ttl),
			    clock_mono_us());
			cache_local_used = true;
		} else if (!p->bypass) {
			cache_entry_make(&v, p->version, (long)time(NULL) + p->ttl,
			    etag, body, len);
			(void)redis_cache_set(p->key, v.data, v.len,
			    p->ttl + conf->cache_max_stale);
		}
		buf_free(&v);
	} else if (err != API_OK && apierr_status(err) >= 500 && p->stale != NULL) {
		cache_drop_headers(&c->resp->headers);
		cache_serve(c, p->stale, p->stale_len, p->stale_etag, "STALE", 0);
		served = true;
	}
	free(p->stale);
	p->stale = NULL;
	return served;
}

void
cache_idle(void)
{
	if (cache_npending > 0)
		cache_pending_replay();
}

/* INCR the namespace counters of family for car (and the fleet's too
 * when fleet is true), in one round trip. */
static void
cache_bump(const char *family, const char *car, bool fleet)
{
	char k[2][160];
	const char *keys[2] = { k[0], k[1] };
	char prefix[160];
	int i, n = fleet ? 2 : 1;

	snprintf(k[0], sizeof k[0], "ns:v1:%s:%s", family, car);
	snprintf(k[1], sizeof k[1], "ns:v1:fleet:all");
	for (i = 0; i < n; i++)		/* this process's own at once */
		l1_invalidate(k[i], strlen(k[i]));
	if (redis_incr_many(keys, n) != 0) {
		LOG_WARN("cache invalidation failed; replayed when Redis returns");
		for (i = 0; i < n; i++)
			cache_pending_add(k[i]);
	}
	if (cache_local_used) {
		snprintf(prefix, sizeof prefix, "c:v2:%s:%s:", family, car);
		lru_drop_prefix(cache_local(), prefix);
		if (fleet)
			lru_drop_prefix(cache_local(), "c:v2:fleet:all:");
	}
}

void
cache_invalidate_car(const char *car)
{
	cache_bump("car", car, true);
}

void
cache_invalidate_availability(const char *car)
{
	cache_bump("avail", car, false);
}

void
cache_invalidate_reviews(const char *car)
{
	cache_bump("reviews", car, false);
}

/* The scope of key (c:v2:{family}:{scope}:... or ns:v1:{family}:{scope})
 * after prefix, into scopes (n of max) unless it is there.  Returns 0, or
 * -1 when full. */
static int
cache_scope_add(const char *key, size_t prefix, char (*scopes)[128], size_t *n,
    size_t max)
{
	const char *s = key + prefix;
	size_t len = strcspn(s, ":"), i;

	if (len == 0 || len >= sizeof scopes[0])
		return 0;
	for (i = 0; i < *n; i++)
		if (strncmp(scopes[i], s, len) == 0 && scopes[i][len] == '\0')
			return 0;
	if (*n == max)
		return -1;
	memcpy(scopes[*n], s, len);
	scopes[(*n)++][len] = '\0';
	return 0;
}

/* Every scope of family holding an entry or a version, by SCAN. */
static long
cache_scopes(const char *family, char (*scopes)[128], size_t max, size_t *n)
{
	/* The entries (c:v2, with their tag) and the versions (ns:v1). */
	static const char *const kinds[2] = { "c:v2", "ns:v1" };
	char match[112], prefix[96], *cursor, *next, **keys;
	int k, i, nk;

	*n = 0;
	if (strcmp(family, "fleet") == 0)
		(void)cache_scope_add("all", 0, scopes, n, max);
	for (k = 0; k < 2; k++) {
		snprintf(prefix, sizeof prefix, "%s:%s:", kinds[k], family);
		snprintf(match, sizeof match, "%s*", prefix);
		cursor = xstrdup("0");
		do {
			if ((nk = redis_scan(cursor, match, &next, &keys)) < 0) {
				free(cursor);
				return -1;
			}
			for (i = 0; i < nk; i++) {
				if (cache_scope_add(keys[i], strlen(prefix), scopes, n, max) != 0)
					LOG_WARN("cache purge: more than %zu scopes of %s;"
					    " the rest expire by TTL", max, family);
				free(keys[i]);
			}
			free(keys);
			free(cursor);
			cursor = next;
		} while (strcmp(cursor, "0") != 0);
		free(cursor);
	}
	return 0;
}

bool
cache_family_known(const char *family)
{
	size_t i;

	for (i = 0; i < METRICS_FAMILIES; i++)
		if (strcmp(metrics_families[i], family) == 0)
			return true;
	return false;
}

long
cache_purge(const char *family)
{
	enum { MAX = 20000, BATCH = 13 };
	char (*scopes)[128], keys[BATCH][192];
	const char *kp[BATCH];
	size_t n, i, j;
	long bumped = 0;

	if (!cache_family_known(family))
		return -1;
	scopes = xcalloc(MAX, sizeof *scopes);
	if (cache_scopes(family, scopes, MAX, &n) != 0) {
		free(scopes);
		return -1;
	}
	for (i = 0; i < n; i += j) {
		for (j = 0; j < BATCH && i + j < n; j++) {
			snprintf(keys[j], sizeof keys[j], "ns:v1:%.16s:%s", family, scopes[i + j]);
			kp[j] = keys[j];
		}
		if (redis_incr_many(kp, (int)j) != 0) {
			free(scopes);
			return -1;
		}
		bumped += (long)j;
	}
	free(scopes);
	return bumped;
}
