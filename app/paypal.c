/* paypal.c -- PayPal REST calls. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "clock.h"
#include "conf.h"
#include "http.h"
#include "log.h"
#include "paypal.h"
#include "pricing.h"
#include "redis.h"

#define PAYPAL_TOKEN_KEY	"paypal:v1:token"
#define PAYPAL_TOKEN_MAX	(8 * 3600)
#define PAYPAL_BREAKER_FAILURES	5
#define PAYPAL_BREAKER_OPEN_US	(30 * 1000000LL)

static char	paypal_token_v[2048];
static int64_t	paypal_token_until;	/* clock_mono_us() */
static int	paypal_failures;
static int64_t	paypal_open_until;

static bool
paypal_configured(void)
{
	return conf->paypal_client_id[0] != '\0' &&
	    conf->paypal_client_secret[0] != '\0';
}

static void
paypal_breaker(bool ok)
{
	if (ok) {
		paypal_failures = 0;
		return;
	}
	if (++paypal_failures >= PAYPAL_BREAKER_FAILURES) {
		if (paypal_failures == PAYPAL_BREAKER_FAILURES)
			LOG_WARN("paypal: %d failures, circuit open", paypal_failures);
		paypal_open_until = clock_mono_us() + PAYPAL_BREAKER_OPEN_US;
	}
}

/* Fetch a new token from PayPal and keep it.  Returns 0 or -1. */
static int
paypal_token_fetch(void)
{
	const char *hdr[] = { "Accept: application/json",
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	static const char form[] = "grant_type=client_credentials";
	struct http_result res;
	struct json_object *o = NULL, *t, *e;
	char url[512], userpwd[1024];
	long ttl;
	int rc = -1;

	snprintf(url, sizeof url, "%s/v1/oauth2/token", conf->paypal_api_base);
	snprintf(userpwd, sizeof userpwd, "%s:%s", conf->paypal_client_id,
	    conf->paypal_client_secret);
	if (http_call("POST", url, hdr, form, sizeof form - 1, userpwd,
	    conf->paypal_timeout, &res) == 0 && res.status == 200 &&
	    (o = json_tokener_parse(res.body.data ? res.body.data : "")) != NULL &&
	    json_object_object_get_ex(o, "access_token", &t) &&
	    json_object_object_get_ex(o, "expires_in", &e) &&
	    json_object_get_string_len(t) < (int)sizeof paypal_token_v) {
		snprintf(paypal_token_v, sizeof paypal_token_v, "%s",
		    json_object_get_string(t));
		ttl = (long)json_object_get_int64(e) - 300;
		if (ttl > PAYPAL_TOKEN_MAX)
			ttl = PAYPAL_TOKEN_MAX;
		if (ttl < 60)
			ttl = 60;
		paypal_token_until = clock_mono_us() + ttl * 1000000LL;
		(void)redis_cache_set(PAYPAL_TOKEN_KEY, paypal_token_v,
		    strlen(paypal_token_v), ttl);
		rc = 0;
	} else
		LOG_ERR("paypal: token request failed: %ld %s", res.status,
		    res.error);
	paypal_breaker(rc == 0 || (res.status >= 400 && res.status < 500));
	json_object_put(o);
	http_result_free(&res);
	return rc;
}

/* A usable token: in process, else from Redis, else from PayPal. */
static const char *
paypal_token(bool fresh)
{
	char *v = NULL;
	size_t len;
	long ttl = 60;

	if (!fresh && paypal_token_until > clock_mono_us())
		return paypal_token_v;
	if (!fresh && redis_get_value(PAYPAL_TOKEN_KEY, &v, &len) == 1 &&
	    len < sizeof paypal_token_v) {
		memcpy(paypal_token_v, v, len + 1);
		paypal_token_until = clock_mono_us() + ttl * 1000000LL;
		free(v);
		return paypal_token_v;
	}
	free(v);
	return paypal_token_fetch() == 0 ? paypal_token_v : NULL;
}

/* Fill why from a refusal. */
static void
paypal_refusal(const struct http_result *res, struct json_object *o,
    struct paypal_why *why)
{
	struct json_object *d, *v;

	memset(why, 0, sizeof *why);
	why->status = res->status;
	if (o == NULL)
		return;
	if (json_object_object_get_ex(o, "debug_id", &v))
		snprintf(why->debug_id, sizeof why->debug_id, "%s",
		    json_object_get_string(v));
	if (json_object_object_get_ex(o, "details", &d) &&
	    json_object_is_type(d, json_type_array) &&
	    json_object_array_length(d) > 0 &&
	    json_object_object_get_ex(json_object_array_get_idx(d, 0), "issue", &v))
		snprintf(why->issue, sizeof why->issue, "%s", json_object_get_string(v));
	else if (json_object_object_get_ex(o, "name", &v))
		snprintf(why->issue, sizeof why->issue, "%s", json_object_get_string(v));
}

/* POST path with body (JSON text or NULL) and request_id.  On PAYPAL_OK
 * *out is the answer's JSON (NULL for an empty body; caller puts it). */
static enum paypal_rc
paypal_post(const char *path, const char *body, const char *request_id,
    struct json_object **out, struct paypal_why *why)
{
	const char *hdr[5];
	char url[512], auth[2100], rid[300];
	struct http_result res;
	struct json_object *o;
	const char *tok;
	enum paypal_rc rc = PAYPAL_DOWN;
	int attempt;

	*out = NULL;
	memset(why, 0, sizeof *why);
	if (!paypal_configured() || clock_mono_us() < paypal_open_until)
		return PAYPAL_DOWN;
	snprintf(url, sizeof url, "%s%s", conf->paypal_api_base, path);
	for (attempt = 0; attempt < 2; attempt++) {
		if ((tok = paypal_token(attempt > 0)) == NULL)
			return PAYPAL_DOWN;
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
		snprintf(rid, sizeof rid, "PayPal-Request-Id: %s", request_id);
		hdr[0] = auth;
		hdr[1] = "Content-Type: application/json";
		hdr[2] = "Prefer: return=representation";
		hdr[3] = request_id ? rid : NULL;
		hdr[4] = NULL;
		if (http_call("POST", url, hdr, body ? body : "", body ? strlen(body) : 0,
		    NULL, conf->paypal_timeout, &res) != 0) {
			LOG_ERR("paypal: POST %s failed: %s", path, res.error);
			http_result_free(&res);
			paypal_breaker(false);
			return PAYPAL_DOWN;
		}
		if (res.status != 401)
			break;
		paypal_token_until = 0;		/* expired early: get another */
		http_result_free(&res);
	}
	if (attempt == 2)
		return PAYPAL_DOWN;
	o = res.body.len > 0 ? json_tokener_parse(res.body.data) : NULL;
	if (res.status >= 200 && res.status < 300) {
		*out = o;
		o = NULL;
		rc = PAYPAL_OK;
	} else if (res.status >= 400 && res.status < 500) {
		paypal_refusal(&res, o, why);
		LOG_WARN("paypal: POST %s refused: %ld %s (debug id %s)", path,
		    res.status, why->issue, why->debug_id);
		rc = PAYPAL_REFUSED;
	} else
		LOG_ERR("paypal: POST %s answered %ld", path, res.status);
	paypal_breaker(rc != PAYPAL_DOWN);
	json_object_put(o);
	http_result_free(&res);
	return rc;
}

/* The string at o.k, or "". */
static const char *
paypal_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return o != NULL && json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static struct json_object *
paypal_amount(int64_t cents)
{
	struct json_object *a = json_object_new_object();
	char v[24];

	json_object_object_add(a, "currency_code", json_object_new_string("USD"));
	json_object_object_add(a, "value", json_object_new_string(
	    pricing_format(cents, v)));
	return a;
}

enum paypal_rc
paypal_create_order(const char *booking_ref, int64_t cents,
    const char *description, const char *request_id, char *order_id,
    size_t len, struct paypal_why *why)
{
	struct json_object *o = json_object_new_object(), *pu, *units, *ctx,
	    *ans = NULL;
	char ref[160], url[600];
	enum paypal_rc rc;

	snprintf(ref, sizeof ref, "BOOKING-%s", booking_ref);
	pu = json_object_new_object();
	json_object_object_add(pu, "reference_id", json_object_new_string(ref));
	json_object_object_add(pu, "custom_id", json_object_new_string(booking_ref));
	json_object_object_add(pu, "description", json_object_new_string(
	    description ? description : "ExoDrive Car Rental Booking"));
	json_object_object_add(pu, "amount", paypal_amount(cents));
	units = json_object_new_array();
	json_object_array_add(units, pu);
	ctx = json_object_new_object();
	json_object_object_add(ctx, "brand_name", json_object_new_string("ExoDrive"));
	json_object_object_add(ctx, "user_action", json_object_new_string("PAY_NOW"));
	snprintf(url, sizeof url, "%s/booking/confirmation", conf->base_url);
	json_object_object_add(ctx, "return_url", json_object_new_string(url));
	snprintf(url, sizeof url, "%s/booking/cancelled", conf->base_url);
	json_object_object_add(ctx, "cancel_url", json_object_new_string(url));
	json_object_object_add(o, "intent", json_object_new_string("AUTHORIZE"));
	json_object_object_add(o, "purchase_units", units);
	json_object_object_add(o, "application_context", ctx);
	rc = paypal_post("/v2/checkout/orders",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), request_id,
	    &ans, why);
	json_object_put(o);
	if (rc == PAYPAL_OK && *paypal_str(ans, "id") == '\0')
		rc = PAYPAL_DOWN;
	if (rc == PAYPAL_OK)
		snprintf(order_id, len, "%s", paypal_str(ans, "id"));
	json_object_put(ans);
	return rc;
}

/* purchase_units[0].payments.<kind>[0] of an order, or NULL. */
static struct json_object *
paypal_first_payment(struct json_object *order, const char *kind)
{
	struct json_object *u, *p, *a;

	if (!json_object_object_get_ex(order, "purchase_units", &u) ||
	    !json_object_is_type(u, json_type_array) ||
	    json_object_array_length(u) == 0 ||
	    !json_object_object_get_ex(json_object_array_get_idx(u, 0), "payments", &p) ||
	    !json_object_object_get_ex(p, kind, &a) ||
	    !json_object_is_type(a, json_type_array) || json_object_array_length(a) == 0)
		return NULL;
	return json_object_array_get_idx(a, 0);
}

enum paypal_rc
paypal_authorize(const char *order_id, const char *request_id, char *auth_id,
    size_t len, int64_t *cents, struct paypal_why *why)
{
	struct json_object *ans = NULL, *a, *amt;
	char path[256];
	enum paypal_rc rc;

	snprintf(path, sizeof path, "/v2/checkout/orders/%s/authorize", order_id);
	if ((rc = paypal_post(path, NULL, request_id, &ans, why)) != PAYPAL_OK)
		return rc;
	a = paypal_first_payment(ans, "authorizations");
	if (strcmp(paypal_str(ans, "status"), "COMPLETED") != 0 || a == NULL ||
	    *paypal_str(a, "id") == '\0' ||
	    !json_object_object_get_ex(a, "amount", &amt) ||
	    pricing_parse(paypal_str(amt, "value"), cents) != 0) {
		why->status = 200;
		snprintf(why->issue, sizeof why->issue, "ORDER_NOT_AUTHORIZED");
		rc = PAYPAL_REFUSED;
	} else
		snprintf(auth_id, len, "%s", paypal_str(a, "id"));
	json_object_put(ans);
	return rc;
}

enum paypal_rc
paypal_capture(const char *auth_id, int64_t cents, const char *request_id,
    char *capture_id, size_t len, struct paypal_why *why)
{
	struct json_object *o = json_object_new_object(), *ans = NULL;
	char path[256];
	enum paypal_rc rc;

	json_object_object_add(o, "amount", paypal_amount(cents));
	json_object_object_add(o, "final_capture", json_object_new_boolean(1));
	snprintf(path, sizeof path, "/v2/payments/authorizations/%s/capture", auth_id);
	rc = paypal_post(path, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), request_id, &ans, why);
	json_object_put(o);
	if (rc == PAYPAL_OK && strcmp(paypal_str(ans, "status"), "COMPLETED") != 0) {
		why->status = 200;
		snprintf(why->issue, sizeof why->issue, "CAPTURE_%s",
		    *paypal_str(ans, "status") ? paypal_str(ans, "status") : "UNKNOWN");
		rc = PAYPAL_REFUSED;
	}
	if (rc == PAYPAL_OK)
		snprintf(capture_id, len, "%s", paypal_str(ans, "id"));
	json_object_put(ans);
	return rc;
}

enum paypal_rc
paypal_reauthorize(const char *auth_id, int64_t cents, const char *request_id,
    char *new_auth_id, size_t len, struct paypal_why *why)
{
	struct json_object *o = json_object_new_object(), *ans = NULL;
	char path[256];
	enum paypal_rc rc;

	json_object_object_add(o, "amount", paypal_amount(cents));
	snprintf(path, sizeof path, "/v2/payments/authorizations/%s/reauthorize",
	    auth_id);
	rc = paypal_post(path, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), request_id, &ans, why);
	json_object_put(o);
	if (rc == PAYPAL_OK && (*paypal_str(ans, "id") == '\0' ||
	    (strcmp(paypal_str(ans, "status"), "CREATED") != 0 &&
	    strcmp(paypal_str(ans, "status"), "PENDING") != 0))) {
		why->status = 200;
		snprintf(why->issue, sizeof why->issue, "REAUTHORIZATION_%s",
		    *paypal_str(ans, "status") ? paypal_str(ans, "status") : "UNKNOWN");
		rc = PAYPAL_REFUSED;
	}
	if (rc == PAYPAL_OK)
		snprintf(new_auth_id, len, "%s", paypal_str(ans, "id"));
	json_object_put(ans);
	return rc;
}

enum paypal_rc
paypal_void(const char *auth_id, const char *request_id, struct paypal_why *why)
{
	struct json_object *ans = NULL;
	char path[256];
	enum paypal_rc rc;

	snprintf(path, sizeof path, "/v2/payments/authorizations/%s/void", auth_id);
	rc = paypal_post(path, NULL, request_id, &ans, why);
	json_object_put(ans);
	return rc;
}

enum paypal_rc
paypal_refund(const char *capture_id, int64_t cents, const char *request_id,
    char *refund_id, size_t len, struct paypal_why *why)
{
	struct json_object *o = json_object_new_object(), *ans = NULL;
	char path[256];
	enum paypal_rc rc;

	json_object_object_add(o, "amount", paypal_amount(cents));
	snprintf(path, sizeof path, "/v2/payments/captures/%s/refund", capture_id);
	rc = paypal_post(path, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), request_id, &ans, why);
	json_object_put(o);
	if (rc == PAYPAL_OK && strcmp(paypal_str(ans, "status"), "COMPLETED") != 0 &&
	    strcmp(paypal_str(ans, "status"), "PENDING") != 0) {
		why->status = 200;
		snprintf(why->issue, sizeof why->issue, "REFUND_%s", paypal_str(ans, "status"));
		rc = PAYPAL_REFUSED;
	}
	if (rc == PAYPAL_OK)
		snprintf(refund_id, len, "%s", paypal_str(ans, "id"));
	json_object_put(ans);
	return rc;
}

enum paypal_rc
paypal_verify_webhook(const struct paypal_sig *sig, const char *event)
{
	struct json_object *o, *ev, *ans = NULL;
	struct paypal_why why;
	enum paypal_rc rc;

	if (conf->paypal_webhook_id[0] == '\0' ||
	    (ev = json_tokener_parse(event)) == NULL)
		return PAYPAL_REFUSED;
	o = json_object_new_object();
	json_object_object_add(o, "auth_algo", json_object_new_string(sig->auth_algo));
	json_object_object_add(o, "cert_url", json_object_new_string(sig->cert_url));
	json_object_object_add(o, "transmission_id",
	    json_object_new_string(sig->transmission_id));
	json_object_object_add(o, "transmission_sig",
	    json_object_new_string(sig->transmission_sig));
	json_object_object_add(o, "transmission_time",
	    json_object_new_string(sig->transmission_time));
	json_object_object_add(o, "webhook_id",
	    json_object_new_string(conf->paypal_webhook_id));
	json_object_object_add(o, "webhook_event", ev);
	rc = paypal_post("/v1/notifications/verify-webhook-signature",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), NULL, &ans,
	    &why);
	json_object_put(o);
	if (rc == PAYPAL_OK &&
	    strcmp(paypal_str(ans, "verification_status"), "SUCCESS") != 0)
		rc = PAYPAL_REFUSED;
	json_object_put(ans);
	return rc;
}
