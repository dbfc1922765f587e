/* mustache.c -- parse a template into tokens, then render them. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mustache.h"
#include "xmalloc.h"

#define MUSTACHE_DEPTH	32	/* nested partials and sections */

enum tok_type {
	TOK_TEXT, TOK_VAR, TOK_RAW, TOK_SECTION, TOK_INVERTED, TOK_CLOSE,
	TOK_PARTIAL, TOK_COMMENT, TOK_DELIM
};

struct tok {
	enum tok_type	 type;
	const char	*s;		/* text, or the trimmed tag name */
	size_t		 len;
	const char	*indent;	/* standalone partial: its indentation */
	size_t		 ilen;
	size_t		 close;		/* section: index of its close tag */
};

struct tokens {
	struct tok	*v;
	size_t		 n, cap;
};

struct render {
	mustache_partial_fn	 partials;
	void			*arg;
	enum mustache_escape	 esc;
	struct buf		*out;
	struct json_object	*stack[MUSTACHE_DEPTH * 4];
	int			 depth;		/* contexts pushed */
	int			 nest;		/* partials entered */
	char			*err;
	size_t			 errlen;
};

static void
tok_add(struct tokens *t, enum tok_type type, const char *s, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	memset(&t->v[t->n], 0, sizeof t->v[0]);
	t->v[t->n].type = type;
	t->v[t->n].s = s;
	t->v[t->n].len = len;
	t->n++;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Find needle (nlen bytes) in s from i to end; returns its index or -1. */
static long
find(const char *s, size_t end, size_t i, const char *needle, size_t nlen)
{
	for (; i + nlen <= end; i++) {
		if (memcmp(s + i, needle, nlen) == 0)
			return (long)i;
	}
	return -1;
}

/* Parse "=<new open> <new close>=" (between the delimiters) into o, c. */
static int
set_delims(const char *s, size_t len, char *o, char *c)
{
	size_t i = 0, a, b;

	while (i < len && is_blank(s[i]))
		i++;
	a = i;
	while (i < len && !is_blank(s[i]))
		i++;
	b = i;
	while (i < len && is_blank(s[i]))
		i++;
	if (b == a || i == len || b - a >= 16 || len - i >= 16)
		return -1;
	memcpy(o, s + a, b - a);
	o[b - a] = '\0';
	memcpy(c, s + i, len - i);
	c[len - i] = '\0';
	while (*c && is_blank(c[strlen(c) - 1]))
		c[strlen(c) - 1] = '\0';
	return *c && !strchr(o, '=') && !strchr(c, '=') ? 0 : -1;
}

/* Tokenize tmpl.  Standalone tags (alone on their line but for blanks)
 * take their whole line with them; a standalone partial keeps the
 * blanks as its indentation. */
static int
parse(const char *s, struct tokens *t, char *err, size_t errlen)
{
	char otag[16] = "{{", ctag[16] = "}}";
	size_t end = strlen(s), pos = 0, line, after, nl, stack[MUSTACHE_DEPTH * 4];
	size_t last_tag_end = 0, inner, ilen;
	int top = 0;
	long o, c;
	char sigil;
	enum tok_type type;
	bool triple, standalone;
	const char *name;
	size_t nlen;

	for (;;) {
		if ((o = find(s, end, pos, otag, strlen(otag))) < 0) {
			if (pos < end)
				tok_add(t, TOK_TEXT, s + pos, end - pos);
			break;
		}
		inner = (size_t)o + strlen(otag);
		triple = strcmp(otag, "{{") == 0 && inner < end && s[inner] == '{';
		if (triple) {
			char close3[20];

			snprintf(close3, sizeof close3, "}%s", ctag);
			c = find(s, end, inner + 1, close3, strlen(close3));
			after = c < 0 ? 0 : (size_t)c + strlen(close3);
		} else {
			c = find(s, end, inner, ctag, strlen(ctag));
			after = c < 0 ? 0 : (size_t)c + strlen(ctag);
		}
		if (c < 0) {
			snprintf(err, errlen, "unclosed tag at offset %ld", o);
			return -1;
		}
		ilen = (size_t)c - inner;
		while (ilen > 0 && is_blank(s[inner]))
			inner++, ilen--;
		sigil = triple ? '{' : ilen > 0 ? s[inner] : '\0';
		switch (sigil) {
		case '#': type = TOK_SECTION; break;
		case '^': type = TOK_INVERTED; break;
		case '/': type = TOK_CLOSE; break;
		case '>': type = TOK_PARTIAL; break;
		case '!': type = TOK_COMMENT; break;
		case '=': type = TOK_DELIM; break;
		case '&': type = TOK_RAW; break;
		case '{': type = TOK_RAW; break;
		default:  type = TOK_VAR; break;
		}
		name = s + inner + (type == TOK_VAR ? 0 : 1);	/* past the sigil */
		nlen = (size_t)(s + c - name);
		if (type == TOK_DELIM) {
			if (nlen < 1 || name[nlen - 1] != '=' ||
			    set_delims(name, nlen - 1, otag, ctag) != 0) {
				snprintf(err, errlen, "bad delimiter tag at offset %ld", o);
				return -1;
			}
		}
		while (nlen > 0 && is_blank(*name))
			name++, nlen--;
		while (nlen > 0 && is_blank(name[nlen - 1]))
			nlen--;
		/* Standalone? */
		for (line = (size_t)o; line > 0 && s[line - 1] != '\n'; line--)
			;
		standalone = type != TOK_VAR && type != TOK_RAW &&
		    last_tag_end <= line && pos <= line;
		for (nl = line; standalone && nl < (size_t)o; nl++)
			standalone = is_blank(s[nl]);
		for (nl = after; standalone && nl < end && s[nl] != '\n'; nl++) {
			if (!is_blank(s[nl]) && !(s[nl] == '\r' && nl + 1 < end &&
			    s[nl + 1] == '\n'))
				standalone = false;
		}
		if (standalone) {
			if (line > pos)
				tok_add(t, TOK_TEXT, s + pos, line - pos);
			pos = nl < end ? nl + 1 : end;
		} else {
			if ((size_t)o > pos)
				tok_add(t, TOK_TEXT, s + pos, (size_t)o - pos);
			pos = after;
		}
		last_tag_end = after;
		tok_add(t, type, name, nlen);
		if (type == TOK_PARTIAL && standalone) {
			t->v[t->n - 1].indent = s + line;
			t->v[t->n - 1].ilen = (size_t)o - line;
		}
		if (type == TOK_SECTION || type == TOK_INVERTED) {
			if (top == (int)(sizeof stack / sizeof stack[0])) {
				snprintf(err, errlen, "sections nested too deeply");
				return -1;
			}
			stack[top++] = t->n - 1;
		} else if (type == TOK_CLOSE) {
			if (top == 0 || t->v[stack[top - 1]].len != nlen ||
			    memcmp(t->v[stack[top - 1]].s, name, nlen) != 0) {
				snprintf(err, errlen, "unexpected close of '%.*s'",
				    (int)nlen, name);
				return -1;
			}
			t->v[stack[--top]].close = t->n - 1;
		}
	}
	if (top != 0) {
		snprintf(err, errlen, "unclosed section '%.*s'",
		    (int)t->v[stack[top - 1]].len, t->v[stack[top - 1]].s);
		return -1;
	}
	return 0;
}

/* The value of name in the context stack, or NULL.  "." is the top;
 * a dotted name resolves its first part through the stack, the rest
 * inside that value only. */
static struct json_object *
lookup(struct render *r, const char *name, size_t len, bool *found)
{
	struct json_object *v = NULL;
	const char *dot;
	char part[256];
	size_t n;
	int i;

	*found = false;
	if (len == 1 && name[0] == '.') {
		*found = r->depth > 0;
		return r->depth > 0 ? r->stack[r->depth - 1] : NULL;
	}
	dot = memchr(name, '.', len);
	n = dot ? (size_t)(dot - name) : len;
	if (n >= sizeof part)
		return NULL;
	memcpy(part, name, n);
	part[n] = '\0';
	for (i = r->depth - 1; i >= 0; i--) {
		if (json_object_is_type(r->stack[i], json_type_object) &&
		    json_object_object_get_ex(r->stack[i], part, &v)) {
			*found = true;
			break;
		}
	}
	while (*found && dot != NULL) {
		len -= n + 1;
		name = dot + 1;
		dot = memchr(name, '.', len);
		n = dot ? (size_t)(dot - name) : len;
		if (n >= sizeof part)
			return NULL;
		memcpy(part, name, n);
		part[n] = '\0';
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, part, &v))
			*found = false;
	}
	return *found ? v : NULL;
}

static bool
falsey(struct json_object *v)
{
	return v == NULL || (json_object_is_type(v, json_type_boolean) &&
	    !json_object_get_boolean(v)) || (json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 0);
}

static void
emit_value(struct render *r, struct json_object *v, bool escape)
{
	char num[64];
	const char *s;
	size_t i, len;

	if (v == NULL)
		return;
	switch (json_object_get_type(v)) {
	case json_type_string:
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		break;
	case json_type_int:
		snprintf(num, sizeof num, "%lld", (long long)json_object_get_int64(v));
		s = num, len = strlen(num);
		break;
	case json_type_double:
		snprintf(num, sizeof num, "%.15g", json_object_get_double(v));
		s = num, len = strlen(num);
		break;
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		len = strlen(s);
		break;
	default:
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		len = strlen(s);
		break;
	}
	if (!escape || r->esc == MUSTACHE_TEXT) {
		buf_add(r->out, s, len);
		return;
	}
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': buf_adds(r->out, "&amp;"); break;
		case '<': buf_adds(r->out, "&lt;"); break;
		case '>': buf_adds(r->out, "&gt;"); break;
		case '"': buf_adds(r->out, "&quot;"); break;
		case '\'': buf_adds(r->out, "&#39;"); break;
		default:  buf_add(r->out, s + i, 1); break;
		}
	}
}

static int render_tokens(struct render *r, const struct tokens *t, size_t from,
    size_t to);

static int
push(struct render *r, struct json_object *v)
{
	if (r->depth == (int)(sizeof r->stack / sizeof r->stack[0])) {
		snprintf(r->err, r->errlen, "contexts nested too deeply");
		return -1;
	}
	r->stack[r->depth++] = v;
	return 0;
}

/* The partial's text with indent before every line. */
static char *
indented(const char *text, const char *indent, size_t ilen)
{
	struct buf b;
	const char *p = text, *nl;

	buf_init(&b);
	while (*p != '\0') {
		buf_add(&b, indent, ilen);
		nl = strchr(p, '\n');
		if (nl == NULL) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(nl - p + 1));
		p = nl + 1;
	}
	buf_adds(&b, "");
	return b.data ? b.data : xstrdup("");
}

static int
render_partial(struct render *r, const struct tok *k)
{
	struct tokens t = { 0 };
	char name[256], *text = NULL;
	const char *src;
	int rc;

	if (k->len >= sizeof name)
		return 0;
	memcpy(name, k->s, k->len);
	name[k->len] = '\0';
	if (r->partials == NULL || (src = r->partials(name, r->arg)) == NULL)
		return 0;
	if (++r->nest > MUSTACHE_DEPTH) {
		snprintf(r->err, r->errlen, "partials nested too deeply");
		return -1;
	}
	if (k->ilen > 0)
		src = text = indented(src, k->indent, k->ilen);
	rc = parse(src, &t, r->err, r->errlen);
	if (rc == 0)
		rc = render_tokens(r, &t, 0, t.n);
	free(t.v);
	free(text);
	r->nest--;
	return rc;
}

static int
render_section(struct render *r, const struct tokens *t, size_t i)
{
	const struct tok *k = &t->v[i];
	struct json_object *v;
	bool found;
	size_t j;
	int rc = 0;

	v = lookup(r, k->s, k->len, &found);
	if (k->type == TOK_INVERTED)
		return falsey(v) ? render_tokens(r, t, i + 1, k->close) : 0;
	if (falsey(v))
		return 0;
	if (json_object_is_type(v, json_type_array)) {
		for (j = 0; rc == 0 && j < json_object_array_length(v); j++) {
			if ((rc = push(r, json_object_array_get_idx(v, j))) == 0) {
				rc = render_tokens(r, t, i + 1, k->close);
				r->depth--;
			}
		}
		return rc;
	}
	if ((rc = push(r, v)) != 0)
		return rc;
	rc = render_tokens(r, t, i + 1, k->close);
	r->depth--;
	return rc;
}

static int
render_tokens(struct render *r, const struct tokens *t, size_t from, size_t to)
{
	const struct tok *k;
	bool found;
	size_t i;

	for (i = from; i < to; i++) {
		k = &t->v[i];
		switch (k->type) {
		case TOK_TEXT:
			buf_add(r->out, k->s, k->len);
			break;
		case TOK_VAR:
		case TOK_RAW:
			emit_value(r, lookup(r, k->s, k->len, &found), k->type == TOK_VAR);
			break;
		case TOK_SECTION:
		case TOK_INVERTED:
			if (render_section(r, t, i) != 0)
				return -1;
			i = k->close;
			break;
		case TOK_PARTIAL:
			if (render_partial(r, k) != 0)
				return -1;
			break;
		case TOK_CLOSE:
		case TOK_COMMENT:
		case TOK_DELIM:
			break;
		}
	}
	return 0;
}

int
mustache_render(const char *tmpl, struct json_object *data,
    mustache_partial_fn partials, void *arg, enum mustache_escape esc,
    struct buf *out, char *err, size_t errlen)
{
	struct render r = { .partials = partials, .arg = arg, .esc = esc,
	    .out = out, .err = err, .errlen = errlen };
	struct tokens t = { 0 };
	int rc;

	err[0] = '\0';
	r.stack[r.depth++] = data;
	rc = parse(tmpl, &t, err, errlen);
	if (rc == 0)
		rc = render_tokens(&r, &t, 0, t.n);
	free(t.v);
	return rc;
}
