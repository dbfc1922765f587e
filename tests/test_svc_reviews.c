/* test_svc_reviews.c -- review moderation without a database.
 *
 * The repositories, the transaction calls and the cache invalidation are
 * swapped at link time (-Wl,--wrap, see Makefile.am) for fakes that record
 * what the service asked for. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "test_common.h"

#include "cache.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

#define REVIEW	"11111111-1111-4111-8111-111111111111"
#define ADMIN	"22222222-2222-4222-8222-222222222222"

/* What the fakes answer and what they saw. */
static struct {
	enum api_err	 lock_e, set_e, get_e, list_e;
	struct review_state st;
	int		 begins, commits, rollbacks;
	int		 sets, responds, unresponds, events, gets;
	enum review_move move;
	char		 set_admin[64], set_reason[600], respond_text[600];
	char		 event_type[32], event_details[256], event_booking[64];
	int		 inval_reviews, inval_car;
	char		 inval_for[64];
	char		 list_args[4][64];
	int		 list_all;
} F;

static void
copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "(null)");
}

enum api_err __wrap_db_begin(void);
enum api_err __wrap_db_commit(void);
void __wrap_db_rollback(void);
enum api_err __wrap_repo_review_lock(const char *id, struct review_state *st);
enum api_err __wrap_repo_review_admin_get(const char *id, struct db_res **res,
    const char **json);
enum api_err __wrap_repo_review_set(const char *id, enum review_move move,
    const char *admin, const char *reason);
enum api_err __wrap_repo_review_respond(const char *id, const char *admin,
    const char *text);
enum api_err __wrap_repo_review_unrespond(const char *id);
enum api_err __wrap_repo_booking_event(const char *booking, const char *type,
    const char *actor, const char *actor_id, const char *details,
    const char *summary);
enum api_err __wrap_repo_review_admin_list(const char *status,
    const char *car, const char *page, const char *limit,
    struct db_res **res, const char **json);
enum api_err __wrap_repo_review_list(const char *car, const char *page,
    const char *limit, int unapproved, struct db_res **res,
    const char **json);
void __wrap_cache_invalidate_reviews(const char *car);
void __wrap_cache_invalidate_car(const char *car);

enum api_err __wrap_db_begin(void) { F.begins++; return API_OK; }
enum api_err __wrap_db_commit(void) { F.commits++; return API_OK; }
void __wrap_db_rollback(void) { F.rollbacks++; }

enum api_err
__wrap_repo_review_lock(const char *id, struct review_state *st)
{
	assert_string_equal(id, REVIEW);
	if (F.lock_e == API_OK)
		*st = F.st;
	return F.lock_e;
}

enum api_err
__wrap_repo_review_admin_get(const char *id, struct db_res **res,
    const char **json)
{
	static char doc[256];

	assert_string_equal(id, REVIEW);
	F.gets++;
	*res = NULL;
	snprintf(doc, sizeof doc, "{\"id\":\"%s\",\"read\":%d}", id, F.gets);
	*json = doc;
	return F.get_e;
}

enum api_err
__wrap_repo_review_set(const char *id, enum review_move move,
    const char *admin, const char *reason)
{
	assert_string_equal(id, REVIEW);
	F.sets++;
	F.move = move;
	copy(F.set_admin, sizeof F.set_admin, admin);
	copy(F.set_reason, sizeof F.set_reason, reason);
	return F.set_e;
}

enum api_err
__wrap_repo_review_respond(const char *id, const char *admin, const char *text)
{
	assert_string_equal(id, REVIEW);
	assert_string_equal(admin, ADMIN);
	F.responds++;
	copy(F.respond_text, sizeof F.respond_text, text);
	return F.set_e;
}

enum api_err
__wrap_repo_review_unrespond(const char *id)
{
	assert_string_equal(id, REVIEW);
	F.unresponds++;
	return F.set_e;
}

enum api_err
__wrap_repo_booking_event(const char *booking, const char *type,
    const char *actor, const char *actor_id, const char *details,
    const char *summary)
{
	(void)summary;
	assert_string_equal(actor, "admin");
	assert_string_equal(actor_id, ADMIN);
	F.events++;
	copy(F.event_booking, sizeof F.event_booking, booking);
	copy(F.event_type, sizeof F.event_type, type);
	copy(F.event_details, sizeof F.event_details, details);
	return API_OK;
}

enum api_err
__wrap_repo_review_admin_list(const char *status, const char *car,
    const char *page, const char *limit, struct db_res **res,
    const char **json)
{
	copy(F.list_args[0], sizeof F.list_args[0], status);
	copy(F.list_args[1], sizeof F.list_args[1], car);
	copy(F.list_args[2], sizeof F.list_args[2], page);
	copy(F.list_args[3], sizeof F.list_args[3], limit);
	*res = NULL;
	*json = "{\"reviews\":[]}";
	return F.list_e;
}

enum api_err
__wrap_repo_review_list(const char *car, const char *page, const char *limit,
    int unapproved, struct db_res **res, const char **json)
{
	copy(F.list_args[1], sizeof F.list_args[1], car);
	copy(F.list_args[2], sizeof F.list_args[2], page);
	copy(F.list_args[3], sizeof F.list_args[3], limit);
	F.list_all = unapproved;
	*res = NULL;
	*json = "{\"reviews\":[]}";
	return F.list_e;
}

void
__wrap_cache_invalidate_reviews(const char *car)
{
	F.inval_reviews++;
	copy(F.inval_for, sizeof F.inval_for, car);
}

void
__wrap_cache_invalidate_car(const char *car)
{
	F.inval_car++;
	copy(F.inval_for, sizeof F.inval_for, car);
}

/* One call of a handler, as the dispatcher would make it. */
struct t_call {
	struct req	r;
	struct resp	s;
	struct call	c;
};

static int
setup(void **state)
{
	struct t_call *t = calloc(1, sizeof *t);

	memset(&F, 0, sizeof F);
	snprintf(F.st.status, sizeof F.st.status, "pending");
	snprintf(F.st.car, sizeof F.st.car, "car-1");
	snprintf(F.st.booking, sizeof F.st.booking, "booking-1");
	request_init(&t->r);
	response_init(&t->s);
	t->r.user_id = ADMIN;
	t->r.role = "admin";
	t->c.req = &t->r;
	t->c.resp = &t->s;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t_call *t = *state;

	json_object_put(t->c.audit_before);
	json_object_put(t->c.audit_after);
	json_object_put(t->c.err_details);
	response_free(&t->s);
	request_free(&t->r);
	free(t);
	return 0;
}

/* Run handler h on review REVIEW with body member (reason or response). */
static enum api_err
run(struct t_call *t, route_handler h, const char *member)
{
	t->r.field[REVIEW_ID] = REVIEW;	/* the same index in every route */
	t->r.field[REVIEW_REJECT_REASON] = member;
	t->r.field[REVIEW_RESPOND_TEXT] = member;
	return h(&t->c);
}

/* The answer's body, NUL-terminated. */
static const char *
body(struct t_call *t)
{
	buf_add(&t->s.body, "", 1);
	t->s.body.len--;
	return t->s.body.data;
}

static void
svc_reviews_approve__pending__publishes_logs_and_invalidates(void **state)
{
	struct t_call *t = *state;

	assert_int_equal(run(t, svc_reviews_approve, NULL), API_OK);
	assert_int_equal(F.sets, 1);
	assert_int_equal(F.move, REVIEW_APPROVE);
	assert_string_equal(F.set_admin, ADMIN);
	assert_int_equal(F.events, 1);
	assert_string_equal(F.event_type, "review_approved");
	assert_string_equal(F.event_booking, "booking-1");
	assert_int_equal(F.commits, 1);
	assert_int_equal(F.rollbacks, 0);
	assert_int_equal(F.inval_reviews, 1);
	assert_int_equal(F.inval_car, 1);
	assert_string_equal(F.inval_for, "car-1");
	assert_int_equal(t->s.status, 200);
	assert_non_null(strstr(body(t), "\"success\":true"));
	assert_non_null(strstr(body(t), "\"read\":2"));	/* the state after */
	assert_string_equal(t->c.audit_target, "review:" REVIEW);
	assert_int_equal(json_object_get_int(json_object_object_get(t->c.audit_before, "read")), 1);
	assert_int_equal(json_object_get_int(json_object_object_get(t->c.audit_after, "read")), 2);
}

static void
svc_reviews_approve__approved__changes_nothing_but_is_audited(void **state)
{
	struct t_call *t = *state;

	snprintf(F.st.status, sizeof F.st.status, "approved");
	assert_int_equal(run(t, svc_reviews_approve, NULL), API_OK);
	assert_int_equal(F.sets + F.events, 0);
	assert_int_equal(F.inval_reviews + F.inval_car, 0);
	assert_int_equal(t->s.status, 200);
	assert_string_equal(t->c.audit_target, "review:" REVIEW);
	assert_non_null(t->c.audit_before);
	assert_non_null(t->c.audit_after);
}

static void
svc_reviews_approve__rejected__is_published_again(void **state)
{
	struct t_call *t = *state;

	snprintf(F.st.status, sizeof F.st.status, "rejected");
	assert_int_equal(run(t, svc_reviews_approve, NULL), API_OK);
	assert_int_equal(F.sets, 1);
	assert_int_equal(F.move, REVIEW_APPROVE);
	assert_int_equal(F.inval_reviews, 1);
}

static void
svc_reviews_approve__no_booking__logs_no_event(void **state)
{
	struct t_call *t = *state;

	F.st.booking[0] = '\0';
	assert_int_equal(run(t, svc_reviews_approve, NULL), API_OK);
	assert_int_equal(F.sets, 1);
	assert_int_equal(F.events, 0);
}

static void
svc_reviews_approve__unknown__not_found_and_rolled_back(void **state)
{
	struct t_call *t = *state;

	F.lock_e = API_NOT_FOUND;
	assert_int_equal(run(t, svc_reviews_approve, NULL), API_NOT_FOUND);
	assert_string_equal(t->c.err_message, "Review not found");
	assert_int_equal(F.rollbacks, 1);
	assert_int_equal(F.commits + F.sets, 0);
	assert_int_equal(F.inval_reviews + F.inval_car, 0);
}

static void
svc_reviews_approve__write_fails__rolled_back_nothing_invalidated(void **state)
{
	struct t_call *t = *state;

	F.set_e = API_SERVICE_UNAVAILABLE;
	assert_int_equal(run(t, svc_reviews_approve, NULL), API_SERVICE_UNAVAILABLE);
	assert_int_equal(F.rollbacks, 1);
	assert_int_equal(F.commits + F.events, 0);
	assert_int_equal(F.inval_reviews + F.inval_car, 0);
	assert_null(t->c.audit_target);
}

/* Every move on a deleted review: 409, rolled back, nothing written. */
static void
svc_reviews_any_move__deleted__conflict(void **state)
{
	struct t_call *t = *state;
	route_handler h[] = { svc_reviews_approve, svc_reviews_reject,
	    svc_reviews_respond, svc_reviews_unrespond, svc_reviews_delete };
	size_t i;

	for (i = 0; i < sizeof h / sizeof h[0]; i++) {
		memset(&F, 0, sizeof F);
		snprintf(F.st.status, sizeof F.st.status, "deleted");
		F.st.responded = 1;
		assert_int_equal(run(t, h[i], "Some words here."), API_CONFLICT);
		assert_non_null(strstr(t->c.err_message, "deleted"));
		assert_int_equal(F.rollbacks, 1);
		assert_int_equal(F.sets + F.responds + F.unresponds + F.events, 0);
		assert_int_equal(F.inval_reviews + F.inval_car, 0);
	}
}

static void
svc_reviews_reject__approved__unpublished_with_reason(void **state)
{
	struct t_call *t = *state;

	snprintf(F.st.status, sizeof F.st.status, "approved");
	assert_int_equal(run(t, svc_reviews_reject, "Off \"topic\""), API_OK);
	assert_int_equal(F.move, REVIEW_REJECT);
	assert_string_equal(F.set_reason, "Off \"topic\"");
	assert_string_equal(F.event_type, "review_rejected");
	assert_non_null(strstr(F.event_details, "\"reason\":\"Off \\\"topic\\\"\""));
	assert_non_null(strstr(F.event_details, "\"reviewId\":\"" REVIEW "\""));
	assert_int_equal(F.inval_reviews + F.inval_car, 2);
}

static void
svc_reviews_reject__rejected__replaces_the_reason(void **state)
{
	struct t_call *t = *state;

	snprintf(F.st.status, sizeof F.st.status, "rejected");
	assert_int_equal(run(t, svc_reviews_reject, NULL), API_OK);
	assert_int_equal(F.sets, 1);
	assert_string_equal(F.set_reason, "(null)");
	assert_null(strstr(F.event_details, "reason"));
}

static void
svc_reviews_respond__pending__writes_it_without_event(void **state)
{
	struct t_call *t = *state;

	assert_int_equal(run(t, svc_reviews_respond, "Thank you for driving."), API_OK);
	assert_int_equal(F.responds, 1);
	assert_string_equal(F.respond_text, "Thank you for driving.");
	assert_int_equal(F.events + F.sets, 0);
	assert_int_equal(F.inval_reviews, 1);
	assert_int_equal(F.inval_car, 1);
	assert_int_equal(F.commits, 1);
}

static void
svc_reviews_unrespond__none__not_found(void **state)
{
	struct t_call *t = *state;

	assert_int_equal(run(t, svc_reviews_unrespond, NULL), API_NOT_FOUND);
	assert_string_equal(t->c.err_message, "The review has no response");
	assert_int_equal(F.unresponds, 0);
	assert_int_equal(F.rollbacks, 1);
}

static void
svc_reviews_unrespond__responded__withdraws_it(void **state)
{
	struct t_call *t = *state;

	F.st.responded = 1;
	assert_int_equal(run(t, svc_reviews_unrespond, NULL), API_OK);
	assert_int_equal(F.unresponds, 1);
	assert_int_equal(F.inval_reviews, 1);
}

static void
svc_reviews_delete__approved__deleted_and_invalidated(void **state)
{
	struct t_call *t = *state;

	snprintf(F.st.status, sizeof F.st.status, "approved");
	assert_int_equal(run(t, svc_reviews_delete, NULL), API_OK);
	assert_int_equal(F.move, REVIEW_DELETE);
	assert_int_equal(F.events, 0);
	assert_int_equal(F.inval_reviews + F.inval_car, 2);
	assert_string_equal(F.inval_for, "car-1");
}

static void
svc_reviews_admin_get__unknown__not_found(void **state)
{
	struct t_call *t = *state;

	F.get_e = API_NOT_FOUND;
	assert_int_equal(run(t, svc_reviews_admin_get, NULL), API_NOT_FOUND);
	assert_string_equal(t->c.err_message, "Review not found");
}

static void
svc_reviews_admin_list__filters__passed_by_name_with_defaults(void **state)
{
	struct t_call *t = *state;

	t->r.field[REVIEW_ADMIN_STATUS] = "rejected";
	t->r.field[REVIEW_ADMIN_CAR] = "car-9";
	assert_int_equal(svc_reviews_admin_list(&t->c), API_OK);
	assert_string_equal(F.list_args[0], "rejected");
	assert_string_equal(F.list_args[1], "car-9");
	assert_string_equal(F.list_args[2], "1");
	assert_string_equal(F.list_args[3], "20");
	assert_int_equal(t->s.status, 200);
}

static void
svc_reviews_list__customer_asks_for_unapproved__gets_approved_only(void **state)
{
	struct t_call *t = *state;

	t->r.role = "customer";
	t->r.field[REVIEWS_CAR] = "car-3";
	t->r.field[REVIEWS_UNAPPROVED] = "true";
	assert_int_equal(svc_reviews_list(&t->c), API_OK);
	assert_int_equal(F.list_all, 0);
	assert_string_equal(F.list_args[1], "car-3");
	t->r.role = "admin";
	assert_int_equal(svc_reviews_list(&t->c), API_OK);
	assert_int_equal(F.list_all, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(svc_reviews_approve__pending__publishes_logs_and_invalidates),
		T(svc_reviews_approve__approved__changes_nothing_but_is_audited),
		T(svc_reviews_approve__rejected__is_published_again),
		T(svc_reviews_approve__no_booking__logs_no_event),
		T(svc_reviews_approve__unknown__not_found_and_rolled_back),
		T(svc_reviews_approve__write_fails__rolled_back_nothing_invalidated),
		T(svc_reviews_any_move__deleted__conflict),
		T(svc_reviews_reject__approved__unpublished_with_reason),
		T(svc_reviews_reject__rejected__replaces_the_reason),
		T(svc_reviews_respond__pending__writes_it_without_event),
		T(svc_reviews_unrespond__none__not_found),
		T(svc_reviews_unrespond__responded__withdraws_it),
		T(svc_reviews_delete__approved__deleted_and_invalidated),
		T(svc_reviews_admin_get__unknown__not_found),
		T(svc_reviews_admin_list__filters__passed_by_name_with_defaults),
		T(svc_reviews_list__customer_asks_for_unapproved__gets_approved_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
