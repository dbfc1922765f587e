/* fuzz_common.h -- what the fuzz targets share: the settings they run
 * with, and cutting the input into lines. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static struct conf fuzz_conf;

/* Load the settings from the environment (defaults) into conf; abort on
 * failure, which is a broken harness, not a finding. */
static void
fuzz_conf_init(void)
{
	char err[256];

	if (conf_load(&fuzz_conf, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	conf = &fuzz_conf;
}

/* The next line of the text at *s (before end), NUL-terminated in place
 * without its CR LF or LF; *s moves past it.  NULL at the end. */
static char *
fuzz_line(char **s, char *end)
{
	char *line = *s, *nl;

	if (line >= end)
		return NULL;
	if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
		nl = end;
	*nl = '\0';
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	*s = nl + 1;
	return line;
}

#endif
