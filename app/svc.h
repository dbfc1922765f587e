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

/* svc_auth.c */
/* POST /api/auth/register: 201 with tokens; 409 if the email is taken. */
enum api_err svc_auth_register(struct call *c);
/* POST /api/auth/login: 200 with tokens; 401 for any bad pair. */
enum api_err svc_auth_login(struct call *c);
/* POST /api/auth/refresh: rotate the refresh token; a replayed one
 * revokes its family. */
enum api_err svc_auth_refresh(struct call *c);
/* POST /api/auth/logout: revoke the refresh token's family; 204. */
enum api_err svc_auth_logout(struct call *c);

/* svc_cars.c */
/* GET /api/cars: visible fleet with filters, sort and pages. */
enum api_err svc_cars_list(struct call *c);
/* GET /api/cars/{carId}: one visible car in full; 404 otherwise. */
enum api_err svc_cars_get(struct call *c);
/* GET /api/cars/slug/{slug}: the same by slug. */
enum api_err svc_cars_by_slug(struct call *c);
/* GET /api/cars/availability: day by day, at most 366 days. */
enum api_err svc_cars_availability(struct call *c);

#endif
