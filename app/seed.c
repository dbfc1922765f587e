/* seed.c -- `exodrive seed`: a fleet, customers, bookings and reviews. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "db.h"
#include "password.h"
#include "repo.h"
#include "seed.h"

/* The password of the seeded accounts when SEED_PASSWORD is empty, in
 * development only. */
#define SEED_DEV_PASSWORD	"exodrive-dev-password"

/* Accounts the seed's bookings belong to; SEED_PASSWORD sets their
 * password. */
static const struct {
	const char *email, *first, *last, *role;
} seed_accounts[] = {
	{ "admin@exodrive.com", "Avery", "Admin", "admin" },
	{ "john.doe@example.com", "John", "Doe", "customer" },
	{ "jane.smith@example.com", "Jane", "Smith", "customer" },
};

/* The password of the seeded accounts: SEED_PASSWORD, or the development
 * one in development.  Returns NULL after saying why outside development
 * when SEED_PASSWORD is unset or not fit for use. */
static const char *
seed_password(void)
{
	char err[256];

	if (conf->app_env == APP_ENV_DEVELOPMENT)
		return conf->seed_password[0] != '\0' ? conf->seed_password : SEED_DEV_PASSWORD;
	if (conf->seed_password[0] == '\0') {
		fprintf(stderr, "exodrive seed: set SEED_PASSWORD to the password of "
		    "the accounts it creates (admin@exodrive.com ...); the development "
		    "one is refused with APP_ENV=%s\n", conf_app_env(conf));
		return NULL;
	}
	if (conf_check_secret(conf, "SEED_PASSWORD", err, sizeof err) != 0) {
		fprintf(stderr, "exodrive seed: %s\n", err);
		return NULL;
	}
	return conf->seed_password;
}

static int
seed_accounts_create(const char *pw)
{
	char hash[PASSWORD_HASH_MAX], id[64];
	const char *p[1];
	enum api_err e;
	size_t i;

	for (i = 0; i < sizeof seed_accounts / sizeof seed_accounts[0]; i++) {
		if (password_hash(pw, hash, sizeof hash) != 0)
			return -1;
		e = repo_user_create(seed_accounts[i].email, hash,
		    seed_accounts[i].first, seed_accounts[i].last, NULL, id,
		    sizeof id);
		if (e == API_CONFLICT)
			continue;
		if (e != API_OK)
			return -1;
		p[0] = id;
		if (strcmp(seed_accounts[i].role, "admin") == 0 &&
		    db_exec("UPDATE profiles SET role = 'admin' WHERE id = $1",
		    1, p) != API_OK)
			return -1;
	}
	return 0;
}

/* Run the script dir/name in one transaction. */
static int
seed_script(const char *dir, const char *name)
{
	char path[4096], chunk[8192], err[1024];
	struct buf sql;
	size_t got;
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "exodrive seed: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf_init(&sql);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&sql, chunk, got);
	fclose(f);
	if (sql.len > 0 && db_begin() == API_OK) {
		if (db_script(sql.data, err, sizeof err) == API_OK &&
		    db_commit() == API_OK)
			rc = 0;
		else {
			fprintf(stderr, "exodrive seed: %s: %s\n", name, err);
			db_rollback();
		}
	}
	buf_free(&sql);
	return rc;
}

static long
seed_count_cars(void)
{
	struct db_res *res;
	long n = -1;

	if (db_query("SELECT count(*) FROM cars", 0, NULL, &res) == API_OK)
		n = atol(db_val(res, 0, 0));
	db_free(res);
	return n;
}

int
seed_run(const char *dir, long scale)
{
	char n[24];
	const char *p[1] = { n };
	const char *pw = NULL;
	long cars;

	/* Refused before the database is touched, seeded already or not. */
	if (scale == 0 && (pw = seed_password()) == NULL)
		return 2;
	if ((cars = seed_count_cars()) < 0) {
		fprintf(stderr, "exodrive seed: cannot reach the database\n");
		return 1;
	}
	if (scale > 0) {
		snprintf(n, sizeof n, "%ld", scale);
		if (seed_script(dir, "scale.sql") != 0 ||
		    db_exec("SELECT seed_scale($1::int)", 1, p) != API_OK)
			return 1;
		printf("added %ld generated cars with a year of bookings\n", scale);
		return 0;
	}
	if (cars > 0) {
		printf("already seeded (%ld cars)\n", cars);
		return 0;
	}
	if (seed_accounts_create(pw) != 0 || seed_script(dir, "seed.sql") != 0)
		return 1;
	printf("seeded %ld cars\n", seed_count_cars());
	return 0;
}
