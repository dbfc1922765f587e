/* scheduler.h -- the scheduler of recurring jobs, run by exodrive worker.
 *
 * Each task has a period (or a daily UTC time) and runs where it claims
 * its slot first: SET NX sched:v1:<task>:<slot> in Redis, so any number of
 * worker hosts run each slot once.  With Redis down nothing runs (no slot
 * can be claimed); each task is idempotent, so a missed slot is caught up
 * by the next. */
#ifndef SCHEDULER_H
#define SCHEDULER_H

#include <signal.h>
#include <time.h>

/* Run the tasks whose slot has come at now (UTC seconds) and that this
 * process claims.  Returns how many ran. */
int scheduler_tick(time_t now);
/* The process loop: scheduler_tick() every 5 s until *stop. */
int scheduler_loop(volatile sig_atomic_t *stop);

#endif
