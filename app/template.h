/* template.h -- the Mustache templates of TEMPLATE_DIR (emails, the admin
 * dashboard page), loaded per use: an edited template needs no restart,
 * and the variables of the emails (domain §7): en-US long dates and
 * currency, and the defaults of each template. */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "mustache.h"

/* Render TEMPLATE_DIR/file with data into out (values escaped per esc).
 * Returns 0, or -1 with err (a missing file or a template error). */
int template_render(const char *file, struct json_object *data,
    enum mustache_escape esc, struct buf *out, char *err, size_t errlen);

/* cents in en-US currency: "$1,234.50" (USD), "1,234.50 EUR" otherwise. */
void template_money(long long cents, const char *currency, char *out,
    size_t len);
/* A date ("2026-12-05", or a timestamp's date) as an en-US long date:
 * "Saturday, December 5, 2026".  Returns 0, or -1 (out untouched) when
 * iso is not a real calendar day. */
int template_long_date(const char *iso, char *out, size_t len);
/* A timestamp ("2026-12-05T07:30:00Z", fractions and a +hh:mm offset
 * allowed; no offset means UTC) as an en-US long date and time in UTC:
 * "Saturday, December 5, 2026 at 7:30 AM UTC".  Returns 0, or -1. */
int template_long_time(const char *iso, char *out, size_t len);

/* Complete the variables of email kind in d, as its templates use them
 * (templates/README.md): numbers of money become en-US currency, ISO
 * dates en-US long dates, holdUntil a long date and time; the §7 names
 * and defaults are added where absent (pickupDate, dropoffDate,
 * referenceNumber, carType, pickup and drop-off location, basePrice =
 * ⌊total/days⌋, paymentMethod, refundMethod, refundProcessingDays,
 * cancellationFee, refundAmount = captured − fee, ...), and the flags
 * held (unpaid: held until holdUntil, never "confirmed") and confirmed.
 * A carImage that is not an http(s) URL is dropped. */
void template_email_vars(const char *kind, struct json_object *d);
/* The variables of a made-up booking (domain §8's mock Lamborghini) for
 * previewing kind without a real one; the caller puts it. */
struct json_object *template_mock(const char *kind);

#endif
