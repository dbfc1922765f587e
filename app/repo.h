/* repo.h -- repositories: all SQL, $n parameters only, grouped by file. */
#ifndef REPO_H
#define REPO_H

#include <stddef.h>

#include "apierr.h"

struct json_object;

/* repo_users.c */
/* The role of user id (a uuid) into role.  API_NOT_FOUND if none. */
enum api_err repo_user_role(const char *id, char *role, size_t rolelen);
/* Create an account with its profile and customer row, in one
 * transaction.  API_CONFLICT when the email is taken.  id gets the uuid. */
enum api_err repo_user_create(const char *email, const char *hash,
    const char *first, const char *last, const char *phone, char *id,
    size_t idlen);
/* The id, password hash and role of the account with email.
 * API_NOT_FOUND if none. */
enum api_err repo_user_by_email(const char *email, char *id, size_t idlen,
    char *hash, size_t hashlen, char *role, size_t rolelen);
/* Store a new refresh token (raw text; stored hashed) in family (NULL
 * starts one) for user id. */
enum api_err repo_refresh_add(const char *user_id, const char *family,
    const char *token, long ttl);
/* Spend refresh token: on success user_id and family get its owner and
 * family.  A token already spent revokes its whole family.  API_UNAUTHORIZED
 * when it is unknown, spent, revoked or expired. */
enum api_err repo_refresh_use(const char *token, char *user_id, size_t ulen,
    char *family, size_t flen);
/* Revoke the family of token.  API_OK even when it is unknown. */
enum api_err repo_refresh_revoke(const char *token);

/* repo_cars.c -- each returns a JSON document in *json, owned by *res
 * (caller frees with db_free()). */
struct db_res;
/* A visible car by id (uuid) or slug (the other NULL).  API_NOT_FOUND if
 * missing or hidden. */
enum api_err repo_car_get(const char *id, const char *slug,
    struct db_res **res, const char **json);
/* The visible fleet, filtered, sorted and paged; p holds search,
 * category, minPrice, maxPrice, features, sortBy, sortOrder, page, limit. */
enum api_err repo_car_list(const char *const *p, struct db_res **res,
    const char **json);
/* Day-by-day status of car from start to end inclusive.  API_NOT_FOUND
 * for an unknown or hidden car. */
enum api_err repo_car_availability(const char *car, const char *start,
    const char *end, struct db_res **res, const char **json);

#endif
