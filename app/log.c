/* log.c -- JSON lines on stderr. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
static long log_pid;

/* Access lines wait here until log_flush(), so a busy responder writes
 * many lines per write(2); always whole lines, so processes sharing the
 * file never interleave within a line. */
#define LOG_PENDING_MAX	8192
#define LOG_PENDING_US	1000000
static struct buf log_pending;
static int64_t log_pending_since;
/* A worker's lease keeper thread may log too (through redis.c). */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(long level)
{
	log_level = level;
}

void
log_set_trace(const char *trace_id)
{
	size_t n = trace_id != NULL ? strnlen(trace_id, sizeof log_trace - 1) : 0;

	memcpy(log_trace, trace_id != NULL ? trace_id : "", n);
	log_trace[n] = '\0';
}

void
log_set_role(const char *role)
{
	log_role = role;
	log_pid = (long)getpid();
}

/* What precedes a secret in a path or message: a booking's secure link
 * (the API path and the page a confirmation email links to), and a
 * token in a query string or a JSON text (refreshToken, token, ...).
 * Matched without regard to case. */
static const char *const log_secret_marks[] = {
	"/by-token/", "/booking/", "token=", "token\":\"", "token\": \"",
};

/* The first secret mark in s, or NULL; *value is where its secret starts. */
static const char *
log_next_secret(const char *s, const char **value)
{
	const char *best = NULL, *p;
	size_t i;

	for (i = 0; i < sizeof log_secret_marks / sizeof log_secret_marks[0]; i++) {
		p = strcasestr(s, log_secret_marks[i]);
		if (p != NULL && (best == NULL || p < best)) {
			best = p;
			*value = p + strlen(log_secret_marks[i]);
		}
	}
	return best;
}

void
log_redact(struct buf *b, const char *s)
{
	const char *v;
	size_t n;

	while (log_next_secret(s, &v) != NULL) {
		buf_add(b, s, (size_t)(v - s));
		n = strcspn(v, "/?#&;,\"' \t\r\n");
		if (n > 0)
			buf_adds(b, LOG_REDACTED);
		s = v + n;
	}
	buf_adds(b, s);
}

/* Append s to b as a JSON string, its secrets redacted. */
static void
log_add_redacted(struct buf *b, const char *s)
{
	static struct buf r;	/* reused */

	buf_reset(&r);
	log_redact(&r, s);
	buf_add_json_string(b, r.data != NULL ? r.data : "");
}

/* Write b (whole lines) to stderr. */
static void
log_write(const struct buf *b)
{
	if (b->len > 0 && write(STDERR_FILENO, b->data, b->len) < 0) {
		/* nowhere left to report it */
	}
}

static void
log_flush_locked(void)
{
	log_write(&log_pending);
	buf_reset(&log_pending);
	log_pending_since = 0;
}

void
log_flush(void)
{
	pthread_mutex_lock(&log_mu);
	log_flush_locked();
	pthread_mutex_unlock(&log_mu);
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
	if (log_pid == 0)
		log_pid = (long)getpid();
	buf_adds(b, "{\"time\":\"");
	buf_adds(b, ts);
	buf_adds(b, "\",\"level\":\"");
	buf_adds(b, log_names[level]);
	buf_adds(b, "\",\"pid\":");
	buf_add_int(b, log_pid);
	buf_adds(b, ",\"role\":\"");
	buf_adds(b, log_role);
	buf_addc(b, '"');
	if (log_trace[0] != '\0') {	/* trace ids are [A-Za-z0-9_-] only */
		buf_adds(b, ",\"traceId\":\"");
		buf_adds(b, log_trace);
		buf_addc(b, '"');
	}
}

/* End the line and write it, after any pending access lines. */
static void
log_close(struct buf *b)
{
	buf_adds(b, "}\n");
	buf_add(&log_pending, b->data, b->len);
	buf_free(b);
	log_flush_locked();
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
	pthread_mutex_lock(&log_mu);
	log_open(&b, level);
	base = strrchr(file, '/');
	buf_printf(&b, ",\"src\":\"%s:%d\",\"msg\":", base ? base + 1 : file, line);
	log_add_redacted(&b, msg.data ? msg.data : "");
	buf_free(&msg);
	log_close(&b);
	pthread_mutex_unlock(&log_mu);
}

void
log_access(const struct log_access *a)
{
	static struct buf b;	/* reused line buffer */

	if (!log_enabled(LOG_LEVEL_INFO))
		return;
	pthread_mutex_lock(&log_mu);
	buf_reset(&b);
	log_open(&b, LOG_LEVEL_INFO);
	buf_adds(&b, ",\"msg\":\"request\",\"method\":");
	buf_add_json_string(&b, a->method);
	buf_adds(&b, ",\"path\":");
	log_add_redacted(&b, a->path);
	if (a->route != NULL) {
		buf_adds(&b, ",\"route\":");
		buf_add_json_string(&b, a->route);
	}
	buf_adds(&b, ",\"client\":");
	buf_add_json_string(&b, a->client);
	buf_adds(&b, ",\"status\":");
	buf_add_int(&b, a->status);
	buf_adds(&b, ",\"durationMs\":");
	buf_add_ms(&b, a->duration_us);
	buf_adds(&b, ",\"bytes\":");
	buf_add_int(&b, (long long)a->bytes);
	buf_adds(&b, "}\n");
	buf_add(&log_pending, b.data, b.len);
	if (log_pending_since == 0)
		log_pending_since = clock_mono_us();
	if (log_pending.len >= LOG_PENDING_MAX ||
	    clock_mono_us() - log_pending_since >= LOG_PENDING_US)
		log_flush_locked();
	pthread_mutex_unlock(&log_mu);
}

/* LOG_FILE, kept for the reopening signal handler. */
static char log_file[1024];

/* Open log_file onto stderr.  Async-signal-safe: open, dup2, close. */
static int
log_reopen(void)
{
	int fd = open(log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return -1;
	if (fd != STDERR_FILENO) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return 0;
}

static void
log_on_usr1(int sig)
{
	int saved = errno;

	(void)sig;
	(void)log_reopen();
	errno = saved;
}

int
log_open_file(const char *path)
{
	struct sigaction sa;

	if (snprintf(log_file, sizeof log_file, "%s", path) >= (int)sizeof log_file ||
	    log_reopen() != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = log_on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGUSR1, &sa, NULL);
}
