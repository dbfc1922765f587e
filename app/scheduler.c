/* scheduler.c -- recurring jobs: captures, holds, webhook retries,
 * warm-up.  (Reminders are delayed jobs, queued with their booking.) */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "redis.h"
#include "repo.h"
#include "scheduler.h"
#include "svc.h"
#include "warm.h"

static void
scheduler_capture(void)
{
	struct json_object *m = json_object_new_object();

	if (svc_payments_run_due(100, m) == API_OK)
		LOG_INFO("scheduled captures: %s",
		    json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
	json_object_put(m);
}

static void
scheduler_holds(void)
{
	long n = 0;

	if (svc_bookings_expire_holds(1000, &n) == API_OK &&
	    n > 0)
		LOG_INFO("scheduled hold expiry: %ld expired", n);
}

static void
scheduler_webhooks(void)
{
	struct json_object *m = json_object_new_object();

	(void)svc_webhooks_retry_due(10, m);
	json_object_put(m);
}

static void
scheduler_warm(void)
{
	struct warm_opts o = { .popular_cars = true, .availability = true,
	    .fleet = true, .limit = 10, .days = 7 };

	json_object_put(warm_run(&o));
}

static const struct scheduler_task {
	const char	*name;
	long		 period;	/* seconds; 86400 with at: daily */
	long		 at;		/* seconds after 00:00 UTC (daily tasks) */
	void		(*run)(void);
} scheduler_tasks[] = {
	{ "capture-payments", 15 * 60, 0, scheduler_capture },
	{ "expire-holds", 5 * 60, 0, scheduler_holds },
	{ "webhook-retry", 60, 0, scheduler_webhooks },
	{ "warm-cache", 86400, 3 * 3600, scheduler_warm },
};

int
scheduler_tick(time_t now)
{
	const struct scheduler_task *t;
	char key[128];
	long slot;
	size_t i;
	int ran = 0;

	for (i = 0; i < sizeof scheduler_tasks / sizeof scheduler_tasks[0]; i++) {
		t = &scheduler_tasks[i];
		if ((long)now % t->period < t->at)
			continue;	/* today's time has not come */
		slot = ((long)now - t->at) / t->period;
		snprintf(key, sizeof key, "sched:v1:%s:%ld", t->name, slot);
		if (redis_set_nx(key, "1", (t->period + 60) * 1000L) != 1)
			continue;	/* ran here or elsewhere, or no Redis */
		LOG_DEBUG("scheduler: %s (slot %ld)", t->name, slot);
		t->run();
		ran++;
	}
	return ran;
}

int
scheduler_loop(volatile sig_atomic_t *stop)
{
	log_set_role("scheduler");
	metrics_attach(METRICS_SCHEDULER);
	while (!*stop) {
		(void)scheduler_tick(time(NULL));
		log_flush();
		sleep(5);
	}
	return 0;
}
