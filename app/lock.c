/* lock.c -- a per-car lock in Redis with a FIFO queue and direct hand-over.
 *
 * Keys: the lock (the holder's random token, PX), the queue of waiting
 * tokens (a list), and one wake-up list per waiter.  Taking it and queueing
 * behind it are one script; releasing it hands it to the first waiter
 * (who is woken by a push on its own list: BLPOP, no polling) or deletes
 * it.  A waiter that gives up leaves the queue in one script, which also
 * tells it whether the lock was handed to it meanwhile. */
#include "config.h"

#include <stdio.h>

#include "lock.h"
#include "redis.h"
#include "rng.h"

#define LOCK_LEASE_MS	30000	/* a holder that dies frees the car then */
#define LOCK_WAKE	"lock:v1:booking:wake:"

/* KEYS: lock, queue; ARGV: token, lease ms.  1: taken; 0: queued. */
static struct redis_script lock_take = { .text =
"if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
"  return 1\n"
"end\n"
"redis.call('RPUSH', KEYS[2], ARGV[1])\n"
"redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[2]))\n"
"return 0\n"
};

/* KEYS: lock, queue; ARGV: token, lease ms, wake-up key prefix.  Hands
 * the lock to the first waiter (2), or deletes it (1); 0 when not ours. */
static struct redis_script lock_give = { .text =
"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
"local nxt = redis.call('LPOP', KEYS[2])\n"
"if not nxt then\n"
"  redis.call('DEL', KEYS[1])\n"
"  return 1\n"
"end\n"
"redis.call('SET', KEYS[1], nxt, 'PX', ARGV[2])\n"
"redis.call('RPUSH', ARGV[3] .. nxt, '1')\n"
"redis.call('PEXPIRE', ARGV[3] .. nxt, 10000)\n"
"return 2\n"
};

/* KEYS: lock, queue; ARGV: token.  Leaves the queue; 1 when the lock was
 * handed over to token meanwhile. */
static struct redis_script lock_leave = { .text =
"redis.call('LREM', KEYS[2], 0, ARGV[1])\n"
"if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end\n"
"return 0\n"
};

bool
lock_car(struct lock *l, const char *car, long wait_ms)
{
	const char *argv[4] = { l->key, l->queue, l->token, "30000" };
	char wake[96];
	long long out = 0;

	snprintf(l->key, sizeof l->key, "lock:v1:booking:car:%s", car);
	snprintf(l->queue, sizeof l->queue, "lock:v1:booking:car:%s:queue", car);
	rng_id_hex(l->token);
	l->held = l->waited = false;
	if (redis_eval(&lock_take, 2, argv, 4, &out, 1) != 1)
		return false;		/* Redis down: the database waits */
	if (out == 1)
		return l->held = true;
	l->waited = true;
	snprintf(wake, sizeof wake, LOCK_WAKE "%s", l->token);
	if (redis_blpop(wake, wait_ms) == 1)
		return l->held = true;
	/* Not handed over in time (or Redis failed): leave the queue, unless
	 * the hand-over raced with the timeout. */
	out = 0;
	if (redis_eval(&lock_leave, 2, argv, 3, &out, 1) == 1 && out == 1)
		l->held = true;
	return l->held;
}

void
lock_release(struct lock *l)
{
	const char *argv[5] = { l->key, l->queue, l->token, "30000", LOCK_WAKE };
	long long out;

	if (l->held)
		(void)redis_eval(&lock_give, 2, argv, 5, &out, 1);
	l->held = false;
}
