/* hooks.c -- outbound webhooks. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "conf.h"
#include "hmac.h"
#include "hooks.h"
#include "http.h"
#include "queue.h"
#include "repo.h"
#include "xmalloc.h"

enum api_err
hooks_event(const char *type, const char *booking)
{
	char payload[160], dedupe[200];

	snprintf(payload, sizeof payload, "{\"bookingId\":\"%s\"}", booking);
	snprintf(dedupe, sizeof dedupe, "webhook:%s:%s", type, booking);
	return repo_outbox_add("webhook", type, payload, dedupe);
}

int
hooks_fan_out(void (*add)(const char *url, int index, void *arg), void *arg)
{
	char *list = strdup(conf->webhook_urls), *url, *save = NULL;
	int n = 0;

	for (url = strtok_r(list, ", ", &save); url != NULL;
	    url = strtok_r(NULL, ", ", &save))
		add(url, n++, arg);
	free(list);
	return n;
}

enum queue_outcome
hooks_deliver(const struct queue_job *job, char *err, size_t errlen)
{
	struct json_object *d = json_tokener_parse(job->data ? job->data : ""), *v;
	struct json_object *body;
	unsigned char mac[HMAC_SHA256_LEN];
	char sig[200], hev[160], hdel[160], hsig[240], *signed_msg;
	const char *url, *text, *hdr[6];
	struct http_result res;
	long t = (long)time(NULL);
	bool ok = false;
	int i, k;

	if (d == NULL || !json_object_object_get_ex(d, "url", &v)) {
		snprintf(err, errlen, "webhook job %s has no url", job->id);
		json_object_put(d);
		return QUEUE_FAIL;	/* an invalid payload stays invalid */
	}
	url = json_object_get_string(v);
	body = json_object_new_object();
	json_object_object_add(body, "id", json_object_get(json_object_object_get(d,
	    "deliveryId")));
	json_object_object_add(body, "type", json_object_new_string(job->name));
	json_object_object_add(body, "createdAt", json_object_get(
	    json_object_object_get(d, "createdAt")));
	json_object_object_add(body, "data", json_object_get(json_object_object_get(d,
	    "data")));
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	signed_msg = xmalloc(strlen(text) + 32);
	i = sprintf(signed_msg, "%ld.", t);
	strcpy(signed_msg + i, text);
	hmac_sha256(conf->webhook_secret, strlen(conf->webhook_secret), signed_msg,
	    strlen(signed_msg), mac);
	free(signed_msg);
	i = snprintf(sig, sizeof sig, "t=%ld,v1=", t);
	for (k = 0; k < HMAC_SHA256_LEN; k++)
		i += snprintf(sig + i, sizeof sig - (size_t)i, "%02x", mac[k]);
	snprintf(hev, sizeof hev, "X-ExoDrive-Event: %s", job->name);
	snprintf(hdel, sizeof hdel, "X-ExoDrive-Delivery: %s",
	    json_object_get_string(json_object_object_get(d, "deliveryId")));
	snprintf(hsig, sizeof hsig, "X-ExoDrive-Signature: %s", sig);
	hdr[0] = "Content-Type: application/json";
	hdr[1] = "User-Agent: ExoDrive-Webhooks/1";
	hdr[2] = hev, hdr[3] = hdel, hdr[4] = hsig, hdr[5] = NULL;
	/* Well within the job's lease, so the reaper never hands it on. */
	if (http_post_public(url, &conf->webhook_allow, hdr, text, strlen(text),
	    conf->queue_lease / 2 < 10000 ? conf->queue_lease / 2 : 10000, &res) != 0)
		snprintf(err, errlen, "%s: %s", url, res.error);
	else if (res.status < 200 || res.status > 299)
		snprintf(err, errlen, "%s answered %ld", url, res.status);
	else
		ok = true;
	http_result_free(&res);
	json_object_put(body);
	json_object_put(d);
	return ok ? QUEUE_DONE : QUEUE_RETRY;
}
