/* db.h -- the PostgreSQL connection of this process.  The only libpq user.
 *
 * The connection is opened lazily, after fork, on first use; a broken one
 * is reset before the next statement.  After a failed connect, further
 * attempts wait a short back-off so an outage does not cost every request
 * a connect timeout. */
#ifndef DB_H
#define DB_H

/* Run "SELECT 1".  Returns 0 with the round trip in *ms, or -1. */
int db_ping(double *ms);
/* Close the connection (before exit, or in a forked child). */
void db_close(void);

#endif
