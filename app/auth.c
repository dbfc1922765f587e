/* auth.c -- bearer tokens to principals. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "conf.h"
#include "jwt.h"
#include "log.h"
#include "redis.h"
#include "repo.h"
#include "request.h"

static const char *
auth_reason(enum jwt_err e)
{
	switch (e) {
	case JWT_OK:		return "OK";
	case JWT_MALFORMED:	return "Malformed token";
	case JWT_BAD_HEADER:	return "Unsupported token type";
	case JWT_BAD_SIGNATURE:	return "Invalid token signature";
	case JWT_EXPIRED:	return "Token expired";
	case JWT_NOT_YET_VALID:	return "Token not yet valid";
	case JWT_BAD_CLAIMS:	return "Invalid token claims";
	}
	return "Invalid token";
}

void
auth_session_key(const char *user_id, char *out, size_t len)
{
	snprintf(out, len, "sess:v1:user:%s", user_id);
}

/* The role of user sub: from the session cache, else from the database
 * (then cached for SESSION_CACHE_TTL seconds).  The cache is filled only
 * where it is empty (SET NX): a role read before a change committed never
 * overwrites the role auth_role_changed() stored after it. */
static enum api_err
auth_role(const char *sub, char *role, size_t rolelen)
{
	char key[128], *v = NULL;
	size_t len;
	enum api_err err;

	auth_session_key(sub, key, sizeof key);
	if (conf->session_cache_ttl > 0 && redis_get_value(key, &v, &len) == 1 &&
	    len < rolelen) {
		memcpy(role, v, len + 1);
		free(v);
		return API_OK;
	}
	free(v);
	if ((err = repo_user_role(sub, role, rolelen)) == API_OK &&
	    conf->session_cache_ttl > 0)
		(void)redis_set_nx(key, role, conf->session_cache_ttl * 1000);
	return err;
}

int
auth_role_changed(const char *user_id, const char *role)
{
	char key[128];

	if (conf->session_cache_ttl <= 0)
		return 0;
	auth_session_key(user_id, key, sizeof key);
	if (redis_cache_set(key, role, strlen(role), conf->session_cache_ttl) == 0)
		return 0;
	LOG_WARN("role of %s changed to %s, but its session cache was not "
	    "updated: the old role may be served for up to %lds", user_id, role,
	    conf->session_cache_ttl);
	return -1;
}

enum api_err
auth_identify(struct req *r, const char **why)
{
	const char *h = r->var[REQ_VAR_AUTHORIZATION];
	char sub[64], role[16];
	enum jwt_err e;
	enum api_err err;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0')
		return API_AUTH_REQUIRED;
	e = jwt_verify(conf->jwt_secret, conf->jwt_issuer, conf->jwt_audience,
	    h + 7, time(NULL), sub, sizeof sub);
	if (e != JWT_OK) {
		*why = auth_reason(e);
		return API_UNAUTHORIZED;
	}
	if ((err = auth_role(sub, role, sizeof role)) != API_OK) {
		if (err == API_NOT_FOUND) {
			*why = "Unknown account";
			return API_UNAUTHORIZED;
		}
		return err;
	}
	r->user_id = arena_strdup(&r->arena, sub);
	r->role = strcmp(role, "admin") == 0 ? "admin" : "customer";
	return API_OK;
}

int
auth_access_token(const char *user_id, char *out, size_t outlen)
{
	return jwt_sign(conf->jwt_secret, conf->jwt_issuer, conf->jwt_audience,
	    user_id, time(NULL), conf->access_token_ttl, out, outlen);
}

enum api_err
auth_shared_secret(const struct req *r, const char *secret, const char **why)
{
	const char *h = r->var[REQ_VAR_AUTHORIZATION];
	size_t n = strlen(secret);

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return API_AUTH_REQUIRED;
	if (n == 0 || strlen(h + 7) != n || CRYPTO_memcmp(h + 7, secret, n) != 0) {
		*why = "Invalid credentials";
		return API_UNAUTHORIZED;
	}
	return API_OK;
}
