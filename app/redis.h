/* redis.h -- the Redis connection of this process.  The only hiredis user.
 *
 * Opened lazily after fork, with connect and command timeouts; a broken
 * connection is dropped and reopened on next use, after
 * REDIS_RETRY_INTERVAL so an outage costs requests no connect timeout. */
#ifndef REDIS_H
#define REDIS_H

#include <stddef.h>

/* Where REDIS_URL points. */
struct redis_addr {
	char	host[256];	/* empty for a unix socket */
	int	port;
	char	path[256];	/* unix socket path, or empty */
	char	password[256];
	int	db;
};

/* Parse redis://[:password@]host[:port][/db] or
 * unix:///path/to/sock[?db=N&password=P] into a.  Returns 0 or -1. */
int redis_parse_url(const char *url, struct redis_addr *a);
/* Send PING.  Returns 0 with the round trip in *ms, or -1. */
int redis_ping(double *ms);
/* Close the connection. */
void redis_close(void);

#endif
