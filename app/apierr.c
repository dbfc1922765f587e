/* apierr.c -- codes, statuses and messages of enum api_err. */
#include "config.h"

#include "apierr.h"

int
apierr_status(enum api_err err)
{
	switch (err) {
	case API_OK:				return 200;
	case API_INVALID_REQUEST:		return 400;
	case API_VALIDATION_ERROR:		return 400;
	case API_UNAUTHORIZED:			return 401;
	case API_AUTH_REQUIRED:			return 401;
	case API_FORBIDDEN:			return 403;
	case API_NOT_FOUND:			return 404;
	case API_METHOD_NOT_ALLOWED:		return 405;
	case API_CONFLICT:			return 409;
	case API_PAYLOAD_TOO_LARGE:		return 413;
	case API_UNSUPPORTED_MEDIA_TYPE:	return 415;
	case API_RATE_LIMITED:			return 429;
	case API_INTERNAL_ERROR:		return 500;
	case API_DATABASE_ERROR:		return 500;
	case API_CACHE_ERROR:			return 500;
	case API_EXTERNAL_SERVICE_ERROR:	return 502;
	case API_SERVICE_UNAVAILABLE:		return 503;
	case API__MAX:				break;
	}
	return 500;
}

const char *
apierr_code(enum api_err err)
{
	switch (err) {
	case API_OK:				return "OK";
	case API_INVALID_REQUEST:		return "INVALID_REQUEST";
	case API_VALIDATION_ERROR:		return "VALIDATION_ERROR";
	case API_UNAUTHORIZED:			return "UNAUTHORIZED";
	case API_AUTH_REQUIRED:			return "AUTH_REQUIRED";
	case API_FORBIDDEN:			return "FORBIDDEN";
	case API_NOT_FOUND:			return "NOT_FOUND";
	case API_METHOD_NOT_ALLOWED:		return "METHOD_NOT_ALLOWED";
	case API_CONFLICT:			return "CONFLICT";
	case API_PAYLOAD_TOO_LARGE:		return "PAYLOAD_TOO_LARGE";
	case API_UNSUPPORTED_MEDIA_TYPE:	return "UNSUPPORTED_MEDIA_TYPE";
	case API_RATE_LIMITED:			return "RATE_LIMITED";
	case API_INTERNAL_ERROR:		return "INTERNAL_ERROR";
	case API_DATABASE_ERROR:		return "DATABASE_ERROR";
	case API_CACHE_ERROR:			return "CACHE_ERROR";
	case API_EXTERNAL_SERVICE_ERROR:	return "EXTERNAL_SERVICE_ERROR";
	case API_SERVICE_UNAVAILABLE:		return "SERVICE_UNAVAILABLE";
	case API__MAX:				break;
	}
	return "INTERNAL_ERROR";
}

const char *
apierr_message(enum api_err err)
{
	switch (err) {
	case API_OK:			return "OK";
	case API_INVALID_REQUEST:	return "Invalid request";
	case API_VALIDATION_ERROR:	return "Validation failed";
	case API_UNAUTHORIZED:		return "Invalid or expired credentials";
	case API_AUTH_REQUIRED:		return "Authentication required";
	case API_FORBIDDEN:		return "Forbidden";
	case API_NOT_FOUND:		return "Resource not found";
	case API_METHOD_NOT_ALLOWED:	return "Method not allowed";
	case API_CONFLICT:		return "Conflict";
	case API_PAYLOAD_TOO_LARGE:	return "Request body too large";
	case API_UNSUPPORTED_MEDIA_TYPE:return "Unsupported media type";
	case API_RATE_LIMITED:		return "Too many requests, please try again later";
	case API_INTERNAL_ERROR:	return "An unexpected error occurred";
	case API_DATABASE_ERROR:	return "Database operation failed";
	case API_CACHE_ERROR:		return "Cache operation failed";
	case API_EXTERNAL_SERVICE_ERROR:return "External service error";
	case API_SERVICE_UNAVAILABLE:	return "Service temporarily unavailable";
	case API__MAX:			break;
	}
	return "An unexpected error occurred";
}

const char *
apierr_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 207: return "Multi-Status";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default:  return "Unknown";
	}
}
