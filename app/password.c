/* password.c -- yescrypt through libxcrypt's crypt_r(). */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"
#include "password.h"
#include "rng.h"

int
password_hash(const char *pw, char *out, size_t outlen)
{
	struct crypt_data cd;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], rnd[32];
	const char *h;

	rng_bytes(rnd, sizeof rnd);
	if (crypt_gensalt_rn("$y$", 0, rnd, sizeof rnd, salt, sizeof salt) == NULL) {
		LOG_ERR("crypt_gensalt_rn failed");
		return -1;
	}
	memset(&cd, 0, sizeof cd);
	h = crypt_r(pw, salt, &cd);
	if (h == NULL || h[0] == '*' || strlen(h) >= outlen) {
		LOG_ERR("crypt_r failed");
		return -1;
	}
	strcpy(out, h);
	return 0;
}

bool
password_verify(const char *pw, const char *hash)
{
	struct crypt_data cd;
	const char *h;
	size_t n = strlen(hash);

	memset(&cd, 0, sizeof cd);
	h = crypt_r(pw, hash, &cd);
	return h != NULL && h[0] != '*' && strlen(h) == n &&
	    CRYPTO_memcmp(h, hash, n) == 0;
}
