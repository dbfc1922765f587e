/* fcgi-hello.c -- the FastCGI ceiling: the least work a libfcgi responder
 * can do per request.  Usage: fcgi-hello SOCKET WORKERS */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

static const char reply[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";

static void
serve(int fd)
{
	FCGX_Request r;

	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(reply, sizeof reply - 1, r.out);
		FCGX_Finish_r(&r);
	}
}

int
main(int argc, char **argv)
{
	int fd, n, i;

	if (argc != 3) {
		fprintf(stderr, "usage: fcgi-hello SOCKET WORKERS\n");
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
			serve(fd);
			_exit(0);
		}
	}
	/* Children die with the process group (the benchmark kills it). */
	while (wait(NULL) > 0)
		;
	return 0;
}
