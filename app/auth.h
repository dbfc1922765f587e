/* auth.h -- who is calling: bearer access tokens, roles from the database. */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

#include "apierr.h"

struct req;

/* Identify the caller of r from its Authorization header.  Returns API_OK
 * with r->user_id and r->role set (role read from profiles, never from
 * the token, through a session cache in Redis that a role change through
 * the API overwrites at once: see auth_role_changed()), API_AUTH_REQUIRED when there is no bearer token, or
 * API_UNAUTHORIZED with *why for a token that fails verification. */
enum api_err auth_identify(struct req *r, const char **why);
/* After user_id's role was changed (committed) to role: store it in the
 * session cache, so the user's next request is authorised with it.
 * Returns 0, or -1 (logged) when Redis could not be written: the old role
 * may then be served until its entry expires (SESSION_CACHE_TTL). */
int auth_role_changed(const char *user_id, const char *role);
/* The session-cache key of a user, e.g. "sess:v1:user:{uuid}". */
void auth_session_key(const char *user_id, char *out, size_t len);
/* Check r's "Authorization: Bearer <secret>" against secret (constant
 * time).  An empty secret admits no one. */
enum api_err auth_shared_secret(const struct req *r, const char *secret,
    const char **why);
/* Issue an access token for user_id into out (JWT_MAX_LEN bytes). */
int auth_access_token(const char *user_id, char *out, size_t outlen);

#endif
