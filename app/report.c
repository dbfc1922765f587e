/* report.c -- CSV reports built by the worker. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "log.h"
#include "repo.h"
#include "report.h"

void
report_csv_field(struct buf *out, const char *field, bool first)
{
	const char *s;
	/* A spreadsheet reads a cell starting with one of these as a
	 * formula, a leading tab or CR included: prefix a quote. */
	bool formula = field[0] != '\0' && strchr("=+-@\t\r", field[0]) != NULL;

	if (!first)
		buf_adds(out, ",");
	if (strpbrk(field, ",\"\r\n") == NULL && !formula) {
		buf_adds(out, field);
		return;
	}
	buf_adds(out, "\"");
	if (formula)
		buf_adds(out, "'");
	for (s = field; *s != '\0'; s++) {
		if (*s == '"')
			buf_adds(out, "\"");
		buf_add(out, s, 1);
	}
	buf_adds(out, "\"");
}

/* Append the fields of a row: prefix, then res's row 0 columns from..n-1
 * (the caller ends the row). */
static void
report_row(struct buf *csv, const char *const *prefix, int np,
    const struct db_res *res, int from, int n)
{
	int i;

	for (i = 0; i < np; i++)
		report_csv_field(csv, prefix[i], i == 0);
	for (i = from; i < n; i++)
		report_csv_field(csv, db_val(res, 0, i) ? db_val(res, 0, i) : "",
		    np == 0 && i == from);
}

/* The job being processed (its progress is the report's). */
static const struct queue_job *report_current;

/* Set progress to done/total when it moved, on the report and on its
 * job; errors only cost the view. */
static void
report_progress(const char *id, long done, long total, int *last)
{
	int pc = total > 0 ? (int)(done * 99 / total) : 99;

	if (pc == *last)
		return;
	if (report_current != NULL)
		(void)queue_progress(report_current, pc, "rows");
	if (repo_report_progress(id, pc) == API_OK)
		*last = pc;
}

/* bookings_revenue: a row per month of [from, to]. */
static enum api_err
report_revenue(const char *id, const char *from, const char *to,
    struct buf *csv, long *rows)
{
	struct db_res *months = NULL, *r = NULL;
	enum api_err e;
	int i, last = -1;

	buf_adds(csv, "month,bookings,cancelled,rental_days,booked_value,captured,refunded\r\n");
	if ((e = repo_report_months(from, to, &months)) != API_OK)
		return e;
	for (i = 0; i < db_rows(months) && e == API_OK; i++) {
		if ((e = repo_report_month_row(db_val(months, i, 2), db_val(months, i, 1),
		    &r)) == API_OK) {
			report_row(csv, NULL, 0, r, 0, 7);
			buf_adds(csv, "\r\n");
		}
		db_free(r);
		r = NULL;
		(*rows)++;
		report_progress(id, i + 1, db_rows(months), &last);
	}
	db_free(months);
	return e;
}

/* fleet_utilisation: a row per car over [from, to]. */
static enum api_err
report_fleet(const char *id, const char *from, const char *to,
    struct buf *csv, long *rows)
{
	struct db_res *cars = NULL, *r = NULL;
	const char *prefix[3];
	char pct[32];
	enum api_err e;
	double days, booked;
	int i, last = -1;

	buf_adds(csv, "car_id,car,category,days,booked_days,utilisation_pct,bookings,booked_value\r\n");
	if ((e = repo_report_cars(&cars)) != API_OK)
		return e;
	for (i = 0; i < db_rows(cars) && e == API_OK; i++) {
		prefix[0] = db_val(cars, i, 0);
		prefix[1] = db_val(cars, i, 1);
		prefix[2] = db_val(cars, i, 2);
		if ((e = repo_report_car_row(prefix[0], from, to, &r)) == API_OK) {
			report_row(csv, prefix, 3, r, 0, 2);
			days = strtod(db_val(r, 0, 0), NULL);
			booked = strtod(db_val(r, 0, 1), NULL);
			snprintf(pct, sizeof pct, "%.1f", days > 0 ? booked * 100.0 / days : 0.0);
			report_csv_field(csv, pct, false);
			report_csv_field(csv, db_val(r, 0, 2), false);
			report_csv_field(csv, db_val(r, 0, 3), false);
			buf_adds(csv, "\r\n");
		}
		db_free(r);
		r = NULL;
		(*rows)++;
		report_progress(id, i + 1, db_rows(cars), &last);
	}
	db_free(cars);
	return e;
}

enum queue_outcome
report_job(const struct queue_job *job, char *err, size_t errlen)
{
	struct json_object *d = json_tokener_parse(job->data ? job->data : ""), *v;
	struct db_res *res = NULL;
	const char *id = NULL;
	struct buf csv;
	long rows = 0;
	enum api_err e;

	if (d != NULL && json_object_object_get_ex(d, "reportId", &v))
		id = json_object_get_string(v);
	if (id == NULL) {
		snprintf(err, errlen, "report job %s names no report", job->id);
		json_object_put(d);
		return QUEUE_FAIL;	/* an invalid payload stays invalid */
	}
	if ((e = repo_report_start(id, &res)) == API_NOT_FOUND) {
		LOG_WARN("report job %s: no such report, or it is finished", job->id);
		json_object_put(d);
		db_free(res);
		return QUEUE_DONE;	/* nothing to do, ever */
	}
	report_current = job;
	buf_init(&csv);
	if (e == API_OK)
		e = strcmp(db_val(res, 0, 0), "fleet_utilisation") == 0 ?
		    report_fleet(id, db_val(res, 0, 1), db_val(res, 0, 2), &csv, &rows) :
		    report_revenue(id, db_val(res, 0, 1), db_val(res, 0, 2), &csv, &rows);
	if (e == API_OK) {
		buf_adds(&csv, "");
		e = repo_report_finish(id, csv.data, rows, NULL);
	}
	if (e != API_OK) {
		/* A failed report says why, and the admin asks again; only
		 * when even that cannot be written is the job retried. */
		snprintf(err, errlen, "report %s: %s", id, apierr_code(e));
		if (repo_report_finish(id, NULL, 0, err) == API_OK)
			e = API_OK;
	} else
		LOG_INFO("report %s done: %ld rows, %zu bytes", id, rows, csv.len);
	report_current = NULL;
	buf_free(&csv);
	db_free(res);
	json_object_put(d);
	return e == API_OK ? QUEUE_DONE : QUEUE_RETRY;
}
