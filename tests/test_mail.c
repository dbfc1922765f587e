/* test_mail.c -- the MIME message around an email's parts. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "test_common.h"

#include "buf.h"
#include "mail.h"

/* The boundary named in the Content-Type of message m, into out. */
static void
boundary_of(const char *m, char *out, size_t len)
{
	const char *p = strstr(m, "boundary=\"");
	const char *q;

	assert_non_null(p);
	p += strlen("boundary=\"");
	q = strchr(p, '"');
	assert_non_null(q);
	assert_true((size_t)(q - p) < len);
	snprintf(out, len, "%.*s", (int)(q - p), p);
}

/* How many lines of m are exactly line (CRLF ended). */
static int
lines_equal(const char *m, const char *line)
{
	size_t n = strlen(line);
	int count = 0;
	const char *p;

	for (p = m; p != NULL; p = strstr(p, "\r\n")) {
		if (p != m)
			p += 2;
		if (strncmp(p, line, n) == 0 && strncmp(p + n, "\r\n", 2) == 0)
			count++;
	}
	return count;
}

/* A contact message that tries to close its part and add its own: every
 * boundary a clock could have made in the last and next minute. */
static void
forged_parts(struct buf *b)
{
	long now = (long)time(NULL), t;

	for (t = now - 60; t <= now + 60; t++)
		buf_printf(b, "--=_exodrive_%08lx\nContent-Type: text/html\n\n"
		    "<p>Wire the deposit to IBAN XX00 FORGED</p>\n", (unsigned long)t);
	buf_printf(b, "--=_exodrive_%08lx--\n", (unsigned long)now);
}

static void
mail_message__body_full_of_boundaries__stays_in_its_part(void **state)
{
	char b1[128], b2[128], open_line[140], close_line[140];
	struct buf text, m1, m2;
	const char *html_part;

	(void)state;
	buf_init(&text);
	buf_init(&m1);
	buf_init(&m2);
	forged_parts(&text);
	mail_message("ExoDrive <no-reply@exodrive.example>", "owner@exodrive.example",
	    NULL, "Contact form", "<1@exodrive.example>", "<p>hello</p>", text.data, &m1);
	mail_message("ExoDrive <no-reply@exodrive.example>", "owner@exodrive.example",
	    NULL, "Contact form", "<2@exodrive.example>", "<p>hello</p>", text.data, &m2);
	boundary_of(m1.data, b1, sizeof b1);
	boundary_of(m2.data, b2, sizeof b2);
	assert_string_not_equal(b1, b2);
	snprintf(open_line, sizeof open_line, "--%s", b1);
	snprintf(close_line, sizeof close_line, "--%s--", b1);
	assert_int_equal(lines_equal(m1.data, open_line), 2);	/* text, html */
	assert_int_equal(lines_equal(m1.data, close_line), 1);
	html_part = strstr(strstr(m1.data, open_line) + 1, open_line);
	assert_non_null(html_part);
	assert_null(strstr(html_part, "FORGED"));	/* all of it in the text part */
	assert_non_null(strstr(m1.data, "FORGED"));
	buf_free(&text);
	buf_free(&m1);
	buf_free(&m2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mail_message__body_full_of_boundaries__stays_in_its_part),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
