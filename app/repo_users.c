/* repo_users.c -- accounts, profiles and refresh tokens. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
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

enum api_err
repo_user_list(const char *const p[REPO_USERS_NQ], struct db_res **res,
    const char **json)
{
	return repo_json("WITH f AS (SELECT u.id, u.email, u.created_at, p.role,"
	    "  c.first_name, c.last_name FROM users u JOIN profiles p ON p.id = u.id"
	    "  LEFT JOIN customers c ON c.user_id = u.id"
	    "  WHERE ($3::text IS NULL OR strpos(u.email, lower($3)) > 0)"
	    "  AND ($4::text IS NULL OR p.role = $4)),"
	    " t AS (SELECT count(*) AS n FROM f),"
	    " pg AS (SELECT * FROM f ORDER BY created_at DESC, id"
	    "  OFFSET ($1::int - 1) * $2::int LIMIT $2::int)"
	    "SELECT json_build_object('success', true, 'users', COALESCE((SELECT"
	    " json_agg(json_build_object('id', id, 'email', email, 'role', role,"
	    " 'firstName', first_name, 'lastName', last_name, 'createdAt', created_at)"
	    " ORDER BY created_at DESC, id) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', $2::int,"
	    "  'total', t.n, 'totalPages', ceil(t.n::numeric / $2::int)::int))::text"
	    " FROM t", REPO_USERS_NQ, p, res, json);
}

/* Inside the role change's transaction: lock every admin's profile (in id
 * order, so two changes wait for each other instead of deadlocking), then
 * the account's; *admins gets how many admins there are, role and email
 * the account's.  A change that waited sees the other's result: under
 * READ COMMITTED a locked row is read again, and a profile demoted
 * meanwhile no longer counts. */
static enum api_err
repo_user_lock_roles(const char *id, long *admins, char *role, size_t rolelen,
    char *email, size_t emaillen)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT count(*) FROM (SELECT id FROM profiles"
	    " WHERE role = 'admin' ORDER BY id FOR UPDATE) a", 0, NULL, &res);
	if (e != API_OK)
		return e;
	*admins = db_rows(res) == 1 ? strtol(db_val(res, 0, 0), NULL, 10) : 0;
	db_free(res);
	e = db_query("SELECT p.role, u.email FROM profiles p JOIN users u"
	    " ON u.id = p.id WHERE p.id = $1 FOR UPDATE OF p", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else {
		repo_copy(res, 0, role, rolelen);
		snprintf(email, emaillen, "%s", db_val(res, 0, 1));
	}
	db_free(res);
	return e;
}

enum api_err
repo_user_set_role(const char *id, const char *role, char *before,
    size_t beforelen, char *email, size_t emaillen)
{
	const char *p[2] = { id, role };
	long admins;
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_user_lock_roles(id, &admins, before, beforelen, email,
	    emaillen)) != API_OK)
		goto fail;
	if (strcmp(before, "admin") == 0 && strcmp(role, "admin") != 0 &&
	    admins <= 1) {
		e = API_CONFLICT;
		goto fail;
	}
	if (strcmp(before, role) != 0 && (e = db_exec("UPDATE profiles"
	    " SET role = $2 WHERE id = $1", 2, p)) != API_OK)
		goto fail;
	return db_commit();
fail:
	db_rollback();
	return e;
}
