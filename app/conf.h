/* conf.h -- settings from the environment and an optional key=value file.
 *
 * Every setting is one row of the table in conf.c: name, type, default,
 * bounds and a description; the README's table is printed from it
 * (`exodrive config --markdown`).  The environment wins over the file.
 * (Named conf, not config, because config.h is autoconf's.) */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

/* APP_ENV.  Only development relaxes checks; production is the default. */
enum app_env {
	APP_ENV_DEVELOPMENT = 0,
	APP_ENV_TEST,
	APP_ENV_STAGING,
	APP_ENV_PRODUCTION
};

/* RATE_LIMIT_STORE. */
enum rate_limit_store {
	RATE_STORE_AUTO = 0,
	RATE_STORE_LOCAL,
	RATE_STORE_REDIS
};

/* A rate-limit tier: limit requests per seconds. */
struct conf_rate {
	long	limit;
	long	seconds;
};

struct conf {
	long		 app_env;			/* enum app_env */
	char		*database_url;
	long		 database_connect_timeout;	/* seconds */
	long		 database_statement_timeout;	/* milliseconds */
	char		*redis_url;
	long		 redis_connect_timeout;		/* milliseconds */
	long		 redis_command_timeout;		/* milliseconds */
	long		 redis_breaker_failures;	/* failures that open it */
	long		 redis_breaker_open;		/* milliseconds open */
	bool		 redis_cache_enabled;
	long		 redis_cache_ttl_default;	/* seconds */
	bool		 rate_limit_enabled;
	long		 rate_limit_store;		/* enum rate_limit_store */
	char		*rate_limit_file;		/* "": METRICS_FILE-ratelimit */
	long		 rate_limit_local_slots;
	long		 log_level;			/* enum log_level */
	long		 max_body_bytes;
	long		 upload_max_bytes;
	char		*upload_dir;
	char		*metrics_file;
	char		*redis_sentinels;
	char		*redis_sentinel_master;
	char		*migrate_database_url;
	char		*database_read_url;
	char		*log_file;
	char		*monitor_webhook_url;
	long		 monitor_redis_latency_ms;
	long		 monitor_redis_memory_pct;
	long		 monitor_pg_connections_pct;
	long		 monitor_5xx_pct;
	long		 monitor_p95_ms;
	long		 monitor_429_pct;
	long		 monitor_min_requests;
	long		 monitor_window;
	char		*monitor_state_file;
	long		 monitor_cache_hit_min_pct;
	long		 monitor_queue_backlog;
	long		 monitor_dead_letters;
	long		 monitor_webhook_dead_letters;
	char		*upload_url;
	struct cidr_list trusted_proxies;
	struct cidr_list metrics_allow;
	char		*cors_origins;			/* comma-separated */
	long		 cors_max_age;			/* seconds */
	long		 shutdown_grace;		/* seconds */
	long		 request_timeout;		/* seconds, 0: none */
	char		*jwt_secret;
	char		*jwt_issuer;
	char		*jwt_audience;
	long		 access_token_ttl;		/* seconds */
	long		 refresh_token_ttl;		/* seconds */
	char		*base_url;
	long		 booking_hold_minutes;
	long		 cache_ttl_fleet;		/* seconds, per family */
	long		 cache_ttl_car;
	long		 cache_ttl_availability;
	long		 cache_ttl_reviews;
	long		 cache_max_stale;		/* seconds past the TTL */
	char		*paypal_api_base;
	char		*paypal_client_id;
	char		*paypal_client_secret;
	char		*paypal_webhook_id;
	long		 paypal_timeout;		/* milliseconds */
	char		*resend_webhook_secret;
	char		*docuseal_webhook_secret;
	char		*cron_secret;
	char		*seed_password;
	char		*webhook_urls;			/* comma-separated */
	char		*webhook_secret;
	struct cidr_list webhook_allow;
	long		 webhook_backoff;		/* milliseconds */
	char		*smtp_url;
	char		*smtp_user;
	char		*smtp_password;
	char		*email_from;
	char		*resend_api_key;		/* set: send through Resend */
	char		*resend_api_url;
	char		*contact_email;
	char		*template_dir;
	long		 queue_concurrency;
	long		 queue_max_jobs;
	bool		 trpc_batch_enabled;
	long		 trpc_batch_max_size;
	char		*queue_rates;
	long		 queue_lease;			/* milliseconds */
	long		 queue_job_timeout;		/* milliseconds */
	bool		 queue_test_delays;
	long		 session_cache_ttl;		/* seconds, 0: off */
	bool		 warm_on_start;
	long		 cache_local_entries;
	long		 cache_local_bytes;
	long		 l1_max_bytes;
	long		 cache_local_ttl;		/* seconds */
	struct cidr_list rate_limit_exempt;
	char		*rate_limit_exempt_users;	/* comma-separated ids */
	struct conf_rate rate_public;
	struct conf_rate rate_auth;
	struct conf_rate rate_booking;
	struct conf_rate rate_payment;
	struct conf_rate rate_upload;
	struct conf_rate rate_contact;
	struct conf_rate rate_webhook;
	struct conf_rate rate_admin;
	struct conf_rate rate_login;
};

/* The settings of this process, loaded by conf_load() in main. */
extern const struct conf *conf;

/* Load defaults, then the file at path (may be NULL), then the environment
 * into c.  Returns 0, or -1 with a message for the operator in err. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
/* Release what conf_load() allocated. */
void conf_free(struct conf *c);
/* Check the secrets before a command that uses them starts.  With serve,
 * JWT_SECRET must hold at least 32 characters in every environment.
 * Outside development no secret may be a placeholder or a known
 * development value, nor shorter than its row allows, no connection URL
 * may hold a placeholder, and WEBHOOK_URLS needs WEBHOOK_SECRET.  Returns
 * 0, or -1 with the setting named in err (never its value). */
int conf_check_secrets(const struct conf *c, bool serve, char *err, size_t errlen);
/* conf_check_secrets() for the one setting name (a secret or a URL). */
int conf_check_secret(const struct conf *c, const char *name, char *err, size_t errlen);
/* The name of c's APP_ENV ("production", ...). */
const char *conf_app_env(const struct conf *c);
/* Print every setting with its effective value (secrets masked), or the
 * table of settings as Markdown when markdown is true. */
void conf_print(const struct conf *c, bool markdown);
/* True if origin is in CORS_ORIGINS (exact match, or "*"). */
bool conf_cors_allowed(const struct conf *c, const char *origin);
/* Copy url to out with any password replaced by "***". */
void conf_redact_url(const char *url, char *out, size_t outlen);

#endif
