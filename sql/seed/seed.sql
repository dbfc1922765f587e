-- seed.sql -- a fleet and a history for development and tests.
-- Run by `exodrive seed` after it has created the accounts
-- admin@exodrive.com, john.doe@example.com and jane.smith@example.com.
-- Dates are relative to today, so the history stays current.

CREATE TEMP TABLE seed_cars (n int, name text, category text, price numeric,
  deposit numeric, min_days int, discount numeric, featured bool, hidden bool,
  available bool, make text, model text, year int, engine text, hp int,
  zero60 text, top text, trans text, drive text) ON COMMIT DROP;

INSERT INTO seed_cars VALUES
 (1,'Ferrari 296 GTB','Supercar',1800,5000,2,NULL,true,false,true,'Ferrari','296 GTB',2024,'3.0L twin-turbo V6 hybrid',819,'2.9 s','205 mph','8-speed dual-clutch','RWD'),
 (2,'Lamborghini Huracan EVO','Supercar',1600,5000,2,10,true,false,true,'Lamborghini','Huracan EVO',2023,'5.2L V10',631,'2.9 s','202 mph','7-speed dual-clutch','AWD'),
 (3,'McLaren 720S','Supercar',1700,5000,2,NULL,false,false,true,'McLaren','720S',2022,'4.0L twin-turbo V8',710,'2.8 s','212 mph','7-speed dual-clutch','RWD'),
 (4,'Porsche 911 Turbo S','Sports Car',900,3000,1,NULL,true,false,true,'Porsche','911 Turbo S',2024,'3.7L twin-turbo flat-6',640,'2.6 s','205 mph','8-speed PDK','AWD'),
 (5,'Porsche 718 Cayman GT4','Sports Car',650,2000,1,5,false,false,true,'Porsche','718 Cayman GT4',2023,'4.0L flat-6',414,'4.2 s','188 mph','6-speed manual','RWD'),
 (6,'Bentley Flying Spur','Luxury Sedan',1100,3000,1,NULL,false,false,true,'Bentley','Flying Spur',2023,'6.0L W12',626,'3.7 s','207 mph','8-speed dual-clutch','AWD'),
 (7,'Rolls-Royce Ghost','Luxury Sedan',2200,5000,2,NULL,true,false,true,'Rolls-Royce','Ghost',2024,'6.75L twin-turbo V12',563,'4.6 s','155 mph','8-speed automatic','AWD'),
 (8,'Lamborghini Urus','Luxury SUV',1400,4000,1,NULL,false,false,true,'Lamborghini','Urus',2023,'4.0L twin-turbo V8',641,'3.5 s','190 mph','8-speed automatic','AWD'),
 (9,'Bentley Bentayga','Luxury SUV',950,3000,1,NULL,false,false,true,'Bentley','Bentayga',2022,'4.0L twin-turbo V8',542,'4.4 s','180 mph','8-speed automatic','AWD'),
 (10,'Rolls-Royce Dawn','Convertible',2000,5000,2,NULL,false,false,true,'Rolls-Royce','Dawn',2022,'6.6L twin-turbo V12',563,'4.9 s','155 mph','8-speed automatic','RWD'),
 (11,'Ferrari Portofino M','Convertible',1300,4000,1,NULL,false,true,true,'Ferrari','Portofino M',2023,'3.9L twin-turbo V8',612,'3.45 s','199 mph','8-speed dual-clutch','RWD'),
 (12,'McLaren Artura','Exotic',1500,4000,3,NULL,false,false,false,'McLaren','Artura',2024,'3.0L twin-turbo V6 hybrid',671,'3.0 s','205 mph','8-speed dual-clutch','RWD');

INSERT INTO cars (slug, name, description, short_description, category, available, featured, hidden, created_at)
SELECT trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), name,
       'The ' || name || ' — ' || hp || ' hp of ' || make || ' engineering, delivered anywhere in the DMV.',
       year || ' ' || name || ', ' || engine, category, available, featured, hidden,
       now() - make_interval(days => 60 - n)
FROM seed_cars;

CREATE TEMP TABLE seed_ids ON COMMIT DROP AS
SELECT s.n, c.id FROM seed_cars s JOIN cars c ON c.name = s.name;

INSERT INTO car_pricing (car_id, base_price, deposit_amount, minimum_days, discount_percentage, special_offer_text)
SELECT i.id, s.price, s.deposit, s.min_days, s.discount,
       CASE WHEN s.discount IS NOT NULL THEN s.discount || '% off this month' END
FROM seed_cars s JOIN seed_ids i USING (n);

INSERT INTO car_images (car_id, url, alt, path, is_primary, sort_order)
SELECT i.id, 'https://images.exodrive.example/' || c.slug || '/' || k || '.webp',
       c.name || ' view ' || k, i.id || '/' || k || '.webp', k = 1, k - 1
FROM seed_ids i JOIN cars c ON c.id = i.id, generate_series(1, 3) k;

INSERT INTO car_features (car_id, name, description, is_highlighted)
SELECT i.id, f.name, f.descr, f.hl
FROM seed_ids i JOIN seed_cars s USING (n),
LATERAL (VALUES ('Apple CarPlay', 'Wireless phone integration', false, true),
                ('Carbon Ceramic Brakes', 'Track-grade stopping power', true, s.category IN ('Supercar','Sports Car')),
                ('Premium Audio', 'Concert-hall sound system', false, s.category IN ('Luxury Sedan','Luxury SUV','Convertible')),
                ('Launch Control', 'Repeatable full-throttle starts', true, s.hp > 600)) f(name, descr, hl, keep)
WHERE f.keep;

INSERT INTO car_specifications (car_id, name, value, category, sort_order, is_highlighted)
SELECT i.id, v.name, v.value, v.cat, v.ord, v.ord IN (4, 5)
FROM seed_ids i JOIN seed_cars s USING (n),
LATERAL (VALUES ('Make', s.make, 'General', 0), ('Model', s.model, 'General', 1),
                ('Year', s.year::text, 'General', 2), ('Engine', s.engine, 'Performance', 3),
                ('Horsepower', s.hp || ' hp', 'Performance', 4), ('0-60 mph', s.zero60, 'Performance', 5),
                ('Top Speed', s.top, 'Performance', 6), ('Transmission', s.trans, 'Drivetrain', 7),
                ('Drivetrain', s.drive, 'Drivetrain', 8)) v(name, value, cat, ord);

-- Mandatory fees on the supercars, an optional GPS on one.
INSERT INTO car_additional_fees (car_id, name, amount, is_optional, description)
SELECT i.id, 'Insurance', 150, false, 'Mandatory collision coverage' FROM seed_ids i WHERE n IN (1, 2, 3)
UNION ALL
SELECT i.id, 'Cleaning', 75, false, 'Detailing after return' FROM seed_ids i WHERE n IN (1, 2, 3, 7)
UNION ALL
SELECT i.id, 'GPS', 10, true, 'Navigation unit' FROM seed_ids i WHERE n = 4;

-- Maintenance days for the McLaren 720S.
INSERT INTO car_availability (car_id, date, status)
SELECT i.id, current_date + d, 'maintenance' FROM seed_ids i, generate_series(20, 22) d WHERE n = 3;
INSERT INTO maintenance_blocks (car_id, start_date, end_date, reason)
SELECT i.id, current_date + 20, current_date + 22, 'Scheduled service' FROM seed_ids i WHERE n = 3;

-- Guest customers (accounts were created by `exodrive seed`).
INSERT INTO customers (email, first_name, last_name, phone) VALUES
 ('marcus.lee@example.com', 'Marcus', 'Lee', '+1 202 555 0143'),
 ('priya.patel@example.com', 'Priya', 'Patel', '+1 301 555 0178');

-- Bookings in each main status.
CREATE TEMP TABLE seed_bookings (tag text, email text, n int, s int, e int,
  overall booking_overall_status, pay payment_status, contract contract_status) ON COMMIT DROP;
INSERT INTO seed_bookings VALUES
 ('A', 'john.doe@example.com',   4,   5,   8, 'upcoming',        'authorized', 'sent'),
 ('B', 'jane.smith@example.com', 6,  -2,   3, 'active',          'captured',   'signed'),
 ('C', 'john.doe@example.com',   1, -30, -27, 'completed',       'captured',   'signed'),
 ('D', 'marcus.lee@example.com', 8,  12,  15, 'pending_payment', 'pending',    'not_sent'),
 ('E', 'priya.patel@example.com',9,  30,  33, 'cancelled',       'voided',     'not_sent'),
 ('F', 'jane.smith@example.com', 2, -60, -57, 'completed',       'captured',   'signed'),
 ('G', 'priya.patel@example.com',5,  40,  42, 'pending_contract','authorized', 'sent');

INSERT INTO bookings (customer_id, car_id, start_date, end_date, total_price,
  overall_status, payment_status, contract_status, security_deposit_amount, notes, created_at)
SELECT cu.id, i.id, current_date + b.s, current_date + b.e,
       round(p.base_price * (b.e - b.s) * 1.10, 2), b.overall, b.pay, b.contract,
       p.deposit_amount, 'Seed booking ' || b.tag,
       now() - make_interval(days => GREATEST(1, 10 - b.s))
FROM seed_bookings b
JOIN customers cu ON cu.email = b.email
JOIN seed_ids i ON i.n = b.n
JOIN car_pricing p ON p.car_id = i.id;

CREATE TEMP TABLE seed_bk ON COMMIT DROP AS
SELECT b.tag, bk.id, bk.car_id, bk.start_date, bk.end_date, bk.total_price, bk.overall_status, bk.payment_status
FROM seed_bookings b JOIN bookings bk ON bk.notes = 'Seed booking ' || b.tag;

INSERT INTO booking_secure_tokens (booking_id, token, expires_at)
SELECT id, encode(gen_random_bytes(48), 'hex'), now() + interval '7 days' FROM seed_bk;
UPDATE bookings b SET secure_token_id = t.id FROM booking_secure_tokens t WHERE t.booking_id = b.id;

INSERT INTO car_availability (car_id, date, status, booking_id)
SELECT car_id, d::date,
       CASE WHEN overall_status IN ('upcoming', 'active') THEN 'booked'::availability_status
            ELSE 'pending_confirmation' END, id
FROM seed_bk, generate_series(start_date, end_date, interval '1 day') d
WHERE overall_status NOT IN ('cancelled', 'completed')
ON CONFLICT (car_id, date) DO NOTHING;

INSERT INTO payments (booking_id, paypal_order_id, paypal_authorization_id, paypal_capture_id,
  amount, captured_amount, status, payment_method, captured_at)
SELECT id, 'ORDER-' || upper(substr(id::text, 1, 8)), 'AUTH-' || upper(substr(id::text, 1, 8)),
       CASE WHEN payment_status = 'captured' THEN 'CAP-' || upper(substr(id::text, 1, 8)) END,
       total_price, CASE WHEN payment_status = 'captured' THEN total_price END,
       payment_status, 'PayPal', CASE WHEN payment_status = 'captured' THEN now() - interval '1 day' END
FROM seed_bk WHERE payment_status <> 'pending';

INSERT INTO booking_events (booking_id, event_type, actor_type, actor_name, details, summary_text, timestamp)
SELECT id, 'booking_created', 'system'::actor_type, 'seed', jsonb_build_object('seed', tag), 'Booking created', now() - interval '10 days'
FROM seed_bk
UNION ALL
SELECT id, 'booking_cancelled', 'admin'::actor_type, 'seed', jsonb_build_object('reason', 'Customer request'), 'Booking cancelled', now() - interval '2 days'
FROM seed_bk WHERE overall_status = 'cancelled';

-- Reviews: approved on completed bookings, one pending.
INSERT INTO car_reviews (car_id, customer_id, booking_id, reviewer_name, rating, comment, is_verified, is_approved, approved_at)
SELECT b.car_id, bk.customer_id, b.id, cu.first_name || ' ' || cu.last_name, r.rating, r.comment, true, r.approved,
       CASE WHEN r.approved THEN now() END
FROM seed_bk b JOIN bookings bk ON bk.id = b.id JOIN customers cu ON cu.id = bk.customer_id
JOIN (VALUES ('C', 5, 'Unreal weekend in the 296, flawless handover.', true),
             ('F', 4, 'The Huracan was loud and glorious; pickup ran a bit late.', false)) r(tag, rating, comment, approved)
  ON r.tag = b.tag;

INSERT INTO car_reviews (car_id, reviewer_name, rating, comment, is_verified, is_approved, approved_at)
SELECT i.id, 'Alex Morgan', 5, 'Best drive of my life through Rock Creek Park.', false, true, now()
FROM seed_ids i WHERE n = 4;
