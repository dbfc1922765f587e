/* test_report.c -- CSV fields of the reports. */
#include "config.h"

#include "test_common.h"

#include "report.h"

/* The CSV of fields as report_csv_field() writes a row of them. */
static void
report_row_of(struct buf *b, const char *const *fields, int n)
{
	int i;

	buf_init(b);
	for (i = 0; i < n; i++)
		report_csv_field(b, fields[i], i == 0);
	buf_adds(b, "");
}

static void
report_csv_field__plain_values__are_written_as_they_are(void **state)
{
	const char *const f[] = { "2026-11", "103", "113341.50", "" };
	struct buf b;

	(void)state;
	report_row_of(&b, f, 4);
	assert_string_equal(b.data, "2026-11,103,113341.50,");
	buf_free(&b);
}

static void
report_csv_field__comma_quote_newline__are_quoted(void **state)
{
	const char *const f[] = { "Rolls, Royce", "the \"Ghost\"", "two\r\nlines" };
	struct buf b;

	(void)state;
	report_row_of(&b, f, 3);
	assert_string_equal(b.data,
	    "\"Rolls, Royce\",\"the \"\"Ghost\"\"\",\"two\r\nlines\"");
	buf_free(&b);
}

static void
report_csv_field__formula_prefix__is_defused(void **state)
{
	const char *const f[] = { "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "a=b" };
	struct buf b;

	(void)state;
	report_row_of(&b, f, 5);
	assert_string_equal(b.data, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'-2\","
	    "\"'@SUM(A1)\",a=b");
	buf_free(&b);
}

static void
report_csv_field__leading_tab_or_cr__is_defused(void **state)
{
	const char *const f[] = { "\t=1+2", "\r=cmd|' /C calc'!A0", "a\tb" };
	struct buf b;

	(void)state;
	report_row_of(&b, f, 3);
	assert_string_equal(b.data, "\"'\t=1+2\",\"'\r=cmd|' /C calc'!A0\",a\tb");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_csv_field__plain_values__are_written_as_they_are),
		cmocka_unit_test(report_csv_field__comma_quote_newline__are_quoted),
		cmocka_unit_test(report_csv_field__formula_prefix__is_defused),
		cmocka_unit_test(report_csv_field__leading_tab_or_cr__is_defused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
