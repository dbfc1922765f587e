-- 0007_backoffice: what the back office edits (domain §3.2, §4.3).

-- Locations: where a car is picked up or returned.  Their fees and tax
-- configurations go with them.  The seeded airport fee's location gets a
-- row, as does any location id already used by a fee or a tax.
CREATE TABLE locations (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  address    text CHECK (length(address) <= 300),
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX locations_name_key ON locations (lower(name));
CREATE TRIGGER locations_updated_at BEFORE UPDATE ON locations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
INSERT INTO locations (id, name)
  VALUES ('11111111-1111-1111-1111-111111111111', 'Airport')
  ON CONFLICT DO NOTHING;
INSERT INTO locations (id, name)
  SELECT DISTINCT x.id, 'Location ' || x.id::text
  FROM (SELECT location_id AS id FROM location_fees
        UNION SELECT location_id FROM tax_configurations WHERE location_id IS NOT NULL) x
  ON CONFLICT DO NOTHING;
ALTER TABLE location_fees ADD CONSTRAINT location_fees_location_fk
  FOREIGN KEY (location_id) REFERENCES locations(id) ON DELETE CASCADE;
ALTER TABLE tax_configurations ADD CONSTRAINT tax_configurations_location_fk
  FOREIGN KEY (location_id) REFERENCES locations(id) ON DELETE CASCADE;

-- At most one active tax configuration per scope (a location, or global).
UPDATE tax_configurations t SET is_active = false
  WHERE t.is_active AND EXISTS (SELECT 1 FROM tax_configurations u
    WHERE u.is_active AND u.location_id IS NOT DISTINCT FROM t.location_id
      AND (u.created_at, u.id) > (t.created_at, t.id));
CREATE UNIQUE INDEX tax_configurations_one_active ON tax_configurations
  ((COALESCE(location_id, '00000000-0000-0000-0000-000000000000'::uuid)))
  WHERE is_active;

-- A maintenance block: a car out of service from start to end inclusive.
-- Its days are car_availability rows of status maintenance (what bookings
-- and the availability route read); blocks of one car never overlap, so
-- each maintenance row belongs to one block.
CREATE TABLE maintenance_blocks (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  car_id     uuid NOT NULL REFERENCES cars(id) ON DELETE CASCADE,
  start_date date NOT NULL,
  end_date   date NOT NULL,
  reason     text CHECK (length(reason) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT maintenance_blocks_dates CHECK (end_date >= start_date AND start_date >= DATE '2020-01-01'),
  CONSTRAINT maintenance_blocks_no_overlap EXCLUDE USING gist (
    car_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
);
CREATE TRIGGER maintenance_blocks_updated_at BEFORE UPDATE ON maintenance_blocks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A car's additional fees are told apart by name.
CREATE UNIQUE INDEX car_additional_fees_name_key ON car_additional_fees (car_id, lower(name));
