/* lock.h -- short Redis locks that spare the database contention.
 *
 * A lock only filters: the database constraint decides.  When Redis is
 * unreachable the lock counts as taken by us and the caller proceeds. */
#ifndef LOCK_H
#define LOCK_H

#include <stdbool.h>

struct lock {
	char	key[160];
	char	token[33];
	bool	held;		/* true when this process must release it */
};

/* Try to take the booking lock of car for 30 s.  Returns false when
 * another request holds it (answer 409, retryable). */
bool lock_car(struct lock *l, const char *car);
/* Release l if we hold it (compare-and-delete on the token). */
void lock_release(struct lock *l);

#endif
