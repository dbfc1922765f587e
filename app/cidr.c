/* cidr.c -- IPv4/IPv6 addresses and CIDR lists. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"
#include "xmalloc.h"

/* Parse a bare address into c with a full-length prefix. */
static int
cidr_parse_addr(const char *s, struct cidr *c)
{
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, s, c->addr) == 1) {
		c->family = AF_INET;
		c->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, c->addr) == 1) {
		c->family = AF_INET6;
		c->prefix = 128;
		return 0;
	}
	return -1;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	char tmp[64], *slash, *end;
	unsigned long bits;

	if (strlen(s) >= sizeof tmp)
		return -1;
	strcpy(tmp, s);
	if ((slash = strchr(tmp, '/')) != NULL)
		*slash++ = '\0';
	if (cidr_parse_addr(tmp, c) != 0)
		return -1;
	if (slash == NULL)
		return 0;
	if (*slash == '\0')
		return -1;
	bits = strtoul(slash, &end, 10);
	if (*end != '\0' || bits > c->prefix)
		return -1;
	c->prefix = (unsigned)bits;
	return 0;
}

/* True if a (same family as c) matches c's first c->prefix bits. */
static bool
cidr_match(const struct cidr *c, const unsigned char *a)
{
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	unsigned char mask;

	if (memcmp(c->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

bool
cidr_list_contains(const struct cidr_list *l, const char *ip)
{
	struct cidr a;
	size_t i;

	if (ip == NULL || cidr_parse_addr(ip, &a) != 0)
		return false;
	for (i = 0; i < l->n; i++) {
		if (l->items[i].family == a.family &&
		    cidr_match(&l->items[i], a.addr))
			return true;
	}
	return false;
}

bool
cidr_is_ip(const char *s)
{
	struct cidr c;

	return cidr_parse_addr(s, &c) == 0;
}

int
cidr_list_parse(const char *s, struct cidr_list *l, const char **bad)
{
	const char *p = s, *comma;
	char item[64];
	size_t len;

	l->items = NULL;
	l->n = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len >= sizeof item)
			goto fail;
		memcpy(item, p, len);
		item[len] = '\0';
		l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
		if (cidr_parse(item, &l->items[l->n]) != 0)
			goto fail;
		l->n++;
		p += len;
	}
	return 0;
fail:
	*bad = p;
	cidr_list_free(l);
	return -1;
}

void
cidr_list_free(struct cidr_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
