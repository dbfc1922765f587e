/* db.c -- PostgreSQL through libpq: one connection per process to the
 * primary, and one to the read replica (DATABASE_READ_URL) for the
 * catalogue reads the dispatcher marks (db_reads()). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "metrics.h"

#define DB_RETRY_US	500000

/* The connection string in use instead of DATABASE_URL, or NULL. */
static const char *db_url;

void
db_use_url(const char *url)
{
	db_url = url;
	db_close();
}

/* Statements prepared on a connection are keyed by the address of their
 * SQL text: every statement is a string constant, so the plan is made
 * once per connection instead of once per request. */
#define DB_MAX_PREPARED	256

/* One server: its connection and what is prepared on it. */
struct db_link {
	const char	*name;
	PGconn		*conn;
	int64_t		 retry_at;
	const char	*prepared[DB_MAX_PREPARED];
	int		 nprepared;
};
static struct db_link db_primary = { .name = "primary" };
static struct db_link db_replica = { .name = "replica" };
static int	 db_in_tx;	/* a transaction is open: never retry */
static const char db_sql_begin[] = "BEGIN";	/* ...but its BEGIN may be */
static bool	 db_read_only;	/* the request only reads the catalogue */
static long long db_time_us;	/* time in PostgreSQL since db_take_time() */
static char	 db_state[6];
static char	 db_cons[64];

/* Trim the trailing newline libpq puts on messages. */
static void
db_trim(char *msg, size_t len)
{
	size_t n = strnlen(msg, len);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
}

/* Log a connection-level failure, without connection secrets. */
static void
db_log(const struct db_link *l, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof msg, "%s", l->conn ? PQerrorMessage(l->conn) : "");
	db_trim(msg, sizeof msg);
	LOG_ERR("postgresql (%s): %s: %s", l->name, what, msg);
}

/* Server notices go to the debug log, not to stderr raw. */
static void
db_notice(void *arg, const char *msg)
{
	(void)arg;
	LOG_DEBUG("postgresql notice: %s", msg);
}

static PGconn *
db_connect(const struct db_link *l)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
	    "options", NULL };
	char timeout[16], options[96];
	const char *vals[5];

	snprintf(timeout, sizeof timeout, "%ld", conf->database_connect_timeout);
	snprintf(options, sizeof options, "-c statement_timeout=%ld "
	    "-c lock_timeout=5000 -c TimeZone=UTC", conf->database_statement_timeout);
	vals[0] = l == &db_replica ? conf->database_read_url :
	    db_url != NULL ? db_url : conf->database_url;
	vals[1] = timeout;
	vals[2] = "exodrive";
	vals[3] = options;
	vals[4] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/* The live connection of l, (re)connecting if needed, or NULL. */
static PGconn *
db_get(struct db_link *l)
{
	int64_t now = clock_mono_us();

	if (l->conn != NULL && PQstatus(l->conn) == CONNECTION_OK)
		return l->conn;
	if (now < l->retry_at)
		return NULL;
	if (l->conn != NULL)
		PQfinish(l->conn);
	l->conn = db_connect(l);
	l->nprepared = 0;
	if (PQstatus(l->conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(l->conn, db_notice, NULL);
		return l->conn;
	}
	db_log(l, "connect failed");
	PQfinish(l->conn);
	l->conn = NULL;
	l->retry_at = now + DB_RETRY_US;
	return NULL;
}

void
db_reads(bool read_only)
{
	db_read_only = read_only;
}

/* The server a statement goes to: the replica for a read-only request
 * outside a transaction when one is configured, else the primary. */
static struct db_link *
db_link_for(void)
{
	return db_read_only && !db_in_tx && conf->database_read_url[0] != '\0' ?
	    &db_replica : &db_primary;
}

int
db_ping(double *ms)
{
	int64_t t0 = clock_mono_us();
	struct db_res *res;
	enum api_err err = db_query("SELECT 1", 0, NULL, &res);

	*ms = (double)(clock_mono_us() - t0) / 1000.0;
	if (err != API_OK)
		return -1;
	db_free(res);
	return 0;
}

void
db_close(void)
{
	if (db_primary.conn != NULL)
		PQfinish(db_primary.conn);
	if (db_replica.conn != NULL)
		PQfinish(db_replica.conn);
	db_primary.conn = db_replica.conn = NULL;
}

/* Map a failed result to an error code, logging it once. */
static enum api_err
db_fail(PGresult *r, const char *sql)
{
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
	char msg[512];

	snprintf(db_state, sizeof db_state, "%s", st ? st : "");
	snprintf(db_cons, sizeof db_cons, "%s", cons ? cons : "");
	snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
	db_trim(msg, sizeof msg);
	if (strcmp(db_state, "23P01") == 0 || strcmp(db_state, "23505") == 0) {
		LOG_DEBUG("postgresql: %s (%s)", db_state, db_cons);
		return API_CONFLICT;
	}
	LOG_ERR("postgresql: %s: %s [%.60s]", db_state, msg, sql);
	if (strcmp(db_state, "40P01") == 0 || strcmp(db_state, "40001") == 0 ||
	    strcmp(db_state, "55P03") == 0 || strcmp(db_state, "57014") == 0 ||
	    strncmp(db_state, "08", 2) == 0 || db_state[0] == '\0')
		return API_SERVICE_UNAVAILABLE;
	return API_DATABASE_ERROR;
}

/* Run sql on c as a prepared statement (prepared on first use); falls
 * back to PQexecParams when the cache is full or preparing fails. */
static PGresult *
db_run(struct db_link *l, PGconn *c, const char *sql, int n,
    const char *const *params)
{
	char name[16];
	PGresult *r;
	int i;

	for (i = 0; i < l->nprepared && l->prepared[i] != sql; i++)
		;
	snprintf(name, sizeof name, "s%d", i);
	if (i == l->nprepared) {
		if (i == DB_MAX_PREPARED)
			return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
		r = PQprepare(c, name, sql, n, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;	/* the error is the statement's own */
		PQclear(r);
		l->prepared[l->nprepared++] = sql;
	}
	return PQexecPrepared(c, name, n, params, NULL, NULL, 0);
}

enum api_err
db_query(const char *sql, int n, const char *const *params,
    struct db_res **res)
{
	int64_t t0 = clock_mono_us();
	struct db_link *l = db_link_for();
	PGconn *c = db_get(l);
	PGresult *r;
	ExecStatusType st;

	*res = NULL;
	db_state[0] = '\0';
	db_cons[0] = '\0';
	if (c == NULL && l == &db_replica)	/* the replica is down: the primary reads */
		c = db_get(l = &db_primary);
	if (c == NULL)
		return API_SERVICE_UNAVAILABLE;
	r = db_run(l, c, sql, n, params);
	if (PQstatus(c) == CONNECTION_BAD && (!db_in_tx || sql == db_sql_begin)) {
		/* The server went away since the last use and no transaction
		 * was open (a failed BEGIN opened none): one retry on a fresh
		 * connection (to the primary, if it was the replica that
		 * went). */
		if (l == &db_replica && (c = db_get(l)) == NULL)
			c = db_get(l = &db_primary);
		else if (l == &db_primary)
			c = db_get(l);
		if (c != NULL) {
			PQclear(r);
			r = db_run(l, c, sql, n, params);
		}
	}
	st = PQresultStatus(r);
	db_time_us += clock_mono_us() - t0;
	metrics_db(clock_mono_us() - t0, st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		enum api_err e = db_fail(r, sql);

		PQclear(r);
		return e;
	}
	*res = (struct db_res *)r;
	return API_OK;
}

enum api_err
db_exec(const char *sql, int n, const char *const *params)
{
	struct db_res *res;
	enum api_err e = db_query(sql, n, params, &res);

	db_free(res);
	return e;
}

long long
db_take_time(void)
{
	long long t = db_time_us;

	db_time_us = 0;
	return t;
}

const char *
db_sqlstate(void)
{
	return db_state;
}

int
db_rows(const struct db_res *res)
{
	return res ? PQntuples((const PGresult *)res) : 0;
}

const char *
db_val(const struct db_res *res, int row, int col)
{
	const PGresult *r = (const PGresult *)res;

	if (r == NULL || row >= PQntuples(r) || col < 0 || col >= PQnfields(r) ||
	    PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

void
db_free(struct db_res *res)
{
	if (res != NULL)
		PQclear((PGresult *)res);
}

enum api_err
db_begin(void)
{
	enum api_err e;

	db_in_tx = 1;		/* a transaction, hence its BEGIN, is the primary's */
	e = db_exec(db_sql_begin, 0, NULL);
	db_in_tx = e == API_OK;
	return e;
}

enum api_err
db_commit(void)
{
	enum api_err e = db_exec("COMMIT", 0, NULL);

	db_in_tx = 0;
	return e;
}

void
db_rollback(void)
{
	if (db_primary.conn != NULL &&
	    PQtransactionStatus(db_primary.conn) != PQTRANS_IDLE)
		(void)db_exec("ROLLBACK", 0, NULL);
	db_in_tx = 0;
}

enum api_err
db_script(const char *sql, char *err, size_t errlen)
{
	PGconn *c = db_get(&db_primary);
	PGresult *r;
	enum api_err e = API_OK;

	if (c == NULL) {
		snprintf(err, errlen, "cannot connect to PostgreSQL");
		return API_SERVICE_UNAVAILABLE;
	}
	/* Several statements in one string need the simple protocol. */
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
		db_trim(err, errlen);
		e = API_DATABASE_ERROR;
	}
	PQclear(r);
	return e;
}
