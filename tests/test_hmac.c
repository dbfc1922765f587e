/* test_hmac.c -- HMAC-SHA256 and base64 against published vectors. */
#include "config.h"

#include <string.h>

#include "test_common.h"

#include "hmac.h"

/* RFC 4231 test case 2. */
static void
hmac_sha256__rfc4231_case2__matches(void **state)
{
	unsigned char mac[HMAC_SHA256_LEN];

	(void)state;
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	assert_true(hmac_hex_equal(
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", mac));
	assert_true(hmac_hex_equal(
	    "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843", mac));
	assert_false(hmac_hex_equal(
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844", mac));
	assert_false(hmac_hex_equal("5bdc", mac));
}

static void
hmac_b64__round_trip__restores_bytes(void **state)
{
	unsigned char out[16];
	char enc[32];

	(void)state;
	hmac_b64_encode((const unsigned char *)"hello", 5, enc);
	assert_string_equal(enc, "aGVsbG8=");
	assert_int_equal(hmac_b64_decode("aGVsbG8=", out, sizeof out), 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(hmac_b64_decode("aGVsbG8", out, sizeof out), -1);
	assert_int_equal(hmac_b64_decode("", out, sizeof out), -1);
}

static void
hmac_str_equal__lengths_and_bytes__compared(void **state)
{
	(void)state;
	assert_true(hmac_str_equal("abc", "abc"));
	assert_false(hmac_str_equal("abc", "abd"));
	assert_false(hmac_str_equal("abc", "abcd"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hmac_sha256__rfc4231_case2__matches),
		cmocka_unit_test(hmac_b64__round_trip__restores_bytes),
		cmocka_unit_test(hmac_str_equal__lengths_and_bytes__compared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
