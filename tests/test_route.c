/* test_route.c -- matching a request to a route of any table, and the
 * names and headers of route fields. */
#include "config.h"

#include "test_common.h"

#include "route.h"

static enum api_err
nop(struct call *c)
{
	(void)c;
	return API_OK;
}

static const struct input none = { .body = BODY_NONE };
static const struct route fake[] = {
	{ .method = METHOD_GET, .path = "/api/cars/{carId}", .handler = nop, .input = &none },
	{ .method = METHOD_GET, .path = "/api/cars/availability", .handler = nop, .input = &none },
	{ .method = METHOD_POST, .path = "/api/cars/upload", .handler = nop, .input = &none },
	{ .method = METHOD_PATCH, .path = "/api/admin/bookings/{id}/status", .handler = nop, .input = &none },
	{ .method = METHOD_GET, .path = "/", .handler = nop, .input = &none },
	{ .method = METHOD_DELETE, .path = "/api/cars/{carId}", .handler = nop, .input = &none },
	{ .method = METHOD_GET, .path = "/a/{p1}/{p2}/{p3}/{p4}/{p5}", .handler = nop, .input = &none },
};
#define NFAKE	(sizeof fake / sizeof fake[0])

/* Match in the fake table; params and their count in p and np. */
static enum route_match
match(enum http_method m, const char *path, const struct route **r,
    const char **p, size_t *np, unsigned *allow)
{
	static char scratch[256];

	*np = 0;
	return route_match(fake, NFAKE, m, path, scratch, r, p, np, allow);
}

static void
route_match__literal_and_param__literal_wins(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_GET, "/api/cars/availability", &r, params,
	    &np, &allow), ROUTE_FOUND);
	assert_ptr_equal(r, &fake[1]);
	assert_int_equal(np, 0);
	assert_int_equal(match(METHOD_GET, "/api/cars/abc", &r, params, &np,
	    &allow), ROUTE_FOUND);
	assert_ptr_equal(r, &fake[0]);
	assert_int_equal(np, 1);
	assert_string_equal(params[0], "abc");
}

static void
route_match__literal_path_of_another_method__is_no_method(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	/* The literal path exists with POST only: 405, not the {carId} GET. */
	assert_int_equal(match(METHOD_GET, "/api/cars/upload", &r, params, &np,
	    &allow), ROUTE_NO_METHOD);
	assert_null(r);
	assert_true(allow & (1u << METHOD_POST));
	assert_false(allow & (1u << METHOD_GET));
	assert_false(allow & (1u << METHOD_HEAD));
	assert_true(allow & (1u << METHOD_OPTIONS));
}

static void
route_match__inner_param__is_captured(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_PATCH, "/api/admin/bookings/42/status", &r,
	    params, &np, &allow), ROUTE_FOUND);
	assert_ptr_equal(r, &fake[3]);
	assert_int_equal(np, 1);
	assert_string_equal(params[0], "42");
}

static void
route_match__empty_param_segment__is_no_path(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_PATCH, "/api/admin/bookings//status", &r,
	    params, &np, &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api/cars/", &r, params, &np,
	    &allow), ROUTE_NO_PATH);
	assert_null(r);
}

static void
route_match__root__finds_the_root_route(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_GET, "/", &r, params, &np, &allow),
	    ROUTE_FOUND);
	assert_ptr_equal(r, &fake[4]);
}

static void
route_match__head__is_served_by_the_get_route(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_HEAD, "/api/cars/xyz", &r, params, &np,
	    &allow), ROUTE_FOUND);
	assert_ptr_equal(r, &fake[0]);
	assert_string_equal(params[0], "xyz");
}

static void
route_match__two_methods_on_a_path__allow_lists_both_and_head(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_PUT, "/api/cars/xyz", &r, params, &np,
	    &allow), ROUTE_NO_METHOD);
	assert_int_equal(allow, (1u << METHOD_GET) | (1u << METHOD_HEAD) |
	    (1u << METHOD_DELETE) | (1u << METHOD_OPTIONS));
	assert_int_equal(match(METHOD_DELETE, "/api/cars/xyz", &r, params, &np,
	    &allow), ROUTE_FOUND);
	assert_ptr_equal(r, &fake[5]);
}

static void
route_match__relative_or_unknown_path__is_no_path(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_GET, "api/cars/abc", &r, params, &np,
	    &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "", &r, params, &np, &allow),
	    ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api/cars/abc/more", &r, params, &np,
	    &allow), ROUTE_NO_PATH);
	assert_int_equal(match(METHOD_GET, "/api", &r, params, &np, &allow),
	    ROUTE_NO_PATH);
	assert_int_equal(allow, 0);
}

static void
route_match__too_many_segments__is_no_path(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	assert_int_equal(match(METHOD_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n", &r,
	    params, &np, &allow), ROUTE_NO_PATH);
}

static void
route_match__more_params_than_kept__is_no_path(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	unsigned allow;
	size_t np;

	(void)state;
	/* Five {params} where ROUTE_MAX_PARAMS are kept: never a match. */
	assert_int_equal(match(METHOD_GET, "/a/1/2/3/4/5", &r, params, &np,
	    &allow), ROUTE_NO_PATH);
}

static void
route_match__empty_table__is_no_path(void **state)
{
	const char *params[ROUTE_MAX_PARAMS];
	const struct route *r;
	char scratch[16];
	unsigned allow;
	size_t np = 0;

	(void)state;
	assert_int_equal(route_match(fake, 0, METHOD_GET, "/", scratch, &r,
	    params, &np, &allow), ROUTE_NO_PATH);
	assert_null(r);
}

static void
route_method_name__each_method__is_its_token(void **state)
{
	(void)state;
	assert_string_equal(route_method_name(METHOD_GET), "GET");
	assert_string_equal(route_method_name(METHOD_HEAD), "HEAD");
	assert_string_equal(route_method_name(METHOD_POST), "POST");
	assert_string_equal(route_method_name(METHOD_PUT), "PUT");
	assert_string_equal(route_method_name(METHOD_PATCH), "PATCH");
	assert_string_equal(route_method_name(METHOD_DELETE), "DELETE");
	assert_string_equal(route_method_name(METHOD_OPTIONS), "OPTIONS");
	assert_string_equal(route_method_name(METHOD_OTHER), "OTHER");
}

static void
route_method_name__unset__is_unset(void **state)
{
	(void)state;
	assert_string_equal(route_method_name(METHOD__UNSET), "UNSET");
}

static void
route_cache_control__cached_families__are_public_with_their_age(void **state)
{
	(void)state;
	assert_string_equal(route_cache_control(CACHE_FLEET), "public, max-age=300");
	assert_string_equal(route_cache_control(CACHE_CAR), "public, max-age=300");
	assert_string_equal(route_cache_control(CACHE_AVAILABILITY), "public, max-age=30");
	assert_string_equal(route_cache_control(CACHE_REVIEWS), "public, max-age=300");
}

static void
route_cache_control__none_or_unset__is_no_store(void **state)
{
	(void)state;
	assert_string_equal(route_cache_control(CACHE_NONE), "no-store");
	assert_string_equal(route_cache_control(CACHE__UNSET), "no-store");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_match__literal_and_param__literal_wins),
		cmocka_unit_test(route_match__literal_path_of_another_method__is_no_method),
		cmocka_unit_test(route_match__inner_param__is_captured),
		cmocka_unit_test(route_match__empty_param_segment__is_no_path),
		cmocka_unit_test(route_match__root__finds_the_root_route),
		cmocka_unit_test(route_match__head__is_served_by_the_get_route),
		cmocka_unit_test(route_match__two_methods_on_a_path__allow_lists_both_and_head),
		cmocka_unit_test(route_match__relative_or_unknown_path__is_no_path),
		cmocka_unit_test(route_match__too_many_segments__is_no_path),
		cmocka_unit_test(route_match__more_params_than_kept__is_no_path),
		cmocka_unit_test(route_match__empty_table__is_no_path),
		cmocka_unit_test(route_method_name__each_method__is_its_token),
		cmocka_unit_test(route_method_name__unset__is_unset),
		cmocka_unit_test(route_cache_control__cached_families__are_public_with_their_age),
		cmocka_unit_test(route_cache_control__none_or_unset__is_no_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
