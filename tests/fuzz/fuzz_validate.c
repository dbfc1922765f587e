/* fuzz_validate.c -- request_validate() of every route's declared input,
 * behind authentication (which fuzz_request cannot pass).
 *
 * The input is: one byte choosing the route, then
 *   QUERY\n PATH-PARAM/PATH-PARAM...\n JSON-BODY
 * The validator must answer OK without details, or a validation error
 * with them. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "fuzz_common.h"
#include "request.h"
#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_conf_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *t, *rt;
	struct json_object *details;
	char *copy, *s, *end, *q, *p, *uri, *save = NULL;
	const char *env[3];
	struct req r;
	size_t n;

	if (size < 1)
		return 0;
	t = routes_table(&n);
	rt = &t[data[0] % n];
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	s = copy;
	end = copy + size - 1;
	q = fuzz_line(&s, end);
	if ((uri = malloc(strlen(q ? q : "") + 16)) == NULL) {
		free(copy);
		return 0;
	}
	strcpy(uri, "REQUEST_URI=/x?");
	strcat(uri, q ? q : "");
	env[0] = uri;
	env[1] = "REQUEST_METHOD=POST";
	env[2] = NULL;

	request_init(&r);
	if (request_begin(&r, (char *const *)env) == API_OK) {
		if ((p = fuzz_line(&s, end)) != NULL)
			for (p = strtok_r(p, "/", &save); p != NULL &&
			    r.nparams < ROUTE_MAX_PARAMS; p = strtok_r(NULL, "/", &save))
				r.params[r.nparams++] = p;
		if (s < end)
			r.json = request_json_parse(s, (size_t)(end - s));
		if (request_validate(&r, rt, &details) == API_OK) {
			if (details != NULL)
				abort();
		} else if (details == NULL)
			abort();	/* a refusal always says why */
		json_object_put(details);
	}
	request_free(&r);
	free(uri);
	free(copy);
	return 0;
}
