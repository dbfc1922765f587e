/* http.c -- outbound HTTP through libcurl. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"

static CURL *http_handle;

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

int
http_call(const char *method, const char *url, const char *const *headers,
    const char *body, size_t len, const char *userpwd, long timeout_ms,
    struct http_result *res)
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
	rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	return 0;
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
