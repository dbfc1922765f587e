/* responder.c -- accept, parse, dispatch, respond, log; repeat.
 *
 * SIGTERM and SIGINT stay blocked except inside ppoll() on the listening
 * socket, so no system call of a request is ever interrupted (libfcgi
 * treats EINTR while reading a request as a failed request), and a stop
 * signal is acted on only between requests.  The socket is non-blocking:
 * when another responder wins the race for a connection, FCGX_Accept_r()
 * returns -EAGAIN and we wait again.  The handler also calls
 * FCGX_ShutdownPending(), as libfcgi expects. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "cache.h"
#include "clock.h"
#include "counter.h"
#include "db.h"
#include "dispatch.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "redis.h"
#include "request.h"
#include "responder.h"
#include "rng.h"
#include "response.h"

static volatile sig_atomic_t responder_stop;

static void
responder_on_term(int sig)
{
	(void)sig;
	responder_stop = 1;
	FCGX_ShutdownPending();
}

static void
responder_signals(sigset_t *term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = responder_on_term;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: accept() must see EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigemptyset(term);
	sigaddset(term, SIGTERM);
	sigaddset(term, SIGINT);
}

/* Serve the accepted request fr. */
static void
responder_serve(FCGX_Request *fr, struct req *r, struct resp *s)
{
	struct log_access a;
	enum api_err early;

	early = request_begin(r, fr->envp);
	metrics_busy(r->method_name ? r->method_name : "?", r->path ? r->path : "");
	request_read_body(r, fr);
	dispatch_run(r, s, early);
	a.bytes = response_send(s, r, fr->out);
	metrics_idle();
	a.method = r->method_name;
	a.path = r->path != NULL ? r->path : "";
	a.route = NULL;
	a.client = r->client_ip != NULL ? r->client_ip : "unknown";
	a.status = s->status;
	a.duration_us = clock_mono_us() - r->start_us;
	log_access(&a);
	log_set_trace(NULL);
	response_reset(s);
	request_reset(r);
}

/* Wait until the listening socket (registered in epoll instance ep with
 * EPOLLEXCLUSIVE, so a connection wakes one idle responder, not all) has a
 * connection or a stop signal arrives; the stop signals are unblocked only
 * meanwhile.  Queued log lines are written after a second without
 * connections.  Returns 1 when a connection is waiting, 0 when the
 * responder should stop. */
static int
responder_wait(int ep, const sigset_t *open)
{
	struct epoll_event ev;
	sigset_t pending;
	int rc;

	for (;;) {
		if (responder_stop)
			return 0;
		rc = epoll_pwait(ep, &ev, 1, 1000, open);
		if (rc > 0) {
			/* A ready socket is reported without delivering a
			 * pending signal; under steady load the socket is
			 * always ready, so look for a stop signal ourselves. */
			sigpending(&pending);
			if (sigismember(&pending, SIGTERM) ||
			    sigismember(&pending, SIGINT))
				responder_stop = 1;
			return !responder_stop;
		}
		if (rc < 0 && errno != EINTR)
			return 0;
		log_flush();
		counter_flush();
		ratelimit_flush();
		cache_idle();
	}
}

/* An epoll instance watching listen_fd exclusively, or -1. */
static int
responder_epoll(int listen_fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ev.data.fd = listen_fd;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
		LOG_ERR("epoll on the listening socket failed: %s", strerror(errno));
		if (ep >= 0)
			close(ep);
		return -1;
	}
	return ep;
}

int
responder_run(int listen_fd, long max_requests)
{
	FCGX_Request fr;
	struct req r;
	struct resp s;
	sigset_t term, open;
	long served = 0;
	int rc, ep;

	clock_mark_start();
	rng_reseed();
	log_set_role("responder");
	metrics_attach(METRICS_RESPONDER);
	responder_signals(&term);
	sigprocmask(SIG_BLOCK, &term, &open);
	sigdelset(&open, SIGTERM);
	sigdelset(&open, SIGINT);
	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		LOG_ERR("libfcgi initialisation failed");
		return 1;
	}
	if ((ep = responder_epoll(listen_fd)) < 0)
		return 1;
	request_init(&r);
	response_init(&s);
	while (max_requests == 0 || served < max_requests) {
		if (!responder_wait(ep, &open))
			break;
		rc = FCGX_Accept_r(&fr);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			continue;	/* another responder took it */
		if (rc < 0)
			break;
		responder_serve(&fr, &r, &s);
		FCGX_Finish_r(&fr);
		served++;
	}
	LOG_DEBUG("responder exits after %ld requests", served);
	log_flush();
	counter_flush();
	ratelimit_flush();
	close(ep);
	FCGX_Free(&fr, 0);
	request_free(&r);
	response_free(&s);
	db_close();
	redis_close();
	return 0;
}

int
responder_inherited_socket(void)
{
	return !FCGX_IsCGI();
}
