/* svc.c -- what every service shares. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_answer(struct call *c, enum api_err e, struct db_res *res,
    const char *json, const char *missing)
{
	if (e == API_OK && json == NULL)
		e = API_NOT_FOUND;
	if (e == API_OK)
		response_raw_json(c->resp, 200, json, strlen(json));
	else if (e == API_NOT_FOUND)
		c->err_message = missing;
	db_free(res);
	return e;
}

enum api_err
svc_job_answer(struct call *c, svc_job job, long limit)
{
	struct json_object *o = json_object_new_object();
	enum api_err e;

	if ((e = job(limit, o)) != API_OK) {
		json_object_put(o);
		return e;
	}
	json_object_object_add(o, "success", json_object_new_boolean(1));
	response_json(c->resp, 200, o);
	return API_OK;
}
