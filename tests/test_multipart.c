/* test_multipart.c -- finding a field in multipart/form-data bodies. */
#include "config.h"

#include "test_common.h"

#include "multipart.h"

#define CT	"multipart/form-data; boundary=----xyz"

static const char body2[] =
	"------xyz\r\n"
	"Content-Disposition: form-data; name=\"carId\"\r\n\r\n"
	"abc\r\n"
	"------xyz\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"car.jpg\"\r\n"
	"Content-Type: image/jpeg\r\n\r\n"
	"\xff\xd8\xff\x00\r\n------xy not the end\r\n"
	"------xyz--\r\n";

static void
multipart_find__second_field__returns_its_bytes_and_file_name(void **state)
{
	struct multipart_part p;

	(void)state;
	assert_int_equal(multipart_find(CT, body2, sizeof body2 - 1, "file", &p), 0);
	assert_int_equal(p.len, 4 + 2 + 20);
	assert_memory_equal(p.data, "\xff\xd8\xff\x00\r\n------xy not the end", p.len);
	assert_string_equal(p.filename, "car.jpg");
	assert_string_equal(p.type, "image/jpeg");
	assert_int_equal(multipart_find(CT, body2, sizeof body2 - 1, "carId", &p), 0);
	assert_int_equal(p.len, 3);
	assert_string_equal(p.filename, "");
}

static void
multipart_find__absent_field__returns_1(void **state)
{
	struct multipart_part p;

	(void)state;
	assert_int_equal(multipart_find(CT, body2, sizeof body2 - 1, "photo", &p), 1);
}

static void
multipart_find__quoted_boundary__is_understood(void **state)
{
	static const char b[] = "--a b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"
	    "x\r\n--a b--\r\n";
	struct multipart_part p;

	(void)state;
	assert_int_equal(multipart_find("multipart/form-data; boundary=\"a b\"", b,
	    sizeof b - 1, "f", &p), 0);
	assert_int_equal(p.len, 1);
}

static void
multipart_find__malformed_bodies__return_minus_1(void **state)
{
	static const char *const bad[] = {
		"",						/* empty */
		"------xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
		"------xyz\r\nno headers end",
		"------xyz\r\n\r\nno disposition\r\n------xyz--",
		"------xyzgarbage",
		"------xyz\r\nContent-Disposition: form-data; name=\"file\r\n\r\nx\r\n------xyz--",
	};
	struct multipart_part p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(multipart_find(CT, bad[i], strlen(bad[i]), "file", &p), -1);
	assert_int_equal(multipart_find("multipart/form-data", body2, sizeof body2 - 1,
	    "file", &p), -1);
	assert_int_equal(multipart_find("multipart/form-data; boundary=", body2,
	    sizeof body2 - 1, "file", &p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(multipart_find__second_field__returns_its_bytes_and_file_name),
		cmocka_unit_test(multipart_find__absent_field__returns_1),
		cmocka_unit_test(multipart_find__quoted_boundary__is_understood),
		cmocka_unit_test(multipart_find__malformed_bodies__return_minus_1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
