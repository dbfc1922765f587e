/* repo_admin.c -- the back office: bookings and cars for admins. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_admin_booking_lock(const char *id, char *status, size_t slen, char *car,
    size_t clen, char *start, char *end)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("SELECT overall_status, car_id, start_date::text, end_date::text"
	    " FROM bookings WHERE id = $1::uuid FOR UPDATE", 1, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) != 1)
		e = API_NOT_FOUND;
	else {
		snprintf(status, slen, "%s", db_val(res, 0, 0));
		snprintf(car, clen, "%s", db_val(res, 0, 1));
		snprintf(start, 11, "%s", db_val(res, 0, 2));
		snprintf(end, 11, "%s", db_val(res, 0, 3));
	}
	db_free(res);
	return e;
}

enum api_err
repo_admin_booking_status(const char *id, const char *to)
{
	const char *p[2] = { id, to };

	return db_exec("UPDATE bookings SET overall_status = $2::booking_overall_status"
	    " WHERE id = $1::uuid", 2, p);
}

enum api_err
repo_admin_booking_book_days(const char *id, const char *car, const char *start,
    const char *end)
{
	const char *p[4] = { id, car, start, end };

	return db_exec("INSERT INTO car_availability (car_id, date, status, booking_id)"
	    " SELECT $2::uuid, d::date, 'booked', $1::uuid"
	    " FROM generate_series($3::date, $4::date, interval '1 day') d"
	    " ON CONFLICT (car_id, date) DO UPDATE SET status = 'booked',"
	    " booking_id = EXCLUDED.booking_id"
	    " WHERE car_availability.booking_id = $1::uuid OR car_availability.status = 'available'",
	    4, p);
}

enum api_err
repo_admin_booking_release_after_today(const char *id)
{
	const char *p[1] = { id };

	return db_exec("UPDATE car_availability SET status = 'available', booking_id = NULL"
	    " WHERE booking_id = $1::uuid AND date > current_date", 1, p);
}

enum api_err
repo_admin_booking_dispute(const char *id, const char *reason)
{
	const char *p[2] = { id, reason };

	return db_exec("INSERT INTO disputes (booking_id, reason) VALUES ($1::uuid, $2)"
	    " ON CONFLICT (booking_id) DO NOTHING", 2, p);
}

/* Parameters: 1 status group, 2 search, 3 startDate, 4 endDate, 5 page,
 * 6 limit, 7 sortBy, 8 sortOrder. */
enum api_err
repo_admin_booking_list(const char *const *p, struct db_res **res,
    const char **json)
{
	enum api_err e;

	e = db_query(
	    "WITH f AS (SELECT b.*, c.name AS car_name, c.slug AS car_slug,"
	    "  (SELECT i.url FROM car_images i WHERE i.car_id = c.id ORDER BY i.is_primary DESC,"
	    "   i.sort_order LIMIT 1) AS car_image, pr.base_price,"
	    "  cu.first_name, cu.last_name, cu.email, cu.phone"
	    " FROM bookings b JOIN cars c ON c.id = b.car_id JOIN customers cu ON cu.id = b.customer_id"
	    " LEFT JOIN car_pricing pr ON pr.car_id = c.id"
	    " WHERE ($1 = 'all'"
	    "   OR ($1 = 'upcoming' AND b.overall_status IN ('upcoming', 'pending_contract'))"
	    "   OR ($1 = 'completed' AND b.overall_status IN ('completed', 'post_rental_finalization'))"
	    "   OR ($1 = 'pending_payment' AND b.overall_status IN ('pending_payment', 'pending_customer_action'))"
	    "   OR ($1 IN ('active', 'cancelled') AND b.overall_status::text = $1))"
	    "  AND ($2::text IS NULL OR b.id::text = $2 OR cu.email ILIKE '%' || $2 || '%'"
	    "   OR concat_ws(' ', cu.first_name, cu.last_name) ILIKE '%' || $2 || '%'"
	    "   OR c.name ILIKE '%' || $2 || '%')"
	    "  AND ($3::date IS NULL OR b.start_date >= $3::date)"
	    "  AND ($4::date IS NULL OR b.end_date <= $4::date)),"
	    " t AS (SELECT count(*) AS n FROM f),"
	    " o AS (SELECT f.*, row_number() OVER (ORDER BY"
	    "  CASE WHEN $8 = 'asc' THEN CASE $7 WHEN 'start_date' THEN start_date::text"
	    "   WHEN 'end_date' THEN end_date::text WHEN 'total_price' THEN lpad(total_price::text, 14, '0')"
	    "   ELSE created_at::text END END ASC,"
	    "  CASE WHEN $8 = 'desc' THEN CASE $7 WHEN 'start_date' THEN start_date::text"
	    "   WHEN 'end_date' THEN end_date::text WHEN 'total_price' THEN lpad(total_price::text, 14, '0')"
	    "   ELSE created_at::text END END DESC, id) AS rn FROM f),"
	    " pg AS (SELECT * FROM o WHERE rn > ($5::int - 1) * $6::int AND rn <= $5::int * $6::int)"
	    "SELECT json_build_object('bookings', COALESCE((SELECT json_agg(json_build_object("
	    " 'id', id, 'carId', car_id, 'car', json_build_object('id', car_id, 'name', car_name,"
	    "  'slug', car_slug, 'pricePerDay', base_price, 'mainImageUrl', car_image),"
	    " 'customer', json_build_object('id', customer_id, 'fullName', concat_ws(' ', first_name, last_name),"
	    "  'email', email, 'phone', phone),"
	    " 'startDate', start_date, 'endDate', end_date, 'totalPrice', total_price, 'currency', currency,"
	    " 'overallStatus', overall_status, 'paymentStatus', payment_status,"
	    " 'contractStatus', contract_status, 'createdAt', created_at, 'updatedAt', updated_at,"
	    " 'bookingDays', end_date - start_date, 'securityDepositAmount', security_deposit_amount,"
	    " 'notes', notes,"
	    " 'payments', COALESCE((SELECT json_agg(json_build_object('id', py.id, 'amount', py.amount,"
	    "   'status', py.status, 'capturedAt', py.captured_at)) FROM payments py WHERE py.booking_id = pg.id), '[]'),"
	    " 'recentEvents', COALESCE((SELECT json_agg(x) FROM (SELECT json_build_object('type', ev.event_type,"
	    "   'timestamp', ev.timestamp, 'summary', ev.summary_text) AS x FROM booking_events ev"
	    "   WHERE ev.booking_id = pg.id ORDER BY ev.timestamp DESC LIMIT 3) r), '[]'))"
	    " ORDER BY rn) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $5::int, 'limit', $6::int, 'total', t.n,"
	    "  'totalPages', ceil(t.n::numeric / $6::int)::int))::text FROM t", 8, p, res);
	if (e == API_OK)
		*json = db_val(*res, 0, 0);
	return e;
}

enum api_err
repo_admin_booking_detail(const char *id, const char *base_url,
    struct db_res **res, const char **json)
{
	const char *p[2] = { id, base_url };
	enum api_err e;

	e = db_query("SELECT json_build_object('booking', to_jsonb(b) - 'idempotency_key',"
	    " 'customer', (SELECT to_jsonb(cu) FROM customers cu WHERE cu.id = b.customer_id),"
	    " 'car', (SELECT json_build_object('id', c.id, 'name', c.name, 'slug', c.slug)"
	    "   FROM cars c WHERE c.id = b.car_id),"
	    " 'payments', COALESCE((SELECT json_agg(to_jsonb(py) ORDER BY py.created_at)"
	    "   FROM payments py WHERE py.booking_id = b.id), '[]'),"
	    " 'timeline', COALESCE((SELECT json_agg(to_jsonb(ev) ORDER BY ev.timestamp DESC)"
	    "   FROM booking_events ev WHERE ev.booking_id = b.id), '[]'),"
	    " 'media', COALESCE((SELECT json_agg(to_jsonb(m)) FROM booking_media m WHERE m.booking_id = b.id), '[]'),"
	    " 'dispute', (SELECT to_jsonb(d) FROM disputes d WHERE d.booking_id = b.id),"
	    " 'bookingUrl', (SELECT $2 || '/booking/' || t.token FROM booking_secure_tokens t"
	    "   WHERE t.id = b.secure_token_id))::text FROM bookings b WHERE b.id = $1::uuid",
	    2, p, res);
	if (e != API_OK)
		return e;
	if (db_rows(*res) != 1)
		return API_NOT_FOUND;
	*json = db_val(*res, 0, 0);
	return API_OK;
}

enum api_err
repo_admin_car_list(const char *page, const char *limit, struct db_res **res,
    const char **json)
{
	const char *p[2] = { page, limit };
	enum api_err e;

	e = db_query("WITH t AS (SELECT count(*) AS n FROM cars),"
	    " pg AS (SELECT c.*, pr.base_price, (SELECT i.url FROM car_images i WHERE i.car_id = c.id"
	    "  ORDER BY i.is_primary DESC, i.sort_order LIMIT 1) AS image FROM cars c"
	    "  LEFT JOIN car_pricing pr ON pr.car_id = c.id ORDER BY c.created_at DESC, c.id"
	    "  OFFSET ($1::int - 1) * $2::int LIMIT $2::int)"
	    "SELECT json_build_object('success', true, 'cars', COALESCE((SELECT json_agg("
	    " json_build_object('id', id, 'slug', slug, 'name', name, 'category', category,"
	    " 'available', available, 'featured', featured, 'hidden', hidden,"
	    " 'created_at', created_at, 'primary_image_url', image, 'price_per_day', base_price)"
	    " ORDER BY created_at DESC, id) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', $2::int, 'total', t.n,"
	    "  'totalPages', ceil(t.n::numeric / $2::int)::int))::text FROM t", 2, p, res);
	if (e == API_OK)
		*json = db_val(*res, 0, 0);
	return e;
}
