/* backoffice.c -- the back office's input rules, without I/O. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "backoffice.h"
#include "pricing.h"

/* Days since the epoch of a YYYY-MM-DD day. */
static long
backoffice_day(const char *s)
{
	struct tm t;

	memset(&t, 0, sizeof t);
	if (strptime(s, "%Y-%m-%d", &t) == NULL)
		return 0;
	return (long)(timegm(&t) / 86400);
}

const char *
backoffice_block_range(const char *start, const char *end, time_t now,
    const char **field)
{
	long today = (long)(now / 86400), s = backoffice_day(start),
	    e = backoffice_day(end);

	*field = "endDate";
	if (e < s)
		return "Must not be before startDate";
	if (e < today)
		return "A block must not lie wholly in the past";
	if (e > today + BACKOFFICE_AHEAD_DAYS)
		return "Must be at most two years ahead";
	*field = NULL;
	return NULL;
}

const char *
backoffice_window(const char *start, const char *end)
{
	if (start != NULL && end != NULL && strcmp(end, start) < 0)
		return "Must not be before startDate";
	return NULL;
}

const char *
backoffice_weekdays(struct json_object *a, char *buf, size_t len)
{
	struct json_object *v;
	int seen[7] = { 0 }, i, n, d;
	size_t o;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return "Must be an array";
	n = (int)json_object_array_length(a);
	if (n < 1 || n > 7)
		return "Must list 1 to 7 days";
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_int))
			return "Days must be integers 0..6 (0 = Sunday)";
		d = json_object_get_int(v);
		if (d < 0 || d > 6)
			return "Days must be integers 0..6 (0 = Sunday)";
		if (seen[d]++)
			return "Days must not repeat";
	}
	if (len < 16)
		return "No room";
	o = 0;
	buf[o++] = '{';
	for (d = 0; d < 7; d++)
		if (seen[d])
			o += (size_t)snprintf(buf + o, len - o, "%s%d",
			    o > 1 ? "," : "", d);
	buf[o++] = '}';
	buf[o] = '\0';
	return NULL;
}

const char *
backoffice_percent(const char *s)
{
	int64_t c;

	if (pricing_parse(s, &c) != 0 || c >= 10000)
		return "Must be a percentage from 0 to below 100";
	return NULL;
}

const char *
backoffice_multiplier(const char *s)
{
	int64_t c;

	if (pricing_parse(s, &c) != 0 || c < 100 || c > 500)
		return "Must be from 1 to 5";
	return NULL;
}
