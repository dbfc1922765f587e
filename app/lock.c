/* lock.c -- SET NX PX with a random token, released by compare-and-delete. */
#include "config.h"

#include <stdio.h>

#include "lock.h"
#include "redis.h"
#include "rng.h"

static struct redis_script lock_cad = { .text =
"if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
"  return redis.call('DEL', KEYS[1])\n"
"end\n"
"return 0\n"
};

bool
lock_car(struct lock *l, const char *car)
{
	int rc;

	snprintf(l->key, sizeof l->key, "lock:v1:booking:car:%s", car);
	rng_id_hex(l->token);
	rc = redis_set_nx(l->key, l->token, 30000);
	l->held = rc == 1;
	return rc != 0;		/* Redis down (-1): proceed */
}

void
lock_release(struct lock *l)
{
	const char *argv[2] = { l->key, l->token };
	long long out;

	if (l->held)
		(void)redis_eval(&lock_cad, 1, argv, 2, &out, 1);
	l->held = false;
}
