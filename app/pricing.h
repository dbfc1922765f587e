/* pricing.h -- the canonical booking price (domain.md §4.3), in cents. */
#ifndef PRICING_H
#define PRICING_H

#include <stdbool.h>
#include <stdint.h>

#define PRICING_MAX_FEES	16

struct pricing_fee {
	char		name[64];
	int64_t		cents;
};

/* What the price depends on; amounts in cents, rates as fractions. */
struct pricing_in {
	int64_t			base_cents;	/* daily */
	long			days;		/* end - start */
	long			minimum_days;
	bool			available;
	double			discount_pct;	/* 0..100; 0 = none */
	double			peak_multiplier;/* >= 1 */
	struct pricing_fee	fees[PRICING_MAX_FEES];	/* mandatory only */
	int			nfees;
	int64_t			pickup_fee_cents;	/* the location's flat fees */
	double			pickup_fee_pct;		/* plus its shares of the
							   subtotal (summed) */
	int64_t			dropoff_fee_cents;
	double			dropoff_fee_pct;
	bool			one_way;	/* both locations given, differ */
	double			tax_rate;	/* e.g. 0.10 */
	int64_t			deposit_cents;
};

struct pricing_out {
	int64_t		subtotal;	/* base x days (x peak) */
	int64_t		fees;
	int64_t		location_fees;
	int64_t		pickup_fee;
	int64_t		dropoff_fee;
	int64_t		before_tax;	/* after the discount */
	int64_t		taxes;
	int64_t		total;
};

/* Compute the price of in into out.  Returns NULL, or why the booking
 * cannot be priced (static storage). */
const char *pricing_compute(const struct pricing_in *in, struct pricing_out *out);
/* Write cents as "1234.56" into buf (at least 24 bytes); returns buf. */
char *pricing_format(int64_t cents, char *buf);
/* Parse "1234.5" or "1234.56" into cents.  Returns 0 or -1. */
int pricing_parse(const char *s, int64_t *cents);

#endif
