/* multipart.h -- multipart/form-data (RFC 7578): find one field's part. */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>

struct multipart_part {
	const char	*data;		/* into the body; not NUL-terminated */
	size_t		 len;
	char		 filename[256];	/* "" when the part has none */
	char		 type[128];	/* its Content-Type, "" when absent */
};

/* Find the part of form field name in body (len bytes) sent with
 * Content-Type ct.  Returns 0 with *part filled, 1 when no part has that
 * name, -1 when the body or its boundary is malformed. */
int multipart_find(const char *ct, const char *body, size_t len,
    const char *name, struct multipart_part *part);

#endif
