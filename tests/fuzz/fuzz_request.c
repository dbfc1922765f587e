/* fuzz_request.c -- a whole request through dispatch_run(): the request
 * line and query parser, header handling, route lookup, policies, input
 * validation of every route, JSON bodies and the tRPC batch reader.
 *
 * The input is an HTTP-like text:
 *   METHOD\n URI\n (Name: value\n)* \n BODY
 * PostgreSQL and Redis are unreachable (unix sockets that do not exist),
 * so handlers that get past validation fail as 503 in the envelope; what
 * is exercised is everything in front of the stores and the error path.
 * Every answer must be a status in 100..599 with a JSON or empty body. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "fuzz_common.h"
#include "dispatch.h"
#include "request.h"
#include "response.h"
#include "route.h"

#define FUZZ_MAX_ENV	40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct route *t;
	size_t n;

	(void)argc;
	(void)argv;
	t = routes_table(&n);
	route_serve(t, n);
	setenv("DATABASE_URL", "host=/nonexistent dbname=exodrive", 1);
	setenv("REDIS_URL", "unix:///nonexistent/redis.sock", 1);
	setenv("JWT_SECRET", "fuzz-secret-fuzz-secret-fuzz-secret!", 1);
	setenv("CRON_SECRET", "fuzz-cron", 1);
	setenv("ERROR_LOGGING_LEVEL", "error", 1);
	setenv("LOG_FILE", "/dev/null", 1);
	setenv("METRICS_FILE", "", 1);
	setenv("CORS_ORIGINS", "https://shop.example", 1);
	fuzz_conf_init();
	return 0;
}

/* "Name: value" as the CGI variable HTTP_NAME=value (or CONTENT_TYPE). */
static char *
fuzz_header(const char *line)
{
	const char *colon = strchr(line, ':'), *v;
	size_t n, i;
	char *out;

	if (colon == NULL || colon == line)
		return NULL;
	v = colon + 1;
	while (*v == ' ')
		v++;
	n = (size_t)(colon - line);
	if ((out = malloc(n + strlen(v) + 8)) == NULL)
		return NULL;
	if (n == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
		sprintf(out, "CONTENT_TYPE=%s", v);
		return out;
	}
	memcpy(out, "HTTP_", 5);
	for (i = 0; i < n; i++)
		out[5 + i] = line[i] == '-' ? '_' :
		    (line[i] >= 'a' && line[i] <= 'z') ? (char)(line[i] - 32) : line[i];
	sprintf(out + 5 + n, "=%s", v);
	return out;
}

/* True when every header line ends in CRLF and holds no other CR or LF:
 * nothing from the request can split a response header. */
static int
fuzz_headers_ok(const struct buf *h)
{
	size_t i;

	for (i = 0; i < h->len; i++) {
		if (h->data[i] == '\r' && (i + 1 == h->len || h->data[i + 1] != '\n'))
			return 0;
		if (h->data[i] == '\n' && (i == 0 || h->data[i - 1] != '\r'))
			return 0;
	}
	return h->len == 0 || h->data[h->len - 1] == '\n';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *s, *end, *line, *env[FUZZ_MAX_ENV + 1];
	char *own[FUZZ_MAX_ENV];
	int n = 0, nown = 0, i;
	struct req r;
	struct resp out;
	enum api_err early;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	s = copy;
	end = copy + size;
	own[nown] = malloc(strlen((line = fuzz_line(&s, end)) ? line : "GET") + 16);
	sprintf(own[nown], "REQUEST_METHOD=%s", line ? line : "GET");
	env[n++] = own[nown++];
	own[nown] = malloc(strlen((line = fuzz_line(&s, end)) ? line : "/") + 16);
	sprintf(own[nown], "REQUEST_URI=%s", line ? line : "/");
	env[n++] = own[nown++];
	env[n++] = "REMOTE_ADDR=203.0.113.9";
	while (n < FUZZ_MAX_ENV - 1 && (line = fuzz_line(&s, end)) != NULL &&
	    *line != '\0')
		if ((own[nown] = fuzz_header(line)) != NULL)
			env[n++] = own[nown++];
	env[n] = NULL;

	request_init(&r);
	response_init(&out);
	early = request_begin(&r, env);
	if (s < end) {
		r.body = s;
		r.body_len = (size_t)(end - s);
		r.content_length = (long long)r.body_len;
	}
	dispatch_run(&r, &out, early);
	if (out.status < 100 || out.status > 599 || !fuzz_headers_ok(&out.headers))
		abort();
	if (out.body.len > 0 && out.body.data[0] == '{') {
		struct json_object *o = json_tokener_parse(out.body.data);

		if (o == NULL)
			abort();	/* a JSON answer must parse */
		json_object_put(o);
	}
	response_free(&out);
	request_free(&r);
	for (i = 0; i < nown; i++)
		free(own[i]);
	free(copy);
	return 0;
}
