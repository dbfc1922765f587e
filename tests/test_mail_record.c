/* test_mail_record.c -- recording a send's outcome without PostgreSQL: the
 * transaction, the repository call and the pause between tries are the
 * test's fakes (--wrap). */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "test_common.h"

#include "../app/mail.c"

static int begins, begin_fails, records, commits, rollbacks, sleeps;
static enum api_err record_answer;
static char recorded_id[64];

enum api_err __wrap_db_begin(void);
enum api_err __wrap_db_commit(void);
void __wrap_db_rollback(void);
enum api_err __wrap_repo_email_sent(const char *booking, const char *kind,
    const char *to, const char *subject, const char *message_id,
    const char *error);
unsigned int __wrap_sleep(unsigned int s);

/* The first begin_fails transactions find PostgreSQL unreachable. */
enum api_err
__wrap_db_begin(void)
{
	return ++begins <= begin_fails ? API_SERVICE_UNAVAILABLE : API_OK;
}

enum api_err
__wrap_db_commit(void)
{
	commits++;
	return API_OK;
}

void
__wrap_db_rollback(void)
{
	rollbacks++;
}

enum api_err
__wrap_repo_email_sent(const char *booking, const char *kind, const char *to,
    const char *subject, const char *message_id, const char *error)
{
	(void)booking, (void)kind, (void)to, (void)subject, (void)error;
	records++;
	snprintf(recorded_id, sizeof recorded_id, "%s", message_id ? message_id : "");
	return record_answer;
}

unsigned int
__wrap_sleep(unsigned int s)
{
	assert_int_equal(s, 1);
	sleeps++;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	begins = begin_fails = records = commits = rollbacks = sleeps = 0;
	record_answer = API_OK;
	recorded_id[0] = '\0';
	return 0;
}

static void
mail_record__postgres_back_on_third_try__recorded_once(void **state)
{
	(void)state;
	begin_fails = 2;
	assert_int_equal(mail_record("B1", "booking_confirmation", "a@example.com",
	    "Subject", "<m1@x>", NULL), API_OK);
	assert_int_equal(begins, 3);
	assert_int_equal(sleeps, 2);
	assert_int_equal(records, 1);
	assert_int_equal(commits, 1);
	assert_string_equal(recorded_id, "<m1@x>");
}

static void
mail_record__postgres_down_throughout__gives_up_after_the_tries(void **state)
{
	(void)state;
	begin_fails = 1000;
	assert_int_equal(mail_record("B1", "booking_confirmation", "a@example.com",
	    "Subject", "<m1@x>", NULL), API_SERVICE_UNAVAILABLE);
	assert_int_equal(begins, MAIL_RECORD_TRIES);
	assert_int_equal(sleeps, MAIL_RECORD_TRIES - 1);
	assert_int_equal(records, 0);
}

static void
mail_record__an_error_a_retry_wont_mend__one_try_rolled_back(void **state)
{
	(void)state;
	record_answer = API_DATABASE_ERROR;
	assert_int_equal(mail_record("B1", "booking_confirmation", "a@example.com",
	    "Subject", NULL, "refused"), API_DATABASE_ERROR);
	assert_int_equal(begins, 1);
	assert_int_equal(sleeps, 0);
	assert_int_equal(rollbacks, 1);
	assert_int_equal(commits, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(mail_record__postgres_back_on_third_try__recorded_once, setup),
		cmocka_unit_test_setup(mail_record__postgres_down_throughout__gives_up_after_the_tries, setup),
		cmocka_unit_test_setup(mail_record__an_error_a_retry_wont_mend__one_try_rolled_back, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
