/* mail.c -- booking emails. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "conf.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "mustache.h"
#include "repo.h"
#include "xmalloc.h"

/* The subject line of each kind (Mustache, rendered as text). */
static const char *
mail_subject_of(const char *kind)
{
	if (strcmp(kind, "booking_confirmation") == 0)
		return "Booking Confirmed - {{carName}} | ExoDrive";
	if (strcmp(kind, "payment_receipt") == 0)
		return "Payment Receipt - {{carName}} | ExoDrive";
	if (strcmp(kind, "booking_cancellation") == 0)
		return "Booking Cancellation - {{carName}}";
	if (strcmp(kind, "reminder") == 0)
		return "Reminder: your {{carName}} is ready tomorrow | ExoDrive";
	return NULL;
}

/* The contents of TEMPLATE_DIR/name (caller frees), or NULL. */
static char *
mail_template(const char *name)
{
	char path[1024];
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	if (strchr(name, '/') != NULL || strstr(name, "..") != NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", conf->template_dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_adds(&b, "");
	return b.data ? b.data : xstrdup("");
}

static const char *
mail_partial(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return NULL;		/* the templates use none yet */
}

int
mail_render(const char *name, const char *data, struct buf *html,
    struct buf *text, char *err, size_t errlen)
{
	struct json_object *d = json_tokener_parse(data);
	char file[160], *t[2] = { NULL, NULL };
	int rc = -1;

	snprintf(file, sizeof file, "%s.html", name);
	t[0] = mail_template(file);
	snprintf(file, sizeof file, "%s.txt", name);
	t[1] = mail_template(file);
	if (d == NULL || t[0] == NULL || t[1] == NULL)
		snprintf(err, errlen, "template %s or its data is missing", name);
	else if (mustache_render(t[0], d, mail_partial, NULL, MUSTACHE_HTML, html,
	    err, errlen) == 0 && mustache_render(t[1], d, mail_partial, NULL,
	    MUSTACHE_TEXT, text, err, errlen) == 0)
		rc = 0;
	free(t[0]);
	free(t[1]);
	json_object_put(d);
	return rc;
}

/* Append header name: value, without control characters. */
static void
mail_header(struct buf *b, const char *name, const char *value)
{
	buf_adds(b, name);
	buf_adds(b, ": ");
	for (; *value != '\0'; value++) {
		if ((unsigned char)*value >= 0x20 && *value != 0x7f)
			buf_add(b, value, 1);
	}
	buf_adds(b, "\r\n");
}

/* Append text with every line ending as CRLF. */
static void
mail_crlf(struct buf *b, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '\n')
			buf_adds(b, "\r\n");
		else if (*text != '\r')
			buf_add(b, text, 1);
	}
	buf_adds(b, "\r\n");
}

void
mail_message(const char *from, const char *to, const char *subject,
    const char *message_id, const char *html, const char *text,
    struct buf *out)
{
	char date[64], boundary[96];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(boundary, sizeof boundary, "=_exodrive_%08lx", (unsigned long)now);
	mail_header(out, "From", from);
	mail_header(out, "To", to);
	mail_header(out, "Subject", subject);
	mail_header(out, "Date", date);
	mail_header(out, "Message-ID", message_id);
	mail_header(out, "MIME-Version", "1.0");
	buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
	    boundary);
	buf_printf(out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", boundary);
	mail_crlf(out, text);
	buf_printf(out, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", boundary);
	mail_crlf(out, html);
	buf_printf(out, "--%s--\r\n", boundary);
}

/* The bare address of "Name <addr>" (or addr) into out. */
static void
mail_address(const char *s, char *out, size_t len)
{
	const char *lt = strchr(s, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		snprintf(out, len, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, len, "%s", s);
}

enum api_err
mail_send_booking(const char *kind, const char *booking, const char *job_id,
    char *err, size_t errlen)
{
	struct db_res *res = NULL;
	struct json_object *d = NULL, *v;
	struct buf html, text, subject, msg;
	const char *json = NULL, *subj = mail_subject_of(kind), *rcpt[1];
	char from[320], mid[400], to[320];
	enum api_err e;
	int rc = -1;

	err[0] = '\0';
	if (subj == NULL) {
		snprintf(err, errlen, "no email kind %s", kind);
		return API_VALIDATION_ERROR;
	}
	if ((e = repo_email_booking(booking, conf->base_url, &res, &json)) != API_OK ||
	    json == NULL) {
		db_free(res);
		snprintf(err, errlen, "booking %s: %s", booking, json ? apierr_code(e) :
		    "not found");
		return e != API_OK ? e : API_NOT_FOUND;
	}
	buf_init(&html), buf_init(&text), buf_init(&subject), buf_init(&msg);
	d = json_tokener_parse(json);
	mail_address(conf->email_from, from, sizeof from);
	snprintf(mid, sizeof mid, "<job-email-%s.%s@%s>", job_id, kind,
	    strchr(from, '@') ? strchr(from, '@') + 1 : "exodrive.invalid");
	snprintf(to, sizeof to, "%s", json_object_object_get_ex(d, "customerEmail", &v) ?
	    json_object_get_string(v) : "");
	rcpt[0] = to;
	if (mail_render(kind, json, &html, &text, err, errlen) == 0 &&
	    mustache_render(subj, d, NULL, NULL, MUSTACHE_TEXT, &subject, err,
	    errlen) == 0) {
		mail_message(conf->email_from, to, subject.data, mid, html.data,
		    text.data, &msg);
		rc = http_smtp_send(conf->smtp_url, conf->smtp_user,
		    conf->smtp_password, from, rcpt, 1, msg.data, msg.len,
		    conf->queue_lease / 2,	/* done well within the job's lease */
		    err, errlen);
	}
	if ((e = db_begin()) == API_OK &&
	    ((e = repo_email_sent(booking, kind, to, subject.data ? subject.data : "",
	    rc == 0 ? mid : NULL, rc == 0 ? NULL : err)) != API_OK ||
	    (e = db_commit()) != API_OK))
		db_rollback();
	if (e != API_OK)
		LOG_ERR("email %s of %s: status not recorded", kind, booking);
	if (rc == 0)
		LOG_INFO("email %s of booking %s sent as %s", kind, booking, mid);
	buf_free(&html), buf_free(&text), buf_free(&subject), buf_free(&msg);
	json_object_put(d);
	db_free(res);
	return rc == 0 ? API_OK : API_EXTERNAL_SERVICE_ERROR;
}
