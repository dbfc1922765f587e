/* svc_emails.c -- the admin side of email: preview a booking's email,
 * send it again, read the inbox of provider events. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "mail.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"
#include "svc.h"

enum api_err
svc_emails_preview(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	struct buf html, text;
	const char *json = NULL;
	char err[256];
	enum api_err e;

	/* fields: type, format, bookingId */
	if ((e = repo_email_booking(f[2], conf->base_url, &res, &json)) != API_OK ||
	    json == NULL) {
		db_free(res);
		c->err_message = "Booking not found";
		return e != API_OK ? e : API_NOT_FOUND;
	}
	buf_init(&html);
	buf_init(&text);
	if (mail_render(f[0], json, &html, &text, err, sizeof err) != 0) {
		e = API_INTERNAL_ERROR;
	} else if (f[1] != NULL && strcmp(f[1], "text") == 0) {
		response_body(c->resp, 200, "text/plain; charset=utf-8", text.data, text.len);
	} else
		response_body(c->resp, 200, "text/html; charset=utf-8", html.data, html.len);
	buf_free(&html);
	buf_free(&text);
	db_free(res);
	return e;
}

enum api_err
svc_emails_resend(struct call *c)
{
	const char *const *f = c->req->field;
	struct json_object *o;
	char payload[160], dedupe[200];
	enum api_err e;

	/* fields: bookingId, emailType, reason */
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_resendable(f[0], f[1])) == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_CONFLICT)
		c->err_message = "A receipt needs a captured payment";
	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", f[0]);
	snprintf(dedupe, sizeof dedupe, "resend:%s:%s:%lld", f[1], f[0],
	    (long long)clock_wall_ms());
	if (e != API_OK || (e = repo_outbox_add("email", f[1], payload, dedupe)) != API_OK ||
	    (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "queued", json_object_new_string(f[1]));
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

	/* fields: page, search */
	e = repo_email_inbox(f[0] ? f[0] : "1", f[1], &res, &json);
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

	/* fields: name, email, phone, message */
	clock_iso8601(ts, sizeof ts);
	rng_hex(id, 16);
	json_object_object_add(vars, "name", json_object_new_string(f[0]));
	json_object_object_add(vars, "email", json_object_new_string(f[1]));
	if (f[2] != NULL)
		json_object_object_add(vars, "phone", json_object_new_string(f[2]));
	json_object_object_add(vars, "message", json_object_new_string(f[3]));
	json_object_object_add(vars, "messageLines", svc_emails_lines(f[3]));
	json_object_object_add(vars, "receivedAt", json_object_new_string(ts));
	snprintf(dedupe[0], sizeof dedupe[0], "contact:%s:notice", id);
	snprintf(dedupe[1], sizeof dedupe[1], "contact:%s:ack", id);
	/* Both emails or neither: one transaction, relayed by the worker. */
	if ((e = db_begin()) != API_OK ||
	    (e = svc_emails_queue("contact_notice", conf->contact_email, f[1], vars,
	    dedupe[0])) != API_OK ||
	    (e = svc_emails_queue("contact_acknowledgement", f[1], NULL, vars,
	    dedupe[1])) != API_OK || (e = db_commit()) != API_OK) {
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

	/* fields: bookingId, page, limit, status, type */
	if (f[0] != NULL) {
		e = repo_email_status_booking(f[0], &res, &json);
		return svc_answer(c, e, res, json, "Booking not found");
	}
	p[0] = f[1] ? f[1] : "1";
	p[1] = f[2] ? f[2] : "20";
	p[2] = f[3], p[3] = f[4];
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

	/* fields: action (retry_failed), emailType, maxRetries */
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_retry_failed(f[1], f[2] ? f[2] : "5", &count)) != API_OK ||
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

	/* fields: type, bookingId, recipientEmail */
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_email_resendable(f[1], f[0])) == API_NOT_FOUND)
		c->err_message = "Booking not found";
	else if (e == API_CONFLICT)
		c->err_message = "A receipt needs a captured payment";
	j = json_object_new_object();
	json_object_object_add(j, "bookingId", json_object_new_string(f[1]));
	json_object_object_add(j, "to", json_object_new_string(f[2]));
	json_object_object_add(j, "test", json_object_new_boolean(1));
	rng_hex(id, 16);
	snprintf(dedupe, sizeof dedupe, "test:%s", id);
	if (e == API_OK)
		e = repo_outbox_add("email", f[0], json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN), dedupe);
	json_object_put(j);
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		return e;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "queued", json_object_new_string(f[0]));
	json_object_object_add(o, "recipientEmail", json_object_new_string(f[2]));
	response_json(c->resp, 202, o);
	return API_OK;
}
