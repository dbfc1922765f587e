/* test_routes.c -- the route table declares every policy; its paths match
 * (the matcher itself: test_route.c). */
#include "config.h"

#include "test_common.h"

#include "route.h"

static void
routes__every_entry__declares_auth_rate_and_cache(void **state)
{
	const struct route *t;
	size_t n, i, j;

	(void)state;
	t = routes_table(&n);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		assert_true(t[i].method != METHOD__UNSET && t[i].method != METHOD_OTHER &&
		    t[i].method != METHOD_HEAD && t[i].method != METHOD_OPTIONS);
		assert_non_null(t[i].path);
		assert_int_equal(t[i].path[0], '/');
		assert_non_null(t[i].handler);
		assert_int_not_equal(t[i].auth, AUTH__UNSET);
		assert_int_not_equal(t[i].rate, RATE__UNSET);
		assert_int_not_equal(t[i].cache, CACHE__UNSET);
		assert_non_null(t[i].input);
		assert_int_not_equal(t[i].input->body, BODY__UNSET);
		assert_non_null(t[i].summary);
		/* A signature route names its check; no other route has one. */
		assert_int_equal(t[i].auth == AUTH_SIGNATURE, t[i].verify != NULL);
		/* Page views are counted on car routes only. */
		assert_true(!t[i].views || t[i].cache == CACHE_CAR);
		for (j = 0; j < t[i].input->nkeys; j++)
			assert_true(t[i].input->keys[j].src != KEY_PATH ||
			    strstr(t[i].path, t[i].input->keys[j].name) != NULL);
		for (j = i + 1; j < n; j++)
			assert_false(t[i].method == t[j].method &&
			    strcmp(t[i].path, t[j].path) == 0);
	}
}

/* Key arrays are designated ([NAME] = {...}, svc.h): a name left out of
 * the middle leaves a zeroed entry, which this walk finds (routes.c
 * asserts each array's length against its enum at compile time). */
static void
routes__every_key__has_a_name_source_and_type(void **state)
{
	const struct route *t;
	const struct key *k;
	size_t n, i, j;

	(void)state;
	t = routes_table(&n);
	for (i = 0; i < n; i++)
		for (j = 0; j < t[i].input->nkeys; j++) {
			k = &t[i].input->keys[j];
			if (k->name == NULL)
				fail_msg("%s: key %zu has no entry", t[i].operation, j);
			assert_int_not_equal(k->src, 0);	/* enums start at 1 */
			assert_int_not_equal(k->type, 0);
			assert_true(k->type != KEY_ENUM || k->choices != NULL);
		}
}

static enum route_match
match(enum http_method m, const char *path, const struct route **r,
    unsigned *allow)
{
	char scratch[256];
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *t;
	size_t n, np;

	t = routes_table(&n);
	return route_match(t, n, m, path, scratch, r, params, &np, allow);
}

static void
routes__every_entry__names_a_unique_operation_and_its_answer(void **state)
{
	const struct route *t;
	size_t n, i, j;

	(void)state;
	t = routes_table(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].operation);
		for (j = 0; j < i; j++)
			assert_string_not_equal(t[i].operation, t[j].operation);
		/* JSON answers name a schema; others say their type; 204 has none. */
		assert_true((t[i].output != NULL) + (t[i].media != NULL) +
		    (t[i].status == 204) == 1);
	}
}

static void
route_match__table_known_path__finds_route(void **state)
{
	const struct route *r;
	unsigned allow;

	(void)state;
	assert_int_equal(match(METHOD_GET, "/api/health", &r, &allow), ROUTE_FOUND);
	assert_string_equal(r->path, "/api/health");
	assert_int_equal(match(METHOD_HEAD, "/api/health/ready", &r, &allow), ROUTE_FOUND);
	assert_string_equal(r->path, "/api/health/ready");
}

static void
route_match__table_unknown_path__is_no_path(void **state)
{
	const struct route *r;
	unsigned allow;

	(void)state;
	assert_int_equal(match(METHOD_GET, "/api/nothing", &r, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api/health/", &r, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api", &r, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api/health/ready/x", &r, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "", &r, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n", &r, &allow), ROUTE_NO_PATH);
}

static void
route_match__table_wrong_method__lists_allowed(void **state)
{
	const struct route *r;
	unsigned allow;

	(void)state;
	assert_int_equal(match(METHOD_DELETE, "/api/health", &r, &allow), ROUTE_NO_METHOD);
	assert_null(r);
	assert_true(allow & (1u << METHOD_GET));
	assert_true(allow & (1u << METHOD_HEAD));
	assert_true(allow & (1u << METHOD_OPTIONS));
	assert_false(allow & (1u << METHOD_DELETE));
	assert_int_equal(match(METHOD_OTHER, "/api/health", &r, &allow), ROUTE_NO_METHOD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes__every_entry__declares_auth_rate_and_cache),
		cmocka_unit_test(routes__every_entry__names_a_unique_operation_and_its_answer),
		cmocka_unit_test(routes__every_key__has_a_name_source_and_type),
		cmocka_unit_test(route_match__table_known_path__finds_route),
		cmocka_unit_test(route_match__table_unknown_path__is_no_path),
		cmocka_unit_test(route_match__table_wrong_method__lists_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
