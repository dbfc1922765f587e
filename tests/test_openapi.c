/* test_openapi.c -- the OpenAPI document of the route table. */
#include "config.h"

#include "test_common.h"

#include <stdio.h>

#include <json-c/json.h>

#include "apierr.h"
#include "buf.h"
#include "openapi.h"
#include "route.h"

static struct json_object *
test_doc(void)
{
	struct json_object *doc;
	struct buf b;

	buf_init(&b);
	assert_int_equal(openapi_document(&b), 0);
	doc = json_tokener_parse(b.data);
	buf_free(&b);
	assert_non_null(doc);
	return doc;
}

/* The operation of route rt in doc, or NULL. */
static struct json_object *
test_operation(struct json_object *doc, const struct route *rt)
{
	struct json_object *item, *op;
	char m[16];
	size_t j;

	snprintf(m, sizeof m, "%s", route_method_name(rt->method));
	for (j = 0; m[j] != '\0'; j++)
		m[j] = (char)(m[j] | 0x20);
	if (!json_object_object_get_ex(json_object_object_get(doc, "paths"), rt->path, &item) ||
	    !json_object_object_get_ex(item, m, &op))
		return NULL;
	return op;
}

/* Whether operation op lists status with the error envelope. */
static int
test_lists_error(struct json_object *op, int status)
{
	struct json_object *r, *ref;
	char code[8];

	snprintf(code, sizeof code, "%d", status);
	if (!json_object_object_get_ex(json_object_object_get(op, "responses"), code, &r))
		return 0;
	ref = json_object_object_get(json_object_object_get(json_object_object_get(
	    json_object_object_get(r, "content"), "application/json"), "schema"), "$ref");
	return ref != NULL &&
	    strcmp(json_object_get_string(ref), "#/components/schemas/ErrorEnvelope") == 0;
}

static void
openapi_document__route_table__names_only_schemas_the_contract_has(void **state)
{
	struct json_object *doc = test_doc();

	(void)state;
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "openapi")),
	    "3.1.0");
	assert_non_null(json_object_object_get(json_object_object_get(
	    json_object_object_get(doc, "components"), "schemas"), "ErrorEnvelope"));
	json_object_put(doc);
}

static void
openapi_document__route_table__has_one_operation_per_route(void **state)
{
	struct json_object *doc = test_doc(), *op;
	const struct route *t = NULL;
	size_t n = 0, i, ops = 0;

	(void)state;
	t = routes_table(&n);
	assert_true(n > 50);
	json_object_object_foreach(json_object_object_get(doc, "paths"), path, item) {
		(void)path;
		ops += (size_t)json_object_object_length(item);
	}
	assert_int_equal(ops, n);
	for (i = 0; i < n; i++) {
		op = test_operation(doc, &t[i]);
		assert_non_null(op);
		assert_string_equal(json_object_get_string(json_object_object_get(op,
		    "operationId")), t[i].operation);
	}
	json_object_put(doc);
}

static void
openapi_document__route_policies_and_errors__list_each_status_with_the_envelope(void **state)
{
	struct json_object *doc = test_doc(), *op;
	const struct route *t;
	size_t n, i;
	int e;

	(void)state;
	t = routes_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].render_error != NULL)
			continue;		/* tRPC: its own shape */
		op = test_operation(doc, &t[i]);
		assert_non_null(op);
		for (e = API_OK + 1; e < API__MAX; e++)
			if (t[i].errors & ROUTE_ERR(e))
				assert_true(test_lists_error(op, apierr_status((enum api_err)e)));
		assert_true(test_lists_error(op, 400));
		assert_true(test_lists_error(op, 500));
		assert_int_equal(test_lists_error(op, 401), t[i].auth != AUTH_NONE ||
		    (t[i].errors & ROUTE_ERR(API_UNAUTHORIZED)) != 0);
		assert_int_equal(test_lists_error(op, 403), t[i].auth == AUTH_ADMIN ||
		    (t[i].errors & ROUTE_ERR(API_FORBIDDEN)) != 0);
		assert_int_equal(test_lists_error(op, 429), t[i].rate != RATE_NONE);
		assert_int_equal(test_lists_error(op, 409),
		    (t[i].errors & ROUTE_ERR(API_CONFLICT)) != 0);
	}
	json_object_put(doc);
}

static void
openapi_document__booking_create__lists_its_conflict(void **state)
{
	struct json_object *doc = test_doc(), *item, *op;

	(void)state;
	assert_true(json_object_object_get_ex(json_object_object_get(doc, "paths"),
	    "/api/bookings", &item));
	assert_true(json_object_object_get_ex(item, "post", &op));
	assert_true(test_lists_error(op, 409));
	assert_true(test_lists_error(op, 404));
	assert_true(test_lists_error(op, 429));
	assert_true(test_lists_error(op, 503));
	assert_false(test_lists_error(op, 502));
	json_object_put(doc);
}

/* Whether type t (a string or an array of them) names a type other than
 * "null". */
static int
test_real_type(struct json_object *t)
{
	size_t i;

	if (json_object_is_type(t, json_type_string))
		return strcmp(json_object_get_string(t), "null") != 0;
	if (!json_object_is_type(t, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(t); i++)
		if (test_real_type(json_object_array_get_idx(t, i)))
			return 1;
	return 0;
}

static void test_schema(struct json_object *s, const char *where, int *bad);

/* Check each schema of the array of branch kw ("oneOf", "anyOf") of s. */
static void
test_branches(struct json_object *s, const char *kw, const char *where, int *bad)
{
	struct json_object *a;
	char w[512];
	size_t i;

	if (!json_object_object_get_ex(s, kw, &a))
		return;
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *b = json_object_array_get_idx(a, i), *t;

		snprintf(w, sizeof w, "%s/%s[%zu]", where, kw, i);
		/* A nullable branch of a union is {"type": "null"}. */
		if (json_object_object_get_ex(b, "type", &t) && json_object_object_length(b) == 1 &&
		    json_object_is_type(t, json_type_string) &&
		    strcmp(json_object_get_string(t), "null") == 0 && json_object_array_length(a) > 1)
			continue;
		test_schema(b, w, bad);
	}
}

/* Every schema has a real type (or is a reference or a union of typed
 * schemas), and every object that lists members is closed. */
static void
test_schema(struct json_object *s, const char *where, int *bad)
{
	struct json_object *t, *x;
	char w[512];

	if (json_object_object_get_ex(s, "$ref", NULL))
		return;
	if (json_object_object_get_ex(s, "oneOf", NULL) || json_object_object_get_ex(s, "anyOf", NULL)) {
		test_branches(s, "oneOf", where, bad);
		test_branches(s, "anyOf", where, bad);
		return;
	}
	if (!json_object_object_get_ex(s, "type", &t) || !test_real_type(t)) {
		fprintf(stderr, "# %s: no type, or only null\n", where);
		(*bad)++;
	}
	if (json_object_object_get_ex(s, "properties", &x)) {
		struct json_object *ap = json_object_object_get(s, "additionalProperties");

		if (ap == NULL || !json_object_is_type(ap, json_type_boolean) ||
		    json_object_get_boolean(ap)) {
			fprintf(stderr, "# %s: members listed, but not closed\n", where);
			(*bad)++;
		}
		json_object_object_foreach(x, k, v) {
			snprintf(w, sizeof w, "%s.%s", where, k);
			test_schema(v, w, bad);
		}
	}
	if (json_object_object_get_ex(s, "items", &x)) {
		snprintf(w, sizeof w, "%s[]", where);
		test_schema(x, w, bad);
	}
	if (json_object_object_get_ex(s, "additionalProperties", &x) &&
	    json_object_is_type(x, json_type_object)) {
		snprintf(w, sizeof w, "%s{*}", where);
		test_schema(x, w, bad);
	}
}

static void
openapi_document__contract_schemas__have_real_types_and_closed_objects(void **state)
{
	struct json_object *doc = test_doc(), *schemas;
	int bad = 0, n = 0;

	(void)state;
	schemas = json_object_object_get(json_object_object_get(doc, "components"), "schemas");
	json_object_object_foreach(schemas, name, s) {
		test_schema(s, name, &bad);
		n++;
	}
	assert_true(n > 40);
	assert_int_equal(bad, 0);
	json_object_put(doc);
}

static void
test_schema__null_alone_and_open_object__are_caught(void **state)
{
	struct json_object *s;
	int bad = 0;

	(void)state;
	s = json_tokener_parse("{\"type\":\"object\",\"properties\":{"
	    "\"a\":{\"type\":\"null\"},\"b\":{\"type\":[\"string\",\"null\"]},"
	    "\"c\":{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"integer\"}}}},"
	    "\"additionalProperties\":false}");
	test_schema(s, "t", &bad);
	assert_int_equal(bad, 2);	/* a: null alone; c: open */
	json_object_put(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openapi_document__route_table__names_only_schemas_the_contract_has),
		cmocka_unit_test(openapi_document__route_table__has_one_operation_per_route),
		cmocka_unit_test(openapi_document__route_policies_and_errors__list_each_status_with_the_envelope),
		cmocka_unit_test(openapi_document__booking_create__lists_its_conflict),
		cmocka_unit_test(openapi_document__contract_schemas__have_real_types_and_closed_objects),
		cmocka_unit_test(test_schema__null_alone_and_open_object__are_caught),
	};
	const struct route *t;
	size_t n;

	t = routes_table(&n);
	route_serve(t, n);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
