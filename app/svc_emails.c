/* svc_emails.c -- the admin side of email: preview a booking's email
 * (or a template with mock data), send it again, read the inbox of
 * provider events; and the contact form. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"
#include "svc.h"
#include "template.h"

/* Answer the email kind composed from d: its HTML (or text when format
 * is "text"), its subject in X-Email-Subject. */
static enum api_err
svc_emails_render(struct call *c, const char *kind, const char *format,
    struct json_object *d)
{
	struct buf subject, html, text;
	char err[256], *p;
	enum api_err e = API_OK;

	buf_init(&subject), buf_init(&html), buf_init(&text);
	if (mail_compose(kind, d, &subject, &html, &text, err, sizeof err) != 0) {
		LOG_ERR("preview of %s: %s", kind, err);
		e = API_INTERNAL_ERROR;
	} else {
		for (p = subject.data; p != NULL && *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';	/* one header line */
		response_header(c->resp, "X-Email-Subject", "%s",
		    subject.data ? subject.data : "");
		if (format != NULL && strcmp(format, "text") == 0)
			response_body(c->resp, 200, "text/plain; charset=utf-8",
			    text.data, text.len);
		else
			response_body(c->resp, 200, "text/html; charset=utf-8",
			    html.data, html.len);
	}
	buf_free(&subject), buf_free(&html), buf_free(&text);
	return e;
}

enum api_err
svc_emails_preview(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *d = NULL;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	if ((e = repo_email_booking(f[EMAIL_PREVIEW_BOOKING], conf->base_url,
	    conf->booking_hold_minutes, &res, &json)) != API_OK || json == NULL ||
	    (d = json_tokener_parse(json)) == NULL) {
		db_free(res);
		c->err_message = "Booking not found";
		return e != API_OK ? e : API_NOT_FOUND;
	}
	db_free(res);
	e = svc_emails_render(c, f[EMAIL_PREVIEW_TYPE], f[EMAIL_PREVIEW_FORMAT], d);
	json_object_put(d);
	return e;
}

/* True if v may be a template variable: text, a number, true/false, null,
 * or (depth 0) a list of those or of objects of those. */
static bool
svc_emails_var_ok(struct json_object *v, int depth)
{
	size_t i;

	switch (json_object_get_type(v)) {
	case json_type_null:
	case json_type_boolean:
	case json_type_double:
	case json_type_int:
	case json_type_string:
		return true;
	case json_type_array:
		if (depth > 0)
			return false;
		for (i = 0; i < json_object_array_length(v); i++)
			if (!svc_emails_var_ok(json_object_array_get_idx(v, i), 1))
				return false;
		return true;
	case json_type_object:
		if (depth != 1)
			return false;
		{
			json_object_object_foreach(v, k, m) {
				(void)k;
				if (!svc_emails_var_ok(m, 2) ||
				    json_object_is_type(m, json_type_array))
					return false;
			}
		}
		return true;
	}
	return false;
}

enum api_err
svc_emails_preview_mock(struct call *c)
{
	const char *const *f = c->req->field;
	const char *kind = f[EMAIL_MOCK_TEMPLATE];
	struct json_object *d, *data = NULL;
	char name[160];
	enum api_err e;

	if (f[EMAIL_MOCK_DATA] != NULL)
		(void)json_object_object_get_ex(c->req->json, "data", &data);
	if (data != NULL) {
		json_object_object_foreach(data, k, v) {
			if (!svc_emails_var_ok(v, 0)) {
				snprintf(name, sizeof name, "data.%.140s", k);
				request_field_error(&c->err_details, name, "Must be text, "
				    "a number, true/false, or a list of those or of objects of those");
			}
		}
		if (c->err_details != NULL)
			return API_VALIDATION_ERROR;
	}
	if ((d = template_mock(kind)) == NULL)
		return API_INTERNAL_ERROR;
	if (data != NULL) {
		json_object_object_foreach(data, k, v) {
			if (v == NULL)
				json_object_object_del(d, k);
			else
				json_object_object_add(d, k, json_object_get(v));
		}
	}
	e = svc_emails_render(c, kind, f[EMAIL_MOCK_FORMAT], d);
	json_object_put(d);
	return e;
}

enum api_err
svc_emails_resend(struct call *c)
{
	const char *const *f = c->req->field;
	const char *booking = f[EMAIL_RESEND_BOOKING], *kind = f[EMAIL_RESEND_TYPE];
	struct json_object *o;
	char payload[160], dedupe[200];
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_resendable(booking, kind)) == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_CONFLICT)
		c->err_message = "A receipt needs a captured payment";
	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", booking);
	snprintf(dedupe, sizeof dedupe, "resend:%s:%s:%lld", kind, booking,
	    (long long)clock_wall_ms());
	if (e != API_OK || (e = repo_outbox_add("email", kind, payload, dedupe)) != API_OK ||
	    (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "queued", json_object_new_string(kind));
	response_json(c->resp, 202, o);
	return API_OK;
}

enum api_err
svc_emails_inbox(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_email_inbox(f[EMAIL_INBOX_PAGE] ? f[EMAIL_INBOX_PAGE] : "1",
	    f[EMAIL_INBOX_SEARCH], &res, &json);
	return svc_answer(c, e, res, json, "No inbox");
}

/* The lines of text as a JSON array (the templates end each with <br>,
 * after escaping it). */
static struct json_object *
svc_emails_lines(const char *text)
{
	struct json_object *a = json_object_new_array();
	const char *nl;

	for (;;) {
		nl = strchr(text, '\n');
		json_object_array_add(a, json_object_new_string_len(text,
		    (int)(nl ? (size_t)(nl - text) - (nl > text && nl[-1] == '\r') :
		    strlen(text))));
		if (nl == NULL)
			return a;
		text = nl + 1;
	}
}

/* Queue email job kind to to (reply_to may be NULL) with vars. */
static enum api_err
svc_emails_queue(const char *kind, const char *to, const char *reply_to,
    struct json_object *vars, const char *dedupe)
{
	struct json_object *j = json_object_new_object();
	enum api_err e;

	json_object_object_add(j, "to", json_object_new_string(to));
	if (reply_to != NULL)
		json_object_object_add(j, "replyTo", json_object_new_string(reply_to));
	json_object_object_add(j, "vars", json_object_get(vars));
	e = repo_outbox_add("email", kind, json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN), dedupe);
	json_object_put(j);
	return e;
}

enum api_err
svc_emails_contact(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *vars = json_object_new_object(), *o;
	char ts[40], id[33], dedupe[2][64];
	enum api_err e;

	clock_iso8601(ts, sizeof ts);
	rng_hex(id, 16);
	json_object_object_add(vars, "name", json_object_new_string(f[EMAIL_CONTACT_NAME]));
	json_object_object_add(vars, "email", json_object_new_string(f[EMAIL_CONTACT_EMAIL]));
	if (f[EMAIL_CONTACT_PHONE] != NULL)
		json_object_object_add(vars, "phone",
		    json_object_new_string(f[EMAIL_CONTACT_PHONE]));
	json_object_object_add(vars, "message",
	    json_object_new_string(f[EMAIL_CONTACT_MESSAGE]));
	json_object_object_add(vars, "messageLines",
	    svc_emails_lines(f[EMAIL_CONTACT_MESSAGE]));
	json_object_object_add(vars, "receivedAt", json_object_new_string(ts));
	snprintf(dedupe[0], sizeof dedupe[0], "contact:%s:notice", id);
	snprintf(dedupe[1], sizeof dedupe[1], "contact:%s:ack", id);
	/* Both emails or neither: one transaction, relayed by the worker. */
	if ((e = db_begin()) != API_OK ||
	    (e = svc_emails_queue("contact_notice", conf->contact_email,
	    f[EMAIL_CONTACT_EMAIL], vars, dedupe[0])) != API_OK ||
	    (e = svc_emails_queue("contact_acknowledgement", f[EMAIL_CONTACT_EMAIL],
	    NULL, vars, dedupe[1])) != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		json_object_put(vars);
		return e;
	}
	json_object_put(vars);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "message", json_object_new_string(
	    "Thank you: your message is on its way, and a copy to you."));
	response_json(c->resp, 202, o);
	return API_OK;
}

enum api_err
svc_emails_status(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[4], *json = NULL;
	struct db_res *res = NULL;
	enum api_err e;

	if (f[EMAIL_STATUS_BOOKING] != NULL) {
		e = repo_email_status_booking(f[EMAIL_STATUS_BOOKING], &res, &json);
		return svc_answer(c, e, res, json, "Booking not found");
	}
	p[0] = f[EMAIL_STATUS_PAGE] ? f[EMAIL_STATUS_PAGE] : "1";
	p[1] = f[EMAIL_STATUS_LIMIT] ? f[EMAIL_STATUS_LIMIT] : "20";
	p[2] = f[EMAIL_STATUS_STATUS], p[3] = f[EMAIL_STATUS_TYPE];
	e = repo_email_status_list(p, &res, &json);
	return svc_answer(c, e, res, json, "No emails");
}

enum api_err
svc_emails_retry_failed(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;
	long count = 0;
	enum api_err e;

	/* action is retry_failed, the only one */
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_retry_failed(f[EMAIL_RETRY_TYPE],
	    f[EMAIL_RETRY_MAX] ? f[EMAIL_RETRY_MAX] : "5", &count)) != API_OK ||
	    (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "queued", json_object_new_int64(count));
	response_json(c->resp, 202, o);
	return API_OK;
}

enum api_err
svc_emails_send_test(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *j, *o;
	char dedupe[96], id[33];
	enum api_err e;

	const char *kind = f[EMAIL_TEST_TYPE], *booking = f[EMAIL_TEST_BOOKING];
	const char *to = f[EMAIL_TEST_RECIPIENT];

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_resendable(booking, kind)) == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_CONFLICT)
		c->err_message = "A receipt needs a captured payment";
	j = json_object_new_object();
	json_object_object_add(j, "bookingId", json_object_new_string(booking));
	json_object_object_add(j, "to", json_object_new_string(to));
	json_object_object_add(j, "test", json_object_new_boolean(1));
	rng_hex(id, 16);
	snprintf(dedupe, sizeof dedupe, "test:%s", id);
	if (e == API_OK)
		e = repo_outbox_add("email", kind, json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN), dedupe);
	json_object_put(j);
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "queued", json_object_new_string(kind));
	json_object_object_add(o, "recipientEmail", json_object_new_string(to));
	response_json(c->resp, 202, o);
	return API_OK;
}
