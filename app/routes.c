/* routes.c -- THE route table.  Nothing else routes.
 *
 * One designated-initialiser entry per endpoint; the dispatcher applies
 * every policy field before the handler runs.  This file holds the table
 * and its key arrays only; matching is route.c. */
#include "config.h"

#include "queue.h"
#include "route.h"
#include "svc.h"
#include "trpc.h"

#define INPUT(b, k)	{ .body = (b), .keys = (k), .nkeys = sizeof (k) / sizeof (k)[0] }
/* Key array k has exactly the n entries of its enum in svc.h (a missing
 * one in the middle leaves a hole that tests/test_routes.c finds). */
#define KEYS_COUNT(k, n)	_Static_assert(sizeof (k) / sizeof (k)[0] == (n), \
	    #k " has one entry per value of its enum in svc.h")

static const struct input input_none = { .body = BODY_NONE, .keys = NULL, .nkeys = 0 };

static const struct key keys_register[] = {
	[REG_EMAIL] = { .name = "email", .src = KEY_BODY, .type = KEY_EMAIL, .required = true },
	[REG_PASSWORD] = { .name = "password", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 8, .max = 128 },
	[REG_FIRST_NAME] = { .name = "firstName", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 100 },
	[REG_LAST_NAME] = { .name = "lastName", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 100 },
	[REG_PHONE] = { .name = "phone", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 40 },
};
KEYS_COUNT(keys_register, REG__COUNT);
static const struct input input_register = INPUT(BODY_JSON, keys_register);

static const struct key keys_login[] = {
	[LOGIN_EMAIL] = { .name = "email", .src = KEY_BODY, .type = KEY_EMAIL, .required = true },
	[LOGIN_PASSWORD] = { .name = "password", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 128 },
};
KEYS_COUNT(keys_login, LOGIN__COUNT);
static const struct input input_login = INPUT(BODY_JSON, keys_login);

static const struct key keys_refresh[] = {
	[REFRESH_TOKEN] = { .name = "refreshToken", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 64, .max = 64 },
};
KEYS_COUNT(keys_refresh, REFRESH__COUNT);
static const struct input input_refresh = INPUT(BODY_JSON, keys_refresh);

static const char *const sort_by[] = { "featured", "name", "price", NULL };
static const char *const sort_order[] = { "asc", "desc", NULL };

static const struct key keys_cars[] = {
	[CARS_SEARCH] = { .name = "search", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 100 },
	[CARS_CATEGORY] = { .name = "category", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 50 },
	[CARS_MIN_PRICE] = { .name = "minPrice", .src = KEY_QUERY, .type = KEY_INT, .min = 0, .max = 100000 },
	[CARS_MAX_PRICE] = { .name = "maxPrice", .src = KEY_QUERY, .type = KEY_INT, .min = 0, .max = 100000 },
	[CARS_FEATURES] = { .name = "features", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 500 },
	[CARS_SORT_BY] = { .name = "sortBy", .src = KEY_QUERY, .type = KEY_ENUM, .choices = sort_by },
	[CARS_SORT_ORDER] = { .name = "sortOrder", .src = KEY_QUERY, .type = KEY_ENUM, .choices = sort_order },
	[CARS_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[CARS_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 50 },
};
KEYS_COUNT(keys_cars, CARS__COUNT);
static const struct input input_cars = INPUT(BODY_NONE, keys_cars);

static const struct key keys_car_id[] = {
	[CARID_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
KEYS_COUNT(keys_car_id, CARID__COUNT);
static const struct input input_car_id = INPUT(BODY_NONE, keys_car_id);

static const struct key keys_car_slug[] = {
	[SLUG_SLUG] = { .name = "slug", .src = KEY_PATH, .type = KEY_STRING, .required = true, .min = 1, .max = 120 },
};
KEYS_COUNT(keys_car_slug, SLUG__COUNT);
static const struct input input_car_slug = INPUT(BODY_NONE, keys_car_slug);

static const struct key keys_availability[] = {
	[AVAIL_CAR] = { .name = "carId", .src = KEY_QUERY, .type = KEY_UUID, .required = true },
	[AVAIL_START] = { .name = "startDate", .src = KEY_QUERY, .type = KEY_DATE, .required = true },
	[AVAIL_END] = { .name = "endDate", .src = KEY_QUERY, .type = KEY_DATE, .required = true },
};
KEYS_COUNT(keys_availability, AVAIL__COUNT);
static const struct input input_availability = INPUT(BODY_NONE, keys_availability);

static const char *const currencies[] = { "USD", NULL };

static const struct key keys_booking[] = {
	[BK_CAR] = { .name = "carId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[BK_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[BK_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[BK_NAME] = { .name = "customerDetails.fullName", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 200 },
	[BK_EMAIL] = { .name = "customerDetails.email", .src = KEY_BODY, .type = KEY_EMAIL },
	[BK_PHONE] = { .name = "customerDetails.phone", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 40 },
	[BK_TOTAL] = { .name = "totalPrice", .src = KEY_BODY, .type = KEY_MONEY },
	[BK_CURRENCY] = { .name = "currency", .src = KEY_BODY, .type = KEY_ENUM, .choices = currencies },
	[BK_DEPOSIT] = { .name = "securityDepositAmount", .src = KEY_BODY, .type = KEY_MONEY },
	[BK_PICKUP] = { .name = "pickupLocationId", .src = KEY_BODY, .type = KEY_UUID },
	[BK_DROPOFF] = { .name = "dropoffLocationId", .src = KEY_BODY, .type = KEY_UUID },
	[BK_IDEM] = { .name = "Idempotency-Key", .src = KEY_HEADER, .type = KEY_STRING, .min = 8, .max = 255 },
};
static const struct input input_booking = INPUT(BODY_JSON, keys_booking);

static const struct key keys_token[] = {
	[TK_TOKEN] = { .name = "token", .src = KEY_PATH, .type = KEY_STRING, .required = true, .min = 32, .max = 128 },
};
static const struct input input_token = INPUT(BODY_NONE, keys_token);

static const struct key keys_pay_authorize[] = {
	[PA_TOKEN] = { .name = "token", .src = KEY_PATH, .type = KEY_STRING, .required = true, .min = 32, .max = 128 },
	[PA_ORDER] = { .name = "orderID", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 64 },
};
static const struct input input_pay_authorize = INPUT(BODY_JSON, keys_pay_authorize);

static const struct key keys_booking_id[] = {
	[BI_ID] = { .name = "bookingId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_booking_id = INPUT(BODY_NONE, keys_booking_id);

static const struct key keys_create_order[] = {
	[CO_CAR] = { .name = "carId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[CO_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[CO_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[CO_BOOKING] = { .name = "bookingId", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 64 },
	[CO_DESC] = { .name = "description", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 127 },
};
static const struct input input_create_order = INPUT(BODY_JSON, keys_create_order);

static const struct key keys_authorize[] = {
	[AO_ORDER] = { .name = "orderID", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 64 },
	[AO_CAR] = { .name = "bookingDetails.carId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[AO_START] = { .name = "bookingDetails.startDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[AO_END] = { .name = "bookingDetails.endDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[AO_TOTAL] = { .name = "bookingDetails.totalPrice", .src = KEY_BODY, .type = KEY_MONEY, .required = true },
	[AO_FIRST] = { .name = "bookingDetails.customer.firstName", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 100 },
	[AO_LAST] = { .name = "bookingDetails.customer.lastName", .src = KEY_BODY, .type = KEY_STRING, .max = 100 },
	[AO_EMAIL] = { .name = "bookingDetails.customer.email", .src = KEY_BODY, .type = KEY_EMAIL, .required = true },
	[AO_PHONE] = { .name = "bookingDetails.customer.phone", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 40 },
};
static const struct input input_authorize = INPUT(BODY_JSON, keys_authorize);

static const struct key keys_void[] = {
	[VO_ID] = { .name = "bookingId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[VO_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 },
};
static const struct input input_void = INPUT(BODY_JSON, keys_void);

static const struct key keys_paypal_event[] = {	/* checked, then the rest is read */
	[PE_ID] = { .name = "id", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 128 },
	[PE_TYPE] = { .name = "event_type", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 3, .max = 128 },
	[PE_TIME] = { .name = "create_time", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 10, .max = 40 },
	[PE_VERSION] = { .name = "event_version", .src = KEY_BODY, .type = KEY_STRING, .max = 10 },
	[PE_SUMMARY] = { .name = "summary", .src = KEY_BODY, .type = KEY_STRING, .max = 500 },
	[PE_RESOURCE_ID] = { .name = "resource.id", .src = KEY_BODY, .type = KEY_STRING, .max = 128 },
	[PE_RESOURCE_STATUS] = { .name = "resource.status", .src = KEY_BODY, .type = KEY_STRING, .max = 64 },
	[PE_CUSTOM_ID] = { .name = "resource.custom_id", .src = KEY_BODY, .type = KEY_STRING, .max = 128 },
	[PE_INVOICE] = { .name = "resource.invoice_number", .src = KEY_BODY, .type = KEY_STRING, .max = 128 },
	[PE_CURRENCY] = { .name = "resource.amount.currency_code", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 3 },
	[PE_VALUE] = { .name = "resource.amount.value", .src = KEY_BODY, .type = KEY_STRING, .max = 32 },
};
static const struct input input_paypal_event = INPUT(BODY_JSON_OPEN, keys_paypal_event);

static const char *const email_types[] = { "booking_confirmation",
	"payment_receipt", "booking_modification", "booking_cancellation",
	"contract", "reminder", "contact_notice", "contact_acknowledgement", NULL };
static const struct key keys_resend_event[] = {	/* checked, then the rest is read */
	[RE_TYPE] = { .name = "type", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 3, .max = 64 },
	[RE_CREATED] = { .name = "created_at", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 10, .max = 40 },
	[RE_EMAIL_ID] = { .name = "data.email_id", .src = KEY_BODY, .type = KEY_STRING, .max = 128 },
	[RE_FROM] = { .name = "data.from", .src = KEY_BODY, .type = KEY_STRING, .max = 320 },
	[RE_SUBJECT] = { .name = "data.subject", .src = KEY_BODY, .type = KEY_STRING, .max = 998 },
	[RE_BOOKING] = { .name = "data.tags.booking_id", .src = KEY_BODY, .type = KEY_STRING, .max = 64 },
	[RE_EMAIL_TYPE] = { .name = "data.tags.email_type", .src = KEY_BODY, .type = KEY_ENUM, .choices = email_types },
	[RE_BOUNCE_TYPE] = { .name = "data.bounce.type", .src = KEY_BODY, .type = KEY_STRING, .max = 32 },
	[RE_BOUNCE_MESSAGE] = { .name = "data.bounce.message", .src = KEY_BODY, .type = KEY_STRING, .max = 2000 },
	[RE_SVIX_ID] = { .name = "Svix-Id", .src = KEY_HEADER, .type = KEY_STRING, .required = true, .min = 1, .max = 128 },
};
static const struct input input_resend_event = INPUT(BODY_JSON_OPEN, keys_resend_event);

static const struct key keys_docuseal_event[] = {	/* checked, then the rest is read */
	[DE_TYPE] = { .name = "event_type", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 3, .max = 64 },
	[DE_TIMESTAMP] = { .name = "timestamp", .src = KEY_BODY, .type = KEY_STRING, .max = 40 },
	[DE_BOOKING] = { .name = "data.metadata.booking_id", .src = KEY_BODY, .type = KEY_STRING, .max = 64 },
};
static const struct input input_docuseal_event = INPUT(BODY_JSON_OPEN, keys_docuseal_event);

static const char *const mail_kinds[] = { "booking_confirmation",
	"payment_receipt", "booking_cancellation", "reminder", NULL };
static const char *const mail_templates[] = { "booking_confirmation",
	"payment_receipt", "booking_cancellation", "reminder",
	"booking_modification", "contact_notice", "contact_acknowledgement", NULL };
static const char *const mail_formats[] = { "html", "text", NULL };
static const struct key keys_email_preview[] = {
	[EMAIL_PREVIEW_TYPE] = { .name = "type", .src = KEY_QUERY, .type = KEY_ENUM, .required = true, .choices = mail_kinds },
	[EMAIL_PREVIEW_FORMAT] = { .name = "format", .src = KEY_QUERY, .type = KEY_ENUM, .choices = mail_formats },
	[EMAIL_PREVIEW_BOOKING] = { .name = "bookingId", .src = KEY_QUERY, .type = KEY_UUID, .required = true },
};
static const struct input input_email_preview = INPUT(BODY_NONE, keys_email_preview);
static const struct key keys_email_mock[] = {
	[EMAIL_MOCK_TEMPLATE] = { .name = "template", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = mail_templates },
	[EMAIL_MOCK_FORMAT] = { .name = "format", .src = KEY_BODY, .type = KEY_ENUM, .choices = mail_formats },
	[EMAIL_MOCK_DATA] = { .name = "data", .src = KEY_BODY, .type = KEY_OBJECT },
};
static const struct input input_email_mock = INPUT(BODY_JSON, keys_email_mock);
static const struct key keys_email_test[] = {
	[EMAIL_TEST_TYPE] = { .name = "type", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = mail_kinds },
	[EMAIL_TEST_BOOKING] = { .name = "bookingId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[EMAIL_TEST_RECIPIENT] = { .name = "recipientEmail", .src = KEY_BODY, .type = KEY_EMAIL, .required = true },
};
static const struct input input_email_test = INPUT(BODY_JSON, keys_email_test);
static const struct key keys_email_resend[] = {
	[EMAIL_RESEND_BOOKING] = { .name = "bookingId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[EMAIL_RESEND_TYPE] = { .name = "emailType", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = mail_kinds },
	[EMAIL_RESEND_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 },
};
static const struct input input_email_resend = INPUT(BODY_JSON, keys_email_resend);
static const char *const email_states[] = { "pending", "sent", "delivered",
	"failed", "bounced", "complained", NULL };
static const struct key keys_email_status[] = {
	[EMAIL_STATUS_BOOKING] = { .name = "bookingId", .src = KEY_QUERY, .type = KEY_UUID },
	[EMAIL_STATUS_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100000 },
	[EMAIL_STATUS_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
	[EMAIL_STATUS_STATUS] = { .name = "status", .src = KEY_QUERY, .type = KEY_ENUM, .choices = email_states },
	[EMAIL_STATUS_TYPE] = { .name = "type", .src = KEY_QUERY, .type = KEY_ENUM, .choices = email_types },
};
static const struct input input_email_status = INPUT(BODY_NONE, keys_email_status);
static const char *const email_actions[] = { "retry_failed", NULL };
static const struct key keys_email_retry[] = {
	[EMAIL_RETRY_ACTION] = { .name = "action", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = email_actions },
	[EMAIL_RETRY_TYPE] = { .name = "emailType", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = mail_kinds },
	[EMAIL_RETRY_MAX] = { .name = "maxRetries", .src = KEY_BODY, .type = KEY_INT, .min = 1, .max = 10 },
};
static const struct input input_email_retry = INPUT(BODY_JSON, keys_email_retry);
static const struct key keys_inbox[] = {
	[EMAIL_INBOX_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100000 },
	[EMAIL_INBOX_SEARCH] = { .name = "search", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 200 },
};
static const struct input input_inbox = INPUT(BODY_NONE, keys_inbox);

static const char *const pool_formats[] = { "json", "text", NULL };
static const struct key keys_pool[] = {
	[POOL_FORMAT] = { .name = "format", .src = KEY_QUERY, .type = KEY_ENUM, .choices = pool_formats },
};
KEYS_COUNT(keys_pool, POOL__COUNT);
static const struct input input_pool = INPUT(BODY_NONE, keys_pool);

static const char *const trpc_batch[] = { "0", "1", NULL };
static const struct key keys_trpc[] = {
	{ .name = "procedures", .src = KEY_PATH, .type = KEY_STRING, .required = true, .min = 1, .max = 2000 },
	{ .name = "batch", .src = KEY_QUERY, .type = KEY_ENUM, .choices = trpc_batch },
	{ .name = "input", .src = KEY_QUERY, .type = KEY_STRING, .max = 65536 },
};
static const struct input input_trpc = INPUT(BODY_JSON_OPEN, keys_trpc);

static const struct key keys_contact[] = {
	[EMAIL_CONTACT_NAME] = { .name = "name", .src = KEY_BODY, .type = KEY_LINE, .required = true, .min = 1, .max = 100 },
	[EMAIL_CONTACT_EMAIL] = { .name = "email", .src = KEY_BODY, .type = KEY_EMAIL, .required = true },
	[EMAIL_CONTACT_PHONE] = { .name = "phone", .src = KEY_BODY, .type = KEY_LINE, .min = 3, .max = 40 },
	[EMAIL_CONTACT_MESSAGE] = { .name = "message", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 5000 },
};
static const struct input input_contact = INPUT(BODY_JSON, keys_contact);

static const struct input input_upload = { .body = BODY_MULTIPART, .keys = NULL, .nkeys = 0 };
static const struct key keys_image_delete[] = {
	[IMGDEL_PATH] = { .name = "storagePath", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 300 },
};
KEYS_COUNT(keys_image_delete, IMGDEL__COUNT);
static const struct input input_image_delete = INPUT(BODY_JSON, keys_image_delete);

static const char *const report_kinds[] = { "bookings_revenue", "fleet_utilisation", NULL };
static const struct key keys_report_new[] = {
	[REPNEW_KIND] = { .name = "kind", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = report_kinds },
	[REPNEW_FROM] = { .name = "from", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[REPNEW_TO] = { .name = "to", .src = KEY_BODY, .type = KEY_DATE, .required = true },
};
KEYS_COUNT(keys_report_new, REPNEW__COUNT);
static const struct input input_report_new = INPUT(BODY_JSON, keys_report_new);
static const struct key keys_report[] = {
	[REPORT_ID] = { .name = "reportId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
KEYS_COUNT(keys_report, REPORT__COUNT);
static const struct input input_report = INPUT(BODY_NONE, keys_report);

static const char *const queue_states[] = { "ready", "active", "delayed",
	"completed", "failed", NULL };
static const struct key keys_queue[] = {
	[QUEUE_NAME] = { .name = "queue", .src = KEY_PATH, .type = KEY_ENUM, .required = true, .choices = queue_names },
};
KEYS_COUNT(keys_queue, QUEUE__COUNT);
static const struct input input_queue = INPUT(BODY_NONE, keys_queue);
static const struct key keys_queue_jobs[] = {
	[QJOBS_QUEUE] = { .name = "queue", .src = KEY_PATH, .type = KEY_ENUM, .required = true, .choices = queue_names },
	[QJOBS_STATE] = { .name = "state", .src = KEY_QUERY, .type = KEY_ENUM, .choices = queue_states },
	[QJOBS_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100000 },
	[QJOBS_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
};
KEYS_COUNT(keys_queue_jobs, QJOBS__COUNT);
static const struct input input_queue_jobs = INPUT(BODY_NONE, keys_queue_jobs);
static const struct key keys_queue_job[] = {
	[QJOB_QUEUE] = { .name = "queue", .src = KEY_PATH, .type = KEY_ENUM, .required = true, .choices = queue_names },
	[QJOB_ID] = { .name = "jobId", .src = KEY_PATH, .type = KEY_INT, .required = true, .min = 1, .max = 999999999999L },
};
KEYS_COUNT(keys_queue_job, QJOB__COUNT);
static const struct input input_queue_job = INPUT(BODY_NONE, keys_queue_job);
static const struct key keys_queue_stats[] = {
	[QSTATS_QUEUE] = { .name = "queue", .src = KEY_PATH, .type = KEY_ENUM, .required = true, .choices = queue_names },
	[QSTATS_MINUTES] = { .name = "minutes", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 1440 },
};
KEYS_COUNT(keys_queue_stats, QSTATS__COUNT);
static const struct input input_queue_stats = INPUT(BODY_NONE, keys_queue_stats);

static const struct key keys_reviews[] = {
	[REVIEWS_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[REVIEWS_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[REVIEWS_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 50 },
	[REVIEWS_UNAPPROVED] = { .name = "includeUnapproved", .src = KEY_QUERY, .type = KEY_BOOL },
};
static const struct input input_reviews = INPUT(BODY_NONE, keys_reviews);

static const struct key keys_review_new[] = {
	[REVIEW_NEW_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[REVIEW_NEW_BOOKING] = { .name = "bookingId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[REVIEW_NEW_RATING] = { .name = "rating", .src = KEY_BODY, .type = KEY_INT, .required = true, .min = 1, .max = 5 },
	[REVIEW_NEW_COMMENT] = { .name = "comment", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 10, .max = 1000 },
};
static const struct input input_review_new = INPUT(BODY_JSON, keys_review_new);

static const char *const review_statuses[] = { "pending", "approved",
    "rejected", "deleted", NULL };
static const struct key keys_review_admin_list[] = {
	[REVIEW_ADMIN_STATUS] = { .name = "status", .src = KEY_QUERY, .type = KEY_ENUM, .choices = review_statuses },
	[REVIEW_ADMIN_CAR] = { .name = "carId", .src = KEY_QUERY, .type = KEY_UUID },
	[REVIEW_ADMIN_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[REVIEW_ADMIN_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
};
static const struct input input_review_admin_list = INPUT(BODY_NONE, keys_review_admin_list);
static const struct key keys_review_id[] = {
	[REVIEW_ID] = { .name = "reviewId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_review_id = INPUT(BODY_NONE, keys_review_id);
static const struct key keys_review_reject[] = {
	[REVIEW_REJECT_ID] = { .name = "reviewId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[REVIEW_REJECT_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 },
};
static const struct input input_review_reject = INPUT(BODY_JSON, keys_review_reject);
static const struct key keys_review_respond[] = {
	[REVIEW_RESPOND_ID] = { .name = "reviewId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[REVIEW_RESPOND_TEXT] = { .name = "response", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 10, .max = 2000 },
};
static const struct input input_review_respond = INPUT(BODY_JSON, keys_review_respond);

static const char *const status_groups[] = { "all", "active", "upcoming",
    "completed", "cancelled", "pending_payment", NULL };
static const char *const booking_sorts[] = { "created_at", "start_date",
    "end_date", "total_price", NULL };
static const char *const overall_statuses[] = { "pending_customer_action",
    "pending_payment", "pending_contract", "upcoming", "active",
    "post_rental_finalization", "completed", "cancelled", "disputed", NULL };

static const struct key keys_admin_bookings[] = {
	[AL_STATUS] = { .name = "status", .src = KEY_QUERY, .type = KEY_ENUM, .choices = status_groups },
	[AL_SEARCH] = { .name = "search", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 100 },
	[AL_START] = { .name = "startDate", .src = KEY_QUERY, .type = KEY_DATE },
	[AL_END] = { .name = "endDate", .src = KEY_QUERY, .type = KEY_DATE },
	[AL_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[AL_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
	[AL_SORT] = { .name = "sortBy", .src = KEY_QUERY, .type = KEY_ENUM, .choices = booking_sorts },
	[AL_ORDER] = { .name = "sortOrder", .src = KEY_QUERY, .type = KEY_ENUM, .choices = sort_order },
};
static const struct input input_admin_bookings = INPUT(BODY_NONE, keys_admin_bookings);

static const struct key keys_admin_status[] = {
	[AS_ID] = { .name = "bookingId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[AS_STATUS] = { .name = "status", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = overall_statuses },
	[AS_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 },
	[AS_NOTES] = { .name = "notes", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 2000 },
};
static const struct input input_admin_status = INPUT(BODY_JSON, keys_admin_status);

static const struct key keys_admin_cancel[] = {
	[AC_ID] = { .name = "bookingId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[AC_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 },
};
static const struct input input_admin_cancel = INPUT(BODY_JSON, keys_admin_cancel);

static const char *const initial_statuses[] = { "pending_payment", "upcoming", "active", NULL };
static const char *const payment_statuses[] = { "pending", "authorized", "captured",
    "refunded", "voided", "failed", NULL };
static const char *const contract_statuses[] = { "not_sent", "sent", "viewed",
    "signed", "declined", "voided", "expired", NULL };

static const struct key keys_admin_new[] = {
	[AB_CAR] = { .name = "carId", .src = KEY_BODY, .type = KEY_UUID, .required = true },
	[AB_CUSTOMER] = { .name = "customerId", .src = KEY_BODY, .type = KEY_UUID },
	[AB_FIRST] = { .name = "customerDetails.firstName", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 100 },
	[AB_LAST] = { .name = "customerDetails.lastName", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 100 },
	[AB_EMAIL] = { .name = "customerDetails.email", .src = KEY_BODY, .type = KEY_EMAIL },
	[AB_PHONE] = { .name = "customerDetails.phone", .src = KEY_BODY, .type = KEY_STRING, .min = 3, .max = 40 },
	[AB_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[AB_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE, .required = true },
	[AB_TOTAL] = { .name = "totalPrice", .src = KEY_BODY, .type = KEY_MONEY },
	[AB_CURRENCY] = { .name = "currency", .src = KEY_BODY, .type = KEY_ENUM, .choices = currencies },
	[AB_DEPOSIT] = { .name = "securityDepositAmount", .src = KEY_BODY, .type = KEY_MONEY },
	[AB_NOTES] = { .name = "notes", .src = KEY_BODY, .type = KEY_STRING, .max = 2000 },
	[AB_SKIP] = { .name = "skipAvailabilityCheck", .src = KEY_BODY, .type = KEY_BOOL },
	[AB_INITIAL] = { .name = "initialStatus", .src = KEY_BODY, .type = KEY_ENUM, .choices = initial_statuses },
};
static const struct input input_admin_new = INPUT(BODY_JSON, keys_admin_new);

static const struct key keys_admin_edit[] = {
	[UB_ID] = { .name = "bookingId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[UB_NOTES] = { .name = "notes", .src = KEY_BODY, .type = KEY_STRING, .max = 2000 },
	[UB_ADMIN_NOTES] = { .name = "adminNotes", .src = KEY_BODY, .type = KEY_STRING, .max = 2000 },
	[UB_PICKUP] = { .name = "pickupLocation", .src = KEY_BODY, .type = KEY_STRING, .max = 300 },
	[UB_DROPOFF] = { .name = "dropoffLocation", .src = KEY_BODY, .type = KEY_STRING, .max = 300 },
	[UB_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE },
	[UB_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE },
	[UB_TOTAL] = { .name = "totalPrice", .src = KEY_BODY, .type = KEY_MONEY },
	[UB_DEPOSIT] = { .name = "securityDepositAmount", .src = KEY_BODY, .type = KEY_MONEY },
	[UB_OVERALL] = { .name = "overallStatus", .src = KEY_BODY, .type = KEY_ENUM, .choices = overall_statuses },
	[UB_PAYMENT] = { .name = "paymentStatus", .src = KEY_BODY, .type = KEY_ENUM, .choices = payment_statuses },
	[UB_CONTRACT] = { .name = "contractStatus", .src = KEY_BODY, .type = KEY_ENUM, .choices = contract_statuses },
};
static const struct input input_admin_edit = INPUT(BODY_JSON, keys_admin_edit);

static const struct key keys_rate_monitor[] = {
	[RM_MINUTES] = { .name = "minutes", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10080 },
	[RM_IDENTIFIER] = { .name = "identifier", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 100 },
};
static const struct input input_rate_monitor = INPUT(BODY_NONE, keys_rate_monitor);

static const char *const override_kinds[] = { "ip", "user", NULL };
static const struct key keys_override_set[] = {
	[OS_KIND] = { .name = "kind", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = override_kinds },
	[OS_ID] = { .name = "id", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 2, .max = 64 },
	[OS_FACTOR] = { .name = "factor", .src = KEY_BODY, .type = KEY_INT, .required = true, .min = 0, .max = 100000 },
	[OS_TTL] = { .name = "ttlSeconds", .src = KEY_BODY, .type = KEY_INT, .min = 60, .max = 2592000 },
};
static const struct input input_override_set = INPUT(BODY_JSON, keys_override_set);
static const struct key keys_override_del[] = {
	[OD_KIND] = { .name = "kind", .src = KEY_QUERY, .type = KEY_ENUM, .required = true, .choices = override_kinds },
	[OD_ID] = { .name = "id", .src = KEY_QUERY, .type = KEY_STRING, .required = true, .min = 2, .max = 64 },
};
static const struct input input_override_del = INPUT(BODY_NONE, keys_override_del);

static const struct key keys_warm[] = {
	[WM_POPULAR] = { .name = "warmPopularCars", .src = KEY_BODY, .type = KEY_BOOL },
	[WM_AVAILABILITY] = { .name = "warmUpcomingAvailability", .src = KEY_BODY, .type = KEY_BOOL },
	[WM_LIMIT] = { .name = "popularCarsLimit", .src = KEY_BODY, .type = KEY_INT, .min = 1, .max = 50 },
	[WM_DAYS] = { .name = "availabilityDays", .src = KEY_BODY, .type = KEY_INT, .min = 1, .max = 30 },
};
static const struct input input_warm = INPUT(BODY_JSON, keys_warm);

static const struct key keys_pages[] = {
	[PG_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[PG_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
};
static const struct input input_pages = INPUT(BODY_NONE, keys_pages);

static const char *const user_roles[] = { "admin", "customer", NULL };
static const struct key keys_users_list[] = {
	[USERS_LIST_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[USERS_LIST_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
	[USERS_LIST_SEARCH] = { .name = "search", .src = KEY_QUERY, .type = KEY_STRING, .min = 1, .max = 254 },
	[USERS_LIST_ROLE] = { .name = "role", .src = KEY_QUERY, .type = KEY_ENUM, .choices = user_roles },
};
static const struct input input_users_list = INPUT(BODY_NONE, keys_users_list);

static const struct key keys_user_role[] = {
	[USER_ROLE_ID] = { .name = "userId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[USER_ROLE_ROLE] = { .name = "role", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = user_roles },
};
static const struct input input_user_role = INPUT(BODY_JSON, keys_user_role);

static const struct key keys_audit_log[] = {
	[AUDIT_LOG_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[AUDIT_LOG_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
	[AUDIT_LOG_ADMIN] = { .name = "adminId", .src = KEY_QUERY, .type = KEY_UUID },
	[AUDIT_LOG_ACTION] = { .name = "action", .src = KEY_QUERY, .type = KEY_LINE, .min = 1, .max = 100 },
	[AUDIT_LOG_TARGET] = { .name = "target", .src = KEY_QUERY, .type = KEY_LINE, .min = 1, .max = 300 },
	[AUDIT_LOG_FROM] = { .name = "from", .src = KEY_QUERY, .type = KEY_DATE },
	[AUDIT_LOG_TO] = { .name = "to", .src = KEY_QUERY, .type = KEY_DATE },
};
static const struct input input_audit_log = INPUT(BODY_NONE, keys_audit_log);

static const char *const dead_providers[] = { "paypal", "resend", "docuseal", NULL };
static const char *const dead_states[] = { "waiting", "retrying", "retried",
    "discarded", "all", NULL };
static const struct key keys_dead_list[] = {
	[DEAD_LIST_PROVIDER] = { .name = "provider", .src = KEY_QUERY, .type = KEY_ENUM, .choices = dead_providers },
	[DEAD_LIST_EVENT_TYPE] = { .name = "eventType", .src = KEY_QUERY, .type = KEY_LINE, .min = 1, .max = 100 },
	[DEAD_LIST_STATE] = { .name = "state", .src = KEY_QUERY, .type = KEY_ENUM, .choices = dead_states },
	[DEAD_LIST_PAGE] = { .name = "page", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 10000 },
	[DEAD_LIST_LIMIT] = { .name = "limit", .src = KEY_QUERY, .type = KEY_INT, .min = 1, .max = 100 },
};
KEYS_COUNT(keys_dead_list, DEAD_LIST__COUNT);
static const struct input input_dead_list = INPUT(BODY_NONE, keys_dead_list);
static const struct key keys_dead_id[] = {
	[DEAD_ID] = { .name = "deadLetterId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
KEYS_COUNT(keys_dead_id, DEAD_ID__COUNT);
static const struct input input_dead_id = INPUT(BODY_NONE, keys_dead_id);
static const struct key keys_dead_discard[] = {
	[DEAD_DISCARD_ID] = { .name = "deadLetterId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[DEAD_DISCARD_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 500 },
};
KEYS_COUNT(keys_dead_discard, DEAD_DISCARD__COUNT);
static const struct input input_dead_discard = INPUT(BODY_JSON, keys_dead_discard);
static const struct key keys_dead_retry_all[] = {
	[DEAD_ALL_PROVIDER] = { .name = "provider", .src = KEY_BODY, .type = KEY_ENUM, .choices = dead_providers },
	[DEAD_ALL_EVENT_TYPE] = { .name = "eventType", .src = KEY_BODY, .type = KEY_LINE, .min = 1, .max = 100 },
	[DEAD_ALL_LIMIT] = { .name = "limit", .src = KEY_BODY, .type = KEY_INT, .min = 1, .max = 100 },
};
KEYS_COUNT(keys_dead_retry_all, DEAD_ALL__COUNT);
static const struct input input_dead_retry_all = INPUT(BODY_JSON, keys_dead_retry_all);

#define CAR_KEYS \
	[CAR_NAME] = { .name = "name", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 100 }, \
	[CAR_CATEGORY] = { .name = "category", .src = KEY_BODY, .type = KEY_STRING, .required = true, .min = 1, .max = 50 }, \
	[CAR_DESCRIPTION] = { .name = "description", .src = KEY_BODY, .type = KEY_STRING, .max = 2000 }, \
	[CAR_SHORT] = { .name = "short_description", .src = KEY_BODY, .type = KEY_STRING, .max = 200 }, \
	[CAR_AVAILABLE] = { .name = "available", .src = KEY_BODY, .type = KEY_BOOL }, \
	[CAR_FEATURED] = { .name = "featured", .src = KEY_BODY, .type = KEY_BOOL }, \
	[CAR_HIDDEN] = { .name = "hidden", .src = KEY_BODY, .type = KEY_BOOL }, \
	[CAR_PRICE] = { .name = "pricing.base_price", .src = KEY_BODY, .type = KEY_MONEY, .required = true }, \
	[CAR_CURRENCY] = { .name = "pricing.currency", .src = KEY_BODY, .type = KEY_ENUM, .choices = currencies }, \
	[CAR_DEPOSIT] = { .name = "pricing.deposit_amount", .src = KEY_BODY, .type = KEY_MONEY, .required = true }, \
	[CAR_DISCOUNT] = { .name = "pricing.discount_percentage", .src = KEY_BODY, .type = KEY_INT, .min = 0, .max = 100 }, \
	[CAR_MINDAYS] = { .name = "pricing.minimum_days", .src = KEY_BODY, .type = KEY_INT, .min = 1, .max = 365 }, \
	[CAR_OFFER] = { .name = "pricing.special_offer_text", .src = KEY_BODY, .type = KEY_STRING, .max = 200 }, \
	[CAR_IMAGES] = { .name = "images", .src = KEY_BODY, .type = KEY_ARRAY, .required = true, .min = 1, .max = 20 }, \
	[CAR_FEATURES] = { .name = "features", .src = KEY_BODY, .type = KEY_ARRAY, .max = 50 }, \
	[CAR_SPECS] = { .name = "specifications", .src = KEY_BODY, .type = KEY_ARRAY, .max = 100 }

static const struct key keys_car_new[] = { CAR_KEYS };
KEYS_COUNT(keys_car_new, CAR_NEW__COUNT);
static const struct input input_car_new = INPUT(BODY_JSON, keys_car_new);
static const struct key keys_car_put[] = { CAR_KEYS,
	[CAR_ID] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
KEYS_COUNT(keys_car_put, CAR_PUT__COUNT);
static const struct input input_car_put = INPUT(BODY_JSON, keys_car_put);

static const struct key keys_car_visibility[] = {
	[VIS_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[VIS_HIDDEN] = { .name = "hidden", .src = KEY_BODY, .type = KEY_BOOL, .required = true },
};
KEYS_COUNT(keys_car_visibility, VIS__COUNT);
static const struct input input_car_visibility = INPUT(BODY_JSON, keys_car_visibility);

/* The back office (svc_backoffice.c; key enums in svc.h).  An update is a
 * PUT: it replaces every field, so an optional one left out is cleared
 * (or takes its default). */
static const struct key keys_bo_block_list[] = {
	[BB_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_block_list = INPUT(BODY_NONE, keys_bo_block_list);
#define BO_BLOCK_KEYS \
	[BB_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true }, \
	[BB_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE, .required = true }, \
	[BB_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE, .required = true }, \
	[BB_REASON] = { .name = "reason", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 }
static const struct key keys_bo_block_new[] = { BO_BLOCK_KEYS };
static const struct input input_bo_block_new = INPUT(BODY_JSON, keys_bo_block_new);
static const struct key keys_bo_block_put[] = { BO_BLOCK_KEYS,
	[BB_ID] = { .name = "blockId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_block_put = INPUT(BODY_JSON, keys_bo_block_put);
static const struct key keys_bo_block_del[] = {
	[BO_PARENT] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[BO_CHILD] = { .name = "blockId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_block_del = INPUT(BODY_NONE, keys_bo_block_del);

static const struct key keys_bo_fee_list[] = {
	[BF_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_fee_list = INPUT(BODY_NONE, keys_bo_fee_list);
#define BO_FEE_KEYS \
	[BF_CAR] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true }, \
	[BF_NAME] = { .name = "name", .src = KEY_BODY, .type = KEY_LINE, .required = true, .min = 1, .max = 100 }, \
	[BF_AMOUNT] = { .name = "amount", .src = KEY_BODY, .type = KEY_MONEY, .required = true }, \
	[BF_OPTIONAL] = { .name = "isOptional", .src = KEY_BODY, .type = KEY_BOOL }, \
	[BF_DESCRIPTION] = { .name = "description", .src = KEY_BODY, .type = KEY_STRING, .min = 1, .max = 500 }
static const struct key keys_bo_fee_new[] = { BO_FEE_KEYS };
static const struct input input_bo_fee_new = INPUT(BODY_JSON, keys_bo_fee_new);
static const struct key keys_bo_fee_put[] = { BO_FEE_KEYS,
	[BF_ID] = { .name = "feeId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_fee_put = INPUT(BODY_JSON, keys_bo_fee_put);
static const struct key keys_bo_fee_del[] = {
	[BO_PARENT] = { .name = "carId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[BO_CHILD] = { .name = "feeId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_fee_del = INPUT(BODY_NONE, keys_bo_fee_del);

#define BO_PEAK_KEYS \
	[BP_NAME] = { .name = "ruleName", .src = KEY_BODY, .type = KEY_LINE, .required = true, .min = 1, .max = 100 }, \
	[BP_START] = { .name = "startDate", .src = KEY_BODY, .type = KEY_DATE }, \
	[BP_END] = { .name = "endDate", .src = KEY_BODY, .type = KEY_DATE }, \
	[BP_DAYS] = { .name = "daysOfWeek", .src = KEY_BODY, .type = KEY_ARRAY, .min = 1, .max = 7 }, \
	[BP_MULTIPLIER] = { .name = "multiplier", .src = KEY_BODY, .type = KEY_MONEY, .required = true }, \
	[BP_ACTIVE] = { .name = "isActive", .src = KEY_BODY, .type = KEY_BOOL }
static const struct key keys_bo_peak_new[] = { BO_PEAK_KEYS };
static const struct input input_bo_peak_new = INPUT(BODY_JSON, keys_bo_peak_new);
static const struct key keys_bo_peak_put[] = { BO_PEAK_KEYS,
	[BP_ID] = { .name = "ruleId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_peak_put = INPUT(BODY_JSON, keys_bo_peak_put);
static const struct key keys_bo_peak_del[] = {
	[BO_ID] = { .name = "ruleId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_peak_del = INPUT(BODY_NONE, keys_bo_peak_del);

#define BO_TAX_KEYS \
	[BT_LOCATION] = { .name = "locationId", .src = KEY_BODY, .type = KEY_UUID }, \
	[BT_NAME] = { .name = "taxName", .src = KEY_BODY, .type = KEY_LINE, .required = true, .min = 1, .max = 100 }, \
	[BT_RATE] = { .name = "taxRatePercent", .src = KEY_BODY, .type = KEY_MONEY, .required = true }, \
	[BT_ACTIVE] = { .name = "isActive", .src = KEY_BODY, .type = KEY_BOOL }
static const struct key keys_bo_tax_new[] = { BO_TAX_KEYS };
static const struct input input_bo_tax_new = INPUT(BODY_JSON, keys_bo_tax_new);
static const struct key keys_bo_tax_put[] = { BO_TAX_KEYS,
	[BT_ID] = { .name = "taxId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_tax_put = INPUT(BODY_JSON, keys_bo_tax_put);
static const struct key keys_bo_tax_del[] = {
	[BO_ID] = { .name = "taxId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_tax_del = INPUT(BODY_NONE, keys_bo_tax_del);

#define BO_LOCATION_KEYS \
	[BL_NAME] = { .name = "name", .src = KEY_BODY, .type = KEY_LINE, .required = true, .min = 1, .max = 100 }, \
	[BL_ADDRESS] = { .name = "address", .src = KEY_BODY, .type = KEY_LINE, .min = 1, .max = 300 }, \
	[BL_ACTIVE] = { .name = "isActive", .src = KEY_BODY, .type = KEY_BOOL }
static const struct key keys_bo_location_new[] = { BO_LOCATION_KEYS };
static const struct input input_bo_location_new = INPUT(BODY_JSON, keys_bo_location_new);
static const struct key keys_bo_location_put[] = { BO_LOCATION_KEYS,
	[BL_ID] = { .name = "locationId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_location_put = INPUT(BODY_JSON, keys_bo_location_put);
static const struct key keys_bo_location_del[] = {
	[BO_ID] = { .name = "locationId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_location_del = INPUT(BODY_NONE, keys_bo_location_del);

static const char *const location_fee_types[] = { "pickup", "dropoff", "airport", "remote", NULL };
static const struct key keys_bo_lfee_list[] = {
	[BLF_LOCATION] = { .name = "locationId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_lfee_list = INPUT(BODY_NONE, keys_bo_lfee_list);
#define BO_LFEE_KEYS \
	[BLF_LOCATION] = { .name = "locationId", .src = KEY_PATH, .type = KEY_UUID, .required = true }, \
	[BLF_TYPE] = { .name = "feeType", .src = KEY_BODY, .type = KEY_ENUM, .required = true, .choices = location_fee_types }, \
	[BLF_AMOUNT] = { .name = "feeAmount", .src = KEY_BODY, .type = KEY_MONEY }, \
	[BLF_PERCENT] = { .name = "feePercent", .src = KEY_BODY, .type = KEY_MONEY }, \
	[BLF_ACTIVE] = { .name = "isActive", .src = KEY_BODY, .type = KEY_BOOL }
static const struct key keys_bo_lfee_new[] = { BO_LFEE_KEYS };
static const struct input input_bo_lfee_new = INPUT(BODY_JSON, keys_bo_lfee_new);
static const struct key keys_bo_lfee_put[] = { BO_LFEE_KEYS,
	[BLF_ID] = { .name = "feeId", .src = KEY_PATH, .type = KEY_UUID, .required = true } };
static const struct input input_bo_lfee_put = INPUT(BODY_JSON, keys_bo_lfee_put);
static const struct key keys_bo_lfee_del[] = {
	[BO_PARENT] = { .name = "locationId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
	[BO_CHILD] = { .name = "feeId", .src = KEY_PATH, .type = KEY_UUID, .required = true },
};
static const struct input input_bo_lfee_del = INPUT(BODY_NONE, keys_bo_lfee_del);

static const struct route routes[] = {
	/* GET /api/openapi.json: this table as OpenAPI 3.1. */
	{ .method = METHOD_GET, .path = "/api/openapi.json",
	  .handler = svc_meta_openapi, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "meta.openapi",
	  .errors = 0,
	  .output = "OpenApiDocument",
	  .summary = "The OpenAPI 3.1 document of every route" },
	/* /trpc/{procedures}: tRPC queries (GET) and mutations (POST); each
	 * call runs as its REST twin (auth, validation, limits, cache). */
	{ .method = METHOD_GET, .path = "/trpc/{procedures}",
	  .handler = trpc_call, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_trpc,
	  .operation = "trpc.query", .output = "TrpcResponse",
	  .render_error = trpc_render_error,
	  .summary = "tRPC queries: one, or a batch (?batch=1, inputs keyed by index)" },
	{ .method = METHOD_POST, .path = "/trpc/{procedures}",
	  .handler = trpc_call, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_trpc,
	  .operation = "trpc.mutation", .output = "TrpcResponse",
	  .render_error = trpc_render_error,
	  .summary = "tRPC mutations: one, or a batch" },
	{ .method = METHOD_GET, .path = "/trpc/superjson/{procedures}",
	  .handler = trpc_call_superjson, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_trpc,
	  .operation = "trpc.superjson.query", .output = "TrpcResponse",
	  .render_error = trpc_render_error,
	  .summary = "tRPC queries with the superjson transformer" },
	{ .method = METHOD_POST, .path = "/trpc/superjson/{procedures}",
	  .handler = trpc_call_superjson, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_trpc,
	  .operation = "trpc.superjson.mutation", .output = "TrpcResponse",
	  .render_error = trpc_render_error,
	  .summary = "tRPC mutations with the superjson transformer" },

	/* GET /metrics: Prometheus text, summed over every process. */
	{ .method = METHOD_GET, .path = "/metrics",
	  .handler = svc_meta_metrics, .auth = AUTH_OPTIONAL, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "meta.metrics",
	  .errors = ROUTE_ERR(API_FORBIDDEN),
	  .media = "text/plain",
	  .summary = "Prometheus metrics of every responder and worker (admins or METRICS_ALLOW)" },
	/* GET /pool-status: the process scoreboard. */
	{ .method = METHOD_GET, .path = "/pool-status",
	  .handler = svc_meta_pool, .auth = AUTH_OPTIONAL, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_pool,
	  .operation = "meta.poolStatus",
	  .errors = ROUTE_ERR(API_FORBIDDEN),
	  .output = "PoolStatus",
	  .summary = "Each live process: pid, role, state, requests, start, current request and its age (?format=text: as php-fpm)" },
	/* GET /api/health: liveness, no dependencies touched. */
	{ .method = METHOD_GET, .path = "/api/health",
	  .handler = svc_health_live, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "health.live",
	  .errors = 0,
	  .output = "Health",
	  .summary = "Liveness probe" },
	/* GET /api/health/ready: PostgreSQL and Redis reachability. */
	{ .method = METHOD_GET, .path = "/api/health/ready",
	  .handler = svc_health_ready, .auth = AUTH_NONE, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "health.ready",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Readiness",
	  .summary = "Readiness probe: database and cache reachability" },

	/* GET /api/cars: the visible fleet. */
	{ .method = METHOD_GET, .path = "/api/cars",
	  .handler = svc_cars_list, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_FLEET, .input = &input_cars,
	  .operation = "car.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarList",
	  .summary = "List visible cars with filters, sorting and pages" },
	/* GET /api/cars/availability: day-by-day status of one car. */
	{ .method = METHOD_GET, .path = "/api/cars/availability",
	  .handler = svc_cars_availability, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_AVAILABILITY, .input = &input_availability,
	  .operation = "car.availability",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Availability",
	  .summary = "Availability of a car for a date range (at most 366 days)" },
	/* GET /api/cars/slug/{slug}: one car by slug. */
	{ .method = METHOD_GET, .path = "/api/cars/slug/{slug}",
	  .handler = svc_cars_by_slug, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_CAR, .input = &input_car_slug, .views = true,
	  .operation = "car.bySlug",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarDetail",
	  .summary = "One visible car by slug" },
	/* GET /api/cars/{carId}: one car in full. */
	{ .method = METHOD_GET, .path = "/api/cars/{carId}",
	  .handler = svc_cars_get, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_CAR, .input = &input_car_id, .views = true,
	  .operation = "car.byId",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarDetail",
	  .summary = "One visible car with pricing, images, features and specifications" },

	/* GET /api/cars/{carId}/reviews: a car's reviews. */
	{ .method = METHOD_GET, .path = "/api/cars/{carId}/reviews",
	  .handler = svc_reviews_list, .auth = AUTH_OPTIONAL, .rate = RATE_PUBLIC,
	  .cache = CACHE_REVIEWS, .input = &input_reviews,
	  .operation = "review.list",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "ReviewList",
	  .summary = "Approved reviews of a car, newest first" },
	/* POST /api/cars/{carId}/reviews: review a completed booking. */
	{ .method = METHOD_POST, .path = "/api/cars/{carId}/reviews",
	  .handler = svc_reviews_create, .auth = AUTH_CUSTOMER, .rate = RATE_AUTH,
	  .cache = CACHE_NONE, .input = &input_review_new,
	  .operation = "review.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "ReviewCreated",
	  .summary = "Review one's own completed booking of this car" },

	/* Moderation: approved reviews alone are public and rated. */
	/* GET /api/admin/reviews: the moderation queue. */
	{ .method = METHOD_GET, .path = "/api/admin/reviews",
	  .handler = svc_reviews_admin_list, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_admin_list,
	  .operation = "admin.review.list",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewList",
	  .summary = "Reviews by status (pending, approved, rejected, deleted; default all but deleted) and car, newest first" },
	/* GET /api/admin/reviews/{reviewId}: one review. */
	{ .method = METHOD_GET, .path = "/api/admin/reviews/{reviewId}",
	  .handler = svc_reviews_admin_get, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_id,
	  .operation = "admin.review.byId",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "One review with its moderation state and the business's response" },
	/* POST /api/admin/reviews/{reviewId}/approve: publish. */
	{ .method = METHOD_POST, .path = "/api/admin/reviews/{reviewId}/approve",
	  .handler = svc_reviews_approve, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_id,
	  .operation = "admin.review.approve",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "Publish a pending or rejected review; the car's rating counts it" },
	/* POST /api/admin/reviews/{reviewId}/reject: refuse or unpublish. */
	{ .method = METHOD_POST, .path = "/api/admin/reviews/{reviewId}/reject",
	  .handler = svc_reviews_reject, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_reject,
	  .operation = "admin.review.reject",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "Reject a pending review or unpublish an approved one, with an optional reason" },
	/* PUT /api/admin/reviews/{reviewId}/response: the business's response. */
	{ .method = METHOD_PUT, .path = "/api/admin/reviews/{reviewId}/response",
	  .handler = svc_reviews_respond, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_respond,
	  .operation = "admin.review.respond",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "Write or replace the business's public response to a review" },
	/* DELETE /api/admin/reviews/{reviewId}/response: withdraw it. */
	{ .method = METHOD_DELETE, .path = "/api/admin/reviews/{reviewId}/response",
	  .handler = svc_reviews_unrespond, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_id,
	  .operation = "admin.review.unrespond",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "Withdraw the business's response to a review" },
	/* DELETE /api/admin/reviews/{reviewId}: delete a review. */
	{ .method = METHOD_DELETE, .path = "/api/admin/reviews/{reviewId}",
	  .handler = svc_reviews_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_review_id,
	  .operation = "admin.review.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminReviewResult",
	  .summary = "Delete a review (kept for the record, no longer shown or counted)" },

	/* POST /api/email/contact: the contact form. */
	{ .method = METHOD_POST, .path = "/api/email/contact",
	  .handler = svc_emails_contact, .auth = AUTH_NONE, .rate = RATE_CONTACT,
	  .cache = CACHE_NONE, .input = &input_contact,
	  .operation = "contact.send",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 202, .output = "ContactAccepted",
	  .summary = "Contact form: a notice to the business (Reply-To: the sender) and an acknowledgement" },

	/* POST /api/bookings: book a car, priced on the server. */
	{ .method = METHOD_POST, .path = "/api/bookings",
	  .handler = svc_bookings_create, .auth = AUTH_OPTIONAL, .rate = RATE_BOOKING,
	  .cache = CACHE_NONE, .input = &input_booking,
	  .operation = "booking.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "BookingCreated",
	  .summary = "Create a booking (guest or customer); Idempotency-Key supported" },
	/* GET /api/bookings: the caller's bookings. */
	{ .method = METHOD_GET, .path = "/api/bookings",
	  .handler = svc_bookings_mine, .auth = AUTH_CUSTOMER, .rate = RATE_AUTH,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "booking.mine",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "MyBookings",
	  .summary = "The signed-in customer's bookings" },
	/* GET /api/bookings/by-token/{token}: the secure link. */
	{ .method = METHOD_GET, .path = "/api/bookings/by-token/{token}",
	  .handler = svc_bookings_by_token, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_NONE, .input = &input_token,
	  .operation = "booking.byToken",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "BookingByToken",
	  .summary = "A booking by its secure token" },
	/* POST /api/bookings/by-token/{token}/paypal-order: pay by link, 1. */
	{ .method = METHOD_POST, .path = "/api/bookings/by-token/{token}/paypal-order",
	  .handler = svc_bookings_pay_order, .auth = AUTH_NONE, .rate = RATE_PAYMENT,
	  .cache = CACHE_NONE, .input = &input_token,
	  .operation = "booking.payOrder",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "BookingPayOrder",
	  .summary = "Pay an existing booking by its secure link: a PayPal order at its server price" },
	/* POST /api/bookings/by-token/{token}/paypal-authorize: pay by link, 2. */
	{ .method = METHOD_POST, .path = "/api/bookings/by-token/{token}/paypal-authorize",
	  .handler = svc_bookings_pay_authorize, .auth = AUTH_NONE, .rate = RATE_PAYMENT,
	  .cache = CACHE_NONE, .input = &input_pay_authorize,
	  .operation = "booking.payAuthorize",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "BookingPayAuthorized",
	  .summary = "Authorize the PayPal order of a booking paid by its link; it moves as a paid booking" },
	/* POST /api/bookings/create-paypal-order: PayPal checkout, step 1. */
	{ .method = METHOD_POST, .path = "/api/bookings/create-paypal-order",
	  .handler = svc_payments_create_order, .auth = AUTH_NONE, .rate = RATE_PAYMENT,
	  .cache = CACHE_NONE, .input = &input_create_order,
	  .operation = "payment.createOrder",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PaypalOrder",
	  .summary = "Create a PayPal order (intent AUTHORIZE) at the server's price" },
	/* POST /api/bookings/authorize-paypal-order: step 2, book. */
	{ .method = METHOD_POST, .path = "/api/bookings/authorize-paypal-order",
	  .handler = svc_payments_authorize, .auth = AUTH_OPTIONAL, .rate = RATE_PAYMENT,
	  .cache = CACHE_NONE, .input = &input_authorize,
	  .operation = "payment.authorize",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PaymentAuthorized",
	  .summary = "Authorize the PayPal order and write its booking (voided if that fails)" },
	/* POST /api/bookings/{bookingId}/capture-payment: take the money. */
	{ .method = METHOD_POST, .path = "/api/bookings/{bookingId}/capture-payment",
	  .handler = svc_payments_capture, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_booking_id,
	  .operation = "payment.capture",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PaymentCaptured",
	  .summary = "Capture a booking's authorized payment" },
	/* POST /api/bookings/{bookingId}/void-payment: give it back. */
	{ .method = METHOD_POST, .path = "/api/bookings/{bookingId}/void-payment",
	  .handler = svc_payments_void, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_void,
	  .operation = "payment.void",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_EXTERNAL_SERVICE_ERROR) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PaymentVoided",
	  .summary = "Void a booking's authorized payment and cancel the booking" },
	/* POST /api/bookings/{bookingId}/cancel: self-cancel. */
	{ .method = METHOD_POST, .path = "/api/bookings/{bookingId}/cancel",
	  .handler = svc_bookings_cancel, .auth = AUTH_CUSTOMER, .rate = RATE_AUTH,
	  .cache = CACHE_NONE, .input = &input_booking_id,
	  .operation = "booking.cancel",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "BookingCancelled",
	  .summary = "Cancel one's own booking before pickup" },

	/* POST /api/cars/upload: an image for a car; variants follow. */
	{ .method = METHOD_POST, .path = "/api/cars/upload",
	  .handler = svc_images_upload, .auth = AUTH_ADMIN, .rate = RATE_UPLOAD,
	  .cache = CACHE_NONE, .input = &input_upload,
	  .operation = "image.upload",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "ImageUploaded",
	  .summary = "Upload a car image (multipart field file: JPEG, PNG or WebP); 400, 800 and 1600 px variants follow" },
	/* POST /api/cars/delete-image: remove an upload and its variants. */
	{ .method = METHOD_POST, .path = "/api/cars/delete-image",
	  .handler = svc_images_delete, .auth = AUTH_ADMIN, .rate = RATE_UPLOAD,
	  .cache = CACHE_NONE, .input = &input_image_delete,
	  .operation = "image.delete",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "ImageDeleted",
	  .summary = "Delete an uploaded image and its variants (a missing one counts as deleted)" },

	/* GET /api/admin/cars: the whole fleet. */
	{ .method = METHOD_GET, .path = "/api/admin/cars",
	  .handler = svc_admin_cars, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_pages,
	  .operation = "admin.car.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminCarList",
	  .summary = "All cars, hidden ones included" },
	/* POST /api/admin/cars: add a car. */
	{ .method = METHOD_POST, .path = "/api/admin/cars",
	  .handler = svc_fleet_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_car_new,
	  .operation = "admin.car.create",
	  .errors = ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "CarWritten",
	  .summary = "Create a car with pricing, images, features and specifications" },
	/* PUT /api/admin/cars/{carId}: replace a car. */
	{ .method = METHOD_PUT, .path = "/api/admin/cars/{carId}",
	  .handler = svc_fleet_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_car_put,
	  .operation = "admin.car.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarWritten",
	  .summary = "Replace a car and its child rows" },
	/* DELETE /api/admin/cars/{carId}: remove a car. */
	{ .method = METHOD_DELETE, .path = "/api/admin/cars/{carId}",
	  .handler = svc_fleet_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_car_id,
	  .operation = "admin.car.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarDeleted",
	  .summary = "Delete a car without live bookings" },
	/* PATCH /api/admin/cars/{carId}/visibility: hide or show. */
	{ .method = METHOD_PATCH, .path = "/api/admin/cars/{carId}/visibility",
	  .handler = svc_fleet_visibility, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_car_visibility,
	  .operation = "admin.car.setVisibility",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarVisibility",
	  .summary = "Hide or show a car" },
	/* GET /api/admin/analytics: the dashboard. */
	{ .method = METHOD_GET, .path = "/api/admin/analytics",
	  .handler = svc_analytics_get, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.analytics",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Analytics",
	  .summary = "Revenue, active bookings, fleet size, new customers; recent and popular" },
	/* POST /api/admin/cache-warm: warm the catalogue cache. */
	{ .method = METHOD_POST, .path = "/api/admin/cache-warm",
	  .handler = svc_analytics_warm, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_warm,
	  .operation = "admin.cache.warm",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CacheWarm",
	  .summary = "Warm the cache: fleet list, popular cars, their next days" },
	/* GET /api/admin/cache-warm: the last warm-up. */
	{ .method = METHOD_GET, .path = "/api/admin/cache-warm",
	  .handler = svc_analytics_warm_last, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.cache.lastWarm",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CacheWarm",
	  .summary = "Metrics of the last cache warm-up" },
	/* GET /api/admin/rate-limit-monitoring: recent violations. */
	{ .method = METHOD_GET, .path = "/api/admin/rate-limit-monitoring",
	  .handler = svc_ratelimits_monitor, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_rate_monitor,
	  .operation = "admin.rateLimit.violations",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "RateLimitViolations",
	  .summary = "Recent rate-limit violations (last 1000), summarised" },
	/* DELETE /api/admin/rate-limit-monitoring: clear, or unblock one. */
	{ .method = METHOD_DELETE, .path = "/api/admin/rate-limit-monitoring",
	  .handler = svc_ratelimits_reset, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_rate_monitor,
	  .operation = "admin.rateLimit.reset",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "RateLimitReset",
	  .summary = "Clear violations; with identifier, reset that client's limits" },
	/* POST /api/webhooks/paypal: PayPal's notifications. */
	{ .method = METHOD_POST, .path = "/api/webhooks/paypal",
	  .handler = svc_webhooks_paypal, .auth = AUTH_SIGNATURE, .rate = RATE_WEBHOOK,
	  .cache = CACHE_NONE, .input = &input_paypal_event,
	  .verify = svc_webhooks_paypal_verify,
	  .operation = "webhook.paypal",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookAck",
	  .summary = "PayPal webhook: verified, processed once per event id" },
	/* POST /api/webhooks/resend: email delivery events (Svix-signed). */
	{ .method = METHOD_POST, .path = "/api/webhooks/resend",
	  .handler = svc_webhooks_resend, .auth = AUTH_SIGNATURE, .rate = RATE_WEBHOOK,
	  .cache = CACHE_NONE, .input = &input_resend_event,
	  .verify = svc_webhooks_resend_verify,
	  .operation = "webhook.resend",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookAck",
	  .summary = "Resend webhook: email events into the inbox and booking timeline" },
	/* POST /api/webhooks/docuseal: contract events (HMAC-signed). */
	{ .method = METHOD_POST, .path = "/api/webhooks/docuseal",
	  .handler = svc_webhooks_docuseal, .auth = AUTH_SIGNATURE, .rate = RATE_WEBHOOK,
	  .cache = CACHE_NONE, .input = &input_docuseal_event,
	  .verify = svc_webhooks_docuseal_verify,
	  .operation = "webhook.docuseal",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookAck",
	  .summary = "DocuSeal webhook: contract sent, viewed, signed (documents kept), declined" },
	/* POST /api/webhooks/retry: the scheduled retry of failed deliveries. */
	{ .method = METHOD_POST, .path = "/api/webhooks/retry",
	  .handler = svc_webhooks_retry, .auth = AUTH_CRON, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "webhook.retry",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "JobRun",
	  .summary = "Process stored webhook deliveries that are due again" },
	/* Inbound webhook dead letters: deliveries whose retries ran out. */
	/* GET /api/admin/webhooks/inbound/dead-letters: the list. */
	{ .method = METHOD_GET, .path = "/api/admin/webhooks/inbound/dead-letters",
	  .handler = svc_deadletters_list, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_dead_list,
	  .operation = "admin.webhookDeadLetter.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookDeadLetterList",
	  .summary = "Inbound webhook dead letters by provider, event type and state (default waiting), newest first, paged" },
	/* POST /api/admin/webhooks/inbound/dead-letters/retry: retry all. */
	{ .method = METHOD_POST, .path = "/api/admin/webhooks/inbound/dead-letters/retry",
	  .handler = svc_deadletters_retry_all, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_dead_retry_all,
	  .operation = "admin.webhookDeadLetter.retryAll",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookDeadLetterRetryAll",
	  .summary = "Retry up to limit (default 100) waiting dead letters, oldest first, of a provider and event type; each applied once" },
	/* GET /api/admin/webhooks/inbound/dead-letters/{deadLetterId}: one. */
	{ .method = METHOD_GET, .path = "/api/admin/webhooks/inbound/dead-letters/{deadLetterId}",
	  .handler = svc_deadletters_get, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_dead_id,
	  .operation = "admin.webhookDeadLetter.byId",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookDeadLetterResult",
	  .summary = "One dead letter with its payload and headers, credentials and secret-looking values redacted" },
	/* POST /api/admin/webhooks/inbound/dead-letters/{deadLetterId}/retry. */
	{ .method = METHOD_POST, .path = "/api/admin/webhooks/inbound/dead-letters/{deadLetterId}/retry",
	  .handler = svc_deadletters_retry, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_dead_id,
	  .operation = "admin.webhookDeadLetter.retry",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookDeadLetterRetry",
	  .summary = "Apply a waiting dead letter's event now, once, as its delivery would have been (outcome applied, duplicate or failed); 409 unless waiting" },
	/* POST /api/admin/webhooks/inbound/dead-letters/{deadLetterId}/discard. */
	{ .method = METHOD_POST, .path = "/api/admin/webhooks/inbound/dead-letters/{deadLetterId}/discard",
	  .handler = svc_deadletters_discard, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_dead_discard,
	  .operation = "admin.webhookDeadLetter.discard",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "WebhookDeadLetterResult",
	  .summary = "Set a waiting dead letter aside with {reason}: kept with who and why, never retried; 409 unless waiting" },
	/* POST /api/admin/process-payment-captures: the scheduled job. */
	{ .method = METHOD_POST, .path = "/api/admin/process-payment-captures",
	  .handler = svc_payments_process, .auth = AUTH_CRON, .rate = RATE_NONE,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.payment.processCaptures",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "JobRun",
	  .summary = "Capture due payments; void or refund those of cancelled bookings" },
	/* GET /api/admin/emails/preview: a booking's email, rendered. */
	{ .method = METHOD_GET, .path = "/api/admin/emails/preview",
	  .handler = svc_emails_preview, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_preview,
	  .operation = "admin.email.preview",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .media = "text/html",
	  .summary = "Render a booking's email (html or text) without sending it; X-Email-Subject holds its subject" },
	/* POST /api/admin/emails/preview/mock: a template rendered with mock data. */
	{ .method = METHOD_POST, .path = "/api/admin/emails/preview/mock",
	  .handler = svc_emails_preview_mock, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_mock,
	  .operation = "admin.email.previewMock",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .media = "text/html",
	  .summary = "Render an email template (html or text) with mock data, no booking needed: data overlays a made-up booking; X-Email-Subject holds its subject" },
	/* POST /api/admin/emails/preview: send a booking's email to a tester. */
	{ .method = METHOD_POST, .path = "/api/admin/emails/preview",
	  .handler = svc_emails_send_test, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_test,
	  .operation = "admin.email.sendTest",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 202, .output = "EmailQueued",
	  .summary = "Send a booking's email to recipientEmail as a test (not recorded on the booking); 202" },
	/* POST /api/admin/emails/resend: send a booking's email again. */
	{ .method = METHOD_POST, .path = "/api/admin/emails/resend",
	  .handler = svc_emails_resend, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_resend,
	  .operation = "admin.email.resend",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 202, .output = "EmailQueued",
	  .summary = "Queue a booking's email again (a receipt needs a captured payment)" },
	/* GET /api/admin/emails/status: one booking's emails, or all, paged. */
	{ .method = METHOD_GET, .path = "/api/admin/emails/status",
	  .handler = svc_emails_status, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_status,
	  .operation = "admin.email.status",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "EmailStatus",
	  .summary = "Email status of a booking (bookingId), or email events paged with totals" },
	/* POST /api/admin/emails/status: queue failed emails again. */
	{ .method = METHOD_POST, .path = "/api/admin/emails/status",
	  .handler = svc_emails_retry_failed, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_email_retry,
	  .operation = "admin.email.retryFailed",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 202, .output = "EmailRetry",
	  .summary = "Batch retry: queue again up to 100 failed emails of a type" },
	/* GET /api/admin/inbox: what the mail provider reported. */
	{ .method = METHOD_GET, .path = "/api/admin/inbox",
	  .handler = svc_emails_inbox, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_inbox,
	  .operation = "admin.email.inbox",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Inbox",
	  .summary = "Provider email events, 20 per page, newest first" },
	/* POST /api/admin/reports: ask for a CSV report. */
	{ .method = METHOD_POST, .path = "/api/admin/reports",
	  .handler = svc_reports_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_report_new,
	  .operation = "admin.report.create",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 202, .output = "Report",
	  .summary = "Ask for a CSV report (bookings_revenue by month, fleet_utilisation by car); 202" },
	/* GET /api/admin/reports: the newest reports. */
	{ .method = METHOD_GET, .path = "/api/admin/reports",
	  .handler = svc_reports_list, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.report.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "ReportList",
	  .summary = "The newest 50 reports with their status and progress" },
	/* GET /api/admin/reports/{reportId}: status and progress. */
	{ .method = METHOD_GET, .path = "/api/admin/reports/{reportId}",
	  .handler = svc_reports_get, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_report,
	  .operation = "admin.report.byId",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Report",
	  .summary = "A report's status, progress (0-100) and download link when done" },
	/* GET /api/admin/reports/{reportId}/download: the CSV. */
	{ .method = METHOD_GET, .path = "/api/admin/reports/{reportId}/download",
	  .handler = svc_reports_download, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_report,
	  .operation = "admin.report.download",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .media = "text/csv",
	  .summary = "Download a finished report as CSV (409 while it is being built)" },

	/* GET /admin/dashboard: the dashboard page (no data in it). */
	{ .method = METHOD_GET, .path = "/admin/dashboard",
	  .handler = svc_analytics_dashboard_page, .auth = AUTH_NONE, .rate = RATE_PUBLIC,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.dashboard.page",
	  .errors = 0,
	  .media = "text/html",
	  .summary = "Admin dashboard (HTML): signs in, then shows /api/admin/dashboard" },
	/* GET /api/admin/dashboard: the dashboard's figures. */
	{ .method = METHOD_GET, .path = "/api/admin/dashboard",
	  .handler = svc_analytics_dashboard, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.dashboard.figures",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Dashboard",
	  .summary = "Queues (with the last hour), today's cache hit ratio, rate-limit violations (60 min)" },

	/* GET /api/admin/queues: counts per state. */
	{ .method = METHOD_GET, .path = "/api/admin/queues",
	  .handler = svc_queues_list, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.queue.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "QueueList",
	  .summary = "Job queues: ready, active, delayed, completed, failed, paused" },
	/* GET /api/admin/queues/{queue}/stats: outcomes per minute. */
	{ .method = METHOD_GET, .path = "/api/admin/queues/{queue}/stats",
	  .handler = svc_queues_stats, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue_stats,
	  .operation = "admin.queue.stats",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "QueueStats",
	  .summary = "A queue's completed, failed, retried and stalled jobs per minute (default 60)" },
	/* GET /api/admin/queues/{queue}/jobs: one state's jobs, paged. */
	{ .method = METHOD_GET, .path = "/api/admin/queues/{queue}/jobs",
	  .handler = svc_queues_jobs, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue_jobs,
	  .operation = "admin.queue.jobs",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "QueueJobs",
	  .summary = "Jobs of a queue in one state (default failed), paged" },
	/* GET /api/admin/queues/{queue}/jobs/{jobId}: one job. */
	{ .method = METHOD_GET, .path = "/api/admin/queues/{queue}/jobs/{jobId}",
	  .handler = svc_queues_job, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue_job,
	  .operation = "admin.queue.job",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "QueueJob",
	  .summary = "A job: data, attempts, failure, times, state" },
	/* POST /api/admin/queues/{queue}/jobs/{jobId}/retry: a dead letter again. */
	{ .method = METHOD_POST, .path = "/api/admin/queues/{queue}/jobs/{jobId}/retry",
	  .handler = svc_queues_retry, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue_job,
	  .operation = "admin.queue.retryJob",
	  .errors = ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Ok",
	  .summary = "Send a dead-lettered job back to ready with fresh attempts" },
	/* DELETE /api/admin/queues/{queue}/jobs/{jobId}: forget a job. */
	{ .method = METHOD_DELETE, .path = "/api/admin/queues/{queue}/jobs/{jobId}",
	  .handler = svc_queues_remove, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue_job,
	  .operation = "admin.queue.removeJob",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Ok",
	  .summary = "Remove a job no worker holds" },
	/* POST /api/admin/queues/{queue}/pause and /resume. */
	{ .method = METHOD_POST, .path = "/api/admin/queues/{queue}/pause",
	  .handler = svc_queues_pause, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue,
	  .operation = "admin.queue.pause",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Ok",
	  .summary = "Pause a queue: workers take no new job from it" },
	{ .method = METHOD_POST, .path = "/api/admin/queues/{queue}/resume",
	  .handler = svc_queues_resume, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_queue,
	  .operation = "admin.queue.resume",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Ok",
	  .summary = "Resume a paused queue" },
	/* GET /api/admin/rate-limit-overrides: the live overrides. */
	{ .method = METHOD_GET, .path = "/api/admin/rate-limit-overrides",
	  .handler = svc_ratelimits_overrides, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.rateLimit.overrides",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "RateLimitOverrides",
	  .summary = "Rate-limit overrides per IP or user, with time left" },
	/* PUT /api/admin/rate-limit-overrides: raise, lower or lift limits. */
	{ .method = METHOD_PUT, .path = "/api/admin/rate-limit-overrides",
	  .handler = svc_ratelimits_override_set, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_override_set,
	  .operation = "admin.rateLimit.setOverride",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "RateLimitOverride",
	  .summary = "Multiply one IP's or user's limits by factor (0 exempts) for a while" },
	/* DELETE /api/admin/rate-limit-overrides: back to the tiers. */
	{ .method = METHOD_DELETE, .path = "/api/admin/rate-limit-overrides",
	  .handler = svc_ratelimits_override_del, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_override_del,
	  .operation = "admin.rateLimit.deleteOverride",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "RateLimitOverride",
	  .summary = "Remove one IP's or user's override" },
	/* GET /api/admin/users: accounts and their roles. */
	{ .method = METHOD_GET, .path = "/api/admin/users",
	  .handler = svc_users_list, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_users_list,
	  .operation = "admin.user.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminUserList",
	  .summary = "Accounts newest first, by email search and role, paged" },
	/* PUT /api/admin/users/{userId}/role: grant or revoke admin. */
	{ .method = METHOD_PUT, .path = "/api/admin/users/{userId}/role",
	  .handler = svc_users_set_role, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_user_role,
	  .operation = "admin.user.setRole",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminUserRole",
	  .summary = "Grant or revoke the admin role (never the last admin); takes effect at once" },
	/* GET /api/admin/audit-log: what admins wrote. */
	{ .method = METHOD_GET, .path = "/api/admin/audit-log",
	  .handler = svc_users_audit_log, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_audit_log,
	  .operation = "admin.auditLog.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AuditLog",
	  .summary = "Admin writes newest first (who, what, before, after, trace id), filtered, paged" },
	/* GET /api/admin/bookings: the booking list. */
	{ .method = METHOD_GET, .path = "/api/admin/bookings",
	  .handler = svc_admin_bookings, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_admin_bookings,
	  .operation = "admin.booking.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminBookingList",
	  .summary = "Bookings with filters, search, sort and pages" },
	/* POST /api/admin/bookings: book for a customer. */
	{ .method = METHOD_POST, .path = "/api/admin/bookings",
	  .handler = svc_admin_booking_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_admin_new,
	  .operation = "admin.booking.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "AdminBookingCreated",
	  .summary = "Create a booking for a customer (30-day link)" },
	/* PATCH /api/admin/bookings/{bookingId}: edit a booking. */
	{ .method = METHOD_PATCH, .path = "/api/admin/bookings/{bookingId}",
	  .handler = svc_admin_booking_update, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_admin_edit,
	  .operation = "admin.booking.update",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminBookingUpdated",
	  .summary = "Edit notes, locations, dates, price and statuses (checked)" },
	/* GET /api/admin/bookings/{bookingId}: one booking in full. */
	{ .method = METHOD_GET, .path = "/api/admin/bookings/{bookingId}",
	  .handler = svc_admin_booking, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_booking_id,
	  .operation = "admin.booking.byId",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminBooking",
	  .summary = "A booking with customer, car, payments and timeline" },
	/* DELETE /api/admin/bookings/{bookingId}: cancel. */
	{ .method = METHOD_DELETE, .path = "/api/admin/bookings/{bookingId}",
	  .handler = svc_admin_booking_cancel, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_admin_cancel,
	  .operation = "admin.booking.cancel",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminBookingStatus",
	  .summary = "Cancel a booking (releases its days, queues the email)" },
	/* PATCH /api/admin/bookings/{bookingId}/status: a checked move. */
	{ .method = METHOD_PATCH, .path = "/api/admin/bookings/{bookingId}/status",
	  .handler = svc_admin_booking_status, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_admin_status,
	  .operation = "admin.booking.updateStatus",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "AdminBookingStatus",
	  .summary = "Change a booking's status along the allowed transitions" },

	/* /api/admin/cars/{carId}/maintenance: a car's maintenance blocks. */
	{ .method = METHOD_GET, .path = "/api/admin/cars/{carId}/maintenance",
	  .handler = svc_backoffice_blocks, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_block_list,
	  .operation = "admin.maintenance.list",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "MaintenanceBlockList",
	  .summary = "A car's maintenance blocks" },
	{ .method = METHOD_POST, .path = "/api/admin/cars/{carId}/maintenance",
	  .handler = svc_backoffice_block_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_block_new,
	  .operation = "admin.maintenance.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "MaintenanceBlockWritten",
	  .summary = "Create a maintenance block (409 over a day a live booking holds, naming the dates)" },
	{ .method = METHOD_PUT, .path = "/api/admin/cars/{carId}/maintenance/{blockId}",
	  .handler = svc_backoffice_block_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_block_put,
	  .operation = "admin.maintenance.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "MaintenanceBlockWritten",
	  .summary = "Replace a maintenance block" },
	{ .method = METHOD_DELETE, .path = "/api/admin/cars/{carId}/maintenance/{blockId}",
	  .handler = svc_backoffice_block_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_block_del,
	  .operation = "admin.maintenance.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "MaintenanceBlockWritten",
	  .summary = "Delete a maintenance block" },
	/* /api/admin/cars/{carId}/fees: a car's additional fees, mandatory and optional. */
	{ .method = METHOD_GET, .path = "/api/admin/cars/{carId}/fees",
	  .handler = svc_backoffice_fees, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_fee_list,
	  .operation = "admin.carFee.list",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarFeeList",
	  .summary = "A car's additional fees, mandatory and optional" },
	{ .method = METHOD_POST, .path = "/api/admin/cars/{carId}/fees",
	  .handler = svc_backoffice_fee_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_fee_new,
	  .operation = "admin.carFee.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "CarFeeWritten",
	  .summary = "Create a car's additional fee" },
	{ .method = METHOD_PUT, .path = "/api/admin/cars/{carId}/fees/{feeId}",
	  .handler = svc_backoffice_fee_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_fee_put,
	  .operation = "admin.carFee.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarFeeWritten",
	  .summary = "Replace a car's additional fee" },
	{ .method = METHOD_DELETE, .path = "/api/admin/cars/{carId}/fees/{feeId}",
	  .handler = svc_backoffice_fee_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_fee_del,
	  .operation = "admin.carFee.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "CarFeeWritten",
	  .summary = "Delete a car's additional fee" },
	/* /api/admin/peak-pricing-rules: peak-pricing rules. */
	{ .method = METHOD_GET, .path = "/api/admin/peak-pricing-rules",
	  .handler = svc_backoffice_peaks, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.peakRule.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PeakRuleList",
	  .summary = "Peak-pricing rules" },
	{ .method = METHOD_POST, .path = "/api/admin/peak-pricing-rules",
	  .handler = svc_backoffice_peak_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_peak_new,
	  .operation = "admin.peakRule.create",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "PeakRuleWritten",
	  .summary = "Create a peak-pricing rule" },
	{ .method = METHOD_PUT, .path = "/api/admin/peak-pricing-rules/{ruleId}",
	  .handler = svc_backoffice_peak_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_peak_put,
	  .operation = "admin.peakRule.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PeakRuleWritten",
	  .summary = "Replace a peak-pricing rule" },
	{ .method = METHOD_DELETE, .path = "/api/admin/peak-pricing-rules/{ruleId}",
	  .handler = svc_backoffice_peak_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_peak_del,
	  .operation = "admin.peakRule.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "PeakRuleWritten",
	  .summary = "Delete a peak-pricing rule" },
	/* /api/admin/tax-configurations: tax configurations, global and per location. */
	{ .method = METHOD_GET, .path = "/api/admin/tax-configurations",
	  .handler = svc_backoffice_taxes, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.tax.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "TaxConfigurationList",
	  .summary = "Tax configurations, global and per location" },
	{ .method = METHOD_POST, .path = "/api/admin/tax-configurations",
	  .handler = svc_backoffice_tax_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_tax_new,
	  .operation = "admin.tax.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "TaxConfigurationWritten",
	  .summary = "Create a tax configuration (one active per scope)" },
	{ .method = METHOD_PUT, .path = "/api/admin/tax-configurations/{taxId}",
	  .handler = svc_backoffice_tax_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_tax_put,
	  .operation = "admin.tax.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "TaxConfigurationWritten",
	  .summary = "Replace a tax configuration" },
	{ .method = METHOD_DELETE, .path = "/api/admin/tax-configurations/{taxId}",
	  .handler = svc_backoffice_tax_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_tax_del,
	  .operation = "admin.tax.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "TaxConfigurationWritten",
	  .summary = "Delete a tax configuration" },
	/* /api/admin/locations: pick-up and return locations. */
	{ .method = METHOD_GET, .path = "/api/admin/locations",
	  .handler = svc_backoffice_locations, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_none,
	  .operation = "admin.location.list",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationList",
	  .summary = "Pick-up and return locations" },
	{ .method = METHOD_POST, .path = "/api/admin/locations",
	  .handler = svc_backoffice_location_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_location_new,
	  .operation = "admin.location.create",
	  .errors = ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "LocationWritten",
	  .summary = "Create a location" },
	{ .method = METHOD_PUT, .path = "/api/admin/locations/{locationId}",
	  .handler = svc_backoffice_location_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_location_put,
	  .operation = "admin.location.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationWritten",
	  .summary = "Replace a location" },
	{ .method = METHOD_DELETE, .path = "/api/admin/locations/{locationId}",
	  .handler = svc_backoffice_location_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_location_del,
	  .operation = "admin.location.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationWritten",
	  .summary = "Delete a location" },
	/* /api/admin/locations/{locationId}/fees: a location's fees. */
	{ .method = METHOD_GET, .path = "/api/admin/locations/{locationId}/fees",
	  .handler = svc_backoffice_location_fees, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_lfee_list,
	  .operation = "admin.locationFee.list",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationFeeList",
	  .summary = "A location's fees" },
	{ .method = METHOD_POST, .path = "/api/admin/locations/{locationId}/fees",
	  .handler = svc_backoffice_location_fee_create, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_lfee_new,
	  .operation = "admin.locationFee.create",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "LocationFeeWritten",
	  .summary = "Create a location's fee (one per type)" },
	{ .method = METHOD_PUT, .path = "/api/admin/locations/{locationId}/fees/{feeId}",
	  .handler = svc_backoffice_location_fee_replace, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_lfee_put,
	  .operation = "admin.locationFee.replace",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationFeeWritten",
	  .summary = "Replace a location's fee" },
	{ .method = METHOD_DELETE, .path = "/api/admin/locations/{locationId}/fees/{feeId}",
	  .handler = svc_backoffice_location_fee_delete, .auth = AUTH_ADMIN, .rate = RATE_ADMIN,
	  .cache = CACHE_NONE, .input = &input_bo_lfee_del,
	  .operation = "admin.locationFee.delete",
	  .errors = ROUTE_ERR(API_NOT_FOUND) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "LocationFeeWritten",
	  .summary = "Delete a location's fee" },

	/* POST /api/auth/register: create an account, start a session. */
	{ .method = METHOD_POST, .path = "/api/auth/register",
	  .handler = svc_auth_register, .auth = AUTH_NONE, .rate = RATE_LOGIN,
	  .cache = CACHE_NONE, .input = &input_register,
	  .operation = "auth.register",
	  .errors = ROUTE_ERR(API_CONFLICT) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 201, .output = "Session",
	  .summary = "Register a customer account" },
	/* POST /api/auth/login: email and password for tokens. */
	{ .method = METHOD_POST, .path = "/api/auth/login",
	  .handler = svc_auth_login, .auth = AUTH_NONE, .rate = RATE_LOGIN,
	  .cache = CACHE_NONE, .input = &input_login,
	  .operation = "auth.login",
	  .errors = ROUTE_ERR(API_UNAUTHORIZED) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Session",
	  .summary = "Log in: access token (15 min) and refresh token" },
	/* POST /api/auth/refresh: rotate the refresh token. */
	{ .method = METHOD_POST, .path = "/api/auth/refresh",
	  .handler = svc_auth_refresh, .auth = AUTH_NONE, .rate = RATE_LOGIN,
	  .cache = CACHE_NONE, .input = &input_refresh,
	  .operation = "auth.refresh",
	  .errors = ROUTE_ERR(API_UNAUTHORIZED) | ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .output = "Session",
	  .summary = "Exchange a refresh token for new tokens" },
	/* POST /api/auth/logout: revoke the session. */
	{ .method = METHOD_POST, .path = "/api/auth/logout",
	  .handler = svc_auth_logout, .auth = AUTH_NONE, .rate = RATE_AUTH,
	  .cache = CACHE_NONE, .input = &input_refresh,
	  .operation = "auth.logout",
	  .errors = ROUTE_ERR(API_SERVICE_UNAVAILABLE),
	  .status = 204,
	  .summary = "Revoke a refresh token and its family" },
};

const struct route *
routes_table(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
