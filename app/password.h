/* password.h -- memory-hard password hashes (yescrypt via libcrypt). */
#ifndef PASSWORD_H
#define PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX	256

/* Hash pw with a fresh salt into out (PASSWORD_HASH_MAX bytes).
 * Returns 0, or -1 if libcrypt fails. */
int password_hash(const char *pw, char *out, size_t outlen);
/* True if pw matches hash (constant-time comparison). */
bool password_verify(const char *pw, const char *hash);

#endif
