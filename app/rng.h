/* rng.h -- random bytes and identifiers. */
#ifndef RNG_H
#define RNG_H

#include <stddef.h>

/* Fill p with n bytes from the kernel's CSPRNG.  Exits if it cannot. */
void rng_bytes(void *p, size_t n);
/* Write 2*n lower-case hex characters of fresh random bytes and a NUL into
 * out (at least 2*n+1 bytes). */
void rng_hex(char *out, size_t n);

/* Seed the fast generator of rng_id_hex() from the kernel.  Call in every
 * process after fork, so no two processes share a sequence. */
void rng_reseed(void);
/* Write 32 hex characters of a unique, unpredictable-enough identifier
 * (trace ids; never secrets) and a NUL into out (33 bytes). */
void rng_id_hex(char *out);

#endif
