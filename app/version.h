/* version.h -- the product version. */
#ifndef VERSION_H
#define VERSION_H

/* "0.1.0".  Static storage. */
const char *version_string(void);

#endif
