/* booking_create.c -- writing a booking: the site's, the PayPal-first
 * flow's and the back office's, and the price they share.
 *
 * A booking is written in one transaction under a per-car lock: price on
 * the server, check the days, insert (the exclusion constraint is the last
 * word on overlaps), hold the days until the booking's deadline, log, and
 * queue the confirmation email and webhook in the outbox, so a crash
 * after COMMIT loses neither. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include "booking.h"
#include "buf.h"
#include "cache.h"
#include "conf.h"
#include "db.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "pricing.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"

/* Days from today (UTC) to the date s. */
static long
booking_from_today(const char *s)
{
	struct tm t;
	time_t now = time(NULL);

	memset(&t, 0, sizeof t);
	strptime(s, "%Y-%m-%d", &t);
	return (long)((timegm(&t) - (now - now % 86400)) / 86400);
}

/* Check the request's own consistency before touching the database. */
static enum api_err
booking_precheck(struct call *c, const struct booking_in *b)
{
	if (strcmp(b->start, b->end) >= 0) {
		c->err_message = "endDate must be after startDate";
		return API_VALIDATION_ERROR;
	}
	if (booking_from_today(b->start) < 0 ||
	    booking_from_today(b->end) > 730) {
		c->err_message = "Dates must lie between today and two years ahead";
		return API_VALIDATION_ERROR;
	}
	if (c->req->user_id == NULL && (b->first == NULL || b->email == NULL)) {
		c->err_message = "customerDetails.fullName and customerDetails.email "
		    "are required without an account";
		return API_VALIDATION_ERROR;
	}
	return API_OK;
}

/* The breakdown stored with the booking and returned to the client. */
static struct json_object *
booking_breakdown(const struct pricing_in *in, const struct pricing_out *o)
{
	struct json_object *b = json_object_new_object(), *fees;
	char m[24];
	int i;

#define MONEY(k, v) json_object_object_add(b, k, \
	json_object_new_double_s((double)(v) / 100.0, pricing_format((v), m)))
	MONEY("basePricePerDay", in->base_cents);
	json_object_object_add(b, "durationDays", json_object_new_int64(in->days));
	MONEY("subtotal", o->subtotal);
	MONEY("mandatoryFees", o->fees);
	MONEY("locationFees", o->location_fees);
	json_object_object_add(b, "peakPricingApplied",
	    json_object_new_boolean(in->peak_multiplier > 1));
	/* Rates as a person writes them (1.15, 0.1), never binary noise. */
	json_object_object_add(b, "peakMultiplier", json_object_new_double_s(
	    in->peak_multiplier, buf_decimal(in->peak_multiplier, 4, m, sizeof m)));
	json_object_object_add(b, "discountPercentage", json_object_new_double_s(
	    in->discount_pct, buf_decimal(in->discount_pct, 4, m, sizeof m)));
	json_object_object_add(b, "taxRate", json_object_new_double_s(
	    in->tax_rate, buf_decimal(in->tax_rate, 6, m, sizeof m)));
	MONEY("taxes", o->taxes);
	MONEY("total", o->total);
	MONEY("depositRequired", in->deposit_cents);
	fees = json_object_new_array();
	for (i = 0; i < in->nfees; i++) {
		struct json_object *fe = json_object_new_object();

		json_object_object_add(fe, "name",
		    json_object_new_string(in->fees[i].name));
		json_object_object_add(fe, "amount", json_object_new_double_s(
		    (double)in->fees[i].cents / 100.0,
		    pricing_format(in->fees[i].cents, m)));
		json_object_array_add(fees, fe);
	}
	json_object_object_add(b, "feesBreakdown", fees);
#undef MONEY
	return b;
}

/* Price the request; sets the error message on failure. */
static enum api_err
booking_price(struct call *c, const struct booking_in *b,
    struct pricing_in *in, struct pricing_out *out)
{
	const char *why;
	int64_t client;
	char a[24];
	enum api_err e;

	e = repo_booking_price_inputs(b->car, b->start, b->end, b->pickup,
	    b->dropoff, in);
	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e != API_OK)
		return e;
	if ((why = pricing_compute(in, out)) != NULL) {
		c->err_message = why;
		return in->available ? API_VALIDATION_ERROR : API_CONFLICT;
	}
	if (b->total != NULL && (pricing_parse(b->total, &client) != 0 ||
	    llabs(client - out->total) > 1)) {
		/* The transaction is rolled back: the failure goes to the log. */
		LOG_WARN("price_validation_failed: car %s client %s server %s",
		    b->car, b->total, pricing_format(out->total, a));
		c->err_message = "totalPrice does not match the price for these dates";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "serverTotal",
		    json_object_new_double_s((double)out->total / 100.0,
		    pricing_format(out->total, a)));
		json_object_object_add(c->err_details, "clientTotal",
		    json_object_new_string(b->total));
		return API_VALIDATION_ERROR;
	}
	return API_OK;
}

/* 409 with the blocking days when any day of the range is taken. */
static enum api_err
booking_days_free(struct call *c, const struct booking_in *b)
{
	struct json_object *days;
	struct db_res *res;
	enum api_err e;
	int i, n;

	e = repo_booking_blocked_days(b->car, b->start, b->end, &res);
	if (e != API_OK)
		return e;
	if ((n = db_rows(res)) == 0) {
		db_free(res);
		return API_OK;
	}
	days = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(days, json_object_new_string(db_val(res, i, 0)));
	db_free(res);
	c->err_message = "The car is not available for these dates";
	c->err_details = json_object_new_object();
	json_object_object_add(c->err_details, "unavailableDates", days);
	json_object_object_add(c->err_details, "retryable",
	    json_object_new_boolean(0));
	return API_CONFLICT;
}

/* Insert the booking and everything that goes with it. */
static enum api_err
booking_write(struct call *c, const struct booking_in *b,
    const struct pricing_in *in, const struct pricing_out *out, char *id,
    size_t idlen, char *customer, char *token, struct json_object *breakdown)
{
	char dedupe[128], total[24], deposit[24], payload[160], hold[40];
	const char *p[11];
	enum api_err e;

	e = repo_booking_customer(c->req->user_id, b->email, b->first, b->last,
	    b->phone, customer, 64);
	if (e != API_OK)
		return e;
	rng_hex(token, 48);
	p[0] = customer;
	p[1] = b->car;
	p[2] = b->start;
	p[3] = b->end;
	p[4] = pricing_format(out->total, total);
	p[5] = pricing_format(in->deposit_cents, deposit);
	p[6] = b->idem;
	p[7] = json_object_to_json_string_ext(breakdown, JSON_C_TO_STRING_PLAIN);
	p[8] = token;
	p[9] = "7";
	booking_hold_deadline(conf->booking_hold_minutes, hold, sizeof hold);
	p[10] = hold;
	if ((e = repo_booking_insert(p, id, idlen)) != API_OK)
		return e;
	if ((e = repo_price_audit(b->car, id, b->total ? "price_validated" :
	    "price_calculated", p[7])) != API_OK)
		return e;
	if ((e = repo_booking_hold(id, b->car, b->start, b->end)) != API_OK ||
	    (e = repo_booking_event(id, "booking_created",
	    c->req->user_id ? "customer" : "system", c->req->user_id, p[7],
	    "Booking created")) != API_OK)
		return e;
	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", id);
	snprintf(dedupe, sizeof dedupe, "booking_confirmation:%s", id);
	if ((e = repo_outbox_add("email", "booking_confirmation", payload,
	    dedupe)) != API_OK || (e = repo_outbox_reminder(id)) != API_OK)
		return e;
	return hooks_event("booking.created", id);
}

static void
booking_answer(struct call *c, const struct pricing_in *in,
    const struct pricing_out *out, const char *id, const char *customer,
    const char *token, struct json_object *breakdown)
{
	struct json_object *o = json_object_new_object();
	char url[512], m[24];

	snprintf(url, sizeof url, "%s/booking/%s", conf->base_url, token);
	json_object_object_add(o, "message",
	    json_object_new_string("Booking created"));
	json_object_object_add(o, "bookingId", json_object_new_string(id));
	json_object_object_add(o, "customerId", json_object_new_string(customer));
	json_object_object_add(o, "bookingUrl", json_object_new_string(url));
	json_object_object_add(o, "status", json_object_new_string("pending_payment"));
	json_object_object_add(o, "totalPrice", json_object_new_double_s(
	    (double)out->total / 100.0, pricing_format(out->total, m)));
	json_object_object_add(o, "currency", json_object_new_string("USD"));
	json_object_object_add(o, "securityDepositAmount", json_object_new_double_s(
	    (double)in->deposit_cents / 100.0, pricing_format(in->deposit_cents, m)));
	json_object_object_add(o, "days", json_object_new_int64(in->days));
	json_object_object_add(o, "priceBreakdown", json_object_get(breakdown));
	response_json(c->resp, 201, o);
}

/* The SHA-256 (hex) of the request body, for Idempotency-Key. */
static void
booking_fingerprint(const struct call *c, char *hash)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256((const unsigned char *)(c->req->body ? c->req->body : ""),
	    c->req->body_len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		sprintf(hash + 2 * i, "%02x", md[i]);
}

/* Whose Idempotency-Keys c's key is among, into scope: the signed-in user,
 * or a guest's client address, so that knowing another guest's key and
 * body never replays that guest's answer (and its secure link). */
static void
booking_idem_scope(const struct call *c, char *scope, size_t len)
{
	if (c->req->user_id != NULL)
		snprintf(scope, len, "%s", c->req->user_id);
	else
		snprintf(scope, len, "guest:%s", c->req->client_ip != NULL ?
		    c->req->client_ip : "unknown");
}

/* A stored answer for this Idempotency-Key: API_OK after replaying it,
 * API_NOT_FOUND to go on, an error otherwise. */
static enum api_err
booking_replay(struct call *c, const char *key, const char *scope,
    const char *hash)
{
	struct db_res *res = NULL;
	const char *json = NULL;
	int status = 0;
	enum api_err e;

	e = repo_idem_get(scope, key, hash, &status, &res, &json);
	if (e == API_OK) {
		response_raw_json(c->resp, status, json, strlen(json));
		response_header(c->resp, "Idempotent-Replayed", "true");
	} else if (e == API_CONFLICT)
		c->err_message = "Idempotency-Key was used for a different request";
	db_free(res);
	return e;
}

/* Run one booking transaction (once) for car under the per-car lock.
 * Deadlocks and serialization failures are retried a few times, as the
 * PostgreSQL manual advises; the lock makes them rare. */
static enum api_err
booking_locked(struct call *c, const struct booking_in *b,
    enum api_err (*once)(struct call *, const struct booking_in *, void *),
    void *arg)
{
	struct lock l;
	enum api_err e;
	int tries = 0;

	if ((e = booking_precheck(c, b)) != API_OK)
		return e;
	/* One booking write per car at a time, filtered in Redis before it
	 * costs the database a queue on the per-car lock. */
	if (!lock_car(&l, b->car)) {
		c->err_message = "Another booking of this car is in progress; retry";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "retryable",
		    json_object_new_boolean(1));
		c->retry_after = 1;
		return API_CONFLICT;
	}
	do {
		e = once(c, b, arg);
	} while (e == API_SERVICE_UNAVAILABLE && ++tries < 3 &&
	    (strcmp(db_sqlstate(), "40P01") == 0 ||
	    strcmp(db_sqlstate(), "40001") == 0));
	lock_release(&l);
	if (e == API_SERVICE_UNAVAILABLE && c->err_message == NULL) {
		c->err_message = "The booking could not be written now; retry";
		c->retry_after = 1;
	}
	return e;
}

static enum api_err
booking_create_once(struct call *c, const struct booking_in *b, void *arg)
{
	struct pricing_in in;
	struct pricing_out out;
	struct json_object *breakdown = NULL;
	char id[64], customer[64], token[97], hash[65], scope[96];
	enum api_err e;

	(void)arg;
	booking_idem_scope(c, scope, sizeof scope);
	booking_fingerprint(c, hash);
	if ((e = db_begin()) != API_OK)
		return e;
	if (b->idem != NULL &&
	    (e = booking_replay(c, b->idem, scope, hash)) != API_NOT_FOUND)
		goto done;
	if ((e = repo_booking_lock_car(b->car)) != API_OK ||
	    (e = booking_price(c, b, &in, &out)) != API_OK ||
	    (e = booking_days_free(c, b)) != API_OK)
		goto done;
	breakdown = booking_breakdown(&in, &out);
	e = booking_write(c, b, &in, &out, id, sizeof id, customer, token,
	    breakdown);
	if (e == API_CONFLICT && c->err_message == NULL)
		c->err_message = "The car is not available for these dates";
	if (e != API_OK)
		goto done;
	booking_answer(c, &in, &out, id, customer, token, breakdown);
	if (b->idem != NULL)
		e = repo_idem_put(scope, b->idem, hash, 201, c->resp->body.data);
done:
	json_object_put(breakdown);
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) == API_OK)
		cache_invalidate_availability(b->car);
	return e;
}

enum api_err
booking_quote(struct call *c, const struct booking_in *b, int64_t *cents)
{
	struct pricing_in in;
	struct pricing_out out;
	enum api_err e;

	if ((e = booking_precheck(c, b)) != API_OK ||
	    (e = booking_price(c, b, &in, &out)) != API_OK)
		return e;
	*cents = out.total;
	return API_OK;
}

enum api_err
booking_create(struct call *c, const struct booking_in *b)
{
	return booking_locked(c, b, booking_create_once, NULL);
}

/* PayPal-first: the booking of an authorized payment, written like any
 * other (lock, server price, days checked and held), with the payment. */
static enum api_err
booking_authorized_once(struct call *c, const struct booking_in *b,
    void *arg)
{
	struct booking_paid *pay = arg;
	struct pricing_in in;
	struct pricing_out out;
	struct json_object *breakdown = NULL;
	char customer[64], token[97], amount[24], details[512];
	enum api_err e;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_booking_lock_car(b->car)) != API_OK ||
	    (e = booking_price(c, b, &in, &out)) != API_OK)
		goto done;
	if (llabs(out.total - pay->cents) > 1) {
		c->err_message = "The authorized amount does not match the price";
		e = API_VALIDATION_ERROR;
		goto done;
	}
	if ((e = booking_days_free(c, b)) != API_OK)
		goto done;
	breakdown = booking_breakdown(&in, &out);
	if ((e = booking_write(c, b, &in, &out, pay->booking_id,
	    sizeof pay->booking_id, customer, token, breakdown)) != API_OK)
		goto done;
	pricing_format(pay->cents, amount);
	snprintf(details, sizeof details, "{\"orderId\":\"%s\",\"authorizationId\":"
	    "\"%s\",\"amount\":\"%s\"}", pay->order_id, pay->authorization_id, amount);
	if ((e = repo_payment_authorized(pay->booking_id, pay->order_id,
	    pay->authorization_id, amount)) != API_OK ||
	    (e = repo_booking_event(pay->booking_id, "payment_authorized", "system",
	    NULL, details, "Payment authorized through PayPal")) != API_OK ||
	    (e = repo_outbox_reminder(pay->booking_id)) != API_OK)
		goto done;
done:
	json_object_put(breakdown);
	if (e != API_OK) {
		db_rollback();
		return e;
	}
	if ((e = db_commit()) == API_OK)
		cache_invalidate_availability(b->car);
	return e;
}

enum api_err
booking_create_paid(struct call *c, const struct booking_in *b,
    struct booking_paid *pay)
{
	if (b->first == NULL || b->email == NULL) {
		c->err_message = "The customer's name and email are required";
		return API_VALIDATION_ERROR;
	}
	return booking_locked(c, b, booking_authorized_once, pay);
}


enum api_err
booking_days_free_except(struct call *c, const char *except, const char *car,
    const char *start, const char *end)
{
	struct json_object *days;
	struct db_res *res;
	enum api_err e;
	int i, n;

	e = except ? repo_admin_blocked_except(except, car, start, end, &res) :
	    repo_booking_blocked_days(car, start, end, &res);
	if (e != API_OK)
		return e;
	if ((n = db_rows(res)) > 0) {
		days = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(days, json_object_new_string(db_val(res, i, 0)));
		c->err_message = "The car is not available for these dates";
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "unavailableDates", days);
		e = API_CONFLICT;
	}
	db_free(res);
	return e;
}

/* The customer of an admin-created booking: by id, or a guest by email. */
static enum api_err
booking_admin_customer(struct call *c, const struct booking_admin_in *in,
    char *customer, size_t len)
{
	enum api_err e;

	if (in->customer != NULL) {
		if ((e = repo_admin_customer_exists(in->customer)) == API_NOT_FOUND)
			c->err_message = "Customer not found";
		snprintf(customer, len, "%s", in->customer);
		return e;
	}
	if (in->email == NULL) {
		c->err_message = "customerId or customerDetails.email is required";
		return API_VALIDATION_ERROR;
	}
	return repo_booking_customer(NULL, in->email, in->first, in->last,
	    in->phone, customer, len);
}

/* The price of an admin booking: the admin's figure, else the server's. */
static enum api_err
booking_admin_price(struct call *c, const struct booking_admin_in *b,
    char *total, char *deposit)
{
	struct pricing_in in;
	struct pricing_out out;
	const char *why;
	enum api_err e;

	e = repo_booking_price_inputs(b->car, b->start, b->end, NULL, NULL, &in);
	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e != API_OK)
		return e;
	if (b->deposit != NULL)
		snprintf(deposit, 24, "%s", b->deposit);
	else
		pricing_format(in.deposit_cents, deposit);
	if (b->total != NULL) {
		snprintf(total, 24, "%s", b->total);
		return API_OK;
	}
	in.available = 1;	/* an admin may book a car withdrawn from sale */
	if ((why = pricing_compute(&in, &out)) != NULL) {
		c->err_message = why;
		return API_VALIDATION_ERROR;
	}
	pricing_format(out.total, total);
	return API_OK;
}

enum api_err
booking_create_admin(struct call *c, const struct booking_admin_in *in,
    struct booking_admin_out *out)
{
	const char *initial = in->initial ? in->initial : "pending_payment";
	char token[97], deposit[24];
	const char *p[11];
	enum api_err e;

	memset(out, 0, sizeof *out);
	if (strcmp(in->start, in->end) >= 0) {
		c->err_message = "endDate must be after startDate";
		return API_VALIDATION_ERROR;
	}
	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_booking_lock_car(in->car)) != API_OK ||
	    (e = booking_admin_price(c, in, out->total, deposit)) != API_OK)
		goto done;
	if (!in->skip_check && (e = booking_days_free_except(c, NULL, in->car,
	    in->start, in->end)) != API_OK)
		goto done;
	if ((e = booking_admin_customer(c, in, out->customer,
	    sizeof out->customer)) != API_OK)
		goto done;
	rng_hex(token, 48);
	p[0] = out->customer; p[1] = in->car; p[2] = in->start; p[3] = in->end;
	p[4] = out->total; p[5] = deposit; p[6] = NULL; p[7] = NULL; p[8] = token;
	p[9] = "30";
	/* An unpaid admin booking is held until its payment link expires. */
	p[10] = strcmp(initial, "pending_payment") == 0 ? "link" : NULL;
	if ((e = repo_booking_insert(p, out->id, sizeof out->id)) != API_OK) {
		if (e == API_CONFLICT)
			c->err_message = "The car is not available for these dates";
		goto done;
	}
	if ((e = repo_admin_booking_initial(out->id, initial, in->notes)) != API_OK ||
	    (e = repo_admin_booking_redate(out->id, in->car, in->start, in->end,
	    strcmp(initial, "pending_payment") == 0 ? "pending_confirmation" :
	    "booked")) != API_OK ||
	    (e = repo_booking_event(out->id, "admin_created_booking", "admin",
	    c->req->user_id, NULL, "Booking created by admin")) != API_OK)
		goto done;
	snprintf(out->url, sizeof out->url, "%s/booking/%s", conf->base_url, token);
done:
	if (e == API_OK && (e = db_commit()) == API_OK)
		cache_invalidate_availability(in->car);
	else if (e != API_OK)
		db_rollback();
	return e;
}
