/* test_template.c -- the variables of the emails (domain §7): en-US
 * currency and long dates, the defaults of each template, the held wording
 * of an unpaid booking, and every template rendered from mock data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "test_common.h"

#include "buf.h"
#include "conf.h"
#include "mail.h"
#include "template.h"

#ifndef EXODRIVE_TEMPLATESRC
#define EXODRIVE_TEMPLATESRC "templates"
#endif

static struct conf c;

static const char *
var(struct json_object *d, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(d, key, &v) ? json_object_get_string(v) : NULL;
}

static bool
flag(struct json_object *d, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(d, key, &v) && json_object_get_boolean(v);
}

/* True if s contains needle, ignoring case. */
static bool
has_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; s != NULL && *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

static void
template_money__thousands_and_cents__en_us_currency(void **state)
{
	char out[64];

	(void)state;
	template_money(123450, "USD", out, sizeof out);
	assert_string_equal(out, "$1,234.50");
	template_money(5, NULL, out, sizeof out);
	assert_string_equal(out, "$0.05");
	template_money(100000000, "USD", out, sizeof out);
	assert_string_equal(out, "$1,000,000.00");
	template_money(99999, "USD", out, sizeof out);
	assert_string_equal(out, "$999.99");
	template_money(-2500, "USD", out, sizeof out);
	assert_string_equal(out, "-$25.00");
	template_money(1200, "EUR", out, sizeof out);
	assert_string_equal(out, "12.00 EUR");
}

static void
template_long_date__calendar_days__en_us_long_date(void **state)
{
	char out[64] = "untouched";

	(void)state;
	assert_int_equal(template_long_date("2026-12-05", out, sizeof out), 0);
	assert_string_equal(out, "Saturday, December 5, 2026");
	assert_int_equal(template_long_date("2024-02-29", out, sizeof out), 0);
	assert_string_equal(out, "Thursday, February 29, 2024");
	assert_int_equal(template_long_date("2026-01-01T23:59:59Z", out, sizeof out), 0);
	assert_string_equal(out, "Thursday, January 1, 2026");
	strcpy(out, "untouched");
	assert_int_equal(template_long_date("2025-02-29", out, sizeof out), -1);
	assert_int_equal(template_long_date("2026-13-01", out, sizeof out), -1);
	assert_int_equal(template_long_date("Saturday", out, sizeof out), -1);
	assert_int_equal(template_long_date("2026-12-05x", out, sizeof out), -1);
	assert_int_equal(template_long_date(NULL, out, sizeof out), -1);
	assert_string_equal(out, "untouched");
}

static void
template_long_time__timestamps__utc_twelve_hour_clock(void **state)
{
	char out[80];

	(void)state;
	assert_int_equal(template_long_time("2026-12-05T07:30:00Z", out, sizeof out), 0);
	assert_string_equal(out, "Saturday, December 5, 2026 at 7:30 AM UTC");
	assert_int_equal(template_long_time("2026-12-05T00:05:09.123456+00:00", out, sizeof out), 0);
	assert_string_equal(out, "Saturday, December 5, 2026 at 12:05 AM UTC");
	assert_int_equal(template_long_time("2026-12-05 12:00", out, sizeof out), 0);
	assert_string_equal(out, "Saturday, December 5, 2026 at 12:00 PM UTC");
	/* An offset is turned to UTC, across midnight and a month end. */
	assert_int_equal(template_long_time("2026-11-30T23:30:00-02:00", out, sizeof out), 0);
	assert_string_equal(out, "Tuesday, December 1, 2026 at 1:30 AM UTC");
	assert_int_equal(template_long_time("2026-12-05T25:00:00Z", out, sizeof out), -1);
	assert_int_equal(template_long_time("2026-12-05", out, sizeof out), -1);
	assert_int_equal(template_long_time("2026-12-05T07:30:00Zjunk", out, sizeof out), -1);
}

static void
template_email_vars__unpaid_booking__held_until_never_confirmed(void **state)
{
	struct json_object *d = json_tokener_parse("{\"status\":\"pending_payment\","
	    "\"paymentStatus\":\"pending\",\"holdUntil\":\"2026-12-05T07:30:00Z\"}");

	(void)state;
	template_email_vars("booking_confirmation", d);
	assert_true(flag(d, "held"));
	assert_false(flag(d, "confirmed"));
	assert_string_equal(var(d, "holdUntil"), "Saturday, December 5, 2026 at 7:30 AM UTC");
	json_object_put(d);
}

static void
template_email_vars__paid_booking__confirmed(void **state)
{
	struct json_object *d = json_tokener_parse("{\"status\":\"upcoming\","
	    "\"paymentStatus\":\"captured\",\"holdUntil\":null}");
	struct json_object *x = json_tokener_parse("{\"status\":\"cancelled\"}");

	(void)state;
	template_email_vars("booking_confirmation", d);
	assert_false(flag(d, "held"));
	assert_true(flag(d, "confirmed"));
	template_email_vars("booking_confirmation", x);
	assert_false(flag(x, "held"));
	assert_false(flag(x, "confirmed"));
	json_object_put(d);
	json_object_put(x);
}

static void
template_email_vars__bare_booking__domain_names_and_defaults(void **state)
{
	struct json_object *d = json_tokener_parse("{\"bookingId\":"
	    "\"5f1c2a9e-0b7d-4c3e-9a61-2d8e4f6b7c10\",\"startDate\":\"2026-07-10\","
	    "\"endDate\":\"2026-07-13\",\"days\":3,\"totalPrice\":1000,"
	    "\"deposit\":2000.5,\"carImage\":\"javascript:alert(1)\"}");

	(void)state;
	template_email_vars("booking_confirmation", d);
	assert_string_equal(var(d, "pickupDate"), "Friday, July 10, 2026");
	assert_string_equal(var(d, "startDate"), "Friday, July 10, 2026");
	assert_string_equal(var(d, "dropoffDate"), "Monday, July 13, 2026");
	assert_string_equal(var(d, "pickupLocation"), "We'll contact you to arrange pickup location");
	assert_string_equal(var(d, "dropoffLocation"), "Same as pickup location");
	assert_string_equal(var(d, "carType"), "Exotic Vehicle");
	assert_string_equal(var(d, "currency"), "USD");
	assert_string_equal(var(d, "referenceNumber"), "EXO-5F1C2A9E");
	assert_string_equal(var(d, "invoiceNumber"), "INV-5F1C2A9E");
	/* ⌊1000 / 3⌋ = 333 a day. */
	assert_string_equal(var(d, "basePrice"), "$333.00");
	assert_string_equal(var(d, "totalPrice"), "$1,000.00");
	assert_string_equal(var(d, "deposit"), "$2,000.50");
	assert_null(var(d, "carImage"));
	json_object_put(d);
}

static void
template_email_vars__given_values__kept(void **state)
{
	struct json_object *d = json_tokener_parse("{\"basePrice\":450.5,"
	    "\"totalPrice\":\"$9.00\",\"days\":2,\"pickupLocation\":\"Miami Airport\","
	    "\"carImage\":\"https://img.example/car.webp\",\"held\":false}");

	(void)state;
	template_email_vars("booking_confirmation", d);
	assert_string_equal(var(d, "basePrice"), "$450.50");
	assert_string_equal(var(d, "totalPrice"), "$9.00");
	assert_string_equal(var(d, "pickupLocation"), "Miami Airport");
	assert_string_equal(var(d, "carImage"), "https://img.example/car.webp");
	assert_false(flag(d, "held"));
	json_object_put(d);
}

static void
template_email_vars__receipt__payment_method_and_amount(void **state)
{
	struct json_object *d = json_tokener_parse("{\"paidAmount\":2400,"
	    "\"transactionId\":\"8MC585209K746392H\",\"paymentDate\":\"2026-06-01\"}");

	(void)state;
	template_email_vars("payment_receipt", d);
	assert_string_equal(var(d, "paymentMethod"), "PayPal");
	assert_string_equal(var(d, "paymentAmount"), "$2,400.00");
	assert_string_equal(var(d, "paidAmount"), "$2,400.00");
	assert_string_equal(var(d, "transactionId"), "8MC585209K746392H");
	assert_string_equal(var(d, "paymentDate"), "Monday, June 1, 2026");
	json_object_put(d);
}

static void
template_email_vars__cancellation_with_fee__refund_is_captured_less_fee(void **state)
{
	struct json_object *d = json_tokener_parse("{\"bookingId\":"
	    "\"abcdef12-0000-4000-8000-000000000000\",\"capturedAmount\":1000,"
	    "\"cancellationFee\":150}");

	(void)state;
	template_email_vars("booking_cancellation", d);
	assert_string_equal(var(d, "cancellationFee"), "$150.00");
	assert_string_equal(var(d, "refundAmount"), "$850.00");
	assert_true(flag(d, "refundDue"));
	assert_string_equal(var(d, "refundMethod"), "Original Payment Method");
	assert_string_equal(var(d, "refundProcessingDays"), "5");
	assert_string_equal(var(d, "referenceNumber"), "CANCEL-ABCDEF12");
	assert_false(flag(d, "isCustomerCancelled"));
	json_object_put(d);
}

static void
template_email_vars__cancellation_unpaid__nothing_to_refund(void **state)
{
	struct json_object *d = json_tokener_parse("{\"capturedAmount\":0,"
	    "\"isCustomerCancelled\":true}");

	(void)state;
	template_email_vars("booking_cancellation", d);
	assert_string_equal(var(d, "cancellationFee"), "$0.00");
	assert_string_equal(var(d, "refundAmount"), "$0.00");
	assert_false(flag(d, "refundDue"));
	assert_true(flag(d, "isCustomerCancelled"));
	json_object_put(d);
}

/* Compose kind from d (JSON text); the caller frees the three buffers. */
static void
compose(const char *kind, const char *json, struct buf *s, struct buf *h,
    struct buf *t)
{
	struct json_object *d = json != NULL ? json_tokener_parse(json) : template_mock(kind);
	char err[256] = "";

	assert_non_null(d);
	buf_init(s), buf_init(h), buf_init(t);
	if (mail_compose(kind, d, s, h, t, err, sizeof err) != 0)
		fail_msg("%s: %s", kind, err);
	json_object_put(d);
}

static void
mail_compose__unpaid_booking__subject_and_body_say_held_never_confirmed(void **state)
{
	struct buf s, h, t;

	(void)state;
	compose("booking_confirmation", "{\"bookingId\":\"5f1c2a9e-0b7d-4c3e-9a61-2d8e4f6b7c10\","
	    "\"carName\":\"Ferrari Roma\",\"customerName\":\"Ann\",\"startDate\":\"2026-07-10\","
	    "\"endDate\":\"2026-07-12\",\"days\":2,\"totalPrice\":1500,\"deposit\":500,"
	    "\"status\":\"pending_payment\",\"paymentStatus\":\"pending\","
	    "\"holdUntil\":\"2026-07-01T18:45:00Z\","
	    "\"bookingUrl\":\"https://www.exodrive.co/booking/tok\"}", &s, &h, &t);
	assert_string_equal(s.data, "Booking Held until Wednesday, July 1, 2026 at 6:45 PM UTC"
	    " - Ferrari Roma | ExoDrive");
	assert_non_null(strstr(t.data, "until Wednesday, July 1, 2026 at 6:45 PM UTC"));
	assert_non_null(strstr(t.data, "Pay now to secure your booking: https://www.exodrive.co/booking/tok"));
	assert_non_null(strstr(h.data, "<h1>Your booking is held until Wednesday, July 1, 2026 at 6:45 PM UTC</h1>"));
	assert_non_null(strstr(h.data, "href=\"https://www.exodrive.co/booking/tok\""));
	assert_false(has_ci(s.data, "confirmed"));
	assert_false(has_ci(h.data, "confirmed"));
	assert_false(has_ci(t.data, "confirmed"));
	buf_free(&s), buf_free(&h), buf_free(&t);
}

static void
mail_compose__paid_booking__confirmed_with_locations_image_daily_price(void **state)
{
	struct buf s, h, t;

	(void)state;
	compose("booking_confirmation", NULL, &s, &h, &t);
	assert_string_equal(s.data, "Booking Confirmed - Lamborghini Huracán | ExoDrive");
	assert_non_null(strstr(t.data, "Pick-up location:  We'll contact you to arrange pickup location"));
	assert_non_null(strstr(t.data, "Drop-off location: Same as pickup location"));
	assert_non_null(strstr(t.data, "Daily rate:        $800.00"));
	assert_non_null(strstr(h.data, "<img src=\"https://images.exodrive.co/cars/lamborghini-huracan.webp\""));
	assert_non_null(strstr(h.data, "We&#39;ll contact you to arrange pickup location"));
	assert_null(strstr(t.data, "{{"));
	buf_free(&s), buf_free(&h), buf_free(&t);
}

static void
mail_compose__receipt__transaction_id_and_payment_method(void **state)
{
	struct buf s, h, t;

	(void)state;
	compose("payment_receipt", NULL, &s, &h, &t);
	assert_string_equal(s.data, "Payment Receipt - Lamborghini Huracán | ExoDrive");
	assert_non_null(strstr(t.data, "Transaction ID:    8MC585209K746392H"));
	assert_non_null(strstr(t.data, "Payment method:    PayPal"));
	assert_non_null(strstr(t.data, "Amount paid:       $2,400.00"));
	assert_non_null(strstr(h.data, "<td>Transaction ID</td><td>8MC585209K746392H</td>"));
	buf_free(&s), buf_free(&h), buf_free(&t);
}

static void
mail_compose__cancellation__fee_and_refund_method(void **state)
{
	struct buf s, h, t;

	(void)state;
	compose("booking_cancellation", "{\"bookingId\":\"5f1c2a9e-0b7d-4c3e-9a61-2d8e4f6b7c10\","
	    "\"carName\":\"Ferrari Roma\",\"startDate\":\"2026-07-10\",\"endDate\":\"2026-07-12\","
	    "\"totalPrice\":1500,\"capturedAmount\":1500,\"cancellationFee\":100,"
	    "\"cancellationReason\":\"Plans changed\",\"isCustomerCancelled\":true}", &s, &h, &t);
	assert_string_equal(s.data, "Booking Cancellation - Ferrari Roma");
	assert_non_null(strstr(t.data, "Cancellation fee:       $100.00"));
	assert_non_null(strstr(t.data, "Refund:                 $1,400.00"));
	assert_non_null(strstr(t.data, "Refund method:          Original Payment Method"));
	assert_non_null(strstr(t.data, "Cancellation reference: CANCEL-5F1C2A9E"));
	assert_non_null(strstr(t.data, "allow up to 5 business days"));
	assert_non_null(strstr(t.data, "is cancelled, as you asked."));
	assert_non_null(strstr(t.data, "Reason: Plans changed"));
	buf_free(&s), buf_free(&h), buf_free(&t);
}

static void
mail_compose__every_template__renders_mock_data(void **state)
{
	static const char *const kinds[] = { "booking_confirmation",
		"payment_receipt", "booking_cancellation", "reminder",
		"booking_modification", "contact_notice", "contact_acknowledgement" };
	struct buf s, h, t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		compose(kinds[i], NULL, &s, &h, &t);
		assert_true(s.len > 0 && h.len > 0 && t.len > 0);
		assert_null(strstr(h.data, "{{"));
		buf_free(&s), buf_free(&h), buf_free(&t);
	}
}

static void
mail_compose__unknown_kind__refused(void **state)
{
	struct json_object *d = json_object_new_object();
	struct buf s, h, t;
	char err[128];

	(void)state;
	buf_init(&s), buf_init(&h), buf_init(&t);
	assert_int_equal(mail_compose("welcome", d, &s, &h, &t, err, sizeof err), -1);
	assert_string_equal(err, "no email kind welcome");
	json_object_put(d);
	buf_free(&s), buf_free(&h), buf_free(&t);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	setenv("TEMPLATE_DIR", EXODRIVE_TEMPLATESRC, 1);
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	conf = &c;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(&c);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(template_money__thousands_and_cents__en_us_currency),
		cmocka_unit_test(template_long_date__calendar_days__en_us_long_date),
		cmocka_unit_test(template_long_time__timestamps__utc_twelve_hour_clock),
		cmocka_unit_test(template_email_vars__unpaid_booking__held_until_never_confirmed),
		cmocka_unit_test(template_email_vars__paid_booking__confirmed),
		cmocka_unit_test(template_email_vars__bare_booking__domain_names_and_defaults),
		cmocka_unit_test(template_email_vars__given_values__kept),
		cmocka_unit_test(template_email_vars__receipt__payment_method_and_amount),
		cmocka_unit_test(template_email_vars__cancellation_with_fee__refund_is_captured_less_fee),
		cmocka_unit_test(template_email_vars__cancellation_unpaid__nothing_to_refund),
		cmocka_unit_test(mail_compose__unpaid_booking__subject_and_body_say_held_never_confirmed),
		cmocka_unit_test(mail_compose__paid_booking__confirmed_with_locations_image_daily_price),
		cmocka_unit_test(mail_compose__receipt__transaction_id_and_payment_method),
		cmocka_unit_test(mail_compose__cancellation__fee_and_refund_method),
		cmocka_unit_test(mail_compose__every_template__renders_mock_data),
		cmocka_unit_test(mail_compose__unknown_kind__refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
