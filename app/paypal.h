/* paypal.h -- the PayPal REST client (Orders v2, Payments v2, webhook
 * verification), on http.c.
 *
 * An OAuth client-credentials token is kept in Redis (shared by every
 * process, for at most 8 hours and refreshed 5 minutes before PayPal's
 * expiry) and in process; a 401 drops it and the call is made once more
 * with a new one.  Every write carries a PayPal-Request-Id, so a retried
 * call is not applied twice.  Five transport failures or 5xx answers in a
 * row open a circuit for 30 s: calls fail at once meanwhile. */
#ifndef PAYPAL_H
#define PAYPAL_H

#include <stddef.h>
#include <stdint.h>

enum paypal_rc {
	PAYPAL_OK = 0,
	PAYPAL_REFUSED,		/* PayPal answered no (4xx, or not COMPLETED) */
	PAYPAL_DOWN		/* unreachable, 5xx, timeout, open circuit,
				   or not configured */
};

/* What PayPal said when it refused: its HTTP status, issue and debug id. */
struct paypal_why {
	long	status;
	char	issue[96];
	char	debug_id[64];
};

/* Create an order (intent AUTHORIZE) of cents USD for booking_ref.
 * Writes the order id.  request_id makes the call idempotent. */
enum paypal_rc paypal_create_order(const char *booking_ref, int64_t cents,
    const char *description, const char *request_id, char *order_id,
    size_t len, struct paypal_why *why);
/* Authorize order_id.  Writes the authorization id and its amount. */
enum paypal_rc paypal_authorize(const char *order_id, const char *request_id,
    char *auth_id, size_t len, int64_t *cents, struct paypal_why *why);
/* Capture cents of authorization auth_id (final capture).  Writes the
 * capture id.  A capture PayPal declines is PAYPAL_REFUSED. */
enum paypal_rc paypal_capture(const char *auth_id, int64_t cents,
    const char *request_id, char *capture_id, size_t len,
    struct paypal_why *why);
/* Reauthorize authorization auth_id for cents (after the three-day honour
 * period; valid up to 29 days after the original): writes the new
 * authorization id.  PayPal v2 POST
 * /v2/payments/authorizations/{id}/reauthorize. */
enum paypal_rc paypal_reauthorize(const char *auth_id, int64_t cents,
    const char *request_id, char *new_auth_id, size_t len,
    struct paypal_why *why);
/* Void authorization auth_id. */
enum paypal_rc paypal_void(const char *auth_id, const char *request_id,
    struct paypal_why *why);
/* Refund cents of capture capture_id.  Writes the refund id. */
enum paypal_rc paypal_refund(const char *capture_id, int64_t cents,
    const char *request_id, char *refund_id, size_t len,
    struct paypal_why *why);

/* The transmission headers of a webhook delivery. */
struct paypal_sig {
	const char	*auth_algo, *cert_url, *transmission_id,
			*transmission_sig, *transmission_time;
};
/* Ask PayPal whether event (the delivered JSON) was signed for
 * PAYPAL_WEBHOOK_ID.  PAYPAL_OK when verified, PAYPAL_REFUSED when not. */
enum paypal_rc paypal_verify_webhook(const struct paypal_sig *sig,
    const char *event);

#endif
