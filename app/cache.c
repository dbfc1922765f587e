/* cache.c -- cache-aside families, keys, TTLs and invalidation. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "buf.h"
#include "cache.h"
#include "conf.h"
#include "log.h"
#include "redis.h"
#include "request.h"
#include "response.h"

/* The family name and TTL (seconds) of a cache policy. */
static const char *
cache_family(enum cache_policy p, long *ttl)
{
	switch (p) {
	case CACHE_FLEET:		*ttl = 3600; return "fleet";
	case CACHE_CAR:			*ttl = 1800; return "car";
	case CACHE_AVAILABILITY:	*ttl = 300; return "avail";
	case CACHE_REVIEWS:		*ttl = 3600; return "reviews";
	case CACHE_NONE:
	case CACHE__UNSET:		break;
	}
	*ttl = conf->redis_cache_ttl_default;
	return NULL;
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
	snprintf(p->prefix, sizeof p->prefix, "c:v1:%s:%s", family, scope);
	cache_hash(c, p->hash);
}

bool
cache_lookup(struct call *c, struct cache_plan *p)
{
	char *value = NULL;
	size_t len = 0;
	long ttl = 0;
	int rc;

	if (!p->use)
		return false;
	if (p->bypass) {
		response_header(c->resp, "X-Cache", "BYPASS");
		return false;
	}
	rc = redis_cache_get(p->ns, p->prefix, p->hash, &p->version, &value,
	    &len, &ttl);
	if (rc < 0) {
		p->bypass = true;
		response_header(c->resp, "X-Cache", "BYPASS");
		return false;
	}
	if (rc == 0) {
		response_header(c->resp, "X-Cache", "MISS");
		response_header(c->resp, "X-Cache-TTL", "%ld", p->ttl);
		return false;
	}
	response_raw_json(c->resp, 200, value, len);
	free(value);
	response_header(c->resp, "X-Cache", "HIT");
	response_header(c->resp, "X-Cache-TTL", "%ld", ttl);
	return true;
}

void
cache_store(struct call *c, const struct cache_plan *p)
{
	char key[512];

	if (!p->use || p->bypass || c->resp->status != 200)
		return;
	snprintf(key, sizeof key, "%s:%lld:%s", p->prefix, p->version, p->hash);
	(void)redis_cache_set(key, c->resp->body.data ? c->resp->body.data : "",
	    c->resp->body.len, p->ttl);
}

static void
cache_bump(const char *const *keys, int n)
{
	if (redis_incr_many(keys, n) != 0)
		LOG_WARN("cache invalidation failed; entries expire by TTL");
}

void
cache_invalidate_car(const char *car)
{
	char k[2][160];
	const char *keys[2] = { k[0], k[1] };

	snprintf(k[0], sizeof k[0], "ns:v1:fleet:all");
	snprintf(k[1], sizeof k[1], "ns:v1:car:%s", car);
	cache_bump(keys, 2);
}

void
cache_invalidate_availability(const char *car)
{
	char k[160];
	const char *keys[1] = { k };

	snprintf(k, sizeof k, "ns:v1:avail:%s", car);
	cache_bump(keys, 1);
}

void
cache_invalidate_reviews(const char *car)
{
	char k[160];
	const char *keys[1] = { k };

	snprintf(k, sizeof k, "ns:v1:reviews:%s", car);
	cache_bump(keys, 1);
}
