/* mail.c -- booking emails. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	/* An unpaid booking is held, never "confirmed". */
	{ "booking_confirmation", "{{#held}}Booking Held until {{holdUntil}}{{/held}}"
	    "{{^held}}{{#confirmed}}Booking Confirmed{{/confirmed}}{{^confirmed}}"
	    "Your Booking{{/confirmed}}{{/held}} - {{carName}} | ExoDrive" },
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
mail_compose(const char *kind, struct json_object *d, struct buf *subject,
    struct buf *html, struct buf *text, char *err, size_t errlen)
{
	const char *subj = mail_subject_of(kind);
	char file[160];

	if (subj == NULL) {
		snprintf(err, errlen, "no email kind %s", kind);
		return -1;
	}
	template_email_vars(kind, d);
	snprintf(file, sizeof file, "%s.html", kind);
	if (template_render(file, d, MUSTACHE_HTML, html, err, errlen) != 0)
		return -1;
	snprintf(file, sizeof file, "%s.txt", kind);
	if (template_render(file, d, MUSTACHE_TEXT, text, err, errlen) != 0)
		return -1;
	return mustache_render(subj, d, NULL, NULL, MUSTACHE_TEXT, subject, err,
	    errlen);
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
 * booking's data overlaid with what the job says of its cancellation
 * (reason, actor, cancellationFee) and its vars, or the vars alone. */
static enum api_err
mail_job_data(struct json_object *j, struct json_object **d, char *err,
    size_t errlen)
{
	struct json_object *b, *v, *vars = NULL;
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
	if ((e = repo_email_booking(booking, conf->base_url,
	    conf->booking_hold_minutes, &res, &json)) != API_OK ||
	    json == NULL || (*d = json_tokener_parse(json)) == NULL) {
		snprintf(err, errlen, "booking %s: %s", booking,
		    e != API_OK ? apierr_code(e) : "not found");
		db_free(res);
		return e != API_OK ? e : API_NOT_FOUND;
	}
	db_free(res);
	if (json_object_object_get_ex(j, "reason", &v) &&
	    json_object_is_type(v, json_type_string))
		json_object_object_add(*d, "cancellationReason", json_object_get(v));
	if (json_object_object_get_ex(j, "actor", &v) &&
	    json_object_is_type(v, json_type_string))
		json_object_object_add(*d, "isCustomerCancelled", json_object_new_boolean(
		    strcmp(json_object_get_string(v), "customer") == 0));
	if (json_object_object_get_ex(j, "cancellationFee", &v))
		json_object_object_add(*d, "cancellationFee", json_object_get(v));
	if (vars != NULL && json_object_is_type(vars, json_type_object)) {
		json_object_object_foreach(vars, k, val)
			json_object_object_add(*d, k, json_object_get(val));
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

/* Add tag {name, value} to the array tags. */
static void
mail_tag(struct json_object *tags, const char *name, const char *value)
{
	struct json_object *t = json_object_new_object();

	json_object_object_add(t, "name", json_object_new_string(name));
	json_object_object_add(t, "value", json_object_new_string(value));
	json_object_array_add(tags, t);
}

/* Send through Resend's API (POST RESEND_API_URL/emails), tagged with
 * email_type and, for a booking's own email, booking_id, so its delivery
 * events find the booking.  The job's Message-ID is the Idempotency-Key:
 * a retried job is not sent twice.  Writes Resend's email id to id. */
static int
mail_resend(const char *kind, const char *booking, const char *to,
    const char *reply_to, const char *idem, const char *subject,
    const char *html, const char *text, char *id, size_t idlen, char *err,
    size_t errlen)
{
	struct json_object *o = json_object_new_object(), *a, *r, *v;
	char url[1024], auth[600], idem_h[440];
	const char *hdrs[5] = { "Content-Type: application/json", auth, idem_h,
		"Accept: application/json", NULL };
	struct http_result res;
	const char *body;
	size_t n;
	int rc = -1;

	n = strlen(conf->resend_api_url);
	snprintf(url, sizeof url, "%.*s/emails", (int)(n > 0 &&
	    conf->resend_api_url[n - 1] == '/' ? n - 1 : n), conf->resend_api_url);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", conf->resend_api_key);
	snprintf(idem_h, sizeof idem_h, "Idempotency-Key: %s", idem);
	json_object_object_add(o, "from", json_object_new_string(conf->email_from));
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string(to));
	json_object_object_add(o, "to", a);
	json_object_object_add(o, "subject", json_object_new_string(subject));
	json_object_object_add(o, "html", json_object_new_string(html));
	json_object_object_add(o, "text", json_object_new_string(text));
	if (reply_to != NULL && *reply_to != '\0')
		json_object_object_add(o, "reply_to", json_object_new_string(reply_to));
	a = json_object_new_array();
	mail_tag(a, "email_type", kind);
	if (booking != NULL)
		mail_tag(a, "booking_id", booking);
	json_object_object_add(o, "tags", a);
	body = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (http_call("POST", url, hdrs, body, strlen(body), NULL,
	    conf->queue_lease / 2, &res) != 0) {
		snprintf(err, errlen, "Resend: %s", res.error);
		http_result_free(&res);
		json_object_put(o);
		return -1;
	}
	r = json_tokener_parse(res.body.data ? res.body.data : "");
	if (res.status < 200 || res.status > 299) {
		snprintf(err, errlen, "Resend answered %ld: %s", res.status,
		    r != NULL && json_object_object_get_ex(r, "message", &v) ?
		    json_object_get_string(v) : "no message");
		/* A 4xx other than a timeout, a conflict or a rate limit will
		 * be the same answer next time. */
		if (res.status >= 400 && res.status < 500 && res.status != 408 &&
		    res.status != 409 && res.status != 429)
			rc = -2;
	}
	else if (r != NULL && json_object_object_get_ex(r, "id", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0) {
		snprintf(id, idlen, "%s", json_object_get_string(v));
		rc = 0;
	} else
		snprintf(err, errlen, "Resend answered %ld without an id", res.status);
	json_object_put(r);
	http_result_free(&res);
	json_object_put(o);
	return rc;
}

/* Records a send's outcome in email_events.  The email has already gone
 * (or failed) and is never sent again for it, so a PostgreSQL that is
 * restarting is waited for: MAIL_RECORD_TRIES tries, a second apart. */
#define MAIL_RECORD_TRIES 30
static enum api_err
mail_record(const char *booking, const char *kind, const char *to,
    const char *subject, const char *sent_id, const char *err)
{
	enum api_err e = API_SERVICE_UNAVAILABLE;
	int i;

	for (i = 0; i < MAIL_RECORD_TRIES; i++) {
		if (i > 0)
			sleep(1);
		if ((e = db_begin()) == API_OK &&
		    ((e = repo_email_sent(booking, kind, to, subject, sent_id,
		    err)) != API_OK || (e = db_commit()) != API_OK))
			db_rollback();
		if (e != API_SERVICE_UNAVAILABLE)
			break;		/* done, or an error a retry won't mend */
	}
	return e;
}

/* Render and send the email kind with data d to to, through Resend when
 * RESEND_API_KEY is set, else over SMTP with Message-ID mid; writes its
 * subject and the id it was sent as (mid, or Resend's).  Returns 0, or
 * -1 with err, or -2 when the provider refused it for good. */
static int
mail_submit(const char *kind, const char *booking, struct json_object *d,
    const char *to, const char *reply_to, const char *mid, struct buf *subject,
    char *sent_id, size_t idlen, char *err, size_t errlen)
{
	struct buf html, text, msg;
	char from[320], rcpt_addr[320], idem[400];
	const char *rcpt[1] = { rcpt_addr };
	int rc = -1;

	buf_init(&html), buf_init(&text), buf_init(&msg);
	mail_address(conf->email_from, from, sizeof from);
	mail_address(to, rcpt_addr, sizeof rcpt_addr);
	if (mail_compose(kind, d, subject, &html, &text, err, errlen) != 0)
		;
	else if (conf->resend_api_key != NULL && *conf->resend_api_key != '\0') {
		snprintf(idem, sizeof idem, "%.*s", (int)strcspn(mid + 1, ">"), mid + 1);
		rc = mail_resend(kind, booking, to, reply_to, idem, subject->data,
		    html.data, text.data, sent_id, idlen, err, errlen);
	} else {
		mail_message(conf->email_from, to, reply_to, subject->data, mid,
		    html.data, text.data, &msg);
		rc = http_smtp_send(conf->smtp_url, conf->smtp_user,
		    conf->smtp_password, from, rcpt, 1, msg.data, msg.len,
		    conf->queue_lease / 2,	/* done well within the job's lease */
		    err, errlen);
		snprintf(sent_id, idlen, "%s", mid);
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
	char from[320], mid[400], sent_id[400] = "";
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
	if (*to == '\0') {
		snprintf(err, errlen, "email %s has no recipient", kind);
		rc = -2;
	} else
		rc = mail_submit(kind, booking, d, to, mail_str(j, "replyTo"), mid,
		    &subject, sent_id, sizeof sent_id, err, errlen);
	e = mail_record(booking, kind, to, subject.data ? subject.data : "",
	    rc == 0 ? sent_id : NULL, rc == 0 ? NULL : err);
	if (e != API_OK)
		LOG_ERR("email %s (job %s, %s): status not recorded", kind, job_id,
		    rc == 0 ? sent_id : "not sent");
	if (rc == 0)
		LOG_INFO("email %s (job %s) sent as %s", kind, job_id, sent_id);
	buf_free(&subject);
	json_object_put(d);
	json_object_put(j);
	return rc == 0 ? API_OK : rc == -2 ? API_CONFLICT : API_EXTERNAL_SERVICE_ERROR;
}
