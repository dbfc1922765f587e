/* test_svc_users.c -- roles and the audit row of an admin write, through
 * the real dispatcher and route table.  The repositories, the caller's
 * identity and Redis are swapped with -Wl,--wrap (see Makefile.am). */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "test_common.h"

#include "auth.h"
#include "conf.h"
#include "dispatch.h"
#include "ratelimit.h"
#include "redis.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "route.h"

#define USER	"11111111-1111-4111-8111-111111111111"
#define ADMIN	"22222222-2222-4222-8222-222222222222"

static struct conf cf;

/* What the swapped functions saw and answer. */
static struct {
	const char	*role;		/* the caller's role */
	enum api_err	 set_err;	/* repo_user_set_role's answer */
	const char	*before;	/* the role it reports */
	int		 set_calls;
	char		 set_role[16];
	int		 audit_calls;
	enum api_err	 audit_err;
	char		 actor[64], action[64], target[128];
	char		 before_json[64], after_json[64], trace[64], ip[64];
	int		 session_calls;
	char		 session_user[64], session_role[16];
	const char	*list_p[REPO_AUDIT_NQ];
	char		 list_vals[REPO_AUDIT_NQ][64];
	bool		 list_null[REPO_AUDIT_NQ];
} w;

enum api_err __wrap_auth_identify(struct req *r, const char **why);
enum api_err __wrap_repo_user_set_role(const char *id, const char *role,
    char *before, size_t beforelen, char *email, size_t emaillen);
int __wrap_auth_role_changed(const char *user_id, const char *role);
enum api_err __wrap_repo_audit_add(const struct repo_audit_row *a);
enum api_err __wrap_repo_audit_list(const char *const p[REPO_AUDIT_NQ],
    struct db_res **res, const char **json);
bool __wrap_ratelimit_begin(struct req *r, enum rate_tier tier,
    struct ratelimit_verdict *v, struct redis_call *call);
int __wrap_redis_run(struct redis_call *calls, int n);

enum api_err
__wrap_auth_identify(struct req *r, const char **why)
{
	(void)why;
	if (w.role == NULL)
		return API_AUTH_REQUIRED;
	r->user_id = ADMIN;
	r->role = w.role;
	return API_OK;
}

enum api_err
__wrap_repo_user_set_role(const char *id, const char *role, char *before,
    size_t beforelen, char *email, size_t emaillen)
{
	w.set_calls++;
	snprintf(w.set_role, sizeof w.set_role, "%s", role);
	assert_string_equal(id, USER);
	if (w.set_err != API_OK)
		return w.set_err;
	snprintf(before, beforelen, "%s", w.before);
	snprintf(email, emaillen, "%s", "someone@example.com");
	return API_OK;
}

int
__wrap_auth_role_changed(const char *user_id, const char *role)
{
	w.session_calls++;
	snprintf(w.session_user, sizeof w.session_user, "%s", user_id);
	snprintf(w.session_role, sizeof w.session_role, "%s", role);
	return 0;
}

#define COPY(to, from)	snprintf((to), sizeof (to), "%s", (from) ? (from) : "(null)")

enum api_err
__wrap_repo_audit_add(const struct repo_audit_row *a)
{
	w.audit_calls++;
	COPY(w.actor, a->actor);
	COPY(w.action, a->action);
	COPY(w.target, a->target);
	COPY(w.before_json, a->before);
	COPY(w.after_json, a->after);
	COPY(w.trace, a->trace_id);
	COPY(w.ip, a->client_ip);
	return w.audit_err;
}

enum api_err
__wrap_repo_audit_list(const char *const p[REPO_AUDIT_NQ], struct db_res **res,
    const char **json)
{
	int i;

	for (i = 0; i < REPO_AUDIT_NQ; i++) {
		w.list_null[i] = p[i] == NULL;
		COPY(w.list_vals[i], p[i]);
	}
	*res = NULL;
	*json = "{\"success\":true,\"entries\":[],\"pagination\":"
	    "{\"page\":1,\"limit\":20,\"total\":0,\"totalPages\":0}}";
	return API_OK;
}

bool
__wrap_ratelimit_begin(struct req *r, enum rate_tier tier,
    struct ratelimit_verdict *v, struct redis_call *call)
{
	(void)r; (void)tier; (void)v; (void)call;
	return false;		/* not charged */
}

int
__wrap_redis_run(struct redis_call *calls, int n)
{
	(void)calls; (void)n;
	return 0;
}

static int
setup(void **state)
{
	const struct route *t;
	char err[256];
	size_t n;

	(void)state;
	t = routes_table(&n);
	route_serve(t, n);
	if (conf_load(&cf, NULL, err, sizeof err) != 0)
		return -1;
	conf = &cf;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(&cf);
	return 0;
}

static int
reset(void **state)
{
	(void)state;
	memset(&w, 0, sizeof w);
	w.role = "admin";
	w.before = "admin";
	return 0;
}

/* Dispatch method uri (with body, or NULL) as trace id "t-users-1" from
 * 10.0.0.7; returns the status, the answer's error code in code. */
static int
call(const char *method, const char *uri, const char *body, char *code,
    size_t n)
{
	char m[64], u[256], len[40];
	const char *env[] = { m, u, "CONTENT_TYPE=application/json", len,
	    "HTTP_X_TRACE_ID=t-users-1", "REMOTE_ADDR=10.0.0.7", NULL };
	struct json_object *root, *e, *v;
	struct resp s;
	struct req r;
	enum api_err early;
	int status;

	snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
	snprintf(u, sizeof u, "REQUEST_URI=%s", uri);
	snprintf(len, sizeof len, "CONTENT_LENGTH=%zu", body ? strlen(body) : 0);
	if (body == NULL)
		env[2] = env[3] = "X_NONE=1";
	request_init(&r);
	response_init(&s);
	early = request_begin(&r, (char *const *)env);
	if (body != NULL) {
		r.body = body;
		r.body_len = strlen(body);
	}
	dispatch_run(&r, &s, early);
	status = s.status;
	code[0] = '\0';
	root = json_tokener_parse(s.body.data ? s.body.data : "");
	if (root != NULL && json_object_object_get_ex(root, "error", &e) &&
	    json_object_object_get_ex(e, "code", &v))
		snprintf(code, n, "%s", json_object_get_string(v));
	json_object_put(root);
	request_free(&r);
	response_free(&s);
	return status;
}

#define ROLE_URI	"/api/admin/users/" USER "/role"

static void
svc_users_set_role__demotion__answers_200_and_audits_before_after(void **state)
{
	char code[64];

	(void)state;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"customer\"}", code,
	    sizeof code), 200);
	assert_int_equal(w.set_calls, 1);
	assert_string_equal(w.set_role, "customer");
	assert_int_equal(w.audit_calls, 1);
	assert_string_equal(w.actor, ADMIN);
	assert_string_equal(w.action, "admin.user.setRole");
	assert_string_equal(w.target, "user:" USER);
	assert_string_equal(w.before_json, "{\"role\":\"admin\"}");
	assert_string_equal(w.after_json, "{\"role\":\"customer\"}");
	assert_string_equal(w.trace, "t-users-1");
	assert_string_equal(w.ip, "10.0.0.7");
}

static void
svc_users_set_role__committed__stores_new_role_in_session_cache(void **state)
{
	char code[64];

	(void)state;
	w.before = "customer";
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"admin\"}", code,
	    sizeof code), 200);
	assert_int_equal(w.session_calls, 1);
	assert_string_equal(w.session_user, USER);
	assert_string_equal(w.session_role, "admin");
}

static void
svc_users_set_role__last_admin__is_409_without_audit_or_session(void **state)
{
	char code[64];

	(void)state;
	w.set_err = API_CONFLICT;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"customer\"}", code,
	    sizeof code), 409);
	assert_string_equal(code, "CONFLICT");
	assert_int_equal(w.audit_calls, 0);
	assert_int_equal(w.session_calls, 0);
}

static void
svc_users_set_role__unknown_user__is_404(void **state)
{
	char code[64];

	(void)state;
	w.set_err = API_NOT_FOUND;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"admin\"}", code,
	    sizeof code), 404);
	assert_int_equal(w.audit_calls, 0);
	assert_int_equal(w.session_calls, 0);
}

static void
svc_users_set_role__bad_role__is_400_before_the_handler(void **state)
{
	char code[64];

	(void)state;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"root\"}", code,
	    sizeof code), 400);
	assert_string_equal(code, "VALIDATION_ERROR");
	assert_int_equal(w.set_calls, 0);
	assert_int_equal(w.audit_calls, 0);
}

static void
svc_users_set_role__customer_caller__is_403_and_unaudited(void **state)
{
	char code[64];

	(void)state;
	w.role = "customer";
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"admin\"}", code,
	    sizeof code), 403);
	w.role = NULL;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"admin\"}", code,
	    sizeof code), 401);
	assert_int_equal(w.set_calls, 0);
	assert_int_equal(w.audit_calls, 0);
}

static void
dispatch_audit__row_not_written__write_still_answers_200(void **state)
{
	char code[64];

	(void)state;
	w.audit_err = API_DATABASE_ERROR;
	assert_int_equal(call("PUT", ROLE_URI, "{\"role\":\"customer\"}", code,
	    sizeof code), 200);
	assert_int_equal(w.audit_calls, 1);
	assert_string_equal(code, "");
}

static void
svc_users_audit_log__filters__reach_the_query_by_name(void **state)
{
	char code[64];

	(void)state;
	assert_int_equal(call("GET", "/api/admin/audit-log?limit=5&action=admin.user.setRole"
	    "&adminId=" ADMIN "&from=2026-01-01", NULL, code, sizeof code), 200);
	assert_string_equal(w.list_vals[REPO_AUDIT_PAGE], "1");
	assert_string_equal(w.list_vals[REPO_AUDIT_LIMIT], "5");
	assert_string_equal(w.list_vals[REPO_AUDIT_ADMIN], ADMIN);
	assert_string_equal(w.list_vals[REPO_AUDIT_ACTION], "admin.user.setRole");
	assert_string_equal(w.list_vals[REPO_AUDIT_FROM], "2026-01-01");
	assert_true(w.list_null[REPO_AUDIT_TARGET]);
	assert_true(w.list_null[REPO_AUDIT_TO]);
	/* A read is not an admin write. */
	assert_int_equal(w.audit_calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(svc_users_set_role__demotion__answers_200_and_audits_before_after, reset),
		cmocka_unit_test_setup(svc_users_set_role__committed__stores_new_role_in_session_cache, reset),
		cmocka_unit_test_setup(svc_users_set_role__last_admin__is_409_without_audit_or_session, reset),
		cmocka_unit_test_setup(svc_users_set_role__unknown_user__is_404, reset),
		cmocka_unit_test_setup(svc_users_set_role__bad_role__is_400_before_the_handler, reset),
		cmocka_unit_test_setup(svc_users_set_role__customer_caller__is_403_and_unaudited, reset),
		cmocka_unit_test_setup(dispatch_audit__row_not_written__write_still_answers_200, reset),
		cmocka_unit_test_setup(svc_users_audit_log__filters__reach_the_query_by_name, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
