/* svc_deadletters.c -- inbound webhook dead letters for admins: list them,
 * show one (credentials redacted), retry one or all, discard one with a
 * reason.
 *
 * A retry first claims its dead letter with a conditional UPDATE committed
 * before anything runs (dead_letter -> processing), so of two retries at
 * once one runs and the other is refused (409).  The event then goes
 * through svc_webhooks_process(), the path of a live delivery, whose claim
 * of the event id in webhook_processing_log applies it at most once even
 * against a redelivery racing the retry.  The signature is not checked
 * again: it was when the delivery arrived (and PayPal's 5-minute window is
 * long past).  A discarded dead letter is kept, with who, when and why,
 * and is never retried. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "redact.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

#define DEAD_RETRY_ALL_DEFAULT	100	/* dead letters one retry-all takes */

/* Why a dead letter in state cannot be retried or discarded. */
static const char *
svc_deadletters_why(const char *state)
{
	if (strcmp(state, "retrying") == 0)
		return "The dead letter is being retried";
	if (strcmp(state, "retried") == 0)
		return "The dead letter was retried already";
	if (strcmp(state, "discarded") == 0)
		return "The dead letter was discarded; it is not retried";
	return "The dead letter is not waiting";
}

/* The view of dead letter id into *out, its payload and headers redacted
 * (caller puts it); NOT_FOUND with c's message. */
static enum api_err
svc_deadletters_doc(struct call *c, const char *id, struct json_object **out)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	*out = NULL;
	e = repo_webhook_dead_get(id, &res, &json);
	if (e == API_OK && (*out = json_tokener_parse(json)) == NULL)
		e = API_INTERNAL_ERROR;
	db_free(res);
	if (e == API_NOT_FOUND)
		c->err_message = "Dead letter not found";
	if (e == API_OK) {
		(void)redact_json(json_object_object_get(*out, "payload"));
		(void)redact_json(json_object_object_get(*out, "headers"));
	}
	return e;
}

/* The audit state of view v: v without its payload and headers. */
static struct json_object *
svc_deadletters_audit_state(struct json_object *v)
{
	struct json_object *a = NULL;

	if (v == NULL || json_object_deep_copy(v, &a, NULL) != 0)
		return NULL;
	json_object_object_del(a, "payload");
	json_object_object_del(a, "headers");
	return a;
}

/* Answer 200 {success, [outcome,] deadLetter: v} (v taken), and describe
 * the write for the audit log (before taken). */
static void
svc_deadletters_answer(struct call *c, const char *id, const char *outcome,
    struct json_object *before, struct json_object *v)
{
	struct json_object *o = json_object_new_object();
	char target[80];

	snprintf(target, sizeof target, "webhook-dead-letter:%s", id);
	c->audit_target = arena_strdup(&c->req->arena, target);
	c->audit_before = svc_deadletters_audit_state(before);
	c->audit_after = svc_deadletters_audit_state(v);
	json_object_put(before);
	json_object_object_add(o, "success", json_object_new_boolean(1));
	if (outcome != NULL)
		json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_object_object_add(o, "deadLetter", v);
	response_json(c->resp, 200, o);
}

/* A claim or discard of id refused: 409 naming its state, or 404. */
static enum api_err
svc_deadletters_refused(struct call *c, const char *id)
{
	char state[32];
	enum api_err e;

	if ((e = repo_webhook_dead_state(id, state, sizeof state)) == API_NOT_FOUND)
		c->err_message = "Dead letter not found";
	if (e != API_OK)
		return e;
	c->err_message = arena_strdup(&c->req->arena, svc_deadletters_why(state));
	return API_CONFLICT;
}

/* Retry dead letter id for admin: claim it, apply its event as a delivery
 * is, record the outcome ("applied", "duplicate" or "failed" in
 * *outcome).  API_CONFLICT when it was not waiting. */
static enum api_err
svc_deadletters_run(struct call *c, const char *id, const char **outcome)
{
	struct db_res *res = NULL;
	char *type, *event, *payload;
	bool duplicate = false;
	enum api_err e, pe;

	if ((e = repo_webhook_dead_claim(id, c->req->user_id, &res)) != API_OK)
		return e;
	type = arena_strdup(&c->req->arena, db_val(res, 0, 0));
	event = arena_strdup(&c->req->arena, db_val(res, 0, 1));
	payload = arena_strdup(&c->req->arena, db_val(res, 0, 2));
	db_free(res);
	pe = svc_webhooks_process(type, event, payload, &duplicate);
	if (repo_webhook_dead_done(id, pe == API_OK, apierr_code(pe)) != API_OK)
		LOG_ERR("dead letter %s retried (%s) but its outcome was not "
		    "recorded; the retry job takes it up in 10 minutes", id,
		    apierr_code(pe));
	metrics_webhook_dead(type, pe == API_OK ? METRICS_DEAD_RETRIED :
	    METRICS_DEAD_RETRY_FAILED);
	if (pe != API_OK)
		LOG_WARN("%s event %s: the retry of dead letter %s failed: %s",
		    type, event, id, apierr_code(pe));
	*outcome = pe != API_OK ? "failed" : duplicate ? "duplicate" : "applied";
	return API_OK;
}

enum api_err
svc_deadletters_list(struct call *c)
{
	const char *const *f = c->req->field;
	const char *p[REPO_DEAD_NQ] = {
		f[DEAD_LIST_PAGE] ? f[DEAD_LIST_PAGE] : "1",
		f[DEAD_LIST_LIMIT] ? f[DEAD_LIST_LIMIT] : "20",
		f[DEAD_LIST_PROVIDER], f[DEAD_LIST_EVENT_TYPE],
		f[DEAD_LIST_STATE] ? f[DEAD_LIST_STATE] : "waiting",
	};
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_webhook_dead_list(p, &res, &json);
	return svc_answer(c, e, res, json, "Dead letters not found");
}

enum api_err
svc_deadletters_get(struct call *c)
{
	struct json_object *v, *o;
	enum api_err e;

	if ((e = svc_deadletters_doc(c, c->req->field[DEAD_ID], &v)) != API_OK)
		return e;
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "deadLetter", v);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_deadletters_retry(struct call *c)
{
	const char *id = c->req->field[DEAD_ID], *outcome = NULL;
	struct json_object *before, *after;
	enum api_err e;

	if ((e = svc_deadletters_doc(c, id, &before)) != API_OK)
		return e;
	e = svc_deadletters_run(c, id, &outcome);
	if (e == API_CONFLICT)
		e = svc_deadletters_refused(c, id);
	if (e == API_OK) {
		svc_webhooks_dead_gauge(0);
		e = svc_deadletters_doc(c, id, &after);
	}
	if (e != API_OK) {
		json_object_put(before);
		return e;
	}
	svc_deadletters_answer(c, id, outcome, before, after);
	return API_OK;
}

/* The waiting dead letters of provider and event type (NULL: any). */
static long
svc_deadletters_remaining(const char *provider, const char *event_type)
{
	struct db_res *res = NULL;
	long n = -1;

	if (repo_webhook_dead_waiting(provider, event_type, 1, &res) == API_OK)
		n = db_rows(res) > 0 ? atol(db_val(res, 0, 2)) : 0;
	db_free(res);
	return n;
}

/* Answer retry-all's counts: attempted, applied, duplicate, failed,
 * skipped (taken by another retry meanwhile), remaining. */
static void
svc_deadletters_counts(struct call *c, const long *n, long remaining)
{
	static const char *const names[] = { "attempted", "applied",
		"duplicate", "failed", "skipped" };
	struct json_object *o = json_object_new_object();
	size_t i;

	json_object_object_add(o, "success", json_object_new_boolean(1));
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_object_add(o, names[i], json_object_new_int64(n[i]));
	json_object_object_add(o, "remaining", json_object_new_int64(remaining));
	c->audit_after = json_object_get(o);
	response_json(c->resp, 200, o);
}

enum api_err
svc_deadletters_retry_all(struct call *c)
{
	const char *const *f = c->req->field;
	const char *outcome;
	struct db_res *res = NULL;
	long n[5] = { 0 }, limit = f[DEAD_ALL_LIMIT] ? atol(f[DEAD_ALL_LIMIT]) :
	    DEAD_RETRY_ALL_DEFAULT;
	char target[120];
	enum api_err e;
	int i;

	e = repo_webhook_dead_waiting(f[DEAD_ALL_PROVIDER], f[DEAD_ALL_EVENT_TYPE],
	    limit, &res);
	for (i = 0; e == API_OK && i < db_rows(res); i++) {
		n[0]++;
		e = svc_deadletters_run(c, db_val(res, i, 0), &outcome);
		if (e == API_CONFLICT) {
			n[4]++;		/* another retry took it */
			e = API_OK;
		} else if (e == API_OK)
			n[strcmp(outcome, "applied") == 0 ? 1 :
			    strcmp(outcome, "duplicate") == 0 ? 2 : 3]++;
	}
	db_free(res);
	if (n[0] > 0)
		svc_webhooks_dead_gauge(0);
	if (e != API_OK)
		return e;
	snprintf(target, sizeof target, "webhook-dead-letters:%s%s%s",
	    f[DEAD_ALL_PROVIDER] ? f[DEAD_ALL_PROVIDER] : "all",
	    f[DEAD_ALL_EVENT_TYPE] ? ":" : "",
	    f[DEAD_ALL_EVENT_TYPE] ? f[DEAD_ALL_EVENT_TYPE] : "");
	c->audit_target = arena_strdup(&c->req->arena, target);
	svc_deadletters_counts(c, n, svc_deadletters_remaining(f[DEAD_ALL_PROVIDER],
	    f[DEAD_ALL_EVENT_TYPE]));
	return API_OK;
}

enum api_err
svc_deadletters_discard(struct call *c)
{
	const char *id = c->req->field[DEAD_DISCARD_ID];
	struct json_object *before, *after;
	char provider[32];
	enum api_err e;

	if ((e = svc_deadletters_doc(c, id, &before)) != API_OK)
		return e;
	snprintf(provider, sizeof provider, "%s",
	    json_object_get_string(json_object_object_get(before, "provider")));
	e = repo_webhook_dead_discard(id, c->req->user_id,
	    c->req->field[DEAD_DISCARD_REASON]);
	if (e == API_CONFLICT)
		e = svc_deadletters_refused(c, id);
	if (e == API_OK) {
		metrics_webhook_dead(provider, METRICS_DEAD_DISCARDED);
		svc_webhooks_dead_gauge(0);
		e = svc_deadletters_doc(c, id, &after);
	}
	if (e != API_OK) {
		json_object_put(before);
		return e;
	}
	svc_deadletters_answer(c, id, NULL, before, after);
	return API_OK;
}
