/* log.h -- one JSON object per line on stderr, never a secret. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#include "conf.h"

struct buf;

/* Log at a level with the source position, e.g. LOG_ERR("x: %s", why). */
#define LOG_ERR(...)	log_msg(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_WARN(...)	log_msg(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_INFO(...)	log_msg(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_DEBUG(...)	log_msg(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

/* What the access log records of one request. */
struct log_access {
	const char	*method;
	const char	*path;
	const char	*route;		/* pattern matched, or NULL */
	const char	*client;
	int		 status;
	long long	 duration_us;
	size_t		 bytes;
};

/* Set the least severe level written (enum log_level). */
void log_set_level(long level);
/* Set the trace id added to every line until the next call; NULL clears. */
void log_set_trace(const char *trace_id);
/* Set the process role written in every line ("master", "responder", ...). */
void log_set_role(const char *role);
/* Write one message line if level is enabled. */
void log_msg(long level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Queue the access line of one request (level info).  Lines are written
 * by log_flush(), by any other log line, or once 8 KiB or 1 s pile up. */
void log_access(const struct log_access *a);
/* What log_redact() writes in place of a secret. */
#define LOG_REDACTED	"[redacted]"
/* Append s to b with every secret in it replaced by LOG_REDACTED: the
 * token of a booking's secure link (after /by-token/ or /booking/) and
 * the value after "token=" or "token":" (any case, so refreshToken too).
 * Everything that writes a path or a message applies it. */
void log_redact(struct buf *b, const char *s);
/* Write the queued access lines now.  Call before blocking or exiting. */
void log_flush(void);
/* Write the log to path (appending) instead of stderr, and open it again
 * on SIGUSR1 (after logrotate moved it); children inherit both.  Returns
 * 0 or -1. */
int log_open_file(const char *path);
/* True if level would be written. */
int log_enabled(long level);

#endif
