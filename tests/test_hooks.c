/* test_hooks.c -- outbound webhook deliveries reach public addresses only.
 *
 * A listener on every local IPv4 and IPv6 address (one port) stands for
 * the private targets: a delivery that got through would be a connection
 * it can accept. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test_common.h"

#include "conf.h"
#include "hooks.h"
#include "queue.h"

static struct conf c;
static int lsn4 = -1, lsn6 = -1;
static int port;

/* A non-blocking listener on the wildcard address of family, on port (0:
 * any); returns the socket and sets port. */
static int
listener(int family)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int s, one = 1;

	memset(&ss, 0, sizeof ss);
	if ((s = socket(family, SOCK_STREAM, 0)) < 0)
		return -1;
	if (family == AF_INET6) {
		(void)setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons((unsigned short)port);
		len = sizeof *a6;
	} else {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
		a4->sin_port = htons((unsigned short)port);
		len = sizeof *a4;
	}
	if (bind(s, (struct sockaddr *)&ss, len) != 0 || listen(s, 64) != 0 ||
	    getsockname(s, (struct sockaddr *)&ss, &len) != 0) {
		close(s);
		return -1;
	}
	port = ntohs(family == AF_INET6 ? a6->sin6_port : a4->sin_port);
	(void)fcntl(s, F_SETFL, O_NONBLOCK);
	return s;
}

/* How many connections are waiting on the listeners (accepted and closed). */
static int
connections(void)
{
	int n = 0, fd;

	while ((fd = accept(lsn4, NULL, NULL)) >= 0 ||
	    (lsn6 >= 0 && (fd = accept(lsn6, NULL, NULL)) >= 0)) {
		close(fd);
		n++;
	}
	return n;
}

static int
setup(void **state)
{
	char err[256];
	int i;

	(void)state;
	if (conf_load(&c, NULL, err, sizeof err) != 0)
		return -1;
	c.queue_lease = 1000;		/* a delivery gives up after 500 ms */
	conf = &c;
	for (i = 0; i < 20 && lsn4 < 0; i++) {
		port = 0;
		if ((lsn4 = listener(AF_INET)) >= 0 &&
		    (lsn6 = listener(AF_INET6)) < 0 && errno == EADDRINUSE) {
			close(lsn4);
			lsn4 = -1;
		}
	}
	return lsn4 >= 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	close(lsn4);
	if (lsn6 >= 0)
		close(lsn6);
	conf_free(&c);
	return 0;
}

/* hooks_deliver() of a job for url (a "%d" in it is the listener's port). */
static bool
deliver(const char *url, char *err, size_t errlen)
{
	const char *at = strstr(url, "%d");
	char u[200], data[400];
	struct queue_job job;

	memset(&job, 0, sizeof job);
	if (at != NULL)
		snprintf(u, sizeof u, "%.*s%d%s", (int)(at - url), url, port, at + 2);
	else
		snprintf(u, sizeof u, "%s", url);
	snprintf(data, sizeof data, "{\"url\":\"%s\",\"deliveryId\":\"d-1\","
	    "\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"bookingId\":\"b\"}}", u);
	snprintf(job.id, sizeof job.id, "1");
	snprintf(job.name, sizeof job.name, "booking.created");
	job.data = data;
	err[0] = '\0';
	return hooks_deliver(&job, err, errlen) == QUEUE_DONE;
}

static void
hooks_deliver__allow_listed_loopback__connects_v4_and_v6(void **state)
{
	const char *bad;
	char err[300];

	(void)state;
	cidr_list_free(&c.webhook_allow);
	assert_int_equal(cidr_list_parse("127.0.0.1", &c.webhook_allow, &bad), 0);
	/* The listener never answers: the delivery times out, after connecting. */
	assert_false(deliver("http://127.0.0.1:%d/hook", err, sizeof err));
	assert_int_equal(connections(), 1);
	if (lsn6 >= 0) {	/* an IPv6 literal too */
		cidr_list_free(&c.webhook_allow);
		assert_int_equal(cidr_list_parse("::1", &c.webhook_allow, &bad), 0);
		assert_false(deliver("http://[::1]:%d/hook", err, sizeof err));
		assert_int_equal(connections(), 1);
	}
	cidr_list_free(&c.webhook_allow);
	assert_int_equal(cidr_list_parse("", &c.webhook_allow, &bad), 0);
}

static void
hooks_deliver__private_loopback_and_link_local__refused_unconnected(void **state)
{
	static const char *urls[] = {
		"http://10.0.0.1:%d/", "http://10.255.255.254:%d/",
		"http://172.16.0.1:%d/", "http://172.31.255.254:%d/",
		"http://192.168.0.1:%d/", "http://192.168.255.254:%d/",
		"http://169.254.169.254:%d/latest/meta-data", "http://100.64.0.1:%d/",
		"http://127.0.0.1:%d/", "http://127.0.0.2:%d/", "http://127.1:%d/",
		"http://2130706433:%d/", "http://0177.0.0.1:%d/", "http://0x7f.1:%d/",
		"http://0.0.0.0:%d/", "http://0:%d/",
		"http://localhost:%d/", "http://LocalHost:%d/",
		"http://user@127.0.0.1:%d/", "https://127.0.0.1:%d/",
		"http://[::1]:%d/", "http://[::]:%d/", "http://[0:0:0:0:0:0:0:1]:%d/",
		"http://[::ffff:127.0.0.1]:%d/", "http://[::ffff:7f00:1]:%d/",
		"http://[::ffff:10.0.0.1]:%d/", "http://[::ffff:169.254.169.254]:%d/",
		"http://[::127.0.0.1]:%d/",		/* IPv4-compatible */
		"http://[64:ff9b::7f00:1]:%d/",		/* NAT64 */
		"http://[64:ff9b:1::7f00:1]:%d/",	/* local-use NAT64 */
		"http://[2002:7f00:1::1]:%d/",		/* 6to4 of 127.0.0.1 */
		"http://[2002:a00:1::1]:%d/",		/* 6to4 of 10.0.0.1 */
		"http://[2001:0:7f00:1::1]:%d/",	/* Teredo */
		"http://[fd00::1]:%d/", "http://[fc00::1]:%d/",	/* unique local */
		"http://[fe80::1]:%d/", "http://[fec0::1]:%d/",	/* link-, site-local */
		"http://[ff02::1]:%d/",
	};
	char err[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		assert_false(deliver(urls[i], err, sizeof err));
		if (strstr(err, "is not a public address") == NULL)
			fail_msg("%s: %s", urls[i], err);
	}
	assert_int_equal(connections(), 0);
}

static void
hooks_deliver__unresolvable_or_not_http__refused_unconnected(void **state)
{
	static const char *urls[] = {
		"http://localhost.:%d/",	/* resolves to loopback, or not at all */
		"http://127.0.0.1%2e:%d/", "ftp://127.0.0.1:%d/", "file:///etc/passwd",
		"gopher://127.0.0.1:%d/", "dict://127.0.0.1:%d/", "not a url",
	};
	char err[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		assert_false(deliver(urls[i], err, sizeof err));
		if (strstr(err, "not a public address") == NULL &&
		    strstr(err, "cannot resolve") == NULL &&
		    strstr(err, "not an http(s) URL") == NULL)
			fail_msg("%s: %s", urls[i], err);
	}
	assert_int_equal(connections(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hooks_deliver__allow_listed_loopback__connects_v4_and_v6),
		cmocka_unit_test(hooks_deliver__private_loopback_and_link_local__refused_unconnected),
		cmocka_unit_test(hooks_deliver__unresolvable_or_not_http__refused_unconnected),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
