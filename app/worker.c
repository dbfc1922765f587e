/* worker.c -- the worker processes and their loop. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "hooks.h"
#include "image.h"
#include "log.h"
#include "metrics.h"
#include "mail.h"
#include "queue.h"
#include "redis.h"
#include "repo.h"
#include "report.h"
#include "rng.h"
#include "scheduler.h"
#include "worker.h"
#include "xmalloc.h"

#define WORKER_EMAIL		"email"
#define WORKER_WEBHOOK		"webhook"
#define WORKER_HOOK_ATTEMPTS	6
#define WORKER_POLL_MS		200	/* idle wait before polling again */
#define WORKER_REAP_US		(2 * 1000000LL)
#define WORKER_MAX_STALLED	3
#define WORKER_ATTEMPTS		5
#define WORKER_BACKOFF_MS	10000

static volatile sig_atomic_t worker_stop;

static void
worker_on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* One outbox row of the webhook queue, being fanned out to the URLs. */
struct worker_hook {
	struct db_res	*res;
	int		 row;
	int		 failed;
};

/* Add the job of one URL: a delivery id stable across retries. */
static void
worker_hook_add(const char *url, int index, void *arg)
{
	struct worker_hook *h = arg;
	struct queue_add_opts o = { .attempts = WORKER_HOOK_ATTEMPTS,
	    .backoff_ms = conf->webhook_backoff };
	struct json_object *d = json_object_new_object();
	char did[64], idem[320], id[QUEUE_ID_LEN], ts[40];
	bool dup;

	snprintf(did, sizeof did, "whd_%s_%d", db_val(h->res, h->row, 0), index);
	snprintf(idem, sizeof idem, "%s:%d", db_val(h->res, h->row, 3), index);
	clock_iso8601(ts, sizeof ts);
	json_object_object_add(d, "url", json_object_new_string(url));
	json_object_object_add(d, "deliveryId", json_object_new_string(did));
	json_object_object_add(d, "createdAt", json_object_new_string(ts));
	json_object_object_add(d, "data", json_tokener_parse(db_val(h->res, h->row, 2)));
	o.idem_key = idem;
	if (queue_add(WORKER_WEBHOOK, db_val(h->res, h->row, 1),
	    json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN), &o, id,
	    &dup) != 0)
		h->failed++;
	json_object_put(d);
}

/* Move the unrelayed outbox rows of the queues named in the array
 * literal queues into their queues (webhook rows become one job per URL),
 * oldest first.  Rows are marked relayed only after their jobs were
 * added, and adds are idempotent, so a crash between the two adds
 * nothing twice.  One claim serves every queue: an idle worker costs
 * PostgreSQL three statements a poll. */
static void
worker_relay(const char *queues)
{
	struct queue_add_opts o = { .attempts = WORKER_ATTEMPTS,
	    .backoff_ms = WORKER_BACKOFF_MS };
	struct worker_hook h = { 0 };
	struct db_res *res = NULL;
	char id[QUEUE_ID_LEN];
	const char *q;
	bool dup;
	int i, n = 0;

	if (db_begin() != API_OK)
		return;
	if (repo_outbox_claim(queues, 50, &res) != API_OK) {
		db_rollback();
		return;
	}
	for (i = 0; i < db_rows(res); i++) {
		q = db_val(res, i, 4);
		o.idem_key = db_val(res, i, 3);
		h = (struct worker_hook){ .res = res, .row = i };
		if (strcmp(q, WORKER_WEBHOOK) == 0)
			(void)hooks_fan_out(worker_hook_add, &h);
		else if (queue_add(q, db_val(res, i, 1), db_val(res, i, 2), &o, id,
		    &dup) != 0)
			h.failed = 1;
		if (h.failed > 0 || repo_outbox_relayed(db_val(res, i, 0)) != API_OK)
			break;		/* Redis down: the rest waits */
		n++;
	}
	db_free(res);
	if (db_commit() != API_OK)
		db_rollback();
	else if (n > 0)
		LOG_DEBUG("relayed %d outbox rows", n);
}

/* Process one email job.  Returns true when it is done. */
static bool
worker_email(const struct queue_job *job, char *err, size_t errlen)
{
	return mail_send(job->name, job->data, job->id, err, errlen) == API_OK;
}

/* The queues a worker serves, in the order it looks at them, and what
 * processes their jobs: true when done, else false with the reason in
 * err.  take is filled at start from QUEUE_LEASE and QUEUE_RATES. */
static struct worker_queue {
	const char	*name;
	bool		(*process)(const struct queue_job *, char *, size_t);
	struct queue_take take;
} worker_queues[] = {
	{ WORKER_EMAIL, worker_email, { 0, 0 } },
	{ WORKER_WEBHOOK, hooks_deliver, { 0, 0 } },
	{ "image", image_job, { 0, 0 } },
	{ "report", report_job, { 0, 0 } },
};
#define WORKER_NQUEUES	(sizeof worker_queues / sizeof worker_queues[0])

#define WORKER_STREAK	100	/* jobs in a row before relaying and reaping */

/* The jobs per second QUEUE_RATES gives queue name ("a=1,b=2"): 0 when
 * unlisted, -1 when its entry is malformed. */
static long
worker_rate(const char *rates, const char *name)
{
	size_t n = strlen(name);
	const char *p;
	char *end;
	long v;

	for (p = rates; p != NULL && *p != '\0'; p = strchr(p, ',')) {
		p += *p == ',';
		while (*p == ' ')
			p++;
		if (strncmp(p, name, n) != 0 || p[n] != '=')
			continue;
		v = strtol(p + n + 1, &end, 10);
		return v >= 1 && v <= 100000 && (*end == '\0' || *end == ',') ? v : -1;
	}
	return 0;
}

static int
worker_takes(void)
{
	size_t i;

	for (i = 0; i < WORKER_NQUEUES; i++) {
		worker_queues[i].take.lease_ms = conf->queue_lease;
		worker_queues[i].take.per_second = worker_rate(conf->queue_rates,
		    worker_queues[i].name);
		if (worker_queues[i].take.per_second < 0) {
			LOG_ERR("QUEUE_RATES: the entry of %s is not NAME=JOBS_PER_SECOND "
			    "(1..100000)", worker_queues[i].name);
			return -1;
		}
	}
	return 0;
}

/* Process job of queue wq. */
static bool
worker_process(const struct worker_queue *wq, const struct queue_job *job,
    char *err, size_t errlen)
{
	bool ok;

	err[0] = '\0';
	ok = wq->process(job, err, errlen);
	metrics_job((int)(wq - worker_queues), ok);
	if (!ok)
		LOG_WARN("%s job %s (%s) failed: %s", wq->name, job->id, job->name, err);
	return ok;
}

/* Take jobs of the first queue that has one and process a streak of
 * them, each finish sharing its round trip with the next fetch.  Returns
 * how many were processed (0: every queue was empty or rate-limited). */
static long
worker_streak(void)
{
	const struct worker_queue *wq;
	struct queue_job job, next;
	char err[512];
	long n = 0;
	size_t i;
	bool ok;
	int got, rc;

	for (i = 0; i < WORKER_NQUEUES; i++) {
		wq = &worker_queues[i];
		if (queue_fetch(wq->name, &wq->take, &job) != 1)
			continue;
		for (;;) {
			ok = worker_process(wq, &job, err, sizeof err);
			n++;
			got = 0;
			if (worker_stop || n >= WORKER_STREAK)
				rc = queue_finish(wq->name, &job, ok, ok ? NULL : err);
			else
				rc = queue_finish_fetch(wq->name, &job, ok, ok ? NULL : err,
				    &wq->take, &next, &got);
			if (rc == 0)
				LOG_WARN("%s job %s: lease lost before finishing; "
				    "not recorded", wq->name, job.id);
			queue_job_free(&job);
			if (got != 1)
				return n;
			job = next;
		}
	}
	return 0;
}

/* One worker process: until stopped (or QUEUE_MAX_JOBS done). */
static int
worker_loop(void)
{
	struct timespec idle = { 0, WORKER_POLL_MS * 1000000L };
	int64_t reaped = 0;
	long done = 0, n;
	size_t i;
	int rc;

	struct buf queues;

	rng_reseed();
	log_set_role("worker");
	metrics_attach(METRICS_WORKER);
	buf_init(&queues);	/* the served queues as an array literal */
	for (i = 0; i < WORKER_NQUEUES; i++)
		buf_printf(&queues, "%s%s", i == 0 ? "{" : ",", worker_queues[i].name);
	buf_addc(&queues, '}');
	while (!worker_stop && (conf->queue_max_jobs == 0 ||
	    done < conf->queue_max_jobs)) {
		worker_relay(queues.data);
		if (clock_mono_us() - reaped > WORKER_REAP_US) {
			for (i = 0; i < WORKER_NQUEUES; i++) {
				rc = queue_reap(worker_queues[i].name, WORKER_MAX_STALLED);
				if (rc > 0)
					LOG_WARN("%d stalled %s jobs put back", rc,
					    worker_queues[i].name);
			}
			reaped = clock_mono_us();
		}
		if ((n = worker_streak()) == 0) {
			log_flush();
			nanosleep(&idle, NULL);
			continue;
		}
		done += n;
	}
	log_flush();
	buf_free(&queues);
	db_close();
	redis_close();
	return 0;
}

/* Slot 0 is the scheduler; the others are workers. */
static pid_t
worker_spawn(long slot)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(slot == 0 ? scheduler_loop(&worker_stop) :
		    worker_loop());
	if (pid < 0)
		LOG_ERR("fork of a worker failed: %s", strerror(errno));
	return pid;
}

/* SIGTERM and SIGINT stop; a Redis restart (SIGPIPE) must not kill. */
static void
worker_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
worker_scheduler(void)
{
	worker_signals();
	return scheduler_loop(&worker_stop);
}

int
worker_main(bool no_scheduler)
{
	long n = conf->queue_concurrency + 1, i, alive;
	pid_t *kids = xcalloc((size_t)n, sizeof *kids), pid;
	int status;

	if (worker_takes() != 0) {
		free(kids);
		return 1;
	}
	worker_signals();
	log_set_role("worker-parent");
	LOG_INFO("starting %ld workers%s", n - 1, no_scheduler ? "" : " and the scheduler");
	for (i = no_scheduler ? 1 : 0; i < n; i++)
		kids[i] = worker_spawn(i);
	while (!worker_stop) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
			continue;	/* EINTR: a stop signal */
		for (i = 0; i < n; i++) {
			if (kids[i] == pid && !worker_stop) {
				LOG_WARN("worker %d ended (status %d); starting another",
				    (int)pid, status);
				sleep(1);
				kids[i] = worker_spawn(i);
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	}
	for (alive = n; alive > 0; alive--)
		if (waitpid(-1, &status, 0) < 0 && errno == ECHILD)
			break;
	LOG_INFO("workers stopped");
	log_flush();
	free(kids);
	return 0;
}
