/* svc_reports.c -- CSV reports: an admin asks, the report worker builds,
 * the admin downloads. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

#define SVC_REPORTS_MAX_DAYS	(366 * 5)	/* a report spans at most 5 years */

/* Days from a to b (YYYY-MM-DD, already checked). */
static long
svc_reports_days(const char *a, const char *b)
{
	struct tm ta = { 0 }, tb = { 0 };

	sscanf(a, "%d-%d-%d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday);
	sscanf(b, "%d-%d-%d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday);
	ta.tm_year -= 1900, tb.tm_year -= 1900, ta.tm_mon--, tb.tm_mon--;
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

enum api_err
svc_reports_create(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	char payload[96], dedupe[96];
	struct json_object *id;
	enum api_err e;
	long span;

	if ((span = svc_reports_days(f[REPNEW_FROM], f[REPNEW_TO])) < 0 || span > SVC_REPORTS_MAX_DAYS) {
		c->err_message = "to must be on or after from, at most 5 years later";
		return API_VALIDATION_ERROR;
	}
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_report_create(f[REPNEW_KIND], f[REPNEW_FROM],
	    f[REPNEW_TO], c->req->user_id, &res, &json)) == API_OK) {
		id = json_tokener_parse(json);
		snprintf(payload, sizeof payload, "{\"reportId\":\"%s\"}",
		    json_object_get_string(json_object_object_get(id, "id")));
		snprintf(dedupe, sizeof dedupe, "report:%s",
		    json_object_get_string(json_object_object_get(id, "id")));
		json_object_put(id);
		e = repo_outbox_add("report", f[REPNEW_KIND], payload, dedupe);
	}
	if (e != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		db_free(res);
		return e;
	}
	response_raw_json(c->resp, 202, json, strlen(json));
	db_free(res);
	return API_OK;
}

enum api_err
svc_reports_list(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_report_list(&res, &json);

	return svc_answer(c, e, res, json, "No reports");
}

enum api_err
svc_reports_get(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_report_get(c->req->field[REPORT_ID], &res,
	    &json);

	return svc_answer(c, e, res, json, "Report not found");
}

enum api_err
svc_reports_download(struct call *c)
{
	const char *id = c->req->field[REPORT_ID], *status = NULL, *csv = NULL;
	struct db_res *res = NULL;
	enum api_err e;

	if ((e = repo_report_content(id, &res, &status, &csv)) == API_NOT_FOUND)
		c->err_message = "Report not found";
	else if (e == API_OK && (strcmp(status, "done") != 0 || csv == NULL)) {
		c->err_message = "The report is not ready; GET it to see its progress";
		e = API_CONFLICT;
	}
	if (e == API_OK) {
		response_header(c->resp, "Content-Disposition",
		    "attachment; filename=\"%s.csv\"", db_val(res, 0, 2));
		response_body(c->resp, 200, "text/csv; charset=utf-8", csv, strlen(csv));
	}
	db_free(res);
	return e;
}
