/* xmalloc.h -- the allocation policy.
 *
 * x* allocators never return NULL: on out of memory they log and _exit(),
 * and the master respawns the process.  Call sites never check for NULL. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

/* Allocate size bytes.  Caller frees with free(). */
void *xmalloc(size_t size);
/* Allocate n zeroed elements.  Caller frees with free(). */
void *xcalloc(size_t n, size_t size);
/* Resize ptr.  Caller frees the result with free(). */
void *xrealloc(void *ptr, size_t size);
/* Duplicate s.  Caller frees with free(). */
char *xstrdup(const char *s);
/* Duplicate the first n bytes of s, NUL-terminated.  Caller frees with free(). */
char *xstrndup(const char *s, size_t n);

#endif
