/* svc.h -- route handlers, grouped by the service file that holds them. */
#ifndef SVC_H
#define SVC_H

#include "route.h"

/* svc_health.c */
/* GET /api/health: 200 while the process can answer. */
enum api_err svc_health_live(struct call *c);
/* GET /api/health/ready: 200 ready or degraded (Redis down), 503 when
 * PostgreSQL is unreachable. */
enum api_err svc_health_ready(struct call *c);

#endif
