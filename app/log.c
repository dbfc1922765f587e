/* log.c -- JSON lines on stderr. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "log.h"

static long log_level = LOG_LEVEL_INFO;
static char log_trace[65];
static const char *log_role = "cli";

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(long level)
{
	log_level = level;
}

void
log_set_trace(const char *trace_id)
{
	snprintf(log_trace, sizeof log_trace, "%s", trace_id ? trace_id : "");
}

void
log_set_role(const char *role)
{
	log_role = role;
}

int
log_enabled(long level)
{
	return level <= log_level;
}

/* Start a line with the fields every line has. */
static void
log_open(struct buf *b, long level)
{
	char ts[40];

	clock_iso8601(ts, sizeof ts);
	buf_printf(b, "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%ld,"
	    "\"role\":\"%s\"", ts, log_names[level], (long)getpid(), log_role);
	if (log_trace[0] != '\0')
		buf_printf(b, ",\"traceId\":\"%s\"", log_trace);
}

/* End the line and write it with one write(2), so lines from several
 * processes sharing the file never interleave. */
static void
log_close(struct buf *b)
{
	buf_adds(b, "}\n");
	if (write(STDERR_FILENO, b->data, b->len) < 0) {
		/* nowhere left to report it */
	}
	buf_free(b);
}

void
log_msg(long level, const char *file, int line, const char *fmt, ...)
{
	struct buf b, msg;
	const char *base;
	va_list ap;

	if (!log_enabled(level))
		return;
	buf_init(&b);
	buf_init(&msg);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	log_open(&b, level);
	base = strrchr(file, '/');
	buf_printf(&b, ",\"src\":\"%s:%d\",\"msg\":", base ? base + 1 : file, line);
	buf_add_json_string(&b, msg.data ? msg.data : "");
	buf_free(&msg);
	log_close(&b);
}

void
log_access(const struct log_access *a)
{
	struct buf b;

	if (!log_enabled(LOG_LEVEL_INFO))
		return;
	buf_init(&b);
	log_open(&b, LOG_LEVEL_INFO);
	buf_adds(&b, ",\"msg\":\"request\",\"method\":");
	buf_add_json_string(&b, a->method);
	buf_adds(&b, ",\"path\":");
	buf_add_json_string(&b, a->path);
	if (a->route != NULL) {
		buf_adds(&b, ",\"route\":");
		buf_add_json_string(&b, a->route);
	}
	buf_adds(&b, ",\"client\":");
	buf_add_json_string(&b, a->client);
	buf_printf(&b, ",\"status\":%d,\"durationMs\":%.3f,\"bytes\":%zu",
	    a->status, a->duration_ms, a->bytes);
	log_close(&b);
}
