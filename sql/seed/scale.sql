-- scale.sql -- seed_scale(n): n more cars, each with a year of bookings and
-- availability rows, for benchmarks.  Run by `exodrive seed --scale N`.
CREATE OR REPLACE FUNCTION seed_scale(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  base int := (SELECT count(*) FROM cars WHERE name LIKE 'Bench Car %');
  cust uuid;
BEGIN
  INSERT INTO customers (email, first_name, last_name)
  VALUES ('bench.customer@example.com', 'Bench', 'Customer')
  ON CONFLICT DO NOTHING;
  SELECT id INTO cust FROM customers WHERE email = 'bench.customer@example.com' AND user_id IS NULL;

  CREATE TEMP TABLE bench_new ON COMMIT DROP AS
  WITH ins AS (
    INSERT INTO cars (slug, name, description, short_description, category, featured)
    SELECT 'bench-car-' || (base + k), 'Bench Car ' || (base + k),
           'Generated car number ' || (base + k) || ' for load tests.', 'Generated car',
           (ARRAY['Supercar','Sports Car','Luxury Sedan','Luxury SUV','Convertible','Exotic'])[1 + (base + k) % 6],
           (base + k) % 7 = 0
    FROM generate_series(1, n) k
    RETURNING id, name)
  SELECT id, substring(name from 11)::int AS k FROM ins;

  INSERT INTO car_pricing (car_id, base_price, deposit_amount, minimum_days)
  SELECT id, 300 + (k * 37) % 2200, 1000 + (k * 13) % 4000, 1 + k % 3 FROM bench_new;
  INSERT INTO car_images (car_id, url, alt, is_primary)
  SELECT id, 'https://images.exodrive.example/bench/' || k || '.webp', 'Bench car ' || k, true FROM bench_new;
  INSERT INTO car_features (car_id, name)
  SELECT id, f FROM bench_new, unnest(ARRAY['Apple CarPlay', 'Premium Audio', 'Launch Control']) f;

  -- A 3-day booking every 10 days over the coming year.
  INSERT INTO bookings (customer_id, car_id, start_date, end_date, total_price,
    overall_status, payment_status, contract_status)
  SELECT cust, b.id, current_date + w * 10 + b.k % 7, current_date + w * 10 + b.k % 7 + 3,
         1000, 'upcoming', 'authorized', 'signed'
  FROM bench_new b, generate_series(0, 35) w;

  INSERT INTO car_availability (car_id, date, status, booking_id)
  SELECT bk.car_id, d::date, 'booked', bk.id
  FROM bookings bk JOIN bench_new b ON b.id = bk.car_id,
       generate_series(bk.start_date, bk.end_date, interval '1 day') d;
  RETURN n;
END $$;
