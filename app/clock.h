/* clock.h -- monotonic and wall-clock time. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds on the monotonic clock. */
int64_t clock_mono_us(void);
/* Milliseconds since the epoch on the wall clock. */
int64_t clock_wall_ms(void);
/* Write the current UTC time as "2026-01-31T12:00:00.123Z" into out
 * (at least 25 bytes). */
void clock_iso8601(char *out, size_t outlen);

/* Remember now as the start of this process (call after fork). */
void clock_mark_start(void);
/* Whole seconds since clock_mark_start(). */
long clock_uptime_s(void);

#endif
