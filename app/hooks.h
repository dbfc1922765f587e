/* hooks.h -- outbound webhooks: booking and payment events POSTed to the
 * WEBHOOK_URLS, signed, retried, dead-lettered.
 *
 * An event is written to the outbox in the business transaction; the
 * worker's relay makes one job per URL (so each URL retries on its own)
 * with a delivery id that stays the same across retries.  A delivery
 * carries X-ExoDrive-Event, X-ExoDrive-Delivery and X-ExoDrive-Signature:
 * "t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under
 * WEBHOOK_SECRET>".  Only public addresses are reached unless
 * WEBHOOK_ALLOW lists them (http_post_public). */
#ifndef HOOKS_H
#define HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "apierr.h"

struct queue_job;

/* Queue event type (e.g. "booking.created") about booking, in the
 * caller's transaction.  The URLs are read by the workers when they relay
 * it (none configured: it is relayed to no one). */
enum api_err hooks_event(const char *type, const char *booking);
/* The jobs one outbox row becomes: calls add(url, index, arg) for each
 * configured URL.  Returns how many URLs there are. */
int hooks_fan_out(void (*add)(const char *url, int index, void *arg), void *arg);
/* Deliver webhook job (data: {url, event, deliveryId, data}).  Returns
 * QUEUE_DONE on a 2xx answer; QUEUE_FAIL with err when the job has no
 * url; else QUEUE_RETRY with err (any other answer: receivers retry). */
enum queue_outcome hooks_deliver(const struct queue_job *job, char *err,
    size_t errlen);

#endif
