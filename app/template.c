/* template.c -- templates of TEMPLATE_DIR. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "template.h"
#include "xmalloc.h"

/* The contents of TEMPLATE_DIR/file (caller frees), or NULL. */
static char *
template_load(const char *file)
{
	char path[1024], chunk[4096];
	struct buf b;
	size_t n;
	FILE *f;

	if (strchr(file, '/') != NULL || strstr(file, "..") != NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", conf->template_dir, file);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_adds(&b, "");
	return b.data ? b.data : xstrdup("");
}

static const char *
template_partial(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return NULL;		/* the templates use none */
}

int
template_render(const char *file, struct json_object *data,
    enum mustache_escape esc, struct buf *out, char *err, size_t errlen)
{
	char *t = template_load(file);
	int rc;

	if (t == NULL) {
		snprintf(err, errlen, "template %s is missing", file);
		return -1;
	}
	rc = mustache_render(t, data, template_partial, NULL, esc, out, err, errlen);
	free(t);
	return rc;
}

/* ---- The variables of the emails (domain §7). ---- */

static const char *const template_days[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const template_months[] = { "January", "February",
	"March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December" };

void
template_money(long long cents, const char *currency, char *out, size_t len)
{
	char digits[32], grouped[48];
	unsigned long long v = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	size_t n, i, j = 0;

	snprintf(digits, sizeof digits, "%llu", v / 100);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	if (currency == NULL || *currency == '\0' || strcmp(currency, "USD") == 0)
		snprintf(out, len, "%s$%s.%02llu", cents < 0 ? "-" : "", grouped,
		    v % 100);
	else
		snprintf(out, len, "%s%s.%02llu %s", cents < 0 ? "-" : "", grouped,
		    v % 100, currency);
}

/* n digits of s as a number into *v; false when one is not a digit. */
static bool
template_digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* The calendar day at the start of iso into tm (tm_wday set). */
static bool
template_day(const char *iso, struct tm *tm)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	time_t t;

	if (iso == NULL || strlen(iso) < 10 || !template_digits(iso, 4, &y) ||
	    iso[4] != '-' || !template_digits(iso + 5, 2, &m) || iso[7] != '-' ||
	    !template_digits(iso + 8, 2, &d) || y < 1900 || m < 1 || m > 12 ||
	    d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return false;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	t = timegm(tm);
	return gmtime_r(&t, tm) != NULL;
}

int
template_long_date(const char *iso, char *out, size_t len)
{
	struct tm tm;

	if (!template_day(iso, &tm) || (iso[10] != '\0' && iso[10] != 'T' &&
	    iso[10] != ' '))
		return -1;
	snprintf(out, len, "%s, %s %d, %d", template_days[tm.tm_wday],
	    template_months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
	return 0;
}

int
template_long_time(const char *iso, char *out, size_t len)
{
	const char *p;
	struct tm tm;
	int h, mi, s = 0, oh = 0, om = 0, sign = 0;
	time_t t;

	if (!template_day(iso, &tm) || (iso[10] != 'T' && iso[10] != ' ') ||
	    !template_digits(iso + 11, 2, &h) || iso[13] != ':' ||
	    !template_digits(iso + 14, 2, &mi) || h > 23 || mi > 59)
		return -1;
	p = iso + 16;
	if (*p == ':') {
		if (!template_digits(p + 1, 2, &s) || s > 60)
			return -1;
		p += 3;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (!template_digits(p + 1, 2, &oh))
			return -1;
		p += 3;
		if (*p == ':')
			p++;
		if (*p != '\0') {
			if (!template_digits(p, 2, &om))
				return -1;
			p += 2;
		}
	} else if (*p == 'Z')
		p++;
	if (*p != '\0')
		return -1;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	snprintf(out, len, "%s, %s %d, %d at %d:%02d %s UTC",
	    template_days[tm.tm_wday], template_months[tm.tm_mon], tm.tm_mday,
	    tm.tm_year + 1900, tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12,
	    tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
	return 0;
}

/* Member key of d when it is a non-empty string, else NULL. */
static const char *
template_str(struct json_object *d, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(d, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0)
		return NULL;
	return json_object_get_string(v);
}

/* Member key of d as cents when it is a number. */
static bool
template_cents(struct json_object *d, const char *key, long long *cents)
{
	struct json_object *v;

	if (!json_object_object_get_ex(d, key, &v))
		return false;
	if (json_object_is_type(v, json_type_int))
		*cents = json_object_get_int64(v) * 100;
	else if (json_object_is_type(v, json_type_double))
		*cents = llround(json_object_get_double(v) * 100.0);
	else
		return false;
	return true;
}

static bool
template_has(struct json_object *d, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(d, key, &v) && v != NULL;
}

/* Set key of d to string s unless it is there. */
static void
template_default(struct json_object *d, const char *key, const char *s)
{
	if (!template_has(d, key))
		json_object_object_add(d, key, json_object_new_string(s));
}

/* Copy member from of d to key when key is absent. */
static void
template_alias(struct json_object *d, const char *key, const char *from)
{
	struct json_object *v;

	if (!template_has(d, key) && json_object_object_get_ex(d, from, &v) &&
	    v != NULL)
		json_object_object_add(d, key, json_object_get(v));
}

/* "PREFIX-" and the first 8 characters of the booking id, upper case. */
static void
template_reference(struct json_object *d, const char *key, const char *prefix)
{
	const char *id = template_str(d, "bookingId");
	char ref[32];
	size_t i, n;

	if (template_has(d, key) || id == NULL)
		return;
	n = (size_t)snprintf(ref, sizeof ref, "%s-%.8s", prefix, id);
	for (i = strlen(prefix) + 1; i < n && i < sizeof ref; i++)
		ref[i] = (char)toupper((unsigned char)ref[i]);
	json_object_object_add(d, key, json_object_new_string(ref));
}

static bool
template_is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

void
template_email_vars(const char *kind, struct json_object *d)
{
	static const char *const money[] = { "totalPrice", "basePrice",
		"deposit", "paidAmount", "paymentAmount", "capturedAmount",
		"refundAmount", "cancellationFee", "newTotalPrice",
		"previousTotalPrice", "additionalFees", NULL };
	static const char *const dates[] = { "startDate", "endDate",
		"pickupDate", "dropoffDate", "paymentDate", "cancellationDate",
		"effectiveDate", NULL };
	const char *currency, *s, *status;
	long long total, fee, captured, refund;
	char buf[128];
	struct json_object *v;
	bool held;
	int64_t days;
	size_t i;

	if (d == NULL || !json_object_is_type(d, json_type_object))
		return;
	template_default(d, "currency", "USD");
	currency = template_str(d, "currency");
	template_alias(d, "pickupDate", "startDate");
	template_alias(d, "startDate", "pickupDate");
	template_alias(d, "dropoffDate", "endDate");
	template_alias(d, "endDate", "dropoffDate");
	template_reference(d, "reference", "EXO");
	template_reference(d, "cancelReference", "CANCEL");
	template_reference(d, "invoiceNumber", "INV");
	template_alias(d, "referenceNumber", template_is(kind, "booking_cancellation") ?
	    "cancelReference" : "reference");
	template_default(d, "carType", "Exotic Vehicle");
	template_default(d, "pickupLocation", "We'll contact you to arrange pickup location");
	template_default(d, "dropoffLocation", "Same as pickup location");
	if ((s = template_str(d, "carImage")) != NULL && strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0)
		json_object_object_del(d, "carImage");

	/* The daily base price: ⌊total / days⌋ when the booking has none. */
	if (!template_has(d, "basePrice") && template_cents(d, "totalPrice", &total) &&
	    json_object_object_get_ex(d, "days", &v) && json_object_is_type(v, json_type_int) &&
	    (days = json_object_get_int64(v)) > 0)
		json_object_object_add(d, "basePrice",
		    json_object_new_int64(total / days / 100));

	/* Receipts. */
	template_default(d, "paymentMethod", "PayPal");
	template_alias(d, "paymentAmount", "paidAmount");
	template_alias(d, "paymentAmount", "totalPrice");

	/* Cancellations: a full refund of what was captured, less the fee
	 * (there is no fee policy: none unless given). */
	if (template_is(kind, "booking_cancellation")) {
		template_default(d, "refundMethod", "Original Payment Method");
		if (!template_has(d, "refundProcessingDays"))
			json_object_object_add(d, "refundProcessingDays",
			    json_object_new_int(5));
		if (!template_cents(d, "cancellationFee", &fee)) {
			fee = 0;
			if (!template_has(d, "cancellationFee"))
				json_object_object_add(d, "cancellationFee",
				    json_object_new_int(0));
		}
		if (!template_has(d, "refundAmount")) {
			if (!template_cents(d, "capturedAmount", &captured))
				captured = 0;
			refund = captured > fee ? captured - fee : 0;
			json_object_object_add(d, "refundAmount",
			    json_object_new_double((double)refund / 100.0));
		}
		if (!template_has(d, "isCustomerCancelled"))
			json_object_object_add(d, "isCustomerCancelled",
			    json_object_new_boolean(0));
	}
	if (template_cents(d, "refundAmount", &refund))
		json_object_object_add(d, "refundDue", json_object_new_boolean(refund > 0));

	/* An unpaid booking is held until holdUntil: never "confirmed". */
	status = template_str(d, "status");
	if (!json_object_object_get_ex(d, "held", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		json_object_object_add(d, "held", json_object_new_boolean(
		    template_str(d, "holdUntil") != NULL && !template_is(status, "cancelled")));
	held = json_object_get_boolean(json_object_object_get(d, "held"));
	if (!json_object_object_get_ex(d, "confirmed", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		json_object_object_add(d, "confirmed", json_object_new_boolean(
		    !held && !template_is(status, "cancelled")));

	/* Display forms last: the figures above are read as numbers. */
	for (i = 0; money[i] != NULL; i++)
		if (template_cents(d, money[i], &total)) {
			template_money(total, currency, buf, sizeof buf);
			json_object_object_add(d, money[i], json_object_new_string(buf));
		}
	for (i = 0; dates[i] != NULL; i++)
		if ((s = template_str(d, dates[i])) != NULL &&
		    template_long_date(s, buf, sizeof buf) == 0)
			json_object_object_add(d, dates[i], json_object_new_string(buf));
	if ((s = template_str(d, "holdUntil")) != NULL &&
	    template_long_time(s, buf, sizeof buf) == 0)
		json_object_object_add(d, "holdUntil", json_object_new_string(buf));
}

struct json_object *
template_mock(const char *kind)
{
	const char *mock = "{\"bookingId\":\"5f1c2a9e-0b7d-4c3e-9a61-2d8e4f6b7c10\","
	    "\"customerName\":\"Alex Morgan\",\"customerFirstName\":\"Alex\","
	    "\"customerEmail\":\"alex.morgan@example.com\","
	    "\"carName\":\"Lamborghini Huracán\","
	    "\"carImage\":\"https://images.exodrive.co/cars/lamborghini-huracan.webp\","
	    "\"startDate\":\"2026-07-10\",\"endDate\":\"2026-07-13\",\"days\":3,"
	    "\"totalPrice\":2400,\"basePrice\":800,\"deposit\":2000,"
	    "\"paidAmount\":2400,\"capturedAmount\":2400,"
	    "\"status\":\"upcoming\",\"paymentStatus\":\"captured\","
	    "\"transactionId\":\"8MC585209K746392H\",\"paymentDate\":\"2026-06-01\","
	    "\"cancellationDate\":\"2026-06-20\",\"effectiveDate\":\"2026-06-20\","
	    "\"bookingUrl\":\"https://www.exodrive.co/booking/mock-preview-token\","
	    "\"modificationType\":\"dates\",\"changes\":[{\"field\":\"Pick-up date\","
	    "\"previousValue\":\"2026-07-09\",\"newValue\":\"2026-07-10\"}],"
	    "\"name\":\"Alex Morgan\",\"email\":\"alex.morgan@example.com\","
	    "\"phone\":\"+1 555 0100\",\"message\":\"Is the Huracán free in July?\","
	    "\"messageLines\":[\"Is the Huracán free in July?\"],"
	    "\"receivedAt\":\"2026-06-01T09:30:00Z\"}";

	(void)kind;
	return json_tokener_parse(mock);
}
