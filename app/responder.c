/* responder.c -- accept, parse, dispatch, respond, log; repeat.
 *
 * SIGTERM and SIGINT are blocked while a request is served, so no system
 * call of a request is interrupted, and unblocked around FCGX_Accept_r(),
 * where the handler also calls FCGX_ShutdownPending(): without that,
 * libfcgi retries accept() on EINTR and the process never leaves. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <fcgiapp.h>

#include "clock.h"
#include "db.h"
#include "dispatch.h"
#include "log.h"
#include "redis.h"
#include "request.h"
#include "responder.h"
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
	request_read_body(r, fr);
	dispatch_run(r, s, early);
	a.bytes = response_send(s, r, fr->out);
	a.method = r->method_name;
	a.path = r->path != NULL ? r->path : "";
	a.route = NULL;
	a.client = r->client_ip != NULL ? r->client_ip : "unknown";
	a.status = s->status;
	a.duration_ms = (double)(clock_mono_us() - r->start_us) / 1000.0;
	log_access(&a);
	log_set_trace(NULL);
	response_reset(s);
	request_reset(r);
}

int
responder_run(int listen_fd, long max_requests)
{
	FCGX_Request fr;
	struct req r;
	struct resp s;
	sigset_t term;
	long served = 0;
	int rc;

	clock_mark_start();
	log_set_role("responder");
	responder_signals(&term);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		LOG_ERR("libfcgi initialisation failed");
		return 1;
	}
	request_init(&r);
	response_init(&s);
	while (!responder_stop && (max_requests == 0 || served < max_requests)) {
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		rc = responder_stop ? -1 : FCGX_Accept_r(&fr);
		sigprocmask(SIG_BLOCK, &term, NULL);
		if (rc < 0)
			break;
		responder_serve(&fr, &r, &s);
		FCGX_Finish_r(&fr);
		served++;
	}
	LOG_DEBUG("responder exits after %ld requests", served);
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
