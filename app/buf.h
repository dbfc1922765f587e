/* buf.h -- growable byte buffers and a request-lifetime arena. */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A growable, always NUL-terminated byte string.  Init with buf_init(),
 * release with buf_free(). */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Forget the contents but keep the memory. */
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append the decimal digits of n. */
void buf_add_int(struct buf *b, long long n);
/* Append microseconds us as milliseconds with three decimals ("1.234"). */
void buf_add_ms(struct buf *b, long long us);
/* Write v rounded to places decimals (0..9) as a person writes it:
 * trailing zeros and a bare point dropped ("1.15", "0.1", "3"), no
 * binary noise.  out holds len bytes (32 are enough below 1e20).
 * Returns out. */
char *buf_decimal(double v, int places, char *out, size_t len);
/* Append s as a quoted JSON string, escaping as RFC 8259 requires. */
void buf_add_json_string(struct buf *b, const char *s);

/* A bump allocator for data that lives as long as one request.  Everything
 * it returns is released at once by arena_reset() or arena_free(). */
struct arena_chunk;
struct arena {
	struct arena_chunk	*head;
};

void arena_init(struct arena *a);
/* Release every allocation; keep the first chunk for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);
/* Allocate n bytes aligned for any type.  Owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy n bytes of s and NUL-terminate.  Owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Copy s.  Owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);

#endif
