/* queue.c -- the job queue scripts and their callers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "queue.h"
#include "redis.h"
#include "rng.h"

/* KEYS: id, ready, delayed, events, idem (or ""); ARGV: prefix, name,
 * data, priority, delay ms, attempts, backoff ms.  Returns {id, dup}. */
static struct redis_script queue_add_lua = { .text =
"if KEYS[5] ~= '' then\n"
"  local old = redis.call('GET', KEYS[5])\n"
"  if old then return {old, 1} end\n"
"end\n"
"local id = redis.call('INCR', KEYS[1])\n"
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"redis.call('HSET', ARGV[1] .. 'job:' .. id, 'name', ARGV[2], 'data', ARGV[3],\n"
"  'priority', ARGV[4], 'attempts', ARGV[6], 'backoff', ARGV[7], 'atm', 0,\n"
"  'stc', 0, 'timestamp', now)\n"
"if KEYS[5] ~= '' then redis.call('SET', KEYS[5], id, 'EX', 86400) end\n"
"local delay = tonumber(ARGV[5])\n"
"if delay > 0 then\n"
"  redis.call('ZADD', KEYS[3], now + delay, id)\n"
"else\n"
"  redis.call('ZADD', KEYS[2], tonumber(ARGV[4]) * 4294967296 + id, id)\n"
"end\n"
"redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'event', 'added', 'id', id)\n"
"return {tostring(id), 0}\n"
};

/* KEYS: ready, active, delayed, paused, events, limiter; ARGV: prefix,
 * lease ms, token, jobs per second (0: no limit).  Returns {} (none
 * ready), {'', ms} (rate limited for ms more) or {id, name, data, atm}.
 * The limiter is a fixed one-second window, like BullMQ's. */
static struct redis_script queue_fetch_lua = { .text =
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)\n"
"for _, id in ipairs(due) do\n"
"  local p = tonumber(redis.call('HGET', ARGV[1] .. 'job:' .. id, 'priority') or '0')\n"
"  redis.call('ZREM', KEYS[3], id)\n"
"  redis.call('ZADD', KEYS[1], p * 4294967296 + tonumber(id), id)\n"
"end\n"
"if redis.call('EXISTS', KEYS[4]) == 1 then return {} end\n"
"local max = tonumber(ARGV[4])\n"
"if max > 0 and tonumber(redis.call('GET', KEYS[6]) or '0') >= max then\n"
"  local ms = redis.call('PTTL', KEYS[6])\n"
"  if ms < 0 then redis.call('PEXPIRE', KEYS[6], 1000); ms = 1000 end\n"
"  return {'', tostring(ms)}\n"
"end\n"
"local top = redis.call('ZPOPMIN', KEYS[1])\n"
"if #top == 0 then return {} end\n"
"if max > 0 and redis.call('INCR', KEYS[6]) == 1 then\n"
"  redis.call('PEXPIRE', KEYS[6], 1000)\n"
"end\n"
"local id = top[1]\n"
"local job = ARGV[1] .. 'job:' .. id\n"
"redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)\n"
"redis.call('HSET', job, 'token', ARGV[3], 'processedOn', now)\n"
"redis.call('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'event', 'active', 'id', id)\n"
"local f = redis.call('HMGET', job, 'name', 'data', 'atm')\n"
"return {id, f[1] or '', f[2] or '', f[3] or '0'}\n"
};

/* KEYS: active, job; ARGV: id, token, lease ms.  Returns 1 or 0. */
static struct redis_script queue_beat_lua = { .text =
"if redis.call('HGET', KEYS[2], 'token') ~= ARGV[2] then return 0 end\n"
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])\n"
"return 1\n"
};

/* KEYS: job; ARGV: token, percent, stage.  Returns 1 or 0. */
static struct redis_script queue_progress_lua = { .text =
"if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end\n"
"redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'stage', ARGV[3])\n"
"return 1\n"
};

/* KEYS: active, job, completed, failed, delayed, events, stats; ARGV: id, token,
 * outcome (1 done, 0 retry, 2 permanent failure), error, jitter (0..1).
 * Returns 1, or 0 when the token is not the job's (the lease was lost). */
static struct redis_script queue_finish_lua = { .text =
"if redis.call('HGET', KEYS[2], 'token') ~= ARGV[2] or\n"
"   not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end\n"
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"redis.call('ZREM', KEYS[1], ARGV[1])\n"
"redis.call('HDEL', KEYS[2], 'token')\n"
"local atm = redis.call('HINCRBY', KEYS[2], 'atm', 1)\n"
"local function stat(what)\n"
"  local k = KEYS[7] .. ':' .. math.floor(now / 60000)\n"
"  if redis.call('HINCRBY', k, what, 1) == 1 then redis.call('EXPIRE', k, 172800) end\n"
"end\n"
"if ARGV[3] == '1' then\n"
"  redis.call('HSET', KEYS[2], 'finishedOn', now)\n"
"  redis.call('ZADD', KEYS[3], now, ARGV[1])\n"
"  if redis.call('ZCARD', KEYS[3]) > 1100 then\n"	/* trimmed by the hundred */
"    local pre = string.sub(KEYS[2], 1, #KEYS[2] - #ARGV[1])\n"
"    local old = redis.call('ZRANGE', KEYS[3], 0, -1001)\n"
"    for _, id in ipairs(old) do redis.call('DEL', pre .. id) end\n"
"    redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1001)\n"
"  end\n"
"  redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'event', 'completed', 'id', ARGV[1])\n"
"  stat('completed')\n"
"  return 1\n"
"end\n"
"redis.call('HSET', KEYS[2], 'failedReason', ARGV[4])\n"
"local max = tonumber(redis.call('HGET', KEYS[2], 'attempts') or '1')\n"
"if atm >= max or ARGV[3] == '2' then\n"
"  redis.call('HSET', KEYS[2], 'finishedOn', now, 'failure',\n"
"    ARGV[3] == '2' and 'permanent' or 'attempts')\n"
"  redis.call('ZADD', KEYS[4], now, ARGV[1])\n"
"  redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'event', 'failed', 'id', ARGV[1])\n"
"  stat('failed')\n"
"  return 1\n"
"end\n"
"local base = tonumber(redis.call('HGET', KEYS[2], 'backoff') or '1000')\n"
"local delay = base * 2 ^ (atm - 1)\n"
"delay = math.floor(delay + delay * 0.2 * tonumber(ARGV[5]))\n"
"redis.call('HSET', KEYS[2], 'retryDelay', delay)\n"
"redis.call('ZADD', KEYS[5], now + delay, ARGV[1])\n"
"redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'event', 'retry', 'id', ARGV[1])\n"
"stat('retried')\n"
"return 1\n"
};

/* KEYS: active, ready, failed, events, completed; ARGV: prefix, max
 * stalled.  Also drops completed jobs older than 7 days (up to 1000 a
 * run).  Returns how many stalled jobs moved. */
static struct redis_script queue_reap_lua = { .text =
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)\n"
"for _, id in ipairs(gone) do\n"
"  local job = ARGV[1] .. 'job:' .. id\n"
"  redis.call('ZREM', KEYS[1], id)\n"
"  redis.call('HDEL', job, 'token')\n"
"  local stc = redis.call('HINCRBY', job, 'stc', 1)\n"
"  if stc > tonumber(ARGV[2]) then\n"
"    redis.call('HSET', job, 'failedReason', 'stalled too often', 'finishedOn', now,\n"
"      'failure', 'stalled')\n"
"    redis.call('ZADD', KEYS[3], now, id)\n"
"  else\n"
"    local p = tonumber(redis.call('HGET', job, 'priority') or '0')\n"
"    redis.call('ZADD', KEYS[2], p * 4294967296 + tonumber(id), id)\n"
"  end\n"
"  redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'event', 'stalled', 'id', id)\n"
"end\n"
"local aged = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now - 7 * 86400000, 'LIMIT', 0, 1000)\n"
"for _, id in ipairs(aged) do\n"
"  redis.call('DEL', ARGV[1] .. 'job:' .. id)\n"
"  redis.call('ZREM', KEYS[5], id)\n"
"end\n"
"if #gone > 0 then\n"
"  local k = ARGV[1] .. 'stats:' .. math.floor(now / 60000)\n"
"  redis.call('HINCRBY', k, 'stalled', #gone)\n"
"  redis.call('EXPIRE', k, 172800)\n"
"end\n"
"return #gone\n"
};

const char *const queue_names[] = { "email", "webhook", "image", "report", NULL };

/* The key of part of queue q, e.g. "jq:{email}:ready". */
static void
queue_key(const char *q, const char *part, char *out, size_t len)
{
	if (snprintf(out, len, "jq:{%s}:%s", q, part) >= (int)len)
		out[len - 1] = '\0';	/* never: names and ids are short */
}

int
queue_add(const char *q, const char *name, const char *data,
    const struct queue_add_opts *o, char *id, bool *duplicate)
{
	char k[5][400], prefix[96], pr[24], delay[24], att[24], back[24], idem[320];
	struct redis_call call = { .script = &queue_add_lua, .nkeys = 5, .argc = 12 };
	int rc = -1;

	queue_key(q, "id", k[0], sizeof k[0]);
	queue_key(q, "ready", k[1], sizeof k[1]);
	queue_key(q, "delayed", k[2], sizeof k[2]);
	queue_key(q, "events", k[3], sizeof k[3]);
	if (o->idem_key != NULL) {
		snprintf(idem, sizeof idem, "idem:%s", o->idem_key);
		queue_key(q, idem, k[4], sizeof k[4]);
	} else
		k[4][0] = '\0';
	queue_key(q, "", prefix, sizeof prefix);
	snprintf(pr, sizeof pr, "%ld", o->priority);
	snprintf(delay, sizeof delay, "%ld", o->delay_ms);
	snprintf(att, sizeof att, "%ld", o->attempts > 0 ? o->attempts : 1);
	snprintf(back, sizeof back, "%ld", o->backoff_ms > 0 ? o->backoff_ms : 1000);
	call.argv[0] = k[0], call.argv[1] = k[1], call.argv[2] = k[2];
	call.argv[3] = k[3], call.argv[4] = k[4];
	call.argv[5] = prefix, call.argv[6] = name, call.argv[7] = data;
	call.argv[8] = pr, call.argv[9] = delay, call.argv[10] = att;
	call.argv[11] = back;
	if (redis_run(&call, 1) == 0 && call.nval == 2 &&
	    call.val[0].type == REDIS_VAL_STR) {
		snprintf(id, QUEUE_ID_LEN, "%s", call.val[0].s);
		*duplicate = call.val[1].i == 1;
		rc = 0;
	}
	redis_call_free(&call);
	return rc;
}

/* The strings of a fetch call. */
struct queue_fetch_args {
	char	k[6][160], prefix[96], lease[24], rate[24];
};

static void
queue_fetch_call(const char *q, const struct queue_take *t, struct queue_job *job,
    struct queue_fetch_args *a, struct redis_call *call)
{
	memset(job, 0, sizeof *job);
	memset(call, 0, sizeof *call);
	snprintf(job->queue, sizeof job->queue, "%s", q);
	queue_key(q, "ready", a->k[0], sizeof a->k[0]);
	queue_key(q, "active", a->k[1], sizeof a->k[1]);
	queue_key(q, "delayed", a->k[2], sizeof a->k[2]);
	queue_key(q, "paused", a->k[3], sizeof a->k[3]);
	queue_key(q, "events", a->k[4], sizeof a->k[4]);
	queue_key(q, "limiter", a->k[5], sizeof a->k[5]);
	queue_key(q, "", a->prefix, sizeof a->prefix);
	snprintf(a->lease, sizeof a->lease, "%ld", t->lease_ms);
	snprintf(a->rate, sizeof a->rate, "%ld", t->per_second);
	rng_hex(job->token, 16);	/* 32 hex characters */
	call->script = &queue_fetch_lua;
	call->nkeys = 6;
	call->argc = 10;
	call->argv[0] = a->k[0], call->argv[1] = a->k[1], call->argv[2] = a->k[2];
	call->argv[3] = a->k[3], call->argv[4] = a->k[4], call->argv[5] = a->k[5];
	call->argv[6] = a->prefix, call->argv[7] = a->lease;
	call->argv[8] = job->token, call->argv[9] = a->rate;
}

static int
queue_fetch_result(struct redis_call *call, struct queue_job *job)
{
	int rc = -1;

	if (call->nval >= 0) {
		rc = 0;
		if (call->nval == 2)
			job->limited_ms = (long)strtol(call->val[1].s ? call->val[1].s : "0",
			    NULL, 10);
		if (call->nval == 4) {
			snprintf(job->id, sizeof job->id, "%s", call->val[0].s);
			snprintf(job->name, sizeof job->name, "%s", call->val[1].s);
			job->data = call->val[2].s;
			call->val[2].s = NULL;
			job->attempts_made = (long)call->val[3].i;
			rc = 1;
		}
	}
	redis_call_free(call);
	return rc;
}

int
queue_fetch(const char *q, const struct queue_take *t, struct queue_job *job)
{
	struct queue_fetch_args a;
	struct redis_call call;

	queue_fetch_call(q, t, job, &a, &call);
	(void)redis_run(&call, 1);
	return queue_fetch_result(&call, job);
}

static int
queue_int_call(struct redis_call *call)
{
	int rc = redis_run(call, 1) == 0 && call->nval == 1 ? (int)call->val[0].i : -1;

	redis_call_free(call);
	return rc;
}

int
queue_heartbeat(const char *q, const struct queue_job *job, long lease_ms)
{
	char k[2][160], jobpart[64], lease[24];
	struct redis_call call = { .script = &queue_beat_lua, .nkeys = 2, .argc = 5 };

	queue_key(q, "active", k[0], sizeof k[0]);
	snprintf(jobpart, sizeof jobpart, "job:%s", job->id);
	queue_key(q, jobpart, k[1], sizeof k[1]);
	snprintf(lease, sizeof lease, "%ld", lease_ms);
	call.argv[0] = k[0], call.argv[1] = k[1];
	call.argv[2] = job->id, call.argv[3] = job->token, call.argv[4] = lease;
	return queue_int_call(&call);
}

int
queue_progress(const struct queue_job *job, int percent, const char *stage)
{
	char k[160], jobpart[64], pc[16];
	struct redis_call call = { .script = &queue_progress_lua, .nkeys = 1, .argc = 4 };

	snprintf(jobpart, sizeof jobpart, "job:%s", job->id);
	queue_key(job->queue, jobpart, k, sizeof k);
	snprintf(pc, sizeof pc, "%d", percent < 0 ? 0 : percent > 100 ? 100 : percent);
	call.argv[0] = k, call.argv[1] = job->token, call.argv[2] = pc;
	call.argv[3] = stage != NULL ? stage : "";
	return queue_int_call(&call);
}

/* The strings of a finish call. */
struct queue_finish_args {
	char	k[7][160], jobpart[64], jitter[24];
};

static void
queue_finish_call(const char *q, const struct queue_job *job,
    enum queue_outcome out, const char *error, struct queue_finish_args *a,
    struct redis_call *call)
{
	unsigned short r;

	memset(call, 0, sizeof *call);
	queue_key(q, "active", a->k[0], sizeof a->k[0]);
	snprintf(a->jobpart, sizeof a->jobpart, "job:%s", job->id);
	queue_key(q, a->jobpart, a->k[1], sizeof a->k[1]);
	queue_key(q, "completed", a->k[2], sizeof a->k[2]);
	queue_key(q, "failed", a->k[3], sizeof a->k[3]);
	queue_key(q, "delayed", a->k[4], sizeof a->k[4]);
	queue_key(q, "events", a->k[5], sizeof a->k[5]);
	queue_key(q, "stats", a->k[6], sizeof a->k[6]);
	rng_bytes(&r, sizeof r);
	snprintf(a->jitter, sizeof a->jitter, "%.4f", (double)(r % 10000) / 10000.0);
	call->script = &queue_finish_lua;
	call->nkeys = 7;
	call->argc = 12;
	call->argv[0] = a->k[0], call->argv[1] = a->k[1], call->argv[2] = a->k[2];
	call->argv[3] = a->k[3], call->argv[4] = a->k[4], call->argv[5] = a->k[5];
	call->argv[6] = a->k[6];
	call->argv[7] = job->id, call->argv[8] = job->token;
	call->argv[9] = out == QUEUE_DONE ? "1" : out == QUEUE_FAIL ? "2" : "0";
	call->argv[10] = error ? error : "";
	call->argv[11] = a->jitter;
}

int
queue_finish(const char *q, const struct queue_job *job, enum queue_outcome out,
    const char *error)
{
	struct queue_finish_args a;
	struct redis_call call;

	queue_finish_call(q, job, out, error, &a, &call);
	return queue_int_call(&call);
}

int
queue_finish_fetch(const char *q, const struct queue_job *job,
    enum queue_outcome out, const char *error, const struct queue_take *t,
    struct queue_job *next, int *fetched)
{
	struct queue_finish_args fa;
	struct queue_fetch_args ga;
	struct redis_call call[2];
	int rc;

	queue_finish_call(q, job, out, error, &fa, &call[0]);
	queue_fetch_call(q, t, next, &ga, &call[1]);
	(void)redis_run(call, 2);
	rc = call[0].nval == 1 ? (int)call[0].val[0].i : -1;
	redis_call_free(&call[0]);
	*fetched = queue_fetch_result(&call[1], next);
	return rc;
}

int
queue_reap(const char *q, long max_stalled)
{
	char k[5][160], prefix[96], max[24];
	struct redis_call call = { .script = &queue_reap_lua, .nkeys = 5, .argc = 7 };

	queue_key(q, "active", k[0], sizeof k[0]);
	queue_key(q, "ready", k[1], sizeof k[1]);
	queue_key(q, "failed", k[2], sizeof k[2]);
	queue_key(q, "events", k[3], sizeof k[3]);
	queue_key(q, "completed", k[4], sizeof k[4]);
	queue_key(q, "", prefix, sizeof prefix);
	snprintf(max, sizeof max, "%ld", max_stalled);
	call.argv[0] = k[0], call.argv[1] = k[1], call.argv[2] = k[2];
	call.argv[3] = k[3], call.argv[4] = k[4], call.argv[5] = prefix;
	call.argv[6] = max;
	return queue_int_call(&call);
}

int
queue_counts(const char *q, long counts[5])
{
	static const char *const parts[5] = { "ready", "active", "delayed",
	    "completed", "failed" };
	const char *argv[5][2];
	const char *const *cmds[5];
	char k[5][160];
	int argc[5], i;
	long long out[5];

	for (i = 0; i < 5; i++) {
		queue_key(q, parts[i], k[i], sizeof k[i]);
		argv[i][0] = "ZCARD";
		argv[i][1] = k[i];
		cmds[i] = argv[i];
		argc[i] = 2;
	}
	if (redis_ints(5, argc, cmds, out, 5) != 5)
		return -1;
	for (i = 0; i < 5; i++)
		counts[i] = (long)out[i];
	return 0;
}

long
queue_due(const char *q)
{
	char k[160], now[24];
	const char *argv[4] = { "ZCOUNT", k, "-inf", now };
	const char *const *cmds[1] = { argv };
	int argc[1] = { 4 };
	long long out;

	queue_key(q, "delayed", k, sizeof k);
	snprintf(now, sizeof now, "%lld", (long long)clock_wall_ms());
	return redis_ints(1, argc, cmds, &out, 1) == 1 ? (long)out : -1;
}

void
queue_job_free(struct queue_job *job)
{
	free(job->data);
	job->data = NULL;
}

/* KEYS: the state's zset; ARGV: prefix, start, stop, newest first (1/0).
 * Returns {total, JSON array of the jobs' summaries}. */
static struct redis_script queue_list_lua = { .text =
"local total = redis.call('ZCARD', KEYS[1])\n"
"local ids\n"
"if ARGV[4] == '1' then ids = redis.call('ZREVRANGE', KEYS[1], ARGV[2], ARGV[3])\n"
"else ids = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[3]) end\n"
"local out = {}\n"
"for _, id in ipairs(ids) do\n"
"  local f = redis.call('HMGET', ARGV[1] .. 'job:' .. id, 'name', 'atm', 'attempts',\n"
"    'failedReason', 'timestamp', 'processedOn', 'finishedOn', 'priority', 'progress',\n"
"    'stage', 'failure')\n"
"  out[#out + 1] = { id = tonumber(id), name = f[1], attemptsMade = tonumber(f[2] or '0'),\n"
"    attempts = tonumber(f[3] or '0'), failedReason = f[4], timestamp = tonumber(f[5]),\n"
"    processedOn = tonumber(f[6]), finishedOn = tonumber(f[7]), priority = tonumber(f[8]),\n"
"    progress = tonumber(f[9]), stage = f[10] or nil, failure = f[11] or nil }\n"
"end\n"
"if #out == 0 then return {total, '[]'} end\n"
"return {total, cjson.encode(out)}\n"
};

/* KEYS: job, ready, active, delayed, completed, failed; ARGV: id.
 * Returns the job as JSON (with its state), or nil. */
static struct redis_script queue_get_lua = { .text =
"if redis.call('EXISTS', KEYS[1]) == 0 then return false end\n"
"local h = redis.call('HGETALL', KEYS[1])\n"
"local job = { id = tonumber(ARGV[1]) }\n"
"for i = 1, #h, 2 do if h[i] ~= 'token' then job[h[i]] = h[i + 1] end end\n"
"local states = { 'ready', 'active', 'delayed', 'completed', 'failed' }\n"
"for i, s in ipairs(states) do\n"
"  if redis.call('ZSCORE', KEYS[i + 1], ARGV[1]) then job.state = s end\n"
"end\n"
"return cjson.encode(job)\n"
};

/* KEYS: failed, ready, job, events; ARGV: id.  A dead letter goes back to
 * ready with its attempts reset.  Returns 1, or 0 when not dead. */
static struct redis_script queue_retry_lua = { .text =
"if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end\n"
"redis.call('ZREM', KEYS[1], ARGV[1])\n"
"redis.call('HSET', KEYS[3], 'atm', 0, 'stc', 0)\n"
"redis.call('HDEL', KEYS[3], 'finishedOn', 'failedReason', 'failure', 'progress', 'stage')\n"
"local p = tonumber(redis.call('HGET', KEYS[3], 'priority') or '0')\n"
"redis.call('ZADD', KEYS[2], p * 4294967296 + tonumber(ARGV[1]), ARGV[1])\n"
"redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'event', 'retried', 'id', ARGV[1])\n"
"return 1\n"
};

/* KEYS: job, ready, active, delayed, completed, failed, events; ARGV: id.
 * Returns 1 removed, 0 unknown, 2 active (a worker holds it). */
static struct redis_script queue_remove_lua = { .text =
"if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 2 end\n"
"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
"for i = 2, 6 do redis.call('ZREM', KEYS[i], ARGV[1]) end\n"
"redis.call('DEL', KEYS[1])\n"
"redis.call('XADD', KEYS[7], 'MAXLEN', '~', 10000, '*', 'event', 'removed', 'id', ARGV[1])\n"
"return 1\n"
};

int
queue_list(const char *q, const char *state, long start, long stop,
    struct buf *json, long *total)
{
	char k[160], prefix[96], a[24], b[24];
	struct redis_call call = { .script = &queue_list_lua, .nkeys = 1, .argc = 5 };
	int rc = -1;

	queue_key(q, state, k, sizeof k);
	queue_key(q, "", prefix, sizeof prefix);
	snprintf(a, sizeof a, "%ld", start);
	snprintf(b, sizeof b, "%ld", stop);
	call.argv[0] = k, call.argv[1] = prefix, call.argv[2] = a, call.argv[3] = b;
	call.argv[4] = strcmp(state, "completed") == 0 || strcmp(state, "failed") == 0 ?
	    "1" : "0";
	if (redis_run(&call, 1) == 0 && call.nval == 2 && call.val[1].type == REDIS_VAL_STR) {
		*total = (long)call.val[0].i;
		buf_add(json, call.val[1].s, call.val[1].len);
		rc = 0;
	}
	redis_call_free(&call);
	return rc;
}

/* Fill keys with the job hash and the five state sets of job id. */
static void
queue_job_keys(const char *q, const char *id, char k[7][160])
{
	static const char *const parts[] = { "ready", "active", "delayed",
	    "completed", "failed", "events" };
	char jobpart[64];
	int i;

	snprintf(jobpart, sizeof jobpart, "job:%s", id);
	queue_key(q, jobpart, k[0], sizeof k[0]);
	for (i = 0; i < 6; i++)
		queue_key(q, parts[i], k[i + 1], sizeof k[i + 1]);
}

int
queue_get(const char *q, const char *id, struct buf *json)
{
	char k[7][160];
	struct redis_call call = { .script = &queue_get_lua, .nkeys = 6, .argc = 7 };
	int i, rc = -1;

	queue_job_keys(q, id, k);
	for (i = 0; i < 6; i++)
		call.argv[i] = k[i];
	call.argv[6] = id;
	if (redis_run(&call, 1) == 0) {
		rc = 0;
		if (call.nval == 1 && call.val[0].type == REDIS_VAL_STR) {
			buf_add(json, call.val[0].s, call.val[0].len);
			rc = 1;
		}
	}
	redis_call_free(&call);
	return rc;
}

int
queue_retry_dead(const char *q, const char *id)
{
	char k[7][160];
	struct redis_call call = { .script = &queue_retry_lua, .nkeys = 4, .argc = 5 };

	queue_job_keys(q, id, k);
	call.argv[0] = k[5], call.argv[1] = k[1], call.argv[2] = k[0];
	call.argv[3] = k[6], call.argv[4] = id;
	return queue_int_call(&call);
}

int
queue_remove(const char *q, const char *id)
{
	char k[7][160];
	struct redis_call call = { .script = &queue_remove_lua, .nkeys = 7, .argc = 8 };
	int i;

	queue_job_keys(q, id, k);
	for (i = 0; i < 7; i++)
		call.argv[i] = k[i];
	call.argv[7] = id;
	return queue_int_call(&call);
}

int
queue_pause(const char *q, bool paused)
{
	char k[160];
	const char *set[3] = { "SET", k, "1" }, *del[2] = { "DEL", k };
	const char *const *cmds[1] = { paused ? set : del };
	int argc[1] = { paused ? 3 : 2 };

	queue_key(q, "paused", k, sizeof k);
	return redis_send(1, argc, cmds);
}

int
queue_paused(const char *q)
{
	char k[160];
	const char *argv[2] = { "EXISTS", k };
	const char *const *cmds[1] = { argv };
	int argc[1] = { 2 };
	long long out;

	queue_key(q, "paused", k, sizeof k);
	return redis_ints(1, argc, cmds, &out, 1) == 1 ? (int)out : -1;
}

/* KEYS: the stats prefix; ARGV: minutes.  Returns a JSON array, oldest
 * minute first. */
static struct redis_script queue_stats_lua = { .text =
"local t = redis.call('TIME')\n"
"local m = math.floor(tonumber(t[1]) / 60)\n"
"local out = {}\n"
"for i = tonumber(ARGV[1]) - 1, 0, -1 do\n"
"  local f = redis.call('HMGET', KEYS[1] .. ':' .. (m - i), 'completed', 'failed',\n"
"    'retried', 'stalled')\n"
"  out[#out + 1] = { minute = (m - i) * 60, completed = tonumber(f[1] or '0'),\n"
"    failed = tonumber(f[2] or '0'), retried = tonumber(f[3] or '0'),\n"
"    stalled = tonumber(f[4] or '0') }\n"
"end\n"
"return cjson.encode(out)\n"
};

int
queue_stats(const char *q, long minutes, struct buf *json)
{
	char k[160], n[24];
	struct redis_call call = { .script = &queue_stats_lua, .nkeys = 1, .argc = 2 };
	int rc = -1;

	queue_key(q, "stats", k, sizeof k);
	snprintf(n, sizeof n, "%ld", minutes);
	call.argv[0] = k, call.argv[1] = n;
	if (redis_run(&call, 1) == 0 && call.nval == 1 && call.val[0].type == REDIS_VAL_STR) {
		buf_add(json, call.val[0].s, call.val[0].len);
		rc = 0;
	}
	redis_call_free(&call);
	return rc;
}
