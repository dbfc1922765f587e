/* redis.h -- the Redis connection of this process.  The only hiredis user.
 *
 * Opened lazily after fork, with connect and command timeouts; a
 * connection broken by a server restart is reopened once and the round
 * trip retried.  A circuit breaker (REDIS_BREAKER_FAILURES consecutive
 * failures open it for REDIS_BREAKER_OPEN ms, then one call probes) makes
 * an outage cost requests nothing: calls fail at once while it is open. */
#ifndef REDIS_H
#define REDIS_H

#include <stdbool.h>
#include <stddef.h>

/* Where REDIS_URL points. */
struct redis_addr {
	char	host[256];	/* empty for a unix socket */
	int	port;
	char	path[256];	/* unix socket path, or empty */
	char	user[128];		/* an ACL user (Redis 6+), or empty */
	char	password[256];
	int	db;
};

/* Parse redis://[[user]:password@]host[:port][/db] or
 * unix:///path/to/sock[?db=N&user=U&password=P] into a (a user is an ACL
 * user of Redis 6+).  Returns 0 or -1. */
int redis_parse_url(const char *url, struct redis_addr *a);
/* Send PING.  Returns 0 with the round trip in *ms, or -1. */
int redis_ping(double *ms);
/* A Lua script run by SHA (loaded on first use and again after a Redis
 * restart).  Initialise with the script text; sha is filled in. */
struct redis_script {
	const char	*text;
	char		 sha[41];
};

#define REDIS_PIPELINE_MAX	32	/* script calls or sends in one round trip */
#define REDIS_ROUNDTRIP_MAX	1024	/* commands of redis_ints() */
#define REDIS_CALL_ARGS		24	/* keys and args of one call */
#define REDIS_CALL_VALS		8	/* values kept of one reply */

enum redis_val_type { REDIS_VAL_NIL = 0, REDIS_VAL_INT, REDIS_VAL_STR };

/* One value of a reply.  For a string, i holds its leading integer. */
struct redis_val {
	enum redis_val_type	 type;
	long long		 i;
	char			*s;	/* owned by the call */
	size_t			 len;
};

/* One call of a round trip: a script (EVALSHA), or, with script NULL, a
 * plain command whose argv[0] is its name.  In: script, nkeys, argv (keys
 * then args; the strings stay the caller's).  Out: nval values of the reply
 * (an array's items in order), or -1 when the call failed. */
struct redis_call {
	struct redis_script	*script;
	int			 nkeys, argc;
	const char		*argv[REDIS_CALL_ARGS];
	int			 nval;
	struct redis_val	 val[REDIS_CALL_VALS];
};

/* Run n calls in one round trip (pipelined).  Returns 0,
 * or -1 when Redis is unreachable or some call failed (its nval is -1).
 * Release each call's values with redis_call_free(). */
int redis_run(struct redis_call *calls, int n);
/* Free the values of call. */
void redis_call_free(struct redis_call *call);
/* Whether the circuit is open (Redis is being skipped). */
bool redis_circuit_open(void);

/* Run script with nkeys keys then args (argv holds keys then args, argc
 * in all).  Stores up to nout integers of an integer or integer-array
 * reply in out.  Returns how many were stored, or -1 when Redis is
 * unreachable or the script failed (logged). */
int redis_eval(struct redis_script *s, int nkeys, const char **argv, int argc,
    long long *out, int nout);
/* Send n plain commands (at most REDIS_ROUNDTRIP_MAX) in one round trip
 * and store the integers of their replies in out, in order: a number, a
 * numeric string, nil as 0, an array's items.  Returns how many were
 * stored (at most nout), or -1. */
int redis_ints(int n, const int *argc, const char *const *const *argv,
    long long *out, int nout);
/* Send n plain commands (argv[i]: argc[i] C strings) in one round trip;
 * replies are dropped, error replies logged.  Returns 0 or -1. */
int redis_send(int n, const int *argc, const char *const *const *argv);
/* SET key value EX ttl.  Returns 0 or -1. */
int redis_cache_set(const char *key, const char *value, size_t len, long ttl);
/* INCR each of n keys (at most 13) in one round trip (one script).
 * Returns 0 or -1. */
int redis_incr_many(const char *const *keys, int n);
/* SET key value NX PX ms.  Returns 1 when set, 0 when the key exists, -1
 * when Redis is unreachable. */
int redis_set_nx(const char *key, const char *value, long ms);
/* BLPOP key, waiting up to ms.  Returns 1 when an item was popped, 0
 * when none came in time, -1 when Redis is unreachable. */
int redis_blpop(const char *key, long ms);
/* LPUSH value to key and keep the newest max entries.  Returns 0 or -1. */
int redis_push_capped(const char *key, const char *value, long max);
/* The entries of list key (newest first), at most max.  Returns the count
 * stored in *items (caller frees each and the array with free()), or -1. */
int redis_list(const char *key, long max, char ***items);
/* Run one command whose reply is a string (GET, INFO).  Returns 1 with
 * *value (caller frees) and *len, 0 when the reply is not a string, -1
 * when Redis is unreachable. */
int redis_text(int argc, const char **argv, char **value, size_t *len);
/* Run one command whose reply is an array of strings (e.g. HGETALL).
 * Returns the count stored in *items (caller frees each and the array),
 * or -1. */
int redis_strings(int argc, const char **argv, char ***items);
/* DEL n keys (at most REDIS_CALL_ARGS) in one command.  Returns 0 or -1. */
int redis_del_many(const char *const *keys, int n);
/* GET key.  Returns 1 with *value (caller frees with free()), 0 when
 * missing, -1 when Redis is unreachable. */
int redis_get_value(const char *key, char **value, size_t *len);
/* One step of SCAN cursor MATCH match COUNT 1000 (for operator commands,
 * never a request): the keys found into *keys (caller frees each and the
 * array), the next cursor into *next (caller frees; "0" at the end).
 * Returns how many keys, or -1. */
int redis_scan(const char *cursor, const char *match, char **next, char ***keys);
/* Close the connection (and the tracking connection with it). */
void redis_close(void);

/* The tracking connection of the first-level cache (l1.c): a second
 * connection with CLIENT TRACKING on in broadcast mode for the key
 * prefixes given, redirected to itself and subscribed to
 * __redis__:invalidate (RESP2).  It is closed whenever the data
 * connection is reopened (a restart, a failover), so that a caller that
 * sees it down knows invalidations may have been lost. */
/* Open it for n prefixes (at most 4).  Returns 0, or -1 (Redis
 * unreachable, the circuit open, or tracking refused). */
int redis_track_open(const char *const *prefixes, int n);
/* Read the invalidations that have arrived, without blocking: fn(key,
 * len, arg) for each invalidated key, key NULL when the whole database
 * was flushed.  Returns how many keys were reported, or -1 when the
 * connection is not open or broke (it is closed then). */
int redis_track_drain(void (*fn)(const char *key, size_t len, void *arg),
    void *arg);
/* Whether it is open. */
bool redis_track_is_open(void);
/* Close it. */
void redis_track_close(void);

#endif
