/* booking.h -- the booking domain: one home for a booking's life.
 *
 * The status machine (booking_rules[], domain.md §4.4) says who may move
 * a booking from one status to another; booking_move() applies a move
 * and its effects (days, dispute, cancellation email and webhook, event).
 * A cancellation takes the same path whoever asks (customer, admin, hold
 * expiry, void), and the payment of a cancelled booking is settled after
 * the commit.  Creation and quoting (booking_create.c) are shared by the
 * site, the PayPal-first flow and the back office; payments
 * (booking_pay.c) are captured by one function whichever path brings
 * the capture (route, scheduler, webhook).
 *
 * The route handlers in svc_bookings.c, svc_admin.c and svc_payments.c
 * are thin: they read fields and answer.  Everything here runs on the
 * repositories (repo.h), the outbox and the clock, which the unit tests
 * swap (tests/test_booking.c). */
#ifndef BOOKING_H
#define BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apierr.h"
#include "paypal.h"
#include "route.h"

struct json_object;

/* Who may move a booking: a mask of these. */
enum booking_who {
	BOOKING_CUSTOMER = 1u << 0,	/* the booking's own customer */
	BOOKING_ADMIN = 1u << 1,	/* the back office */
	BOOKING_SYSTEM = 1u << 2	/* the scheduler, payments, webhooks */
};

/* One allowed move of the status machine. */
struct booking_rule {
	const char	*from, *to;
	unsigned	 who;		/* enum booking_who, or'ed */
};
extern const struct booking_rule booking_rules[];
extern const size_t booking_nrules;

/* Who is acting: one of enum booking_who and the user's id (or NULL). */
struct booking_actor {
	enum booking_who	 who;
	const char		*id;
};

/* The actor type of a booking event ("customer", "admin", "system"). */
const char *booking_actor_name(const struct booking_actor *a);
/* Whether who may move a booking from status from to status to. */
bool booking_can_move(const char *from, const char *to, unsigned who);
/* The statuses who may move a booking to from from, as a JSON array
 * (in table order; the caller owns it). */
struct json_object *booking_moves_from(const char *from, unsigned who);

/* A booking as a move found and left it. */
struct booking_moved {
	char	from[40], car[64], start[11], end[11];
};

/* Move booking id to status to inside the caller's transaction: lock it,
 * check the machine for actor a (400 with error.details.allowedTransitions
 * when refused; customers are told it can no longer be cancelled), set
 * the status, apply the effects of entering to and log event (with from,
 * to, reason, actor).  c (may be NULL) gets the error message. */
enum api_err booking_move(struct call *c, const struct booking_actor *a,
    const char *id, const char *to, const char *reason, const char *event,
    struct booking_moved *m);
/* End the transaction of a move: roll back when e is an error, else
 * commit, drop car's cached availability and, when the booking was
 * cancelled (to), settle its payment.  Returns e or the commit's error. */
enum api_err booking_finish(enum api_err e, const struct booking_actor *a,
    const char *id, const char *car, const char *to, const char *reason);
/* Cancel booking id for a (its own transaction): a customer may cancel
 * only their own booking (404 otherwise) before pickup.  Same effects on
 * every path: days released, cancellation email and booking.cancelled
 * queued, event, cache, payment voided or refunded. */
enum api_err booking_cancel(struct call *c, const struct booking_actor *a,
    const char *id, const char *reason, struct booking_moved *m);
/* Cancel every unpaid booking whose own hold_until has passed (by the
 * clock), each through the cancellation above; *count gets how many. */
enum api_err booking_expire_holds(long limit, long *count);
/* hold_until of a site booking made now: now + BOOKING_HOLD_MINUTES as
 * an ISO 8601 UTC time (at least 32 bytes). */
void booking_hold_deadline(long minutes, char *out, size_t len);

/* booking_create.c */
/* A booking to write, from either booking route's validated fields. */
struct booking_in {
	const char	*car, *start, *end;
	const char	*first, *last, *email, *phone;	/* the customer */
	const char	*total;		/* the client's figure (checked), or NULL */
	const char	*pickup, *dropoff;	/* location ids, or NULL */
	const char	*idem;		/* Idempotency-Key, or NULL */
	char		 name[128];	/* storage of a split full name */
};
/* An authorized PayPal payment to book with. */
struct booking_paid {
	const char	*order_id, *authorization_id;
	int64_t		 cents;		/* the authorized amount */
	char		 booking_id[64];	/* out */
};
/* A booking made by the back office. */
struct booking_admin_in {
	const char	*car, *customer;	/* customer id, or NULL: guest */
	const char	*first, *last, *email, *phone;
	const char	*start, *end, *total, *deposit, *notes, *initial;
	bool		 skip_check;	/* skipAvailabilityCheck */
};
struct booking_admin_out {
	char	id[64], customer[64], url[512], total[24];
};
/* POST /api/bookings: price on the server, check and hold the days, write
 * the booking (held until BOOKING_HOLD_MINUTES from now), queue its email
 * and webhook; answers 201 (an Idempotency-Key replays the first answer). */
enum api_err booking_create(struct call *c, const struct booking_in *b);
/* The server's price of b in *cents, after the same checks. */
enum api_err booking_quote(struct call *c, const struct booking_in *b,
    int64_t *cents);
/* Write the booking of an authorized payment (PayPal first): the same
 * checks, lock and holds, plus the payment (authorized); the booking is
 * paid, so it holds no deadline.  Fails when the amount is not the price. */
enum api_err booking_create_paid(struct call *c, const struct booking_in *b,
    struct booking_paid *pay);
/* Book on a customer's behalf: the admin's price or the server's, a
 * 30-day payment link whose deadline is the hold's. */
enum api_err booking_create_admin(struct call *c,
    const struct booking_admin_in *in, struct booking_admin_out *out);
/* 409 (details: unavailableDates) when a day of start..end of car is
 * taken by anything but booking except (NULL: by anything). */
enum api_err booking_days_free_except(struct call *c, const char *except,
    const char *car, const char *start, const char *end);

/* booking_pay.c */
/* The outcome of capturing a booking's payment. */
struct booking_capture {
	enum paypal_rc		rc;
	struct paypal_why	why;
	char			capture_id[128];
	char			status[32];	/* the payment's status after */
	bool			reauthorized;	/* a new authorization was made */
	bool			moved;		/* this call captured the row */
};
/* PayPal's honour period: an authorization older than this is
 * reauthorized before a capture. */
#define BOOKING_HONOUR_SECONDS	(3L * 86400)
/* Capture the authorized payment of booking: reauthorize first when the
 * authorization is past the honour period (the new authorization is
 * recorded even if the capture then fails; a refused reauthorization
 * leaves the booking as it was: API_OK with out->rc refused and status
 * "authorized"), then capture and take the one capture path.  API_OK when
 * PayPal answered (out->rc says how), API_NOT_FOUND without a payment,
 * API_INVALID_REQUEST when it is not authorized, API_SERVICE_UNAVAILABLE
 * when PayPal is unreachable. */
enum api_err booking_capture(const struct booking_actor *a,
    const char *booking, struct booking_capture *out);
/* The one capture path, in the caller's transaction: move payment (of
 * booking) to captured with capture_id only if it is not captured yet.
 * *moved tells whether this call changed the row; only then the booking's
 * days are booked, the event logged, the receipt email and the
 * payment.captured webhook queued, and *car gets the car whose cache the
 * caller drops after COMMIT. */
enum api_err booking_captured(const char *payment, const char *booking,
    const char *capture_id, const char *actor, const char *actor_id,
    bool *moved, char *car, size_t carlen);
/* After a booking was cancelled (committed): void its authorized payment
 * or refund its captured one.  A failure is left to the scheduler. */
enum api_err booking_settle(const char *booking, const struct booking_actor *a,
    const char *reason);
/* Void the authorized payment of booking and cancel it (admin). */
enum api_err booking_void(struct call *c, const struct booking_actor *a,
    const char *booking, const char *reason);
/* The scheduled job: capture what is due, settle what cancellations
 * left; adds its counts to report. */
enum api_err booking_run_due(long limit, struct json_object *report);
/* Pay by link: the booking behind a secure token that may still be paid.
 * id, car and the server's price (cents) out; 404 unknown or expired
 * link, 409 paid or cancelled. */
enum api_err booking_payable(struct call *c, const char *token, char *id,
    size_t idlen, int64_t *cents);
/* Pay by link, step 2: record authorization auth (of cents) for the
 * booking behind token, which moves as a paid site booking does. */
enum api_err booking_pay_authorized(struct call *c, const char *token,
    const char *order, const char *auth, int64_t cents, char *id,
    size_t idlen);
/* An authorization whose booking could not be written or paid: void it
 * (a failure is logged for a person to void it in PayPal). */
void booking_release_authorization(const char *auth);
/* The answer of a PayPal failure: 503 (retry later) when PayPal could not
 * be reached, 502 with what PayPal said when it refused. */
enum api_err booking_paypal_failed(struct call *c, enum paypal_rc rc,
    const struct paypal_why *w);

#endif
