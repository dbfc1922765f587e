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

#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "queue.h"
#include "redis.h"
#include "repo.h"
#include "rng.h"
#include "scheduler.h"
#include "worker.h"
#include "xmalloc.h"

#define WORKER_QUEUE		"email"
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

/* Move the unrelayed outbox rows of the email queue into it. */
static void
worker_relay(void)
{
	struct queue_add_opts o = { .attempts = WORKER_ATTEMPTS,
	    .backoff_ms = WORKER_BACKOFF_MS };
	struct db_res *res = NULL;
	char id[QUEUE_ID_LEN];
	bool dup;
	int i, n = 0;

	if (db_begin() != API_OK)
		return;
	if (repo_outbox_claim(WORKER_QUEUE, 50, &res) != API_OK) {
		db_rollback();
		return;
	}
	for (i = 0; i < db_rows(res); i++) {
		o.idem_key = db_val(res, i, 3);
		if (queue_add(WORKER_QUEUE, db_val(res, i, 1), db_val(res, i, 2), &o,
		    id, &dup) != 0 || repo_outbox_relayed(db_val(res, i, 0)) != API_OK)
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
	struct json_object *d = json_tokener_parse(job->data ? job->data : ""), *b;
	bool ok = false;

	if (d == NULL || !json_object_object_get_ex(d, "bookingId", &b))
		snprintf(err, errlen, "job %s has no bookingId", job->id);
	else
		ok = mail_send_booking(job->name, json_object_get_string(b), job->id,
		    err, errlen) == API_OK;
	json_object_put(d);
	return ok;
}

/* One worker process: until stopped (or QUEUE_MAX_JOBS done). */
static int
worker_loop(void)
{
	struct timespec idle = { 0, WORKER_POLL_MS * 1000000L };
	int64_t reaped = 0;
	struct queue_job job;
	char err[512];
	long done = 0;
	bool ok;
	int rc;

	rng_reseed();
	log_set_role("worker");
	while (!worker_stop && (conf->queue_max_jobs == 0 ||
	    done < conf->queue_max_jobs)) {
		worker_relay();
		if (clock_mono_us() - reaped > WORKER_REAP_US) {
			if ((rc = queue_reap(WORKER_QUEUE, WORKER_MAX_STALLED)) > 0)
				LOG_WARN("%d stalled jobs put back", rc);
			reaped = clock_mono_us();
		}
		if ((rc = queue_fetch(WORKER_QUEUE, conf->queue_lease, &job)) <= 0) {
			log_flush();
			nanosleep(&idle, NULL);
			continue;
		}
		ok = worker_email(&job, err, sizeof err);
		if (!ok)
			LOG_WARN("job %s (%s) failed: %s", job.id, job.name, err);
		if (queue_finish(WORKER_QUEUE, &job, ok, ok ? NULL : err) == 0)
			LOG_WARN("job %s: lease lost before finishing; not recorded",
			    job.id);
		queue_job_free(&job);
		done++;
	}
	log_flush();
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

int
worker_main(void)
{
	struct sigaction sa;
	long n = conf->queue_concurrency + 1, i, alive;
	pid_t *kids = xcalloc((size_t)n, sizeof *kids), pid;
	int status;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	log_set_role("worker-parent");
	LOG_INFO("starting %ld workers and the scheduler", n - 1);
	for (i = 0; i < n; i++)
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
