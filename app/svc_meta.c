/* svc_meta.c -- the API describing itself. */
#include "config.h"

#include "buf.h"
#include "openapi.h"
#include "response.h"
#include "svc.h"

enum api_err
svc_meta_openapi(struct call *c)
{
	struct buf b;

	buf_init(&b);
	if (openapi_document(&b) != 0) {
		buf_free(&b);
		return API_INTERNAL_ERROR;
	}
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}
