-- Reviews: moderation and a rating that follows it.
--
-- A rejection is a state of its own (rejected_at), so a rejected review
-- is told apart from one waiting for a decision even without a reason.
ALTER TABLE car_reviews
  ADD COLUMN rejected_at timestamptz,
  ADD COLUMN rejected_by uuid REFERENCES users(id) ON DELETE SET NULL;

-- cars.average_rating and review_count count approved, live reviews.  The
-- car row is locked before the counts are read: two moderations of reviews
-- of the same car then run one after the other, and the second one's
-- counts (a new statement, so a new snapshot under READ COMMITTED) see the
-- first one's commit.  Without the lock both read their own snapshot and
-- the last writer's figures, missing the other's review, would stay.
CREATE OR REPLACE FUNCTION refresh_car_rating() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid := COALESCE(NEW.car_id, OLD.car_id);
BEGIN
  PERFORM 1 FROM cars WHERE id = cid FOR UPDATE;
  UPDATE cars SET
    average_rating = COALESCE((SELECT round(avg(rating)::numeric, 2) FROM car_reviews
                               WHERE car_id = cid AND is_approved AND deleted_at IS NULL), 0),
    review_count = (SELECT count(*) FROM car_reviews
                    WHERE car_id = cid AND is_approved AND deleted_at IS NULL)
  WHERE id = cid;
  IF TG_OP = 'UPDATE' AND OLD.car_id IS DISTINCT FROM NEW.car_id THEN
    PERFORM 1 FROM cars WHERE id = OLD.car_id FOR UPDATE;
    UPDATE cars SET
      average_rating = COALESCE((SELECT round(avg(rating)::numeric, 2) FROM car_reviews
                                 WHERE car_id = OLD.car_id AND is_approved AND deleted_at IS NULL), 0),
      review_count = (SELECT count(*) FROM car_reviews
                      WHERE car_id = OLD.car_id AND is_approved AND deleted_at IS NULL)
    WHERE id = OLD.car_id;
  END IF;
  RETURN NULL;
END $$;

-- Only a change that can move the figures takes the car's lock.
DROP TRIGGER car_reviews_rating ON car_reviews;
CREATE TRIGGER car_reviews_rating AFTER INSERT OR DELETE ON car_reviews
  FOR EACH ROW EXECUTE FUNCTION refresh_car_rating();
CREATE TRIGGER car_reviews_rating_update AFTER UPDATE OF is_approved, deleted_at, rating, car_id
  ON car_reviews FOR EACH ROW
  WHEN (OLD.is_approved IS DISTINCT FROM NEW.is_approved
     OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
     OR OLD.rating IS DISTINCT FROM NEW.rating
     OR OLD.car_id IS DISTINCT FROM NEW.car_id)
  EXECUTE FUNCTION refresh_car_rating();
