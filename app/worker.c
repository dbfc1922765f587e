/* worker.c -- the worker processes and their loop. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
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

/* The priority of job name of queue q (0 first): what a customer waits
 * for now (confirmation, cancellation, receipt, a changed booking) before
 * what can wait (reminders, contact notices, reports). */
static long
worker_priority(const char *q, const char *name)
{
	static const char *const urgent[] = { "booking_confirmation",
	    "booking_cancellation", "payment_receipt", "booking_modification", NULL };
	size_t i;

	if (strcmp(q, WORKER_EMAIL) != 0)
		return strcmp(q, "report") == 0 ? 20 : 10;
	for (i = 0; urgent[i] != NULL; i++)
		if (strcmp(name, urgent[i]) == 0)
			return 0;
	return strcmp(name, "reminder") == 0 ? 20 : 10;
}

/* Move the unrelayed outbox rows of the queues named in the array
 * literal queues into their queues (webhook rows become one job per URL),
 * oldest first, each with its priority and, when its payload names a
 * sendAt, delayed until then.  Rows are marked relayed only after their jobs were
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
		o.priority = worker_priority(q, db_val(res, i, 1));
		o.delay_ms = atol(db_val(res, i, 5));
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

/* Whether reminder job (data {bookingId, startDate?}) is still right to
 * send, checked when it runs: a booking cancelled, unpaid or moved to
 * other dates since it was queued gets none (a move queues its own). */
static enum api_err
worker_reminder_due(const struct queue_job *job, bool *due)
{
	struct json_object *d = json_tokener_parse(job->data ? job->data : ""), *b, *s;
	enum api_err e = API_OK;

	*due = false;
	if (d != NULL && json_object_object_get_ex(d, "bookingId", &b) &&
	    json_object_is_type(b, json_type_string))
		e = repo_reminder_due(json_object_get_string(b),
		    json_object_object_get_ex(d, "startDate", &s) &&
		    json_object_is_type(s, json_type_string) ?
		    json_object_get_string(s) : NULL, due);
	json_object_put(d);
	return e;
}

/* Process one email job. */
static enum queue_outcome
worker_email(const struct queue_job *job, char *err, size_t errlen)
{
	enum api_err e;
	bool due;

	if (strcmp(job->name, "reminder") == 0) {
		if ((e = worker_reminder_due(job, &due)) != API_OK) {
			snprintf(err, errlen, "reminder: %s", apierr_code(e));
			return QUEUE_RETRY;
		}
		if (!due) {
			LOG_INFO("email reminder (job %s) not sent: the booking was "
			    "cancelled, is unpaid or has other dates now", job->id);
			(void)queue_progress(job, 100, "not sent: no longer due");
			return QUEUE_DONE;
		}
	}
	switch (mail_send(job->name, job->data, job->id, err, errlen)) {
	case API_OK:
		return QUEUE_DONE;
	case API_VALIDATION_ERROR:	/* not an email we can make */
	case API_NOT_FOUND:		/* its booking is gone */
	case API_CONFLICT:		/* no recipient, or the provider's 4xx */
		return QUEUE_FAIL;
	default:
		return QUEUE_RETRY;
	}
}

/* The queues a worker serves, in the order it looks at them, and what
 * processes their jobs (err: the reason of a failure).  take is filled
 * at start from QUEUE_LEASE and QUEUE_RATES. */
static struct worker_queue {
	const char	*name;
	enum queue_outcome (*process)(const struct queue_job *, char *, size_t);
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

	if (conf->queue_test_delays && conf->app_env != APP_ENV_DEVELOPMENT &&
	    conf->app_env != APP_ENV_TEST) {
		LOG_ERR("QUEUE_TEST_DELAYS is for development and test only "
		    "(refused with APP_ENV=%s)", conf_app_env(conf));
		return -1;
	}
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

/* The job in hand, shared with the lease keeper: a thread that renews
 * the job's lease every QUEUE_LEASE/4 while the job runs (never blocked
 * by the job's own work), up to QUEUE_JOB_TIMEOUT. */
static struct worker_hand {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 busy, stop, started;
	struct queue_job job;		/* queue, id and token only */
	int64_t		 since_us, beat_us;
	long		 renewed;
	bool		 lost;
	pthread_t	 thread;
} worker_hand = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* Renew the lease of the job in hand when a quarter lease has passed
 * since the last renewal.  Called with the lock held; drops it for the
 * round trip. */
static void
worker_keep(struct worker_hand *h, int64_t now)
{
	struct queue_job j;
	int rc;

	if (!h->busy || h->lost || now - h->beat_us < conf->queue_lease * 250LL ||
	    now - h->since_us > conf->queue_job_timeout * 1000LL)
		return;		/* fresh, lost, or hung: let the reaper judge */
	j = h->job;
	pthread_mutex_unlock(&h->mu);
	rc = queue_heartbeat(j.queue, &j, conf->queue_lease);
	pthread_mutex_lock(&h->mu);
	if (!h->busy || strcmp(h->job.token, j.token) != 0)
		return;		/* that job is finished */
	if (rc == 1) {
		h->renewed++;
		h->beat_us = clock_mono_us();
	} else if (rc == 0)
		h->lost = true;
}

static void *
worker_keeper(void *arg)
{
	struct worker_hand *h = arg;
	struct timespec t;
	int64_t step = conf->queue_lease * 250000LL / 4;	/* ns: lease / 16 */

	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += (time_t)((t.tv_nsec + step) / 1000000000LL);
		t.tv_nsec = (long)((t.tv_nsec + step) % 1000000000LL);
		(void)pthread_cond_timedwait(&h->cv, &h->mu, &t);
		if (!h->stop)
			worker_keep(h, clock_mono_us());
	}
	pthread_mutex_unlock(&h->mu);
	redis_close();		/* the thread's own connection */
	return NULL;
}

/* Start the lease keeper of this process.  Returns 0 or -1. */
static int
worker_keeper_start(struct worker_hand *h)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	sigfillset(&all);	/* signals stay the main thread's */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&h->thread, NULL, worker_keeper, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		LOG_ERR("the lease keeper did not start: %s", strerror(rc));
		return -1;
	}
	h->started = true;
	return 0;
}

static void
worker_keeper_stop(struct worker_hand *h)
{
	if (!h->started)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	h->started = false;
}

/* Hand job to the keeper (its lease is fresh: it was just taken). */
static void
worker_hold(struct worker_hand *h, const struct queue_job *job)
{
	pthread_mutex_lock(&h->mu);
	memcpy(h->job.queue, job->queue, sizeof h->job.queue);
	memcpy(h->job.id, job->id, sizeof h->job.id);
	memcpy(h->job.token, job->token, sizeof h->job.token);
	h->since_us = h->beat_us = clock_mono_us();
	h->renewed = 0;
	h->busy = true;
	h->lost = false;
	pthread_mutex_unlock(&h->mu);
}

/* Take the job back; returns how often its lease was renewed, or -1
 * when a renewal found the lease lost. */
static long
worker_release(struct worker_hand *h)
{
	long n;

	pthread_mutex_lock(&h->mu);
	h->busy = false;
	n = h->lost ? -1 : h->renewed;
	pthread_mutex_unlock(&h->mu);
	return n;
}

/* Development and test only (QUEUE_TEST_DELAYS): a job whose data holds
 * testDelayMs sleeps that long (at most 120 s) first, in steps that
 * report progress, so a test can hold a job past its lease. */
static void
worker_test_delay(const struct queue_job *job)
{
	struct json_object *d, *v;
	struct timespec step = { 0, 250 * 1000000L };
	long ms = 0, slept;

	if (!conf->queue_test_delays || job->data == NULL ||
	    strstr(job->data, "\"testDelayMs\"") == NULL)
		return;
	if ((d = json_tokener_parse(job->data)) != NULL &&
	    json_object_object_get_ex(d, "testDelayMs", &v))
		ms = (long)json_object_get_int64(v);
	json_object_put(d);
	if (ms <= 0 || ms > 120000)
		return;
	LOG_INFO("%s job %s: test delay of %ld ms", job->queue, job->id, ms);
	for (slept = 0; slept < ms && !worker_stop; slept += 250) {
		(void)queue_progress(job, (int)(slept * 100 / ms), "test delay");
		nanosleep(&step, NULL);
	}
}

/* Process job of queue wq, its lease kept while it runs. */
static enum queue_outcome
worker_process(const struct worker_queue *wq, const struct queue_job *job,
    char *err, size_t errlen)
{
	static const char *const said[] = { "", "done", "failed (retried)",
	    "failed for good" };
	enum queue_outcome out;
	int64_t t0 = clock_mono_us();
	long renewed;

	err[0] = '\0';
	worker_hold(&worker_hand, job);
	worker_test_delay(job);
	out = wq->process(job, err, errlen);
	renewed = worker_release(&worker_hand);
	metrics_job((int)(wq - worker_queues), out == QUEUE_DONE);
	metrics_job_duration((int)(wq - worker_queues), clock_mono_us() - t0);
	if (out != QUEUE_DONE)
		LOG_WARN("%s job %s (%s) %s: %s", wq->name, job->id, job->name,
		    said[out], err);
	if (renewed != 0)
		LOG_INFO("%s job %s (%s) %s after %lld ms, its lease %s", wq->name,
		    job->id, job->name, said[out],
		    (long long)((clock_mono_us() - t0) / 1000), renewed < 0 ?
		    "lost on the way" : "renewed while it ran");
	return out;
}

/* Take jobs of the first queue that has one and process a streak of
 * them, each finish sharing its round trip with the next fetch.  Returns
 * how many were processed (0: every queue was empty or rate-limited). */
static long
worker_streak(void)
{
	const struct worker_queue *wq;
	struct queue_job job, next;
	enum queue_outcome out;
	char err[512];
	long n = 0;
	size_t i;
	int got, rc;

	for (i = 0; i < WORKER_NQUEUES; i++) {
		wq = &worker_queues[i];
		if (queue_fetch(wq->name, &wq->take, &job) != 1)
			continue;
		for (;;) {
			out = worker_process(wq, &job, err, sizeof err);
			n++;
			got = 0;
			if (worker_stop || n >= WORKER_STREAK)
				rc = queue_finish(wq->name, &job, out, err);
			else
				rc = queue_finish_fetch(wq->name, &job, out, err,
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
	if (worker_keeper_start(&worker_hand) != 0)
		return 1;
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
	worker_keeper_stop(&worker_hand);
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
