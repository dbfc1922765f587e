/* svc_meta.c -- the API describing itself. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "cidr.h"
#include "conf.h"
#include "metrics.h"
#include "openapi.h"
#include "request.h"
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

/* The figures are for operators: admins, or clients in METRICS_ALLOW. */
static enum api_err
svc_meta_operator(struct call *c)
{
	const struct req *r = c->req;

	if ((r->role != NULL && strcmp(r->role, "admin") == 0) ||
	    (r->client_ip != NULL && cidr_list_contains(&conf->metrics_allow, r->client_ip)))
		return API_OK;
	c->err_message = "Metrics are for admins and METRICS_ALLOW addresses";
	return r->user_id != NULL ? API_FORBIDDEN : API_AUTH_REQUIRED;
}

enum api_err
svc_meta_metrics(struct call *c)
{
	struct buf b;
	enum api_err e;

	if ((e = svc_meta_operator(c)) != API_OK)
		return e;
	buf_init(&b);
	metrics_prometheus(&b);
	response_body(c->resp, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return API_OK;
}

enum api_err
svc_meta_pool(struct call *c)
{
	struct buf b;
	enum api_err e;

	if ((e = svc_meta_operator(c)) != API_OK)
		return e;
	buf_init(&b);
	metrics_pool(&b);
	response_raw_json(c->resp, 200, b.data, b.len);
	buf_free(&b);
	return API_OK;
}
