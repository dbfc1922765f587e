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
#include "rng.h"
#include "template.h"

/* Every email the product sends, and its subject line (Mustache,
 * rendered as text). */
static const struct mail_kind {
	const char	*kind;
	const char	*subject;
} mail_kinds[] = {
	{ "booking_confirmation", "Booking Confirmed - {{carName}} | ExoDrive" },
	{ "payment_receipt", "Payment Receipt - {{carName}} | ExoDrive" },
	{ "booking_modification", "Booking Modified - {{carName}} | ExoDrive" },
	{ "booking_cancellation", "Booking Cancellation - {{carName}}" },
	{ "reminder", "Reminder: your {{carName}} is ready tomorrow | ExoDrive" },
	{ "contact_notice", "Contact form: {{name}}" },
	{ "contact_acknowledgement", "Thank You for Contacting ExoDrive" },
};

static const char *
mail_subject_of(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof mail_kinds / sizeof mail_kinds[0]; i++)
		if (strcmp(mail_kinds[i].kind, kind) == 0)
			return mail_kinds[i].subject;
	return NULL;
}

int
mail_render(const char *name, const char *data, struct buf *html,
    struct buf *text, char *err, size_t errlen)
{
	struct json_object *d = json_tokener_parse(data);
	char file[160];
	int rc = -1;

	if (d == NULL) {
		snprintf(err, errlen, "the data of template %s is not JSON", name);
		return -1;
	}
	snprintf(file, sizeof file, "%s.html", name);
	if (template_render(file, d, MUSTACHE_HTML, html, err, errlen) == 0) {
		snprintf(file, sizeof file, "%s.txt", name);
		rc = template_render(file, d, MUSTACHE_TEXT, text, err, errlen);
	}
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

/* A boundary for a message with parts html and text into out: 128 random
 * bits nobody can predict, drawn again in the (never seen) case that a
 * part holds it, so no line of a part can end or open a part. */
static void
mail_boundary(char *out, size_t len, const char *html, const char *text)
{
	char hex[33];

	do {
		rng_hex(hex, 16);
		snprintf(out, len, "=_exodrive_%s", hex);
	} while (strstr(html, out) != NULL || strstr(text, out) != NULL);
}

void
mail_message(const char *from, const char *to, const char *reply_to,
    const char *subject, const char *message_id, const char *html,
    const char *text, struct buf *out)
{
	char date[64], boundary[96];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	mail_boundary(boundary, sizeof boundary, html, text);
	mail_header(out, "From", from);
	mail_header(out, "To", to);
	if (reply_to != NULL && *reply_to != '\0')
		mail_header(out, "Reply-To", reply_to);
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

/* The template data of email job j into *d (caller puts): the named
 * booking's data overlaid with the job's vars, or the vars alone. */
static enum api_err
mail_job_data(struct json_object *j, struct json_object **d, char *err,
    size_t errlen)
{
	struct json_object *b, *vars = NULL;
	struct db_res *res = NULL;
	const char *json = NULL, *booking;
	enum api_err e = API_OK;

	(void)json_object_object_get_ex(j, "vars", &vars);
	if (!json_object_object_get_ex(j, "bookingId", &b)) {
		*d = vars != NULL && json_object_is_type(vars, json_type_object) ?
		    json_object_get(vars) : json_object_new_object();
		return API_OK;
	}
	booking = json_object_get_string(b);
	if ((e = repo_email_booking(booking, conf->base_url, &res, &json)) != API_OK ||
	    json == NULL || (*d = json_tokener_parse(json)) == NULL) {
		snprintf(err, errlen, "booking %s: %s", booking,
		    e != API_OK ? apierr_code(e) : "not found");
		db_free(res);
		return e != API_OK ? e : API_NOT_FOUND;
	}
	db_free(res);
	if (vars != NULL && json_object_is_type(vars, json_type_object)) {
		json_object_object_foreach(vars, k, v)
			json_object_object_add(*d, k, json_object_get(v));
	}
	return API_OK;
}

/* The string member name of o, or "". */
static const char *
mail_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v,
	    json_type_string) ? json_object_get_string(v) : "";
}

/* Render and submit the email kind with data d to to; writes its
 * subject.  Returns 0, or -1 with err. */
static int
mail_submit(const char *kind, struct json_object *d, const char *to,
    const char *reply_to, const char *mid, struct buf *subject, char *err,
    size_t errlen)
{
	const char *data = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN);
	struct buf html, text, msg;
	char from[320], rcpt_addr[320];
	const char *rcpt[1] = { rcpt_addr };
	int rc = -1;

	buf_init(&html), buf_init(&text), buf_init(&msg);
	mail_address(conf->email_from, from, sizeof from);
	mail_address(to, rcpt_addr, sizeof rcpt_addr);
	if (mail_render(kind, data, &html, &text, err, errlen) == 0 &&
	    mustache_render(mail_subject_of(kind), d, NULL, NULL, MUSTACHE_TEXT,
	    subject, err, errlen) == 0) {
		mail_message(conf->email_from, to, reply_to, subject->data, mid,
		    html.data, text.data, &msg);
		rc = http_smtp_send(conf->smtp_url, conf->smtp_user,
		    conf->smtp_password, from, rcpt, 1, msg.data, msg.len,
		    conf->queue_lease / 2,	/* done well within the job's lease */
		    err, errlen);
	}
	buf_free(&html), buf_free(&text), buf_free(&msg);
	return rc;
}

enum api_err
mail_send(const char *kind, const char *job_data, const char *job_id,
    char *err, size_t errlen)
{
	struct json_object *j = json_tokener_parse(job_data ? job_data : ""), *d = NULL;
	struct buf subject;
	const char *booking, *to;
	char from[320], mid[400];
	enum api_err e;
	int rc = -1;

	err[0] = '\0';
	if (mail_subject_of(kind) == NULL || j == NULL ||
	    !json_object_is_type(j, json_type_object)) {
		snprintf(err, errlen, "no email kind %s, or its job data is not an object",
		    kind);
		json_object_put(j);
		return API_VALIDATION_ERROR;
	}
	if ((e = mail_job_data(j, &d, err, errlen)) != API_OK) {
		json_object_put(j);
		return e;
	}
	/* A test send is recorded without its booking: the booking's own
	 * email status stays what the customer got. */
	booking = *mail_str(j, "bookingId") && !json_object_get_boolean(
	    json_object_object_get(j, "test")) ? mail_str(j, "bookingId") : NULL;
	to = *mail_str(j, "to") ? mail_str(j, "to") : mail_str(d, "customerEmail");
	mail_address(conf->email_from, from, sizeof from);
	snprintf(mid, sizeof mid, "<job-email-%s.%s@%s>", job_id, kind,
	    strchr(from, '@') ? strchr(from, '@') + 1 : "exodrive.invalid");
	buf_init(&subject);
	if (*to == '\0')
		snprintf(err, errlen, "email %s has no recipient", kind);
	else
		rc = mail_submit(kind, d, to, mail_str(j, "replyTo"), mid, &subject,
		    err, errlen);
	if ((e = db_begin()) == API_OK &&
	    ((e = repo_email_sent(booking, kind, to, subject.data ? subject.data : "",
	    rc == 0 ? mid : NULL, rc == 0 ? NULL : err)) != API_OK ||
	    (e = db_commit()) != API_OK))
		db_rollback();
	if (e != API_OK)
		LOG_ERR("email %s (job %s): status not recorded", kind, job_id);
	if (rc == 0)
		LOG_INFO("email %s (job %s) sent as %s", kind, job_id, mid);
	buf_free(&subject);
	json_object_put(d);
	json_object_put(j);
	return rc == 0 ? API_OK : API_EXTERNAL_SERVICE_ERROR;
}
