/* queue-probe.c -- drives the queue scripts against a live Redis for the
 * integration tests: lease fencing and the retry back-off.
 *
 * Usage: queue-probe CONFIG lease|backoff
 * Prints "name value" lines; the test checks them.  Uses a queue of its
 * own (probe-MODE-PID), which no worker consumes. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "queue.h"
#include "redis.h"

static struct conf probe_conf;

static int
probe_lease(const char *q)
{
	struct queue_add_opts o = { .attempts = 3, .backoff_ms = 1000 };
	struct queue_job a, b;
	char id[QUEUE_ID_LEN];
	bool dup;

	if (queue_add(q, "probe", "{}", &o, id, &dup) != 0)
		return 1;
	printf("fetch_a %d\n", queue_fetch(q, 500, &a));
	usleep(800 * 1000);			/* A's lease expires */
	printf("reaped %d\n", queue_reap(q, 5));
	printf("fetch_b %d\n", queue_fetch(q, 30000, &b));
	printf("same_job %d\n", strcmp(a.id, b.id) == 0);
	printf("heartbeat_a %d\n", queue_heartbeat(q, &a, 30000));
	printf("finish_a %d\n", queue_finish(q, &a, true, NULL));
	printf("finish_b %d\n", queue_finish(q, &b, true, NULL));
	printf("finish_b_again %d\n", queue_finish(q, &b, true, NULL));
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
		while (queue_fetch(q, 30000, &j) != 1 || strcmp(j.name, "probe") != 0) {
			if (j.data != NULL)	/* the idempotent one: done */
				(void)queue_finish(q, &j, true, NULL);
			queue_job_free(&j);
			usleep(20 * 1000);
		}
		printf("attempt %d made_before %ld\n", i + 1, j.attempts_made);
		if (i > 0)
			printf("waited_ms %d %lld\n", i + 1,
			    (long long)((clock_mono_us() - failed_at) / 1000));
		(void)queue_finish(q, &j, false, "probe failure");
		failed_at = clock_mono_us();
		queue_job_free(&j);
		if (queue_counts(q, counts) == 0)
			printf("after_failure %d delayed %ld failed %ld\n", i + 1,
			    counts[2], counts[4]);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256], q[64];

	if (argc != 3 || conf_load(&probe_conf, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "usage: queue-probe CONFIG lease|backoff\n");
		return 2;
	}
	conf = &probe_conf;
	snprintf(q, sizeof q, "probe-%s-%d", argv[2], (int)getpid());
	return strcmp(argv[2], "lease") == 0 ? probe_lease(q) : probe_backoff(q);
}
