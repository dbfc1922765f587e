/* http.h -- outbound HTTP calls and SMTP submission.  The only libcurl
 * user.
 *
 * One blocking request at a time per process, on a handle kept between
 * calls (connections are reused).  Only http and https URLs are followed,
 * never redirects. */
#ifndef HTTP_H
#define HTTP_H

#include "buf.h"

struct cidr_list;

struct http_result {
	long		status;		/* HTTP status, 0 when none arrived */
	struct buf	body;
	char		error[256];	/* transport error, when status is 0 */
};

/* Send method url with headers (NULL-terminated "Name: value" lines) and
 * body (len bytes; NULL for none).  userpwd, when given, is sent as basic
 * authentication.  Waits at most timeout_ms.  Returns 0 when an answer
 * arrived (of any status), -1 on a transport failure or timeout.  res is
 * initialised here; release it with http_result_free(). */
int http_call(const char *method, const char *url, const char *const *headers,
    const char *body, size_t len, const char *userpwd, long timeout_ms,
    struct http_result *res);
void http_result_free(struct http_result *res);

/* POST body (len bytes) to url like http_call(), but only to a public
 * address: the host is resolved here, every address must be outside the
 * loopback, private, link-local, shared, multicast and reserved ranges
 * unless allow contains it, and the connection is pinned to the checked
 * address (no second lookup to rebind).  Returns 0 when an answer
 * arrived, -1 with res->error otherwise (refused, transport). */
int http_post_public(const char *url, const struct cidr_list *allow,
    const char *const *headers, const char *body, size_t len,
    long timeout_ms, struct http_result *res);

/* Submit message (len bytes, headers and body, CRLF line ends) over SMTP
 * at url (smtp://host:port; STARTTLS when the server offers it, required
 * for smtps://) from from_addr to the n addresses of rcpt, with
 * authentication when user is non-empty.  Returns 0, or -1 with err. */
int http_smtp_send(const char *url, const char *user, const char *password,
    const char *from_addr, const char *const *rcpt, size_t n,
    const char *message, size_t len, long timeout_ms, char *err,
    size_t errlen);

#endif
