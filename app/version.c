/* version.c -- the product version, from configure.ac. */
#include "config.h"

#include "version.h"

const char *
version_string(void)
{
	return PACKAGE_VERSION;
}
