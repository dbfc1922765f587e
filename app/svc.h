/* svc.h -- route handlers, grouped by the service file that holds them. */
#ifndef SVC_H
#define SVC_H

#include <stdint.h>

#include "route.h"

struct db_res;
struct json_object;

/* The inputs of the routes, by name.  One enum per key array of routes.c,
 * named after it: the array's entries are designated ([CARS_PAGE] = {...})
 * and handlers read c->req->field[CARS_PAGE], so reordering an array or
 * an enum moves nothing.  Each enum ends with its count (X__COUNT), and
 * routes.c asserts that every array has exactly that many entries. */
enum keys_register { REG_EMAIL, REG_PASSWORD, REG_FIRST_NAME, REG_LAST_NAME,
	REG_PHONE, REG__COUNT };
enum keys_login { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__COUNT };
enum keys_refresh { REFRESH_TOKEN, REFRESH__COUNT };	/* also logout */
enum keys_cars { CARS_SEARCH, CARS_CATEGORY, CARS_MIN_PRICE, CARS_MAX_PRICE,
	CARS_FEATURES, CARS_SORT_BY, CARS_SORT_ORDER, CARS_PAGE, CARS_LIMIT,
	CARS__COUNT };
enum keys_car_id { CARID_CAR, CARID__COUNT };	/* {carId} */
enum keys_car_slug { SLUG_SLUG, SLUG__COUNT };
enum keys_availability { AVAIL_CAR, AVAIL_START, AVAIL_END, AVAIL__COUNT };
/* The car body of POST /api/admin/cars; PUT adds the path's CAR_ID. */
enum keys_car { CAR_NAME, CAR_CATEGORY, CAR_DESCRIPTION, CAR_SHORT,
	CAR_AVAILABLE, CAR_FEATURED, CAR_HIDDEN, CAR_PRICE, CAR_CURRENCY,
	CAR_DEPOSIT, CAR_DISCOUNT, CAR_MINDAYS, CAR_OFFER, CAR_IMAGES,
	CAR_FEATURES, CAR_SPECS, CAR_NEW__COUNT,
	CAR_ID = CAR_NEW__COUNT, CAR_PUT__COUNT };
enum keys_car_visibility { VIS_CAR, VIS_HIDDEN, VIS__COUNT };
enum keys_image_delete { IMGDEL_PATH, IMGDEL__COUNT };
enum keys_report_new { REPNEW_KIND, REPNEW_FROM, REPNEW_TO, REPNEW__COUNT };
enum keys_report { REPORT_ID, REPORT__COUNT };
enum keys_queue { QUEUE_NAME, QUEUE__COUNT };
enum keys_queue_jobs { QJOBS_QUEUE, QJOBS_STATE, QJOBS_PAGE, QJOBS_LIMIT,
	QJOBS__COUNT };
enum keys_queue_job { QJOB_QUEUE, QJOB_ID, QJOB__COUNT };
enum keys_queue_stats { QSTATS_QUEUE, QSTATS_MINUTES, QSTATS__COUNT };
enum keys_pool { POOL_FORMAT, POOL__COUNT };

/* Inputs by name: one enum per key array of routes.c, whose entries are
 * designated [NAME] = { ... }; handlers read c->req->field[NAME]. */
enum { /* keys_booking */
	BK_CAR, BK_START, BK_END, BK_NAME, BK_EMAIL, BK_PHONE, BK_TOTAL,
	BK_CURRENCY, BK_DEPOSIT, BK_PICKUP, BK_DROPOFF, BK_IDEM
};
enum { /* keys_token */
	TK_TOKEN
};
enum { /* keys_booking_id */
	BI_ID
};
enum { /* keys_create_order */
	CO_CAR, CO_START, CO_END, CO_BOOKING, CO_DESC
};
enum { /* keys_authorize */
	AO_ORDER, AO_CAR, AO_START, AO_END, AO_TOTAL, AO_FIRST, AO_LAST,
	AO_EMAIL, AO_PHONE
};
enum { /* keys_void */
	VO_ID, VO_REASON
};
enum { /* keys_paypal_event */
	PE_ID, PE_TYPE, PE_TIME, PE_VERSION, PE_SUMMARY, PE_RESOURCE_ID,
	PE_RESOURCE_STATUS, PE_CUSTOM_ID, PE_INVOICE, PE_CURRENCY, PE_VALUE
};
enum { /* keys_resend_event */
	RE_TYPE, RE_CREATED, RE_EMAIL_ID, RE_FROM, RE_SUBJECT, RE_BOOKING,
	RE_EMAIL_TYPE, RE_BOUNCE_TYPE, RE_BOUNCE_MESSAGE, RE_SVIX_ID
};
enum { /* keys_docuseal_event */
	DE_TYPE, DE_TIMESTAMP, DE_BOOKING
};
enum { /* keys_admin_bookings */
	AL_STATUS, AL_SEARCH, AL_START, AL_END, AL_PAGE, AL_LIMIT, AL_SORT,
	AL_ORDER
};
enum { /* keys_admin_status */
	AS_ID, AS_STATUS, AS_REASON, AS_NOTES
};
enum { /* keys_admin_cancel */
	AC_ID, AC_REASON
};
enum { /* keys_admin_new */
	AB_CAR, AB_CUSTOMER, AB_FIRST, AB_LAST, AB_EMAIL, AB_PHONE, AB_START,
	AB_END, AB_TOTAL, AB_CURRENCY, AB_DEPOSIT, AB_NOTES, AB_SKIP,
	AB_INITIAL
};
enum { /* keys_admin_edit */
	UB_ID, UB_NOTES, UB_ADMIN_NOTES, UB_PICKUP, UB_DROPOFF, UB_START,
	UB_END, UB_TOTAL, UB_DEPOSIT, UB_OVERALL, UB_PAYMENT, UB_CONTRACT
};
enum { /* keys_rate_monitor */
	RM_MINUTES, RM_IDENTIFIER
};
enum { /* keys_override_set */
	OS_KIND, OS_ID, OS_FACTOR, OS_TTL
};
enum { /* keys_override_del */
	OD_KIND, OD_ID
};
enum { /* keys_warm */
	WM_POPULAR, WM_AVAILABILITY, WM_LIMIT, WM_DAYS
};
enum { /* keys_pages */
	PG_PAGE, PG_LIMIT
};
enum { /* keys_pay_authorize */
	PA_TOKEN, PA_ORDER
};


/* svc.c */
/* A scheduled job: does up to limit units of work and adds its counts to
 * report. */
typedef enum api_err (*svc_job)(long limit, struct json_object *report);
/* Run job from a route (cron): 200 with its report and success. */
enum api_err svc_job_answer(struct call *c, svc_job job, long limit);
/* Answer 200 with the JSON document json of a repository call that
 * returned e (or the error, with missing as the 404 message); frees res. */
enum api_err svc_answer(struct call *c, enum api_err e, struct db_res *res,
    const char *json, const char *missing);

/* svc_health.c */
/* GET /api/health: 200 while the process can answer. */
enum api_err svc_health_live(struct call *c);
/* GET /api/health/ready: 200 ready or degraded (Redis down), 503 when
 * PostgreSQL is unreachable. */
enum api_err svc_health_ready(struct call *c);

/* svc_auth.c */
/* POST /api/auth/register: 201 with tokens; 409 if the email is taken. */
enum api_err svc_auth_register(struct call *c);
/* POST /api/auth/login: 200 with tokens; 401 for any bad pair. */
enum api_err svc_auth_login(struct call *c);
/* POST /api/auth/refresh: rotate the refresh token; a replayed one
 * revokes its family. */
enum api_err svc_auth_refresh(struct call *c);
/* POST /api/auth/logout: revoke the refresh token's family; 204. */
enum api_err svc_auth_logout(struct call *c);

/* svc_cars.c */
/* GET /api/cars: visible fleet with filters, sort and pages. */
enum api_err svc_cars_list(struct call *c);
/* GET /api/cars/{carId}: one visible car in full; 404 otherwise. */
enum api_err svc_cars_get(struct call *c);
/* GET /api/cars/slug/{slug}: the same by slug. */
enum api_err svc_cars_by_slug(struct call *c);
/* GET /api/cars/availability: day by day, at most 366 days. */
enum api_err svc_cars_availability(struct call *c);

/* svc_bookings.c: thin handlers over booking.h */
/* POST /api/bookings: server-priced booking for a guest or a customer;
 * an Idempotency-Key replays the first answer. */
enum api_err svc_bookings_create(struct call *c);
/* POST /api/bookings/by-token/{token}/paypal-order: a PayPal order for
 * that booking at its server price; 409 paid or cancelled. */
enum api_err svc_bookings_pay_order(struct call *c);
/* POST /api/bookings/by-token/{token}/paypal-authorize: authorize it; the
 * booking moves as a paid site booking does. */
enum api_err svc_bookings_pay_authorize(struct call *c);

/* svc_payments.c */
enum api_err svc_payments_create_order(struct call *c);
enum api_err svc_payments_authorize(struct call *c);
enum api_err svc_payments_capture(struct call *c);
enum api_err svc_payments_void(struct call *c);
enum api_err svc_payments_process(struct call *c);
/* svc_emails.c */
/* The inputs of the email routes by name: routes.c fills each key array
 * as [NAME] = { .name = ... }, and the handlers read c->req->field[NAME]. */
enum email_preview_key { EMAIL_PREVIEW_TYPE, EMAIL_PREVIEW_FORMAT, EMAIL_PREVIEW_BOOKING };
enum email_mock_key { EMAIL_MOCK_TEMPLATE, EMAIL_MOCK_FORMAT, EMAIL_MOCK_DATA };
enum email_test_key { EMAIL_TEST_TYPE, EMAIL_TEST_BOOKING, EMAIL_TEST_RECIPIENT };
enum email_resend_key { EMAIL_RESEND_BOOKING, EMAIL_RESEND_TYPE, EMAIL_RESEND_REASON };
enum email_status_key { EMAIL_STATUS_BOOKING, EMAIL_STATUS_PAGE, EMAIL_STATUS_LIMIT,
	EMAIL_STATUS_STATUS, EMAIL_STATUS_TYPE };
enum email_retry_key { EMAIL_RETRY_ACTION, EMAIL_RETRY_TYPE, EMAIL_RETRY_MAX };
enum email_inbox_key { EMAIL_INBOX_PAGE, EMAIL_INBOX_SEARCH };
enum email_contact_key { EMAIL_CONTACT_NAME, EMAIL_CONTACT_EMAIL, EMAIL_CONTACT_PHONE,
	EMAIL_CONTACT_MESSAGE };
/* GET /api/admin/emails/preview: a booking's email rendered. */
enum api_err svc_emails_preview(struct call *c);
/* POST /api/admin/emails/preview/mock: a template rendered with data
 * overlaid on a made-up booking; 400 naming data.<member> that is not
 * text, a number, true/false or a list. */
enum api_err svc_emails_preview_mock(struct call *c);
enum api_err svc_emails_resend(struct call *c);
enum api_err svc_emails_inbox(struct call *c);
enum api_err svc_emails_contact(struct call *c);
enum api_err svc_emails_send_test(struct call *c);
enum api_err svc_emails_status(struct call *c);
enum api_err svc_emails_retry_failed(struct call *c);

/* svc_meta.c: the API's own description */
enum api_err svc_meta_openapi(struct call *c);
enum api_err svc_meta_metrics(struct call *c);
enum api_err svc_meta_pool(struct call *c);

/* svc_images.c */
enum api_err svc_images_upload(struct call *c);
enum api_err svc_images_delete(struct call *c);

/* svc_reports.c */
enum api_err svc_reports_create(struct call *c);
enum api_err svc_reports_list(struct call *c);
enum api_err svc_reports_get(struct call *c);
enum api_err svc_reports_download(struct call *c);

/* svc_queues.c */
enum api_err svc_queues_list(struct call *c);
enum api_err svc_queues_jobs(struct call *c);
enum api_err svc_queues_job(struct call *c);
enum api_err svc_queues_retry(struct call *c);
enum api_err svc_queues_remove(struct call *c);
enum api_err svc_queues_pause(struct call *c);
enum api_err svc_queues_resume(struct call *c);
enum api_err svc_queues_stats(struct call *c);
/* Every queue's counts per state and paused flag (and, when hour, the
 * outcomes of its last hour) as a JSON array; NULL when Redis is down. */
struct json_object *svc_queues_summary(bool hour);

/* svc_webhooks.c */
enum api_err svc_webhooks_paypal_verify(struct call *c);
enum api_err svc_webhooks_paypal(struct call *c);
enum api_err svc_webhooks_retry(struct call *c);
enum api_err svc_webhooks_resend_verify(struct call *c);
enum api_err svc_webhooks_resend(struct call *c);
enum api_err svc_webhooks_docuseal_verify(struct call *c);
enum api_err svc_webhooks_docuseal(struct call *c);
/* The retry job: process up to limit stored deliveries that are due;
 * adds its counts to report.  Those whose last attempt failed become dead
 * letters (counted, and the gauge recounted). */
enum api_err svc_webhooks_retry_due(long limit, struct json_object *report);
/* Apply event id of provider type (its JSON text payload) once, in one
 * transaction, as a verified delivery is: *duplicate when it had been
 * applied already.  API_VALIDATION_ERROR for a payload that is not a JSON
 * object or an unknown provider; else the processing's error. */
enum api_err svc_webhooks_process(const char *type, const char *id,
    const char *payload, bool *duplicate);
/* Count the waiting dead letters per provider (METRICS_PROVIDERS values,
 * in metrics_providers order) into n and the metrics file's gauge. */
enum api_err svc_webhooks_dead_count(int64_t *n);
/* Recount the gauge when it is older than max_age_ms (0: now). */
void svc_webhooks_dead_gauge(int64_t max_age_ms);

/* svc_deadletters.c: inbound webhook dead letters for admins. */
enum dead_list_key {		/* GET /api/admin/webhooks/inbound/dead-letters */
	DEAD_LIST_PROVIDER, DEAD_LIST_EVENT_TYPE, DEAD_LIST_STATE,
	DEAD_LIST_PAGE, DEAD_LIST_LIMIT, DEAD_LIST__COUNT
};
enum dead_id_key {		/* .../dead-letters/{deadLetterId}[/retry] */
	DEAD_ID, DEAD_ID__COUNT
};
enum dead_discard_key {		/* .../dead-letters/{deadLetterId}/discard */
	DEAD_DISCARD_ID, DEAD_DISCARD_REASON, DEAD_DISCARD__COUNT
};
enum dead_retry_all_key {	/* POST .../dead-letters/retry */
	DEAD_ALL_PROVIDER, DEAD_ALL_EVENT_TYPE, DEAD_ALL_LIMIT, DEAD_ALL__COUNT
};
/* GET: dead letters by provider, event type and state (default waiting),
 * newest first, paged. */
enum api_err svc_deadletters_list(struct call *c);
/* GET .../{deadLetterId}: one, with its payload and headers, credentials
 * redacted; 404. */
enum api_err svc_deadletters_get(struct call *c);
/* POST .../{deadLetterId}/retry: apply a waiting one now, once (200 with
 * the outcome: applied, duplicate or failed); 404; 409 when it is not
 * waiting (being retried, retried, discarded). */
enum api_err svc_deadletters_retry(struct call *c);
/* POST .../retry: retry up to limit waiting ones, oldest first, of a
 * provider and event type; 200 with the counts. */
enum api_err svc_deadletters_retry_all(struct call *c);
/* POST .../{deadLetterId}/discard: set a waiting one aside with a reason
 * (kept, never retried); 404; 409 when it is not waiting. */
enum api_err svc_deadletters_discard(struct call *c);
/* The scheduled job: capture what is due, settle what cancellations left;
 * adds its counts to report (booking_run_due()). */
enum api_err svc_payments_run_due(long limit, struct json_object *report);
/* GET /api/bookings/by-token/{token}: the booking behind a secure link. */
enum api_err svc_bookings_by_token(struct call *c);
/* GET /api/bookings: the caller's own bookings. */
enum api_err svc_bookings_mine(struct call *c);
/* POST /api/bookings/{bookingId}/cancel: cancel one's own booking before
 * pickup; 404 for anyone else's. */
enum api_err svc_bookings_cancel(struct call *c);
/* Cancel up to limit unpaid bookings past their own hold_until
 * (exodrive expire-holds, the scheduler), each as any cancellation: email,
 * booking.cancelled, days released, cache.  *count gets how many. */
enum api_err svc_bookings_expire_holds(long limit, long *count);

/* svc_reviews.c */
/* The inputs of the review routes: the index of each key in its key array
 * of routes.c (designated there as [NAME] = { ... }). */
enum reviews_key {		/* GET /api/cars/{carId}/reviews */
	REVIEWS_CAR, REVIEWS_PAGE, REVIEWS_LIMIT, REVIEWS_UNAPPROVED
};
enum review_new_key {		/* POST /api/cars/{carId}/reviews */
	REVIEW_NEW_CAR, REVIEW_NEW_BOOKING, REVIEW_NEW_RATING, REVIEW_NEW_COMMENT
};
enum review_admin_list_key {	/* GET /api/admin/reviews */
	REVIEW_ADMIN_STATUS, REVIEW_ADMIN_CAR, REVIEW_ADMIN_PAGE, REVIEW_ADMIN_LIMIT
};
enum review_id_key {		/* /api/admin/reviews/{reviewId}[/approve|/response] */
	REVIEW_ID
};
enum review_reject_key {	/* POST /api/admin/reviews/{reviewId}/reject */
	REVIEW_REJECT_ID, REVIEW_REJECT_REASON
};
enum review_respond_key {	/* PUT /api/admin/reviews/{reviewId}/response */
	REVIEW_RESPOND_ID, REVIEW_RESPOND_TEXT
};
/* GET /api/cars/{carId}/reviews: approved reviews with the business's
 * response (pending and rejected ones too for admins who ask). */
enum api_err svc_reviews_list(struct call *c);
/* POST /api/cars/{carId}/reviews: one review per completed own booking. */
enum api_err svc_reviews_create(struct call *c);
/* GET /api/admin/reviews: every review by status and car, paged. */
enum api_err svc_reviews_admin_list(struct call *c);
/* GET /api/admin/reviews/{reviewId}: one review, deleted ones too. */
enum api_err svc_reviews_admin_get(struct call *c);
/* POST /api/admin/reviews/{reviewId}/approve: publish it (the car's
 * rating counts it); approving an approved review changes nothing. */
enum api_err svc_reviews_approve(struct call *c);
/* POST /api/admin/reviews/{reviewId}/reject: withdraw or refuse it, with
 * an optional reason. */
enum api_err svc_reviews_reject(struct call *c);
/* PUT /api/admin/reviews/{reviewId}/response: the business's response. */
enum api_err svc_reviews_respond(struct call *c);
/* DELETE /api/admin/reviews/{reviewId}/response: withdraw it; 404 when
 * there is none. */
enum api_err svc_reviews_unrespond(struct call *c);
/* DELETE /api/admin/reviews/{reviewId}: soft-delete it.  A deleted review
 * is kept for the record and takes no further move (409). */
enum api_err svc_reviews_delete(struct call *c);

/* svc_admin.c */
/* GET /api/admin/bookings: filtered, sorted, paged. */
enum api_err svc_admin_bookings(struct call *c);
/* GET /api/admin/bookings/{bookingId}: everything about one booking. */
enum api_err svc_admin_booking(struct call *c);
/* PATCH /api/admin/bookings/{bookingId}/status: a checked transition. */
enum api_err svc_admin_booking_status(struct call *c);
/* POST /api/admin/bookings: book on a customer's behalf. */
enum api_err svc_admin_booking_create(struct call *c);
/* PATCH /api/admin/bookings/{bookingId}: edit fields, dates, statuses. */
enum api_err svc_admin_booking_update(struct call *c);
/* DELETE /api/admin/bookings/{bookingId}: cancel (§4.6). */
enum api_err svc_admin_booking_cancel(struct call *c);
/* GET /api/admin/cars: the whole fleet including hidden cars. */
enum api_err svc_admin_cars(struct call *c);

/* svc_analytics.c */
/* GET /api/admin/analytics: dashboard figures. */
enum api_err svc_analytics_get(struct call *c);
/* GET /api/admin/dashboard: queues, cache ratio, rate limits. */
enum api_err svc_analytics_dashboard(struct call *c);
/* GET /admin/dashboard: the page that shows it. */
enum api_err svc_analytics_dashboard_page(struct call *c);
/* POST /api/admin/cache-warm: warm the catalogue cache now. */
enum api_err svc_analytics_warm(struct call *c);
/* GET /api/admin/cache-warm: the last warm-up's metrics. */
enum api_err svc_analytics_warm_last(struct call *c);

/* svc_ratelimits.c */
/* GET /api/admin/rate-limit-monitoring: recent 429s, summarised. */
enum api_err svc_ratelimits_monitor(struct call *c);
/* DELETE /api/admin/rate-limit-monitoring: clear them; with identifier,
 * also reset that client's tiers. */
enum api_err svc_ratelimits_reset(struct call *c);
enum api_err svc_ratelimits_overrides(struct call *c);
enum api_err svc_ratelimits_override_set(struct call *c);
enum api_err svc_ratelimits_override_del(struct call *c);
/* The violations of the last minutes (of identifier who, or all) as
 * {summary, violations}; NULL when Redis is unreachable. */
struct json_object *svc_ratelimits_violations(long minutes, const char *who);

/* svc_users.c: accounts and roles for admins, and the audit log of
 * their writes.  The inputs: the index of each key in its key array of
 * routes.c (designated there as [NAME] = { ... }). */
enum users_list_key {		/* GET /api/admin/users */
	USERS_LIST_PAGE, USERS_LIST_LIMIT, USERS_LIST_SEARCH, USERS_LIST_ROLE
};
enum user_role_key {		/* PUT /api/admin/users/{userId}/role */
	USER_ROLE_ID, USER_ROLE_ROLE
};
enum audit_log_key {		/* GET /api/admin/audit-log */
	AUDIT_LOG_PAGE, AUDIT_LOG_LIMIT, AUDIT_LOG_ADMIN, AUDIT_LOG_ACTION,
	AUDIT_LOG_TARGET, AUDIT_LOG_FROM, AUDIT_LOG_TO
};
/* GET /api/admin/users: accounts newest first, by email search and role. */
enum api_err svc_users_list(struct call *c);
/* PUT /api/admin/users/{userId}/role: grant or revoke admin; 404 for an
 * unknown account, 409 when it would leave no admin.  The account's next
 * request is authorised with the new role. */
enum api_err svc_users_set_role(struct call *c);
/* GET /api/admin/audit-log: admin writes newest first, filtered, paged. */
enum api_err svc_users_audit_log(struct call *c);

/* svc_fleet.c */
/* POST /api/admin/cars: a new car with pricing, images, features, specs. */
enum api_err svc_fleet_create(struct call *c);
/* PUT /api/admin/cars/{carId}: replace a car and its child rows. */
enum api_err svc_fleet_replace(struct call *c);
/* DELETE /api/admin/cars/{carId}: refused while bookings are live. */
enum api_err svc_fleet_delete(struct call *c);
/* PATCH /api/admin/cars/{carId}/visibility: set hidden. */
enum api_err svc_fleet_visibility(struct call *c);


/* svc_backoffice.c: maintenance blocks, car fees, peak-pricing rules, tax
 * configurations, locations and location fees (admin).  Each key list of
 * its routes is indexed by one of these (routes.c fills them by name). */
enum bo_child_key { BO_PARENT, BO_CHILD };	/* DELETE .../{parent}/x/{child} */
enum bo_id_key { BO_ID };			/* DELETE .../{id} */
enum bo_block_key { BB_CAR, BB_START, BB_END, BB_REASON, BB_ID };
enum bo_fee_key { BF_CAR, BF_NAME, BF_AMOUNT, BF_OPTIONAL, BF_DESCRIPTION, BF_ID };
enum bo_peak_key { BP_NAME, BP_START, BP_END, BP_DAYS, BP_MULTIPLIER, BP_ACTIVE, BP_ID };
enum bo_tax_key { BT_LOCATION, BT_NAME, BT_RATE, BT_ACTIVE, BT_ID };
enum bo_location_key { BL_NAME, BL_ADDRESS, BL_ACTIVE, BL_ID };
enum bo_location_fee_key { BLF_LOCATION, BLF_TYPE, BLF_AMOUNT, BLF_PERCENT, BLF_ACTIVE, BLF_ID };
/* GET, POST /api/admin/cars/{carId}/maintenance; PUT, DELETE
 * .../maintenance/{blockId}: blocks on a car's days (409 over a live
 * booking's day, naming the dates). */
enum api_err svc_backoffice_blocks(struct call *c);
enum api_err svc_backoffice_block_create(struct call *c);
enum api_err svc_backoffice_block_replace(struct call *c);
enum api_err svc_backoffice_block_delete(struct call *c);
/* GET, POST /api/admin/cars/{carId}/fees; PUT, DELETE .../fees/{feeId}. */
enum api_err svc_backoffice_fees(struct call *c);
enum api_err svc_backoffice_fee_create(struct call *c);
enum api_err svc_backoffice_fee_replace(struct call *c);
enum api_err svc_backoffice_fee_delete(struct call *c);
/* GET, POST /api/admin/peak-pricing-rules; PUT, DELETE .../{ruleId}. */
enum api_err svc_backoffice_peaks(struct call *c);
enum api_err svc_backoffice_peak_create(struct call *c);
enum api_err svc_backoffice_peak_replace(struct call *c);
enum api_err svc_backoffice_peak_delete(struct call *c);
/* GET, POST /api/admin/tax-configurations; PUT, DELETE .../{taxId}. */
enum api_err svc_backoffice_taxes(struct call *c);
enum api_err svc_backoffice_tax_create(struct call *c);
enum api_err svc_backoffice_tax_replace(struct call *c);
enum api_err svc_backoffice_tax_delete(struct call *c);
/* GET, POST /api/admin/locations; PUT, DELETE .../{locationId}. */
enum api_err svc_backoffice_locations(struct call *c);
enum api_err svc_backoffice_location_create(struct call *c);
enum api_err svc_backoffice_location_replace(struct call *c);
enum api_err svc_backoffice_location_delete(struct call *c);
/* GET, POST /api/admin/locations/{locationId}/fees; PUT, DELETE
 * .../fees/{feeId}. */
enum api_err svc_backoffice_location_fees(struct call *c);
enum api_err svc_backoffice_location_fee_create(struct call *c);
enum api_err svc_backoffice_location_fee_replace(struct call *c);
enum api_err svc_backoffice_location_fee_delete(struct call *c);

#endif
