/* test_openapi.c -- the OpenAPI document of the route table. */
#include "config.h"

#include "test_common.h"

#include <json-c/json.h>

#include "buf.h"
#include "openapi.h"

static void
openapi_document__route_table__names_only_schemas_the_contract_has(void **state)
{
	struct json_object *doc;
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(openapi_document(&b), 0);
	doc = json_tokener_parse(b.data);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "openapi")),
	    "3.1.0");
	assert_non_null(json_object_object_get(json_object_object_get(
	    json_object_object_get(doc, "components"), "schemas"), "ErrorEnvelope"));
	json_object_put(doc);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openapi_document__route_table__names_only_schemas_the_contract_has),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
