/* redact.c -- credentials out of what an admin is shown (see redact.h). */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "log.h"
#include "redact.h"

/* What a credential's name contains, once lower-cased without
 * separators. */
static const char *const redact_names[] = { "authorization", "signature",
	"secret", "password", "passwd", "token", "apikey", "accesskey",
	"privatekey", "cookie", "credential" };

bool
redact_key(const char *name)
{
	char k[128];
	size_t i, n = 0;

	for (; name != NULL && *name != '\0' && n < sizeof k - 1; name++)
		if (*name != '-' && *name != '_' && *name != '.')
			k[n++] = (char)tolower((unsigned char)*name);
	k[n] = '\0';
	if (n >= 3 && strcmp(k + n - 3, "sig") == 0)
		return true;
	for (i = 0; i < sizeof redact_names / sizeof redact_names[0]; i++)
		if (strstr(k, redact_names[i]) != NULL)
			return true;
	return false;
}

/* True for a JSON Web Token: three base64url parts, the first "eyJ...". */
static bool
redact_jwt(const char *s)
{
	int dots = 0;

	if (strncmp(s, "eyJ", 3) != 0)
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '.')
			dots++;
		else if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '=')
			return false;
	}
	return dots == 2;
}

bool
redact_value(const char *s)
{
	static const char *const prefixes[] = { "bearer ", "basic ", "whsec_",
		"sk_live_", "sk_test_" };
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return redact_jwt(s);
}

/* True when v is already the redaction mark. */
static bool
redact_done(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), LOG_REDACTED) == 0;
}

/* True when v is to be replaced as the value of member key (NULL: an
 * array item). */
static bool
redact_wanted(const char *key, struct json_object *v)
{
	if (v == NULL || redact_done(v))
		return false;
	if (key != NULL && redact_key(key))
		return true;
	return json_object_is_type(v, json_type_string) &&
	    redact_value(json_object_get_string(v));
}

/* Replace one member of object o that is wanted; false when none is
 * left.  (Replacing a member's value keeps its key and entry.) */
static bool
redact_member(struct json_object *o, size_t *n)
{
	json_object_object_foreach(o, k, v) {
		if (redact_wanted(k, v)) {
			json_object_object_add(o, k, json_object_new_string(LOG_REDACTED));
			(*n)++;
			return true;
		}
	}
	return false;
}

size_t
redact_json(struct json_object *o)
{
	struct json_object *v;
	size_t n = 0, i;

	if (json_object_is_type(o, json_type_object)) {
		while (redact_member(o, &n))
			;
		json_object_object_foreach(o, k, m) {
			(void)k;
			n += redact_json(m);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++) {
			v = json_object_array_get_idx(o, i);
			if (redact_wanted(NULL, v)) {
				json_object_array_put_idx(o, i,
				    json_object_new_string(LOG_REDACTED));
				n++;
			} else
				n += redact_json(v);
		}
	}
	return n;
}
