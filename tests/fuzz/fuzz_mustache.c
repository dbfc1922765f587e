/* fuzz_mustache.c -- the renderer on any template and data: the input is
 * a template, a NUL byte, then JSON data. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "mustache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
fuzz_partial(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "p") == 0 ? "[{{x}}]" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1), err[256];
	const char *json;
	struct json_object *d;
	struct buf out;

	if (t == NULL)
		return 0;
	memcpy(t, data, size);
	t[size] = '\0';
	json = t + strlen(t) + (strlen(t) < size ? 1 : 0);
	d = json_tokener_parse(json);
	buf_init(&out);
	(void)mustache_render(t, d, fuzz_partial, NULL, MUSTACHE_HTML, &out, err, sizeof err);
	buf_reset(&out);
	(void)mustache_render(t, d, fuzz_partial, NULL, MUSTACHE_TEXT, &out, err, sizeof err);
	buf_free(&out);
	json_object_put(d);
	free(t);
	return 0;
}
