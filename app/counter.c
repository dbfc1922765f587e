/* counter.c -- buffered page-view counters. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "clock.h"
#include "counter.h"
#include "log.h"
#include "redis.h"
#include "xmalloc.h"

#define COUNTER_CARS		8	/* distinct cars buffered */
#define COUNTER_VISITORS	16	/* distinct visitors per car */
#define COUNTER_DAYS_KEPT	(8 * 86400)

static struct counter_slot {
	char		car[160];
	long long	views;
	int		nvis;
	char		vis[COUNTER_VISITORS][17];
} counter_buf[COUNTER_CARS];
static int	counter_n;
static int64_t	counter_since;

/* Cache outcomes per family, buffered like the views. */
#define COUNTER_FAMILIES	8
static const char *const counter_states[] = { "HIT", "MISS", "STALE", "BYPASS" };
#define COUNTER_STATES	(sizeof counter_states / sizeof counter_states[0])
static struct {
	const char	*family;	/* a string literal of cache.c */
	long long	 n[COUNTER_STATES];
} counter_cache_buf[COUNTER_FAMILIES];
static int	counter_nfam;
static bool	counter_cache_dirty;

void
counter_views_key(const char *car, char *out, size_t len)
{
	if (snprintf(out, len, "cnt:v1:views:%s", car) >= (int)len)
		out[len - 1] = '\0';	/* never: ids and slugs are short */
}

void
counter_visitors_key(const char *car, const char *day, char *out, size_t len)
{
	if (snprintf(out, len, "cnt:v1:uv:%s:%s", car, day) >= (int)len)
		out[len - 1] = '\0';
}

static void
counter_today(char *day, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(day, len, "%Y%m%d", &tm);
}

/* The slot of car, a new one, or NULL when the buffer is full. */
static struct counter_slot *
counter_slot(const char *car)
{
	int i;

	for (i = 0; i < counter_n; i++) {
		if (strcmp(counter_buf[i].car, car) == 0)
			return &counter_buf[i];
	}
	if (counter_n == COUNTER_CARS || strlen(car) >= sizeof counter_buf[0].car)
		return NULL;
	memset(&counter_buf[counter_n], 0, sizeof counter_buf[0]);
	strcpy(counter_buf[counter_n].car, car);
	return &counter_buf[counter_n++];
}

/* Add visitor's hash to slot s; false when its list is full. */
static bool
counter_visitor(struct counter_slot *s, const char *visitor)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[17];
	int i;

	SHA256((const unsigned char *)visitor, strlen(visitor), md);
	for (i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	for (i = 0; i < s->nvis; i++) {
		if (strcmp(s->vis[i], hex) == 0)
			return true;
	}
	if (s->nvis == COUNTER_VISITORS)
		return false;
	memcpy(s->vis[s->nvis++], hex, sizeof hex);
	return true;
}

void
counter_cache(const char *family, const char *state)
{
	size_t s;
	int i;

	for (s = 0; s < COUNTER_STATES && strcmp(counter_states[s], state) != 0; s++)
		;
	for (i = 0; i < counter_nfam && strcmp(counter_cache_buf[i].family, family) != 0; i++)
		;
	if (s == COUNTER_STATES || (i == counter_nfam && i == COUNTER_FAMILIES))
		return;
	if (i == counter_nfam) {
		memset(&counter_cache_buf[i], 0, sizeof counter_cache_buf[i]);
		counter_cache_buf[counter_nfam++].family = family;
	}
	if (!counter_cache_dirty && counter_n == 0)
		counter_since = clock_mono_us();
	counter_cache_buf[i].n[s]++;
	counter_cache_dirty = true;
	if (clock_mono_us() - counter_since > 1000000)
		counter_flush();
}

void
counter_cache_key(const char *day, char *out, size_t len)
{
	snprintf(out, len, "cnt:v1:cache:%s", day);
}

void
counter_car_view(const char *car, const char *visitor)
{
	struct counter_slot *s;

	if ((s = counter_slot(car)) == NULL) {
		counter_flush();
		if ((s = counter_slot(car)) == NULL)
			return;
	}
	if (counter_n == 1 && s->views == 0 && !counter_cache_dirty)
		counter_since = clock_mono_us();
	s->views++;
	if (!counter_visitor(s, visitor)) {
		counter_flush();
		counter_car_view(car, visitor);
		return;
	}
	if (clock_mono_us() - counter_since > 1000000)
		counter_flush();
}

/* Append the HINCRBYs of the buffered cache outcomes (and the key's
 * EXPIRE) to the n commands of cmds.  Returns the new n. */
static int
counter_cache_cmds(const char *day, char *key, size_t keylen,
    const char *argv[][COUNTER_VISITORS + 2], const char *const **cmds, int *argc,
    char fields[][COUNTER_STATES][48], char by[][COUNTER_STATES][24], int n)
{
	size_t s;
	int i;

	counter_cache_key(day, key, keylen);
	for (i = 0; i < counter_nfam; i++) {
		for (s = 0; s < COUNTER_STATES; s++) {
			if (counter_cache_buf[i].n[s] == 0)
				continue;
			snprintf(fields[i][s], sizeof fields[i][s], "%s:%s",
			    counter_cache_buf[i].family, counter_states[s]);
			snprintf(by[i][s], sizeof by[i][s], "%lld", counter_cache_buf[i].n[s]);
			argv[n][0] = "HINCRBY", argv[n][1] = key;
			argv[n][2] = fields[i][s], argv[n][3] = by[i][s];
			argc[n] = 4, cmds[n] = argv[n], n++;
		}
	}
	argv[n][0] = "EXPIRE", argv[n][1] = key, argv[n][2] = "691200";	/* 8 days */
	argc[n] = 3, cmds[n] = argv[n], n++;
	return n;
}

void
counter_flush(void)
{
	enum { MAXCMDS = COUNTER_CARS * 3 + COUNTER_FAMILIES * COUNTER_STATES + 1 };
	const char *argv[MAXCMDS][COUNTER_VISITORS + 2];
	const char *const *cmds[MAXCMDS];
	char keys[COUNTER_CARS][2][200], by[COUNTER_CARS][24], day[16], ckey[64];
	char cfields[COUNTER_FAMILIES][COUNTER_STATES][48];
	char cby[COUNTER_FAMILIES][COUNTER_STATES][24];
	int argc[MAXCMDS], i, j, n = 0;
	char ttl[24];

	if (counter_n == 0 && !counter_cache_dirty)
		return;
	counter_today(day, sizeof day);
	snprintf(ttl, sizeof ttl, "%d", COUNTER_DAYS_KEPT);
	for (i = 0; i < counter_n; i++) {
		struct counter_slot *s = &counter_buf[i];

		counter_views_key(s->car, keys[i][0], sizeof keys[i][0]);
		counter_visitors_key(s->car, day, keys[i][1], sizeof keys[i][1]);
		snprintf(by[i], sizeof by[i], "%lld", s->views);
		argv[n][0] = "INCRBY", argv[n][1] = keys[i][0], argv[n][2] = by[i];
		argc[n] = 3, cmds[n] = argv[n], n++;
		argv[n][0] = "PFADD", argv[n][1] = keys[i][1];
		for (j = 0; j < s->nvis; j++)
			argv[n][2 + j] = s->vis[j];
		argc[n] = 2 + s->nvis, cmds[n] = argv[n], n++;
		argv[n][0] = "EXPIRE", argv[n][1] = keys[i][1], argv[n][2] = ttl;
		argc[n] = 3, cmds[n] = argv[n], n++;
	}
	if (counter_cache_dirty)
		n = counter_cache_cmds(day, ckey, sizeof ckey, argv, cmds, argc,
		    cfields, cby, n);
	if (redis_send(n, argc, cmds) != 0)
		LOG_DEBUG("page views not recorded: Redis unreachable");
	counter_n = 0;
	counter_nfam = 0;
	counter_cache_dirty = false;
}

int
counter_cars(struct counter_car *cars, size_t n)
{
	char day[16], (*keys)[4][200];
	const char **mget, *(*pf)[3], *const **cmds;
	int *argc, rc;
	long long *out;
	size_t i;

	if (n == 0)
		return 0;
	counter_today(day, sizeof day);
	keys = xcalloc(n, sizeof *keys);
	mget = xcalloc(2 * n + 1, sizeof *mget);
	pf = xcalloc(n, sizeof *pf);
	cmds = xcalloc(n + 1, sizeof *cmds);
	argc = xcalloc(n + 1, sizeof *argc);
	out = xcalloc(3 * n, sizeof *out);
	mget[0] = "MGET";
	for (i = 0; i < n; i++) {
		char slug[200];

		snprintf(slug, sizeof slug, "slug:%s", cars[i].slug);
		counter_views_key(cars[i].id, keys[i][0], sizeof keys[i][0]);
		counter_views_key(slug, keys[i][1], sizeof keys[i][1]);
		mget[1 + 2 * i] = keys[i][0];
		mget[2 + 2 * i] = keys[i][1];
		counter_visitors_key(cars[i].id, day, keys[i][2], sizeof keys[i][2]);
		pf[i][0] = "PFCOUNT";
		pf[i][1] = keys[i][2];
		counter_visitors_key(slug, day, keys[i][3], sizeof keys[i][3]);
		pf[i][2] = keys[i][3];
		cmds[1 + i] = pf[i];
		argc[1 + i] = 3;
	}
	cmds[0] = mget;
	argc[0] = (int)(2 * n + 1);
	rc = redis_ints((int)n + 1, argc, cmds, out, (int)(3 * n)) == (int)(3 * n) ?
	    0 : -1;
	for (i = 0; rc == 0 && i < n; i++) {
		cars[i].views = out[2 * i] + out[2 * i + 1];
		cars[i].visitors_today = out[2 * n + i];
	}
	free(keys);
	free(mget);
	free(pf);
	free(cmds);
	free(argc);
	free(out);
	return rc;
}

int
counter_cache_today(struct buf *json)
{
	char day[16], key[64];
	const char *argv[2] = { "HGETALL", key };
	char **items = NULL;
	int n, i;

	counter_today(day, sizeof day);
	counter_cache_key(day, key, sizeof key);
	if ((n = redis_strings(2, argv, &items)) < 0)
		return -1;
	buf_adds(json, "{");
	for (i = 0; i + 1 < n; i += 2) {
		buf_add_json_string(json, items[i]);
		buf_printf(json, ":%lld%s", strtoll(items[i + 1], NULL, 10),
		    i + 2 < n ? "," : "");
	}
	buf_adds(json, "}");
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	return 0;
}
