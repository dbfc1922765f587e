/* svc_images.c -- car image uploads (the image worker makes variants)
 * and their deletion. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "multipart.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "rng.h"
#include "storage.h"
#include "svc.h"

/* An image type: its magic bytes, Content-Type and stored extension. */
static const struct svc_image_type {
	const char	*type;
	const char	*ext;
	const char	*exts;		/* file name extensions accepted */
} svc_image_types[] = {
	{ "image/jpeg", "jpg", "jpg jpeg" },
	{ "image/png", "png", "png" },
	{ "image/webp", "webp", "webp" },
};

/* The type of the bytes d (by magic number), or NULL. */
static const struct svc_image_type *
svc_images_sniff(const unsigned char *d, size_t n)
{
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return &svc_image_types[0];
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return &svc_image_types[1];
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return &svc_image_types[2];
	return NULL;
}

/* True when file name f ends in one of the extensions of t. */
static bool
svc_images_ext_ok(const struct svc_image_type *t, const char *f)
{
	const char *dot = strrchr(f, '.'), *p;
	size_t n;

	if (dot == NULL || (n = strlen(dot + 1)) == 0)
		return false;
	for (p = t->exts; (p = strstr(p, dot + 1)) != NULL; p += n)
		if ((p == t->exts || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static enum api_err
svc_images_bad(struct call *c, const char *msg)
{
	request_field_error(&c->err_details, "file", msg);
	return API_VALIDATION_ERROR;
}

/* Check the part: present, within the size limit, an image whose magic
 * bytes, declared type and file name agree.  Sets *t. */
static enum api_err
svc_images_check(struct call *c, const struct multipart_part *part, int rc,
    const struct svc_image_type **t)
{
	if (rc < 0) {
		c->err_message = "Malformed multipart/form-data body";
		return API_INVALID_REQUEST;
	}
	if (rc == 1 || part->len == 0)
		return svc_images_bad(c, "Is required (a multipart field named file)");
	if (part->len > (size_t)conf->upload_max_bytes) {
		c->err_message = "The image is larger than UPLOAD_MAX_BYTES";
		return API_PAYLOAD_TOO_LARGE;
	}
	if ((*t = svc_images_sniff((const unsigned char *)part->data, part->len)) == NULL)
		return svc_images_bad(c, "Must be a JPEG, PNG or WebP image");
	if (strcasecmp(part->type, (*t)->type) != 0)
		return svc_images_bad(c, "Its Content-Type does not match its contents");
	if (!svc_images_ext_ok(*t, part->filename))
		return svc_images_bad(c, "Its file name must end in .jpg, .jpeg, .png or .webp, as its contents");
	return API_OK;
}

enum api_err
svc_images_upload(struct call *c)
{
	struct req *r = c->req;
	const struct svc_image_type *t = NULL;
	struct multipart_part part;
	struct json_object *o, *d;
	unsigned char u[16];
	char path[128], url[1024];
	enum api_err e;
	int rc;

	rc = r->body_len == 0 ? 1 : multipart_find(r->content_type, r->body,
	    r->body_len, "file", &part);
	if ((e = svc_images_check(c, &part, rc, &t)) != API_OK)
		return e;
	rng_bytes(u, sizeof u);
	u[6] = (u[6] & 0x0f) | 0x40, u[8] = (u[8] & 0x3f) | 0x80;	/* v4 */
	snprintf(path, sizeof path, "%s/%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x.%s", r->user_id, u[0], u[1], u[2], u[3], u[4],
	    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15], t->ext);
	if (storage_save(path, part.data, part.len) != 0) {
		LOG_ERR("upload %s not stored: %m", path);
		c->err_message = "The image could not be stored";
		return API_INTERNAL_ERROR;
	}
	if ((e = db_begin()) != API_OK ||
	    (e = repo_image_add(path, r->user_id, t->type, part.len)) != API_OK ||
	    (e = db_commit()) != API_OK) {
		db_rollback();
		(void)storage_remove(path);
		return e;
	}
	storage_url(path, url, sizeof url);
	o = json_object_new_object();
	d = json_object_new_object();
	json_object_object_add(d, "publicUrl", json_object_new_string(url));
	json_object_object_add(d, "storagePath", json_object_new_string(path));
	json_object_object_add(d, "fileName", json_object_new_string(strchr(path, '/') + 1));
	json_object_object_add(d, "variants", json_object_new_string("queued"));
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "data", d);
	response_json(c->resp, 201, o);
	return API_OK;
}

enum api_err
svc_images_delete(struct call *c)
{
	const char *path = c->req->field[IMGDEL_PATH];
	struct db_res *res = NULL;
	struct json_object *o;
	enum api_err e;
	int i;

	if (!storage_path_ok(path)) {
		request_field_error(&c->err_details, "storagePath",
		    "Must be {folder}/{name}.(jpg|jpeg|png|webp) with letters, digits, _ and -");
		return API_VALIDATION_ERROR;
	}
	if ((e = repo_image_delete(path, &res)) != API_OK)
		return e;
	for (i = 0; i < db_rows(res); i++)
		if (storage_path_ok(db_val(res, i, 0)))
			(void)storage_remove(db_val(res, i, 0));
	db_free(res);
	if (storage_remove(path) != 0) {
		c->err_message = "The image could not be deleted";
		return API_INTERNAL_ERROR;
	}
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "storagePath", json_object_new_string(path));
	response_json(c->resp, 200, o);
	return API_OK;
}
