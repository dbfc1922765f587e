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
