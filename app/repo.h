/* repo.h -- repositories: all SQL, $n parameters only, grouped by file. */
#ifndef REPO_H
#define REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apierr.h"

struct json_object;

struct db_res;

/* repo.c */
/* Run sql and hand over its single text value (a JSON document built by
 * PostgreSQL) in *json, owned by *res (caller frees with db_free());
 * API_NOT_FOUND when the query yields no row or NULL. */
enum api_err repo_json(const char *sql, int n, const char *const *p,
    struct db_res **res, const char **json);

/* repo_users.c */
/* The role of user id (a uuid) into role.  API_NOT_FOUND if none. */
enum api_err repo_user_role(const char *id, char *role, size_t rolelen);
/* Create an account with its profile and customer row, in one
 * transaction.  API_CONFLICT when the email is taken.  id gets the uuid. */
enum api_err repo_user_create(const char *email, const char *hash,
    const char *first, const char *last, const char *phone, char *id,
    size_t idlen);
/* The id, password hash and role of the account with email.
 * API_NOT_FOUND if none. */
enum api_err repo_user_by_email(const char *email, char *id, size_t idlen,
    char *hash, size_t hashlen, char *role, size_t rolelen);
/* Store a new refresh token (raw text; stored hashed) in family (NULL
 * starts one) for user id. */
enum api_err repo_refresh_add(const char *user_id, const char *family,
    const char *token, long ttl);
/* Spend refresh token: on success user_id and family get its owner and
 * family.  A token already spent revokes its whole family.  API_UNAUTHORIZED
 * when it is unknown, spent, revoked or expired. */
enum api_err repo_refresh_use(const char *token, char *user_id, size_t ulen,
    char *family, size_t flen);
/* Revoke the family of token.  API_OK even when it is unknown. */
enum api_err repo_refresh_revoke(const char *token);
/* The query of the admins' user list, by name. */
enum repo_users_q { REPO_USERS_PAGE, REPO_USERS_LIMIT, REPO_USERS_SEARCH,
	REPO_USERS_ROLE, REPO_USERS_NQ };
/* Accounts newest first, paged, optionally those whose email contains
 * search or with role, as JSON {success, users, pagination} owned by
 * *res (caller frees with db_free()). */
enum api_err repo_user_list(const char *const p[REPO_USERS_NQ],
    struct db_res **res, const char **json);
/* Give account id role ("admin" or "customer") in one transaction that
 * locks every admin's profile first, so concurrent changes run one after
 * the other.  before gets the role it had, email its address.
 * API_NOT_FOUND for an unknown account, API_CONFLICT when it would leave
 * no admin. */
enum api_err repo_user_set_role(const char *id, const char *role,
    char *before, size_t beforelen, char *email, size_t emaillen);

/* repo_audit.c */
/* One admin write, as the dispatcher records it (NULL: SQL NULL; before
 * and after are JSON text). */
struct repo_audit_row {
	const char	*actor, *action, *target, *before, *after;
	const char	*trace_id, *client_ip, *method, *path;
};
/* Append a row to admin_audit_log (its own statement, after the write
 * committed). */
enum api_err repo_audit_add(const struct repo_audit_row *a);
/* The query of the audit log, by name (NULL: no filter; from and to are
 * days, inclusive). */
enum repo_audit_q { REPO_AUDIT_PAGE, REPO_AUDIT_LIMIT, REPO_AUDIT_ADMIN,
	REPO_AUDIT_ACTION, REPO_AUDIT_TARGET, REPO_AUDIT_FROM, REPO_AUDIT_TO,
	REPO_AUDIT_NQ };
/* Audit rows newest first, filtered and paged, as JSON {success, entries,
 * pagination} owned by *res (caller frees with db_free()). */
enum api_err repo_audit_list(const char *const p[REPO_AUDIT_NQ],
    struct db_res **res, const char **json);

/* repo_cars.c -- each returns a JSON document in *json, owned by *res
 * (caller frees with db_free()). */
struct db_res;
/* A visible car by id (uuid) or slug (the other NULL).  API_NOT_FOUND if
 * missing or hidden. */
enum api_err repo_car_get(const char *id, const char *slug,
    struct db_res **res, const char **json);
/* A catalogue query: filters (NULL: none), order and page, as text. */
struct repo_car_query {
	const char	*search, *category, *min_price, *max_price;
	const char	*features;		/* comma-separated names */
	const char	*sort_by, *sort_order;	/* featured|name|price, asc|desc */
	const char	*page, *limit;
};
/* The visible fleet of query q, filtered, sorted and paged. */
enum api_err repo_car_list(const struct repo_car_query *q, struct db_res **res,
    const char **json);
/* Day-by-day status of car from start to end inclusive.  API_NOT_FOUND
 * for an unknown or hidden car. */
enum api_err repo_car_availability(const char *car, const char *start,
    const char *end, struct db_res **res, const char **json);

/* repo_bookings.c -- run inside the caller's transaction. */
struct pricing_in;
/* Take the per-car booking lock until COMMIT. */
enum api_err repo_booking_lock_car(const char *car);
/* Load what the price of car from start to end depends on.
 * API_NOT_FOUND for an unknown or hidden car. */
enum api_err repo_booking_price_inputs(const char *car, const char *start,
    const char *end, const char *pickup, const char *dropoff,
    struct pricing_in *in);
/* Days of car between start and end that are held, booked or under
 * maintenance (one text column).  Caller frees *res. */
enum api_err repo_booking_blocked_days(const char *car, const char *start,
    const char *end, struct db_res **res);
/* The customer of an account (user_id set) or the guest with email. */
enum api_err repo_booking_customer(const char *user_id, const char *email,
    const char *first, const char *last, const char *phone, char *id,
    size_t idlen);
/* Insert a pending booking with its secure token.  p: customer, car,
 * start, end, total, deposit, Idempotency-Key, breakdown (JSON), token,
 * the token's days, hold_until (ISO 8601; "link": the token's expiry;
 * NULL: none).  API_CONFLICT when the dates overlap another. */
enum api_err repo_booking_insert(const char *const *p, char *id, size_t idlen);
/* Hold the days start..end of car for booking (pending_confirmation). */
enum api_err repo_booking_hold(const char *booking, const char *car,
    const char *start, const char *end);
/* Append an event to a booking's timeline (details: JSON text or NULL). */
enum api_err repo_booking_event(const char *booking, const char *type,
    const char *actor, const char *actor_id, const char *details,
    const char *summary);
/* Record a price calculation or validation (outcome: price_calculated,
 * price_validated or price_validation_failed). */
enum api_err repo_price_audit(const char *car, const char *booking,
    const char *outcome, const char *details);
/* Queue a job in the transactional outbox (dedupe: at most once). */
enum api_err repo_outbox_add(const char *queue, const char *job,
    const char *payload, const char *dedupe);
/* Lock up to limit unrelayed outbox rows of the queues named in the
 * PostgreSQL array literal queues ("{email,webhook}"), oldest first,
 * skipping rows another relay holds: id, job name, payload, idempotency
 * key, queue, and the ms until the payload's sendAt (0: now). */
enum api_err repo_outbox_claim(const char *queues, long limit, struct db_res **res);
/* Queue booking's reminder email, sent (a delayed job) the day before
 * pick-up at 00:00 UTC, once per start date; nothing unless the booking
 * is pending_contract or upcoming and picked up after today.  Call it
 * wherever a booking may enter those states or change its dates. */
enum api_err repo_outbox_reminder(const char *booking);
/* Whether booking's reminder is still right to send: *due when it is
 * picked up tomorrow (UTC), on start (NULL: any day), and is
 * pending_contract or upcoming. */
enum api_err repo_reminder_due(const char *booking, const char *start, bool *due);
/* Mark outbox row id relayed to the queue. */
enum api_err repo_outbox_relayed(const char *id);
/* The template data of a booking's emails as JSON text: raw figures
 * (numbers, ISO dates, holdUntil in UTC while unpaid, the hold falling
 * back to hold_minutes after creation) for template_email_vars(). */
enum api_err repo_email_booking(const char *booking, const char *base_url,
    long hold_minutes, struct db_res **res, const char **json);
/* API_OK when booking exists and email kind can be sent for it (a
 * receipt needs a captured payment: else API_CONFLICT). */
enum api_err repo_email_resendable(const char *booking, const char *kind);
/* Page (20 each, newest first) of the Resend inbox, optionally matching
 * search in recipient or subject, as JSON {emails, pagination}. */
enum api_err repo_email_inbox(const char *page, const char *search,
    struct db_res **res, const char **json);
/* The email state of booking as JSON: its status columns and events. */
enum api_err repo_email_status_booking(const char *booking, struct db_res **res,
    const char **json);
/* email_events paged (p: page, limit, status or NULL, type or NULL) as
 * JSON {emails, pagination, stats}. */
enum api_err repo_email_status_list(const char *const p[4], struct db_res **res,
    const char **json);
/* Queue again (outbox) up to 100 failed booking emails of kind retried
 * fewer than max_retries times; *count gets how many. */
enum api_err repo_email_retry_failed(const char *kind, const char *max_retries,
    long *count);
/* Record an email of kind for booking: sent with its Message-ID, or failed
 * with error (a retry follows); the booking's email columns follow. */
enum api_err repo_email_sent(const char *booking, const char *kind,
    const char *to, const char *subject, const char *message_id,
    const char *error);
/* A stored answer for (scope, key): API_OK with it when hash (hex) matches,
 * API_CONFLICT when the key was used for another request, API_NOT_FOUND. */
enum api_err repo_idem_get(const char *scope, const char *key,
    const char *hash, int *status, struct db_res **res, const char **json);
/* Store the answer for (scope, key). */
enum api_err repo_idem_put(const char *scope, const char *key,
    const char *hash, int status, const char *json);
/* A booking by secure token; API_FORBIDDEN once the token expired. */
enum api_err repo_booking_by_token(const char *token, struct db_res **res,
    const char **json);
/* The bookings of an account, newest first. */
enum api_err repo_booking_mine(const char *user_id, struct db_res **res,
    const char **json);
/* Lock the account's own booking; API_NOT_FOUND if it is not theirs. */
enum api_err repo_booking_cancel_own(const char *user_id,
    const char *booking, char *car, size_t carlen, char *status,
    size_t statuslen);
/* Mark cancelled and release its days; it holds nothing any more. */
enum api_err repo_booking_set_cancelled(const char *booking);
/* Unpaid bookings whose hold_until is before now (ISO 8601), at most
 * limit, oldest deadline first: id. */
enum api_err repo_booking_holds_due(const char *now, long limit,
    struct db_res **res);
/* Lock booking id if its hold is still lapsed at now (pending, unpaid,
 * hold_until before now): its status and car.  API_NOT_FOUND otherwise. */
enum api_err repo_booking_hold_lapsed(const char *id, const char *now,
    char *status, size_t slen, char *car, size_t clen);
/* The booking behind a secure token, locked, for paying it: id, overall
 * and payment status, car and total price in cents.  API_NOT_FOUND for
 * an unknown token, API_FORBIDDEN once it expired. */
enum api_err repo_booking_payable(const char *token, char *id, size_t idlen,
    char *status, size_t slen, char *payment, size_t plen, char *car,
    size_t clen, int64_t *cents);

/* repo_reviews.c */
/* Reviews of a visible car, newest first, each with the business's public
 * response; unapproved (pending, rejected) ones too when asked, deleted
 * ones never.  API_NOT_FOUND for an unknown or hidden car. */
enum api_err repo_review_list(const char *car, const char *page,
    const char *limit, int unapproved, struct db_res **res, const char **json);
/* For a review by account user_id of booking on car: its customer id and
 * name, and the booking's status.  API_FORBIDDEN when the account has no
 * customer row, API_NOT_FOUND when the booking is not theirs for car. */
enum api_err repo_review_context(const char *user_id, const char *car,
    const char *booking, char *customer, size_t clen, char *name, size_t nlen,
    char *status, size_t slen);
/* Insert a verified, unapproved review; API_CONFLICT if the booking has
 * one.  *json is the 201 answer. */
enum api_err repo_review_insert(const char *car, const char *customer,
    const char *booking, const char *name, const char *rating,
    const char *comment, struct db_res **res, const char **json);
/* What moderation does to a review. */
enum review_move {
	REVIEW_APPROVE,
	REVIEW_REJECT,
	REVIEW_DELETE,
	REVIEW_RESPOND,		/* write or replace the business's response */
	REVIEW_UNRESPOND	/* withdraw it */
};
/* A review's state, read under its row lock. */
struct review_state {
	char	status[16];	/* pending, approved, rejected, deleted */
	char	car[40];
	char	booking[40];	/* "" when none */
	int	responded;	/* a live response of the business exists */
};
/* Reviews for moderators, newest first: of status (pending, approved,
 * rejected, deleted; NULL: all but deleted), of car when not NULL.
 * API_NOT_FOUND for an unknown car. */
enum api_err repo_review_admin_list(const char *status, const char *car,
    const char *page, const char *limit, struct db_res **res,
    const char **json);
/* One review as moderators see it (deleted ones too). */
enum api_err repo_review_admin_get(const char *id, struct db_res **res,
    const char **json);
/* Lock review id (in a transaction) and read its state; API_NOT_FOUND
 * when there is none. */
enum api_err repo_review_lock(const char *id, struct review_state *st);
/* Approve, reject (reason: NULL for none) or soft-delete review id, as
 * admin.  The rating trigger updates the car's figures. */
enum api_err repo_review_set(const char *id, enum review_move move,
    const char *admin, const char *reason);
/* Write or replace the business's response to review id. */
enum api_err repo_review_respond(const char *id, const char *admin,
    const char *text);
/* Withdraw the business's response to review id (soft delete). */
enum api_err repo_review_unrespond(const char *id);

/* repo_admin.c */
/* Lock booking id; its status, car and dates (start, end: 11 bytes). */
enum api_err repo_admin_booking_lock(const char *id, char *status,
    size_t slen, char *car, size_t clen, char *start, char *end);
/* Set the overall status. */
enum api_err repo_admin_booking_status(const char *id, const char *to);
/* Mark the booking's days booked (its holds and free days). */
enum api_err repo_admin_booking_book_days(const char *id, const char *car,
    const char *start, const char *end);
/* Release the booking's days after today (on completion). */
enum api_err repo_admin_booking_release_after_today(const char *id);
/* Open a dispute row for the booking unless one exists. */
enum api_err repo_admin_booking_dispute(const char *id, const char *reason);
/* Bookings for the back office; p: status group, search, startDate,
 * endDate, page, limit, sortBy, sortOrder. */
enum api_err repo_admin_booking_list(const char *const *p,
    struct db_res **res, const char **json);
/* One booking with customer, car, payments, timeline, media, dispute. */
enum api_err repo_admin_booking_detail(const char *id, const char *base_url,
    struct db_res **res, const char **json);
/* A car as the back office writes it: validated text (NULL: absent, the
 * column's default), the child rows as JSON arrays. */
struct repo_car_in {
	const char	*name, *category, *description, *short_description;
	const char	*available, *featured, *hidden;		/* true|false */
	const char	*base_price, *currency, *deposit, *discount;
	const char	*minimum_days, *offer;
	const char	*images, *features, *specifications;	/* JSON */
};
/* Create (car_id NULL) or replace car in with its pricing and child rows,
 * in one transaction.  id gets the car's id. */
enum api_err repo_fleet_save(const char *car_id, const struct repo_car_in *in,
    const char *slug, char *id, size_t idlen);
/* Delete a car; API_CONFLICT while it has current or future bookings. */
enum api_err repo_fleet_delete(const char *id);
/* Set hidden ("true"/"false"). */
enum api_err repo_fleet_hide(const char *id, const char *hidden);
/* The dashboard: four stats, recent bookings, popular cars. */
enum api_err repo_admin_analytics(struct db_res **res, const char **json);
/* Cancel unpaid bookings older than minutes and release their days.
 * Rows: car_id, how many of its bookings expired. */
enum api_err repo_admin_expire_holds(long minutes, struct db_res **res);
/* API_NOT_FOUND unless customer id exists. */
enum api_err repo_admin_customer_exists(const char *id);
/* Set the statuses of an admin-created booking from its initial status. */
enum api_err repo_admin_booking_initial(const char *id, const char *initial,
    const char *notes);
/* Update the given (non-NULL) fields; *json lists the changes. */
enum api_err repo_admin_booking_update(const char *const *p,
    struct db_res **res, const char **json);
/* Move the booking's days to start..end with availability status. */
enum api_err repo_admin_booking_redate(const char *id, const char *car,
    const char *start, const char *end, const char *status);
/* Days taken in start..end by anything but booking id. */
enum api_err repo_admin_blocked_except(const char *id, const char *car,
    const char *start, const char *end, struct db_res **res);
/* Ids of the most-booked visible cars of the last 30 days (then featured,
 * then newest), at most limit. */
enum api_err repo_admin_popular_cars(long limit, struct db_res **res);
/* id, slug and name of the visible cars (at most 1000). */
enum api_err repo_admin_visible_cars(struct db_res **res);
/* Every car, hidden ones too, newest first. */
enum api_err repo_admin_car_list(const char *page, const char *limit,
    struct db_res **res, const char **json);

/* repo_payments.c */
/* Record an authorized PayPal payment of booking (status authorized,
 * booking payment authorized and overall upcoming; it holds no deadline
 * any more). */
enum api_err repo_payment_authorized(const char *booking, const char *order,
    const char *auth, const char *amount);
/* The latest payment of booking, locked with its booking: id, status,
 * authorization id, capture id, amount, captured amount, the booking's
 * overall status and car, and when it was authorized (epoch seconds).
 * No row: none. */
enum api_err repo_payment_of_booking(const char *booking, struct db_res **res);
/* A new authorization auth of payment (reauthorized now). */
enum api_err repo_payment_reauthorized(const char *payment, const char *auth);
/* Move payment (of booking) to captured with capture_id only if it is
 * neither captured, refunded nor voided: *moved tells whether this call
 * changed the row; then the booking's payment status, status (pending ->
 * upcoming) and days (booked) follow, and *cents and car get its amount
 * and car. */
enum api_err repo_payment_capture_once(const char *payment,
    const char *booking, const char *capture_id, bool *moved, int64_t *cents,
    char *car, size_t clen);
/* Move payment (of booking) to status, recording capture_id when given;
 * the booking's payment status follows; captured also books its days and
 * moves a pending booking to upcoming. */
enum api_err repo_payment_move(const char *payment, const char *booking,
    const char *status, const char *capture_id);
/* Bookings whose authorized payment is due for capture: contract signed,
 * or pickup within 24 hours. */
enum api_err repo_payments_due(long limit, struct db_res **res);
/* Cancelled bookings with a payment still authorized or captured. */
enum api_err repo_payments_unsettled(long limit, struct db_res **res);

/* repo_webhooks.c */
/* Claim event id of provider type for processing in the caller's
 * transaction: API_OK, or API_CONFLICT when it was processed already (a
 * concurrent claim waits for the first one's outcome). */
enum api_err repo_webhook_claim(const char *id, const char *type);
/* The claimed event's booking (or NULL) and result, before the commit. */
enum api_err repo_webhook_mark(const char *id, const char *type,
    const char *booking, const char *result);
/* The booking (locked) and latest payment a PayPal resource names: ids
 * are its resource id, custom_id and related authorization id.  payment
 * is "" when the booking has none. */
enum api_err repo_webhook_payment(const char *const *ids, char *booking,
    size_t blen, char *payment, size_t plen);
/* A dispute opened on booking: the row, and the booking disputed. */
enum api_err repo_webhook_dispute(const char *booking, const char *dispute,
    const char *reason, const char *amount);
/* A dispute resolved; writes its booking. */
enum api_err repo_webhook_dispute_resolved(const char *dispute, char *booking,
    size_t len);
/* Keep a verified delivery whose processing failed, for a retry in a
 * minute (headers without credentials). */
enum api_err repo_webhook_retry_add(const char *id, const char *type,
    const char *payload, const char *headers, const char *endpoint,
    const char *error);
/* Claim up to limit retries that are due: id, type, payload, attempts,
 * max attempts, the provider's event id. */
enum api_err repo_webhook_retries_due(long limit, struct db_res **res);
/* The outcome of one retry: succeeded, or rescheduled (+5, +15, +60, +60
 * minutes) until its last attempt makes it a dead letter (*dead then). */
enum api_err repo_webhook_retry_done(const char *id, bool ok, const char *error,
    bool *dead);
/* The booking whose id is the text id, locked; NOT_FOUND if none. */
enum api_err repo_webhook_booking(const char *id, char *booking, size_t len);
/* Upsert the Resend inbox row of an email: p holds email id, event type,
 * event time, to, from, subject, booking (or NULL), tags JSON, bounce
 * type, bounce message, the payload. */
enum api_err repo_webhook_inbox(const char *const *p);
/* The booking and email type of the booking email recorded as sent with
 * message_id (a Resend email id); NOT_FOUND if none. */
enum api_err repo_webhook_email_by_message(const char *message_id,
    char *booking, size_t len, char *email_type, size_t typelen);
/* The delivery status of a booking's email of email_type (email_events);
 * a delivered confirmation also sets email_confirmation_sent_at.  failure
 * (a bounce or complaint, else NULL) becomes the booking's last email
 * failure, and a confirmation or receipt's status failed. */
enum api_err repo_webhook_email_status(const char *booking,
    const char *email_type, const char *status, const char *recipient,
    const char *message_id, const char *failure);
/* A booking's contract status (signed: with its time) from DocuSeal. */
enum api_err repo_webhook_contract(const char *booking, const char *status,
    const char *submission);
/* A signed document of a booking, kept as a rental_agreement media row. */
enum api_err repo_webhook_document(const char *booking, const char *name,
    const char *url);
/* Dead letters: webhook_retries rows whose attempts ran out.  Their view
 * is {id, provider, eventId, eventType, state (waiting, retrying,
 * retried, discarded), attempts, lastError, receivedAt, deadLetteredAt,
 * lastAttemptAt, retriedAt, retriedBy, discardedAt, discardedBy,
 * discardReason}. */
#define REPO_DEAD_NQ	5
/* {success, deadLetters, pagination}, newest first; p: page, limit,
 * provider, event type (NULL: any), state or "all". */
enum api_err repo_webhook_dead_list(const char *const p[REPO_DEAD_NQ],
    struct db_res **res, const char **json);
/* One dead letter's view with its payload and headers (as stored: the
 * caller redacts them); NOT_FOUND if none. */
enum api_err repo_webhook_dead_get(const char *id, struct db_res **res,
    const char **json);
/* A dead letter's state into state; NOT_FOUND if none. */
enum api_err repo_webhook_dead_state(const char *id, char *state, size_t len);
/* Claim waiting dead letter id for a retry by admin (committed at once):
 * *res holds its provider, event id and payload; API_CONFLICT when it is
 * not waiting (taken by another retry, retried or discarded). */
enum api_err repo_webhook_dead_claim(const char *id, const char *admin,
    struct db_res **res);
/* A claimed dead letter's retry: succeeded, or waiting again with error. */
enum api_err repo_webhook_dead_done(const char *id, bool ok, const char *error);
/* Discard waiting dead letter id, keeping who and why; API_CONFLICT when
 * it is not waiting. */
enum api_err repo_webhook_dead_discard(const char *id, const char *admin,
    const char *reason);
/* Up to limit waiting dead letters (id, provider, and how many wait in
 * all), oldest first, of provider and event type (NULL: any). */
enum api_err repo_webhook_dead_waiting(const char *provider,
    const char *event_type, long limit, struct db_res **res);
/* The waiting dead letters per provider: provider, count. */
enum api_err repo_webhook_dead_counts(struct db_res **res);

/* repo_reports.c: CSV reports.  JSON views carry id, kind, from, to,
 * status (queued, running, done, failed), progress, rowCount, bytes,
 * error, times and downloadUrl. */
enum api_err repo_report_create(const char *kind, const char *from,
    const char *to, const char *user, struct db_res **res, const char **json);
enum api_err repo_report_get(const char *id, struct db_res **res, const char **json);
/* The newest 50, as {reports}. */
enum api_err repo_report_list(struct db_res **res, const char **json);
/* A report's status and CSV (NULL until done). */
enum api_err repo_report_content(const char *id, struct db_res **res,
    const char **status, const char **csv);
/* Mark report id running; res gets kind, from, to.  API_NOT_FOUND when
 * it is unknown or already finished. */
enum api_err repo_report_start(const char *id, struct db_res **res);
enum api_err repo_report_progress(const char *id, int percent);
/* Done with csv and rows, or failed with error. */
enum api_err repo_report_finish(const char *id, const char *csv, long rows,
    const char *error);
/* The months of [from, to]: start, end (exclusive), first day in range. */
enum api_err repo_report_months(const char *from, const char *to, struct db_res **res);
/* bookings_revenue row of [start, end): month, bookings, cancelled,
 * rental days, booked value, captured, refunded. */
enum api_err repo_report_month_row(const char *start, const char *end,
    struct db_res **res);
/* Every car: id, name, category. */
enum api_err repo_report_cars(struct db_res **res);
/* fleet_utilisation figures of car over [from, to]: days in range,
 * booked days, bookings, booked value. */
enum api_err repo_report_car_row(const char *car, const char *from,
    const char *to, struct db_res **res);

/* repo_images.c: uploaded images.  repo_image_add records an upload
 * at storage path and queues its variants job (outbox; same transaction). */
enum api_err repo_image_add(const char *path, const char *user, const char *type,
    size_t bytes);
/* The content type of the upload at path still waiting for variants;
 * API_NOT_FOUND when none waits (done, failed, deleted or unknown). */
enum api_err repo_image_pending(const char *path, struct db_res **res);
/* Record the variants (JSON array) of path and hand them to the car
 * images naming it; *cars gets the ids of those cars. */
enum api_err repo_image_done(const char *path, const char *variants, int width,
    int height, struct db_res **cars);
enum api_err repo_image_failed(const char *path, const char *error);
/* Mark path deleted; res gets the storage paths of its variants. */
enum api_err repo_image_delete(const char *path, struct db_res **res);


/* repo_backoffice.c: the back office's tables.  Lists answer a JSON
 * document; writes answer {"before": row|null, "after": row|null}.  Each
 * hands *json over owned by *res (caller frees with db_free()) and
 * answers API_NOT_FOUND when the row (or the car, or the location it
 * belongs to) does not exist, API_CONFLICT on a uniqueness rule. */
/* API_OK when car (or location) exists, else API_NOT_FOUND. */
enum api_err repo_bo_car_exists(const char *car);
enum api_err repo_bo_location_exists(const char *location);
/* API_OK when block id of car exists, else API_NOT_FOUND. */
enum api_err repo_bo_block_exists(const char *car, const char *id);
/* A car's maintenance blocks, by start. */
enum api_err repo_bo_blocks(const char *car, struct db_res **res,
    const char **json);
/* The days from start to end that car cannot be blocked on: rows
 * (date, "booking"|"maintenance") for live bookings and for other blocks
 * than self (NULL: none). */
enum api_err repo_bo_block_conflicts(const char *car, const char *self,
    const char *start, const char *end, struct db_res **res);
/* Write a block and its maintenance days (run under the car's booking
 * lock, after repo_bo_block_conflicts()). */
enum api_err repo_bo_block_create(const char *car, const char *start,
    const char *end, const char *reason, struct db_res **res, const char **json);
enum api_err repo_bo_block_update(const char *car, const char *id,
    const char *start, const char *end, const char *reason,
    struct db_res **res, const char **json);
/* Delete a block and free its days. */
enum api_err repo_bo_block_delete(const char *car, const char *id,
    struct db_res **res, const char **json);
/* A car's additional fees (mandatory first). */
enum api_err repo_bo_fees(const char *car, struct db_res **res, const char **json);
enum api_err repo_bo_fee_create(const char *car, const char *name,
    const char *amount, const char *optional, const char *description,
    struct db_res **res, const char **json);
enum api_err repo_bo_fee_update(const char *car, const char *id,
    const char *name, const char *amount, const char *optional,
    const char *description, struct db_res **res, const char **json);
enum api_err repo_bo_fee_delete(const char *car, const char *id,
    struct db_res **res, const char **json);
/* Peak-pricing rules.  p6: name, start, end, days ("{0,6}" or NULL),
 * multiplier, active; id NULL creates. */
enum api_err repo_bo_peaks(struct db_res **res, const char **json);
enum api_err repo_bo_peak_save(const char *id, const char *const p6[6],
    struct db_res **res, const char **json);
enum api_err repo_bo_peak_delete(const char *id, struct db_res **res,
    const char **json);
/* Tax configurations (percent: the rate x 100); id NULL creates. */
enum api_err repo_bo_taxes(struct db_res **res, const char **json);
enum api_err repo_bo_tax_save(const char *id, const char *location,
    const char *name, const char *percent, const char *active,
    struct db_res **res, const char **json);
enum api_err repo_bo_tax_delete(const char *id, struct db_res **res,
    const char **json);
/* Locations; deleting one deletes its fees and tax configurations. */
enum api_err repo_bo_locations(struct db_res **res, const char **json);
enum api_err repo_bo_location_save(const char *id, const char *name,
    const char *address, const char *active, struct db_res **res,
    const char **json);
enum api_err repo_bo_location_delete(const char *id, struct db_res **res,
    const char **json);
/* A location's fees (percent: the share x 100, or NULL); id NULL creates. */
enum api_err repo_bo_location_fees(const char *location, struct db_res **res,
    const char **json);
enum api_err repo_bo_location_fee_save(const char *location, const char *id,
    const char *type, const char *amount, const char *percent,
    const char *active, struct db_res **res, const char **json);
enum api_err repo_bo_location_fee_delete(const char *location, const char *id,
    struct db_res **res, const char **json);

#endif
