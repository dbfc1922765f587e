/* lock.h -- short Redis locks that spare the database contention.
 *
 * A lock only filters: the database decides (its own per-car lock waits
 * too).  Waiters queue in arrival order and the holder hands the lock to
 * the first of them when it is done, so a booking of a busy car waits its
 * turn instead of failing.  When Redis is unreachable, or the wait runs
 * out, the caller proceeds without it and queues in PostgreSQL. */
#ifndef LOCK_H
#define LOCK_H

#include <stdbool.h>

#define LOCK_WAIT_MS	2000	/* the longest a booking waits for its turn */

struct lock {
	char	key[160];
	char	queue[176];
	char	token[33];
	bool	held;		/* true when this process must release it */
	bool	waited;		/* it was busy when asked */
};

/* Take the booking lock of car for 30 s, waiting up to wait_ms for the
 * requests before it (in their order).  Returns true when held; false when
 * it could not be had (Redis down, or still held after wait_ms): the
 * caller proceeds, and PostgreSQL's lock orders the writes. */
bool lock_car(struct lock *l, const char *car, long wait_ms);
/* Release l if we hold it: hand it to the next waiter, or free it. */
void lock_release(struct lock *l);

#endif
