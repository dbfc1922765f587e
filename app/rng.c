/* rng.c -- random bytes from getrandom(2). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "rng.h"

void
rng_bytes(void *p, size_t n)
{
	unsigned char *q = p;
	ssize_t got;

	while (n > 0) {
		got = getrandom(q, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			LOG_ERR("getrandom failed (errno %d)", errno);
			_exit(71);
		}
		q += got;
		n -= (size_t)got;
	}
}

void
rng_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t i, chunk;

	while (n > 0) {
		chunk = n < sizeof raw ? n : sizeof raw;
		rng_bytes(raw, chunk);
		for (i = 0; i < chunk; i++) {
			*out++ = hex[raw[i] >> 4];
			*out++ = hex[raw[i] & 15];
		}
		n -= chunk;
	}
	*out = '\0';
}

/* xoshiro256** state for identifiers that need to be unique, not secret. */
static uint64_t rng_s[4];
static int rng_seeded;

void
rng_reseed(void)
{
	rng_bytes(rng_s, sizeof rng_s);
	rng_seeded = 1;
}

static uint64_t
rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(void)
{
	uint64_t r = rng_rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;

	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rng_rotl(rng_s[3], 45);
	return r;
}

void
rng_id_hex(char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v[2];
	int i;

	if (!rng_seeded)
		rng_reseed();
	v[0] = rng_next();
	v[1] = rng_next();
	for (i = 0; i < 32; i++)
		out[i] = hex[(v[i / 16] >> ((i % 16) * 4)) & 15];
	out[32] = '\0';
}
