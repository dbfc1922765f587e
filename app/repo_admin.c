/* repo_admin.c -- the back office: bookings and cars for admins. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
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
	return repo_json(
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
	    "  'totalPages', ceil(t.n::numeric / $6::int)::int))::text FROM t", 8, p, res, json);
}

enum api_err
repo_admin_booking_detail(const char *id, const char *base_url,
    struct db_res **res, const char **json)
{
	const char *p[2] = { id, base_url };

	return repo_json("SELECT json_build_object('booking', to_jsonb(b) - 'idempotency_key',"
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
	    2, p, res, json);
}

enum api_err
repo_admin_car_list(const char *page, const char *limit, struct db_res **res,
    const char **json)
{
	const char *p[2] = { page, limit };

	return repo_json("WITH t AS (SELECT count(*) AS n FROM cars),"
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
	    "  'totalPages', ceil(t.n::numeric / $2::int)::int))::text FROM t", 2, p, res, json);
}

/* p: the car fields in svc_fleet.c's order; car NULL creates. */
enum api_err
repo_fleet_save(const char *car_id, const struct repo_car_in *in,
    const char *slug, char *id, size_t idlen)
{
	const char *car[9], *price[7], *kids[4];
	struct db_res *res;
	enum api_err e;

	car[0] = car_id;	/* $1 */
	car[1] = in->name;
	car[2] = in->category;
	car[3] = in->description;
	car[4] = in->short_description;
	car[5] = in->available;
	car[6] = in->featured;
	car[7] = in->hidden;
	car[8] = slug;		/* $9 */
	price[0] = NULL;	/* $1: the car's id, below */
	price[1] = in->base_price;
	price[2] = in->currency;
	price[3] = in->deposit;
	price[4] = in->discount;
	price[5] = in->minimum_days;
	price[6] = in->offer;	/* $7 */
	kids[0] = NULL;		/* $1: the car's id */
	kids[1] = in->images;
	kids[2] = in->features;
	kids[3] = in->specifications;

	if ((e = db_begin()) != API_OK)
		return e;
	e = db_query(
	    "WITH up AS (UPDATE cars SET slug = $9, name = $2, category = $3,"
	    "  description = COALESCE($4, ''), short_description = $5,"
	    "  available = COALESCE($6::bool, true), featured = COALESCE($7::bool, false),"
	    "  hidden = COALESCE($8::bool, false) WHERE $1::uuid IS NOT NULL AND id = $1::uuid RETURNING id),"
	    " ins AS (INSERT INTO cars (slug, name, category, description, short_description,"
	    "  available, featured, hidden) SELECT $9, $2, $3, COALESCE($4, ''), $5,"
	    "  COALESCE($6::bool, true), COALESCE($7::bool, false), COALESCE($8::bool, false)"
	    "  WHERE $1::uuid IS NULL RETURNING id)"
	    "SELECT id FROM up UNION ALL SELECT id FROM ins", 9, car, &res);
	if (e != API_OK)
		goto fail;
	if (db_rows(res) != 1) {
		db_free(res);
		e = API_NOT_FOUND;
		goto fail;
	}
	snprintf(id, idlen, "%s", db_val(res, 0, 0));
	db_free(res);
	price[0] = kids[0] = id;
	if ((e = db_exec("INSERT INTO car_pricing (car_id, base_price, currency,"
	    " deposit_amount, discount_percentage, minimum_days, special_offer_text)"
	    " VALUES ($1::uuid, $2::numeric, COALESCE($3, 'USD'), $4::numeric,"
	    " $5::numeric, COALESCE($6::int, 1), $7)"
	    " ON CONFLICT (car_id) DO UPDATE SET base_price = EXCLUDED.base_price,"
	    " currency = EXCLUDED.currency, deposit_amount = EXCLUDED.deposit_amount,"
	    " discount_percentage = EXCLUDED.discount_percentage,"
	    " minimum_days = EXCLUDED.minimum_days, special_offer_text = EXCLUDED.special_offer_text",
	    7, price)) != API_OK)
		goto fail;
	/* Replace the child rows. */
	if ((e = db_exec("WITH d1 AS (DELETE FROM car_images WHERE car_id = $1::uuid),"
	    " d2 AS (DELETE FROM car_features WHERE car_id = $1::uuid)"
	    " DELETE FROM car_specifications WHERE car_id = $1::uuid", 1, kids)) != API_OK)
		goto fail;
	/* An image naming an upload takes the variants made of it so far. */
	if ((e = db_exec("WITH i AS (INSERT INTO car_images (car_id, url, alt, path,"
	    " is_primary, sort_order, variants) SELECT $1::uuid, x.url, x.alt, x.path,"
	    " x.is_primary, x.sort_order, COALESCE((SELECT u.variants FROM image_uploads u"
	    "  WHERE u.path = x.path AND u.status = 'done'), '[]')"
	    " FROM jsonb_to_recordset($2::jsonb)"
	    " AS x(url text, alt text, path text, is_primary bool, sort_order int)),"
	    " f AS (INSERT INTO car_features (car_id, name, description, is_highlighted)"
	    " SELECT $1::uuid, x.name, x.description, x.is_highlighted"
	    " FROM jsonb_to_recordset($3::jsonb) AS x(name text, description text,"
	    " is_highlighted bool))"
	    " INSERT INTO car_specifications (car_id, name, value, category, sort_order)"
	    " SELECT $1::uuid, x.name, x.value, x.category, x.sort_order"
	    " FROM jsonb_to_recordset($4::jsonb) AS x(name text, value text,"
	    " category text, sort_order int)", 4, kids)) != API_OK)
		goto fail;
	return db_commit();
fail:
	db_rollback();
	return e;
}

enum api_err
repo_fleet_delete(const char *id)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e;

	e = db_query("WITH live AS (SELECT 1 FROM bookings WHERE car_id = $1::uuid"
	    " AND overall_status NOT IN ('cancelled', 'completed') AND end_date >= current_date),"
	    " d AS (DELETE FROM cars WHERE id = $1::uuid AND NOT EXISTS (SELECT 1 FROM live)"
	    " RETURNING id)"
	    " SELECT (SELECT count(*) FROM d), EXISTS (SELECT 1 FROM cars WHERE id = $1::uuid)",
	    1, p, &res);
	if (e != API_OK)
		return e;
	if (strcmp(db_val(res, 0, 0), "1") != 0)
		e = strcmp(db_val(res, 0, 1), "t") == 0 ? API_CONFLICT : API_NOT_FOUND;
	db_free(res);
	return e;
}

enum api_err
repo_fleet_hide(const char *id, const char *hidden)
{
	const char *p[2] = { id, hidden };
	struct db_res *res;
	enum api_err e;

	e = db_query("UPDATE cars SET hidden = $2::bool WHERE id = $1::uuid RETURNING id",
	    2, p, &res);
	if (e == API_OK && db_rows(res) != 1)
		e = API_NOT_FOUND;
	db_free(res);
	return e;
}

enum api_err
repo_admin_analytics(struct db_res **res, const char **json)
{
	return repo_json(
	    "WITH m AS (SELECT date_trunc('month', now()) AS this,"
	    "  date_trunc('month', now()) - interval '1 month' AS last),"
	    " rev AS (SELECT COALESCE(sum(p.amount) FILTER (WHERE p.captured_at >= m.this), 0) AS cur,"
	    "  COALESCE(sum(p.amount) FILTER (WHERE p.captured_at >= m.last AND p.captured_at < m.this), 0) AS prev"
	    "  FROM payments p, m WHERE p.status IN ('captured', 'refunded') AND p.captured_at IS NOT NULL),"
	    " cust AS (SELECT count(*) FILTER (WHERE c.created_at >= m.this) AS cur,"
	    "  count(*) FILTER (WHERE c.created_at >= m.last AND c.created_at < m.this) AS prev"
	    "  FROM customers c, m)"
	    "SELECT json_build_object('stats', json_build_array("
	    " json_build_object('title', 'Revenue this month', 'value', rev.cur,"
	    "  'change', CASE WHEN rev.prev > 0 THEN round((rev.cur - rev.prev) * 100 / rev.prev, 1) END,"
	    "  'trend', CASE WHEN rev.cur >= rev.prev THEN 'up' ELSE 'down' END,"
	    "  'description', 'Captured payments since the 1st', 'icon', 'dollar'),"
	    " json_build_object('title', 'Active bookings', 'value',"
	    "  (SELECT count(*) FROM bookings WHERE overall_status = 'active'),"
	    "  'change', NULL, 'trend', 'flat', 'description', 'Cars on the road now', 'icon', 'car'),"
	    " json_build_object('title', 'Fleet size', 'value', (SELECT count(*) FROM cars WHERE NOT hidden),"
	    "  'change', NULL, 'trend', 'flat', 'description', 'Visible cars', 'icon', 'garage'),"
	    " json_build_object('title', 'New customers', 'value', cust.cur,"
	    "  'change', CASE WHEN cust.prev > 0 THEN round((cust.cur - cust.prev) * 100.0 / cust.prev, 1) END,"
	    "  'trend', CASE WHEN cust.cur >= cust.prev THEN 'up' ELSE 'down' END,"
	    "  'description', 'Customers added this month', 'icon', 'users')),"
	    " 'recentBookings', COALESCE((SELECT json_agg(x) FROM (SELECT json_build_object('id', b.id,"
	    "  'carName', c.name, 'customerName', concat_ws(' ', cu.first_name, cu.last_name),"
	    "  'startDate', b.start_date, 'endDate', b.end_date, 'totalPrice', b.total_price,"
	    "  'overallStatus', b.overall_status, 'createdAt', b.created_at) AS x"
	    "  FROM bookings b JOIN cars c ON c.id = b.car_id JOIN customers cu ON cu.id = b.customer_id"
	    "  ORDER BY b.created_at DESC LIMIT 5) r), '[]'),"
	    " 'popularCars', COALESCE((SELECT json_agg(x) FROM (SELECT json_build_object('id', c.id,"
	    "  'name', c.name, 'bookings', count(b.id), 'revenue', COALESCE(sum(b.total_price), 0)) AS x"
	    "  FROM cars c JOIN bookings b ON b.car_id = c.id AND b.overall_status <> 'cancelled'"
	    "  AND b.created_at > now() - interval '30 days'"
	    "  GROUP BY c.id, c.name ORDER BY count(b.id) DESC, c.name LIMIT 4) r), '[]'))::text"
	    " FROM rev, cust", 0, NULL, res, json);
}

enum api_err
repo_admin_expire_holds(long minutes, struct db_res **res)
{
	char mins[24];
	const char *p[1] = { mins };

	snprintf(mins, sizeof mins, "%ld", minutes);
	return db_query(
	    "WITH x AS (UPDATE bookings SET overall_status = 'cancelled'"
	    "  WHERE overall_status IN ('pending_customer_action', 'pending_payment')"
	    "  AND payment_status = 'pending'"
	    "  AND created_at < now() - make_interval(mins => $1::int) RETURNING id, car_id),"
	    " r AS (UPDATE car_availability a SET status = 'available', booking_id = NULL"
	    "  FROM x WHERE a.booking_id = x.id),"
	    " ev AS (INSERT INTO booking_events (booking_id, event_type, actor_type, actor_name,"
	    "  details, summary_text) SELECT id, 'hold_expired', 'system', 'expire-holds',"
	    "  json_build_object('minutes', $1::int)::jsonb, 'Unpaid hold expired' FROM x)"
	    " SELECT car_id, count(*) FROM x GROUP BY car_id", 1, p, res);
}

enum api_err
repo_admin_customer_exists(const char *id)
{
	const char *p[1] = { id };
	struct db_res *res;
	enum api_err e = db_query("SELECT 1 FROM customers WHERE id = $1::uuid", 1, p, &res);

	if (e == API_OK && db_rows(res) != 1)
		e = API_NOT_FOUND;
	db_free(res);
	return e;
}

/* Statuses for a booking an admin creates as initial. */
enum api_err
repo_admin_booking_initial(const char *id, const char *initial, const char *notes)
{
	const char *p[3] = { id, initial, notes };

	return db_exec("UPDATE bookings SET overall_status = $2::booking_overall_status,"
	    " payment_status = CASE WHEN $2 = 'active' THEN 'captured' ELSE 'pending' END::payment_status,"
	    " contract_status = CASE WHEN $2 = 'active' THEN 'signed' ELSE 'not_sent' END::contract_status,"
	    " notes = COALESCE($3, notes) WHERE id = $1::uuid", 3, p);
}

/* p: 1 id, 2 notes, 3 adminNotes, 4 pickupLocation, 5 dropoffLocation,
 * 6 startDate, 7 endDate, 8 totalPrice, 9 deposit, 10 paymentStatus,
 * 11 contractStatus.  Returns the changed fields as JSON {field:[old,new]}. */
enum api_err
repo_admin_booking_update(const char *const *p, struct db_res **res,
    const char **json)
{
	enum api_err e;

	e = db_query("WITH old AS (SELECT * FROM bookings WHERE id = $1::uuid),"
	    " up AS (UPDATE bookings b SET notes = COALESCE($2, b.notes),"
	    "  admin_notes = COALESCE($3, b.admin_notes),"
	    "  pickup_location = COALESCE($4, b.pickup_location),"
	    "  dropoff_location = COALESCE($5, b.dropoff_location),"
	    "  start_date = COALESCE($6::date, b.start_date), end_date = COALESCE($7::date, b.end_date),"
	    "  total_price = COALESCE($8::numeric, b.total_price),"
	    "  security_deposit_amount = COALESCE($9::numeric, b.security_deposit_amount),"
	    "  payment_status = COALESCE($10::payment_status, b.payment_status),"
	    "  contract_status = COALESCE($11::contract_status, b.contract_status)"
	    "  WHERE b.id = $1::uuid RETURNING b.*)"
	    " SELECT COALESCE(jsonb_object_agg(k, jsonb_build_array(o.v, n.v))"
	    "  FILTER (WHERE o.v IS DISTINCT FROM n.v), '{}')::text"
	    " FROM jsonb_each((SELECT to_jsonb(old) - 'updated_at' FROM old)) o(k, v)"
	    " JOIN jsonb_each((SELECT to_jsonb(up) - 'updated_at' FROM up)) n(k2, v) ON n.k2 = o.k",
	    11, p, res);
	if (e == API_OK)
		*json = db_val(*res, 0, 0) ? db_val(*res, 0, 0) : "{}";
	return e;
}

/* Release the booking's days and hold or book start..end afresh. */
enum api_err
repo_admin_booking_redate(const char *id, const char *car, const char *start,
    const char *end, const char *status)
{
	const char *p[5] = { id, car, start, end, status };
	enum api_err e;

	e = db_exec("UPDATE car_availability SET status = 'available', booking_id = NULL"
	    " WHERE booking_id = $1::uuid", 1, p);
	if (e != API_OK)
		return e;
	return db_exec("INSERT INTO car_availability (car_id, date, status, booking_id)"
	    " SELECT $2::uuid, d::date, $5::availability_status, $1::uuid"
	    " FROM generate_series($3::date, $4::date, interval '1 day') d"
	    " ON CONFLICT (car_id, date) DO UPDATE SET status = EXCLUDED.status,"
	    " booking_id = EXCLUDED.booking_id WHERE car_availability.status = 'available'",
	    5, p);
}

/* Days of car between start and end taken by anything but booking id. */
enum api_err
repo_admin_blocked_except(const char *id, const char *car, const char *start,
    const char *end, struct db_res **res)
{
	const char *p[4] = { id, car, start, end };

	return db_query("SELECT date::text FROM car_availability WHERE car_id = $2::uuid"
	    " AND date BETWEEN $3::date AND $4::date AND status <> 'available'"
	    " AND booking_id IS DISTINCT FROM $1::uuid"
	    " UNION SELECT d::date::text FROM bookings b,"
	    "  generate_series(GREATEST(b.start_date, $3::date), LEAST(b.end_date, $4::date),"
	    "  interval '1 day') d"
	    " WHERE b.car_id = $2::uuid AND b.id <> $1::uuid AND b.overall_status <> 'cancelled'"
	    "  AND b.start_date <= $4::date AND b.end_date >= $3::date ORDER BY 1", 4, p, res);
}

enum api_err
repo_admin_popular_cars(long limit, struct db_res **res)
{
	char n[24];
	const char *p[1] = { n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT c.id FROM cars c LEFT JOIN bookings b ON b.car_id = c.id"
	    " AND b.overall_status <> 'cancelled' AND b.created_at > now() - interval '30 days'"
	    " WHERE c.available AND NOT c.hidden GROUP BY c.id, c.featured, c.created_at"
	    " ORDER BY count(b.id) DESC, c.featured DESC, c.created_at DESC LIMIT $1::int",
	    1, p, res);
}

enum api_err
repo_admin_visible_cars(struct db_res **res)
{
	return db_query("SELECT id, slug, name FROM cars WHERE NOT hidden"
	    " ORDER BY created_at LIMIT 1000", 0, NULL, res);
}
