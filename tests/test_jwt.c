/* test_jwt.c -- the token table of reliability.md §6.2, and base64url. */
#include "config.h"

#include <stdio.h>

#include <openssl/hmac.h>

#include "test_common.h"

#include "jwt.h"

static const char *secret = "0123456789abcdef0123456789abcdef";

/* Build a token from raw header and claims JSON, signed with key (NULL:
 * an empty signature). */
static void
forge(const char *header, const char *claims, const char *key, char *out)
{
	unsigned char mac[32];
	unsigned int len = 32;
	char part[1024];
	size_t n;

	jwt_b64url_encode((const unsigned char *)header, strlen(header), out);
	strcat(out, ".");
	jwt_b64url_encode((const unsigned char *)claims, strlen(claims), part);
	strcat(out, part);
	n = strlen(out);
	strcat(out, ".");
	if (key != NULL) {
		HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)out, n,
		    mac, &len);
		jwt_b64url_encode(mac, 32, part);
		strcat(out, part);
	}
}

static void
claims_at(char *out, long long nbf, long long exp)
{
	sprintf(out, "{\"iss\":\"exodrive\",\"aud\":\"exodrive-api\","
	    "\"sub\":\"user-1\",\"iat\":%lld,\"nbf\":%lld,\"exp\":%lld,"
	    "\"jti\":\"x\"}", nbf, nbf, exp);
}

static enum jwt_err
check(const char *tok, time_t now)
{
	char sub[64];

	return jwt_verify(secret, "exodrive", "exodrive-api", tok, now, sub,
	    sizeof sub);
}

static void
jwt_verify__signed_token__accepted_with_subject(void **state)
{
	char tok[JWT_MAX_LEN], sub[64];

	(void)state;
	assert_int_equal(jwt_sign(secret, "exodrive", "exodrive-api", "user-42",
	    1000, 900, tok, sizeof tok), 0);
	assert_int_equal(jwt_verify(secret, "exodrive", "exodrive-api", tok,
	    1500, sub, sizeof sub), JWT_OK);
	assert_string_equal(sub, "user-42");
}

static void
jwt_verify__token_table__all_refused(void **state)
{
	const char *hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char tok[JWT_MAX_LEN], claims[512];
	time_t now = 100000;

	(void)state;
	claims_at(claims, now - 3600, now - 3600 + 900);
	forge(hs, claims, secret, tok);
	assert_int_equal(check(tok, now), JWT_EXPIRED);
	claims_at(claims, now + 3600, now + 7200);
	forge(hs, claims, secret, tok);
	assert_int_equal(check(tok, now), JWT_NOT_YET_VALID);
	claims_at(claims, now, now + 900);
	forge(hs, claims, "another secret of enough length!", tok);
	assert_int_equal(check(tok, now), JWT_BAD_SIGNATURE);
	forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, NULL, tok);
	assert_int_equal(check(tok, now), JWT_BAD_HEADER);
	forge("{\"alg\":\"None\"}", claims, NULL, tok);
	assert_int_equal(check(tok, now), JWT_BAD_HEADER);
	/* HS/RS confusion: RS256 header signed with HMAC over a "public key". */
	forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims,
	    "-----BEGIN PUBLIC KEY-----", tok);
	assert_int_equal(check(tok, now), JWT_BAD_HEADER);
	forge("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../dev/null\"}",
	    claims, secret, tok);
	assert_int_equal(check(tok, now), JWT_BAD_HEADER);
	/* Tampered payload: sign one claim set, swap in another. */
	forge(hs, claims, secret, tok);
	{
		char evil[512], part[1024], *dot1 = strchr(tok, '.'),
		    *dot2 = strchr(dot1 + 1, '.'), rebuilt[JWT_MAX_LEN];

		strcpy(evil, claims);
		memcpy(strstr(evil, "user-1"), "user-2", 6);
		jwt_b64url_encode((unsigned char *)evil, strlen(evil), part);
		snprintf(rebuilt, sizeof rebuilt, "%.*s.%s%s",
		    (int)(dot1 - tok), tok, part, dot2);
		assert_int_equal(check(rebuilt, now), JWT_BAD_SIGNATURE);
	}
	assert_int_equal(check("a.b", now), JWT_MALFORMED);
	assert_int_equal(check("a.b.c.d", now), JWT_MALFORMED);
	assert_int_equal(check("", now), JWT_MALFORMED);
}

static void
jwt_verify__wrong_issuer_or_audience__refused(void **state)
{
	const char *hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char tok[JWT_MAX_LEN];
	time_t now = 100000;

	(void)state;
	forge(hs, "{\"iss\":\"other\",\"aud\":\"exodrive-api\",\"sub\":\"u\","
	    "\"nbf\":99000,\"exp\":101000}", secret, tok);
	assert_int_equal(check(tok, now), JWT_BAD_CLAIMS);
	forge(hs, "{\"iss\":\"exodrive\",\"aud\":\"x\",\"sub\":\"u\","
	    "\"nbf\":99000,\"exp\":101000}", secret, tok);
	assert_int_equal(check(tok, now), JWT_BAD_CLAIMS);
	forge(hs, "{\"iss\":\"exodrive\",\"aud\":\"exodrive-api\",\"sub\":\"u\","
	    "\"nbf\":99000}", secret, tok);
	assert_int_equal(check(tok, now), JWT_BAD_CLAIMS);
	forge(hs, "{\"iss\":\"exodrive\",\"aud\":\"exodrive-api\",\"sub\":\"u\","
	    "\"nbf\":99000,\"exp\":100010}", secret, tok);
	assert_int_equal(check(tok, now), JWT_OK);	/* within leeway */
}

static void
jwt_b64url__round_trip__and_bad_input(void **state)
{
	unsigned char out[16];
	char enc[32];

	(void)state;
	jwt_b64url_encode((const unsigned char *)"hi?", 3, enc);
	assert_string_equal(enc, "aGk_");
	assert_int_equal(jwt_b64url_decode(enc, strlen(enc), out, sizeof out), 3);
	assert_memory_equal(out, "hi?", 3);
	assert_int_equal(jwt_b64url_decode("a+b/", 4, out, sizeof out), -1);
	assert_int_equal(jwt_b64url_decode("a", 1, out, sizeof out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jwt_verify__signed_token__accepted_with_subject),
		cmocka_unit_test(jwt_verify__token_table__all_refused),
		cmocka_unit_test(jwt_verify__wrong_issuer_or_audience__refused),
		cmocka_unit_test(jwt_b64url__round_trip__and_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
