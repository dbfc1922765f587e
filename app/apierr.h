/* apierr.h -- the one error enum of the API.
 *
 * The numbers are frozen: never reuse or renumber one; a retired code stays
 * as API_OBSOLETE_<n>.  apierr_status() and apierr_code() are switches
 * without default, so -Wall catches a code left unmapped. */
#ifndef APIERR_H
#define APIERR_H

enum api_err {
	API_OK = 0,
	API_INVALID_REQUEST = 1,	/* 400 malformed request */
	API_VALIDATION_ERROR = 2,	/* 400 input failed its schema */
	API_UNAUTHORIZED = 3,		/* 401 credentials present but bad */
	API_AUTH_REQUIRED = 4,		/* 401 no credentials */
	API_FORBIDDEN = 5,		/* 403 */
	API_NOT_FOUND = 6,		/* 404 */
	API_METHOD_NOT_ALLOWED = 7,	/* 405 */
	API_CONFLICT = 8,		/* 409 */
	API_PAYLOAD_TOO_LARGE = 9,	/* 413 */
	API_UNSUPPORTED_MEDIA_TYPE = 10,/* 415 */
	API_RATE_LIMITED = 11,		/* 429 */
	API_INTERNAL_ERROR = 12,	/* 500 */
	API_DATABASE_ERROR = 13,	/* 500 */
	API_CACHE_ERROR = 14,		/* 500 */
	API_EXTERNAL_SERVICE_ERROR = 15,/* 502 */
	API_SERVICE_UNAVAILABLE = 16,	/* 503 */
	API__MAX
};

/* The HTTP status of err (200 for API_OK). */
int apierr_status(enum api_err err);
/* The wire code of err, e.g. "NOT_FOUND".  Static storage. */
const char *apierr_code(enum api_err err);
/* The default human message of err.  Static storage. */
const char *apierr_message(enum api_err err);
/* The reason phrase of an HTTP status, e.g. "Not Found".  Static storage. */
const char *apierr_reason(int status);

#endif
