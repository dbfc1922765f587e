/* migrate.c -- apply sql/migrations/NNNN_<what>.sql in order, once each.
 *
 * A session-level advisory lock keeps two migrators from racing; every
 * file runs in one transaction together with its schema_migrations row,
 * so a failed file leaves nothing behind and is retried next time. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "xmalloc.h"

#define MIGRATE_LOCK	"7312650991"	/* pg_advisory_lock key */

static const char migrate_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY, name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* True for "NNNN_something.sql". */
static int
migrate_is_file(const char *name)
{
	size_t n = strlen(name);
	int i;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
		return 0;
	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)name[i]))
			return 0;
	}
	return 1;
}

static int
migrate_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted migration file names of dir.  Caller frees each and the
 * array.  Returns the count, or -1. */
static int
migrate_list(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int n = 0;

	if (d == NULL) {
		fprintf(stderr, "exodrive migrate: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!migrate_is_file(e->d_name))
			continue;
		v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
		v[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, (size_t)n, sizeof *v, migrate_cmp);
	*out = v;
	return n;
}

static int
migrate_read(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t got;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "exodrive migrate: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, got);
	fclose(f);
	return 0;
}

/* When file's version is applied, its applied_at text; else NULL.
 * Caller frees. */
static char *
migrate_applied(const char *file)
{
	char version[5];
	const char *p[1] = { version };
	struct db_res *res;
	char *at = NULL;

	memcpy(version, file, 4);
	version[4] = '\0';
	if (db_query("SELECT applied_at::text FROM schema_migrations "
	    "WHERE version = $1", 1, p, &res) != API_OK)
		return NULL;
	if (db_rows(res) == 1)
		at = xstrdup(db_val(res, 0, 0));
	db_free(res);
	return at;
}

/* Apply one file in a transaction.  Returns 0 or -1. */
static int
migrate_apply(const char *dir, const char *file)
{
	char path[4096], version[5], err[1024];
	const char *p[2] = { version, file };
	struct buf sql;
	int rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	memcpy(version, file, 4);
	version[4] = '\0';
	buf_init(&sql);
	if (migrate_read(path, &sql) != 0 || sql.len == 0)
		goto out;
	if (db_begin() != API_OK)
		goto out;
	if (db_script(sql.data, err, sizeof err) != API_OK) {
		fprintf(stderr, "exodrive migrate: %s failed: %s\n", file, err);
		db_rollback();
		goto out;
	}
	if (db_exec("INSERT INTO schema_migrations (version, name) "
	    "VALUES ($1, $2)", 2, p) != API_OK || db_commit() != API_OK) {
		db_rollback();
		goto out;
	}
	printf("applied %s\n", file);
	rc = 0;
out:
	buf_free(&sql);
	return rc;
}

int
migrate_run(const char *dir, int status_only)
{
	const char *lock[1] = { MIGRATE_LOCK };
	char **files = NULL, *at;
	int n, nfiles, i, rc = 0, applied = 0;

	if ((nfiles = n = migrate_list(dir, &files)) < 0)
		return 1;
	if (db_exec("SELECT pg_advisory_lock($1::bigint)", 1, lock) != API_OK ||
	    db_exec(migrate_table, 0, NULL) != API_OK) {
		fprintf(stderr, "exodrive migrate: cannot reach the database\n");
		rc = 1;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		at = migrate_applied(files[i]);
		if (status_only)
			printf("%-40s %s\n", files[i], at ? at : "pending");
		else if (at == NULL && rc == 0) {
			if (migrate_apply(dir, files[i]) != 0)
				rc = 1;
			else
				applied++;
		}
		free(at);
	}
	if (!status_only && rc == 0)
		printf("%d migration%s applied, %d total\n", applied,
		    applied == 1 ? "" : "s", n);
	(void)db_exec("SELECT pg_advisory_unlock($1::bigint)", 1, lock);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return rc;
}
