/* repo_users.c -- accounts, profiles and refresh tokens. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

/* Copy the text at row 0, col into out; "" for NULL. */
static void
repo_copy(const struct db_res *res, int col, char *out, size_t len)
{
	const char *v = db_val(res, 0, col);

	snprintf(out, len, "%s", v ? v : "");
}

enum api_err
repo_user_role(const char *id, char *role, size_t rolelen)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT role FROM profiles WHERE id = $1", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else
		repo_copy(res, 0, role, rolelen);
	db_free(res);
	return e;
}

enum api_err
repo_user_create(const char *email, const char *hash, const char *first,
    const char *last, const char *phone, char *id, size_t idlen)
{
	const char *p[2] = { email, hash };
	const char *c[5];
	struct db_res *res;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	e = db_query("INSERT INTO users (email, password_hash) VALUES ($1, $2) "
	    "RETURNING id", 2, p, &res);
	if (e != API_OK)
		goto fail;
	repo_copy(res, 0, id, idlen);
	db_free(res);
	c[0] = id;
	c[1] = email;
	c[2] = first;
	c[3] = last;
	c[4] = phone;
	if ((e = db_exec("INSERT INTO profiles (id, role) VALUES ($1, 'customer')",
	    1, c)) != API_OK ||
	    (e = db_exec("INSERT INTO customers (user_id, email, first_name, "
	    "last_name, phone) VALUES ($1, $2, $3, $4, $5)", 5, c)) != API_OK ||
	    (e = db_commit()) != API_OK)
		goto fail;
	return API_OK;
fail:
	db_rollback();
	return e;
}

enum api_err
repo_user_by_email(const char *email, char *id, size_t idlen, char *hash,
    size_t hashlen, char *role, size_t rolelen)
{
	const char *p[1] = { email };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT u.id, u.password_hash, p.role FROM users u "
	    "JOIN profiles p ON p.id = u.id WHERE u.email = $1", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else {
		repo_copy(res, 0, id, idlen);
		repo_copy(res, 1, hash, hashlen);
		repo_copy(res, 2, role, rolelen);
	}
	db_free(res);
	return e;
}

enum api_err
repo_refresh_add(const char *user_id, const char *family, const char *token,
    long ttl)
{
	char secs[24];
	const char *p[4] = { user_id, family, token, secs };

	snprintf(secs, sizeof secs, "%ld", ttl);
	return db_exec("INSERT INTO refresh_tokens (user_id, family_id, "
	    "token_hash, expires_at) VALUES ($1, COALESCE($2::uuid, "
	    "gen_random_uuid()), digest($3, 'sha256'), "
	    "now() + make_interval(secs => $4::int))", 4, p);
}

enum api_err
repo_refresh_use(const char *token, char *user_id, size_t ulen, char *family,
    size_t flen)
{
	const char *p[1] = { token };
	struct db_res *res;
	enum api_err e;

	e = db_query("UPDATE refresh_tokens SET used_at = now() "
	    "WHERE token_hash = digest($1, 'sha256') AND used_at IS NULL "
	    "AND revoked_at IS NULL AND expires_at > now() "
	    "RETURNING user_id, family_id", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) == 1) {
		repo_copy(res, 0, user_id, ulen);
		repo_copy(res, 1, family, flen);
		db_free(res);
		return API_OK;
	}
	db_free(res);
	/* Unknown, expired, or a replay of a spent token: a replay means the
	 * token leaked, so the whole family goes. */
	(void)repo_refresh_revoke(token);
	return API_UNAUTHORIZED;
}

enum api_err
repo_refresh_revoke(const char *token)
{
	const char *p[1] = { token };

	return db_exec("UPDATE refresh_tokens SET revoked_at = now() "
	    "WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM "
	    "refresh_tokens WHERE token_hash = digest($1, 'sha256'))", 1, p);
}
