/* svc_queues.c -- the admin view of the job queues: counts, jobs, retry
 * of dead letters, removal, pause and resume. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "queue.h"
#include "request.h"
#include "response.h"
#include "svc.h"

static enum api_err
svc_queues_down(struct call *c)
{
	c->err_message = "The job queues are unavailable (Redis unreachable)";
	return API_SERVICE_UNAVAILABLE;
}

/* Sum the outcomes of q's last hour into o as lastHour. */
static int
svc_queues_hour(const char *q, struct json_object *o)
{
	static const char *const what[] = { "completed", "failed", "retried", "stalled" };
	struct json_object *mins, *h, *v;
	long long sum[4] = { 0, 0, 0, 0 };
	struct buf b;
	size_t i, j;

	buf_init(&b);
	if (queue_stats(q, 60, &b) != 0 || (mins = json_tokener_parse(b.data)) == NULL) {
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	for (i = 0; i < json_object_array_length(mins); i++)
		for (j = 0; j < 4; j++)
			if (json_object_object_get_ex(json_object_array_get_idx(mins, i),
			    what[j], &v))
				sum[j] += json_object_get_int64(v);
	json_object_put(mins);
	h = json_object_new_object();
	for (j = 0; j < 4; j++)
		json_object_object_add(h, what[j], json_object_new_int64(sum[j]));
	json_object_object_add(o, "lastHour", h);
	return 0;
}

struct json_object *
svc_queues_summary(bool hour)
{
	static const char *const states[5] = { "ready", "active", "delayed",
	    "completed", "failed" };
	struct json_object *a = json_object_new_array(), *q;
	long counts[5];
	int i, j, paused;

	for (i = 0; queue_names[i] != NULL; i++) {
		if (queue_counts(queue_names[i], counts) != 0 ||
		    (paused = queue_paused(queue_names[i])) < 0) {
			json_object_put(a);
			return NULL;
		}
		q = json_object_new_object();
		json_object_object_add(q, "name", json_object_new_string(queue_names[i]));
		for (j = 0; j < 5; j++)
			json_object_object_add(q, states[j], json_object_new_int64(counts[j]));
		json_object_object_add(q, "paused", json_object_new_boolean(paused));
		json_object_array_add(a, q);
		if (hour && svc_queues_hour(queue_names[i], q) != 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

enum api_err
svc_queues_list(struct call *c)
{
	struct json_object *o, *a = svc_queues_summary(false);

	if (a == NULL)
		return svc_queues_down(c);
	o = json_object_new_object();
	json_object_object_add(o, "queues", a);
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_queues_jobs(struct call *c)
{
	const char *const *f = c->req->field;
	long page = f[QJOBS_PAGE] ? atol(f[QJOBS_PAGE]) : 1;
	long limit = f[QJOBS_LIMIT] ? atol(f[QJOBS_LIMIT]) : 20, total = 0;
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "{\"jobs\":");
	if (queue_list(f[QJOBS_QUEUE], f[QJOBS_STATE] ? f[QJOBS_STATE] : "failed",
	    (page - 1) * limit, page * limit - 1, &b, &total) != 0) {
		buf_free(&b);
		return svc_queues_down(c);
	}
	buf_printf(&b, ",\"pagination\":{\"page\":%ld,\"limit\":%ld,\"total\":%ld,"
	    "\"totalPages\":%ld}}", page, limit, total, (total + limit - 1) / limit);
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}

enum api_err
svc_queues_job(struct call *c)
{
	struct buf b;
	int rc;

	buf_init(&b);
	buf_adds(&b, "{\"job\":");
	if ((rc = queue_get(c->req->field[QJOB_QUEUE], c->req->field[QJOB_ID],
	    &b)) <= 0) {
		buf_free(&b);
		if (rc < 0)
			return svc_queues_down(c);
		c->err_message = "Job not found";
		return API_NOT_FOUND;
	}
	buf_adds(&b, "}");
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}

static enum api_err
svc_queues_ok(struct call *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_queues_retry(struct call *c)
{
	int rc = queue_retry_dead(c->req->field[QJOB_QUEUE],
	    c->req->field[QJOB_ID]);

	if (rc < 0)
		return svc_queues_down(c);
	if (rc == 0) {
		c->err_message = "Only a dead-lettered job can be retried";
		return API_CONFLICT;
	}
	return svc_queues_ok(c);
}

enum api_err
svc_queues_remove(struct call *c)
{
	int rc = queue_remove(c->req->field[QJOB_QUEUE], c->req->field[QJOB_ID]);

	if (rc < 0)
		return svc_queues_down(c);
	if (rc == 0) {
		c->err_message = "Job not found";
		return API_NOT_FOUND;
	}
	if (rc == 2) {
		c->err_message = "A worker holds this job; try again when it is done";
		return API_CONFLICT;
	}
	return svc_queues_ok(c);
}

enum api_err
svc_queues_pause(struct call *c)
{
	return queue_pause(c->req->field[QUEUE_NAME], true) == 0 ? svc_queues_ok(c) :
	    svc_queues_down(c);
}

enum api_err
svc_queues_resume(struct call *c)
{
	return queue_pause(c->req->field[QUEUE_NAME], false) == 0 ? svc_queues_ok(c) :
	    svc_queues_down(c);
}

enum api_err
svc_queues_stats(struct call *c)
{
	const char *const *f = c->req->field;
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "{\"minutes\":");
	if (queue_stats(f[QSTATS_QUEUE], f[QSTATS_MINUTES] ?
	    atol(f[QSTATS_MINUTES]) : 60, &b) != 0) {
		buf_free(&b);
		return svc_queues_down(c);
	}
	buf_adds(&b, "}");
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}
