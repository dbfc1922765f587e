/* fcgi-hello.c -- the FastCGI ceiling: the least work a libfcgi responder
 * can do per request.  Usage: fcgi-hello SOCKET WORKERS [headers]
 * With "headers" it sends a fixed copy of GET /api/health's answer (same
 * header set and size), which isolates the web server's share of the cost
 * of our headers from the cost of our code. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

static const char reply[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";

static const char reply_headers[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 72\r\nX-Content-Type-Options: nosniff\r\n"
    "Cache-Control: no-store\r\nX-Trace-Id: 0123456789abcdef0123456789abcdef\r\n"
    "X-Response-Time: 0.050ms\r\n\r\n"
    "{\"status\":\"ok\",\"service\":\"exodrive\",\"version\":\"0.1.0\","
    "\"uptimeSeconds\":1}";

static void
serve(int fd, const char *out, int len)
{
	FCGX_Request r;

	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(out, len, r.out);
		FCGX_Finish_r(&r);
	}
}

int
main(int argc, char **argv)
{
	int fd, n, i, full = argc == 4 && strcmp(argv[3], "headers") == 0;

	if (argc != 3 && !full) {
		fprintf(stderr, "usage: fcgi-hello SOCKET WORKERS [headers]\n");
		return 2;
	}
	n = atoi(argv[2]);
	FCGX_Init();
	unlink(argv[1]);
	if ((fd = FCGX_OpenSocket(argv[1], 1024)) < 0)
		return 1;
	chmod(argv[1], 0666);
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			if (full)
				serve(fd, reply_headers, sizeof reply_headers - 1);
			else
				serve(fd, reply, sizeof reply - 1);
			_exit(0);
		}
	}
	/* Children die with the process group (the benchmark kills it). */
	while (wait(NULL) > 0)
		;
	return 0;
}
