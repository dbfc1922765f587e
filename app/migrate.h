/* migrate.h -- numbered schema migrations from sql/migrations. */
#ifndef MIGRATE_H
#define MIGRATE_H

/* Apply the pending NNNN_*.sql files of dir in order, each in its own
 * transaction, recording them in schema_migrations.  With status_only,
 * print each file and whether it is applied instead.  Returns the exit
 * status (0 on success). */
int migrate_run(const char *dir, int status_only);

#endif
