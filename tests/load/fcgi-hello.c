/* fcgi-hello.c -- the FastCGI ceiling: the least work a libfcgi responder
 * can do per request.  Usage: fcgi-hello SOCKET WORKERS [headers | file PATH]
 * With "headers" it sends a fixed copy of GET /api/health's answer (same
 * header set and size), which isolates the web server's share of the cost
 * of our headers from the cost of our code.  With "file PATH" it sends the
 * CGI response in PATH ("Status: ..." headers, blank line, body): a
 * recorded answer of ours, so the cost of its bytes is measured apart. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

/* The whole of file path, its length in *len; NULL on failure. */
static char *
slurp(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (1L << 24) &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n)) != NULL &&
	    fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b != NULL)
		*len = (int)n;
	fclose(f);
	return b;
}

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
	const char *out = full ? reply_headers : reply;
	int len = full ? (int)sizeof reply_headers - 1 : (int)sizeof reply - 1;

	if (argc == 5 && strcmp(argv[3], "file") == 0) {
		if ((out = slurp(argv[4], &len)) == NULL) {
			perror(argv[4]);
			return 1;
		}
	} else if (argc != 3 && !full) {
		fprintf(stderr, "usage: fcgi-hello SOCKET WORKERS [headers | file PATH]\n");
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
			serve(fd, out, len);
			_exit(0);
		}
	}
	/* Children die with the process group (the benchmark kills it). */
	while (wait(NULL) > 0)
		;
	return 0;
}
