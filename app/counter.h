/* counter.h -- per-car page views and daily unique visitors; cache
 * outcomes per family and UTC day (the dashboard's hit ratio).
 *
 * Views are counted in process and flushed to Redis in one round trip
 * (INCRBY per car, PFADD of visitor hashes into a HyperLogLog per car and
 * UTC day) when the buffer fills, a second after the first unflushed view,
 * when the responder is idle, and at exit.  A flush that fails (Redis
 * down) drops its counts: they are analytics, not records.  A car is
 * counted under the identifier it was asked by: its id, or "slug:" and
 * its slug; the readers add both up. */
#ifndef COUNTER_H
#define COUNTER_H

#include <stddef.h>

#include "buf.h"

/* Count one view of car (an id, or "slug:{slug}") by visitor (any text
 * that identifies a visitor; only a hash of it leaves the process). */
void counter_car_view(const char *car, const char *visitor);
/* Count one cache outcome (HIT, MISS, STALE, BYPASS) of family (a string
 * that outlives the process, e.g. a literal). */
void counter_cache(const char *family, const char *state);
/* Append today's cache outcomes as a JSON object {"family:STATE": n}.
 * Returns 0, or -1 when Redis is unreachable. */
int counter_cache_today(struct buf *json);
void counter_cache_key(const char *day, char *out, size_t len);
/* Write the buffered counts to Redis. */
void counter_flush(void);

/* The figures of one car. */
struct counter_car {
	const char	*id, *slug;	/* in */
	long long	 views;		/* out: all-time views */
	long long	 visitors_today;/* out: unique visitors, UTC day */
};

/* Fill in the figures of n cars in one round trip.  Returns 0 or -1. */
int counter_cars(struct counter_car *cars, size_t n);
/* The Redis keys of a car's figures. */
void counter_views_key(const char *car, char *out, size_t len);
void counter_visitors_key(const char *car, const char *day, char *out,
    size_t len);

#endif
