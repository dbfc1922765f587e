/* redis.c -- Redis through hiredis, one connection per process. */
#include "config.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "redis.h"
#include "xmalloc.h"

static redisContext	*redis_ctx;
static int64_t		 redis_retry_at;

static struct timeval
redis_tv(long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return tv;
}

/* Copy src into dst of size n.  Returns 0, or -1 if it does not fit. */
static int
redis_copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

/* Parse the "?db=N&password=P" part of a unix:// URL. */
static int
redis_parse_query(char *q, struct redis_addr *a)
{
	char *pair, *save = NULL;

	for (pair = strtok_r(q, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if (strncmp(pair, "db=", 3) == 0)
			a->db = atoi(pair + 3);
		else if (strncmp(pair, "password=", 9) != 0 ||
		    redis_copy(a->password, sizeof a->password, pair + 9) != 0)
			return -1;
	}
	return 0;
}

int
redis_parse_url(const char *url, struct redis_addr *a)
{
	char tmp[1024], *p, *at, *slash, *colon, *q;

	memset(a, 0, sizeof *a);
	a->port = 6379;
	if (strlen(url) >= sizeof tmp)
		return -1;
	strcpy(tmp, url);
	if (strncmp(tmp, "unix://", 7) == 0) {
		if ((q = strchr(tmp + 7, '?')) != NULL)
			*q++ = '\0';
		if (redis_copy(a->path, sizeof a->path, tmp + 7) != 0)
			return -1;
		return a->path[0] == '/' && (q == NULL ||
		    redis_parse_query(q, a) == 0) ? 0 : -1;
	}
	if (strncmp(tmp, "redis://", 8) != 0)
		return -1;
	p = tmp + 8;
	if ((at = strrchr(p, '@')) != NULL) {
		*at = '\0';
		colon = strchr(p, ':');
		if (redis_copy(a->password, sizeof a->password,
		    colon ? colon + 1 : p) != 0)
			return -1;
		p = at + 1;
	}
	if ((slash = strchr(p, '/')) != NULL) {
		*slash++ = '\0';
		a->db = *slash ? atoi(slash) : 0;
	}
	if ((colon = strrchr(p, ':')) != NULL) {
		*colon++ = '\0';
		a->port = atoi(colon);
	}
	if (redis_copy(a->host, sizeof a->host, p) != 0)
		return -1;
	return a->host[0] != '\0' && a->port > 0 && a->port < 65536 ? 0 : -1;
}

/* Run a command during connection setup; returns 0 if it did not fail. */
static int
redis_setup(redisContext *c, const char *fmt, const char *arg)
{
	redisReply *r = redisCommand(c, fmt, arg);
	int ok = r != NULL && r->type != REDIS_REPLY_ERROR;

	if (r != NULL && !ok)
		LOG_ERR("redis: setup failed: %s", r->str);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

static redisContext *
redis_connect(void)
{
	struct redis_addr a;
	redisContext *c;
	char db[16];

	if (redis_parse_url(conf->redis_url, &a) != 0) {
		LOG_ERR("redis: REDIS_URL is not a redis:// or unix:// URL");
		return NULL;
	}
	c = a.path[0] ? redisConnectUnixWithTimeout(a.path,
	    redis_tv(conf->redis_connect_timeout)) :
	    redisConnectWithTimeout(a.host, a.port,
	    redis_tv(conf->redis_connect_timeout));
	if (c == NULL || c->err) {
		LOG_ERR("redis: connect failed: %s", c ? c->errstr : "no memory");
		redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, redis_tv(conf->redis_command_timeout));
	snprintf(db, sizeof db, "%d", a.db);
	if ((a.password[0] && redis_setup(c, "AUTH %s", a.password) != 0) ||
	    (a.db != 0 && redis_setup(c, "SELECT %s", db) != 0)) {
		redisFree(c);
		return NULL;
	}
	return c;
}

/* The live context, (re)connecting if due, or NULL. */
static redisContext *
redis_get(void)
{
	int64_t now = clock_mono_us();

	if (redis_ctx != NULL && redis_ctx->err == 0)
		return redis_ctx;
	redis_close();
	if (now < redis_retry_at)
		return NULL;
	if ((redis_ctx = redis_connect()) == NULL)
		redis_retry_at = now + conf->redis_retry_interval * 1000;
	return redis_ctx;
}

/* Run one command given as argv (lens NULL: C strings).  A connection
 * broken since its last use (a Redis restart) is reopened and the command
 * retried once; when that fails too, Redis counts as down for
 * REDIS_RETRY_INTERVAL.  Returns the reply (caller frees with
 * freeReplyObject()) or NULL. */
static redisReply *
redis_argv(int argc, const char **argv, const size_t *lens)
{
	redisContext *c;
	redisReply *r;
	int attempt, fresh;

	for (attempt = 0; attempt < 2; attempt++) {
		fresh = redis_ctx == NULL;
		if ((c = redis_get()) == NULL)
			return NULL;
		if ((r = redisCommandArgv(c, argc, argv, lens)) != NULL)
			return r;
		LOG_WARN("redis: %s failed: %s", argv[0], c->errstr);
		redis_close();
		if (fresh)
			break;
	}
	redis_retry_at = clock_mono_us() + conf->redis_retry_interval * 1000;
	return NULL;
}

int
redis_ping(double *ms)
{
	int64_t t0 = clock_mono_us();
	const char *argv[1] = { "PING" };
	redisReply *r = redis_argv(1, argv, NULL);
	int ok = r != NULL && r->type == REDIS_REPLY_STATUS;

	freeReplyObject(r);
	*ms = (double)(clock_mono_us() - t0) / 1000.0;
	return ok ? 0 : -1;
}

/* Run script s: EVALSHA, loading it when the server does not know it. */
static redisReply *
redis_script_run(struct redis_script *s, int nkeys, const char **args,
    int nargs)
{
	const char *v[16], *load[3] = { "SCRIPT", "LOAD", s->text };
	char n[8];
	redisReply *r;
	int i, attempt;

	if (nargs > 13)
		return NULL;
	snprintf(n, sizeof n, "%d", nkeys);
	for (attempt = 0; attempt < 2; attempt++) {
		if (s->sha[0] == '\0') {
			if ((r = redis_argv(3, load, NULL)) == NULL)
				return NULL;
			if (r->type == REDIS_REPLY_STRING && r->len == 40)
				memcpy(s->sha, r->str, 41);
			freeReplyObject(r);
			if (s->sha[0] == '\0')
				return NULL;
		}
		v[0] = "EVALSHA";
		v[1] = s->sha;
		v[2] = n;
		for (i = 0; i < nargs; i++)
			v[3 + i] = args[i];
		r = redis_argv(nargs + 3, v, NULL);
		if (r == NULL || r->type != REDIS_REPLY_ERROR ||
		    strncmp(r->str, "NOSCRIPT", 8) != 0)
			return r;
		freeReplyObject(r);
		s->sha[0] = '\0';	/* Redis restarted empty: load again */
	}
	return NULL;
}

int
redis_eval(struct redis_script *s, int nkeys, const char **argv, int argc,
    long long *out, int nout)
{
	redisReply *r = redis_script_run(s, nkeys, argv, argc);
	size_t i;
	int n = -1;

	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_INTEGER && nout > 0) {
		out[0] = r->integer;
		n = 1;
	} else if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0, n = 0; i < r->elements && n < nout; i++) {
			if (r->element[i]->type == REDIS_REPLY_INTEGER)
				out[n++] = r->element[i]->integer;
		}
	} else if (r->type == REDIS_REPLY_ERROR)
		LOG_ERR("redis: script error: %s", r->str);
	freeReplyObject(r);
	return n;
}

static struct redis_script redis_vget = { .text =
"local v = redis.call('GET', KEYS[1]) or '0'\n"
"local k = ARGV[1] .. ':' .. v .. ':' .. ARGV[2]\n"
"local val = redis.call('GET', k)\n"
"if not val then return {v} end\n"
"return {v, val, redis.call('TTL', k)}\n"
};

int
redis_cache_get(const char *nskey, const char *prefix, const char *suffix,
    long long *version, char **value, size_t *len, long *ttl)
{
	const char *argv[3] = { nskey, prefix, suffix };
	redisReply *r = redis_script_run(&redis_vget, 1, argv, 3);
	int rc = -1;

	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
	    r->element[0]->type == REDIS_REPLY_STRING) {
		*version = strtoll(r->element[0]->str, NULL, 10);
		rc = 0;
		if (r->elements == 3 && r->element[1]->type == REDIS_REPLY_STRING) {
			*value = xstrndup(r->element[1]->str, r->element[1]->len);
			*len = r->element[1]->len;
			*ttl = (long)r->element[2]->integer;
			rc = 1;
		}
	}
	freeReplyObject(r);
	return rc;
}

int
redis_cache_set(const char *key, const char *value, size_t len, long ttl)
{
	char ex[24];
	const char *argv[5] = { "SET", key, value, "EX", ex };
	size_t lens[5] = { 3, strlen(key), len, 2, 0 };
	redisReply *r;
	int ok;

	snprintf(ex, sizeof ex, "%ld", ttl);
	lens[4] = strlen(ex);
	if ((r = redis_argv(5, argv, lens)) == NULL)
		return -1;
	ok = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	return ok ? 0 : -1;
}

int
redis_set_nx(const char *key, const char *value, long ms)
{
	char px[24];
	const char *argv[6] = { "SET", key, value, "NX", "PX", px };
	redisReply *r;
	int rc;

	snprintf(px, sizeof px, "%ld", ms);
	if ((r = redis_argv(6, argv, NULL)) == NULL)
		return -1;
	rc = r->type == REDIS_REPLY_STATUS ? 1 : r->type == REDIS_REPLY_NIL ? 0 : -1;
	freeReplyObject(r);
	return rc;
}

static struct redis_script redis_incr_all = { .text =
"for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end\n"
"return #KEYS\n"
};

int
redis_incr_many(const char *const *keys, int n)
{
	long long out;

	return redis_eval(&redis_incr_all, n, (const char **)keys, n, &out, 1) == 1 ?
	    0 : -1;
}

int
redis_push_capped(const char *key, const char *value, long max)
{
	char stop[24];
	const char *push[3] = { "LPUSH", key, value };
	const char *trim[4] = { "LTRIM", key, "0", stop };
	redisReply *r;

	snprintf(stop, sizeof stop, "%ld", max - 1);
	if ((r = redis_argv(3, push, NULL)) == NULL)
		return -1;
	freeReplyObject(r);
	if ((r = redis_argv(4, trim, NULL)) == NULL)
		return -1;
	freeReplyObject(r);
	return 0;
}

int
redis_list(const char *key, long max, char ***items)
{
	char stop[24];
	const char *argv[4] = { "LRANGE", key, "0", stop };
	redisReply *r;
	size_t i;
	int n = 0;

	snprintf(stop, sizeof stop, "%ld", max - 1);
	*items = NULL;
	if ((r = redis_argv(4, argv, NULL)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0) {
		*items = xcalloc(r->elements, sizeof **items);
		for (i = 0; i < r->elements; i++) {
			if (r->element[i]->type == REDIS_REPLY_STRING)
				(*items)[n++] = xstrndup(r->element[i]->str,
				    r->element[i]->len);
		}
	}
	freeReplyObject(r);
	return n;
}

int
redis_del_many(const char *const *keys, int n)
{
	const char *argv[2] = { "DEL", NULL };
	redisReply *r;
	int i;

	for (i = 0; i < n; i++) {
		argv[1] = keys[i];
		if ((r = redis_argv(2, argv, NULL)) == NULL)
			return -1;
		freeReplyObject(r);
	}
	return 0;
}

int
redis_get_value(const char *key, char **value, size_t *len)
{
	const char *argv[2] = { "GET", key };
	redisReply *r = redis_argv(2, argv, NULL);
	int rc = 0;

	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_STRING) {
		*value = xstrndup(r->str, r->len);
		*len = r->len;
		rc = 1;
	}
	freeReplyObject(r);
	return rc;
}

void
redis_close(void)
{
	if (redis_ctx != NULL)
		redisFree(redis_ctx);
	redis_ctx = NULL;
}
