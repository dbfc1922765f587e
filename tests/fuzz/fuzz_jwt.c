/* fuzz_jwt.c -- jwt_verify() on any token, and base64url decoding. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok = malloc(size + 1), sub[64];
	unsigned char raw[4096];

	if (tok == NULL)
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';
	(void)jwt_verify("fuzz-secret-of-thirty-two-chars!", "exodrive", "exodrive-api",
	    tok, 1800000000, sub, sizeof sub);
	(void)jwt_b64url_decode(tok, strlen(tok), raw, sizeof raw);
	free(tok);
	return 0;
}
