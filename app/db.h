/* db.h -- the PostgreSQL connection of this process.  The only libpq user.
 *
 * The connection is opened lazily, after fork, on first use; a broken one
 * is reset before the next statement.  After a failed connect, further
 * attempts wait a short back-off so an outage does not cost every request
 * a connect timeout.  Statements take $n text parameters only. */
#ifndef DB_H
#define DB_H

#include <stdbool.h>
#include <stddef.h>

#include "apierr.h"

struct db_res;

/* Run "SELECT 1".  Returns 0 with the round trip in *ms, or -1. */
int db_ping(double *ms);
/* Connect with url (kept by the caller) instead of DATABASE_URL from
 * now on: the migrations run as the schema's owner. */
void db_use_url(const char *url);
/* Mark the statements that follow as the catalogue reads of a GET (true)
 * or not: outside transactions they go to the replica when
 * DATABASE_READ_URL is set (the primary when it is down). */
void db_reads(bool read_only);
/* Close the connection (before exit, or in a forked child). */
void db_close(void);

/* Run sql with n text parameters (NULL = SQL NULL).  On API_OK *res holds
 * the rows (caller frees with db_free()); on failure the error is logged
 * and mapped: exclusion/unique violations -> API_CONFLICT, lock and
 * statement timeouts, deadlocks, serialization failures and a lost server
 * -> API_SERVICE_UNAVAILABLE, anything else -> API_DATABASE_ERROR.
 * db_sqlstate() then tells the exact SQLSTATE. */
enum api_err db_query(const char *sql, int n, const char *const *params,
    struct db_res **res);
/* db_query() that discards the rows. */
enum api_err db_exec(const char *sql, int n, const char *const *params);
/* The SQLSTATE of the last failed statement ("" if none). */
const char *db_sqlstate(void);
/* Rows in res. */
int db_rows(const struct db_res *res);
/* Value at row, col as text; NULL for SQL NULL.  Owned by res. */
const char *db_val(const struct db_res *res, int row, int col);
void db_free(struct db_res *res);

/* Transactions: BEGIN (with SET LOCAL lock_timeout), COMMIT, ROLLBACK. */
enum api_err db_begin(void);
enum api_err db_commit(void);
void db_rollback(void);

/* Microseconds spent waiting for PostgreSQL since the last call; resets
 * the counter (the dispatcher reports it per request as X-DB-Time). */
long long db_take_time(void);

/* Run a script of several statements (migrations only).  Returns API_OK
 * or API_DATABASE_ERROR with the server's message in err. */
enum api_err db_script(const char *sql, char *err, size_t errlen);

#endif
