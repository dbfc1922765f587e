/* redis.c -- Redis through hiredis, one connection per process (per
 * thread, where a process runs another). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
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
#include "metrics.h"
#include "redis.h"
#include "xmalloc.h"

/* Per thread: a worker's lease keeper thread has a connection of its own. */
static __thread redisContext	*redis_ctx;
/* The tracking connection (redis_track_*), per thread likewise. */
static __thread redisContext	*redis_track_ctx;

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

/* Parse the "?db=N&user=U&password=P" part of a unix:// URL. */
static int
redis_parse_query(char *q, struct redis_addr *a)
{
	char *pair, *save = NULL;

	for (pair = strtok_r(q, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if (strncmp(pair, "db=", 3) == 0)
			a->db = atoi(pair + 3);
		else if (strncmp(pair, "user=", 5) == 0) {
			if (redis_copy(a->user, sizeof a->user, pair + 5) != 0)
				return -1;
		} else if (strncmp(pair, "password=", 9) != 0 ||
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
		if (colon != NULL && colon > p) {	/* user:password@ (ACL) */
			*colon = '\0';
			if (redis_copy(a->user, sizeof a->user, p) != 0)
				return -1;
		}
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

/* AUTH user password (an ACL user).  Returns 0 or -1. */
static int
redis_auth_user(redisContext *c, const char *user, const char *password)
{
	redisReply *r = redisCommand(c, "AUTH %s %s", user, password);
	int ok = r != NULL && r->type != REDIS_REPLY_ERROR;

	if (r != NULL && !ok)
		LOG_ERR("redis: AUTH as %s failed: %s", user, r->str);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* Ask the sentinels of REDIS_SENTINELS ("host:port,...") in turn where
 * the master REDIS_SENTINEL_MASTER is now; write it into a.  Returns 0,
 * or -1 when none of them knows. */
static int
redis_sentinel_master(struct redis_addr *a)
{
	char list[1024], *tok, *save = NULL, *colon;
	redisContext *s;
	redisReply *r;
	int rc = -1;

	snprintf(list, sizeof list, "%s", conf->redis_sentinels);
	for (tok = strtok_r(list, ",", &save); tok != NULL && rc != 0;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if ((colon = strrchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		s = redisConnectWithTimeout(tok, atoi(colon + 1),
		    redis_tv(conf->redis_connect_timeout));
		if (s == NULL || s->err) {
			redisFree(s);
			continue;
		}
		redisSetTimeout(s, redis_tv(conf->redis_command_timeout));
		r = redisCommand(s, "SENTINEL get-master-addr-by-name %s",
		    conf->redis_sentinel_master);
		if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    redis_copy(a->host, sizeof a->host, r->element[0]->str) == 0) {
			a->port = atoi(r->element[1]->str);
			a->path[0] = '\0';
			rc = 0;
		}
		freeReplyObject(r);
		redisFree(s);
	}
	return rc;
}

/* True when c is connected to a master (a demoted one is a replica). */
static bool
redis_is_master(redisContext *c)
{
	redisReply *r = redisCommand(c, "ROLE");
	bool ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0;

	freeReplyObject(r);
	return ok;
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
	/* With sentinels, the master is where they say it is now; REDIS_URL
	 * still gives the password and database. */
	if (conf->redis_sentinels[0] != '\0' && redis_sentinel_master(&a) != 0) {
		LOG_ERR("redis: no sentinel of REDIS_SENTINELS knows master %s",
		    conf->redis_sentinel_master);
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
	if ((a.user[0] && redis_auth_user(c, a.user, a.password) != 0) ||
	    (!a.user[0] && a.password[0] && redis_setup(c, "AUTH %s", a.password) != 0) ||
	    (a.db != 0 && redis_setup(c, "SELECT %s", db) != 0) ||
	    (conf->redis_sentinels[0] != '\0' && !redis_is_master(c))) {
		redisFree(c);
		return NULL;
	}
	if (conf->redis_sentinels[0] != '\0')
		LOG_INFO("redis: master %s is at %s:%d", conf->redis_sentinel_master,
		    a.host, a.port);
	return c;
}

/* The circuit breaker: after REDIS_BREAKER_FAILURES consecutive failed
 * calls the circuit opens and calls fail at once for REDIS_BREAKER_OPEN
 * ms; the first call after that probes Redis (half open): success closes
 * the circuit, failure opens it again. */
static __thread struct {
	long	failures;
	int64_t	open_until;
} redis_breaker;

static bool
redis_breaker_allows(void)
{
	return redis_breaker.open_until == 0 ||
	    clock_mono_us() >= redis_breaker.open_until;
}

static void
redis_breaker_success(void)
{
	if (redis_breaker.failures >= conf->redis_breaker_failures)
		LOG_INFO("redis: reachable again, circuit closed");
	redis_breaker.failures = 0;
	redis_breaker.open_until = 0;
}

static void
redis_breaker_failure(void)
{
	if (++redis_breaker.failures < conf->redis_breaker_failures)
		return;
	if (redis_breaker.failures == conf->redis_breaker_failures)
		LOG_WARN("redis: %ld failures, circuit open", redis_breaker.failures);
	redis_breaker.open_until = clock_mono_us() +
	    conf->redis_breaker_open * 1000;
}

bool
redis_circuit_open(void)
{
	return !redis_breaker_allows();
}

/* The live context, connecting if needed, or NULL. */
static redisContext *
redis_get(void)
{
	if (redis_ctx != NULL && redis_ctx->err == 0)
		return redis_ctx;
	redis_close();
	redis_ctx = redis_connect();
	return redis_ctx;
}

/* One command of a round trip: argv (lens NULL: C strings). */
struct redis_cmd {
	int		 argc;
	const char	**argv;
	const size_t	*lens;
};

/* Whether a failed connection is worth one retry on a new one: the server
 * closed it (a restart), not a timeout. */
static bool
redis_retryable(const redisContext *c, int saved_errno)
{
	return c->err == REDIS_ERR_EOF || (c->err == REDIS_ERR_IO &&
	    saved_errno != EAGAIN && saved_errno != EWOULDBLOCK &&
	    saved_errno != ETIMEDOUT);
}

/* After a failover the old master comes back as a replica and refuses
 * writes (READONLY): drop the connection, so the next call asks the
 * sentinels again. */
static void
redis_check_demoted(redisReply **out, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (out[i] != NULL && out[i]->type == REDIS_REPLY_ERROR &&
		    strncmp(out[i]->str, "READONLY", 8) == 0) {
			LOG_WARN("redis: the server became a replica; asking the sentinels again");
			redis_close();
			return;
		}
}

/* Send n commands in one round trip and store their replies in out
 * (caller frees each with freeReplyObject()).  A connection broken since
 * its last use is reopened and the round trip retried once.  Returns 0,
 * or -1 when Redis is unreachable or the circuit is open. */
static int
redis_roundtrip(const struct redis_cmd *cmd, int n, redisReply **out)
{
	int64_t t0 = clock_mono_us();
	redisContext *c;
	int attempt, i, got, fresh, saved;

	if (!redis_breaker_allows())
		return -1;
	for (attempt = 0; attempt < 2; attempt++) {
		fresh = redis_ctx == NULL;
		if ((c = redis_get()) == NULL)
			break;
		for (i = 0; i < n; i++)
			redisAppendCommandArgv(c, cmd[i].argc, cmd[i].argv,
			    cmd[i].lens);
		for (got = 0; got < n; got++) {
			if (redisGetReply(c, (void **)&out[got]) != REDIS_OK)
				break;
		}
		if (got == n) {
			redis_breaker_success();
			metrics_redis(clock_mono_us() - t0, true);
			redis_check_demoted(out, n);
			return 0;
		}
		saved = errno;
		while (got > 0)
			freeReplyObject(out[--got]);
		LOG_WARN("redis: %s failed: %s", cmd[0].argv[0], c->errstr);
		if (fresh || !redis_retryable(c, saved)) {
			redis_close();
			break;
		}
		redis_close();
	}
	redis_breaker_failure();
	metrics_redis(clock_mono_us() - t0, false);
	return -1;
}

/* Run one command.  Returns the reply (caller frees) or NULL. */
static redisReply *
redis_argv(int argc, const char **argv, const size_t *lens)
{
	struct redis_cmd cmd = { argc, argv, lens };
	redisReply *r;

	return redis_roundtrip(&cmd, 1, &r) == 0 ? r : NULL;
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

/* Make sure the server knows script s (SCRIPT LOAD once per process and
 * after a restart).  Returns 0 or -1. */
static int
redis_script_load(struct redis_script *s)
{
	const char *load[3] = { "SCRIPT", "LOAD", s->text };
	redisReply *r;

	if (s->sha[0] != '\0')
		return 0;
	if ((r = redis_argv(3, load, NULL)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_STRING && r->len == 40)
		memcpy(s->sha, r->str, 41);
	else
		LOG_ERR("redis: SCRIPT LOAD failed");
	freeReplyObject(r);
	return s->sha[0] != '\0' ? 0 : -1;
}

static bool
redis_noscript(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0;
}

/* Flatten reply r into call->val: an integer or string, or the integer,
 * string and nil items of an array. */
static void
redis_call_store(struct redis_call *call, const redisReply *r)
{
	const redisReply *const *items = (const redisReply *const *)&r;
	size_t n = 1, i;
	struct redis_val *v;

	call->nval = 0;
	if (r->type == REDIS_REPLY_ERROR) {
		LOG_ERR("redis: script error: %s", r->str);
		call->nval = -1;
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY) {
		items = (const redisReply *const *)r->element;
		n = r->elements;
	}
	for (i = 0; i < n && call->nval < REDIS_CALL_VALS; i++) {
		v = &call->val[call->nval++];
		memset(v, 0, sizeof *v);
		if (items[i]->type == REDIS_REPLY_INTEGER) {
			v->type = REDIS_VAL_INT;
			v->i = items[i]->integer;
		} else if (items[i]->type == REDIS_REPLY_STRING ||
		    items[i]->type == REDIS_REPLY_STATUS) {
			v->type = REDIS_VAL_STR;
			v->s = xstrndup(items[i]->str, items[i]->len);
			v->len = items[i]->len;
			v->i = strtoll(v->s, NULL, 10);
		} else
			v->type = REDIS_VAL_NIL;
	}
}

int
redis_run(struct redis_call *calls, int n)
{
	struct redis_cmd cmd[REDIS_PIPELINE_MAX] = { { 0, NULL, NULL } };
	const char *argv[REDIS_PIPELINE_MAX][REDIS_CALL_ARGS + 3];
	char nkeys[REDIS_PIPELINE_MAX][8];
	redisReply *r[REDIS_PIPELINE_MAX];
	int i, j, rc = 0;

	for (i = 0; i < n; i++)
		calls[i].nval = -1;
	if (n <= 0 || n > REDIS_PIPELINE_MAX)
		return n == 0 ? 0 : -1;
	for (i = 0; i < n; i++) {
		if (calls[i].script == NULL) {	/* a plain command */
			cmd[i] = (struct redis_cmd){ calls[i].argc,
			    calls[i].argv, NULL };
			continue;
		}
		if (calls[i].argc > REDIS_CALL_ARGS ||
		    redis_script_load(calls[i].script) != 0)
			return -1;
		snprintf(nkeys[i], sizeof nkeys[i], "%d", calls[i].nkeys);
		argv[i][0] = "EVALSHA";
		argv[i][1] = calls[i].script->sha;
		argv[i][2] = nkeys[i];
		for (j = 0; j < calls[i].argc; j++)
			argv[i][3 + j] = calls[i].argv[j];
		cmd[i] = (struct redis_cmd){ calls[i].argc + 3, argv[i], NULL };
	}
	if (redis_roundtrip(cmd, n, r) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (calls[i].script != NULL && redis_noscript(r[i])) {
			/* Redis restarted empty: load and run this one again. */
			freeReplyObject(r[i]);
			calls[i].script->sha[0] = '\0';
			if (redis_script_load(calls[i].script) != 0 ||
			    redis_roundtrip(&cmd[i], 1, &r[i]) != 0) {
				rc = -1;
				continue;
			}
		}
		redis_call_store(&calls[i], r[i]);
		freeReplyObject(r[i]);
		if (calls[i].nval < 0)
			rc = -1;
	}
	return rc;
}

void
redis_call_free(struct redis_call *call)
{
	int i;

	for (i = 0; i < call->nval; i++)
		free(call->val[i].s);
	call->nval = -1;
}

int
redis_eval(struct redis_script *s, int nkeys, const char **argv, int argc,
    long long *out, int nout)
{
	struct redis_call call = { .script = s, .nkeys = nkeys, .argc = argc };
	int i, n = 0;

	if (argc > REDIS_CALL_ARGS)
		return -1;
	memcpy(call.argv, argv, (size_t)argc * sizeof *argv);
	if (redis_run(&call, 1) != 0)
		return -1;
	for (i = 0; i < call.nval && n < nout; i++) {
		if (call.val[i].type == REDIS_VAL_INT)
			out[n++] = call.val[i].i;
	}
	redis_call_free(&call);
	return n;
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

int
redis_blpop(const char *key, long ms)
{
	char secs[24];
	const char *argv[3] = { "BLPOP", key, secs };
	redisReply *r;
	int rc;

	if (ms < 1)
		ms = 1;
	snprintf(secs, sizeof secs, "%ld.%03ld", ms / 1000, ms % 1000);
	if (redis_ctx != NULL)	/* the wait plus the usual allowance */
		redisSetTimeout(redis_ctx, redis_tv(ms + conf->redis_command_timeout));
	r = redis_argv(3, argv, NULL);
	if (redis_ctx != NULL)
		redisSetTimeout(redis_ctx, redis_tv(conf->redis_command_timeout));
	if (r == NULL)
		return -1;
	rc = r->type == REDIS_REPLY_ARRAY ? 1 : r->type == REDIS_REPLY_NIL ? 0 : -1;
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
redis_send(int n, const int *argc, const char *const *const *argv)
{
	struct redis_cmd cmd[REDIS_PIPELINE_MAX] = { { 0, NULL, NULL } };
	redisReply *r[REDIS_PIPELINE_MAX];
	int i, rc = 0;

	if (n <= 0 || n > REDIS_PIPELINE_MAX)
		return n == 0 ? 0 : -1;
	for (i = 0; i < n; i++)
		cmd[i] = (struct redis_cmd){ argc[i], (const char **)argv[i], NULL };
	if (redis_roundtrip(cmd, n, r) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (r[i]->type == REDIS_REPLY_ERROR) {
			LOG_ERR("redis: %s: %s", argv[i][0], r[i]->str);
			rc = -1;
		}
		freeReplyObject(r[i]);
	}
	return rc;
}

/* Append the integer value of r (a number, a numeric string, nil as 0,
 * or an array of those) to out; returns the new count. */
static int
redis_ints_store(const redisReply *r, long long *out, int n, int nout)
{
	size_t i;

	if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < r->elements; i++)
			n = redis_ints_store(r->element[i], out, n, nout);
		return n;
	}
	if (n == nout)
		return n;
	out[n++] = r->type == REDIS_REPLY_INTEGER ? r->integer :
	    r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	return n;
}

int
redis_ints(int n, const int *argc, const char *const *const *argv,
    long long *out, int nout)
{
	struct redis_cmd *cmd;
	redisReply **r;
	int i, got = 0, sent;

	if (n <= 0 || n > REDIS_ROUNDTRIP_MAX)
		return n == 0 ? 0 : -1;
	cmd = xcalloc((size_t)n, sizeof *cmd);
	r = xcalloc((size_t)n, sizeof *r);
	for (i = 0; i < n; i++)
		cmd[i] = (struct redis_cmd){ argc[i], (const char **)argv[i], NULL };
	sent = redis_roundtrip(cmd, n, r) == 0;
	for (i = 0; sent && i < n; i++) {
		if (r[i]->type == REDIS_REPLY_ERROR) {
			LOG_ERR("redis: %s: %s", argv[i][0], r[i]->str);
			got = -1;
		} else if (got >= 0)
			got = redis_ints_store(r[i], out, got, nout);
		freeReplyObject(r[i]);
	}
	free(cmd);
	free(r);
	return sent ? got : -1;
}

int
redis_push_capped(const char *key, const char *value, long max)
{
	char stop[24];
	const char *push[3] = { "LPUSH", key, value };
	const char *trim[4] = { "LTRIM", key, "0", stop };
	const char *const *argv[2] = { push, trim };
	const int argc[2] = { 3, 4 };

	snprintf(stop, sizeof stop, "%ld", max - 1);
	return redis_send(2, argc, argv);
}

int
redis_list(const char *key, long max, char ***items)
{
	char stop[24];
	const char *argv[4] = { "LRANGE", key, "0", stop };

	snprintf(stop, sizeof stop, "%ld", max - 1);
	return redis_strings(4, argv, items);
}

int
redis_strings(int argc, const char **argv, char ***items)
{
	redisReply *r;
	size_t i;
	int n = 0;

	*items = NULL;
	if ((r = redis_argv(argc, argv, NULL)) == NULL)
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
	const char *argv[REDIS_CALL_ARGS + 1] = { "DEL" };
	const char *const *cmds[1] = { argv };
	int argc[1] = { n + 1 };

	if (n > REDIS_CALL_ARGS)
		return -1;
	memcpy(argv + 1, keys, (size_t)n * sizeof *keys);
	return redis_send(1, argc, cmds);
}

int
redis_get_value(const char *key, char **value, size_t *len)
{
	const char *argv[2] = { "GET", key };

	return redis_text(2, argv, value, len);
}

int
redis_text(int argc, const char **argv, char **value, size_t *len)
{
	redisReply *r = redis_argv(argc, argv, NULL);
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
	if (redis_ctx != NULL) {
		redisFree(redis_ctx);
		redis_track_close();	/* invalidations may be lost now */
	}
	redis_ctx = NULL;
}

/* Run one setup command of the tracking connection; returns its reply
 * (caller frees) unless it failed or is an error. */
static redisReply *
redis_track_setup(redisContext *c, int argc, const char **argv)
{
	redisReply *r = redisCommandArgv(c, argc, argv, NULL);

	if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		LOG_ERR("redis: tracking refused: %s", r->str);
		freeReplyObject(r);
		r = NULL;
	}
	return r;
}

int
redis_track_open(const char *const *prefixes, int n)
{
	const char *argv[6 + 2 * 4] = { "CLIENT", "TRACKING", "on", "REDIRECT",
	    NULL, "BCAST" };
	const char *id_argv[2] = { "CLIENT", "ID" };
	const char *sub_argv[2] = { "SUBSCRIBE", "__redis__:invalidate" };
	char id[24];
	redisContext *c;
	redisReply *r;
	int i;

	redis_track_close();
	if (n < 1 || n > 4 || !redis_breaker_allows() ||
	    (c = redis_connect()) == NULL)
		return -1;
	if ((r = redis_track_setup(c, 2, id_argv)) == NULL ||
	    r->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(r);
		redisFree(c);
		return -1;
	}
	snprintf(id, sizeof id, "%lld", r->integer);
	freeReplyObject(r);
	argv[4] = id;
	for (i = 0; i < n; i++) {
		argv[6 + 2 * i] = "PREFIX";
		argv[7 + 2 * i] = prefixes[i];
	}
	r = redis_track_setup(c, 6 + 2 * n, argv);
	freeReplyObject(r);
	if (r == NULL || (r = redis_track_setup(c, 2, sub_argv)) == NULL ||
	    r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		redisFree(c);
		return -1;
	}
	freeReplyObject(r);
	redis_track_ctx = c;
	return 0;
}

/* One pushed reply: "message", "__redis__:invalidate", then the keys (an
 * array) or nil (a flush).  Returns how many keys it reported. */
static int
redis_track_message(const redisReply *r,
    void (*fn)(const char *key, size_t len, void *arg), void *arg)
{
	const redisReply *keys;
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(r->element[0]->str, "message") != 0)
		return 0;	/* the subscription's confirmation */
	keys = r->element[2];
	if (keys->type != REDIS_REPLY_ARRAY) {
		fn(NULL, 0, arg);
		return 1;
	}
	for (i = 0; i < keys->elements; i++)
		if (keys->element[i]->type == REDIS_REPLY_STRING)
			fn(keys->element[i]->str, keys->element[i]->len, arg);
	return (int)keys->elements;
}

int
redis_track_drain(void (*fn)(const char *key, size_t len, void *arg),
    void *arg)
{
	struct pollfd p;
	redisReply *r;
	void *reply;
	int n = 0;

	if (redis_track_ctx == NULL)
		return -1;
	p.fd = redis_track_ctx->fd;
	p.events = POLLIN;
	while (poll(&p, 1, 0) == 1) {
		/* Readable (or closed): one read cannot block. */
		if (redisBufferRead(redis_track_ctx) != REDIS_OK)
			goto broken;
		for (;;) {
			if (redisGetReplyFromReader(redis_track_ctx, &reply) !=
			    REDIS_OK)
				goto broken;
			if ((r = reply) == NULL)
				break;
			n += redis_track_message(r, fn, arg);
			freeReplyObject(r);
		}
	}
	return n;
broken:
	LOG_WARN("redis: the tracking connection broke: %s",
	    redis_track_ctx->errstr[0] ? redis_track_ctx->errstr : "closed");
	redis_track_close();
	return -1;
}

bool
redis_track_is_open(void)
{
	return redis_track_ctx != NULL;
}

void
redis_track_close(void)
{
	if (redis_track_ctx != NULL)
		redisFree(redis_track_ctx);
	redis_track_ctx = NULL;
}

int
redis_scan(const char *cursor, const char *match, char **next, char ***keys)
{
	const char *argv[6] = { "SCAN", cursor, "MATCH", match, "COUNT", "1000" };
	redisReply *r, *k;
	size_t i;
	int n = 0;

	*next = NULL;
	*keys = NULL;
	if ((r = redis_argv(6, argv, NULL)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		LOG_ERR("redis: SCAN: %s", r->type == REDIS_REPLY_ERROR ? r->str :
		    "an unexpected reply");
		freeReplyObject(r);
		return -1;
	}
	*next = xstrndup(r->element[0]->str, r->element[0]->len);
	k = r->element[1];
	if (k->elements > 0)
		*keys = xcalloc(k->elements, sizeof **keys);
	for (i = 0; i < k->elements; i++)
		if (k->element[i]->type == REDIS_REPLY_STRING)
			(*keys)[n++] = xstrndup(k->element[i]->str, k->element[i]->len);
	freeReplyObject(r);
	return n;
}
