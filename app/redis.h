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
/* A Lua script run by SHA (loaded on first use and again after a Redis
 * restart).  Initialise with the script text; sha is filled in. */
struct redis_script {
	const char	*text;
	char		 sha[41];
};

/* Run script with nkeys keys then args (argv holds keys then args, argc
 * in all).  Stores up to nout integers of an integer or integer-array
 * reply in out.  Returns how many were stored, or -1 when Redis is
 * unreachable or the script failed (logged). */
int redis_eval(struct redis_script *s, int nkeys, const char **argv, int argc,
    long long *out, int nout);
/* Versioned read: version = GET nskey (0 if none), then the value at
 * "prefix:version:suffix" and its TTL, in one round trip.  Returns 1 on a
 * hit (*value: caller frees with free()), 0 on a miss, -1 when Redis is
 * unreachable.  *version is set on 0 and 1. */
int redis_cache_get(const char *nskey, const char *prefix, const char *suffix,
    long long *version, char **value, size_t *len, long *ttl);
/* SET key value EX ttl.  Returns 0 or -1. */
int redis_cache_set(const char *key, const char *value, size_t len, long ttl);
/* INCR each of n keys (at most 13) in one round trip (one script).
 * Returns 0 or -1. */
int redis_incr_many(const char *const *keys, int n);
/* SET key value NX PX ms.  Returns 1 when set, 0 when the key exists, -1
 * when Redis is unreachable. */
int redis_set_nx(const char *key, const char *value, long ms);
/* LPUSH value to key and keep the newest max entries.  Returns 0 or -1. */
int redis_push_capped(const char *key, const char *value, long max);
/* The entries of list key (newest first), at most max.  Returns the count
 * stored in *items (caller frees each and the array with free()), or -1. */
int redis_list(const char *key, long max, char ***items);
/* DEL each of n keys.  Returns 0 or -1. */
int redis_del_many(const char *const *keys, int n);
/* GET key.  Returns 1 with *value (caller frees with free()), 0 when
 * missing, -1 when Redis is unreachable. */
int redis_get_value(const char *key, char **value, size_t *len);
/* Close the connection. */
void redis_close(void);

#endif
