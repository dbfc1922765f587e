/* hmac.c -- HMAC-SHA256 and base64 on OpenSSL. */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hmac.h"

void
hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char mac[HMAC_SHA256_LEN])
{
	unsigned int n = HMAC_SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, mac, &n);
}

bool
hmac_hex_equal(const char *hex, const unsigned char mac[HMAC_SHA256_LEN])
{
	static const char digits[] = "0123456789abcdef";
	char want[2 * HMAC_SHA256_LEN + 1], got[2 * HMAC_SHA256_LEN + 1];
	size_t i;

	if (strlen(hex) != 2 * HMAC_SHA256_LEN)
		return false;
	for (i = 0; i < HMAC_SHA256_LEN; i++) {
		want[2 * i] = digits[mac[i] >> 4];
		want[2 * i + 1] = digits[mac[i] & 15];
	}
	want[sizeof want - 1] = '\0';
	for (i = 0; i < 2 * HMAC_SHA256_LEN; i++)
		got[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 : hex[i]);
	got[sizeof got - 1] = '\0';
	return CRYPTO_memcmp(want, got, sizeof want) == 0;
}

void
hmac_b64_encode(const unsigned char *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

long
hmac_b64_decode(const char *in, unsigned char *out, size_t outlen)
{
	size_t n = strlen(in), pad = 0;
	int got;

	if (n == 0 || n % 4 != 0 || 3 * (n / 4) > outlen)
		return -1;
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n)) < 0)
		return -1;
	pad = (in[n - 1] == '=') + (in[n - 2] == '=');
	return got - (long)pad;
}

bool
hmac_str_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}
