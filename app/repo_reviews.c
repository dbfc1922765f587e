/* repo_reviews.c -- car reviews: the public list, a customer's review, and
 * moderation (approve, reject, respond, delete). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

/* A review's moderation status, of car_reviews r. */
#define REPO_REVIEW_STATUS \
	"CASE WHEN r.deleted_at IS NOT NULL THEN 'deleted' WHEN r.is_approved THEN 'approved'" \
	" WHEN r.rejected_at IS NOT NULL THEN 'rejected' ELSE 'pending' END"

/* The business's live response to review r (x: car_review_responses), or
 * NULL; public ones only when pub is "x.is_public". */
#define REPO_REVIEW_RESPONSE(pub) \
	"(SELECT json_build_object('text', x.response, 'respondedAt', x.created_at," \
	"  'updatedAt', x.updated_at) FROM car_review_responses x WHERE x.review_id = r.id" \
	"  AND x.responder_type = 'owner' AND x.deleted_at IS NULL AND " pub ")"

/* One review as moderators see it, of car_reviews r and cars c. */
#define REPO_REVIEW_ADMIN_DOC \
	"json_build_object('id', r.id, 'carId', r.car_id, 'carName', c.name," \
	" 'bookingId', r.booking_id, 'customerId', r.customer_id," \
	" 'reviewerName', r.reviewer_name, 'rating', r.rating, 'comment', r.comment," \
	" 'isVerified', r.is_verified, 'status', " REPO_REVIEW_STATUS "," \
	" 'isApproved', r.is_approved, 'approvedAt', r.approved_at, 'approvedBy', r.approved_by," \
	" 'rejectedAt', r.rejected_at, 'rejectedBy', r.rejected_by," \
	" 'rejectionReason', r.rejection_reason, 'deletedAt', r.deleted_at," \
	" 'deletedBy', r.deleted_by, 'createdAt', r.created_at, 'updatedAt', r.updated_at," \
	" 'response', " REPO_REVIEW_RESPONSE("true") ")"

enum api_err
repo_review_list(const char *car, const char *page, const char *limit,
    int unapproved, struct db_res **res, const char **json)
{
	const char *p[4] = { car, page, limit, unapproved ? "t" : "f" };

	/* Unapproved: pending and rejected ones, never deleted ones. */
	return repo_json("WITH r AS (SELECT r.*, cu.first_name, cu.last_name FROM car_reviews r"
	    " LEFT JOIN customers cu ON cu.id = r.customer_id"
	    " WHERE r.car_id = $1::uuid AND r.deleted_at IS NULL AND (r.is_approved OR $4::bool)),"
	    " t AS (SELECT count(*) AS n FROM r),"
	    " pg AS (SELECT * FROM r ORDER BY created_at DESC, id"
	    "  OFFSET ($2::int - 1) * $3::int LIMIT $3::int)"
	    "SELECT json_build_object('reviews', COALESCE((SELECT json_agg(json_build_object("
	    " 'id', r.id, 'carId', r.car_id, 'reviewerName', r.reviewer_name, 'rating', r.rating,"
	    " 'comment', r.comment, 'isVerified', r.is_verified, 'isApproved', r.is_approved,"
	    " 'createdAt', r.created_at,"
	    " 'customerName', NULLIF(concat_ws(' ', r.first_name, r.last_name), ''),"
	    " 'response', " REPO_REVIEW_RESPONSE("x.is_public") ")"
	    " ORDER BY r.created_at DESC, r.id) FROM pg r), '[]'),"
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

enum api_err
repo_review_admin_list(const char *status, const char *car, const char *page,
    const char *limit, struct db_res **res, const char **json)
{
	const char *p[4] = { status, car, page, limit };

	return repo_json("WITH f AS (SELECT r.id, r.created_at FROM car_reviews r"
	    "  WHERE ($2::uuid IS NULL OR r.car_id = $2::uuid)"
	    "  AND CASE WHEN $1::text IS NULL THEN r.deleted_at IS NULL"
	    "   ELSE " REPO_REVIEW_STATUS " = $1::text END),"
	    " t AS (SELECT count(*) AS n FROM f),"
	    " pg AS (SELECT id FROM f ORDER BY created_at DESC, id"
	    "  OFFSET ($3::int - 1) * $4::int LIMIT $4::int)"
	    "SELECT json_build_object('reviews', COALESCE((SELECT json_agg(" REPO_REVIEW_ADMIN_DOC
	    "  ORDER BY r.created_at DESC, r.id) FROM pg JOIN car_reviews r ON r.id = pg.id"
	    "  JOIN cars c ON c.id = r.car_id), '[]'),"
	    " 'pagination', json_build_object('page', $3::int, 'limit', $4::int, 'total', t.n,"
	    "  'totalPages', ceil(t.n::numeric / $4::int)::int))::text"
	    " FROM t WHERE $2::uuid IS NULL OR EXISTS (SELECT 1 FROM cars WHERE id = $2::uuid)",
	    4, p, res, json);
}

enum api_err
repo_review_admin_get(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	return repo_json("SELECT " REPO_REVIEW_ADMIN_DOC "::text FROM car_reviews r"
	    " JOIN cars c ON c.id = r.car_id WHERE r.id = $1::uuid", 1, p, res, json);
}

enum api_err
repo_review_lock(const char *id, struct review_state *st)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT " REPO_REVIEW_STATUS ", r.car_id, r.booking_id,"
	    " EXISTS (SELECT 1 FROM car_review_responses x WHERE x.review_id = r.id"
	    "  AND x.responder_type = 'owner' AND x.deleted_at IS NULL)"
	    " FROM car_reviews r WHERE r.id = $1::uuid FOR UPDATE", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else {
		snprintf(st->status, sizeof st->status, "%s", db_val(res, 0, 0));
		snprintf(st->car, sizeof st->car, "%s", db_val(res, 0, 1));
		snprintf(st->booking, sizeof st->booking, "%s",
		    db_val(res, 0, 2) ? db_val(res, 0, 2) : "");
		st->responded = strcmp(db_val(res, 0, 3), "t") == 0;
	}
	db_free(res);
	return e;
}

enum api_err
repo_review_set(const char *id, enum review_move move, const char *admin,
    const char *reason)
{
	const char *p[3] = { id, admin, reason };

	switch (move) {
	case REVIEW_APPROVE:
		return db_exec("UPDATE car_reviews SET is_approved = true, approved_at = now(),"
		    " approved_by = $2::uuid, rejected_at = NULL, rejected_by = NULL,"
		    " rejection_reason = NULL, updated_at = now() WHERE id = $1::uuid", 2, p);
	case REVIEW_REJECT:
		return db_exec("UPDATE car_reviews SET is_approved = false, approved_at = NULL,"
		    " approved_by = NULL, rejected_at = now(), rejected_by = $2::uuid,"
		    " rejection_reason = $3, updated_at = now() WHERE id = $1::uuid", 3, p);
	case REVIEW_DELETE:
		return db_exec("UPDATE car_reviews SET deleted_at = now(), deleted_by = $2::uuid,"
		    " updated_at = now() WHERE id = $1::uuid", 2, p);
	case REVIEW_RESPOND:
	case REVIEW_UNRESPOND:
		break;
	}
	return API_INTERNAL_ERROR;
}

enum api_err
repo_review_respond(const char *id, const char *admin, const char *text)
{
	const char *p[3] = { id, admin, text };

	return db_exec("INSERT INTO car_review_responses (review_id, responder_id,"
	    " responder_type, response, is_public) VALUES ($1::uuid, $2::uuid, 'owner', $3, true)"
	    " ON CONFLICT (review_id) WHERE responder_type = 'owner' AND deleted_at IS NULL"
	    " DO UPDATE SET response = EXCLUDED.response, responder_id = EXCLUDED.responder_id,"
	    " is_public = true, updated_at = now()", 3, p);
}

enum api_err
repo_review_unrespond(const char *id)
{
	const char *p[1] = { id };

	return db_exec("UPDATE car_review_responses SET deleted_at = now(), updated_at = now()"
	    " WHERE review_id = $1::uuid AND responder_type = 'owner' AND deleted_at IS NULL",
	    1, p);
}
