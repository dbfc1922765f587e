/* image.c -- variants of uploaded images, made with libvips. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <vips/vips.h>

#include "cache.h"
#include "db.h"
#include "image.h"
#include "log.h"
#include "repo.h"
#include "storage.h"

static const int image_widths[] = { 400, 800, 1600 };

/* libvips once per worker process: one thread, no operation cache (a job
 * reads each original once). */
static int
image_init(void)
{
	static int done;

	if (done)
		return 0;
	if (VIPS_INIT("exodrive") != 0)
		return -1;
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	done = 1;
	return 0;
}

/* Write variant t of the original (storage path) as format ("jpeg" or
 * "webp") to vpath; append its record to list.  Returns 0 or -1. */
static int
image_save(VipsImage *t, const char *format, const char *vpath,
    struct json_object *list)
{
	char file[1100], tmp[1200], url[1200];
	struct json_object *v;
	struct stat st;
	int rc;

	if (storage_file(vpath, file, sizeof file) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.part.%s", file, strcmp(format, "jpeg") == 0 ?
	    "jpg" : "webp");
	rc = strcmp(format, "jpeg") == 0 ?
	    vips_jpegsave(t, tmp, "Q", 82, "strip", TRUE, "interlace", TRUE, NULL) :
	    vips_webpsave(t, tmp, "Q", 80, "strip", TRUE, NULL);
	if (rc != 0 || rename(tmp, file) != 0 || stat(file, &st) != 0) {
		(void)remove(tmp);
		return -1;
	}
	storage_url(vpath, url, sizeof url);
	v = json_object_new_object();
	json_object_object_add(v, "width", json_object_new_int(vips_image_get_width(t)));
	json_object_object_add(v, "height", json_object_new_int(vips_image_get_height(t)));
	json_object_object_add(v, "format", json_object_new_string(format));
	json_object_object_add(v, "path", json_object_new_string(vpath));
	json_object_object_add(v, "url", json_object_new_string(url));
	json_object_object_add(v, "bytes", json_object_new_int64((int64_t)st.st_size));
	json_object_array_add(list, v);
	return 0;
}

/* Make the variants of path (its file is file, w px wide) into list,
 * reporting job's progress. */
static int
image_variants(const struct queue_job *job, const char *path, const char *file,
    int w, struct json_object *list)
{
	const size_t n = sizeof image_widths / sizeof image_widths[0];
	const char *dot = strrchr(path, '.');
	char vpath[160], stage[32];
	VipsImage *t, *m;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof image_widths / sizeof image_widths[0] && rc == 0; i++) {
		if (i > 0 && image_widths[i] > w)
			break;		/* never upscaled */
		snprintf(stage, sizeof stage, "%d px", image_widths[i]);
		(void)queue_progress(job, (int)(i * 100 / n), stage);
		/* Decoded once into memory: both encoders read it. */
		if (vips_thumbnail(file, &t, image_widths[i], "size", VIPS_SIZE_DOWN,
		    NULL) != 0)
			return -1;
		m = vips_image_copy_memory(t);
		g_object_unref(t);
		if ((t = m) == NULL)
			return -1;
		snprintf(vpath, sizeof vpath, "%.*s-%d.jpg", (int)(dot - path), path,
		    image_widths[i]);
		rc = image_save(t, "jpeg", vpath, list);
		snprintf(vpath, sizeof vpath, "%.*s-%d.webp", (int)(dot - path), path,
		    image_widths[i]);
		if (rc == 0)
			rc = image_save(t, "webp", vpath, list);
		g_object_unref(t);
	}
	return rc;
}

/* Record variants of path and drop the cached details of its cars. */
static enum api_err
image_record(const char *path, struct json_object *list, int w, int h)
{
	struct db_res *cars = NULL;
	enum api_err e;
	int i;

	if ((e = db_begin()) != API_OK)
		return e;
	if ((e = repo_image_done(path, json_object_to_json_string_ext(list,
	    JSON_C_TO_STRING_PLAIN), w, h, &cars)) != API_OK || (e = db_commit()) != API_OK) {
		db_rollback();
		db_free(cars);
		return e;
	}
	for (i = 0; i < db_rows(cars); i++)
		cache_invalidate_car(db_val(cars, i, 0));
	db_free(cars);
	return API_OK;
}

/* Fail the upload for good with why (a bad image will not get better). */
static bool
image_refuse(const char *path, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "image %s refused: %s (%.200s)", path, why,
	    vips_error_buffer());
	LOG_WARN("%s", err);
	if (repo_image_failed(path, why) != API_OK)
		return false;		/* retried: the refusal is not recorded */
	return true;
}

enum queue_outcome
image_job(const struct queue_job *job, char *err, size_t errlen)
{
	struct json_object *d = json_tokener_parse(job->data ? job->data : ""), *v;
	struct json_object *list = NULL;
	struct db_res *res = NULL;
	const char *path = NULL;
	char file[1024];
	VipsImage *in = NULL;
	bool ok = false;
	size_t i;
	int w, h;

	if (d != NULL && json_object_object_get_ex(d, "path", &v))
		path = json_object_get_string(v);
	if (path == NULL || !storage_path_ok(path)) {
		snprintf(err, errlen, "image job %s names no valid upload path", job->id);
		json_object_put(d);
		return QUEUE_FAIL;	/* an invalid payload stays invalid */
	}
	if (repo_image_pending(path, &res) == API_NOT_FOUND) {
		/* Deleted or done: nothing to do (and libvips, perhaps not
		 * started in this process yet, is not to be touched). */
		json_object_put(d);
		db_free(res);
		return QUEUE_DONE;
	}
	if (image_init() != 0 || storage_file(path, file, sizeof file) != 0) {
		snprintf(err, errlen, "libvips: %s", vips_error_buffer());
		goto out;
	}
	if ((in = vips_image_new_from_file(file, "access", VIPS_ACCESS_SEQUENTIAL,
	    NULL)) == NULL) {
		ok = image_refuse(path, "not a readable image", err, errlen);
		goto out;
	}
	w = vips_image_get_width(in), h = vips_image_get_height(in);
	if ((long)w * h > IMAGE_MAX_PIXELS) {
		ok = image_refuse(path, "more than 50 megapixels", err, errlen);
		goto out;
	}
	list = json_object_new_array();
	if (image_variants(job, path, file, w, list) != 0) {
		for (i = 0; i < json_object_array_length(list); i++)
			(void)storage_remove(json_object_get_string(json_object_object_get(
			    json_object_array_get_idx(list, i), "path")));
		ok = image_refuse(path, "its pixels could not be decoded", err, errlen);
		goto out;
	}
	ok = image_record(path, list, w, h) == API_OK;
	if (!ok)
		snprintf(err, errlen, "image %s: variants not recorded", path);
	else
		LOG_INFO("image %s: %zu variants", path, json_object_array_length(list));
out:
	vips_error_clear();
	if (in != NULL)
		g_object_unref(in);
	json_object_put(list);
	json_object_put(d);
	db_free(res);
	return ok ? QUEUE_DONE : QUEUE_RETRY;
}
