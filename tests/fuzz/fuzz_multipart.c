/* fuzz_multipart.c -- multipart_find() on any body. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct multipart_part p;

	(void)multipart_find("multipart/form-data; boundary=----xyz",
	    (const char *)data, size, "file", &p);
	(void)multipart_find("multipart/form-data; boundary=\"a b\"",
	    (const char *)data, size, "f", &p);
	return 0;
}
