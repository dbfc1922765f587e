/* svc_users.c -- accounts and roles for admins, and the audit log of what
 * admins wrote.  Every route here is AUTH_ADMIN in the table; the
 * dispatcher writes each admin write's audit row (dispatch.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_users_list(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[REPO_USERS_NQ];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	p[REPO_USERS_PAGE] = f[USERS_LIST_PAGE] ? f[USERS_LIST_PAGE] : "1";
	p[REPO_USERS_LIMIT] = f[USERS_LIST_LIMIT] ? f[USERS_LIST_LIMIT] : "20";
	p[REPO_USERS_SEARCH] = f[USERS_LIST_SEARCH];
	p[REPO_USERS_ROLE] = f[USERS_LIST_ROLE];
	e = repo_user_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No users");
}

/* {"role": role}: an account's state as the audit log keeps it.  Caller
 * frees with json_object_put(). */
static struct json_object *
svc_users_role_state(const char *role)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "role", json_object_new_string(role));
	return o;
}

/* The answer: the account with its new and previous role. */
static void
svc_users_role_answer(struct call *c, const char *id, const char *email,
    const char *role, const char *before)
{
	struct json_object *o = json_object_new_object();
	struct json_object *u = json_object_new_object();

	json_object_object_add(u, "id", json_object_new_string(id));
	json_object_object_add(u, "email", json_object_new_string(email));
	json_object_object_add(u, "role", json_object_new_string(role));
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "user", u);
	json_object_object_add(o, "previousRole", json_object_new_string(before));
	json_object_object_add(o, "changed",
	    json_object_new_boolean(strcmp(before, role) != 0));
	response_json(c->resp, 200, o);
}

enum api_err
svc_users_set_role(struct call *c)
{
	const char *id = c->req->field[USER_ROLE_ID];
	const char *role = c->req->field[USER_ROLE_ROLE];
	char before[16], email[256], target[64];
	enum api_err e;

	e = repo_user_set_role(id, role, before, sizeof before, email,
	    sizeof email);
	if (e == API_NOT_FOUND)
		c->err_message = "User not found";
	else if (e == API_CONFLICT)
		c->err_message = "The last admin cannot be demoted";
	if (e != API_OK)
		return e;
	/* Committed: the account's next request sees the new role. */
	(void)auth_role_changed(id, role);
	snprintf(target, sizeof target, "user:%s", id);
	c->audit_target = arena_strdup(&c->req->arena, target);
	c->audit_before = svc_users_role_state(before);
	c->audit_after = svc_users_role_state(role);
	svc_users_role_answer(c, id, email, role, before);
	return API_OK;
}

enum api_err
svc_users_audit_log(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[REPO_AUDIT_NQ];
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	p[REPO_AUDIT_PAGE] = f[AUDIT_LOG_PAGE] ? f[AUDIT_LOG_PAGE] : "1";
	p[REPO_AUDIT_LIMIT] = f[AUDIT_LOG_LIMIT] ? f[AUDIT_LOG_LIMIT] : "20";
	p[REPO_AUDIT_ADMIN] = f[AUDIT_LOG_ADMIN];
	p[REPO_AUDIT_ACTION] = f[AUDIT_LOG_ACTION];
	p[REPO_AUDIT_TARGET] = f[AUDIT_LOG_TARGET];
	p[REPO_AUDIT_FROM] = f[AUDIT_LOG_FROM];
	p[REPO_AUDIT_TO] = f[AUDIT_LOG_TO];
	e = repo_audit_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No audit entries");
}
