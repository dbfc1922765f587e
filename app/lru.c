/* lru.c -- the bounded in-process cache. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "xmalloc.h"

void
lru_init(struct lru *l, size_t max_entries, size_t max_bytes)
{
	memset(l, 0, sizeof *l);
	l->nslots = max_entries;
	l->max_bytes = max_bytes;
	if (max_entries > 0)
		l->slot = xcalloc(max_entries, sizeof *l->slot);
}

static size_t
lru_size(const struct lru_entry *e)
{
	return strlen(e->key) + 1 + e->len;
}

static void
lru_drop(struct lru *l, struct lru_entry *e)
{
	if (e->key == NULL)
		return;
	l->bytes -= lru_size(e);
	free(e->key);
	free(e->value);
	memset(e, 0, sizeof *e);
}

static struct lru_entry *
lru_find(struct lru *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->nslots; i++) {
		if (l->slot[i].key != NULL && strcmp(l->slot[i].key, key) == 0)
			return &l->slot[i];
	}
	return NULL;
}

const char *
lru_get(struct lru *l, const char *key, int64_t now, size_t *len,
    int64_t *expires)
{
	struct lru_entry *e = lru_find(l, key);

	if (e == NULL)
		return NULL;
	if (e->expires <= now) {
		lru_drop(l, e);
		return NULL;
	}
	e->used = ++l->tick;
	*len = e->len;
	*expires = e->expires;
	return e->value;
}

/* The slot to fill: a free one, else an expired one, else the least
 * recently used. */
static struct lru_entry *
lru_victim(struct lru *l, int64_t now)
{
	struct lru_entry *oldest = NULL;
	size_t i;

	for (i = 0; i < l->nslots; i++) {
		if (l->slot[i].key == NULL || l->slot[i].expires <= now)
			return &l->slot[i];
		if (oldest == NULL || l->slot[i].used < oldest->used)
			oldest = &l->slot[i];
	}
	return oldest;
}

/* Drop least recently used entries until need more bytes fit. */
static void
lru_make_room(struct lru *l, size_t need)
{
	struct lru_entry *oldest;
	size_t i;

	while (l->bytes + need > l->max_bytes) {
		oldest = NULL;
		for (i = 0; i < l->nslots; i++) {
			if (l->slot[i].key != NULL && (oldest == NULL ||
			    l->slot[i].used < oldest->used))
				oldest = &l->slot[i];
		}
		if (oldest == NULL)
			return;
		lru_drop(l, oldest);
	}
}

void
lru_put(struct lru *l, const char *key, const char *value, size_t len,
    int64_t expires, int64_t now)
{
	size_t need = strlen(key) + 1 + len;
	struct lru_entry *e;

	if (l->nslots == 0 || need > l->max_bytes)
		return;
	if ((e = lru_find(l, key)) != NULL)
		lru_drop(l, e);
	lru_make_room(l, need);
	e = lru_victim(l, now);
	lru_drop(l, e);
	e->key = xstrdup(key);
	e->value = xmalloc(len + 1);
	memcpy(e->value, value, len);
	e->value[len] = '\0';
	e->len = len;
	e->expires = expires;
	e->used = ++l->tick;
	l->bytes += need;
}

void
lru_drop_prefix(struct lru *l, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < l->nslots; i++) {
		if (l->slot[i].key != NULL && strncmp(l->slot[i].key, prefix, n) == 0)
			lru_drop(l, &l->slot[i]);
	}
}

void
lru_clear(struct lru *l)
{
	size_t i;

	for (i = 0; i < l->nslots; i++)
		lru_drop(l, &l->slot[i]);
}

size_t
lru_count(const struct lru *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nslots; i++)
		n += l->slot[i].key != NULL;
	return n;
}

void
lru_free(struct lru *l)
{
	lru_clear(l);
	free(l->slot);
	memset(l, 0, sizeof *l);
}
