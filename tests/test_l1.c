/* test_l1.c -- the first-level cache without Redis: the tracking
 * connection's open, state and drain are the test's fakes
 * (-Wl,--wrap), which hand over the invalidations a test queues. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "test_common.h"

#include "conf.h"
#include "l1.h"

static struct conf c;
static bool track_open, track_refuse, track_break;
static int opens;
static const char *queued[8];	/* invalidations for the next drain */
static int nqueued;

int __wrap_redis_track_open(const char *const *prefixes, int n);
int __wrap_redis_track_drain(void (*fn)(const char *, size_t, void *), void *arg);
bool __wrap_redis_track_is_open(void);

int
__wrap_redis_track_open(const char *const *prefixes, int n)
{
	assert_int_equal(n, 2);
	assert_string_equal(prefixes[0], "c:v2:");
	assert_string_equal(prefixes[1], "ns:v1:");
	opens++;
	if (track_refuse)
		return -1;
	track_open = true;
	return 0;
}

int
__wrap_redis_track_drain(void (*fn)(const char *, size_t, void *), void *arg)
{
	int i, n = nqueued;

	if (!track_open)
		return -1;
	if (track_break) {
		track_open = false;
		return -1;
	}
	for (i = 0; i < nqueued; i++)
		fn(queued[i], queued[i] ? strlen(queued[i]) : 0, arg);
	nqueued = 0;
	return n;
}

bool
__wrap_redis_track_is_open(void)
{
	return track_open;
}

#define FLEET	"c:v2:fleet:all:0123abcd"
#define CAR	"c:v2:car:c1:4567ef01"
#define CAR2	"c:v2:car:c2:89ab2345"
#define NOW	1000L

static void
put(const char *key, const char *value)
{
	l1_put(key, value, strlen(value), NOW + 60, l1_epoch());
}

static bool
has(const char *key)
{
	size_t len;

	return l1_get(key, NOW, &len) != NULL;
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	c.l1_max_bytes = 64 * 1024;
	conf = &c;
	track_open = track_refuse = track_break = false;
	opens = nqueued = 0;
	l1_clear();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	l1_clear();
	track_open = false;
	conf_free(&c);
	return 0;
}

/* Open the fake connection: the first sync after a closed one. */
static void
ready(void)
{
	track_open = false;
	nqueued = 0;
	/* A closed connection is retried at most once a second; a test's
	 * earlier attempt may be recent, so open it directly. */
	if (!l1_sync()) {
		track_open = true;
		assert_true(l1_sync());
	}
}

static void
l1_get__stored_and_fresh__returns_the_entry(void **state)
{
	const char *v;
	size_t len;

	(void)state;
	ready();
	put(FLEET, "1|1060|tag|[1,2]");
	v = l1_get(FLEET, NOW, &len);
	assert_non_null(v);
	assert_int_equal(len, 16);
	assert_memory_equal(v, "1|1060|tag|[1,2]", 16);
	assert_null(l1_get(CAR, NOW, &len));
	assert_int_equal(l1_count(), 1);
}

static void
l1_get__past_fresh_until__misses_and_forgets(void **state)
{
	size_t len;

	(void)state;
	ready();
	l1_put(FLEET, "x", 1, NOW + 5, l1_epoch());
	assert_non_null(l1_get(FLEET, NOW + 4, &len));
	assert_null(l1_get(FLEET, NOW + 5, &len));
	assert_int_equal(l1_count(), 0);
}

static void
l1_invalidate__version_of_a_scope__drops_only_that_scope(void **state)
{
	(void)state;
	ready();
	put(FLEET, "a");
	put(CAR, "b");
	put(CAR2, "c");
	queued[nqueued++] = "ns:v1:car:c1";
	assert_true(l1_sync());
	assert_false(has(CAR));
	assert_true(has(CAR2));
	assert_true(has(FLEET));
	queued[nqueued++] = "ns:v1:fleet:all";
	assert_true(l1_sync());
	assert_false(has(FLEET));
	assert_true(has(CAR2));
}

static void
l1_invalidate__an_entry_key__drops_that_entry(void **state)
{
	(void)state;
	ready();
	put(CAR, "b");
	put(CAR2, "c");
	queued[nqueued++] = CAR2;
	assert_true(l1_sync());
	assert_true(has(CAR));
	assert_false(has(CAR2));
}

static void
l1_invalidate__flush__drops_everything(void **state)
{
	(void)state;
	ready();
	put(FLEET, "a");
	put(CAR, "b");
	queued[nqueued++] = NULL;
	assert_true(l1_sync());
	assert_int_equal(l1_count(), 0);
	assert_int_equal(l1_bytes(), 0);
}

static void
l1_put__invalidation_during_the_fetch__does_not_store(void **state)
{
	uint64_t epoch;

	(void)state;
	ready();
	epoch = l1_epoch();		/* the fetch begins */
	queued[nqueued++] = "ns:v1:car:c1";
	assert_true(l1_sync());		/* an invalidation arrives meanwhile */
	l1_put(CAR, "old", 3, NOW + 60, epoch);
	assert_false(has(CAR));
	epoch = l1_epoch();		/* a fetch with nothing in between */
	l1_put(CAR, "new", 3, NOW + 60, epoch);
	assert_true(has(CAR));
}

static void
l1_sync__tracking_broke__drops_everything_and_stops_serving(void **state)
{
	uint64_t epoch;

	(void)state;
	ready();
	put(FLEET, "a");
	epoch = l1_epoch();
	track_break = true;
	assert_false(l1_sync());
	assert_int_equal(l1_count(), 0);
	l1_put(FLEET, "a", 1, NOW + 60, epoch);	/* a fill under way */
	assert_int_equal(l1_count(), 0);
	/* Not reopened within the second. */
	track_break = false;
	opens = 0;
	assert_false(l1_sync());
	assert_int_equal(opens, 0);
}

static void
l1_sync__refused_open__is_not_usable(void **state)
{
	(void)state;
	track_open = false;
	track_refuse = true;
	opens = 0;
	/* Whether the attempt is due or not, nothing is usable. */
	assert_false(l1_sync());
	assert_true(opens <= 1);
}

static void
l1_put__over_the_bound__evicts_the_least_recently_used(void **state)
{
	char key[64], value[4096];
	int i;

	(void)state;
	ready();
	memset(value, 'x', sizeof value);
	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "c:v2:car:c%d:ffff", i);
		l1_put(key, value, sizeof value, NOW + 60, l1_epoch());
		if (i == 1)
			assert_true(has("c:v2:car:c0:ffff"));	/* c0 now newest */
	}
	assert_true(l1_bytes() <= (size_t)c.l1_max_bytes);
	assert_true(l1_count() < 40);
	assert_true(has("c:v2:car:c39:ffff"));
	assert_false(has("c:v2:car:c1:ffff"));	/* the oldest went first */
}

static void
l1_put__one_answer_over_a_quarter__is_not_stored(void **state)
{
	static char value[20000];

	(void)state;
	ready();
	memset(value, 'x', sizeof value);
	l1_put(CAR, value, sizeof value, NOW + 60, l1_epoch());
	assert_int_equal(l1_count(), 0);
}

static void
l1_sync__turned_off__is_not_usable(void **state)
{
	(void)state;
	c.l1_max_bytes = 0;
	track_open = true;
	assert_false(l1_sync());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(l1_get__stored_and_fresh__returns_the_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_get__past_fresh_until__misses_and_forgets, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_invalidate__version_of_a_scope__drops_only_that_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_invalidate__an_entry_key__drops_that_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_invalidate__flush__drops_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_put__invalidation_during_the_fetch__does_not_store, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_sync__tracking_broke__drops_everything_and_stops_serving, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_sync__refused_open__is_not_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_put__over_the_bound__evicts_the_least_recently_used, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_put__one_answer_over_a_quarter__is_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(l1_sync__turned_off__is_not_usable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
