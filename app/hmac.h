/* hmac.h -- HMAC-SHA256 signatures of webhook providers, and the
 * encodings they come in. */
#ifndef HMAC_H
#define HMAC_H

#include <stdbool.h>
#include <stddef.h>

#define HMAC_SHA256_LEN	32

/* HMAC-SHA256 of msg (mlen bytes) under key (klen bytes) into mac. */
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char mac[HMAC_SHA256_LEN]);
/* Whether hex (any case) spells mac.  Constant time in the mac. */
bool hmac_hex_equal(const char *hex, const unsigned char mac[HMAC_SHA256_LEN]);
/* Standard base64 of in (n bytes) into out (4 * ((n + 2) / 3) + 1 bytes). */
void hmac_b64_encode(const unsigned char *in, size_t n, char *out);
/* Decode standard base64 in into out (room for outlen bytes).  Returns the
 * decoded length, or -1. */
long hmac_b64_decode(const char *in, unsigned char *out, size_t outlen);
/* Whether two strings of equal length are equal, in constant time. */
bool hmac_str_equal(const char *a, const char *b);

#endif
