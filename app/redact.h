/* redact.h -- what an admin may see of a stored provider delivery: the
 * values that look like credentials are replaced. */
#ifndef REDACT_H
#define REDACT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* True when a member or header called name holds a credential: its name,
 * lower-cased without '-', '_' and '.', contains authorization,
 * signature, secret, password, passwd, token, apikey, accesskey,
 * privatekey, cookie or credential, or ends in "sig"
 * (PayPal-Transmission-Sig). */
bool redact_key(const char *name);
/* True when text s looks like a credential whatever its name: a
 * "Bearer " or "Basic " header value, a webhook signing secret
 * (whsec_...), a secret API key (sk_live_..., sk_test_...) or a JWT. */
bool redact_value(const char *s);
/* Replace, in o and in every object and array it holds, each value of a
 * member redact_key() names and each string redact_value() flags with
 * LOG_REDACTED.  Returns how many were replaced (o NULL: 0). */
size_t redact_json(struct json_object *o);

#endif
