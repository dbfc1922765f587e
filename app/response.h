/* response.h -- build and send one response.  The only writer of Status.
 *
 * A response is assembled in memory, so every response carries an exact
 * Content-Length, then sent at once by response_send(). */
#ifndef RESPONSE_H
#define RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "apierr.h"
#include "buf.h"
#include "route.h"

struct json_object;
struct req;

struct resp {
	int			 status;
	const char		*content_type;
	enum cache_policy	 cache;
	struct buf		 headers;	/* "Name: value\r\n" lines */
	struct buf		 body;
	char			 etag[64];	/* the ETag's opaque-tag, without
						   quotes; "" when none */
};

void response_init(struct resp *s);
/* Forget the response; s is ready for the next request. */
void response_reset(struct resp *s);
void response_free(struct resp *s);
/* Add a header.  Values with CR or LF are refused (logged, not added). */
void response_header(struct resp *s, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set a JSON body.  Takes over the reference to obj. */
void response_json(struct resp *s, int status, struct json_object *obj);
/* Set a body of JSON text produced elsewhere (PostgreSQL). */
void response_raw_json(struct resp *s, int status, const char *json,
    size_t len);
/* Set a body of another media type (content_type: static storage). */
void response_body(struct resp *s, int status, const char *content_type,
    const char *body, size_t len);
/* Set an empty body with status. */
void response_empty(struct resp *s, int status);
/* Replace the response with the error envelope of err: message NULL means
 * the code's default; details (may be NULL) is taken over; retry_after > 0
 * adds retryAfter and a Retry-After header. */
void response_error(struct resp *s, const struct req *r, enum api_err err,
    const char *message, struct json_object *details, long retry_after);
/* Give the answer the strong entity tag "opaque" (up to 63 characters
 * of [0-9A-Za-z-]); rendered as an ETag header. */
void response_etag(struct resp *s, const char *opaque);
/* Whether if_none_match (an If-None-Match value: "*" or a list of
 * entity tags, weak or strong) matches opaque by the weak comparison of
 * RFC 9110 13.1.2.  A member "opaque-<coding>" (gzip, br, deflate, zstd)
 * matches too: the tag a compressing web server gave the same bytes.
 * On a match, writes the matched member's opaque-tag into matched (64
 * bytes; may be NULL). */
bool response_etag_matches(const char *if_none_match, const char *opaque,
    char *matched);
/* Turn s, a 200 answer with an entity tag, into 304 Not Modified when
 * if_none_match (may be NULL) matches: no body, the same headers, and the
 * tag the client holds.  Returns true when it did. */
bool response_not_modified(struct resp *s, const char *if_none_match);
/* The rate-limit fields of an answer charged to tier policy: the
 * X-RateLimit-* trio (Reset as the UTC instant) and, in the format of
 * draft-ietf-httpapi-ratelimit-headers-08, RateLimit-Policy
 * ("policy";q=limit;w=window) and RateLimit ("policy";r=remaining;
 * t=reset).  reset: seconds until the whole quota is back. */
void response_rate_headers(struct resp *s, const char *policy, long limit,
    long window, long remaining, long reset);
/* Render the whole FastCGI response (headers and, except for HEAD, the
 * body) into out. */
void response_render(const struct resp *s, const struct req *r,
    struct buf *out);
/* Render and write to the FastCGI stream out (an FCGX_Stream).  Returns the
 * number of body bytes sent. */
size_t response_send(const struct resp *s, const struct req *r, void *out);

#endif
