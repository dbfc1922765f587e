/* repo_images.c -- uploaded images and the variants made of them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "repo.h"

enum api_err
repo_image_add(const char *path, const char *user, const char *type, size_t bytes)
{
	char n[24];
	const char *p[5] = { path, user, type, n, NULL };
	char payload[300], dedupe[300];
	enum api_err e;

	snprintf(n, sizeof n, "%zu", bytes);
	snprintf(payload, sizeof payload, "{\"path\":\"%s\"}", path);	/* a storage path */
	snprintf(dedupe, sizeof dedupe, "image:%s", path);
	e = db_exec("INSERT INTO image_uploads (path, uploaded_by, content_type, bytes)"
	    " VALUES ($1, $2::uuid, $3, $4::int)", 4, p);
	return e == API_OK ? repo_outbox_add("image", "variants", payload, dedupe) : e;
}

enum api_err
repo_image_pending(const char *path, struct db_res **res)
{
	const char *p[1] = { path };
	enum api_err e;

	e = db_query("SELECT content_type FROM image_uploads WHERE path = $1"
	    " AND status = 'queued'", 1, p, res);
	if (e == API_OK && db_rows(*res) != 1)
		return API_NOT_FOUND;
	return e;
}

enum api_err
repo_image_done(const char *path, const char *variants, int width, int height,
    struct db_res **cars)
{
	char w[16], h[16];
	const char *p[4] = { path, variants, w, h };
	enum api_err e;

	snprintf(w, sizeof w, "%d", width);
	snprintf(h, sizeof h, "%d", height);
	e = db_exec("UPDATE image_uploads SET variants = $2::jsonb, width = $3::int,"
	    " height = $4::int, status = 'done', error = NULL, processed_at = now()"
	    " WHERE path = $1 AND status = 'queued'", 4, p);
	if (e != API_OK)
		return e;
	return db_query("WITH u AS (UPDATE car_images SET variants = $2::jsonb,"
	    " updated_at = now() WHERE path = $1 RETURNING car_id)"
	    " SELECT DISTINCT car_id FROM u", 2, p, cars);
}

enum api_err
repo_image_failed(const char *path, const char *error)
{
	const char *p[2] = { path, error };

	return db_exec("UPDATE image_uploads SET status = 'failed', error = $2,"
	    " processed_at = now() WHERE path = $1 AND status = 'queued'", 2, p);
}

enum api_err
repo_image_delete(const char *path, struct db_res **res)
{
	const char *p[1] = { path };

	/* The variants to remove with it (none when it is unknown). */
	return db_query("WITH d AS (UPDATE image_uploads SET status = 'deleted'"
	    " WHERE path = $1 RETURNING variants)"
	    " SELECT v->>'path' FROM d, jsonb_array_elements(d.variants) v", 1, p, res);
}
