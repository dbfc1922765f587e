/* svc_fleet.c -- admin car management: create, replace, delete, hide.
 *
 * The route table validates the scalar fields; the arrays (images,
 * features, specifications) are checked item by item here against small
 * item schemas, unknown members refused, before one transaction writes
 * the car and replaces its child rows. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cache.h"
#include "db.h"
#include "repo.h"
#include "request.h"
#include "response.h"
#include "svc.h"

struct item_field {
	const char	*name;
	json_type	 type;
	int		 required;
	int		 max;		/* string length or int value */
	int		 url;		/* a link a browser will load */
};

static const struct item_field svc_fleet_image[] = {
	{ "url", json_type_string, 1, 2000, 1 }, { "alt", json_type_string, 0, 200, 0 },
	{ "is_primary", json_type_boolean, 1, 0, 0 }, { "sort_order", json_type_int, 1, 1000, 0 },
	{ "path", json_type_string, 0, 500, 0 }, { NULL, json_type_null, 0, 0, 0 }
};
static const struct item_field svc_fleet_feature[] = {
	{ "name", json_type_string, 1, 100, 0 }, { "description", json_type_string, 0, 500, 0 },
	{ "is_highlighted", json_type_boolean, 1, 0, 0 }, { NULL, json_type_null, 0, 0, 0 }
};
static const struct item_field svc_fleet_spec[] = {
	{ "name", json_type_string, 1, 100, 0 }, { "value", json_type_string, 1, 200, 0 },
	{ "category", json_type_string, 0, 100, 0 }, { "sort_order", json_type_int, 1, 1000, 0 },
	{ NULL, json_type_null, 0, 0, 0 }
};

static void
svc_fleet_error(struct call *c, const char *field, int i, const char *member,
    const char *msg)
{
	struct json_object *fe, *list;
	char path[96];

	if (c->err_details == NULL) {
		c->err_details = json_object_new_object();
		json_object_object_add(c->err_details, "formErrors", json_object_new_array());
		json_object_object_add(c->err_details, "fieldErrors", json_object_new_object());
	}
	json_object_object_get_ex(c->err_details, "fieldErrors", &fe);
	snprintf(path, sizeof path, "%s[%d]%s%s", field, i, member ? "." : "",
	    member ? member : "");
	if (!json_object_object_get_ex(fe, path, &list)) {
		list = json_object_new_array();
		json_object_object_add(fe, path, list);
	}
	json_object_array_add(list, json_object_new_string(msg));
}

/* True when s is a link the site may show: http(s)://host..., or a path
 * of this site ("/uploads/..."), with no blank or control character.
 * javascript:, data: and file: links, and protocol-relative ones, are
 * refused.  The API stores image links and never fetches them. */
static int
svc_fleet_url_ok(const char *s)
{
	const unsigned char *p;
	const char *host;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\')
			return 0;
	if (s[0] == '/')
		return s[1] != '/';
	if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;
	return *host != '\0' && *host != '/' && *host != '?' && *host != '#';
}

/* Check one item against its schema. */
static void
svc_fleet_item(struct call *c, const char *field, int i, struct json_object *it,
    const struct item_field *schema)
{
	const struct item_field *f;
	struct json_object *v;
	int known, len;

	if (!json_object_is_type(it, json_type_object)) {
		svc_fleet_error(c, field, i, NULL, "Must be an object");
		return;
	}
	json_object_object_foreach(it, name, val) {
		(void)val;
		for (known = 0, f = schema; f->name != NULL; f++)
			known |= strcmp(f->name, name) == 0;
		if (!known)
			svc_fleet_error(c, field, i, name, "Unknown field");
	}
	for (f = schema; f->name != NULL; f++) {
		if (!json_object_object_get_ex(it, f->name, &v) ||
		    json_object_is_type(v, json_type_null)) {
			if (f->required)
				svc_fleet_error(c, field, i, f->name, "Required");
			continue;
		}
		if (!json_object_is_type(v, f->type))
			svc_fleet_error(c, field, i, f->name, "Has the wrong type");
		else if (f->type == json_type_string &&
		    ((len = json_object_get_string_len(v)) > f->max ||
		    (f->required && len == 0)))
			svc_fleet_error(c, field, i, f->name, "Has the wrong length");
		else if (f->url && !svc_fleet_url_ok(json_object_get_string(v)))
			svc_fleet_error(c, field, i, f->name,
			    "Must be an http(s) URL or a path of this site");
		else if (f->type == json_type_int && (json_object_get_int(v) < 0 ||
		    json_object_get_int(v) > f->max))
			svc_fleet_error(c, field, i, f->name, "Is out of range");
	}
}

/* The validated array text of field (the JSON request member). */
static const char *
svc_fleet_array(struct call *c, const char *field, const struct item_field *schema)
{
	struct json_object *a;
	int i, n, primaries = 0;

	if (!json_object_object_get_ex(c->req->json, field, &a))
		return "[]";
	n = (int)json_object_array_length(a);
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(a, i), *p;

		svc_fleet_item(c, field, i, it, schema);
		if (schema == svc_fleet_image && json_object_is_type(it, json_type_object) &&
		    json_object_object_get_ex(it, "is_primary", &p) &&
		    json_object_get_boolean(p))
			primaries++;
	}
	if (schema == svc_fleet_image && n > 0 && primaries != 1)
		svc_fleet_error(c, field, 0, NULL, "Exactly one image must be primary");
	return json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN);
}

/* slug = lower-cased name, blanks to '-', other non-word characters
 * dropped, dashes collapsed and trimmed. */
static void
svc_fleet_slug(const char *name, char *out, size_t len)
{
	size_t o = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0' && o + 1 < len; p++) {
		if (isalnum(*p))
			out[o++] = (char)tolower(*p);
		else if ((isspace(*p) || *p == '-' || *p == '_') && o > 0 &&
		    out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

/* Create (id NULL) or replace a car from the request. */
static enum api_err
svc_fleet_write(struct call *c, const char *id, int status)
{
	const char *const *f = c->req->field;
	struct repo_car_in in;
	char slug[128], newid[64];
	struct json_object *o;
	enum api_err e;

	in.images = svc_fleet_array(c, "images", svc_fleet_image);
	in.features = svc_fleet_array(c, "features", svc_fleet_feature);
	in.specifications = svc_fleet_array(c, "specifications", svc_fleet_spec);
	if (c->err_details != NULL)
		return API_VALIDATION_ERROR;
	svc_fleet_slug(f[CAR_NAME], slug, sizeof slug);
	if (slug[0] == '\0') {
		c->err_message = "The name must contain letters or digits";
		return API_VALIDATION_ERROR;
	}
	in.name = f[CAR_NAME];
	in.category = f[CAR_CATEGORY];
	in.description = f[CAR_DESCRIPTION];
	in.short_description = f[CAR_SHORT];
	in.available = f[CAR_AVAILABLE];
	in.featured = f[CAR_FEATURED];
	in.hidden = f[CAR_HIDDEN];
	in.base_price = f[CAR_PRICE];
	in.currency = f[CAR_CURRENCY];
	in.deposit = f[CAR_DEPOSIT];
	in.discount = f[CAR_DISCOUNT];
	in.minimum_days = f[CAR_MINDAYS];
	in.offer = f[CAR_OFFER];
	e = repo_fleet_save(id, &in, slug, newid, sizeof newid);
	if (e == API_CONFLICT)
		c->err_message = "A car with this name (slug) exists";
	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e != API_OK)
		return e;
	cache_invalidate_car(newid);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "carId", json_object_new_string(newid));
	json_object_object_add(o, "slug", json_object_new_string(slug));
	response_json(c->resp, status, o);
	return API_OK;
}

enum api_err
svc_fleet_create(struct call *c)
{
	return svc_fleet_write(c, NULL, 201);
}

enum api_err
svc_fleet_replace(struct call *c)
{
	return svc_fleet_write(c, c->req->field[CAR_ID], 200);
}

enum api_err
svc_fleet_delete(struct call *c)
{
	struct json_object *o;
	enum api_err e = repo_fleet_delete(c->req->field[CARID_CAR]);

	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e == API_CONFLICT)
		c->err_message = "The car has current or future bookings; hide it instead";
	if (e != API_OK)
		return e;
	cache_invalidate_car(c->req->field[CARID_CAR]);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}

enum api_err
svc_fleet_visibility(struct call *c)
{
	struct json_object *o;
	const char *const *f = c->req->field;
	enum api_err e = repo_fleet_hide(f[VIS_CAR], f[VIS_HIDDEN]);

	if (e == API_NOT_FOUND)
		c->err_message = "Car not found";
	if (e != API_OK)
		return e;
	cache_invalidate_car(f[VIS_CAR]);
	o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	json_object_object_add(o, "hidden",
	    json_object_new_boolean(strcmp(f[VIS_HIDDEN], "true") == 0));
	response_json(c->resp, 200, o);
	return API_OK;
}
