/* route.c -- what is done with a route table: matching a request to a
 * route, and the names and headers of route fields.  The table itself is
 * routes.c; nothing here knows it: main() hands it over (route_serve). */
#include "config.h"

#include <string.h>

#include "route.h"

/* The table this process serves (route_serve()). */
static const struct route	*route_tab;
static size_t			 route_ntab;

void
route_serve(const struct route *t, size_t n)
{
	route_tab = t;
	route_ntab = n;
}

const struct route *
route_served(size_t *n)
{
	*n = route_ntab;
	return route_tab;
}

const char *
route_method_name(enum http_method m)
{
	switch (m) {
	case METHOD_GET:	return "GET";
	case METHOD_HEAD:	return "HEAD";
	case METHOD_POST:	return "POST";
	case METHOD_PUT:	return "PUT";
	case METHOD_PATCH:	return "PATCH";
	case METHOD_DELETE:	return "DELETE";
	case METHOD_OPTIONS:	return "OPTIONS";
	case METHOD_OTHER:	return "OTHER";
	case METHOD__UNSET:	break;
	}
	return "UNSET";
}

const char *
route_cache_control(enum cache_policy p)
{
	switch (p) {
	case CACHE_NONE:		return "no-store";
	case CACHE_FLEET:		return "public, max-age=300";
	case CACHE_CAR:			return "public, max-age=300";
	case CACHE_AVAILABILITY:	return "public, max-age=30";
	case CACHE_REVIEWS:		return "public, max-age=300";
	case CACHE__UNSET:		break;
	}
	return "no-store";
}

/* Split path (a writable copy starting with '/') into segments in place.
 * Returns the count, or -1 if there are too many. */
static int
route_split(char *path, char **seg)
{
	int n = 0;
	char *p = path + 1;

	for (;;) {
		if (n == ROUTE_MAX_SEGMENTS)
			return -1;
		seg[n++] = p;
		if ((p = strchr(p, '/')) == NULL)
			return n;
		*p++ = '\0';
	}
}

/* Match pattern against the segments.  Returns a specificity score (a
 * literal segment early in the path weighs more than a later one, so
 * "/api/cars/availability" beats "/api/cars/{carId}"), or -1. */
static long
route_score(const char *pattern, char **seg, int nseg, const char **params,
    size_t *nparams)
{
	const char *p = pattern + 1;
	size_t len, np = 0;
	long score = 0;
	int i;

	for (i = 0; i < nseg; i++) {
		if (p == NULL)
			return -1;		/* the path is longer */
		len = strcspn(p, "/");
		if (p[0] == '{') {
			if (seg[i][0] == '\0' || np == ROUTE_MAX_PARAMS)
				return -1;
			if (params != NULL)
				params[np] = seg[i];
			np++;
		} else if (strlen(seg[i]) != len || memcmp(seg[i], p, len) != 0)
			return -1;
		else
			score |= 1L << (ROUTE_MAX_SEGMENTS - i);
		p = p[len] == '/' ? p + len + 1 : NULL;
	}
	if (p != NULL)
		return -1;			/* the pattern is longer */
	if (nparams != NULL)
		*nparams = np;
	return score;
}

enum route_match
route_match(const struct route *t, size_t n, enum http_method method,
    const char *path, char *scratch, const struct route **found,
    const char **params, size_t *nparams, unsigned *allow)
{
	const enum http_method want = method == METHOD_HEAD ? METHOD_GET : method;
	char *seg[ROUTE_MAX_SEGMENTS];
	size_t i;
	long best = -1, s;
	int nseg;

	*allow = 0;
	*found = NULL;
	if (path[0] != '/')
		return ROUTE_NO_PATH;
	strcpy(scratch, path);
	if ((nseg = route_split(scratch, seg)) < 0)
		return ROUTE_NO_PATH;
	for (i = 0; i < n; i++) {
		s = route_score(t[i].path, seg, nseg, NULL, NULL);
		if (s > best)
			best = s;
	}
	if (best < 0)
		return ROUTE_NO_PATH;
	for (i = 0; i < n; i++) {
		if (route_score(t[i].path, seg, nseg, NULL, NULL) != best)
			continue;
		*allow |= 1u << t[i].method;
		if (t[i].method == want && *found == NULL) {
			*found = &t[i];
			route_score(t[i].path, seg, nseg, params, nparams);
		}
	}
	if (*allow & (1u << METHOD_GET))
		*allow |= 1u << METHOD_HEAD;
	*allow |= 1u << METHOD_OPTIONS;
	return *found != NULL ? ROUTE_FOUND : ROUTE_NO_METHOD;
}
