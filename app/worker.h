/* worker.h -- exodrive worker: the job processes.
 *
 * A parent keeps QUEUE_CONCURRENCY worker processes alive (respawned when
 * they die) and stops them on SIGTERM/SIGINT: each finishes the job in
 * hand, then exits.  A worker relays the outbox to the queues (rows are
 * marked relayed after an idempotent add, so a crash in between adds
 * nothing twice), reaps stalled jobs every few seconds whether or not it
 * is busy, and processes the email and webhook queues.  Waits are bounded polls.  One
 * more process runs the scheduler (scheduler.h). */
#ifndef WORKER_H
#define WORKER_H

#include <stdbool.h>

/* Run the worker parent.  Returns the exit status. */
int worker_main(bool no_scheduler);
/* `exodrive scheduler`: the scheduler alone, until SIGTERM. */
int worker_scheduler(void);

#endif
