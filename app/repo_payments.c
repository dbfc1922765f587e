/* repo_payments.c -- payments rows and the booking columns they move. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_payment_authorized(const char *booking, const char *order,
    const char *auth, const char *amount)
{
	const char *p[4] = { booking, order, auth, amount };
	enum api_err e;

	e = db_exec("INSERT INTO payments (booking_id, paypal_order_id,"
	    " paypal_authorization_id, amount, status, payment_method, authorized_at)"
	    " VALUES ($1::uuid, $2, $3, $4::numeric, 'authorized', 'paypal', now())", 4, p);
	if (e != API_OK)
		return e;
	return db_exec("UPDATE bookings SET payment_status = 'authorized',"
	    " overall_status = 'upcoming', hold_until = NULL WHERE id = $1::uuid", 1, p);
}

enum api_err
repo_payment_of_booking(const char *booking, struct db_res **res)
{
	const char *p[1] = { booking };
	enum api_err e;

	/* The booking first, as every path that moves a payment does (the
	 * webhook included), so two of them never wait on each other. */
	if ((e = db_exec("SELECT 1 FROM bookings WHERE id = $1::uuid FOR UPDATE",
	    1, p)) != API_OK)
		return e;
	return db_query("SELECT p.id, p.status, coalesce(p.paypal_authorization_id, ''),"
	    " coalesce(p.paypal_capture_id, ''), p.amount::text,"
	    " coalesce(p.captured_amount, p.amount)::text, b.overall_status, b.car_id,"
	    " extract(epoch FROM coalesce(p.authorized_at, p.created_at))::bigint"
	    " FROM payments p JOIN bookings b ON b.id = p.booking_id"
	    " WHERE p.booking_id = $1::uuid ORDER BY p.created_at DESC LIMIT 1"
	    " FOR UPDATE OF p, b", 1, p, res);
}

enum api_err
repo_payment_move(const char *payment, const char *booking, const char *status,
    const char *capture_id)
{
	const char *p[3] = { payment, status, capture_id };
	const char *q[2] = { booking, status };
	enum api_err e;

	e = db_exec("UPDATE payments SET status = $2::payment_status,"
	    " paypal_capture_id = coalesce($3::text, paypal_capture_id),"
	    " captured_at = CASE WHEN $2::text = 'captured' THEN now() ELSE captured_at END,"
	    " captured_amount = CASE WHEN $2::text = 'captured' THEN amount"
	    " ELSE captured_amount END WHERE id = $1::uuid", 3, p);
	if (e != API_OK)
		return e;
	e = db_exec("UPDATE bookings SET payment_status = $2::payment_status"
	    " WHERE id = $1::uuid", 2, q);
	if (e != API_OK || *status != 'c')	/* captured: the days are booked */
		return e;
	e = db_exec("UPDATE bookings SET overall_status = 'upcoming' WHERE id = $1::uuid"
	    " AND overall_status IN ('pending_customer_action', 'pending_payment',"
	    " 'pending_contract')", 1, q);
	if (e != API_OK)
		return e;
	return db_exec("UPDATE car_availability SET status = 'booked'"
	    " WHERE booking_id = $1::uuid AND status = 'pending_confirmation'", 1, q);
}

enum api_err
repo_payments_due(long limit, struct db_res **res)
{
	char n[24];
	const char *p[1] = { n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT b.id FROM payments p JOIN bookings b ON b.id = p.booking_id"
	    " WHERE p.status = 'authorized' AND b.overall_status <> 'cancelled'"
	    " AND (b.contract_status = 'signed'"
	    "  OR b.start_date <= (now() AT TIME ZONE 'UTC' + interval '24 hours')::date)"
	    " ORDER BY b.start_date LIMIT $1::int", 1, p, res);
}

enum api_err
repo_payments_unsettled(long limit, struct db_res **res)
{
	char n[24];
	const char *p[1] = { n };

	snprintf(n, sizeof n, "%ld", limit);
	return db_query("SELECT DISTINCT b.id FROM payments p JOIN bookings b"
	    " ON b.id = p.booking_id WHERE b.overall_status = 'cancelled'"
	    " AND p.status IN ('authorized', 'captured') LIMIT $1::int", 1, p, res);
}

enum api_err
repo_payment_reauthorized(const char *payment, const char *auth)
{
	const char *p[2] = { payment, auth };

	return db_exec("UPDATE payments SET paypal_authorization_id = $2,"
	    " authorized_at = now() WHERE id = $1::uuid", 2, p);
}

enum api_err
repo_payment_capture_once(const char *payment, const char *booking,
    const char *capture_id, bool *moved, int64_t *cents, char *car,
    size_t clen)
{
	const char *p[2] = { payment, capture_id };
	const char *q[1] = { booking };
	struct db_res *res;
	enum api_err e;

	*moved = false;
	/* Conditional: of two paths capturing at once, one changes the row. */
	e = db_query("UPDATE payments SET status = 'captured',"
	    " paypal_capture_id = coalesce($2::text, paypal_capture_id),"
	    " captured_at = now(), captured_amount = amount"
	    " WHERE id = $1::uuid AND status NOT IN ('captured', 'refunded', 'voided')"
	    " RETURNING (amount * 100)::bigint", 2, p, &res);
	if (e != API_OK)
		return e;
	if (db_rows(res) == 1) {
		*moved = true;
		*cents = atoll(db_val(res, 0, 0));
	}
	db_free(res);
	if (!*moved)
		return API_OK;
	e = db_query("UPDATE bookings SET payment_status = 'captured', hold_until = NULL,"
	    " overall_status = CASE WHEN overall_status IN ('pending_customer_action',"
	    "  'pending_payment', 'pending_contract') THEN 'upcoming'"
	    "  ELSE overall_status END"
	    " WHERE id = $1::uuid RETURNING car_id", 1, q, &res);
	if (e != API_OK)
		return e;
	snprintf(car, clen, "%s", db_rows(res) == 1 ? db_val(res, 0, 0) : "");
	db_free(res);
	return db_exec("UPDATE car_availability SET status = 'booked'"
	    " WHERE booking_id = $1::uuid AND status = 'pending_confirmation'", 1, q);
}
