/* main.c -- the exodrive command.
 *
 * One table, main_cmds[], holds every command: its name, options, usage
 * and what has to be done before it runs (secrets checked, LOG_FILE
 * opened, the schema owner's connection).  Every command parses its
 * options the same way: --help prints its usage and exits 0, an unknown
 * option or a stray argument exits 2 with its usage on stderr, and both
 * happen before the settings are read or anything starts. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cache.h"
#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "contract_ts.h"
#include "db.h"
#include "monitor.h"
#include "openapi.h"
#include "prefork.h"
#include "repo.h"
#include "responder.h"
#include "route.h"
#include "seed.h"
#include "svc.h"
#include "warm.h"
#include "worker.h"
#include "version.h"
#include "xmalloc.h"

#define MAIN_MAXOPTS	6	/* options of one command, and the end mark */

/* What main() does before a command runs (main_cmd.flags). */
#define MAIN_SECRETS	0x1	/* refuse placeholder secrets (conf_check_secrets) */
#define MAIN_SERVE	0x2	/* serves requests: JWT_SECRET is required */
#define MAIN_LOG_FILE	0x4	/* long-running: writes LOG_FILE when set */
#define MAIN_SCHEMA	0x8	/* connects as MIGRATE_DATABASE_URL when set */

/* The options given to a command: the argument of each by its short
 * letter ("" for a flag), NULL when it was not given. */
struct main_args {
	const char	*opt[128];
	const char	*config_path;
};

/* One command of the table. */
struct main_cmd {
	const char	*name;
	const char	*args;		/* the usage line after the name */
	const char	*about;		/* one line, for the list of commands */
	const char	*help;		/* what it does, option by option */
	int		 flags;		/* MAIN_* */
	struct option	 opts[MAIN_MAXOPTS];	/* ends with a zero entry */
	int		(*run)(const struct main_args *);
};

static long
main_number(const char *opt, const char *v, long min, long max, int base)
{
	char *end;
	long n = strtol(v, &end, base);

	if (*v == '\0' || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "exodrive: %s wants a number from %ld to %ld\n",
		    opt, min, max);
		exit(2);
	}
	return n;
}

/* The data directory a command reads: given (--dir) when set, else tree
 * next to this binary when it runs from a build tree (app/exodrive ->
 * ../sql/seed), else installed.  Returns NULL after saying where it
 * looked; buf holds the build tree's path. */
static const char *
main_data_dir(const char *cmd, const char *given, const char *tree,
    const char *installed, char *buf, size_t len)
{
	char exe[4096], *slash;
	struct stat st;
	ssize_t n;
	int i;

	if (given != NULL)
		return given;
	snprintf(buf, len, "(this binary's tree)/%s", tree);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (i = 0; i < 2 && (slash = strrchr(exe, '/')) != NULL; i++)
			*slash = '\0';	/* /tree/app/exodrive -> /tree */
		if (snprintf(buf, len, "%s/%s", exe, tree) < (int)len &&
		    stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	if (stat(installed, &st) == 0 && S_ISDIR(st.st_mode))
		return installed;
	fprintf(stderr, "exodrive %s: no %s directory: looked in %s (the tree of "
	    "this binary) and %s (installed); pass --dir DIR\n", cmd, tree, buf,
	    installed);
	return NULL;
}

static int
main_fcgi(const struct main_args *a)
{
	struct prefork_opts o = { .socket_mode = 0660,
	    .config_path = a->config_path, .listen = a->opt['l'],
	    .pid_file = a->opt['p'] };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	o.workers = (int)(cores > 0 ? cores * 2 : 2);
	if (a->opt['w'] != NULL)
		o.workers = (int)main_number("--workers", a->opt['w'], 1, 256, 10);
	if (a->opt['m'] != NULL)
		o.max_requests = main_number("--max-requests", a->opt['m'], 0, 1L << 40, 10);
	if (a->opt['s'] != NULL)
		o.socket_mode = main_number("--socket-mode", a->opt['s'], 0, 0777, 8);
	if (o.listen != NULL)
		return prefork_run(&o);
	if (!responder_inherited_socket()) {
		fprintf(stderr, "exodrive fcgi: no --listen given and stdin is not "
		    "a FastCGI socket (run under mod_fcgid, lighttpd bin-path or "
		    "spawn-fcgi, or pass --listen)\n");
		return 2;
	}
	return responder_run(0, o.max_requests);
}

static int
main_migrate(const struct main_args *a)
{
	char buf[4096];
	const char *dir = main_data_dir("migrate", a->opt['d'], "sql/migrations",
	    EXODRIVE_SQLDIR, buf, sizeof buf);

	return dir == NULL ? 2 : migrate_run(dir, a->opt['s'] != NULL);
}

static int
main_seed(const struct main_args *a)
{
	char buf[4096];
	const char *dir = main_data_dir("seed", a->opt['d'], "sql/seed",
	    EXODRIVE_SEEDDIR, buf, sizeof buf);
	long scale = 0;

	if (a->opt['s'] != NULL)
		scale = main_number("--scale", a->opt['s'], 1, 100000, 10);
	return dir == NULL ? 2 : seed_run(dir, scale);
}

static int
main_expire_holds(const struct main_args *a)
{
	long n = 0;

	(void)a;
	if (svc_bookings_expire_holds(1000, &n) != API_OK)
		return 1;
	printf("%ld hold%s expired\n", n, n == 1 ? "" : "s");
	return 0;
}

/* Run a scheduled job once from the command line: print its report. */
static int
main_job(svc_job job, long limit)
{
	struct json_object *m = json_object_new_object();
	int rc = job(limit, m) == API_OK ? 0 : 1;

	printf("%s\n", json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
	json_object_put(m);
	return rc;
}

static int
main_capture(const struct main_args *a)
{
	(void)a;
	return main_job(svc_payments_run_due, 100);
}

static int
main_webhook_retry(const struct main_args *a)
{
	(void)a;
	return main_job(svc_webhooks_retry_due, 10);
}

static int
main_worker(const struct main_args *a)
{
	return worker_main(a->opt['n'] != NULL);
}

static int
main_scheduler(const struct main_args *a)
{
	(void)a;
	return worker_scheduler();
}

static int
main_warm(const struct main_args *a)
{
	struct warm_opts o = { .popular_cars = true, .availability = true,
	    .fleet = true, .limit = 10, .days = 7 };
	struct json_object *m;

	if (a->opt['p'] != NULL)
		o.availability = o.fleet = false;
	m = warm_run(&o);
	printf("%s\n", json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
	json_object_put(m);
	return 0;
}

static int
main_config(const struct main_args *a)
{
	conf_print(conf, a->opt['m'] != NULL);
	return 0;
}

/* Print what gen writes (the OpenAPI document, the TypeScript contract). */
static int
main_print(int (*gen)(struct buf *))
{
	struct buf b;
	int rc;

	buf_init(&b);
	rc = gen(&b);
	fwrite(b.data, 1, b.len, stdout);
	putchar('\n');
	buf_free(&b);
	return rc == 0 ? 0 : 1;
}

static int
main_openapi(const struct main_args *a)
{
	(void)a;
	return main_print(openapi_document);
}

static int
main_contract_ts(const struct main_args *a)
{
	(void)a;
	return main_print(contract_ts);
}

static int
main_monitor(const struct main_args *a)
{
	return monitor_run(a->opt['r'] != NULL, a->opt['j'] != NULL);
}

/* `cache purge [--family F]`: every family, or F. */
static int
main_cache_purge(const struct main_args *a)
{
	const char *f = a->opt['f'];
	size_t i;
	long n;
	int rc = 0;

	if (f != NULL && !cache_family_known(f)) {
		fprintf(stderr, "exodrive cache purge: unknown family '%s' (fleet, car, "
		    "avail or reviews)\n", f);
		return 2;
	}
	printf("{");
	for (i = 0; i < METRICS_FAMILIES; i++) {
		if (f != NULL && strcmp(f, metrics_families[i]) != 0)
			continue;
		if ((n = cache_purge(metrics_families[i])) < 0) {
			fprintf(stderr, "exodrive cache purge: Redis failed; %s is not "
			    "purged\n", metrics_families[i]);
			rc = 1;
			continue;
		}
		printf("%s\"%s\":%ld", f != NULL || i == 0 ? "" : ",", metrics_families[i], n);
	}
	printf("}\n");
	return rc;
}

static const struct main_cmd main_cmds[] = {
	{ .name = "fcgi", .run = main_fcgi,
	  .flags = MAIN_SECRETS | MAIN_SERVE | MAIN_LOG_FILE,
	  .args = "[--listen PATH|HOST:PORT] [--workers N]\n"
	    "         [--max-requests N] [--socket-mode MODE] [--pid-file PATH]",
	  .about = "serve the API over FastCGI",
	  .help = "Serve the API over FastCGI.\n"
	    "  --listen PATH|HOST:PORT  run a master with preforked responders\n"
	    "  --workers N              responders (default: 2 per CPU core)\n"
	    "  --max-requests N         recycle a responder after N requests\n"
	    "  --socket-mode MODE       unix socket permissions (default 0660)\n"
	    "  --pid-file PATH          write the master's pid\n"
	    "Without --listen, stdin must be a FastCGI socket passed by mod_fcgid,\n"
	    "lighttpd bin-path or spawn-fcgi; no forking then.  JWT_SECRET must\n"
	    "hold 32 characters or more; outside APP_ENV=development no secret may\n"
	    "be a placeholder or a known development value.\n",
	  .opts = {
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "socket-mode", required_argument, NULL, 's' },
		{ "pid-file", required_argument, NULL, 'p' },
	  } },
	{ .name = "migrate", .run = main_migrate, .flags = MAIN_SCHEMA,
	  .args = "[--dir DIR] [--status]",
	  .about = "apply pending schema migrations",
	  .help = "Apply the pending schema migrations, each in its own transaction.\n"
	    "  --dir DIR   the migrations (default: sql/migrations of the build\n"
	    "              tree this binary is in, else " EXODRIVE_SQLDIR ")\n"
	    "  --status    list every migration and when it was applied\n",
	  .opts = {
		{ "dir", required_argument, NULL, 'd' },
		{ "status", no_argument, NULL, 's' },
	  } },
	{ .name = "seed", .run = main_seed, .flags = MAIN_SCHEMA,
	  .args = "[--dir DIR] [--scale N]",
	  .about = "load the development fleet and history",
	  .help = "Load the development fleet, its history and the accounts\n"
	    "admin@exodrive.com, john.doe@example.com and jane.smith@example.com\n"
	    "(password SEED_PASSWORD, required outside APP_ENV=development),\n"
	    "unless cars exist.\n"
	    "  --dir DIR   the seed scripts (default: sql/seed of the build tree\n"
	    "              this binary is in, else " EXODRIVE_SEEDDIR ")\n"
	    "  --scale N   add N generated cars with a year of bookings instead\n",
	  .opts = {
		{ "dir", required_argument, NULL, 'd' },
		{ "scale", required_argument, NULL, 's' },
	  } },
	{ .name = "expire-holds", .run = main_expire_holds, .args = "",
	  .about = "cancel unpaid bookings past BOOKING_HOLD_MINUTES",
	  .help = "Cancel the unpaid bookings older than BOOKING_HOLD_MINUTES and\n"
	    "release their days (for the scheduler or cron).\n" },
	{ .name = "capture-payments", .run = main_capture, .flags = MAIN_SECRETS,
	  .args = "",
	  .about = "capture due payments, void or refund cancelled ones",
	  .help = "Capture the authorized payments that are due and void or refund\n"
	    "those of cancelled bookings (every 15 minutes); prints a JSON report.\n" },
	{ .name = "webhook-retry", .run = main_webhook_retry, .flags = MAIN_SECRETS,
	  .args = "",
	  .about = "process stored webhook deliveries that are due again",
	  .help = "Process the stored webhook deliveries that are due again (every\n"
	    "minute); prints a JSON report.\n" },
	{ .name = "worker", .run = main_worker,
	  .flags = MAIN_SECRETS | MAIN_LOG_FILE,
	  .args = "[--no-scheduler]",
	  .about = "run the job workers and the scheduler until SIGTERM",
	  .help = "Run QUEUE_CONCURRENCY job workers (email, webhook, image, report)\n"
	    "and the scheduler until SIGTERM.\n"
	    "  --no-scheduler  the workers only (the scheduler runs as its own\n"
	    "                  service)\n",
	  .opts = { { "no-scheduler", no_argument, NULL, 'n' } } },
	{ .name = "scheduler", .run = main_scheduler,
	  .flags = MAIN_SECRETS | MAIN_LOG_FILE, .args = "",
	  .about = "run the scheduler alone until SIGTERM",
	  .help = "Run the scheduler alone until SIGTERM: captures, hold expiry,\n"
	    "webhook retries and the daily cache warm-up (reminders are delayed\n"
	    "jobs, queued with their booking).\n" },
	{ .name = "warm-cache", .run = main_warm, .args = "[--popular-only]",
	  .about = "fill the catalogue cache",
	  .help = "Fill the catalogue cache: the fleet list, the popular cars and\n"
	    "their next 7 days.\n"
	    "  --popular-only  the popular cars' details only\n",
	  .opts = { { "popular-only", no_argument, NULL, 'p' } } },
	{ .name = "config", .run = main_config, .args = "[--markdown]",
	  .about = "print the effective settings",
	  .help = "Print the effective settings (secrets masked).\n"
	    "  --markdown  the table of settings with defaults and meanings\n",
	  .opts = { { "markdown", no_argument, NULL, 'm' } } },
	{ .name = "openapi", .run = main_openapi, .args = "",
	  .about = "print the OpenAPI 3.1 document of the route table",
	  .help = "Print the OpenAPI 3.1 document of the route table.\n" },
	{ .name = "monitor", .run = main_monitor, .args = "[--report] [--json]",
	  .about = "check the stack against the MONITOR_* thresholds",
	  .help = "Check the stack against the MONITOR_* thresholds; alert\n"
	    "MONITOR_WEBHOOK_URL and exit 1 when one fails (for cron).\n"
	    "  --report  print every check, not only the failed ones\n"
	    "  --json    print the checks as JSON\n",
	  .opts = {
		{ "report", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
	  } },
	{ .name = "cache purge", .run = main_cache_purge, .args = "[--family F]",
	  .about = "drop the cached answers (namespace versions, no FLUSHDB)",
	  .help = "Drop every cached answer, or those of one family, by bumping the\n"
	    "namespace versions of each scope that holds entries (found by SCAN):\n"
	    "the next lookup is a miss read from PostgreSQL.  Nothing is deleted\n"
	    "(old entries expire by TTL) and no FLUSHDB is needed.  Prints the\n"
	    "versions bumped per family as JSON; exits 1 when Redis failed.\n"
	    "  --family F  fleet (lists and cars by slug), car, avail or reviews\n",
	  .opts = { { "family", required_argument, NULL, 'f' } } },
	{ .name = "contract-ts", .run = main_contract_ts, .args = "",
	  .about = "print the TypeScript contract for typed clients",
	  .help = "Print the TypeScript contract for typed clients: zod inputs,\n"
	    "output types and the AppRouter type of @trpc/client.\n" },
};

#define MAIN_NCMDS	(sizeof main_cmds / sizeof main_cmds[0])

static void
main_usage_all(FILE *f)
{
	size_t i;

	fputs("usage: exodrive [--config FILE] COMMAND [OPTIONS]\n"
	    "       exodrive COMMAND --help\n"
	    "       exodrive --help | --version\n\nCommands:\n", f);
	for (i = 0; i < MAIN_NCMDS; i++)
		fprintf(f, "  %-17s %s\n", main_cmds[i].name, main_cmds[i].about);
	fputs("\nSettings come from the environment and from --config FILE or\n"
	    "$EXODRIVE_CONFIG (KEY=VALUE lines); the environment wins.\n", f);
}

static void
main_usage(const struct main_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: exodrive [--config FILE] %s%s%s [--help]\n\n%s",
	    cmd->name, *cmd->args != '\0' ? " " : "", cmd->args, cmd->help);
}

/* Refuse option arg of cmd (what getopt returned in c).  Returns 2. */
static int
main_refuse(const struct main_cmd *cmd, int c, const char *arg)
{
	if (c == ':')
		fprintf(stderr, "exodrive %s: %s needs a value\n", cmd->name, arg);
	else if (c == '?' && strncmp(arg, "--", 2) == 0 && optopt != 0)
		fprintf(stderr, "exodrive %s: option %s takes no value\n", cmd->name, arg);
	else if (c == '?' && strncmp(arg, "--", 2) == 0)
		fprintf(stderr, "exodrive %s: unknown option %s\n", cmd->name, arg);
	else if (c == '?')
		fprintf(stderr, "exodrive %s: unknown option -%c\n", cmd->name, optopt);
	else
		fprintf(stderr, "exodrive %s: unexpected argument '%s'\n", cmd->name, arg);
	main_usage(cmd, stderr);
	return 2;
}

/* Parse the options of cmd (argv[0] is its name) into a.  Returns -1 when
 * it may run, else the exit status: 0 after --help, 2 after a refusal. */
static int
main_parse(const struct main_cmd *cmd, int argc, char **argv,
    struct main_args *a)
{
	struct option opts[MAIN_MAXOPTS + 2];
	size_t n;
	int c;

	for (n = 0; n < MAIN_MAXOPTS && cmd->opts[n].name != NULL; n++)
		opts[n] = cmd->opts[n];
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			main_usage(cmd, stdout);
			return 0;
		}
		if (c == '?' || c == ':')
			return main_refuse(cmd, c, argv[optind - 1]);
		a->opt[c] = optarg != NULL ? optarg : "";
	}
	if (optind < argc)
		return main_refuse(cmd, 0, argv[optind]);
	return -1;
}

/* Load the settings or exit with the reason. */
static void
main_conf(const char *path)
{
	struct conf *c = xcalloc(1, sizeof *c);
	char err[512];

	if (conf_load(c, path, err, sizeof err) != 0) {
		fprintf(stderr, "exodrive: invalid setting: %s\n", err);
		exit(2);
	}
	conf = c;
	log_set_level(c->log_level);
}

/* What cmd needs before it runs (its flags).  Returns 0 or the exit status. */
static int
main_prepare(const struct main_cmd *cmd)
{
	char err[512];

	if ((cmd->flags & MAIN_SECRETS) && conf_check_secrets(conf,
	    (cmd->flags & MAIN_SERVE) != 0, err, sizeof err) != 0) {
		fprintf(stderr, "exodrive %s: %s\n", cmd->name, err);
		return 2;
	}
	if ((cmd->flags & MAIN_LOG_FILE) && conf->log_file[0] != '\0' &&
	    log_open_file(conf->log_file) != 0) {
		fprintf(stderr, "exodrive: LOG_FILE %s: %s\n", conf->log_file,
		    strerror(errno));
		return 2;
	}
	/* Schema changes run as the schema's owner, the API as a role that
	 * may only read and write rows (sql/roles.sql). */
	if ((cmd->flags & MAIN_SCHEMA) && conf->migrate_database_url[0] != '\0')
		db_use_url(conf->migrate_database_url);
	return 0;
}

static const struct main_cmd *
main_find(const char *name)
{
	size_t i;

	for (i = 0; i < MAIN_NCMDS; i++) {
		if (strcmp(main_cmds[i].name, name) == 0)
			return &main_cmds[i];
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct main_args a = { .config_path = getenv("EXODRIVE_CONFIG") };
	const struct main_cmd *cmd;
	const struct route *t;
	char two[64];
	int i = 1, rc;
	size_t n;

	t = routes_table(&n);
	route_serve(t, n);
	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		a.config_path = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "-h") == 0 ||
	    strcmp(argv[i], "--help") == 0) {
		main_usage_all(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
		printf("exodrive %s\n", version_string());
		return 0;
	}
	/* A command of two words (cache purge). */
	if (main_find(argv[i]) == NULL && i + 1 < argc &&
	    snprintf(two, sizeof two, "%s %s", argv[i], argv[i + 1]) < (int)sizeof two &&
	    main_find(two) != NULL)
		i++, argv[i] = two;
	if ((cmd = main_find(argv[i])) == NULL) {
		fprintf(stderr, "exodrive: unknown command '%s'\n", argv[i]);
		main_usage_all(stderr);
		return 2;
	}
	if ((rc = main_parse(cmd, argc - i, argv + i, &a)) >= 0)
		return rc;
	if (a.config_path != NULL && *a.config_path == '\0')
		a.config_path = NULL;
	main_conf(a.config_path);
	if ((rc = main_prepare(cmd)) != 0)
		return rc;
	return cmd->run(&a);
}
