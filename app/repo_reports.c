/* repo_reports.c -- CSV reports: the request, its progress, its rows. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

/* The columns of a report as the admin API shows it. */
#define REPO_REPORT_JSON \
	"json_build_object('id', id, 'kind', kind, 'from', date_from, 'to', date_to," \
	" 'status', status, 'progress', progress, 'rowCount', row_count," \
	" 'bytes', octet_length(content), 'error', error, 'createdAt', created_at," \
	" 'startedAt', started_at, 'finishedAt', finished_at," \
	" 'downloadUrl', CASE WHEN status = 'done' THEN '/api/admin/reports/' || id || '/download' END)"

enum api_err
repo_report_create(const char *kind, const char *from, const char *to,
    const char *user, struct db_res **res, const char **json)
{
	const char *p[4] = { kind, from, to, user };

	return repo_json("INSERT INTO reports (kind, date_from, date_to, requested_by)"
	    " VALUES ($1, $2::date, $3::date, $4::uuid) RETURNING " REPO_REPORT_JSON "::text",
	    4, p, res, json);
}

enum api_err
repo_report_get(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	return repo_json("SELECT " REPO_REPORT_JSON "::text FROM reports WHERE id = $1::uuid",
	    1, p, res, json);
}

enum api_err
repo_report_list(struct db_res **res, const char **json)
{
	return repo_json("SELECT json_build_object('reports', coalesce(json_agg(r), '[]'))::text"
	    " FROM (SELECT " REPO_REPORT_JSON " AS r FROM reports"
	    "  ORDER BY created_at DESC LIMIT 50) x", 0, NULL, res, json);
}

enum api_err
repo_report_content(const char *id, struct db_res **res, const char **status,
    const char **csv)
{
	const char *p[1] = { id };
	enum api_err e;

	e = db_query("SELECT status, content, kind || '-' || date_from || '-' || date_to"
	    " FROM reports WHERE id = $1::uuid", 1, p, res);
	if (e != API_OK)
		return e;
	if (db_rows(*res) != 1)
		return API_NOT_FOUND;
	*status = db_val(*res, 0, 0);
	*csv = db_val(*res, 0, 1);
	return API_OK;
}

enum api_err
repo_report_start(const char *id, struct db_res **res)
{
	const char *p[1] = { id };
	enum api_err e;

	/* Running again after a crash starts over. */
	e = db_query("UPDATE reports SET status = 'running', progress = 0, started_at = now(),"
	    " error = NULL WHERE id = $1::uuid AND status IN ('queued', 'running')"
	    " RETURNING kind, date_from::text, date_to::text", 1, p, res);
	if (e == API_OK && db_rows(*res) != 1)
		return API_NOT_FOUND;
	return e;
}

enum api_err
repo_report_progress(const char *id, int percent)
{
	char pc[16];
	const char *p[2] = { id, pc };

	snprintf(pc, sizeof pc, "%d", percent);
	/* Only while running: a second run of the job (a lease that ran
	 * out) does not move a finished report's progress back. */
	return db_exec("UPDATE reports SET progress = $2::int WHERE id = $1::uuid"
	    " AND status = 'running'", 2, p);
}

enum api_err
repo_report_finish(const char *id, const char *csv, long rows, const char *error)
{
	char n[24];
	const char *p[4] = { id, csv, n, error };

	snprintf(n, sizeof n, "%ld", rows);
	return db_exec("UPDATE reports SET status = CASE WHEN $4::text IS NULL THEN 'done'"
	    " ELSE 'failed' END, progress = CASE WHEN $4::text IS NULL THEN 100 ELSE progress END,"
	    " content = $2, row_count = CASE WHEN $4::text IS NULL THEN $3::int END,"
	    " error = $4, finished_at = now() WHERE id = $1::uuid AND status = 'running'", 4, p);
}

enum api_err
repo_report_months(const char *from, const char *to, struct db_res **res)
{
	const char *p[2] = { from, to };

	return db_query("SELECT m::date::text, LEAST((m + interval '1 month')::date,"
	    " $2::date + 1)::text, GREATEST(m::date, $1::date)::text"
	    " FROM generate_series(date_trunc('month', $1::date), $2::date,"
	    " interval '1 month') m", 2, p, res);
}

enum api_err
repo_report_month_row(const char *start, const char *end, struct db_res **res)
{
	const char *p[2] = { start, end };

	/* One month [start, end): bookings picked up in it, rental days that
	 * fall in it, money captured and refunded in it. */
	return db_query("SELECT to_char($1::date, 'YYYY-MM'),"
	    " (SELECT count(*) FROM bookings WHERE start_date >= $1::date AND start_date < $2::date"
	    "  AND overall_status <> 'cancelled'),"
	    " (SELECT count(*) FROM bookings WHERE start_date >= $1::date AND start_date < $2::date"
	    "  AND overall_status = 'cancelled'),"
	    " (SELECT coalesce(sum(LEAST(end_date, $2::date - 1) - GREATEST(start_date, $1::date) + 1), 0)"
	    "  FROM bookings WHERE overall_status <> 'cancelled' AND start_date < $2::date"
	    "  AND end_date >= $1::date),"
	    " (SELECT coalesce(sum(total_price), 0) FROM bookings WHERE start_date >= $1::date"
	    "  AND start_date < $2::date AND overall_status <> 'cancelled'),"
	    " (SELECT coalesce(sum(coalesce(captured_amount, amount)), 0) FROM payments"
	    "  WHERE status IN ('captured', 'refunded') AND captured_at >= $1::date"
	    "  AND captured_at < $2::date),"
	    " (SELECT coalesce(sum(coalesce(captured_amount, amount)), 0) FROM payments"
	    "  WHERE status = 'refunded' AND updated_at >= $1::date AND updated_at < $2::date)",
	    2, p, res);
}

enum api_err
repo_report_cars(struct db_res **res)
{
	return db_query("SELECT id, name, category FROM cars ORDER BY name, id", 0, NULL, res);
}

enum api_err
repo_report_car_row(const char *car, const char *from, const char *to,
    struct db_res **res)
{
	const char *p[3] = { car, from, to };

	/* Days of [from, to] the car was booked (cancelled bookings aside). */
	return db_query("SELECT $3::date - $2::date + 1,"
	    " coalesce(sum(LEAST(end_date, $3::date) - GREATEST(start_date, $2::date) + 1), 0),"
	    " count(*), coalesce(sum(total_price), 0)"
	    " FROM bookings WHERE car_id = $1::uuid AND overall_status <> 'cancelled'"
	    " AND start_date <= $3::date AND end_date >= $2::date", 3, p, res);
}
