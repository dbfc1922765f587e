/* multipart.c -- a strict multipart/form-data reader. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

#define MULTIPART_BOUNDARY_MAX	70	/* RFC 2046 */

/* The boundary parameter of ct into out ("--" prefixed).  Returns its
 * length, or 0 when absent or invalid. */
static size_t
multipart_boundary(const char *ct, char *out, size_t outlen)
{
	const char *p = ct, *v;
	size_t n;

	for (; (p = strchr(p, ';')) != NULL; p++) {
		v = p + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(v, "boundary=", 9) != 0)
			continue;
		v += 9;
		if (*v == '"') {
			v++;
			n = strcspn(v, "\"");
			if (v[n] != '"')
				return 0;
		} else
			n = strcspn(v, "; \t");
		if (n == 0 || n > MULTIPART_BOUNDARY_MAX || n + 3 > outlen)
			return 0;
		snprintf(out, outlen, "--%.*s", (int)n, v);
		return n + 2;
	}
	return 0;
}

/* The value of parameter param (e.g. "name") in a Content-Disposition
 * header value h (up to end) into out.  Returns 0, or -1 when absent. */
static int
multipart_param(const char *h, const char *end, const char *param, char *out,
    size_t outlen)
{
	size_t pl = strlen(param), n;
	const char *p, *v;

	for (p = h; p < end && (p = memchr(p, ';', (size_t)(end - p))) != NULL; p++) {
		v = p + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if ((size_t)(end - v) < pl + 2 || strncasecmp(v, param, pl) != 0 ||
		    v[pl] != '=')
			continue;
		v += pl + 1;
		if (*v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));

			if (q == NULL)
				return -1;
			n = (size_t)(q - v - 1);
			v++;
		} else {
			const char *q = memchr(v, ';', (size_t)(end - v));

			n = (size_t)((q ? q : end) - v);
		}
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* Read the headers of a part from p (up to end): its field name, file
 * name and type.  Returns the start of its data, or NULL if malformed. */
static const char *
multipart_headers(const char *p, const char *end, char *name, size_t namelen,
    struct multipart_part *part)
{
	const char *eol;
	int seen = 0;

	for (;;) {
		eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (eol == NULL)
			return NULL;
		if (eol == p)
			return seen ? eol + 2 : NULL;
		if ((size_t)(eol - p) > 20 && strncasecmp(p, "Content-Disposition:", 20) == 0) {
			if (multipart_param(p, eol, "name", name, namelen) != 0)
				return NULL;
			if (multipart_param(p, eol, "filename", part->filename,
			    sizeof part->filename) != 0)
				part->filename[0] = '\0';
			seen = 1;
		} else if ((size_t)(eol - p) > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
			const char *v = p + 13;

			while (v < eol && *v == ' ')
				v++;
			snprintf(part->type, sizeof part->type, "%.*s", (int)(eol - v), v);
		}
		p = eol + 2;
	}
}

int
multipart_find(const char *ct, const char *body, size_t len,
    const char *name, struct multipart_part *part)
{
	char delim[MULTIPART_BOUNDARY_MAX + 8], field[128];
	const char *p, *end = body + len, *data, *next;
	size_t dl;

	if (ct == NULL || (dl = multipart_boundary(ct, delim, sizeof delim)) == 0)
		return -1;
	if ((p = memmem(body, len, delim, dl)) == NULL)
		return -1;
	for (;;) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 1;		/* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		memset(part, 0, sizeof *part);
		field[0] = '\0';
		if ((data = multipart_headers(p + 2, end, field, sizeof field, part)) == NULL)
			return -1;
		/* The data ends at CRLF and the next delimiter. */
		for (next = data; ; next++) {
			next = memmem(next, (size_t)(end - next), delim, dl);
			if (next == NULL || next - data < 2)
				break;
			if (next[-2] == '\r' && next[-1] == '\n')
				break;
		}
		if (next == NULL || next - data < 2 || next[-2] != '\r')
			return -1;
		if (strcmp(field, name) == 0) {
			part->data = data;
			part->len = (size_t)(next - 2 - data);
			return 0;
		}
		p = next;
	}
}
