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
