/* route.h -- the shape of a route and of one call through the dispatcher.
 *
 * Every policy enum starts at an invalid *__UNSET = 0, so a field left out
 * of a designated initialiser in routes.c is caught by
 * tests/test_routes.c rather than silently meaning "anything goes". */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "apierr.h"

struct json_object;
struct req;
struct resp;

enum http_method {
	METHOD__UNSET = 0,
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_OPTIONS,
	METHOD_OTHER		/* anything else: never routed */
};

/* Who may call a route.  The dispatcher denies by default. */
enum auth_level {
	AUTH__UNSET = 0,
	AUTH_NONE,		/* public */
	AUTH_OPTIONAL,		/* public; a valid token identifies the caller */
	AUTH_CUSTOMER,		/* any signed-in user */
	AUTH_ADMIN,		/* profiles.role = 'admin' */
	AUTH_CRON,		/* Bearer CRON_SECRET */
	AUTH_INTERNAL,		/* Bearer INTERNAL_API_KEY */
	AUTH_SIGNATURE		/* provider webhook signature */
};

/* Which rate-limit tier a call is charged to. */
enum rate_tier {
	RATE__UNSET = 0,
	RATE_NONE,		/* health and probes: never limited */
	RATE_PUBLIC,		/* per IP */
	RATE_AUTH,		/* per user */
	RATE_BOOKING,		/* per user, else per IP */
	RATE_PAYMENT,		/* per IP and per user */
	RATE_UPLOAD,
	RATE_WEBHOOK,
	RATE_CONTACT,		/* per IP: each call sends email */
	RATE_ADMIN,
	RATE_LOGIN		/* per IP and per account */
};

/* How a route's answer may be cached (Redis family and HTTP header). */
enum cache_policy {
	CACHE__UNSET = 0,
	CACHE_NONE,		/* never cached; Cache-Control: no-store */
	CACHE_FLEET,
	CACHE_CAR,
	CACHE_AVAILABILITY,
	CACHE_REVIEWS
};

/* What a route accepts as a request body. */
enum body_kind {
	BODY__UNSET = 0,
	BODY_NONE,		/* a body is refused with 415 */
	BODY_JSON,		/* application/json */
	BODY_JSON_OPEN,		/* application/json; members no key declares
				   are allowed (a provider's payload) */
	BODY_MULTIPART		/* multipart/form-data */
};

enum key_src {
	KEY_PATH = 1,
	KEY_QUERY,
	KEY_BODY,
	KEY_HEADER		/* a request header, e.g. Idempotency-Key */
};

enum key_type {
	KEY_STRING = 1,		/* UTF-8 text, length min..max */
	KEY_UUID,
	KEY_DATE,		/* YYYY-MM-DD, a real calendar day */
	KEY_INT,		/* decimal integer, value min..max */
	KEY_BOOL,		/* true/false */
	KEY_EMAIL,		/* an address of 3..254 characters, lower-cased */
	KEY_MONEY,		/* a number >= 0 with at most 2 decimals, < 10^8 */
	KEY_ENUM,		/* one of the strings in .choices */
	KEY_ARRAY,		/* a JSON array of min..max items; the service
				   reads and checks the items */
	KEY_LINE,		/* KEY_STRING on one line: no control
				   characters (names that reach email) */
	KEY_OBJECT		/* a JSON object, its members free; the
				   service reads and checks them */
};

/* One declared input.  Handlers read the validated value from
 * req->field[index in the route's key list]; NULL means absent.  A body
 * key may name a member of a nested object as "parent.child"; body
 * members that no key declares are refused (no mass assignment). */
struct key {
	const char		*name;
	enum key_src		 src;
	enum key_type		 type;
	bool			 required;
	long			 min, max;	/* bounds; 0, 0 means none */
	const char *const	*choices;	/* KEY_ENUM: NULL-terminated */
};

/* The input schema of a route. */
struct input {
	enum body_kind		 body;
	const struct key	*keys;
	size_t			 nkeys;
};

/* One call through the dispatcher: what a handler receives.  A handler
 * returns API_OK after filling resp, or an error code; it may then set
 * err_message (static or arena storage) and err_details (owned by the
 * call, released by the dispatcher). */
struct call {
	struct req		*req;
	struct resp		*resp;
	const struct route	*route;
	const char		*err_message;
	struct json_object	*err_details;
	long			 retry_after;	/* seconds; 0 = none */
	/* An admin write's audit row: what it changed ("car:<uuid>") and
	 * that thing's state before and after.  The dispatcher owns the
	 * objects and puts them after the request. */
	const char		*audit_target;
	struct json_object	*audit_before, *audit_after;
};

typedef enum api_err (*route_handler)(struct call *);
/* Render error err (message: NULL for the code's default) of call c
 * into its response instead of the envelope. */
typedef void (*route_error_fn)(struct call *c, enum api_err err,
    const char *message);

struct route {
	enum http_method	 method;
	const char		*path;		/* "/api/cars/{carId}" */
	route_handler		 handler;
	enum auth_level		 auth;
	enum rate_tier		 rate;
	enum cache_policy	 cache;
	const struct input	*input;
	bool			 views;		/* count a page view of the car
						   its carId or slug names */
	route_handler		 verify;	/* AUTH_SIGNATURE: checks the
						   provider's signature */
	const char		*operation;	/* unique id, e.g. "car.byId" */
	int			 status;	/* success status; 0 means 200 */
	const char		*output;	/* its answer's schema in
						   contract/schemas.json (JSON) */
	const char		*media;		/* a non-JSON answer's type */
	route_error_fn		 render_error;	/* errors in the route's own
						   shape (tRPC); NULL: the
						   envelope */
	unsigned		 errors;	/* the errors its handler may
						   return, ROUTE_ERR(API_...)
						   or'ed; those the policy
						   fields imply (auth, rate,
						   input, 500) are implied */
	const char		*summary;	/* one line for the API docs */
};

/* A bit of struct route's errors. */
#define ROUTE_ERR(e)		(1u << (e))

#define ROUTE_MAX_PARAMS	4
#define ROUTE_MAX_SEGMENTS	12

/* routes.c: the route table. */
/* The table and its length.  Only main() (and tests) read it here: the
 * table points at every handler, and some handlers read the table (tRPC,
 * OpenAPI, the cache warmer through the dispatcher), so everyone else
 * asks route_served() for it and the modules stay in layers. */
const struct route *routes_table(size_t *n);

/* route.c: the table served, matching, the names of route fields. */
/* Serve table t of n routes: main() passes routes_table() at start-up. */
void route_serve(const struct route *t, size_t n);
/* The table served and its length (NULL and 0 before route_serve()). */
const struct route *route_served(size_t *n);

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NO_PATH,		/* 404 */
	ROUTE_NO_METHOD		/* 405: *allow holds the methods */
};

/* Find the route of table t (n routes) for method and path.  The most
 * specific pattern wins: a literal segment beats a {param}, earlier
 * segments weigh more.  HEAD is served by a GET route.  On ROUTE_FOUND
 * the values of the pattern's {params} are stored as pointers into
 * scratch (a copy of path the caller provides, at least strlen(path)+1
 * bytes).  On ROUTE_NO_METHOD allow gets a bitmask of
 * (1 << enum http_method). */
enum route_match route_match(const struct route *t, size_t n,
    enum http_method method, const char *path, char *scratch,
    const struct route **found, const char **params, size_t *nparams,
    unsigned *allow);
/* The name of a method, e.g. "GET". */
const char *route_method_name(enum http_method m);
/* The Cache-Control header value of a cache policy. */
const char *route_cache_control(enum cache_policy p);

#endif
