/* test_mustache.c -- the official Mustache spec's core modules
 * (tests/spec/mustache: comments, delimiters, interpolation, inverted,
 * partials, sections), every case, plus our own escaping rules. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "test_common.h"

#include "mustache.h"

#ifndef EXODRIVE_SPECDIR
#define EXODRIVE_SPECDIR "tests/spec/mustache"
#endif

static const char *
partial_of(const char *name, void *arg)
{
	struct json_object *v;

	return arg != NULL && json_object_object_get_ex(arg, name, &v) ?
	    json_object_get_string(v) : NULL;
}

/* Run every case of one spec file; returns how many failed. */
static int
run_spec(const char *file, int *ran)
{
	char path[512], err[256];
	struct json_object *spec, *tests, *t, *v, *partials;
	struct buf out;
	size_t i;
	int failed = 0;

	snprintf(path, sizeof path, "%s/%s", EXODRIVE_SPECDIR, file);
	spec = json_object_from_file(path);
	assert_non_null(spec);
	assert_true(json_object_object_get_ex(spec, "tests", &tests));
	for (i = 0; i < json_object_array_length(tests); i++) {
		t = json_object_array_get_idx(tests, i);
		partials = json_object_object_get_ex(t, "partials", &v) ? v : NULL;
		buf_init(&out);
		if (mustache_render(json_object_get_string(json_object_object_get(t, "template")),
		    json_object_object_get(t, "data"), partial_of, partials,
		    MUSTACHE_HTML, &out, err, sizeof err) != 0 ||
		    strcmp(out.data ? out.data : "",
		    json_object_get_string(json_object_object_get(t, "expected"))) != 0) {
			printf("# FAIL %s: %s: got [%s] %s\n", file,
			    json_object_get_string(json_object_object_get(t, "name")),
			    out.data ? out.data : "", err);
			failed++;
		}
		buf_free(&out);
		(*ran)++;
	}
	json_object_put(spec);
	return failed;
}

static void
mustache_render__spec_core_modules__all_pass(void **state)
{
	static const char *const files[] = { "comments.json", "delimiters.json",
	    "interpolation.json", "inverted.json", "partials.json",
	    "sections.json" };
	int failed = 0, ran = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		failed += run_spec(files[i], &ran);
	printf("# mustache spec: %d of %d cases pass\n", ran - failed, ran);
	assert_int_equal(ran, 136);
	assert_int_equal(failed, 0);
}

static void
mustache_render__text_mode__does_not_escape(void **state)
{
	struct json_object *d = json_tokener_parse("{\"n\":\"<b>&'\\\"\"}");
	char err[128];
	struct buf out;

	(void)state;
	buf_init(&out);
	assert_int_equal(mustache_render("{{n}}", d, NULL, NULL, MUSTACHE_TEXT,
	    &out, err, sizeof err), 0);
	assert_string_equal(out.data, "<b>&'\"");
	buf_reset(&out);
	assert_int_equal(mustache_render("{{n}}", d, NULL, NULL, MUSTACHE_HTML,
	    &out, err, sizeof err), 0);
	assert_string_equal(out.data, "&lt;b&gt;&amp;&#39;&quot;");
	buf_free(&out);
	json_object_put(d);
}

static void
mustache_render__broken_templates__fail_with_message(void **state)
{
	struct json_object *d = json_object_new_object();
	char err[128];
	struct buf out;

	(void)state;
	buf_init(&out);
	assert_int_equal(mustache_render("{{#a}}x", d, NULL, NULL, MUSTACHE_HTML,
	    &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "unclosed section"));
	assert_int_equal(mustache_render("x {{a", d, NULL, NULL, MUSTACHE_HTML,
	    &out, err, sizeof err), -1);
	assert_int_equal(mustache_render("{{#a}}{{/b}}", d, NULL, NULL, MUSTACHE_HTML,
	    &out, err, sizeof err), -1);
	assert_int_equal(mustache_render("{{=<% =}}", d, NULL, NULL, MUSTACHE_HTML,
	    &out, err, sizeof err), -1);
	buf_free(&out);
	json_object_put(d);
}

static const char *
self_partial(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "me") == 0 ? "{{>me}}" : NULL;
}

static void
mustache_render__recursive_partial__stops_with_error(void **state)
{
	struct json_object *d = json_object_new_object();
	char err[128];
	struct buf out;

	(void)state;
	buf_init(&out);
	assert_int_equal(mustache_render("{{>me}}", d, self_partial, NULL,
	    MUSTACHE_HTML, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "too deeply"));
	buf_free(&out);
	json_object_put(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mustache_render__spec_core_modules__all_pass),
		cmocka_unit_test(mustache_render__text_mode__does_not_escape),
		cmocka_unit_test(mustache_render__broken_templates__fail_with_message),
		cmocka_unit_test(mustache_render__recursive_partial__stops_with_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
