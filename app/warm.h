/* warm.h -- cache warming. */
#ifndef WARM_H
#define WARM_H

#include <stdbool.h>

struct json_object;

struct warm_opts {
	bool	popular_cars;		/* details of the most-booked cars */
	bool	availability;		/* their next days */
	bool	fleet;			/* the default fleet list */
	long	limit;			/* how many popular cars */
	long	days;			/* how many days of availability */
};

/* Replay the catalogue GETs of o through the dispatcher, so each answer is
 * cached exactly as a client's would be, and record the run in Redis.
 * Returns the metrics {startTime, endTime, duration, keysWarmed, status,
 * errors} (caller frees with json_object_put()). */
struct json_object *warm_run(const struct warm_opts *o);
/* The metrics of the last run as JSON text (caller frees with free()), or
 * NULL when there was none or Redis is unreachable. */
char *warm_last(void);

#endif
