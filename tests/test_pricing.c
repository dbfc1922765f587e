/* test_pricing.c -- the canonical price and its worked example. */
#include "config.h"

#include "test_common.h"

#include "pricing.h"

static struct pricing_in
example(void)
{
	/* $50/day, Mon->Fri (4 days), mandatory $15 + $25, 10% off, 10% tax. */
	struct pricing_in in = { .base_cents = 5000, .days = 4, .minimum_days = 2,
	    .available = true, .discount_pct = 10, .peak_multiplier = 1,
	    .nfees = 2, .tax_rate = 0.10, .deposit_cents = 20000 };

	in.fees[0].cents = 1500;
	in.fees[1].cents = 2500;
	return in;
}

static void
pricing_compute__worked_example__is_237_60(void **state)
{
	struct pricing_in in = example();
	struct pricing_out out;
	char buf[24];

	(void)state;
	assert_null(pricing_compute(&in, &out));
	assert_int_equal(out.subtotal, 20000);
	assert_int_equal(out.fees, 4000);
	assert_int_equal(out.before_tax, 21600);
	assert_int_equal(out.taxes, 2160);
	assert_string_equal(pricing_format(out.total, buf), "237.60");
}

static void
pricing_compute__peak_and_locations__apply_to_subtotal(void **state)
{
	struct pricing_in in = example();
	struct pricing_out out;

	(void)state;
	in.peak_multiplier = 1.15;
	in.pickup_fee_cents = 2500;		/* airport */
	in.dropoff_fee_pct = 0.10;		/* 10% of subtotal */
	in.one_way = true;
	assert_null(pricing_compute(&in, &out));
	assert_int_equal(out.subtotal, 23000);
	assert_int_equal(out.location_fees, 2500 + 2300 + 5000);
	assert_int_equal(out.before_tax, (23000 + 4000 + 9800) * 9 / 10);
}

static void
pricing_compute__flat_and_percentage_fees_of_a_location__add(void **state)
{
	struct pricing_in in = example();
	struct pricing_out out;

	(void)state;
	in.pickup_fee_cents = 2500;		/* airport $25 */
	in.pickup_fee_pct = 0.05;		/* and 5% of the subtotal */
	assert_null(pricing_compute(&in, &out));
	assert_int_equal(out.pickup_fee, 2500 + 1000);
	assert_int_equal(out.location_fees, 3500);
	/* (200 + 40 + 35) x 0.9 = 247.50; + 10% = 272.25 */
	assert_int_equal(out.before_tax, 24750);
	assert_int_equal(out.total, 27225);
}

static void
pricing_compute__location_tax_rate__replaces_the_global_one(void **state)
{
	struct pricing_in in = example();
	struct pricing_out out;

	(void)state;
	in.tax_rate = 0.0825;
	assert_null(pricing_compute(&in, &out));
	assert_int_equal(out.taxes, 1782);	/* 216 x 8.25% = 17.82 */
	assert_int_equal(out.total, 23382);
}

static void
pricing_compute__invalid_rentals__are_refused(void **state)
{
	struct pricing_in in = example();
	struct pricing_out out;

	(void)state;
	in.days = 1;
	assert_non_null(pricing_compute(&in, &out));	/* below minimum */
	in = example();
	in.days = 0;
	assert_non_null(pricing_compute(&in, &out));
	in = example();
	in.available = false;
	assert_non_null(pricing_compute(&in, &out));
	in = example();
	in.base_cents = 0;
	assert_non_null(pricing_compute(&in, &out));
}

static void
pricing_parse__amounts__to_cents(void **state)
{
	int64_t c;

	(void)state;
	assert_int_equal(pricing_parse("237.6", &c), 0);
	assert_int_equal(c, 23760);
	assert_int_equal(pricing_parse("5", &c), 0);
	assert_int_equal(c, 500);
	assert_int_equal(pricing_parse("1.234", &c), -1);
	assert_int_equal(pricing_parse("", &c), -1);
	assert_int_equal(pricing_parse("-1", &c), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pricing_compute__worked_example__is_237_60),
		cmocka_unit_test(pricing_compute__peak_and_locations__apply_to_subtotal),
		cmocka_unit_test(pricing_compute__flat_and_percentage_fees_of_a_location__add),
		cmocka_unit_test(pricing_compute__location_tax_rate__replaces_the_global_one),
		cmocka_unit_test(pricing_compute__invalid_rentals__are_refused),
		cmocka_unit_test(pricing_parse__amounts__to_cents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
