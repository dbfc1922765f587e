/* jwt.h -- HS256 access tokens, strictly (reliability.md §6).
 *
 * Only the exact header {"alg":"HS256","typ":"JWT"} is accepted: no
 * algorithm agility, no "none", no kid.  Claims iss, aud, sub, iat, nbf,
 * exp and jti are required; exp and nbf are checked with JWT_LEEWAY
 * seconds of leeway; the signature is compared in constant time. */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>
#include <time.h>

enum jwt_err {
	JWT_OK = 0,
	JWT_MALFORMED,		/* not three base64url parts of JSON */
	JWT_BAD_HEADER,		/* anything but the one header we issue */
	JWT_BAD_SIGNATURE,
	JWT_EXPIRED,
	JWT_NOT_YET_VALID,
	JWT_BAD_CLAIMS		/* iss, aud, sub or times missing or wrong */
};

#define JWT_LEEWAY	30
#define JWT_MAX_LEN	2048

/* Sign an access token for subject sub valid ttl seconds from now.
 * Writes a NUL-terminated token into out (at least JWT_MAX_LEN bytes).
 * Returns 0, or -1 if it does not fit. */
int jwt_sign(const char *secret, const char *iss, const char *aud,
    const char *sub, time_t now, long ttl, char *out, size_t outlen);
/* Verify token at time now; on JWT_OK copy the subject (at most 63
 * characters) into sub. */
enum jwt_err jwt_verify(const char *secret, const char *iss, const char *aud,
    const char *token, time_t now, char *sub, size_t sublen);

/* base64url without padding; out needs 4*ceil(n/3)+1 bytes. */
void jwt_b64url_encode(const unsigned char *in, size_t n, char *out);
/* Returns the decoded length, or -1 for a bad alphabet or length. */
long jwt_b64url_decode(const char *in, size_t n, unsigned char *out,
    size_t outlen);

#endif
