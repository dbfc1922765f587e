/* test_rltable.c -- the host's rate-limit table: slots, reuse, exactness
 * across processes. */
#include "config.h"

#include "test_common.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ratelimit.h"
#include "rltable.h"

#define SLOTS	64
#define SEC	1000000LL

static char path[64];
static struct rltable *t;

static int
setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/exodrive-rltable-test-%d", (int)getpid());
	unlink(path);
	t = rltable_open(path, SLOTS);
	return t != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rltable_close(t);
	unlink(path);
	return 0;
}

/* limit per 60 s */
static struct rltable_charge
charge_of(long limit)
{
	struct rltable_charge c = { .period = 60 * SEC,
	    .interval = 60 * SEC / limit };

	return c;
}

static void
rltable_charge__new_identity__admits_exactly_limit_at_one_instant(void **state)
{
	struct rltable_charge c = charge_of(10);
	int64_t now = 1000 * SEC;
	int i, ok = 0;

	(void)state;
	for (i = 0; i < 15; i++)
		ok += rltable_charge(t, 12345, now, &c) == RLTABLE_ALLOW;
	assert_int_equal(ok, 10);
	assert_int_equal(rltable_used(t), 1);
	/* one interval later, one more */
	assert_int_equal(rltable_charge(t, 12345, now + 6 * SEC, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, 12345, now + 6 * SEC, &c), RLTABLE_DENY);
}

static void
rltable_charge__same_home__probes_to_the_next_slot(void **state)
{
	struct rltable_charge c = charge_of(2);
	int64_t now = 1000 * SEC;
	uint64_t a = 7, b = 7 + SLOTS, d = 7 + 2 * SLOTS;	/* one home */

	(void)state;
	assert_int_equal(rltable_charge(t, a, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, b, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, d, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_used(t), 3);
	/* each keeps its own bucket */
	assert_int_equal(rltable_charge(t, b, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, b, now, &c), RLTABLE_DENY);
	assert_int_equal(rltable_charge(t, a, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, d, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, a, now, &c), RLTABLE_DENY);
}

static void
rltable_charge__window_full_of_live_buckets__full_and_counted(void **state)
{
	struct rltable_charge c = charge_of(1);
	int64_t now = 1000 * SEC;
	uint64_t i;

	(void)state;
	for (i = 0; i < RLTABLE_WINDOW; i++)
		assert_int_equal(rltable_charge(t, 3 + i * SLOTS, now, &c),
		    RLTABLE_ALLOW);
	assert_int_equal(rltable_full_count(t), 0);
	assert_int_equal(rltable_charge(t, 3 + i * SLOTS, now, &c), RLTABLE_FULL);
	assert_int_equal(rltable_full_count(t), 1);
	/* the ones inside still decide */
	assert_int_equal(rltable_charge(t, 3, now, &c), RLTABLE_DENY);
}

static void
rltable_charge__stale_slots__reused_by_new_identities(void **state)
{
	struct rltable_charge c = charge_of(1);
	int64_t now = 1000 * SEC;
	uint64_t i;

	(void)state;
	for (i = 0; i < RLTABLE_WINDOW; i++)
		assert_int_equal(rltable_charge(t, 3 + i * SLOTS, now, &c),
		    RLTABLE_ALLOW);
	/* a minute later every bucket is full again: its slot is free */
	now += 61 * SEC;
	assert_int_equal(rltable_charge(t, 3 + 100 * SLOTS, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, 3 + 100 * SLOTS, now, &c), RLTABLE_DENY);
	assert_int_equal(rltable_full_count(t), 0);
	assert_int_equal(rltable_used(t), RLTABLE_WINDOW);
	/* the identity it replaced starts with a full bucket elsewhere */
	assert_int_equal(rltable_charge(t, 3, now, &c), RLTABLE_ALLOW);
}

static void
rltable_refund__after_a_charge__gives_the_request_back(void **state)
{
	struct rltable_charge c = charge_of(1);
	int64_t now = 1000 * SEC;

	(void)state;
	assert_int_equal(rltable_charge(t, 99, now, &c), RLTABLE_ALLOW);
	rltable_refund(t, 99, c.interval);
	assert_int_equal(rltable_charge(t, 99, now, &c), RLTABLE_ALLOW);
	assert_int_equal(rltable_charge(t, 99, now, &c), RLTABLE_DENY);
	assert_true(rltable_reset(t, 99, now));
	assert_int_equal(rltable_charge(t, 99, now, &c), RLTABLE_ALLOW);
	assert_false(rltable_reset(t, 98, now));
}

static void
rltable_override__set_get_del__factor_until_it_expires(void **state)
{
	int64_t now = 5000;

	(void)state;
	assert_int_equal(rltable_override_get(t, 42, now), -1);
	assert_int_equal(rltable_override_set(t, 42, 3, now + 600), 0);
	assert_int_equal(rltable_override_set(t, 42 + RLTABLE_OVERRIDES, 0, now + 600), 0);
	assert_int_equal(rltable_override_get(t, 42, now), 3);
	assert_int_equal(rltable_override_get(t, 42 + RLTABLE_OVERRIDES, now), 0);
	assert_int_equal(rltable_override_get(t, 42, now + 600), -1);
	rltable_override_del(t, 42);
	assert_int_equal(rltable_override_get(t, 42, now), -1);
	assert_int_equal(rltable_override_get(t, 42 + RLTABLE_OVERRIDES, now), 0);
	assert_true(rltable_overrides_claim(t));
	rltable_overrides_loaded(t, true);
	assert_false(rltable_overrides_claim(t));
}

static void
rltable_ring__push_take__oldest_first(void **state)
{
	char out[RLTABLE_RING][RLTABLE_RING_TEXT], big[RLTABLE_RING_TEXT + 10];
	int64_t since;
	int i;

	(void)state;
	assert_int_equal(rltable_ring_push(t, "one", 7), 1);
	assert_int_equal(rltable_ring_push(t, "two", 8), 2);
	assert_int_equal(rltable_ring_count(t, &since), 2);
	assert_int_equal(since, 7);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(rltable_ring_push(t, big, 9), -1);
	assert_int_equal(rltable_ring_take(t, out, RLTABLE_RING), 2);
	assert_string_equal(out[0], "one");
	assert_string_equal(out[1], "two");
	assert_int_equal(rltable_ring_count(t, NULL), 0);
	for (i = 0; i < RLTABLE_RING; i++)
		assert_int_equal(rltable_ring_push(t, "v", 1), i + 1);
	assert_int_equal(rltable_ring_push(t, "v", 1), 0);	/* full */
}

static void
rltable_open__another_size__refused(void **state)
{
	(void)state;
	assert_null(rltable_open(path, SLOTS * 2));
}

/* PROCS processes charge each of ROUNDS new identities ATTEMPTS times at
 * once (the same instant: no refill); exactly LIMIT pass per identity. */
#define PROCS		8
#define ATTEMPTS	40
#define ROUNDS		20
#define LIMIT		50

static void
rltable_charge__forked_processes__exactly_limit_per_identity(void **state)
{
	int *shared = mmap(NULL, sizeof(int) * (ROUNDS + 1), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct rltable_charge c = charge_of(LIMIT);
	int64_t now = 2000 * SEC;
	pid_t pid[PROCS];
	int p, r, i, st, ok;

	(void)state;
	assert_ptr_not_equal(shared, MAP_FAILED);
	memset(shared, 0, sizeof(int) * (ROUNDS + 1));
	for (p = 0; p < PROCS; p++) {
		if ((pid[p] = fork()) == 0) {
			struct rltable *mine = rltable_open(path, SLOTS);

			while (!__atomic_load_n(&shared[ROUNDS], __ATOMIC_ACQUIRE))
				;
			for (r = 0; r < ROUNDS; r++) {
				for (i = ok = 0; i < ATTEMPTS; i++)
					ok += rltable_charge(mine, 1000 + (uint64_t)r,
					    now, &c) == RLTABLE_ALLOW;
				__atomic_fetch_add(&shared[r], ok, __ATOMIC_RELAXED);
			}
			st = mine != NULL ? 0 : 1;
			rltable_close(mine);	/* no leak for memcheck to count */
			_exit(st);
		}
	}
	__atomic_store_n(&shared[ROUNDS], 1, __ATOMIC_RELEASE);
	for (p = 0; p < PROCS; p++) {
		assert_int_equal(waitpid(pid[p], &st, 0), pid[p]);
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	for (r = 0; r < ROUNDS; r++)
		assert_int_equal(shared[r], LIMIT);
	assert_int_equal(rltable_used(t), ROUNDS);
	assert_int_equal(rltable_full_count(t), 0);
	munmap(shared, sizeof(int) * (ROUNDS + 1));
}

/* The same while the identities' slots are stale ones being reused. */
static void
rltable_charge__forked_processes_reusing_stale_slots__exact(void **state)
{
	int *shared = mmap(NULL, sizeof(int) * (ROUNDS + 1), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct rltable_charge c = charge_of(LIMIT);
	int64_t now = 2000 * SEC;
	pid_t pid[PROCS];
	int p, r, i, st, ok;
	uint64_t k;

	(void)state;
	memset(shared, 0, sizeof(int) * (ROUNDS + 1));
	for (k = 0; k < SLOTS; k++)	/* every slot taken, stale by now + 61 s */
		(void)rltable_charge(t, 5000 + k, now, &c);
	assert_int_equal(rltable_used(t), SLOTS);
	now += 61 * SEC;
	for (p = 0; p < PROCS; p++) {
		if ((pid[p] = fork()) == 0) {
			while (!__atomic_load_n(&shared[ROUNDS], __ATOMIC_ACQUIRE))
				;
			for (r = 0; r < ROUNDS; r++) {
				for (i = ok = 0; i < ATTEMPTS; i++)
					ok += rltable_charge(t, 9000 + (uint64_t)r,
					    now, &c) == RLTABLE_ALLOW;
				__atomic_fetch_add(&shared[r], ok, __ATOMIC_RELAXED);
			}
			_exit(0);
		}
	}
	__atomic_store_n(&shared[ROUNDS], 1, __ATOMIC_RELEASE);
	for (p = 0; p < PROCS; p++)
		assert_int_equal(waitpid(pid[p], &st, 0), pid[p]);
	for (r = 0; r < ROUNDS; r++)
		assert_int_equal(shared[r], LIMIT);
	munmap(shared, sizeof(int) * (ROUNDS + 1));
}

static void
ratelimit_store_local__auto__local_only_for_a_redis_on_this_host(void **state)
{
	static const struct { const char *url, *sentinels; long store; bool local; }
	    cases[] = {
		{ "unix:///run/redis/redis.sock", "", RATE_STORE_AUTO, true },
		{ "redis://127.0.0.1:6379/0", "", RATE_STORE_AUTO, true },
		{ "redis://localhost/0", "", RATE_STORE_AUTO, true },
		{ "redis://10.0.0.5:6379/0", "", RATE_STORE_AUTO, false },
		{ "redis://127.0.0.1:6379/0", "10.0.0.7:26379", RATE_STORE_AUTO, false },
		{ "redis://10.0.0.5:6379/0", "", RATE_STORE_LOCAL, true },
		{ "unix:///run/redis/redis.sock", "", RATE_STORE_REDIS, false },
	};
	struct conf c[sizeof cases / sizeof cases[0]];
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&c[i], 0, sizeof c[i]);
		assert_int_equal(conf_load(&c[i], NULL, err, sizeof err), 0);
		free(c[i].redis_url);
		free(c[i].redis_sentinels);
		c[i].redis_url = strdup(cases[i].url);
		c[i].redis_sentinels = strdup(cases[i].sentinels);
		c[i].rate_limit_store = cases[i].store;
		conf = &c[i];
		assert_int_equal(ratelimit_store_local(), cases[i].local);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		conf_free(&c[i]);
	conf = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rltable_charge__new_identity__admits_exactly_limit_at_one_instant, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_charge__same_home__probes_to_the_next_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_charge__window_full_of_live_buckets__full_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_charge__stale_slots__reused_by_new_identities, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_refund__after_a_charge__gives_the_request_back, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_override__set_get_del__factor_until_it_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_ring__push_take__oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_open__another_size__refused, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_charge__forked_processes__exactly_limit_per_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(rltable_charge__forked_processes_reusing_stale_slots__exact, setup, teardown),
		cmocka_unit_test(ratelimit_store_local__auto__local_only_for_a_redis_on_this_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
