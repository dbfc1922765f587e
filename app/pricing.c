/* pricing.c -- integer-cent arithmetic for the canonical price. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

#include "pricing.h"

/* Round a cent amount computed in floating point, half away from zero. */
static int64_t
pricing_round(double cents)
{
	return (int64_t)llround(cents);
}

/* A location's fees: its flat amounts plus its shares of the subtotal
 * (a location may have both kinds; they add). */
static int64_t
pricing_location(int64_t subtotal, int64_t cents, double pct)
{
	return cents + (pct > 0 ? pricing_round((double)subtotal * pct) : 0);
}

const char *
pricing_compute(const struct pricing_in *in, struct pricing_out *out)
{
	int i;

	if (in->days < 1 || in->days > 365)
		return "Rentals last from 1 to 365 days";
	if (!in->available)
		return "This car is not available for booking";
	if (in->base_cents <= 0)
		return "This car has no price";
	if (in->days < in->minimum_days)
		return "The rental is shorter than this car's minimum";
	out->subtotal = in->base_cents * in->days;
	if (in->peak_multiplier > 1)
		out->subtotal = pricing_round((double)out->subtotal * in->peak_multiplier);
	out->fees = 0;
	for (i = 0; i < in->nfees; i++)
		out->fees += in->fees[i].cents > 0 ? in->fees[i].cents : 0;
	out->pickup_fee = pricing_location(out->subtotal, in->pickup_fee_cents,
	    in->pickup_fee_pct);
	out->dropoff_fee = pricing_location(out->subtotal, in->dropoff_fee_cents,
	    in->dropoff_fee_pct);
	out->location_fees = out->pickup_fee + out->dropoff_fee +
	    (in->one_way ? 5000 : 0);
	out->before_tax = out->subtotal + out->fees + out->location_fees;
	if (in->discount_pct > 0)
		out->before_tax = pricing_round((double)out->before_tax *
		    (1.0 - in->discount_pct / 100.0));
	out->taxes = pricing_round((double)out->before_tax * in->tax_rate);
	out->total = out->before_tax + out->taxes;
	return out->total < 0 ? "Negative total" : NULL;
}

char *
pricing_format(int64_t cents, char *buf)
{
	snprintf(buf, 24, "%s%lld.%02lld", cents < 0 ? "-" : "",
	    (long long)(cents < 0 ? -cents : cents) / 100,
	    (long long)(cents < 0 ? -cents : cents) % 100);
	return buf;
}

int
pricing_parse(const char *s, int64_t *cents)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, decimals = 0;

	for (; isdigit((unsigned char)*s); s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s) && decimals < 2; s++, decimals++)
			frac = frac * 10 + (*s - '0');
	}
	if (*s != '\0' || digits == 0 || digits > 10)
		return -1;
	if (decimals == 1)
		frac *= 10;
	*cents = whole * 100 + frac;
	return 0;
}
