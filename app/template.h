/* template.h -- the Mustache templates of TEMPLATE_DIR (emails, the admin
 * dashboard page), loaded per use: an edited template needs no restart. */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "mustache.h"

/* Render TEMPLATE_DIR/file with data into out (values escaped per esc).
 * Returns 0, or -1 with err (a missing file or a template error). */
int template_render(const char *file, struct json_object *data,
    enum mustache_escape esc, struct buf *out, char *err, size_t errlen);

#endif
