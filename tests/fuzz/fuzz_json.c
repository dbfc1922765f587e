/* fuzz_json.c -- request bodies: request_json_parse(), and the file-name
 * and CSV rules of uploads and reports. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "report.h"
#include "request.h"
#include "storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct json_object *o;
	struct buf b;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	o = request_json_parse((const char *)data, size);
	json_object_put(o);
	(void)storage_path_ok(s);
	buf_init(&b);
	report_csv_field(&b, s, true);
	report_csv_field(&b, s, false);
	buf_free(&b);
	free(s);
	return 0;
}
