/* http.c -- outbound HTTP through libcurl. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include <netdb.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cidr.h"
#include "http.h"

static CURL *http_handle;

/* Addresses an outbound webhook may not reach (RFC 6890 and friends), with
 * the IPv6 forms that carry an IPv4 address (IPv4-compatible, mapped,
 * NAT64, Teredo, 6to4) and the old site-local fec0::/10. */
#define HTTP_NOT_PUBLIC "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8," \
	"169.254.0.0/16,172.16.0.0/12,192.0.0.0/24,192.0.2.0/24,192.168.0.0/16," \
	"198.18.0.0/15,198.51.100.0/24,203.0.113.0/24,224.0.0.0/3," \
	"::/96,::ffff:0:0/96,64:ff9b::/96,64:ff9b:1::/48,100::/64,2001::/32," \
	"2001:db8::/32,2002::/16,fc00::/7,fe80::/10,fec0::/10,ff00::/8"
static struct cidr_list	http_not_public;
static int		http_not_public_ready;

static size_t
http_sink(char *data, size_t size, size_t n, void *arg)
{
	buf_add(arg, data, size * n);
	return size * n;
}

static CURL *
http_get_handle(void)
{
	if (http_handle == NULL) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		http_handle = curl_easy_init();
	} else
		curl_easy_reset(http_handle);
	return http_handle;
}

/* http_call() with an optional userpwd and a CURLOPT_RESOLVE pin. */
static int
http_request(const char *method, const char *url, const char *const *headers,
    const char *body, size_t len, const char *userpwd, long timeout_ms,
    struct curl_slist *resolve, struct http_result *res)
{
	struct curl_slist *h = NULL;
	CURL *c;
	CURLcode rc;
	size_t i;

	memset(res, 0, sizeof *res);
	buf_init(&res->body);
	if ((c = http_get_handle()) == NULL) {
		snprintf(res->error, sizeof res->error, "curl_easy_init failed");
		return -1;
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		h = curl_slist_append(h, headers[i]);
	h = curl_slist_append(h, "Expect:");	/* no 100-continue round trip */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &res->body);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	if (userpwd != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	}
	if (resolve != NULL)
		curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	return 0;
}

int
http_call(const char *method, const char *url, const char *const *headers,
    const char *body, size_t len, const char *userpwd, long timeout_ms,
    struct http_result *res)
{
	return http_request(method, url, headers, body, len, userpwd, timeout_ms,
	    NULL, res);
}

static int
http_call_pinned(const char *method, const char *url,
    const char *const *headers, const char *body, size_t len, long timeout_ms,
    struct curl_slist *resolve, struct http_result *res)
{
	return http_request(method, url, headers, body, len, NULL, timeout_ms,
	    resolve, res);
}

void
http_result_free(struct http_result *res)
{
	buf_free(&res->body);
}

struct http_upload {
	const char	*p;
	size_t		 left;
};

static size_t
http_source(char *dst, size_t size, size_t n, void *arg)
{
	struct http_upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

int
http_smtp_send(const char *url, const char *user, const char *password,
    const char *from_addr, const char *const *rcpt, size_t n,
    const char *message, size_t len, long timeout_ms, char *err,
    size_t errlen)
{
	struct http_upload u = { message, len };
	struct curl_slist *to = NULL;
	char from[400];
	CURL *c;
	CURLcode rc;
	size_t i;

	if ((c = http_get_handle()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	snprintf(from, sizeof from, "<%s>", from_addr);
	for (i = 0; i < n; i++) {
		char a[400];

		snprintf(a, sizeof a, "<%s>", rcpt[i]);
		to = curl_slist_append(to, a);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, http_source);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE, (long)len);
	if (user != NULL && *user != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	rc = curl_easy_perform(c);
	curl_slist_free_all(to);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* The first address of host that may be reached, into ip.  Returns 0, or
 * -1 with why. */
static int
http_public_address(const char *host, const struct cidr_list *allow, char *ip,
    size_t iplen, char *why, size_t whylen)
{
	struct addrinfo hints, *ai = NULL, *a;
	const char *bad;
	char text[INET6_ADDRSTRLEN];
	int found = -1;

	if (!http_not_public_ready) {
		(void)cidr_list_parse(HTTP_NOT_PUBLIC, &http_not_public, &bad);
		http_not_public_ready = 1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0) {
		snprintf(why, whylen, "cannot resolve %.100s", host);
		return -1;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		if (a->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr,
			    text, sizeof text);
		else if (a->ai_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr,
			    text, sizeof text);
		else
			continue;
		if (cidr_list_contains(&http_not_public, text) &&
		    !cidr_list_contains(allow, text)) {
			snprintf(why, whylen, "%.100s is not a public address (%s)", host, text);
			found = -1;
			break;		/* one private answer refuses the host */
		}
		if (found != 0) {
			snprintf(ip, iplen, "%s", text);
			found = 0;
		}
	}
	freeaddrinfo(ai);
	if (found != 0 && why[0] == '\0')
		snprintf(why, whylen, "%.100s has no address", host);
	return found;
}

int
http_post_public(const char *url, const struct cidr_list *allow,
    const char *const *headers, const char *body, size_t len,
    long timeout_ms, struct http_result *res)
{
	char *scheme = NULL, *host = NULL, *port = NULL, ip[INET6_ADDRSTRLEN],
	    pin[512], h[300];
	struct curl_slist *resolve = NULL;
	CURLU *u = curl_url();
	int rc = -1;
	size_t n;

	memset(res, 0, sizeof *res);
	buf_init(&res->body);
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		snprintf(res->error, sizeof res->error, "not an http(s) URL");
		goto out;
	}
	/* CURLUPART_HOST keeps an IPv6 literal's brackets. */
	n = strlen(host);
	snprintf(h, sizeof h, "%.*s", host[0] == '[' ? (int)n - 2 : (int)n,
	    host[0] == '[' ? host + 1 : host);
	if (http_public_address(h, allow, ip, sizeof ip, res->error,
	    sizeof res->error) != 0)
		goto out;
	snprintf(pin, sizeof pin, strchr(ip, ':') ? "%s:%s:[%s]" : "%s:%s:%s",
	    host, port, ip);
	/* An IPv6 literal is never resolved, and CURLOPT_RESOLVE cannot name one. */
	if (host[0] != '[')
		resolve = curl_slist_append(NULL, pin);
	rc = http_call_pinned("POST", url, headers, body, len, timeout_ms,
	    resolve, res);
out:
	curl_slist_free_all(resolve);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}
