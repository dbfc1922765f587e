/* svc.c -- what every service shares. */
#include "config.h"

#include <string.h>

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
