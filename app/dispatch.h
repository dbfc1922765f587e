/* dispatch.h -- route lookup, policies, handler call, error boundary. */
#ifndef DISPATCH_H
#define DISPATCH_H

struct req;
struct resp;

#include "apierr.h"

/* Route r, apply the route's policies, run its handler and leave the
 * complete response (or the error envelope) in s.  early is the result of
 * parsing the request: when not API_OK it is rendered without routing. */
void dispatch_run(struct req *r, struct resp *s, enum api_err early);

#endif
