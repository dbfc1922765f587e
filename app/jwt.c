/* jwt.c -- HS256 access tokens on OpenSSL's HMAC. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.h"
#include "request.h"
#include "rng.h"

/* The only header we issue and the only one we accept, byte for byte. */
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static const char jwt_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
jwt_b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*out++ = jwt_alpha[v >> 18 & 63];
		*out++ = jwt_alpha[v >> 12 & 63];
		*out++ = jwt_alpha[v >> 6 & 63];
		*out++ = jwt_alpha[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		*out++ = jwt_alpha[v >> 18 & 63];
		*out++ = jwt_alpha[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		*out++ = jwt_alpha[v >> 18 & 63];
		*out++ = jwt_alpha[v >> 12 & 63];
		*out++ = jwt_alpha[v >> 6 & 63];
	}
	*out = '\0';
}

static int
jwt_b64val(char c)
{
	const char *p = c ? strchr(jwt_alpha, c) : NULL;

	return p ? (int)(p - jwt_alpha) : -1;
}

long
jwt_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
	size_t i, o = 0;
	unsigned v = 0;
	int bits = 0, d;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((d = jwt_b64val(in[i])) < 0)
			return -1;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return -1;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	/* Leftover bits must be zero (canonical encoding only). */
	if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

/* HMAC-SHA256 of data with secret into mac (32 bytes). */
static void
jwt_mac(const char *secret, const char *data, size_t n, unsigned char *mac)
{
	unsigned int len = 32;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)data, n, mac, &len);
}

int
jwt_sign(const char *secret, const char *iss, const char *aud,
    const char *sub, time_t now, long ttl, char *out, size_t outlen)
{
	char claims[512], jti[33], part[1024];
	unsigned char mac[32];
	size_t len;
	int n;

	rng_id_hex(jti);
	n = snprintf(claims, sizeof claims, "{\"iss\":\"%s\",\"aud\":\"%s\","
	    "\"sub\":\"%s\",\"iat\":%lld,\"nbf\":%lld,\"exp\":%lld,\"jti\":\"%s\"}",
	    iss, aud, sub, (long long)now, (long long)now,
	    (long long)(now + ttl), jti);
	if (n < 0 || (size_t)n >= sizeof claims || outlen < JWT_MAX_LEN)
		return -1;
	jwt_b64url_encode((const unsigned char *)jwt_header,
	    sizeof jwt_header - 1, out);
	len = strlen(out);
	out[len++] = '.';
	jwt_b64url_encode((const unsigned char *)claims, (size_t)n, part);
	snprintf(out + len, outlen - len, "%s", part);
	len = strlen(out);
	jwt_mac(secret, out, len, mac);
	out[len++] = '.';
	jwt_b64url_encode(mac, sizeof mac, out + len);
	return 0;
}

/* Check the claims object c.  Returns JWT_OK or the reason. */
static enum jwt_err
jwt_claims(struct json_object *c, const char *iss, const char *aud,
    time_t now, char *sub, size_t sublen)
{
	struct json_object *v;
	long long exp, nbf;

	if (!json_object_is_type(c, json_type_object) ||
	    !json_object_object_get_ex(c, "iss", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), iss) != 0 ||
	    !json_object_object_get_ex(c, "aud", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), aud) != 0 ||
	    !json_object_object_get_ex(c, "sub", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0 ||
	    (size_t)json_object_get_string_len(v) >= sublen)
		return JWT_BAD_CLAIMS;
	snprintf(sub, sublen, "%s", json_object_get_string(v));
	if (!json_object_object_get_ex(c, "exp", &v) ||
	    !json_object_is_type(v, json_type_int))
		return JWT_BAD_CLAIMS;
	exp = json_object_get_int64(v);
	if (!json_object_object_get_ex(c, "nbf", &v) ||
	    !json_object_is_type(v, json_type_int))
		return JWT_BAD_CLAIMS;
	nbf = json_object_get_int64(v);
	if ((long long)now >= exp + JWT_LEEWAY)
		return JWT_EXPIRED;
	if ((long long)now + JWT_LEEWAY < nbf)
		return JWT_NOT_YET_VALID;
	return JWT_OK;
}

enum jwt_err
jwt_verify(const char *secret, const char *iss, const char *aud,
    const char *token, time_t now, char *sub, size_t sublen)
{
	const char *dot1, *dot2;
	unsigned char mac[32], given[64], body[1024];
	struct json_object *claims;
	enum jwt_err e;
	long n;

	if (strlen(token) >= JWT_MAX_LEN || (dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL || strchr(dot2 + 1, '.'))
		return JWT_MALFORMED;
	n = jwt_b64url_decode(token, (size_t)(dot1 - token), body, sizeof body);
	if (n != (long)sizeof jwt_header - 1 ||
	    memcmp(body, jwt_header, (size_t)n) != 0)
		return JWT_BAD_HEADER;
	jwt_mac(secret, token, (size_t)(dot2 - token), mac);
	n = jwt_b64url_decode(dot2 + 1, strlen(dot2 + 1), given, sizeof given);
	if (n != 32 || CRYPTO_memcmp(mac, given, 32) != 0)
		return JWT_BAD_SIGNATURE;
	n = jwt_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), body,
	    sizeof body);
	if (n <= 0 || (claims = request_json_parse((const char *)body,
	    (size_t)n)) == NULL)
		return JWT_MALFORMED;
	e = jwt_claims(claims, iss, aud, now, sub, sublen);
	json_object_put(claims);
	return e;
}
