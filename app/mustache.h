/* mustache.h -- a Mustache renderer (the spec's core modules: comments,
 * delimiters, interpolation, inverted sections, partials, sections).
 *
 * Data is a json-c value.  Interpolation escapes &, <, >, " and ' for
 * HTML bodies (MUSTACHE_HTML); plain-text bodies are not escaped
 * (MUSTACHE_TEXT).  Triple mustaches and {{& }} are never escaped, so
 * templates use them only for values the application built itself. */
#ifndef MUSTACHE_H
#define MUSTACHE_H

#include <stddef.h>

#include "buf.h"

struct json_object;

enum mustache_escape { MUSTACHE_HTML, MUSTACHE_TEXT };

/* The text of partial name, or NULL when there is none (renders as
 * nothing).  The text must stay valid during the render. */
typedef const char *(*mustache_partial_fn)(const char *name, void *arg);

/* Render template tmpl with data into out (appended).  Returns 0, or -1
 * with a message in err (an unclosed tag or section, a bad delimiter,
 * partials nested too deeply). */
int mustache_render(const char *tmpl, struct json_object *data,
    mustache_partial_fn partials, void *arg, enum mustache_escape esc,
    struct buf *out, char *err, size_t errlen);

#endif
