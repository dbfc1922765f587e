/* backoffice.h -- the back office's input rules, without I/O. */
#ifndef BACKOFFICE_H
#define BACKOFFICE_H

#include <stddef.h>
#include <time.h>

struct json_object;

/* The days a maintenance block may cover, start..end inclusive (valid
 * YYYY-MM-DD days): start <= end, end not before today (UTC, of now) and
 * not after today + BACKOFFICE_AHEAD_DAYS.  Returns NULL, or why, with
 * *field the input it names ("startDate" or "endDate"). */
#define BACKOFFICE_AHEAD_DAYS	730
const char *backoffice_block_range(const char *start, const char *end,
    time_t now, const char **field);
/* A peak rule's optional window (either end NULL = open): start <= end.
 * Returns NULL, or why (the field is endDate). */
const char *backoffice_window(const char *start, const char *end);
/* A peak rule's days of the week: a JSON array of 1..7 distinct integers
 * 0..6 (0 = Sunday), written as a PostgreSQL array "{0,6}" (sorted) into
 * buf (at least 16 bytes).  Returns NULL, or why. */
const char *backoffice_weekdays(struct json_object *a, char *buf, size_t len);
/* A percentage (money syntax, already checked) below 100: NULL or why. */
const char *backoffice_percent(const char *s);
/* A peak multiplier (money syntax) from 1 to 5: NULL or why. */
const char *backoffice_multiplier(const char *s);

#endif
