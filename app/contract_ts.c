/* contract_ts.c -- the route table as a TypeScript module for typed
 * clients: zod input schemas, output types, and an AppRouter type that
 * @trpc/client accepts.  Generated from the same table and schemas as
 * the OpenAPI document. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "contract_ts.h"
#include "route.h"
#include "trpc.h"

extern const char contract_schemas[];

/* Append s as a TypeScript string literal. */
static void
ts_str(struct buf *b, const char *s)
{
	buf_add_json_string(b, s);
}

/* Append the TypeScript type of JSON Schema s. */
static void
ts_type(struct buf *b, struct json_object *s)
{
	struct json_object *x, *props, *req, *t;
	const char *ty;
	size_t i;
	bool first = true;

	if (s == NULL || !json_object_is_type(s, json_type_object)) {
		buf_adds(b, "unknown");
		return;
	}
	if (json_object_object_get_ex(s, "$ref", &x)) {
		const char *r = strrchr(json_object_get_string(x), '/');

		buf_adds(b, r != NULL ? r + 1 : "unknown");
		return;
	}
	if (json_object_object_get_ex(s, "oneOf", &x) || json_object_object_get_ex(s, "anyOf", &x)) {
		for (i = 0; i < json_object_array_length(x); i++) {
			buf_adds(b, i > 0 ? " | " : "(");
			ts_type(b, json_object_array_get_idx(x, i));
		}
		buf_adds(b, ")");
		return;
	}
	if (json_object_object_get_ex(s, "const", &x)) {
		buf_adds(b, json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN));
		return;
	}
	if (!json_object_object_get_ex(s, "type", &t)) {
		buf_adds(b, "unknown");
		return;
	}
	if (json_object_is_type(t, json_type_array)) {
		buf_adds(b, "(");
		for (i = 0; i < json_object_array_length(t); i++) {
			struct json_object *one = json_object_get(s), *copy = json_object_new_object();

			json_object_object_foreach(one, k, v)
				if (strcmp(k, "type") != 0)
					json_object_object_add(copy, k, json_object_get(v));
			json_object_object_add(copy, "type", json_object_get(json_object_array_get_idx(t, i)));
			buf_adds(b, i > 0 ? " | " : "");
			ts_type(b, copy);
			json_object_put(copy);
			json_object_put(one);
		}
		buf_adds(b, ")");
		return;
	}
	ty = json_object_get_string(t);
	if (strcmp(ty, "string") == 0)
		buf_adds(b, "string");
	else if (strcmp(ty, "number") == 0 || strcmp(ty, "integer") == 0)
		buf_adds(b, "number");
	else if (strcmp(ty, "boolean") == 0)
		buf_adds(b, "boolean");
	else if (strcmp(ty, "null") == 0)
		buf_adds(b, "null");
	else if (strcmp(ty, "array") == 0) {
		buf_adds(b, "Array<");
		ts_type(b, json_object_object_get(s, "items"));
		buf_adds(b, ">");
	} else if (json_object_object_get_ex(s, "properties", &props)) {
		req = json_object_object_get(s, "required");
		buf_adds(b, "{ ");
		json_object_object_foreach(props, k, v) {
			bool need = false;

			for (i = 0; req != NULL && i < json_object_array_length(req); i++)
				if (strcmp(json_object_get_string(json_object_array_get_idx(req, i)), k) == 0)
					need = true;
			if (!first)
				buf_adds(b, "; ");
			first = false;
			ts_str(b, k);
			buf_adds(b, need ? ": " : "?: ");
			ts_type(b, v);
		}
		buf_adds(b, " }");
	} else
		buf_adds(b, "Record<string, unknown>");
}

/* Append the zod schema of one declared key. */
static void
ts_zod_key(struct buf *b, const struct key *k)
{
	size_t i;

	switch (k->type) {
	case KEY_STRING:
	case KEY_LINE:
		buf_adds(b, "z.string()");
		if (k->min > 0)
			buf_printf(b, ".min(%ld)", k->min);
		if (k->max > 0)
			buf_printf(b, ".max(%ld)", k->max);
		if (k->type == KEY_LINE)
			buf_adds(b, ".regex(/^[^\\u0000-\\u001f\\u007f]*$/)");
		break;
	case KEY_UUID:
		buf_adds(b, "z.string().uuid()");
		break;
	case KEY_DATE:
		buf_adds(b, "z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/)");
		break;
	case KEY_INT:
		buf_adds(b, "z.number().int()");
		if (k->min != 0 || k->max != 0)
			buf_printf(b, ".min(%ld).max(%ld)", k->min, k->max);
		break;
	case KEY_BOOL:
		buf_adds(b, "z.boolean()");
		break;
	case KEY_EMAIL:
		buf_adds(b, "z.string().email().max(254)");
		break;
	case KEY_MONEY:
		buf_adds(b, "z.number().min(0).lt(100000000)");
		break;
	case KEY_ENUM:
		buf_adds(b, "z.enum([");
		for (i = 0; k->choices[i] != NULL; i++) {
			buf_adds(b, i > 0 ? ", " : "");
			ts_str(b, k->choices[i]);
		}
		buf_adds(b, "])");
		break;
	case KEY_OBJECT:
		buf_adds(b, "z.record(z.string(), z.unknown())");
		break;
	case KEY_ARRAY:
		buf_adds(b, "z.array(z.unknown())");
		if (k->min > 0)
			buf_printf(b, ".min(%ld)", k->min);
		if (k->max > 0)
			buf_printf(b, ".max(%ld)", k->max);
		break;
	}
	if (!k->required)
		buf_adds(b, ".optional()");
}

/* Append the zod object of the keys of in whose names start with prefix
 * (one level: "a.b" under prefix "a."), headers aside. */
static void
ts_zod_object(struct buf *b, const struct input *in, const char *prefix, int depth)
{
	size_t i, j, pl = strlen(prefix);
	char child[128];
	bool any_required = false;

	buf_adds(b, "z.object({ ");
	for (i = 0; i < in->nkeys; i++) {
		const struct key *k = &in->keys[i];
		const char *rest, *dot;

		if (k->src == KEY_HEADER || strncmp(k->name, prefix, pl) != 0)
			continue;
		rest = k->name + pl;
		if ((dot = strchr(rest, '.')) == NULL) {
			ts_str(b, rest);
			buf_adds(b, ": ");
			ts_zod_key(b, k);
			buf_adds(b, ", ");
			any_required |= k->required;
			continue;
		}
		/* A nested object, emitted at its first member only. */
		snprintf(child, sizeof child, "%.*s.", (int)(dot - k->name + 1) - 1, k->name);
		for (j = 0; j < i; j++)
			if (strncmp(in->keys[j].name, child, strlen(child)) == 0)
				break;
		if (j < i)
			continue;
		buf_printf(b, "\"%.*s\": ", (int)(dot - rest), rest);
		ts_zod_object(b, in, child, depth + 1);
		buf_adds(b, ".optional(), ");
	}
	buf_adds(b, "}).strict()");
	if (depth == 0 && !any_required)
		buf_adds(b, ".optional()");
}

/* True when in declares a key a caller gives (headers aside). */
static bool
ts_has_input(const struct input *in)
{
	size_t i;

	for (i = 0; i < in->nkeys; i++)
		if (in->keys[i].src != KEY_HEADER)
			return true;
	return false;
}

/* Append the router of the procedures whose operation starts with
 * prefix (e.g. "admin."), nesting at each dot. */
static void
ts_router(struct buf *b, const struct route *t, size_t n, const char *prefix,
    int indent)
{
	size_t i, j, pl = strlen(prefix);
	char child[128];

	buf_adds(b, "t.router({\n");
	for (i = 0; i < n; i++) {
		const char *rest, *dot;

		if (!trpc_procedure(&t[i]) || strncmp(t[i].operation, prefix, pl) != 0)
			continue;
		rest = t[i].operation + pl;
		if ((dot = strchr(rest, '.')) != NULL) {
			/* A nested router, written at its first procedure. */
			snprintf(child, sizeof child, "%.*s", (int)(dot - t[i].operation + 1),
			    t[i].operation);
			for (j = 0; j < i; j++)
				if (trpc_procedure(&t[j]) &&
				    strncmp(t[j].operation, child, strlen(child)) == 0)
					break;
			if (j < i)
				continue;
			buf_printf(b, "%*s%.*s: ", indent + 2, "", (int)(dot - rest), rest);
			ts_router(b, t, n, child, indent + 2);
			buf_adds(b, ",\n");
			continue;
		}
		buf_printf(b, "%*s", indent + 2, "");
		buf_printf(b, "%s: t.procedure", rest);
		if (ts_has_input(t[i].input)) {
			buf_adds(b, ".input(inputs[");
			ts_str(b, t[i].operation);
			buf_adds(b, "])");
		}
		buf_printf(b, ".%s(() => answer<%s>()),\n",
		    t[i].method == METHOD_GET ? "query" : "mutation",
		    t[i].output != NULL ? t[i].output : "null");
	}
	buf_printf(b, "%*s})", indent, "");
}

int
contract_ts(struct buf *out)
{
	struct json_object *schemas = json_tokener_parse(contract_schemas);
	const struct route *t;
	size_t n, i;

	if (schemas == NULL)
		return -1;
	t = route_served(&n);
	buf_adds(out,
	    "// Generated by `exodrive contract-ts` from the route table: do not edit.\n"
	    "// Inputs are zod schemas (the server checks the same rules); outputs are\n"
	    "// the contract's schemas.  AppRouter is a type for @trpc/client:\n"
	    "//   createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: BASE + \"/trpc\" })] })\n"
	    "import { initTRPC } from \"@trpc/server\";\n"
	    "import { z } from \"zod\";\n\n");
	json_object_object_foreach(schemas, name, s) {
		buf_printf(out, "export type %s = ", name);
		ts_type(out, s);
		buf_adds(out, ";\n");
	}
	buf_adds(out, "\nexport const inputs = {\n");
	for (i = 0; i < n; i++) {
		if (!trpc_procedure(&t[i]) || !ts_has_input(t[i].input))
			continue;
		buf_adds(out, "  ");
		ts_str(out, t[i].operation);
		buf_adds(out, ": ");
		ts_zod_object(out, t[i].input, "", 0);
		buf_adds(out, ",\n");
	}
	buf_adds(out, "} as const;\n\n"
	    "// The procedures only describe the server's; they never run here.\n"
	    "function answer<T>(): T {\n"
	    "  throw new Error(\"served by the ExoDrive API\");\n"
	    "}\n\n"
	    "const t = initTRPC.create();\n"
	    "export const appRouter = ");
	ts_router(out, t, n, "", 0);
	buf_adds(out, ";\n\nexport type AppRouter = typeof appRouter;\n");
	json_object_put(schemas);
	return 0;
}
