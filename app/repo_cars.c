/* repo_cars.c -- the catalogue, as JSON documents built by PostgreSQL. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

/* One car in full: pricing, images, features, specifications. */
#define REPO_CAR_DOC \
	"json_build_object('id', c.id, 'slug', c.slug, 'name', c.name," \
	" 'category', c.category, 'description', c.description," \
	" 'short_description', c.short_description, 'available', c.available," \
	" 'featured', c.featured, 'hidden', c.hidden, 'created_at', c.created_at," \
	" 'updated_at', c.updated_at, 'average_rating', c.average_rating," \
	" 'review_count', c.review_count," \
	" 'pricing', (SELECT json_build_object('base_price', p.base_price," \
	"   'currency', p.currency, 'deposit_amount', p.deposit_amount," \
	"   'discount_percentage', p.discount_percentage, 'minimum_days', p.minimum_days," \
	"   'special_offer_text', p.special_offer_text) FROM car_pricing p WHERE p.car_id = c.id)," \
	" 'images', COALESCE((SELECT json_agg(json_build_object('id', i.id, 'url', i.url," \
	"   'alt', i.alt, 'is_primary', i.is_primary, 'sort_order', i.sort_order," \
	"   'variants', i.variants)" \
	"   ORDER BY i.sort_order, i.created_at) FROM car_images i WHERE i.car_id = c.id), '[]')," \
	" 'features', COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name," \
	"   'description', f.description, 'is_highlighted', f.is_highlighted)" \
	"   ORDER BY f.is_highlighted DESC, f.name) FROM car_features f WHERE f.car_id = c.id), '[]')," \
	" 'specifications', COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name," \
	"   'value', s.value, 'category', s.category, 'sort_order', s.sort_order)" \
	"   ORDER BY s.sort_order, s.name) FROM car_specifications s WHERE s.car_id = c.id), '[]'))"

enum api_err
repo_car_get(const char *id, const char *slug, struct db_res **res,
    const char **json)
{
	const char *p[2] = { id, slug };

	return repo_json("SELECT json_build_object('success', true, 'car', "
	    REPO_CAR_DOC ")::text FROM cars c WHERE NOT c.hidden AND "
	    "(c.id = $1::uuid OR c.slug = $2)", 2, p, res, json);
}

/* Parameters: 1 search, 2 category, 3 minPrice, 4 maxPrice, 5 features
 * (comma list), 6 sortBy, 7 sortOrder, 8 page, 9 limit. */
enum api_err
repo_car_list(const struct repo_car_query *q, struct db_res **res,
    const char **json)
{
	const char *p[9];

	p[0] = q->search;	/* $1 */
	p[1] = q->category;
	p[2] = q->min_price;
	p[3] = q->max_price;
	p[4] = q->features;	/* $5 */
	p[5] = q->sort_by;
	p[6] = q->sort_order;
	p[7] = q->page;
	p[8] = q->limit;	/* $9 */
	/* Filter and page on plain columns first; images and features are
	 * looked up only for the cars of the page. */
	return repo_json(
	    "WITH f AS ("
	    " SELECT c.id, c.slug, c.name, c.category, c.short_description, c.available,"
	    "  c.featured, c.created_at, pr.base_price"
	    " FROM cars c LEFT JOIN car_pricing pr ON pr.car_id = c.id"
	    " WHERE c.available AND NOT c.hidden"
	    "  AND ($1::text IS NULL OR c.name ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'"
	    "       OR c.short_description ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')"
	    "  AND ($2::text IS NULL OR c.category = $2)"
	    "  AND ($3::numeric IS NULL OR pr.base_price >= $3::numeric)"
	    "  AND ($4::numeric IS NULL OR pr.base_price <= $4::numeric)"
	    "  AND ($5::text IS NULL OR NOT EXISTS (SELECT 1 FROM unnest(string_to_array($5, ',')) w(name)"
	    "       WHERE trim(w.name) <> '' AND NOT EXISTS (SELECT 1 FROM car_features fe"
	    "       WHERE fe.car_id = c.id AND lower(fe.name) = lower(trim(w.name)))))),"
	    " o AS (SELECT f.*, row_number() OVER (ORDER BY"
	    "  CASE WHEN $6 = 'name' AND $7 = 'asc' THEN name END ASC,"
	    "  CASE WHEN $6 = 'name' AND $7 = 'desc' THEN name END DESC,"
	    "  CASE WHEN $6 = 'price' AND $7 = 'asc' THEN COALESCE(base_price, 0) END ASC,"
	    "  CASE WHEN $6 = 'price' AND $7 = 'desc' THEN COALESCE(base_price, 0) END DESC,"
	    "  CASE WHEN $6 = 'featured' AND $7 = 'asc' THEN featured END ASC,"
	    "  CASE WHEN $6 = 'featured' AND $7 = 'desc' THEN featured END DESC,"
	    "  created_at DESC, id) AS rn FROM f),"
	    " pg AS (SELECT o.*,"
	    "  (SELECT i.url FROM car_images i WHERE i.car_id = o.id"
	    "   ORDER BY i.is_primary DESC, i.sort_order, i.created_at LIMIT 1) AS image,"
	    "  COALESCE((SELECT json_agg(fe.name ORDER BY fe.name) FROM car_features fe"
	    "   WHERE fe.car_id = o.id), '[]') AS features"
	    "  FROM o WHERE rn > ($8::int - 1) * $9::int AND rn <= $8::int * $9::int),"
	    " t AS (SELECT count(*) AS total FROM f)"
	    "SELECT json_build_object('success', true,"
	    " 'cars', COALESCE((SELECT json_agg(json_build_object('id', id, 'slug', slug, 'name', name,"
	    "   'category', category, 'shortDescription', short_description, 'available', available,"
	    "   'featured', featured, 'created_at', created_at, 'primary_image_url', image,"
	    "   'price_per_day', base_price, 'features', features) ORDER BY rn) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $8::int, 'limit', $9::int, 'total', t.total,"
	    "   'totalPages', ceil(t.total::numeric / $9::int)::int,"
	    "   'hasNext', $8::int * $9::int < t.total, 'hasPrev', $8::int > 1),"
	    " 'filters', json_build_object('search', $1, 'category', $2, 'minPrice', $3::numeric,"
	    "   'maxPrice', $4::numeric, 'features', $5, 'sortBy', $6, 'sortOrder', $7))::text FROM t",
	    9, p, res, json);
}

enum api_err
repo_car_availability(const char *car, const char *start, const char *end,
    struct db_res **res, const char **json)
{
	const char *p[3] = { car, start, end };

	/* No row means available; a live booking overlapping a day makes it
	 * booked whatever the row says. */
	return repo_json(
	    "WITH d AS (SELECT g::date AS day FROM generate_series($2::date, $3::date,"
	    "  interval '1 day') g),"
	    " s AS (SELECT d.day, CASE"
	    "   WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.car_id = $1::uuid"
	    "     AND b.overall_status <> 'cancelled' AND d.day BETWEEN b.start_date AND b.end_date)"
	    "   THEN 'booked' ELSE COALESCE(a.status::text, 'available') END AS status"
	    "  FROM d LEFT JOIN car_availability a ON a.car_id = $1::uuid AND a.date = d.day)"
	    "SELECT json_build_object('carId', $1::uuid, 'startDate', $2::date, 'endDate', $3::date,"
	    " 'availability', json_agg(json_build_object('date', day,"
	    "   'available', status = 'available', 'status', status) ORDER BY day),"
	    " 'summary', json_build_object('totalDays', count(*),"
	    "   'availableDays', count(*) FILTER (WHERE status = 'available'),"
	    "   'unavailableDays', count(*) FILTER (WHERE status <> 'available')))::text"
	    " FROM s WHERE EXISTS (SELECT 1 FROM cars c WHERE c.id = $1::uuid AND NOT c.hidden)"
	    " HAVING EXISTS (SELECT 1 FROM cars c WHERE c.id = $1::uuid AND NOT c.hidden)",
	    3, p, res, json);
}
