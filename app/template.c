/* template.c -- templates of TEMPLATE_DIR. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "template.h"
#include "xmalloc.h"

/* The contents of TEMPLATE_DIR/file (caller frees), or NULL. */
static char *
template_load(const char *file)
{
	char path[1024], chunk[4096];
	struct buf b;
	size_t n;
	FILE *f;

	if (strchr(file, '/') != NULL || strstr(file, "..") != NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", conf->template_dir, file);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_adds(&b, "");
	return b.data ? b.data : xstrdup("");
}

static const char *
template_partial(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return NULL;		/* the templates use none */
}

int
template_render(const char *file, struct json_object *data,
    enum mustache_escape esc, struct buf *out, char *err, size_t errlen)
{
	char *t = template_load(file);
	int rc;

	if (t == NULL) {
		snprintf(err, errlen, "template %s is missing", file);
		return -1;
	}
	rc = mustache_render(t, data, template_partial, NULL, esc, out, err, errlen);
	free(t);
	return rc;
}
