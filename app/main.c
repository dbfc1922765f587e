/* main.c -- the exodrive command: subcommands and their options. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf.h"
#include "log.h"
#include "migrate.h"
#include "contract_ts.h"
#include "db.h"
#include "monitor.h"
#include "openapi.h"
#include "prefork.h"
#include "repo.h"
#include "responder.h"
#include "seed.h"
#include "svc.h"
#include "warm.h"
#include "worker.h"
#include "version.h"
#include "xmalloc.h"

static const char usage[] =
"usage: exodrive [--config FILE] COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  fcgi      serve the API over FastCGI\n"
"            --listen PATH|HOST:PORT  run a master with preforked responders\n"
"            --workers N              responders (default: 2 per CPU core)\n"
"            --max-requests N         recycle a responder after N requests\n"
"            --socket-mode MODE       unix socket permissions (default 0660)\n"
"            --pid-file PATH          write the master's pid\n"
"            Without --listen, stdin must be a FastCGI socket passed by\n"
"            mod_fcgid, lighttpd bin-path or spawn-fcgi; no forking then.\n"
"  migrate   apply pending schema migrations (--dir DIR, --status to list)\n"
"  seed      load the development fleet and history (--dir DIR);\n"
"            --scale N adds N generated cars with a year of bookings\n"
"  expire-holds  cancel unpaid bookings older than BOOKING_HOLD_MINUTES\n"
"            and release their days (for the scheduler or cron)\n"
"  capture-payments  capture the authorized payments that are due and\n"
"            void or refund those of cancelled bookings (every 15 minutes)\n"
"  webhook-retry  process stored webhook deliveries that are due again\n"
"  worker    run QUEUE_CONCURRENCY job workers (email, webhook, image,\n"
"            report) and the scheduler until SIGTERM; --no-scheduler:\n"
"            the workers only (the scheduler runs as its own service)\n"
"  scheduler run the scheduler alone until SIGTERM\n"
"  warm-cache  fill the catalogue cache (fleet list, popular cars and\n"
"            their next 7 days); --popular-only: car details only\n"
"  config    print the effective settings (--markdown: the settings table)\n"
"  openapi   print the OpenAPI 3.1 document of the route table\n"
"  monitor   check the stack against the MONITOR_* thresholds; alert\n"
"            MONITOR_WEBHOOK_URL and exit 1 when one fails (for cron);\n"
"            --report prints every check, --json as JSON\n"
"  contract-ts  print the TypeScript contract for typed clients: zod\n"
"            inputs, output types and the AppRouter type of @trpc/client\n"
"\n"
"Settings come from the environment and from --config FILE or\n"
"$EXODRIVE_CONFIG (KEY=VALUE lines); the environment wins.\n"
"  -h, --help      this text\n"
"  -V, --version   the version\n";

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

static int
main_fcgi(int argc, char **argv, const char *config_path)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "socket-mode", required_argument, NULL, 's' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct prefork_opts o = { .socket_mode = 0660,
	    .config_path = config_path };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	o.workers = (int)(cores > 0 ? cores * 2 : 2);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 'w': o.workers = (int)main_number("--workers", optarg, 1, 256, 10); break;
		case 'm': o.max_requests = main_number("--max-requests", optarg, 0, 1L << 40, 10); break;
		case 's': o.socket_mode = main_number("--socket-mode", optarg, 0, 0777, 8); break;
		case 'p': o.pid_file = optarg; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (strlen(conf->jwt_secret) < 32) {
		fprintf(stderr, "exodrive fcgi: JWT_SECRET must be set to at least "
		    "32 characters\n");
		return 2;
	}
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
main_monitor(int argc, char **argv)
{
	bool all = false, json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--report") == 0)
			all = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else {
			fprintf(stderr, "exodrive monitor: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	return monitor_run(all, json);
}

/* Print what gen writes (the OpenAPI document, the TypeScript contract). */
static int
main_openapi(int (*gen)(struct buf *))
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
main_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "status", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = EXODRIVE_SQLDIR;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': status = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	return migrate_run(dir, status);
}

static int
main_seed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "scale", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = EXODRIVE_SEEDDIR;
	long scale = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': scale = main_number("--scale", optarg, 1, 100000, 10); break;
		default: fputs(usage, stderr); return 2;
		}
	}
	return seed_run(dir, scale);
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

int
main(int argc, char **argv)
{
	const char *config_path = getenv("EXODRIVE_CONFIG");
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		config_path = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "-h") == 0 ||
	    strcmp(argv[i], "--help") == 0) {
		fputs(usage, i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
		printf("exodrive %s\n", version_string());
		return 0;
	}
	if (config_path != NULL && *config_path == '\0')
		config_path = NULL;
	main_conf(config_path);
	/* The long-running commands write LOG_FILE when it is set. */
	if ((strcmp(argv[i], "fcgi") == 0 || strcmp(argv[i], "worker") == 0 ||
	    strcmp(argv[i], "scheduler") == 0) && conf->log_file[0] != '\0' &&
	    log_open_file(conf->log_file) != 0) {
		fprintf(stderr, "exodrive: LOG_FILE %s: %s\n", conf->log_file, strerror(errno));
		return 2;
	}
	if (strcmp(argv[i], "fcgi") == 0)
		return main_fcgi(argc - i, argv + i, config_path);
	if (strcmp(argv[i], "expire-holds") == 0) {
		long n = 0;

		if (svc_bookings_expire_holds(conf->booking_hold_minutes, &n) != API_OK)
			return 1;
		printf("%ld hold%s expired\n", n, n == 1 ? "" : "s");
		return 0;
	}
	if (strcmp(argv[i], "capture-payments") == 0)
		return main_job(svc_payments_run_due, 100);
	if (strcmp(argv[i], "worker") == 0)
		return worker_main(i + 1 < argc && strcmp(argv[i + 1], "--no-scheduler") == 0);
	if (strcmp(argv[i], "scheduler") == 0)
		return worker_scheduler();
	if (strcmp(argv[i], "webhook-retry") == 0)
		return main_job(svc_webhooks_retry_due, 10);
	if (strcmp(argv[i], "warm-cache") == 0) {
		struct warm_opts o = { .popular_cars = true, .availability = true,
		    .fleet = true, .limit = 10, .days = 7 };
		struct json_object *m;

		if (i + 1 < argc && strcmp(argv[i + 1], "--popular-only") == 0)
			o.availability = o.fleet = false;
		m = warm_run(&o);
		printf("%s\n", json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
		json_object_put(m);
		return 0;
	}
	/* Schema changes run as the schema's owner, the API as a role that
	 * may only read and write rows (sql/roles.sql). */
	if ((strcmp(argv[i], "migrate") == 0 || strcmp(argv[i], "seed") == 0) &&
	    conf->migrate_database_url[0] != '\0') {
		db_use_url(conf->migrate_database_url);
	}
	if (strcmp(argv[i], "seed") == 0)
		return main_seed(argc - i, argv + i);
	if (strcmp(argv[i], "migrate") == 0)
		return main_migrate(argc - i, argv + i);
	if (strcmp(argv[i], "openapi") == 0)
		return main_openapi(openapi_document);
	if (strcmp(argv[i], "monitor") == 0)
		return main_monitor(argc - i, argv + i);
	if (strcmp(argv[i], "contract-ts") == 0)
		return main_openapi(contract_ts);
	if (strcmp(argv[i], "config") == 0) {
		conf_print(conf, i + 1 < argc &&
		    strcmp(argv[i + 1], "--markdown") == 0);
		return 0;
	}
	fprintf(stderr, "exodrive: unknown command '%s'\n%s", argv[i], usage);
	return 2;
}
