/* test_worker.c -- the worker's own logic without Redis or PostgreSQL:
 * job priorities, the lease keeper, what a handler's answer becomes.
 * The queue, mail and repository calls are the test's fakes (--wrap). */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "test_common.h"

#include "../app/worker.c"

static struct conf c;
static int beats, beat_answer, progresses, mails;
static enum api_err mail_answer;
static bool reminder_due_answer;
static char beat_token[40], beat_queue[40];

int __wrap_queue_heartbeat(const char *q, const struct queue_job *job, long lease_ms);
int __wrap_queue_progress(const struct queue_job *job, int percent, const char *stage);
enum api_err __wrap_mail_send(const char *kind, const char *data, const char *id,
    char *err, size_t errlen);
enum api_err __wrap_repo_reminder_due(const char *booking, const char *start, bool *due);

int
__wrap_queue_heartbeat(const char *q, const struct queue_job *job, long lease_ms)
{
	assert_int_equal(lease_ms, conf->queue_lease);
	snprintf(beat_queue, sizeof beat_queue, "%s", q);
	snprintf(beat_token, sizeof beat_token, "%s", job->token);
	__atomic_fetch_add(&beats, 1, __ATOMIC_SEQ_CST);
	return beat_answer;
}

int
__wrap_queue_progress(const struct queue_job *job, int percent, const char *stage)
{
	(void)job, (void)percent, (void)stage;
	progresses++;
	return 1;
}

enum api_err
__wrap_mail_send(const char *kind, const char *data, const char *id, char *err,
    size_t errlen)
{
	(void)kind, (void)data, (void)id;
	mails++;
	if (mail_answer != API_OK)
		snprintf(err, errlen, "refused");
	return mail_answer;
}

enum api_err
__wrap_repo_reminder_due(const char *booking, const char *start, bool *due)
{
	assert_string_equal(booking, "B1");
	assert_string_equal(start, "2030-01-02");
	*due = reminder_due_answer;
	return API_OK;
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	conf = &c;
	c.queue_lease = 1000;
	c.queue_job_timeout = 5000;
	beats = progresses = mails = 0;
	beat_answer = 1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(&c);
	return 0;
}

static struct queue_job
job_of(const char *q, const char *id, const char *token)
{
	struct queue_job j;

	memset(&j, 0, sizeof j);
	snprintf(j.queue, sizeof j.queue, "%s", q);
	snprintf(j.id, sizeof j.id, "%s", id);
	snprintf(j.token, sizeof j.token, "%s", token);
	return j;
}

static void
worker_priority__confirmation_and_cancellation__before_reminders_and_reports(void **state)
{
	(void)state;
	assert_int_equal(worker_priority("email", "booking_confirmation"), 0);
	assert_int_equal(worker_priority("email", "booking_cancellation"), 0);
	assert_int_equal(worker_priority("email", "payment_receipt"), 0);
	assert_true(worker_priority("email", "booking_confirmation") <
	    worker_priority("email", "contact_notice"));
	assert_true(worker_priority("email", "contact_notice") <
	    worker_priority("email", "reminder"));
	assert_true(worker_priority("email", "booking_cancellation") <
	    worker_priority("report", "bookings_revenue"));
}

static void
worker_keep__quarter_lease_passed__renews_with_the_token(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct queue_job j = job_of("image", "7", "tok-a");

	(void)state;
	worker_hold(&h, &j);
	pthread_mutex_lock(&h.mu);
	worker_keep(&h, h.since_us + 100 * 1000);	/* 100 ms: fresh */
	assert_int_equal(beats, 0);
	worker_keep(&h, h.since_us + 300 * 1000);	/* past 250 ms */
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(beats, 1);
	assert_string_equal(beat_queue, "image");
	assert_string_equal(beat_token, "tok-a");
	assert_int_equal(worker_release(&h), 1);
}

static void
worker_keep__renewed_just_now__waits_another_quarter(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct queue_job j = job_of("image", "7", "tok-a");

	(void)state;
	worker_hold(&h, &j);
	pthread_mutex_lock(&h.mu);
	worker_keep(&h, h.since_us + 300 * 1000);
	worker_keep(&h, h.beat_us + 100 * 1000);
	assert_int_equal(beats, 1);
	worker_keep(&h, h.beat_us + 260 * 1000);
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(beats, 2);
	assert_int_equal(worker_release(&h), 2);
}

static void
worker_keep__past_the_job_timeout__lets_the_lease_lapse(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct queue_job j = job_of("report", "9", "tok-b");

	(void)state;
	worker_hold(&h, &j);
	pthread_mutex_lock(&h.mu);
	worker_keep(&h, h.since_us + 5001 * 1000);	/* QUEUE_JOB_TIMEOUT 5 s */
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(beats, 0);
	assert_int_equal(worker_release(&h), 0);
}

static void
worker_keep__lease_lost__no_more_renewals_and_release_says_so(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct queue_job j = job_of("image", "7", "tok-a");

	(void)state;
	beat_answer = 0;
	worker_hold(&h, &j);
	pthread_mutex_lock(&h.mu);
	worker_keep(&h, h.since_us + 300 * 1000);
	worker_keep(&h, h.since_us + 900 * 1000);
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(beats, 1);
	assert_int_equal(worker_release(&h), -1);
}

static void
worker_keep__idle__no_round_trip(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct queue_job j = job_of("image", "7", "tok-a");

	(void)state;
	worker_hold(&h, &j);
	(void)worker_release(&h);
	pthread_mutex_lock(&h.mu);
	worker_keep(&h, h.since_us + 900 * 1000);
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(beats, 0);
}

static void
worker_keeper__a_job_held_past_its_lease__renewed_by_the_thread(void **state)
{
	struct worker_hand h = { .mu = PTHREAD_MUTEX_INITIALIZER,
	    .cv = PTHREAD_COND_INITIALIZER };
	struct queue_job j = job_of("image", "8", "tok-c");
	struct timespec t = { 1, 200 * 1000000L };	/* 1.2 leases */
	long renewed;

	(void)state;
	assert_int_equal(worker_keeper_start(&h), 0);
	worker_hold(&h, &j);
	nanosleep(&t, NULL);			/* the main thread is "busy" */
	renewed = worker_release(&h);
	worker_keeper_stop(&h);
	assert_true(renewed >= 2);		/* every quarter lease, give or take */
	assert_int_equal(renewed, beats);
	assert_string_equal(beat_token, "tok-c");
}

/* worker_email() of an email job kind with data. */
static enum queue_outcome
email(const char *kind, const char *data)
{
	struct queue_job j = job_of("email", "3", "tok");
	char err[64] = "";

	snprintf(j.name, sizeof j.name, "%s", kind);
	j.data = (char *)data;
	return worker_email(&j, err, sizeof err);
}

static void
worker_email__each_answer__done_retry_or_dead_letter(void **state)
{
	(void)state;
	mail_answer = API_OK;
	assert_int_equal(email("booking_confirmation", "{}"), QUEUE_DONE);
	mail_answer = API_EXTERNAL_SERVICE_ERROR;	/* SMTP down, Resend 5xx */
	assert_int_equal(email("booking_confirmation", "{}"), QUEUE_RETRY);
	mail_answer = API_DATABASE_ERROR;
	assert_int_equal(email("booking_confirmation", "{}"), QUEUE_RETRY);
	mail_answer = API_VALIDATION_ERROR;		/* unknown kind, bad data */
	assert_int_equal(email("no_such_kind", "{}"), QUEUE_FAIL);
	mail_answer = API_NOT_FOUND;			/* the booking is gone */
	assert_int_equal(email("booking_confirmation", "{}"), QUEUE_FAIL);
	mail_answer = API_CONFLICT;			/* the provider's 4xx */
	assert_int_equal(email("booking_confirmation", "{}"), QUEUE_FAIL);
	assert_int_equal(mails, 6);
}

static void
worker_email__reminder_no_longer_due__done_and_not_sent(void **state)
{
	static const char *data = "{\"bookingId\":\"B1\",\"startDate\":\"2030-01-02\"}";

	(void)state;
	mail_answer = API_OK;
	reminder_due_answer = false;
	assert_int_equal(email("reminder", data), QUEUE_DONE);
	assert_int_equal(mails, 0);
	reminder_due_answer = true;
	assert_int_equal(email("reminder", data), QUEUE_DONE);
	assert_int_equal(mails, 1);
}

static void
worker_test_delay__setting_off__no_delay(void **state)
{
	struct queue_job j = job_of("image", "5", "tok");
	int64_t t0 = clock_mono_us();

	(void)state;
	j.data = (char *)"{\"path\":\"x\",\"testDelayMs\":2000}";
	c.queue_test_delays = false;
	worker_test_delay(&j);
	assert_int_equal(progresses, 0);
	assert_true(clock_mono_us() - t0 < 100 * 1000);
}

static void
worker_test_delay__setting_on__sleeps_reporting_progress(void **state)
{
	struct queue_job j = job_of("image", "5", "tok");
	int64_t t0 = clock_mono_us();

	(void)state;
	j.data = (char *)"{\"path\":\"x\",\"testDelayMs\":500}";
	c.queue_test_delays = true;
	worker_test_delay(&j);
	c.queue_test_delays = false;
	assert_int_equal(progresses, 2);		/* 0 %, 50 % */
	assert_true(clock_mono_us() - t0 >= 500 * 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(worker_priority__confirmation_and_cancellation__before_reminders_and_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keep__quarter_lease_passed__renews_with_the_token, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keep__renewed_just_now__waits_another_quarter, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keep__past_the_job_timeout__lets_the_lease_lapse, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keep__lease_lost__no_more_renewals_and_release_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keep__idle__no_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_keeper__a_job_held_past_its_lease__renewed_by_the_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_email__each_answer__done_retry_or_dead_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_email__reminder_no_longer_due__done_and_not_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_test_delay__setting_off__no_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(worker_test_delay__setting_on__sleeps_reporting_progress, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
