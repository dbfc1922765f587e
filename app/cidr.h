/* cidr.h -- IPv4/IPv6 addresses and CIDR lists (trusted proxies, overrides). */
#ifndef CIDR_H
#define CIDR_H

#include <stdbool.h>
#include <stddef.h>

struct cidr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	unsigned	prefix;		/* bits that must match */
};

struct cidr_list {
	struct cidr	*items;
	size_t		 n;
};

/* Parse "10.0.0.0/8", "::1" or "192.0.2.7" into c.  Returns 0 or -1. */
int cidr_parse(const char *s, struct cidr *c);
/* Parse a comma-separated list; an empty string gives an empty list.
 * Returns 0, or -1 with *bad pointing into s at the offending entry.
 * Release with cidr_list_free(). */
int cidr_list_parse(const char *s, struct cidr_list *l, const char **bad);
void cidr_list_free(struct cidr_list *l);
/* True if the textual address ip falls into any entry of l. */
bool cidr_list_contains(const struct cidr_list *l, const char *ip);
/* True if s is a literal IPv4 or IPv6 address. */
bool cidr_is_ip(const char *s);

#endif
