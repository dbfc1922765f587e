/* conf.c -- the settings table, its parsers and printers. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "conf.h"
#include "xmalloc.h"

const struct conf *conf;

enum conf_type {
	CONF_STR = 1,
	CONF_URL,	/* a string that may hold a password: printed redacted */
	CONF_SECRET,	/* a string never printed */
	CONF_INT,
	CONF_BOOL,
	CONF_ENUM,
	CONF_CIDRS,
	CONF_RATE	/* "N/SECONDS" */
};

static const char *const conf_levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const conf_rl_stores[] = { "auto", "local", "redis", NULL };
static const char *const conf_envs[] = { "development", "test", "staging", "production", NULL };

struct conf_row {
	const char		*name;
	enum conf_type		 type;
	size_t			 off;
	const char		*def;
	long			 min, max;	/* CONF_INT bounds; CONF_SECRET: min is
						 * the shortest value accepted
						 * outside development */
	const char *const	*names;		/* CONF_ENUM values */
	const char		*help;
};

#define OFF(f)	offsetof(struct conf, f)

static const struct conf_row conf_rows[] = {
	{ "APP_ENV", CONF_ENUM, OFF(app_env), "production", 0, 0, conf_envs,
	  "Deployment environment: development, test, staging or production (the default: a forgotten setting relaxes nothing). Outside development the commands that use secrets refuse placeholder, known or too short ones, and `seed` needs SEED_PASSWORD; ./dev's stacks set development." },
	{ "DATABASE_READ_URL", CONF_URL, OFF(database_read_url), "", 0, 0, NULL,
	  "A read replica for the catalogue reads (cacheable GET routes); empty: the primary. When it is down the primary reads." },
	{ "MIGRATE_DATABASE_URL", CONF_URL, OFF(migrate_database_url), "", 0, 0, NULL,
	  "Connection of `exodrive migrate` and `seed`: the schema owner (empty: DATABASE_URL). See sql/roles.sql." },
	{ "DATABASE_URL", CONF_URL, OFF(database_url), "postgresql:///exodrive", 0, 0, NULL,
	  "libpq connection URI or key=value string of the primary database." },
	{ "DATABASE_CONNECT_TIMEOUT", CONF_INT, OFF(database_connect_timeout), "3", 1, 60, NULL,
	  "Seconds to wait for a PostgreSQL connection." },
	{ "DATABASE_STATEMENT_TIMEOUT", CONF_INT, OFF(database_statement_timeout), "5000", 100, 600000, NULL,
	  "Milliseconds after which PostgreSQL cancels a statement." },
	{ "REDIS_URL", CONF_URL, OFF(redis_url), "redis://127.0.0.1:6379/0", 0, 0, NULL,
	  "redis://[:password@]host:port/db or unix:///path/to/redis.sock?db=N." },
	{ "REDIS_SENTINELS", CONF_STR, OFF(redis_sentinels), "", 0, 0, NULL,
	  "Sentinels (host:port,...) that say where the master is; REDIS_URL then gives only password and db." },
	{ "REDIS_SENTINEL_MASTER", CONF_STR, OFF(redis_sentinel_master), "exodrive", 0, 0, NULL,
	  "The master's name at the sentinels." },
	{ "REDIS_CONNECT_TIMEOUT", CONF_INT, OFF(redis_connect_timeout), "200", 10, 10000, NULL,
	  "Milliseconds to wait for a Redis connection." },
	{ "REDIS_COMMAND_TIMEOUT", CONF_INT, OFF(redis_command_timeout), "250", 10, 60000, NULL,
	  "Milliseconds to wait for a Redis reply." },
	{ "REDIS_BREAKER_FAILURES", CONF_INT, OFF(redis_breaker_failures), "3", 1, 1000, NULL,
	  "Consecutive failed Redis calls after which a process stops calling Redis (the circuit opens)." },
	{ "REDIS_BREAKER_OPEN", CONF_INT, OFF(redis_breaker_open), "1000", 0, 600000, NULL,
	  "Milliseconds an open circuit skips Redis before one call probes it again." },
	{ "REDIS_CACHE_ENABLED", CONF_BOOL, OFF(redis_cache_enabled), "true", 0, 0, NULL,
	  "Use the Redis cache for cacheable routes (false: X-Cache: BYPASS everywhere)." },
	{ "REDIS_CACHE_TTL_DEFAULT", CONF_INT, OFF(redis_cache_ttl_default), "300", 1, 86400, NULL,
	  "Seconds a cache entry lives when its family sets no TTL." },
	{ "RATE_LIMIT_ENABLED", CONF_BOOL, OFF(rate_limit_enabled), "true", 0, 0, NULL,
	  "Apply the rate-limit tiers of the route table." },
	{ "ERROR_LOGGING_LEVEL", CONF_ENUM, OFF(log_level), "info", 0, 0, conf_levels,
	  "Least severe log level written: error, warn, info (one line per request) or debug." },
	{ "LOG_FILE", CONF_STR, OFF(log_file), "", 0, 0, NULL,
	  "Write the log to this file instead of stderr; SIGUSR1 opens it again (logrotate)." },
	{ "MAX_BODY_BYTES", CONF_INT, OFF(max_body_bytes), "1048576", 1024, 67108864, NULL,
	  "Largest request body accepted; larger ones get 413 PAYLOAD_TOO_LARGE." },
	{ "UPLOAD_MAX_BYTES", CONF_INT, OFF(upload_max_bytes), "5242880", 1024, 67108864, NULL,
	  "Largest image POST /api/cars/upload accepts (multipart bodies may exceed MAX_BODY_BYTES by this)." },
	{ "UPLOAD_DIR", CONF_STR, OFF(upload_dir), "/var/lib/exodrive/uploads", 0, 0, NULL,
	  "Where uploaded images and their variants are stored ({user}/{uuid}.{ext}); the web server serves it." },
	{ "UPLOAD_URL", CONF_STR, OFF(upload_url), "/uploads", 0, 0, NULL,
	  "Public URL prefix of UPLOAD_DIR (e.g. https://cdn.example/uploads)." },
	{ "MONITOR_WEBHOOK_URL", CONF_STR, OFF(monitor_webhook_url), "", 0, 0, NULL,
	  "Where `exodrive monitor` POSTs its JSON alert (empty: print only)." },
	{ "MONITOR_REDIS_LATENCY_MS", CONF_INT, OFF(monitor_redis_latency_ms), "50", 1, 60000, NULL,
	  "Redis PING slower than this is an alert." },
	{ "MONITOR_REDIS_MEMORY_PCT", CONF_INT, OFF(monitor_redis_memory_pct), "90", 1, 100, NULL,
	  "Redis memory above this share of maxmemory is an alert." },
	{ "MONITOR_PG_CONNECTIONS_PCT", CONF_INT, OFF(monitor_pg_connections_pct), "80", 1, 100, NULL,
	  "PostgreSQL connections above this share of max_connections is an alert." },
	{ "MONITOR_5XX_PCT", CONF_INT, OFF(monitor_5xx_pct), "1", 0, 100, NULL,
	  "5xx answers above this share of all answers in the window is an alert." },
	{ "MONITOR_P95_MS", CONF_INT, OFF(monitor_p95_ms), "1000", 1, 600000, NULL,
	  "A route family (first path segment after /api) whose p95 latency in the window is above this is an alert." },
	{ "MONITOR_429_PCT", CONF_INT, OFF(monitor_429_pct), "5", 0, 100, NULL,
	  "Rate-limited answers (429) above this share of all answers in the window is an alert." },
	{ "MONITOR_MIN_REQUESTS", CONF_INT, OFF(monitor_min_requests), "20", 0, 1000000000, NULL,
	  "Fewer answers than this in the window (of a family, for p95) pass the 5xx, 429 and p95 checks." },
	{ "MONITOR_WINDOW", CONF_INT, OFF(monitor_window), "300", 1, 86400, NULL,
	  "Seconds of answers the 5xx, 429 and p95 checks judge: since the oldest snapshot of the scoreboard this recent." },
	{ "MONITOR_STATE_FILE", CONF_STR, OFF(monitor_state_file), "", 0, 0, NULL,
	  "Where `exodrive monitor` keeps its snapshots of the scoreboard (empty: METRICS_FILE.monitor)." },
	{ "MONITOR_CACHE_HIT_MIN_PCT", CONF_INT, OFF(monitor_cache_hit_min_pct), "50", 0, 100, NULL,
	  "A cache hit ratio of the day below this (after 100 lookups) is an alert." },
	{ "MONITOR_QUEUE_BACKLOG", CONF_INT, OFF(monitor_queue_backlog), "1000", 1, 100000000, NULL,
	  "Ready jobs of a queue and delayed ones already due, at or above this, is an alert (a reminder due next month is no backlog)." },
	{ "MONITOR_DEAD_LETTERS", CONF_INT, OFF(monitor_dead_letters), "100", 1, 100000000, NULL,
	  "Dead-lettered jobs of a queue at or above this is an alert." },
	{ "MONITOR_WEBHOOK_DEAD_LETTERS", CONF_INT, OFF(monitor_webhook_dead_letters), "0", 0, 100000000, NULL,
	  "More inbound webhook dead letters waiting for an admin than this is an alert (0: any)." },
	{ "METRICS_FILE", CONF_STR, OFF(metrics_file), "/dev/shm/exodrive-metrics", 0, 0, NULL,
	  "File every process maps to share its counters (/metrics, /pool-status); writable by all of them." },
	{ "METRICS_ALLOW", CONF_CIDRS, OFF(metrics_allow), "127.0.0.1,::1", 0, 0, NULL,
	  "Client addresses that may read /metrics and /pool-status without an admin token." },
	{ "TRUSTED_PROXIES", CONF_CIDRS, OFF(trusted_proxies), "127.0.0.1,::1", 0, 0, NULL,
	  "Addresses/CIDRs whose X-Forwarded-For is believed; empty trusts no one." },
	{ "CORS_ORIGINS", CONF_STR, OFF(cors_origins), "", 0, 0, NULL,
	  "Comma-separated origins allowed by CORS (exact, e.g. https://exodrive.example); * allows any." },
	{ "CORS_MAX_AGE", CONF_INT, OFF(cors_max_age), "600", 0, 86400, NULL,
	  "Seconds a browser may cache a CORS preflight answer." },
	{ "SHUTDOWN_GRACE", CONF_INT, OFF(shutdown_grace), "30", 1, 3600, NULL,
	  "Seconds the master waits for responders to finish on stop or reload before SIGKILL." },
	{ "REQUEST_TIMEOUT", CONF_INT, OFF(request_timeout), "60", 0, 3600, NULL,
	  "Seconds one request may hold a responder of our master before it is killed and replaced (hung or stopped; 0: never)." },
	{ "JWT_SECRET", CONF_SECRET, OFF(jwt_secret), "", 32, 0, NULL,
	  "HS256 key of access tokens; at least 32 characters (required to serve)." },
	{ "JWT_ISSUER", CONF_STR, OFF(jwt_issuer), "exodrive", 0, 0, NULL,
	  "iss claim issued and required." },
	{ "JWT_AUDIENCE", CONF_STR, OFF(jwt_audience), "exodrive-api", 0, 0, NULL,
	  "aud claim issued and required." },
	{ "ACCESS_TOKEN_TTL", CONF_INT, OFF(access_token_ttl), "900", 60, 86400, NULL,
	  "Seconds an access token lives." },
	{ "SESSION_CACHE_TTL", CONF_INT, OFF(session_cache_ttl), "60", 0, 3600, NULL,
	  "Seconds a signed-in user's role is cached in Redis (0: read it from PostgreSQL on every request)." },
	{ "REFRESH_TOKEN_TTL", CONF_INT, OFF(refresh_token_ttl), "2592000", 3600, 31536000, NULL,
	  "Seconds a refresh token lives (rotated on every use)." },
	{ "PAYPAL_API_BASE", CONF_STR, OFF(paypal_api_base), "https://api-m.sandbox.paypal.com", 0, 0, NULL,
	  "PayPal REST API base: https://api-m.sandbox.paypal.com or https://api-m.paypal.com." },
	{ "PAYPAL_CLIENT_ID", CONF_STR, OFF(paypal_client_id), "", 0, 0, NULL,
	  "PayPal REST app client id (payments answer 503 while unset)." },
	{ "PAYPAL_CLIENT_SECRET", CONF_SECRET, OFF(paypal_client_secret), "", 0, 0, NULL,
	  "PayPal REST app secret." },
	{ "PAYPAL_WEBHOOK_ID", CONF_STR, OFF(paypal_webhook_id), "", 0, 0, NULL,
	  "Id of the PayPal webhook whose deliveries are accepted (unset: all refused)." },
	{ "PAYPAL_TIMEOUT", CONF_INT, OFF(paypal_timeout), "10000", 100, 60000, NULL,
	  "Milliseconds a PayPal call may take." },
	{ "RESEND_WEBHOOK_SECRET", CONF_SECRET, OFF(resend_webhook_secret), "", 0, 0, NULL,
	  "Resend's webhook signing secret (whsec_...); unset: its deliveries are refused." },
	{ "DOCUSEAL_WEBHOOK_SECRET", CONF_SECRET, OFF(docuseal_webhook_secret), "", 0, 0, NULL,
	  "DocuSeal's webhook HMAC key; unset: its deliveries are refused." },
	{ "SMTP_URL", CONF_URL, OFF(smtp_url), "smtp://127.0.0.1:25", 0, 0, NULL,
	  "Mail server: smtp://host:port (STARTTLS when offered) or smtps://host:port." },
	{ "SMTP_USER", CONF_STR, OFF(smtp_user), "", 0, 0, NULL,
	  "SMTP login (empty: no authentication)." },
	{ "SMTP_PASSWORD", CONF_SECRET, OFF(smtp_password), "", 0, 0, NULL,
	  "SMTP password." },
	{ "RESEND_API_KEY", CONF_SECRET, OFF(resend_api_key), "", 0, 0, NULL,
	  "Resend API key (re_...): set, emails are sent through Resend's HTTP API, tagged with booking_id and email_type; unset: over SMTP_URL." },
	{ "RESEND_API_URL", CONF_URL, OFF(resend_api_url), "https://api.resend.com", 0, 0, NULL,
	  "Base URL of Resend's API (POST {url}/emails)." },
	{ "EMAIL_FROM", CONF_STR, OFF(email_from), "ExoDrive <bookings@exodrive.co>", 0, 0, NULL,
	  "Sender of every email: Name <address>." },
	{ "CONTACT_EMAIL", CONF_STR, OFF(contact_email), "ExoDrive <contact@exodrive.co>", 0, 0, NULL,
	  "Where contact-form messages go (Reply-To: the sender)." },
	{ "TEMPLATE_DIR", CONF_STR, OFF(template_dir), EXODRIVE_TEMPLATEDIR, 0, 0, NULL,
	  "Directory of the email templates (NAME.html, NAME.txt)." },
	{ "TRPC_BATCH_ENABLED", CONF_BOOL, OFF(trpc_batch_enabled), "true", 0, 0, NULL,
	  "Accept tRPC batch calls (?batch=1) on /trpc." },
	{ "TRPC_BATCH_MAX_SIZE", CONF_INT, OFF(trpc_batch_max_size), "10", 1, 100, NULL,
	  "Calls one tRPC batch may hold (each counts against its route's rate limit)." },
	{ "QUEUE_CONCURRENCY", CONF_INT, OFF(queue_concurrency), "2", 1, 64, NULL,
	  "Worker processes `exodrive worker` runs." },
	{ "QUEUE_MAX_JOBS", CONF_INT, OFF(queue_max_jobs), "0", 0, 100000000, NULL,
	  "Jobs a worker process handles before it is replaced (0: no limit)." },
	{ "QUEUE_RATES", CONF_STR, OFF(queue_rates), "", 0, 0, NULL,
	  "Jobs per second per queue across all workers, e.g. email=14,webhook=50 (unlisted: no limit)." },
	{ "QUEUE_LEASE", CONF_INT, OFF(queue_lease), "30000", 1000, 3600000, NULL,
	  "Milliseconds a worker holds a job before the reaper gives it to another; a job that runs longer has its lease renewed every quarter of it." },
	{ "QUEUE_JOB_TIMEOUT", CONF_INT, OFF(queue_job_timeout), "600000", 1000, 86400000, NULL,
	  "Milliseconds a job's lease is renewed while it runs; a job still running then is taken to be hung: its lease lapses and the reaper hands it to another worker." },
	{ "QUEUE_TEST_DELAYS", CONF_BOOL, OFF(queue_test_delays), "false", 0, 0, NULL,
	  "Development and test only (a worker refuses it elsewhere): a job whose data holds testDelayMs (at most 120000) sleeps that long first, reporting progress, so the tests can hold a job past its lease." },
	{ "WEBHOOK_URLS", CONF_STR, OFF(webhook_urls), "", 0, 0, NULL,
	  "Comma-separated http(s) URLs that receive booking and payment events (empty: none)." },
	{ "WEBHOOK_SECRET", CONF_SECRET, OFF(webhook_secret), "", 16, 0, NULL,
	  "HMAC-SHA256 key of the X-ExoDrive-Signature header of outbound webhooks; at least 16 characters, and required with WEBHOOK_URLS, outside development." },
	{ "WEBHOOK_ALLOW", CONF_CIDRS, OFF(webhook_allow), "", 0, 0, NULL,
	  "Private, loopback or link-local addresses/CIDRs webhooks may still reach (default: none)." },
	{ "WEBHOOK_BACKOFF", CONF_INT, OFF(webhook_backoff), "30000", 100, 3600000, NULL,
	  "Milliseconds before the first retry of a failed webhook delivery (doubling, 6 attempts)." },
	{ "CRON_SECRET", CONF_SECRET, OFF(cron_secret), "", 16, 0, NULL,
	  "Bearer token of the scheduled-job routes (unset: those routes answer 401); at least 16 characters outside development." },
	{ "SEED_PASSWORD", CONF_SECRET, OFF(seed_password), "", 12, 0, NULL,
	  "Password of the accounts `exodrive seed` creates; empty: exodrive-dev-password, in development only (elsewhere seed refuses). At least 12 characters outside development." },
	{ "BASE_URL", CONF_STR, OFF(base_url), "http://localhost:3000", 0, 0, NULL,
	  "Public site address used in booking links." },
	{ "BOOKING_HOLD_MINUTES", CONF_INT, OFF(booking_hold_minutes), "60", 5, 10080, NULL,
	  "Minutes a site booking holds its dates unpaid (its `hold_until`) before "
	  "`exodrive expire-holds` cancels it; admin-created bookings hold until their "
	  "payment link expires." },
	{ "CACHE_TTL_FLEET", CONF_INT, OFF(cache_ttl_fleet), "3600", 1, 86400, NULL,
	  "Seconds a cached fleet list (and lookup by slug) stays fresh." },
	{ "CACHE_TTL_CAR", CONF_INT, OFF(cache_ttl_car), "1800", 1, 86400, NULL,
	  "Seconds cached car details stay fresh." },
	{ "CACHE_TTL_AVAILABILITY", CONF_INT, OFF(cache_ttl_availability), "300", 1, 86400, NULL,
	  "Seconds a cached availability answer stays fresh." },
	{ "CACHE_TTL_REVIEWS", CONF_INT, OFF(cache_ttl_reviews), "3600", 1, 86400, NULL,
	  "Seconds a cached review list stays fresh." },
	{ "CACHE_MAX_STALE", CONF_INT, OFF(cache_max_stale), "3600", 0, 604800, NULL,
	  "Seconds past freshness a cached answer may still be served: while one request refreshes it, or while PostgreSQL is down." },
	{ "CACHE_LOCAL_ENTRIES", CONF_INT, OFF(cache_local_entries), "256", 0, 100000, NULL,
	  "Entries of the per-process cache that stands in while Redis is unreachable (0: none)." },
	{ "CACHE_LOCAL_BYTES", CONF_INT, OFF(cache_local_bytes), "4194304", 0, 1073741824, NULL,
	  "Bytes that per-process cache may hold." },
	{ "L1_MAX_BYTES", CONF_INT, OFF(l1_max_bytes), "4194304", 0, 1073741824, NULL,
	  "Bytes of the first-level cache each responder keeps in memory (the hottest cached answers, dropped by Redis's invalidation messages; 0: off)." },
	{ "CACHE_LOCAL_TTL", CONF_INT, OFF(cache_local_ttl), "5", 1, 3600, NULL,
	  "Seconds an answer stays in that per-process cache (bounds staleness across processes)." },
	{ "WARM_ON_START", CONF_BOOL, OFF(warm_on_start), "false", 0, 0, NULL,
	  "Warm the cache (fleet list, popular cars, their next 7 days) when the master starts." },
	{ "RATE_LIMIT_STORE", CONF_ENUM, OFF(rate_limit_store), "auto", 0, 0, conf_rl_stores,
	  "Where rate-limit decisions are taken: local (a table in a file every process of this host maps, no Redis round trip; exact per host), redis (a script on Redis: exact across hosts), or auto (the default): local unless REDIS_SENTINELS is set or REDIS_URL names a remote Redis (not loopback, not a unix socket)." },
	{ "RATE_LIMIT_FILE", CONF_STR, OFF(rate_limit_file), "", 0, 0, NULL,
	  "File of the local rate-limit table (empty: METRICS_FILE with -ratelimit appended; none when both are empty); every process of the host must map the same one, so it must be writable by all of them." },
	{ "RATE_LIMIT_LOCAL_SLOTS", CONF_INT, OFF(rate_limit_local_slots), "65536", 64, 16777216, NULL,
	  "Buckets of the local rate-limit table (16 bytes each); an identity that finds no room is decided by Redis and counted in /metrics." },
	{ "RATE_LIMIT_EXEMPT", CONF_CIDRS, OFF(rate_limit_exempt), "", 0, 0, NULL,
	  "Client addresses/CIDRs never rate limited (monitoring, office)." },
	{ "RATE_LIMIT_EXEMPT_USERS", CONF_STR, OFF(rate_limit_exempt_users), "", 0, 0, NULL,
	  "Comma-separated user ids never rate limited (service accounts)." },
	{ "RATE_LIMIT_PUBLIC", CONF_RATE, OFF(rate_public), "60/60", 0, 0, NULL,
	  "Public tier, per client IP: requests/seconds." },
	{ "RATE_LIMIT_AUTH", CONF_RATE, OFF(rate_auth), "120/60", 0, 0, NULL,
	  "Signed-in tier, per user (per IP without one)." },
	{ "RATE_LIMIT_BOOKING", CONF_RATE, OFF(rate_booking), "10/3600", 0, 0, NULL,
	  "Booking creation, per user (per IP for guests)." },
	{ "RATE_LIMIT_PAYMENT", CONF_RATE, OFF(rate_payment), "10/60", 0, 0, NULL,
	  "Payment routes, per IP and per user." },
	{ "RATE_LIMIT_CONTACT", CONF_RATE, OFF(rate_contact), "5/3600", 0, 0, NULL,
	  "Contact-form messages per IP (each sends two emails)." },
	{ "RATE_LIMIT_UPLOAD", CONF_RATE, OFF(rate_upload), "5/60", 0, 0, NULL,
	  "Uploads, per user (per IP without one)." },
	{ "RATE_LIMIT_WEBHOOK", CONF_RATE, OFF(rate_webhook), "100/60", 0, 0, NULL,
	  "Inbound webhooks, per IP." },
	{ "RATE_LIMIT_ADMIN", CONF_RATE, OFF(rate_admin), "300/60", 0, 0, NULL,
	  "Admin routes, per user." },
	{ "RATE_LIMIT_LOGIN", CONF_RATE, OFF(rate_login), "10/60", 0, 0, NULL,
	  "Login, registration and refresh attempts, per IP and per account." },
};

#define CONF_NROWS	(sizeof conf_rows / sizeof conf_rows[0])

static const struct conf_row *
conf_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < CONF_NROWS; i++) {
		if (strlen(conf_rows[i].name) == len &&
		    strncmp(conf_rows[i].name, name, len) == 0)
			return &conf_rows[i];
	}
	return NULL;
}

static int
conf_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on", NULL };
	static const char *const no[] = { "0", "false", "no", "off", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
	}
	for (i = 0; no[i] != NULL; i++) {
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int
conf_parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
conf_parse_enum(const char *v, const char *const *names, long *out)
{
	long i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcasecmp(v, names[i]) == 0)
			return *out = i, 0;
	}
	return -1;
}

/* Store value v of row r into c.  Returns 0, or -1 with err filled. */
static int
conf_set(struct conf *c, const struct conf_row *r, const char *v,
    const char *origin, char *err, size_t errlen)
{
	char *field = (char *)c + r->off;
	struct cidr_list l;
	const char *bad = NULL;
	int rc = 0;

	switch (r->type) {
	case CONF_STR:
	case CONF_URL:
	case CONF_SECRET:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		break;
	case CONF_INT:
		rc = conf_parse_long(v, r->min, r->max, (long *)field);
		if (rc != 0)
			snprintf(err, errlen, "%s (%s): '%s' is not an integer "
			    "from %ld to %ld", r->name, origin, v, r->min, r->max);
		return rc;
	case CONF_BOOL:
		rc = conf_parse_bool(v, (bool *)field);
		if (rc != 0)
			snprintf(err, errlen, "%s (%s): '%s' is not a boolean "
			    "(true/false, 1/0, yes/no, on/off)", r->name, origin, v);
		return rc;
	case CONF_ENUM:
		rc = conf_parse_enum(v, r->names, (long *)field);
		if (rc != 0)
			snprintf(err, errlen, "%s (%s): '%s' is not one of the "
			    "allowed values", r->name, origin, v);
		return rc;
	case CONF_RATE:
		{
			struct conf_rate *rt = (struct conf_rate *)field;
			char *slash, *end;
			long n, sec;

			errno = 0;
			n = strtol(v, &slash, 10);
			sec = *slash == '/' ? strtol(slash + 1, &end, 10) : 0;
			if (errno != 0 || *slash != '/' || *end != '\0' || n < 1 ||
			    n > 1000000 || sec < 1 || sec > 86400) {
				snprintf(err, errlen, "%s (%s): '%s' is not LIMIT/SECONDS "
				    "(e.g. 60/60)", r->name, origin, v);
				return -1;
			}
			rt->limit = n;
			rt->seconds = sec;
		}
		break;
	case CONF_CIDRS:
		if (cidr_list_parse(v, &l, &bad) != 0) {
			snprintf(err, errlen, "%s (%s): '%s' is not an IP "
			    "address or CIDR", r->name, origin, bad);
			return -1;
		}
		cidr_list_free((struct cidr_list *)field);
		*(struct cidr_list *)field = l;
		break;
	}
	return 0;
}

/* Strip surrounding blanks and one pair of matching quotes, in place. */
static char *
conf_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		s[n - 1] = '\0';
		s++;
	}
	return s;
}

/* Apply one "KEY=VALUE" line of the file; unknown keys are left to other
 * programs sharing the file (libpq's PG* variables, say). */
/* True when key is NAME_FILE for a setting NAME (its row in *r): the
 * value of NAME is then read from the file the key names (secrets kept
 * out of environment files, as Docker and systemd credentials do). */
static bool
conf_is_file_key(const char *key, const struct conf_row **r)
{
	size_t n = strlen(key);

	return n > 5 && strcmp(key + n - 5, "_FILE") == 0 &&
	    (*r = conf_find(key, n - 5)) != NULL;
}

/* Set row r from the contents of file (one trailing newline dropped). */
static int
conf_set_from_file(struct conf *c, const struct conf_row *r, const char *file,
    const char *origin, char *err, size_t errlen)
{
	char buf[4096], where[600];
	size_t n;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s_FILE (%s): %s: %s", r->name, origin, file,
		    strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	snprintf(where, sizeof where, "%s_FILE", r->name);
	return conf_set(c, r, buf, where, err, errlen);
}

static int
conf_file_line(struct conf *c, char *line, const char *path, int lineno,
    char *err, size_t errlen)
{
	char origin[512], *eq, *key, *val;
	const struct conf_row *r;

	key = conf_trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	if (strncmp(key, "export ", 7) == 0)
		key = conf_trim(key + 7);
	if ((eq = strchr(key, '=')) == NULL) {
		snprintf(err, errlen, "%s:%d: expected KEY=VALUE", path, lineno);
		return -1;
	}
	*eq = '\0';
	key = conf_trim(key);
	val = conf_trim(eq + 1);
	snprintf(origin, sizeof origin, "%s:%d", path, lineno);
	if (conf_is_file_key(key, &r))
		return getenv(key) != NULL ? 0 : conf_set_from_file(c, r, val, origin, err, errlen);
	if ((r = conf_find(key, strlen(key))) == NULL || getenv(key) != NULL)
		return 0;
	return conf_set(c, r, val, origin, err, errlen);
}

static int
conf_load_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	char line[4096];
	int lineno = 0, rc = 0;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		rc = conf_file_line(c, line, path, lineno, err, errlen);
	}
	fclose(f);
	return rc;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	const char *v;
	size_t i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < CONF_NROWS; i++) {
		if (conf_set(c, &conf_rows[i], conf_rows[i].def, "default",
		    err, errlen) != 0)
			return -1;
	}
	if (path != NULL && conf_load_file(c, path, err, errlen) != 0)
		return -1;
	for (i = 0; i < CONF_NROWS; i++) {
		char key[128];

		snprintf(key, sizeof key, "%s_FILE", conf_rows[i].name);
		if ((v = getenv(key)) != NULL) {
			if (conf_set_from_file(c, &conf_rows[i], v, "environment", err,
			    errlen) != 0)
				return -1;
			continue;
		}
		if ((v = getenv(conf_rows[i].name)) == NULL)
			continue;
		if (conf_set(c, &conf_rows[i], v, "environment", err,
		    errlen) != 0)
			return -1;
	}
	return 0;
}

void
conf_free(struct conf *c)
{
	size_t i;
	char *field;

	for (i = 0; i < CONF_NROWS; i++) {
		field = (char *)c + conf_rows[i].off;
		if (conf_rows[i].type == CONF_STR || conf_rows[i].type == CONF_URL ||
		    conf_rows[i].type == CONF_SECRET) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (conf_rows[i].type == CONF_CIDRS)
			cidr_list_free((struct cidr_list *)field);
	}
}

void
conf_redact_url(const char *url, char *out, size_t outlen)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *start;

	start = scheme ? scheme + 3 : url;
	at = strchr(start, '@');
	colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
	if (colon == NULL) {
		/* key=value strings may carry password=... */
		if (strstr(url, "password") != NULL)
			snprintf(out, outlen, "(connection string with password)");
		else
			snprintf(out, outlen, "%s", url);
		return;
	}
	snprintf(out, outlen, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

/* Render the current value of row r. */
static void
conf_value(const struct conf *c, const struct conf_row *r, struct buf *b)
{
	const char *field = (const char *)c + r->off;
	const struct cidr_list *l;
	char tmp[1024];

	switch (r->type) {
	case CONF_STR:
		buf_adds(b, *(char *const *)field);
		break;
	case CONF_URL:
		conf_redact_url(*(char *const *)field, tmp, sizeof tmp);
		buf_adds(b, tmp);
		break;
	case CONF_SECRET:
		buf_adds(b, **(char *const *)field ? "(set)" : "(unset)");
		break;
	case CONF_INT:
		buf_printf(b, "%ld", *(const long *)field);
		break;
	case CONF_BOOL:
		buf_adds(b, *(const bool *)field ? "true" : "false");
		break;
	case CONF_ENUM:
		buf_adds(b, r->names[*(const long *)field]);
		break;
	case CONF_CIDRS:
		l = (const struct cidr_list *)field;
		buf_printf(b, "(%zu entries)", l->n);
		break;
	case CONF_RATE:
		buf_printf(b, "%ld/%ld", ((const struct conf_rate *)field)->limit,
		    ((const struct conf_rate *)field)->seconds);
		break;
	}
}

void
conf_print(const struct conf *c, bool markdown)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	if (markdown)
		printf("| Variable | Default | Meaning |\n|---|---|---|\n");
	for (i = 0; i < CONF_NROWS; i++) {
		buf_reset(&b);
		if (markdown) {
			printf("| `%s` | %s%s%s | %s |\n", conf_rows[i].name,
			    *conf_rows[i].def ? "`" : "",
			    *conf_rows[i].def ? conf_rows[i].def : "(empty)",
			    *conf_rows[i].def ? "`" : "", conf_rows[i].help);
			continue;
		}
		conf_value(c, &conf_rows[i], &b);
		printf("%s=%s\n", conf_rows[i].name, b.data ? b.data : "");
	}
	buf_free(&b);
}

/* Values that are no secret: the placeholders of examples and the fixed
 * values of the development stack and seed. */
static const char *const conf_known_secrets[] = {
	"secret", "password", "changeme", "changeit", "test", "dev",
	"development", "default", "example", "local-secret",
	"exodrive-dev-password", NULL
};
/* Marks of a placeholder anywhere in a value (a URL's password, say). */
static const char *const conf_placeholder_marks[] = {
	"change-me", "change_me", "changeme", "replace-me", "replace_me",
	"replaceme", "placeholder", NULL
};

/* True if needle occurs in s, ignoring case. */
static bool
conf_contains(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++) {
		if (strncasecmp(s, needle, n) == 0)
			return true;
	}
	return false;
}

/* True if v is a placeholder; whole is true for a secret (checked as a
 * whole against the known values too), false for a URL. */
static bool
conf_is_placeholder(const char *v, bool whole)
{
	size_t i;

	for (i = 0; whole && conf_known_secrets[i] != NULL; i++) {
		if (strcasecmp(v, conf_known_secrets[i]) == 0)
			return true;
	}
	for (i = 0; conf_placeholder_marks[i] != NULL; i++) {
		if (conf_contains(v, conf_placeholder_marks[i]))
			return true;
	}
	return false;
}

/* Check the value of row r (a secret or a URL) outside development.
 * Returns 0, or -1 with err filled. */
static int
conf_check_row(const struct conf *c, const struct conf_row *r, char *err,
    size_t errlen)
{
	const char *v;

	if (r->type != CONF_SECRET && r->type != CONF_URL)
		return 0;
	v = *(char *const *)((const char *)c + r->off);
	if (*v == '\0')
		return 0;
	if (conf_is_placeholder(v, r->type == CONF_SECRET)) {
		snprintf(err, errlen, "%s holds a placeholder or a known development "
		    "value; set the real one (refused with APP_ENV=%s)", r->name,
		    conf_app_env(c));
		return -1;
	}
	if (r->type == CONF_SECRET && strlen(v) < (size_t)r->min) {
		snprintf(err, errlen, "%s is shorter than %ld characters (refused "
		    "with APP_ENV=%s)", r->name, r->min, conf_app_env(c));
		return -1;
	}
	return 0;
}

int
conf_check_secrets(const struct conf *c, bool serve, char *err, size_t errlen)
{
	bool dev = c->app_env == APP_ENV_DEVELOPMENT;
	size_t i;

	for (i = 0; !dev && i < CONF_NROWS; i++) {
		if (conf_check_row(c, &conf_rows[i], err, errlen) != 0)
			return -1;
	}
	if (serve && strlen(c->jwt_secret) < 32) {
		snprintf(err, errlen, "JWT_SECRET must be set to at least 32 characters");
		return -1;
	}
	if (!dev && c->webhook_urls[0] != '\0' && c->webhook_secret[0] == '\0') {
		snprintf(err, errlen, "WEBHOOK_SECRET must be set when WEBHOOK_URLS is, "
		    "or receivers cannot tell our deliveries from forged ones "
		    "(refused with APP_ENV=%s)", conf_app_env(c));
		return -1;
	}
	return 0;
}

int
conf_check_secret(const struct conf *c, const char *name, char *err, size_t errlen)
{
	const struct conf_row *r = conf_find(name, strlen(name));

	if (r == NULL || c->app_env == APP_ENV_DEVELOPMENT)
		return 0;
	return conf_check_row(c, r, err, errlen);
}

const char *
conf_app_env(const struct conf *c)
{
	return conf_envs[c->app_env];
}

bool
conf_cors_allowed(const struct conf *c, const char *origin)
{
	const char *p = c->cors_origins, *end;
	size_t n = strlen(origin), len;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if ((len == 1 && *p == '*') || (len == n && len > 0 &&
		    strncmp(p, origin, n) == 0))
			return true;
		p = end;
	}
	return false;
}
