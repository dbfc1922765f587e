/* queue-probe.c -- drives the queue scripts against a live Redis for the
 * integration tests: lease fencing and the retry back-off.
 *
 * Usage: queue-probe CONFIG lease|backoff|rate|stats
 *        queue-probe CONFIG bench N  (no-op throughput of one worker)
 * Prints "name value" lines; the test checks them.  Uses a queue of its
 * own (probe-MODE-PID), which no worker consumes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "queue.h"
#include "redis.h"

static struct conf probe_conf;
static const struct queue_take probe_short = { 500, 0 }, probe_long = { 30000, 0 };

static int
probe_lease(const char *q)
{
	struct queue_add_opts o = { .attempts = 3, .backoff_ms = 1000 };
	struct queue_job a, b;
	char id[QUEUE_ID_LEN];
	bool dup;

	if (queue_add(q, "probe", "{}", &o, id, &dup) != 0)
		return 1;
	printf("fetch_a %d\n", queue_fetch(q, &probe_short, &a));
	usleep(800 * 1000);			/* A's lease expires */
	printf("reaped %d\n", queue_reap(q, 5));
	printf("fetch_b %d\n", queue_fetch(q, &probe_long, &b));
	printf("same_job %d\n", strcmp(a.id, b.id) == 0);
	printf("heartbeat_a %d\n", queue_heartbeat(q, &a, 30000));
	printf("finish_a %d\n", queue_finish(q, &a, QUEUE_DONE, NULL));
	printf("finish_b %d\n", queue_finish(q, &b, QUEUE_DONE, NULL));
	printf("finish_b_again %d\n", queue_finish(q, &b, QUEUE_DONE, NULL));
	queue_job_free(&a);
	queue_job_free(&b);
	return 0;
}

static int
probe_backoff(const char *q)
{
	struct queue_add_opts o = { .attempts = 3, .backoff_ms = 1000 };
	struct queue_job j;
	char id[QUEUE_ID_LEN];
	long counts[5];
	int64_t failed_at = 0;
	bool dup;
	int i;

	if (queue_add(q, "probe", "{}", &o, id, &dup) != 0)
		return 1;
	printf("dup_first %d\n", dup);
	(void)queue_add(q, "idem", "{}", &(struct queue_add_opts){ .idem_key = "k1",
	    .attempts = 1 }, id, &dup);
	(void)queue_add(q, "idem", "{}", &(struct queue_add_opts){ .idem_key = "k1",
	    .attempts = 1 }, id, &dup);
	printf("dup_second %d\n", dup);
	for (i = 0; i < 3; i++) {
		while (queue_fetch(q, &probe_long, &j) != 1 || strcmp(j.name, "probe") != 0) {
			if (j.data != NULL)	/* the idempotent one: done */
				(void)queue_finish(q, &j, QUEUE_DONE, NULL);
			queue_job_free(&j);
			usleep(20 * 1000);
		}
		printf("attempt %d made_before %ld\n", i + 1, j.attempts_made);
		if (i > 0)
			printf("waited_ms %d %lld\n", i + 1,
			    (long long)((clock_mono_us() - failed_at) / 1000));
		(void)queue_finish(q, &j, QUEUE_RETRY, "probe failure");
		failed_at = clock_mono_us();
		queue_job_free(&j);
		if (queue_counts(q, counts) == 0)
			printf("after_failure %d delayed %ld failed %ld\n", i + 1,
			    counts[2], counts[4]);
	}
	return 0;
}

/* A queue limited to 5 jobs a second, 12 jobs ready: how many a tight
 * loop takes in its first second, and what the limited fetch says. */
static int
probe_rate(const char *q)
{
	const struct queue_take t = { 30000, 5 };
	struct queue_add_opts o = { .attempts = 1 };
	struct queue_job j;
	char id[QUEUE_ID_LEN];
	long taken = 0, limited = 0, waited = 0, i;
	int64_t t0;
	bool dup;

	for (i = 0; i < 12; i++)
		if (queue_add(q, "probe", "{}", &o, id, &dup) != 0)
			return 1;
	t0 = clock_mono_us();
	while (clock_mono_us() - t0 < 2500 * 1000 && taken < 12) {
		if (queue_fetch(q, &t, &j) == 1) {
			(void)queue_finish(q, &j, QUEUE_DONE, NULL);
			printf("taken_at_ms %lld\n", (long long)((clock_mono_us() - t0) / 1000));
			taken++;
		} else if (j.limited_ms > 0) {
			limited++;
			waited = j.limited_ms;
			usleep(20 * 1000);
		}
		queue_job_free(&j);
	}
	printf("taken %ld\nlimited_fetches %ld\nlast_limited_ms %ld\n", taken,
	    limited, waited);
	return 0;
}

/* Two jobs done, one failed for good: the per-minute stats count them. */
static int
probe_stats(const char *q)
{
	const struct queue_take t = { 30000, 0 };
	struct queue_add_opts o = { .attempts = 1 };
	struct queue_job j;
	char id[QUEUE_ID_LEN];
	struct buf b;
	bool dup;
	int i;

	for (i = 0; i < 3; i++) {
		if (queue_add(q, "probe", "{}", &o, id, &dup) != 0 ||
		    queue_fetch(q, &t, &j) != 1)
			return 1;
		(void)queue_finish(q, &j, i < 2 ? QUEUE_DONE : QUEUE_RETRY,
		    i < 2 ? NULL : "probe failure");
		queue_job_free(&j);
	}
	buf_init(&b);
	if (queue_stats(q, 3, &b) != 0)
		return 1;
	printf("stats %.*s\n", (int)b.len, b.data);
	buf_free(&b);
	return 0;
}

static int
probe_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* One producer (a child) adds n no-op jobs carrying their enqueue time;
 * this process, one worker, fetches and finishes them.  Prints jobs/s of
 * both and the enqueue-to-start latency. */
static int
probe_bench(const char *q, long n)
{
	struct queue_add_opts o = { .attempts = 1 };
	struct queue_job j, next;
	char id[QUEUE_ID_LEN], data[64];
	long long *lat = calloc((size_t)n, sizeof *lat);
	int64_t t0, t1, first = 0;
	long i, done = 0;
	bool dup;
	pid_t pid;
	int st, got;

	if (lat == NULL)
		return 1;
	t0 = clock_wall_ms() * 1000;
	if ((pid = fork()) == 0) {
		redis_close();
		for (i = 0; i < n; i++) {
			snprintf(data, sizeof data, "{\"t\":%lld}",
			    (long long)(clock_wall_ms() * 1000));
			if (queue_add(q, "noop", data, &o, id, &dup) != 0)
				_exit(1);
		}
		printf("enqueue_per_s %.0f\n", (double)n * 1e6 /
		    (double)(clock_wall_ms() * 1000 - t0));
		fflush(stdout);
		_exit(0);
	}
	got = 0;
	while (done < n) {
		if (got != 1 && queue_fetch(q, &probe_long, &j) != 1)
			continue;
		if (first == 0)
			first = clock_mono_us();
		lat[done++] = clock_wall_ms() * 1000 - strtoll(j.data + 5, NULL, 10);
		/* As the worker does: finish and fetch the next in one trip. */
		(void)queue_finish_fetch(q, &j, QUEUE_DONE, NULL, &probe_long, &next, &got);
		queue_job_free(&j);
		if (got == 1)
			j = next;
	}
	t1 = clock_mono_us();
	waitpid(pid, &st, 0);
	qsort(lat, (size_t)n, sizeof *lat, probe_cmp);
	printf("process_per_s %.0f\n", (double)n * 1e6 / (double)(t1 - first));
	printf("latency_ms_p50 %.2f\nlatency_ms_p99 %.2f\n", lat[n / 2] / 1000.0,
	    lat[n * 99 / 100] / 1000.0);
	free(lat);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256], q[64];

	if (argc < 3 || conf_load(&probe_conf, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "usage: queue-probe CONFIG lease|backoff|rate|stats|bench N\n");
		return 2;
	}
	conf = &probe_conf;
	snprintf(q, sizeof q, "probe-%s-%d", argv[2], (int)getpid());
	if (strcmp(argv[2], "bench") == 0)
		return probe_bench(q, argc > 3 ? atol(argv[3]) : 20000);
	if (strcmp(argv[2], "rate") == 0)
		return probe_rate(q);
	if (strcmp(argv[2], "stats") == 0)
		return probe_stats(q);
	return strcmp(argv[2], "lease") == 0 ? probe_lease(q) : probe_backoff(q);
}
