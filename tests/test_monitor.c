/* test_monitor.c -- the monitor's figures of what users feel: route
 * families, p95 from the latency histogram, shares, and the snapshots
 * that turn the scoreboard's growing totals into a window. */
#include "config.h"

#include "test_common.h"

#include <math.h>
#include <stdio.h>

#include "metrics.h"
#include "monitor.h"
#include "route.h"

static void
monitor_family_of__api_path__first_segment_after_api(void **state)
{
	char f[32];

	(void)state;
	monitor_family_of("/api/cars/{carId}/reviews", f, sizeof f);
	assert_string_equal(f, "cars");
	monitor_family_of("/api/admin/bookings", f, sizeof f);
	assert_string_equal(f, "admin");
	monitor_family_of("/api/bookings", f, sizeof f);
	assert_string_equal(f, "bookings");
}

static void
monitor_family_of__outside_api_or_dotted__first_segment_cut_at_dot(void **state)
{
	char f[32];

	(void)state;
	monitor_family_of("/metrics", f, sizeof f);
	assert_string_equal(f, "metrics");
	monitor_family_of("/trpc/{procedures}", f, sizeof f);
	assert_string_equal(f, "trpc");
	monitor_family_of("/api/openapi.json", f, sizeof f);
	assert_string_equal(f, "openapi");
}

static void
monitor_family_of__no_route__none(void **state)
{
	char f[32];

	(void)state;
	monitor_family_of(NULL, f, sizeof f);
	assert_string_equal(f, "none");
}

static void
monitor_p95__empty_histogram__minus_one(void **state)
{
	uint64_t h[METRICS_BUCKETS + 1] = { 0 };

	(void)state;
	assert_true(monitor_p95(h) < 0);
}

static void
monitor_p95__all_in_first_bucket__interpolated_from_zero(void **state)
{
	uint64_t h[METRICS_BUCKETS + 1] = { 100 };

	(void)state;	/* rank 95 of 100 in [0, 0.5 ms] */
	assert_float_equal(monitor_p95(h), 0.475, 1e-9);
}

static void
monitor_p95__slow_tail__falls_in_the_slow_bucket(void **state)
{
	uint64_t h[METRICS_BUCKETS + 1] = { 0 };

	(void)state;
	h[1] = 90;	/* 0.5..1 ms */
	h[8] = 10;	/* 100..250 ms: rank 95 is the 5th of 10 */
	assert_float_equal(monitor_p95(h), 100 + 150 * 0.5, 1e-9);
}

static void
monitor_p95__tail_beyond_last_bound__infinity(void **state)
{
	uint64_t h[METRICS_BUCKETS + 1] = { 0 };

	(void)state;
	h[0] = 90;
	h[METRICS_BUCKETS] = 10;
	assert_true(isinf(monitor_p95(h)));
}

static void
monitor_share_ok__fewer_answers_than_min__passes(void **state)
{
	(void)state;
	assert_true(monitor_share_ok(19, 19, 1, 20));
}

static void
monitor_share_ok__above_pct__fails_and_at_pct__passes(void **state)
{
	(void)state;
	assert_false(monitor_share_ok(3, 100, 2, 20));
	assert_true(monitor_share_ok(2, 100, 2, 20));
	assert_false(monitor_share_ok(1, 1000, 0, 20));
	assert_true(monitor_share_ok(0, 1000, 0, 20));
}

static const struct route fake_routes[] = {
	{ .path = "/api/cars" },
	{ .path = "/api/cars/{carId}" },
	{ .path = "/api/bookings" },
};

static struct metrics_counts counts;

static void
monitor_snap_take__routes_of_one_family__are_summed(void **state)
{
	struct monitor_snap s;
	const struct monitor_family *f;

	(void)state;
	memset(&counts, 0, sizeof counts);
	counts.status[0][0] = 5;
	counts.status[1][3] = 2;
	counts.hist[0][0] = 5;
	counts.hist[1][4] = 2;
	counts.status[METRICS_ROUTES][2] = 7;	/* unmatched: 404s */
	counts.rate[2][0] = 30;
	counts.rate[3][1] = 4;
	monitor_snap_take(&s, &counts, fake_routes, 3, 1000);
	assert_int_equal(s.n, 2);	/* cars and none; bookings had nothing */
	assert_non_null(f = monitor_snap_family(&s, "cars"));
	assert_int_equal(f->status[0], 5);
	assert_int_equal(f->status[3], 2);
	assert_int_equal(f->hist[0], 5);
	assert_int_equal(f->hist[4], 2);
	assert_non_null(f = monitor_snap_family(&s, "none"));
	assert_int_equal(f->status[2], 7);
	assert_null(monitor_snap_family(&s, "bookings"));
	assert_int_equal(s.allowed, 30);
	assert_int_equal(s.denied, 4);
}

static void
monitor_snap_since__counters_grew__the_difference(void **state)
{
	struct monitor_snap a, b, d;

	(void)state;
	memset(&counts, 0, sizeof counts);
	counts.status[0][0] = 10;
	counts.hist[0][0] = 10;
	counts.rate[2][1] = 1;
	monitor_snap_take(&a, &counts, fake_routes, 3, 1000);
	counts.status[0][0] = 12;
	counts.status[0][3] = 3;
	counts.hist[0][0] = 15;
	counts.status[2][0] = 4;	/* a family new since a */
	counts.rate[2][1] = 6;
	monitor_snap_take(&b, &counts, fake_routes, 3, 2000);
	assert_true(monitor_snap_since(&d, &b, &a));
	assert_int_equal(monitor_snap_family(&d, "cars")->status[0], 2);
	assert_int_equal(monitor_snap_family(&d, "cars")->status[3], 3);
	assert_int_equal(monitor_snap_family(&d, "cars")->hist[0], 5);
	assert_int_equal(monitor_snap_family(&d, "bookings")->status[0], 4);
	assert_int_equal(d.denied, 5);
}

static void
monitor_snap_since__scoreboard_recreated__the_totals(void **state)
{
	struct monitor_snap a, b, d;

	(void)state;
	memset(&counts, 0, sizeof counts);
	counts.status[0][0] = 100;
	monitor_snap_take(&a, &counts, fake_routes, 3, 1000);
	counts.status[0][0] = 7;	/* a new file counts from 0 */
	monitor_snap_take(&b, &counts, fake_routes, 3, 2000);
	assert_false(monitor_snap_since(&d, &b, &a));
	assert_int_equal(monitor_snap_family(&d, "cars")->status[0], 7);
	assert_false(monitor_snap_since(&d, &b, NULL));
}

static void
monitor_snap_base__snapshots_in_the_window__the_oldest_of_them(void **state)
{
	struct monitor_snap s[3];

	(void)state;
	memset(s, 0, sizeof s);
	s[0].at_ms = 0;
	s[1].at_ms = 700000;
	s[2].at_ms = 900000;
	assert_ptr_equal(monitor_snap_base(s, 3, 1000000, 300), &s[1]);
	assert_ptr_equal(monitor_snap_base(s, 3, 5000000, 300), &s[2]);	/* all older */
	assert_null(monitor_snap_base(s, 0, 1000000, 300));
}

static void
monitor_snap_write__read_back__the_same_snapshot(void **state)
{
	struct monitor_snap a, b, c;
	FILE *f = tmpfile();

	(void)state;
	memset(&counts, 0, sizeof counts);
	counts.status[1][1] = 3;
	counts.hist[1][METRICS_BUCKETS] = 9;
	counts.status[2][2] = 8;
	counts.rate[4][0] = 11;
	monitor_snap_take(&a, &counts, fake_routes, 3, 123456789);
	assert_non_null(f);
	monitor_snap_write(f, &a);
	monitor_snap_write(f, &a);
	rewind(f);
	assert_int_equal(monitor_snap_read(f, &b), 1);
	assert_int_equal(monitor_snap_read(f, &c), 1);
	assert_int_equal(monitor_snap_read(f, &c), 0);
	fclose(f);
	assert_int_equal(b.at_ms, 123456789);
	assert_int_equal(b.n, a.n);
	assert_int_equal(b.allowed, 11);
	assert_memory_equal(b.f, a.f, a.n * sizeof a.f[0]);
}

static void
monitor_snap_read__garbage__refused(void **state)
{
	struct monitor_snap s;
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fputs("snap 1 2 3 1\ncars 1 2 x\n", f);
	rewind(f);
	assert_int_equal(monitor_snap_read(f, &s), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(monitor_family_of__api_path__first_segment_after_api),
		cmocka_unit_test(monitor_family_of__outside_api_or_dotted__first_segment_cut_at_dot),
		cmocka_unit_test(monitor_family_of__no_route__none),
		cmocka_unit_test(monitor_p95__empty_histogram__minus_one),
		cmocka_unit_test(monitor_p95__all_in_first_bucket__interpolated_from_zero),
		cmocka_unit_test(monitor_p95__slow_tail__falls_in_the_slow_bucket),
		cmocka_unit_test(monitor_p95__tail_beyond_last_bound__infinity),
		cmocka_unit_test(monitor_share_ok__fewer_answers_than_min__passes),
		cmocka_unit_test(monitor_share_ok__above_pct__fails_and_at_pct__passes),
		cmocka_unit_test(monitor_snap_take__routes_of_one_family__are_summed),
		cmocka_unit_test(monitor_snap_since__counters_grew__the_difference),
		cmocka_unit_test(monitor_snap_since__scoreboard_recreated__the_totals),
		cmocka_unit_test(monitor_snap_base__snapshots_in_the_window__the_oldest_of_them),
		cmocka_unit_test(monitor_snap_write__read_back__the_same_snapshot),
		cmocka_unit_test(monitor_snap_read__garbage__refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
