/* repo_backoffice.c -- the back office's tables: maintenance blocks,
 * car fees, peak-pricing rules, tax configurations, locations and their
 * fees.
 *
 * Lists answer one JSON document.  Writes answer
 * {"before": row|null, "after": row|null} (one statement, so the old row
 * is read in the same snapshot as the write): the service answers "after"
 * (or "before" for a delete) and audits both. */
#include "config.h"

#include <stddef.h>

#include "db.h"
#include "repo.h"

#define BLOCK_DOC(t) \
	"json_build_object('id', " t ".id, 'carId', " t ".car_id," \
	" 'startDate', " t ".start_date, 'endDate', " t ".end_date," \
	" 'days', " t ".end_date - " t ".start_date + 1, 'reason', " t ".reason," \
	" 'createdAt', " t ".created_at, 'updatedAt', " t ".updated_at)"
#define FEE_DOC(t) \
	"json_build_object('id', " t ".id, 'carId', " t ".car_id, 'name', " t ".name," \
	" 'amount', " t ".amount, 'isOptional', " t ".is_optional," \
	" 'description', " t ".description, 'createdAt', " t ".created_at," \
	" 'updatedAt', " t ".updated_at)"
#define PEAK_DOC(t) \
	"json_build_object('id', " t ".id, 'ruleName', " t ".rule_name," \
	" 'startDate', " t ".start_date, 'endDate', " t ".end_date," \
	" 'daysOfWeek', " t ".day_of_week, 'multiplier', " t ".multiplier::float8," \
	" 'isActive', " t ".is_active, 'createdAt', " t ".created_at," \
	" 'updatedAt', " t ".updated_at)"
#define TAX_DOC(t) \
	"json_build_object('id', " t ".id, 'locationId', " t ".location_id," \
	" 'taxName', " t ".tax_name, 'taxRatePercent', (" t ".tax_rate * 100)::float8," \
	" 'isActive', " t ".is_active, 'createdAt', " t ".created_at," \
	" 'updatedAt', " t ".updated_at)"
#define LOC_DOC(t) \
	"json_build_object('id', " t ".id, 'name', " t ".name, 'address', " t ".address," \
	" 'isActive', " t ".is_active, 'createdAt', " t ".created_at," \
	" 'updatedAt', " t ".updated_at)"
#define LFEE_DOC(t) \
	"json_build_object('id', " t ".id, 'locationId', " t ".location_id," \
	" 'feeType', " t ".fee_type, 'feeAmount', " t ".fee_amount," \
	" 'feePercent', (" t ".fee_percentage * 100)::float8," \
	" 'isActive', " t ".is_active, 'createdAt', " t ".created_at," \
	" 'updatedAt', " t ".updated_at)"

#define WRITTEN(before, after) \
	"json_build_object('before', " before ", 'after', " after ")::text"

/* The maintenance rows of block o are freed (the caller may keep some);
 * the days of block u are marked (a free or released day only). */
#define BLOCK_FREE(o) \
	" DELETE FROM car_availability a USING " o " WHERE a.car_id = " o ".car_id" \
	" AND a.status = 'maintenance' AND a.booking_id IS NULL" \
	" AND a.date BETWEEN " o ".start_date AND " o ".end_date"
#define BLOCK_MARK(u) \
	" INSERT INTO car_availability (car_id, date, status)" \
	" SELECT " u ".car_id, g::date, 'maintenance' FROM " u "," \
	"  generate_series(" u ".start_date, " u ".end_date, interval '1 day') g" \
	" ON CONFLICT (car_id, date) DO UPDATE SET status = 'maintenance', booking_id = NULL" \
	"  WHERE car_availability.status = 'available'"

enum api_err
repo_bo_car_exists(const char *car)
{
	const char *p[1] = { car };
	struct db_res *res;
	enum api_err e;
	int n;

	if ((e = db_query("SELECT 1 FROM cars WHERE id = $1::uuid", 1, p,
	    &res)) != API_OK)
		return e;
	n = db_rows(res);
	db_free(res);
	return n == 1 ? API_OK : API_NOT_FOUND;
}

enum api_err
repo_bo_location_exists(const char *location)
{
	const char *p[1] = { location };
	struct db_res *res;
	enum api_err e;
	int n;

	if ((e = db_query("SELECT 1 FROM locations WHERE id = $1::uuid", 1, p,
	    &res)) != API_OK)
		return e;
	n = db_rows(res);
	db_free(res);
	return n == 1 ? API_OK : API_NOT_FOUND;
}

/* Maintenance blocks ------------------------------------------------- */

enum api_err
repo_bo_block_exists(const char *car, const char *id)
{
	const char *p[2] = { car, id };
	struct db_res *res;
	enum api_err e;
	int n;

	if ((e = db_query("SELECT 1 FROM maintenance_blocks WHERE id = $2::uuid"
	    " AND car_id = $1::uuid", 2, p, &res)) != API_OK)
		return e;
	n = db_rows(res);
	db_free(res);
	return n == 1 ? API_OK : API_NOT_FOUND;
}

enum api_err
repo_bo_blocks(const char *car, struct db_res **res, const char **json)
{
	const char *p[1] = { car };

	return repo_json("SELECT json_build_object('success', true, 'carId', c.id,"
	    " 'blocks', COALESCE((SELECT json_agg(" BLOCK_DOC("b")
	    "  ORDER BY b.start_date) FROM maintenance_blocks b WHERE b.car_id = c.id), '[]'))::text"
	    " FROM cars c WHERE c.id = $1::uuid", 1, p, res, json);
}

enum api_err
repo_bo_block_conflicts(const char *car, const char *self, const char *start,
    const char *end, struct db_res **res)
{
	const char *p[4] = { car, self, start, end };

	return db_query("SELECT d::date::text, 'booking' FROM bookings b,"
	    "  generate_series(GREATEST(b.start_date, $3::date), LEAST(b.end_date, $4::date),"
	    "  interval '1 day') d"
	    " WHERE b.car_id = $1::uuid AND b.overall_status <> 'cancelled'"
	    "  AND b.start_date <= $4::date AND b.end_date >= $3::date"
	    " UNION SELECT date::text, 'booking' FROM car_availability"
	    " WHERE car_id = $1::uuid AND date BETWEEN $3::date AND $4::date"
	    "  AND status IN ('pending_confirmation', 'booked')"
	    " UNION SELECT d::date::text, 'maintenance' FROM maintenance_blocks m,"
	    "  generate_series(GREATEST(m.start_date, $3::date), LEAST(m.end_date, $4::date),"
	    "  interval '1 day') d"
	    " WHERE m.car_id = $1::uuid AND m.id IS DISTINCT FROM $2::uuid"
	    "  AND m.start_date <= $4::date AND m.end_date >= $3::date"
	    " ORDER BY 1", 4, p, res);
}

enum api_err
repo_bo_block_create(const char *car, const char *start, const char *end,
    const char *reason, struct db_res **res, const char **json)
{
	const char *p[4] = { car, start, end, reason };

	return repo_json("WITH u AS (INSERT INTO maintenance_blocks"
	    "  (car_id, start_date, end_date, reason)"
	    "  SELECT c.id, $2::date, $3::date, $4 FROM cars c WHERE c.id = $1::uuid"
	    "  RETURNING *),"
	    " i AS (" BLOCK_MARK("u") ")"
	    "SELECT " WRITTEN("NULL::json", BLOCK_DOC("u")) " FROM u",
	    4, p, res, json);
}

enum api_err
repo_bo_block_update(const char *car, const char *id, const char *start,
    const char *end, const char *reason, struct db_res **res,
    const char **json)
{
	const char *p[5] = { car, id, start, end, reason };

	return repo_json("WITH o AS (SELECT * FROM maintenance_blocks"
	    "  WHERE id = $2::uuid AND car_id = $1::uuid FOR UPDATE),"
	    " u AS (UPDATE maintenance_blocks t SET start_date = $3::date,"
	    "  end_date = $4::date, reason = $5 FROM o WHERE t.id = o.id RETURNING t.*),"
	    " d AS (" BLOCK_FREE("o") " AND a.date NOT BETWEEN $3::date AND $4::date),"
	    " i AS (" BLOCK_MARK("u") ")"
	    "SELECT " WRITTEN(BLOCK_DOC("o"), BLOCK_DOC("u")) " FROM o, u",
	    5, p, res, json);
}

enum api_err
repo_bo_block_delete(const char *car, const char *id, struct db_res **res,
    const char **json)
{
	const char *p[2] = { car, id };

	return repo_json("WITH o AS (DELETE FROM maintenance_blocks"
	    "  WHERE id = $2::uuid AND car_id = $1::uuid RETURNING *),"
	    " d AS (" BLOCK_FREE("o") ")"
	    "SELECT " WRITTEN(BLOCK_DOC("o"), "NULL::json") " FROM o",
	    2, p, res, json);
}

/* A car's additional fees -------------------------------------------- */

enum api_err
repo_bo_fees(const char *car, struct db_res **res, const char **json)
{
	const char *p[1] = { car };

	return repo_json("SELECT json_build_object('success', true, 'carId', c.id,"
	    " 'fees', COALESCE((SELECT json_agg(" FEE_DOC("f")
	    "  ORDER BY f.is_optional, f.name) FROM car_additional_fees f"
	    "  WHERE f.car_id = c.id), '[]'))::text"
	    " FROM cars c WHERE c.id = $1::uuid", 1, p, res, json);
}

enum api_err
repo_bo_fee_create(const char *car, const char *name, const char *amount,
    const char *optional, const char *description, struct db_res **res,
    const char **json)
{
	const char *p[5] = { car, name, amount, optional, description };

	return repo_json("WITH u AS (INSERT INTO car_additional_fees"
	    "  (car_id, name, amount, is_optional, description)"
	    "  SELECT c.id, $2, $3::numeric, $4::boolean, $5 FROM cars c"
	    "  WHERE c.id = $1::uuid RETURNING *)"
	    "SELECT " WRITTEN("NULL::json", FEE_DOC("u")) " FROM u",
	    5, p, res, json);
}

enum api_err
repo_bo_fee_update(const char *car, const char *id, const char *name,
    const char *amount, const char *optional, const char *description,
    struct db_res **res, const char **json)
{
	const char *p[6] = { car, id, name, amount, optional, description };

	return repo_json("UPDATE car_additional_fees u SET name = $3,"
	    " amount = $4::numeric, is_optional = $5::boolean, description = $6"
	    " FROM car_additional_fees o WHERE u.id = $2::uuid AND u.car_id = $1::uuid"
	    " AND o.id = u.id RETURNING " WRITTEN(FEE_DOC("o"), FEE_DOC("u")),
	    6, p, res, json);
}

enum api_err
repo_bo_fee_delete(const char *car, const char *id, struct db_res **res,
    const char **json)
{
	const char *p[2] = { car, id };

	return repo_json("DELETE FROM car_additional_fees o"
	    " WHERE o.id = $2::uuid AND o.car_id = $1::uuid"
	    " RETURNING " WRITTEN(FEE_DOC("o"), "NULL::json"), 2, p, res, json);
}

/* Peak-pricing rules -------------------------------------------------- */

enum api_err
repo_bo_peaks(struct db_res **res, const char **json)
{
	return repo_json("SELECT json_build_object('success', true,"
	    " 'rules', COALESCE((SELECT json_agg(" PEAK_DOC("r")
	    "  ORDER BY r.start_date NULLS FIRST, r.rule_name) FROM peak_pricing_rules r),"
	    " '[]'))::text", 0, NULL, res, json);
}

enum api_err
repo_bo_peak_save(const char *id, const char *const p6[6],
    struct db_res **res, const char **json)
{
	const char *p[7] = { p6[0], p6[1], p6[2], p6[3], p6[4], p6[5], id };

	if (id == NULL)
		return repo_json("INSERT INTO peak_pricing_rules AS u (rule_name,"
		    " start_date, end_date, day_of_week, multiplier, is_active)"
		    " VALUES ($1, $2::date, $3::date, $4::int[], $5::numeric,"
		    " COALESCE($6::boolean, true))"
		    " RETURNING " WRITTEN("NULL::json", PEAK_DOC("u")), 6, p,
		    res, json);
	return repo_json("UPDATE peak_pricing_rules u SET rule_name = $1,"
	    " start_date = $2::date, end_date = $3::date, day_of_week = $4::int[],"
	    " multiplier = $5::numeric, is_active = COALESCE($6::boolean, true)"
	    " FROM peak_pricing_rules o WHERE u.id = $7::uuid AND o.id = u.id"
	    " RETURNING " WRITTEN(PEAK_DOC("o"), PEAK_DOC("u")), 7, p, res, json);
}

enum api_err
repo_bo_peak_delete(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	return repo_json("DELETE FROM peak_pricing_rules o WHERE o.id = $1::uuid"
	    " RETURNING " WRITTEN(PEAK_DOC("o"), "NULL::json"), 1, p, res, json);
}

/* Tax configurations -------------------------------------------------- */

enum api_err
repo_bo_taxes(struct db_res **res, const char **json)
{
	return repo_json("SELECT json_build_object('success', true,"
	    " 'taxes', COALESCE((SELECT json_agg(" TAX_DOC("t")
	    "  ORDER BY t.location_id NULLS FIRST, t.is_active DESC, t.created_at)"
	    "  FROM tax_configurations t), '[]'))::text", 0, NULL, res, json);
}

enum api_err
repo_bo_tax_save(const char *id, const char *location, const char *name,
    const char *percent, const char *active, struct db_res **res,
    const char **json)
{
	const char *p[5] = { location, name, percent, active, id };

	if (id == NULL)
		return repo_json("INSERT INTO tax_configurations AS u (location_id,"
		    " tax_name, tax_rate, is_active) VALUES ($1::uuid, $2,"
		    " $3::numeric / 100, COALESCE($4::boolean, true))"
		    " RETURNING " WRITTEN("NULL::json", TAX_DOC("u")), 4, p,
		    res, json);
	return repo_json("UPDATE tax_configurations u SET location_id = $1::uuid,"
	    " tax_name = $2, tax_rate = $3::numeric / 100,"
	    " is_active = COALESCE($4::boolean, true)"
	    " FROM tax_configurations o WHERE u.id = $5::uuid AND o.id = u.id"
	    " RETURNING " WRITTEN(TAX_DOC("o"), TAX_DOC("u")), 5, p, res, json);
}

enum api_err
repo_bo_tax_delete(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	return repo_json("DELETE FROM tax_configurations o WHERE o.id = $1::uuid"
	    " RETURNING " WRITTEN(TAX_DOC("o"), "NULL::json"), 1, p, res, json);
}

/* Locations ----------------------------------------------------------- */

enum api_err
repo_bo_locations(struct db_res **res, const char **json)
{
	return repo_json("SELECT json_build_object('success', true,"
	    " 'locations', COALESCE((SELECT json_agg(" LOC_DOC("l")
	    "  ORDER BY l.name) FROM locations l), '[]'))::text", 0, NULL, res,
	    json);
}

enum api_err
repo_bo_location_save(const char *id, const char *name, const char *address,
    const char *active, struct db_res **res, const char **json)
{
	const char *p[4] = { name, address, active, id };

	if (id == NULL)
		return repo_json("INSERT INTO locations AS u (name, address, is_active)"
		    " VALUES ($1, $2, COALESCE($3::boolean, true))"
		    " RETURNING " WRITTEN("NULL::json", LOC_DOC("u")), 3, p,
		    res, json);
	return repo_json("UPDATE locations u SET name = $1, address = $2,"
	    " is_active = COALESCE($3::boolean, true)"
	    " FROM locations o WHERE u.id = $4::uuid AND o.id = u.id"
	    " RETURNING " WRITTEN(LOC_DOC("o"), LOC_DOC("u")), 4, p, res, json);
}

enum api_err
repo_bo_location_delete(const char *id, struct db_res **res, const char **json)
{
	const char *p[1] = { id };

	/* Its fees and tax configurations go with it (ON DELETE CASCADE). */
	return repo_json("DELETE FROM locations o WHERE o.id = $1::uuid"
	    " RETURNING " WRITTEN(LOC_DOC("o"), "NULL::json"), 1, p, res, json);
}

/* Location fees ------------------------------------------------------- */

enum api_err
repo_bo_location_fees(const char *location, struct db_res **res,
    const char **json)
{
	const char *p[1] = { location };

	return repo_json("SELECT json_build_object('success', true, 'locationId', l.id,"
	    " 'fees', COALESCE((SELECT json_agg(" LFEE_DOC("f")
	    "  ORDER BY f.fee_type) FROM location_fees f WHERE f.location_id = l.id),"
	    " '[]'))::text FROM locations l WHERE l.id = $1::uuid", 1, p, res, json);
}

enum api_err
repo_bo_location_fee_save(const char *location, const char *id,
    const char *type, const char *amount, const char *percent,
    const char *active, struct db_res **res, const char **json)
{
	const char *p[6] = { location, type, amount, percent, active, id };

	if (id == NULL)
		return repo_json("WITH u AS (INSERT INTO location_fees (location_id,"
		    "  fee_type, fee_amount, fee_percentage, is_active)"
		    "  SELECT l.id, $2, COALESCE($3::numeric, 0), $4::numeric / 100,"
		    "  COALESCE($5::boolean, true) FROM locations l WHERE l.id = $1::uuid"
		    "  RETURNING *)"
		    "SELECT " WRITTEN("NULL::json", LFEE_DOC("u")) " FROM u",
		    5, p, res, json);
	return repo_json("UPDATE location_fees u SET fee_type = $2,"
	    " fee_amount = COALESCE($3::numeric, 0), fee_percentage = $4::numeric / 100,"
	    " is_active = COALESCE($5::boolean, true)"
	    " FROM location_fees o WHERE u.id = $6::uuid AND u.location_id = $1::uuid"
	    " AND o.id = u.id RETURNING " WRITTEN(LFEE_DOC("o"), LFEE_DOC("u")),
	    6, p, res, json);
}

enum api_err
repo_bo_location_fee_delete(const char *location, const char *id,
    struct db_res **res, const char **json)
{
	const char *p[2] = { location, id };

	return repo_json("DELETE FROM location_fees o"
	    " WHERE o.id = $2::uuid AND o.location_id = $1::uuid"
	    " RETURNING " WRITTEN(LFEE_DOC("o"), "NULL::json"), 2, p, res, json);
}
