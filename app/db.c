/* db.c -- PostgreSQL through libpq, one connection per process. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"

#define DB_RETRY_US	500000

static PGconn	*db_conn;
static int64_t	 db_retry_at;

/* Log a libpq failure where it happened, without connection secrets. */
static void
db_log(const char *what)
{
	char msg[512];
	size_t n;

	snprintf(msg, sizeof msg, "%s", db_conn ? PQerrorMessage(db_conn) : "");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	LOG_ERR("postgresql: %s: %s", what, msg);
}

static PGconn *
db_connect(void)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
	    "options", NULL };
	char timeout[16], options[64];
	const char *vals[5];

	snprintf(timeout, sizeof timeout, "%ld", conf->database_connect_timeout);
	snprintf(options, sizeof options, "-c statement_timeout=%ld",
	    conf->database_statement_timeout);
	vals[0] = conf->database_url;
	vals[1] = timeout;
	vals[2] = "exodrive";
	vals[3] = options;
	vals[4] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/* The live connection, (re)connecting if needed, or NULL. */
static PGconn *
db_get(void)
{
	int64_t now = clock_mono_us();

	if (db_conn != NULL && PQstatus(db_conn) == CONNECTION_OK)
		return db_conn;
	if (now < db_retry_at)
		return NULL;
	if (db_conn != NULL)
		PQfinish(db_conn);
	db_conn = db_connect();
	if (PQstatus(db_conn) == CONNECTION_OK)
		return db_conn;
	db_log("connect failed");
	PQfinish(db_conn);
	db_conn = NULL;
	db_retry_at = now + DB_RETRY_US;
	return NULL;
}

int
db_ping(double *ms)
{
	int64_t t0 = clock_mono_us();
	PGconn *c = db_get();
	PGresult *res;
	int ok;

	if (c == NULL)
		return -1;
	res = PQexecParams(c, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQstatus(c) == CONNECTION_BAD && (c = db_get()) != NULL) {
		/* The server went away since the last use: one retry on a
		 * fresh connection. */
		PQclear(res);
		res = PQexecParams(c, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0);
	}
	ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	if (!ok)
		db_log("ping failed");
	PQclear(res);
	*ms = (double)(clock_mono_us() - t0) / 1000.0;
	return ok ? 0 : -1;
}

void
db_close(void)
{
	if (db_conn != NULL)
		PQfinish(db_conn);
	db_conn = NULL;
}
