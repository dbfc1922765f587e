/* svc_backoffice.c -- the back office: maintenance blocks on a car's
 * days, a car's additional fees, peak-pricing rules, tax configurations,
 * locations and their fees.
 *
 * Every write answers the row as written (or as it was, when deleted),
 * sets the call's audit row (target, before, after) and drops the cache
 * families the change touches: a block, a car's availability; a car fee,
 * the car.  Prices are never cached (each quote and booking reads the
 * rules in its own transaction), so a change to rules, taxes, locations
 * or their fees is in the next price at once and drops no family. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "backoffice.h"
#include "buf.h"
#include "cache.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

/* 400 naming field. */
static enum api_err
svc_backoffice_invalid(struct call *c, const char *field, const char *why)
{
	request_field_error(&c->err_details, field, why);
	return API_VALIDATION_ERROR;
}

/* Answer the {before, after} document of a repository write that returned
 * e: status with {success, <member>: the row} (as it was, when deleted),
 * and the audit row "<kind>:<id>".  Messages for 404 and 409 as given. */
static enum api_err
svc_backoffice_written(struct call *c, enum api_err e, struct db_res *res,
    const char *json, const char *kind, const char *member, int status,
    const char *missing, const char *conflict)
{
	struct json_object *doc = NULL, *before = NULL, *after = NULL, *row, *id, *o;
	char target[128];

	if (e == API_OK && (doc = json_tokener_parse(json)) == NULL)
		e = API_INTERNAL_ERROR;
	db_free(res);
	if (e == API_NOT_FOUND)
		c->err_message = missing;
	if (e == API_CONFLICT)
		c->err_message = conflict;
	if (e != API_OK)
		return e;
	json_object_object_get_ex(doc, "before", &before);
	json_object_object_get_ex(doc, "after", &after);
	row = after != NULL ? after : before;
	if (json_object_object_get_ex(row, "id", &id)) {
		snprintf(target, sizeof target, "%s:%s", kind,
		    json_object_get_string(id));
		c->audit_target = arena_strdup(&c->req->arena, target);
	}
	c->audit_before = before != NULL ? json_object_get(before) : NULL;
	c->audit_after = after != NULL ? json_object_get(after) : NULL;
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, member, json_object_get(row));
	json_object_put(doc);
	response_json(c->resp, status, o);
	return API_OK;
}

/* Maintenance blocks ------------------------------------------------- */

/* 409 naming the days of start..end that a live booking holds or another
 * block (than self) covers; API_OK when none. */
static enum api_err
svc_backoffice_free_days(struct call *c, const char *car, const char *self,
    const char *start, const char *end)
{
	struct json_object *days;
	struct db_res *res;
	enum api_err e;
	char msg[256];
	size_t o;
	int i, n, booked = 0;

	if ((e = repo_bo_block_conflicts(car, self, start, end, &res)) != API_OK)
		return e;
	if ((n = db_rows(res)) == 0) {
		db_free(res);
		return API_OK;
	}
	days = json_object_new_array();
	for (i = 0; i < n; i++) {
		json_object_array_add(days, json_object_new_string(db_val(res, i, 0)));
		booked |= strcmp(db_val(res, i, 1), "booking") == 0;
	}
	o = (size_t)snprintf(msg, sizeof msg, "%s:", booked ?
	    "A live booking holds" : "Another maintenance block covers");
	for (i = 0; i < n && o + 16 < sizeof msg; i++)
		o += (size_t)snprintf(msg + o, sizeof msg - o, "%s %s",
		    i > 0 ? "," : "", db_val(res, i, 0));
	if (i < n)
		snprintf(msg + o, sizeof msg - o, " ...");
	db_free(res);
	c->err_message = arena_strdup(&c->req->arena, msg);
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "unavailableDates", days);
	return API_CONFLICT;
}

/* Create (id NULL) or replace a block: checked and written under the
 * car's booking lock, so no booking can take a day in between. */
static enum api_err
svc_backoffice_block_save(struct call *c, const char *id)
{
	const char *const *f = c->req->field;
	const char *why, *field, *json = NULL;
	struct db_res *res = NULL;
	enum api_err e;

	if ((why = backoffice_block_range(f[BB_START], f[BB_END], time(NULL),
	    &field)) != NULL)
		return svc_backoffice_invalid(c, field, why);
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_booking_lock_car(f[BB_CAR])) != API_OK)
		goto fail;
	if ((e = repo_bo_car_exists(f[BB_CAR])) != API_OK) {
		c->err_message = "Car not found";
		goto fail;
	}
	if (id != NULL && (e = repo_bo_block_exists(f[BB_CAR], id)) != API_OK)
		goto fail;
	if ((e = svc_backoffice_free_days(c, f[BB_CAR], id, f[BB_START],
	    f[BB_END])) != API_OK)
		goto fail;
	e = id == NULL ? repo_bo_block_create(f[BB_CAR], f[BB_START], f[BB_END],
	    f[BB_REASON], &res, &json) : repo_bo_block_update(f[BB_CAR], id,
	    f[BB_START], f[BB_END], f[BB_REASON], &res, &json);
	if (e != API_OK)
		goto fail;
	if ((e = db_commit()) == API_OK)
		cache_invalidate_availability(f[BB_CAR]);
	return svc_backoffice_written(c, e, res, json, "maintenance_block",
	    "block", id == NULL ? 201 : 200, NULL, NULL);
fail:
	db_rollback();
	db_free(res);
	if (e == API_NOT_FOUND && c->err_message == NULL)
		c->err_message = "Maintenance block not found";
	if (e == API_CONFLICT && c->err_message == NULL)
		c->err_message = "Another maintenance block covers some of these days";
	return e;
}

enum api_err
svc_backoffice_blocks(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_blocks(c->req->field[BB_CAR], &res, &json);

	return svc_answer(c, e, res, json, "Car not found");
}

enum api_err
svc_backoffice_block_create(struct call *c)
{
	return svc_backoffice_block_save(c, NULL);
}

enum api_err
svc_backoffice_block_replace(struct call *c)
{
	return svc_backoffice_block_save(c, c->req->field[BB_ID]);
}

enum api_err
svc_backoffice_block_delete(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_block_delete(f[BO_PARENT], f[BO_CHILD], &res, &json);
	if (e == API_OK)
		cache_invalidate_availability(f[BO_PARENT]);
	return svc_backoffice_written(c, e, res, json, "maintenance_block",
	    "block", 200, "Maintenance block not found", NULL);
}

/* A car's additional fees ------------------------------------------- */

#define FEE_CONFLICT	"This car has a fee of that name"

enum api_err
svc_backoffice_fees(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_fees(c->req->field[BF_CAR], &res, &json);

	return svc_answer(c, e, res, json, "Car not found");
}

enum api_err
svc_backoffice_fee_create(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_fee_create(f[BF_CAR], f[BF_NAME], f[BF_AMOUNT],
	    f[BF_OPTIONAL] != NULL ? f[BF_OPTIONAL] : "false", f[BF_DESCRIPTION],
	    &res, &json);
	if (e == API_OK)
		cache_invalidate_car(f[BF_CAR]);
	return svc_backoffice_written(c, e, res, json, "car_fee", "fee", 201,
	    "Car not found", FEE_CONFLICT);
}

enum api_err
svc_backoffice_fee_replace(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_fee_update(f[BF_CAR], f[BF_ID], f[BF_NAME], f[BF_AMOUNT],
	    f[BF_OPTIONAL] != NULL ? f[BF_OPTIONAL] : "false", f[BF_DESCRIPTION],
	    &res, &json);
	if (e == API_OK)
		cache_invalidate_car(f[BF_CAR]);
	return svc_backoffice_written(c, e, res, json, "car_fee", "fee", 200,
	    "Fee not found for this car", FEE_CONFLICT);
}

enum api_err
svc_backoffice_fee_delete(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_fee_delete(f[BO_PARENT], f[BO_CHILD], &res, &json);
	if (e == API_OK)
		cache_invalidate_car(f[BO_PARENT]);
	return svc_backoffice_written(c, e, res, json, "car_fee", "fee", 200,
	    "Fee not found for this car", NULL);
}

/* Peak-pricing rules ------------------------------------------------- */

static enum api_err
svc_backoffice_peak_save(struct call *c, const char *id)
{
	const char *const *f = c->req->field;
	const char *p[6], *why, *json = NULL;
	struct json_object *days = NULL;
	struct db_res *res = NULL;
	enum api_err e;
	char dow[16];

	if ((why = backoffice_window(f[BP_START], f[BP_END])) != NULL)
		svc_backoffice_invalid(c, "endDate", why);
	if ((why = backoffice_multiplier(f[BP_MULTIPLIER])) != NULL)
		svc_backoffice_invalid(c, "multiplier", why);
	if (f[BP_DAYS] != NULL &&
	    json_object_object_get_ex(c->req->json, "daysOfWeek", &days) &&
	    (why = backoffice_weekdays(days, dow, sizeof dow)) != NULL)
		svc_backoffice_invalid(c, "daysOfWeek", why);
	if (c->err_details != NULL)
		return API_VALIDATION_ERROR;
	p[0] = f[BP_NAME];
	p[1] = f[BP_START];
	p[2] = f[BP_END];
	p[3] = f[BP_DAYS] != NULL ? dow : NULL;
	p[4] = f[BP_MULTIPLIER];
	p[5] = f[BP_ACTIVE];
	e = repo_bo_peak_save(id, p, &res, &json);
	return svc_backoffice_written(c, e, res, json, "peak_pricing_rule",
	    "rule", id == NULL ? 201 : 200, "Peak-pricing rule not found", NULL);
}

enum api_err
svc_backoffice_peaks(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_peaks(&res, &json);

	return svc_answer(c, e, res, json, NULL);
}

enum api_err
svc_backoffice_peak_create(struct call *c)
{
	return svc_backoffice_peak_save(c, NULL);
}

enum api_err
svc_backoffice_peak_replace(struct call *c)
{
	return svc_backoffice_peak_save(c, c->req->field[BP_ID]);
}

enum api_err
svc_backoffice_peak_delete(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_peak_delete(c->req->field[BO_ID], &res, &json);

	return svc_backoffice_written(c, e, res, json, "peak_pricing_rule",
	    "rule", 200, "Peak-pricing rule not found", NULL);
}

/* Tax configurations ------------------------------------------------- */

#define TAX_CONFLICT	"An active tax configuration exists for this scope " \
			"(the location, or global); deactivate it first"

static enum api_err
svc_backoffice_tax_save(struct call *c, const char *id)
{
	const char *const *f = c->req->field;
	const char *why, *json = NULL;
	struct db_res *res = NULL;
	enum api_err e;

	if ((why = backoffice_percent(f[BT_RATE])) != NULL)
		return svc_backoffice_invalid(c, "taxRatePercent", why);
	if (f[BT_LOCATION] != NULL &&
	    (e = repo_bo_location_exists(f[BT_LOCATION])) != API_OK) {
		c->err_message = "Location not found";
		return e;
	}
	e = repo_bo_tax_save(id, f[BT_LOCATION], f[BT_NAME], f[BT_RATE],
	    f[BT_ACTIVE], &res, &json);
	return svc_backoffice_written(c, e, res, json, "tax_configuration",
	    "tax", id == NULL ? 201 : 200, "Tax configuration not found",
	    TAX_CONFLICT);
}

enum api_err
svc_backoffice_taxes(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_taxes(&res, &json);

	return svc_answer(c, e, res, json, NULL);
}

enum api_err
svc_backoffice_tax_create(struct call *c)
{
	return svc_backoffice_tax_save(c, NULL);
}

enum api_err
svc_backoffice_tax_replace(struct call *c)
{
	return svc_backoffice_tax_save(c, c->req->field[BT_ID]);
}

enum api_err
svc_backoffice_tax_delete(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_tax_delete(c->req->field[BO_ID], &res, &json);

	return svc_backoffice_written(c, e, res, json, "tax_configuration",
	    "tax", 200, "Tax configuration not found", NULL);
}

/* Locations ---------------------------------------------------------- */

#define LOCATION_CONFLICT	"A location with this name exists"

static enum api_err
svc_backoffice_location_save(struct call *c, const char *id)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_location_save(id, f[BL_NAME], f[BL_ADDRESS], f[BL_ACTIVE],
	    &res, &json);
	return svc_backoffice_written(c, e, res, json, "location", "location",
	    id == NULL ? 201 : 200, "Location not found", LOCATION_CONFLICT);
}

enum api_err
svc_backoffice_locations(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_locations(&res, &json);

	return svc_answer(c, e, res, json, NULL);
}

enum api_err
svc_backoffice_location_create(struct call *c)
{
	return svc_backoffice_location_save(c, NULL);
}

enum api_err
svc_backoffice_location_replace(struct call *c)
{
	return svc_backoffice_location_save(c, c->req->field[BL_ID]);
}

enum api_err
svc_backoffice_location_delete(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_location_delete(c->req->field[BO_ID], &res,
	    &json);

	return svc_backoffice_written(c, e, res, json, "location", "location",
	    200, "Location not found", NULL);
}

/* Location fees ------------------------------------------------------ */

#define LOCATION_FEE_CONFLICT	"This location has a fee of that type"

static enum api_err
svc_backoffice_location_fee_save(struct call *c, const char *id)
{
	const char *const *f = c->req->field;
	const char *why, *json = NULL;
	struct db_res *res = NULL;
	enum api_err e;

	if (f[BLF_PERCENT] != NULL &&
	    (why = backoffice_percent(f[BLF_PERCENT])) != NULL)
		return svc_backoffice_invalid(c, "feePercent", why);
	e = repo_bo_location_fee_save(f[BLF_LOCATION], id, f[BLF_TYPE],
	    f[BLF_AMOUNT], f[BLF_PERCENT], f[BLF_ACTIVE], &res, &json);
	return svc_backoffice_written(c, e, res, json, "location_fee", "fee",
	    id == NULL ? 201 : 200, id == NULL ? "Location not found" :
	    "Fee not found for this location", LOCATION_FEE_CONFLICT);
}

enum api_err
svc_backoffice_location_fees(struct call *c)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e = repo_bo_location_fees(c->req->field[BLF_LOCATION],
	    &res, &json);

	return svc_answer(c, e, res, json, "Location not found");
}

enum api_err
svc_backoffice_location_fee_create(struct call *c)
{
	return svc_backoffice_location_fee_save(c, NULL);
}

enum api_err
svc_backoffice_location_fee_replace(struct call *c)
{
	return svc_backoffice_location_fee_save(c, c->req->field[BLF_ID]);
}

enum api_err
svc_backoffice_location_fee_delete(struct call *c)
{
	const char *const *f = c->req->field;
	struct db_res *res = NULL;
	const char *json = NULL;
	enum api_err e;

	e = repo_bo_location_fee_delete(f[BO_PARENT], f[BO_CHILD], &res, &json);
	return svc_backoffice_written(c, e, res, json, "location_fee", "fee",
	    200, "Fee not found for this location", NULL);
}
