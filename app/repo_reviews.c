/* repo_reviews.c -- car reviews. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_review_list(const char *car, const char *page, const char *limit,
    int unapproved, struct db_res **res, const char **json)
{
	const char *p[4] = { car, page, limit, unapproved ? "t" : "f" };

	return repo_json("WITH r AS (SELECT r.*, cu.first_name, cu.last_name FROM car_reviews r"
	    " LEFT JOIN customers cu ON cu.id = r.customer_id"
	    " WHERE r.car_id = $1::uuid AND r.deleted_at IS NULL AND (r.is_approved OR $4::bool)),"
	    " t AS (SELECT count(*) AS n FROM r),"
	    " pg AS (SELECT * FROM r ORDER BY created_at DESC, id"
	    "  OFFSET ($2::int - 1) * $3::int LIMIT $3::int)"
	    "SELECT json_build_object('reviews', COALESCE((SELECT json_agg(json_build_object("
	    " 'id', id, 'carId', car_id, 'reviewerName', reviewer_name, 'rating', rating,"
	    " 'comment', comment, 'isVerified', is_verified, 'isApproved', is_approved,"
	    " 'createdAt', created_at, 'customerName', NULLIF(concat_ws(' ', first_name, last_name), ''))"
	    " ORDER BY created_at DESC, id) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $2::int, 'limit', $3::int, 'total', t.n,"
	    "  'totalPages', ceil(t.n::numeric / $3::int)::int))::text"
	    " FROM t WHERE EXISTS (SELECT 1 FROM cars c WHERE c.id = $1::uuid AND NOT c.hidden)",
	    4, p, res, json);
}

enum api_err
repo_review_context(const char *user_id, const char *car, const char *booking,
    char *customer, size_t clen, char *name, size_t nlen, char *status,
    size_t slen)
{
	const char *p[1] = { user_id };
	const char *q[3] = { NULL, car, booking };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT id, concat_ws(' ', first_name, last_name) FROM customers"
	    " WHERE user_id = $1::uuid", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1) {
		db_free(res);
		return API_FORBIDDEN;		/* no customer row */
	}
	snprintf(customer, clen, "%s", db_val(res, 0, 0));
	snprintf(name, nlen, "%s", db_val(res, 0, 1));
	db_free(res);
	q[0] = customer;
	e = db_query("SELECT overall_status FROM bookings WHERE customer_id = $1::uuid"
	    " AND car_id = $2::uuid AND id = $3::uuid", 3, q, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else
		snprintf(status, slen, "%s", db_val(res, 0, 0));
	db_free(res);
	return e;
}

enum api_err
repo_review_insert(const char *car, const char *customer, const char *booking,
    const char *name, const char *rating, const char *comment,
    struct db_res **res, const char **json)
{
	const char *p[6] = { car, customer, booking, name, rating, comment };
	enum api_err e;

	e = db_query("INSERT INTO car_reviews (car_id, customer_id, booking_id,"
	    " reviewer_name, rating, comment, is_verified, is_approved)"
	    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::int, $6, true, false)"
	    " RETURNING json_build_object('success', true,"
	    " 'message', 'Review submitted for approval', 'review', json_build_object("
	    " 'id', id, 'rating', rating, 'comment', comment, 'createdAt', created_at))::text",
	    6, p, res);
	if (e == API_OK)
		*json = db_val(*res, 0, 0);
	return e;
}
