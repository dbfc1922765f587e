/* request.h -- one parsed request.  The only reader of FastCGI params.
 *
 * A struct req lives for one request: request_begin() fills it from the
 * FastCGI environment, request_reset() releases everything it holds.
 * Strings point into req->arena or into the FastCGI environment and are
 * valid until request_reset(). */
#ifndef REQUEST_H
#define REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apierr.h"
#include "buf.h"
#include "route.h"

struct json_object;

#define REQ_MAX_QUERY	32
#define REQ_MAX_KEYS	32
#define REQ_TRACE_LEN	64
/* X-Forwarded-For hops read, from the right, before a chain of trusted
 * proxies is disbelieved. */
#define REQ_MAX_HOPS	8
/* client_ip when the address cannot be known: no REMOTE_ADDR, or a
 * forwarded chain of more than REQ_MAX_HOPS trusted proxies. */
#define REQ_CLIENT_UNKNOWN	"unknown"

struct kv {
	const char	*name;
	const char	*value;
};

/* FastCGI params read on every request, picked out in one pass. */
enum req_var {
	REQ_VAR_METHOD,			/* REQUEST_METHOD */
	REQ_VAR_URI,			/* REQUEST_URI */
	REQ_VAR_REMOTE_ADDR,		/* REMOTE_ADDR */
	REQ_VAR_CONTENT_TYPE,		/* CONTENT_TYPE */
	REQ_VAR_CONTENT_LENGTH,		/* CONTENT_LENGTH */
	REQ_VAR_TRACE_ID,		/* HTTP_X_TRACE_ID */
	REQ_VAR_REQUEST_ID,		/* HTTP_X_REQUEST_ID */
	REQ_VAR_FORWARDED_FOR,		/* HTTP_X_FORWARDED_FOR */
	REQ_VAR_ORIGIN,			/* HTTP_ORIGIN */
	REQ_VAR_AUTHORIZATION,		/* HTTP_AUTHORIZATION */
	REQ_VAR_CACHE_CONTROL,		/* HTTP_CACHE_CONTROL */
	REQ_VAR__MAX
};

struct req {
	struct arena		 arena;
	char *const		*env;		/* "NAME=value" strings */
	const char		*var[REQ_VAR__MAX];	/* NULL = absent */
	int64_t			 start_us;	/* monotonic */
	enum http_method	 method;
	const char		*method_name;
	const char		*path;		/* percent-decoded */
	struct kv		 query[REQ_MAX_QUERY];
	size_t			 nquery;
	const char		*params[ROUTE_MAX_PARAMS];
	size_t			 nparams;
	const char		*remote_addr;
	const char		*client_ip;
	char			 trace_id[REQ_TRACE_LEN + 1];
	const char		*content_type;
	long long		 content_length;
	bool			 body_too_large;
	bool			 internal;	/* replayed by the cache warmer */
	const char		*body;
	size_t			 body_len;
	struct json_object	*json;		/* parsed JSON body, owned */
	const char		*field[REQ_MAX_KEYS];	/* validated inputs */
	const char		*user_id;	/* authenticated caller, or NULL */
	const char		*role;		/* "customer" or "admin" */
};

/* Prepare r for its first use. */
void request_init(struct req *r);
/* Release what one request held; r is ready for the next one. */
void request_reset(struct req *r);
/* Release everything. */
void request_free(struct req *r);

/* Parse the request line, query, client address and trace id from env,
 * keeping trusted-proxy rules from conf.  Returns API_OK, or
 * API_INVALID_REQUEST for a malformed path or query. */
enum api_err request_begin(struct req *r, char *const *env);
/* The value of request header name (e.g. "X-Trace-Id"), or NULL. */
const char *request_header(const struct req *r, const char *name);
/* The value of the first query parameter name, or NULL. */
const char *request_query(const struct req *r, const char *name);
/* Check the body against the route's input: 415 for a media type the route
 * does not take, 400 for malformed JSON.  On success r->json holds the
 * parsed document (NULL when there was no body). */
enum api_err request_parse_body(struct req *r, const struct input *in,
    const char **why);
/* Validate the declared keys into r->field[].  Returns API_OK, or
 * API_VALIDATION_ERROR with *details set (caller owns it). */
enum api_err request_validate(struct req *r, const struct route *rt,
    struct json_object **details);

/* Parse len bytes of JSON text (depth <= 32, nothing after the value).
 * Returns the document (caller frees with json_object_put()) or NULL. */
struct json_object *request_json_parse(const char *s, size_t len);

/* Glue to libfcgi: read the body of the accepted request fr (an
 * FCGX_Request) into the arena, or drain and flag it if it is larger than
 * MAX_BODY_BYTES. */
void request_read_body(struct req *r, void *fr);

/* Helpers, exposed for their tests. */
/* Decode %XX (and '+' as space when plus is true) in place.  Returns 0, or
 * -1 for a bad escape or an encoded NUL. */
int request_percent_decode(char *s, bool plus);
/* True if s is a usable incoming trace id: 8..64 of [A-Za-z0-9_-]. */
bool request_trace_ok(const char *s);

/* Add msg to field name of validation details {formErrors,
 * fieldErrors} (made when *details is NULL). */
void request_field_error(struct json_object **details, const char *name,
    const char *msg);

#endif
