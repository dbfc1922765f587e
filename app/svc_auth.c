/* svc_auth.c -- accounts and sessions: register, login, refresh, logout. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "conf.h"
#include "jwt.h"
#include "log.h"
#include "password.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"
#include "svc.h"

/* A hash of a password nobody has, so that an unknown email costs a login
 * the same time as a wrong password. */
static const char svc_auth_dummy[] =
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$k1Ljq5xDmCPG2td6dy0VNbPftKcAEYXVA5YDR/Pvnc.";

/* Answer with a fresh access token and a refresh token in family (NULL
 * starts a new family). */
static enum api_err
svc_auth_session(struct call *c, int status, const char *user_id,
    const char *email, const char *role, const char *family)
{
	char access[JWT_MAX_LEN], refresh[65];
	struct json_object *o, *u;
	enum api_err e;

	rng_hex(refresh, 32);
	if (auth_access_token(user_id, access, sizeof access) != 0)
		return API_INTERNAL_ERROR;
	if ((e = repo_refresh_add(user_id, family, refresh,
	    conf->refresh_token_ttl)) != API_OK)
		return e;
	o = json_object_new_object();
	json_object_object_add(o, "accessToken", json_object_new_string(access));
	json_object_object_add(o, "tokenType", json_object_new_string("Bearer"));
	json_object_object_add(o, "expiresIn",
	    json_object_new_int64(conf->access_token_ttl));
	json_object_object_add(o, "refreshToken", json_object_new_string(refresh));
	if (email != NULL) {
		u = json_object_new_object();
		json_object_object_add(u, "id", json_object_new_string(user_id));
		json_object_object_add(u, "email", json_object_new_string(email));
		json_object_object_add(u, "role", json_object_new_string(role));
		json_object_object_add(o, "user", u);
	}
	response_json(c->resp, status, o);
	return API_OK;
}

enum api_err
svc_auth_register(struct call *c)
{
	const char *const *f = c->req->field;
	char hash[PASSWORD_HASH_MAX], id[64];
	enum api_err e;

	if (password_hash(f[REG_PASSWORD], hash, sizeof hash) != 0)
		return API_INTERNAL_ERROR;
	e = repo_user_create(f[REG_EMAIL], hash, f[REG_FIRST_NAME],
	    f[REG_LAST_NAME], f[REG_PHONE], id, sizeof id);
	if (e == API_CONFLICT)
		c->err_message = "An account with this email already exists";
	if (e != API_OK)
		return e;
	return svc_auth_session(c, 201, id, f[REG_EMAIL], "customer", NULL);
}

enum api_err
svc_auth_login(struct call *c)
{
	const char *const *f = c->req->field;
	char id[64], hash[PASSWORD_HASH_MAX], role[16];
	enum api_err e;

	e = repo_user_by_email(f[LOGIN_EMAIL], id, sizeof id, hash, sizeof hash, role,
	    sizeof role);
	if (e != API_OK && e != API_NOT_FOUND)
		return e;
	if (!password_verify(f[LOGIN_PASSWORD], e == API_OK ? hash : svc_auth_dummy) ||
	    e != API_OK) {
		c->err_message = "Invalid email or password";
		return API_UNAUTHORIZED;
	}
	return svc_auth_session(c, 200, id, f[LOGIN_EMAIL], role, NULL);
}

enum api_err
svc_auth_refresh(struct call *c)
{
	char user[64], family[64];
	enum api_err e;

	e = repo_refresh_use(c->req->field[REFRESH_TOKEN], user, sizeof user, family,
	    sizeof family);
	if (e == API_UNAUTHORIZED)
		c->err_message = "Invalid or expired refresh token";
	if (e != API_OK)
		return e;
	return svc_auth_session(c, 200, user, NULL, NULL, family);
}

enum api_err
svc_auth_logout(struct call *c)
{
	enum api_err e = repo_refresh_revoke(c->req->field[REFRESH_TOKEN]);

	if (e == API_OK)
		response_empty(c->resp, 204);
	return e;
}
