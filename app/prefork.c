/* prefork.c -- the master: one listening socket, N responders.
 *
 * The master never touches PostgreSQL, Redis or a request.  It waits for
 * signals with sigtimedwait(), so all its work runs in plain code, never
 * in a signal handler. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "prefork.h"
#include "redis.h"
#include "responder.h"
#include "warm.h"
#include "xmalloc.h"

#define PREFORK_QUICK_DEATH_US	1000000		/* died within 1 s: a loop */
#define PREFORK_BACKOFF_MAX_US	10000000
#define PREFORK_TICK_US		250000

struct child {
	pid_t		pid;		/* 0 = free slot */
	unsigned	gen;		/* reload generation it belongs to */
	int64_t		started_us;
	int64_t		term_us;	/* when SIGTERM was first sent; 0 = never */
	int64_t		nudge_us;	/* when SIGTERM was last sent */
};

struct master {
	const struct prefork_opts *o;
	int		 fd;
	struct child	*kids;
	size_t		 nkids;
	unsigned	 gen;
	int		 failures;	/* consecutive quick deaths */
	int64_t		 respawn_us;	/* no spawn before this time */
	int		 stopping;
	struct conf	*conf;		/* owned; conf points at it */
};

static int
prefork_listen_unix(const char *path, long mode)
{
	struct sockaddr_un sa;
	int fd, probe;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		LOG_ERR("socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	probe = socket(AF_UNIX, SOCK_STREAM, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
		close(probe);
		LOG_ERR("another server is listening on %s", path);
		return -1;
	}
	if (probe >= 0)
		close(probe);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    chmod(path, (mode_t)mode) != 0 || listen(fd, 1024) != 0) {
		LOG_ERR("cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
prefork_listen_tcp(const char *spec)
{
	struct addrinfo hints, *ai = NULL;
	char host[256];
	const char *colon = strrchr(spec, ':');
	int fd = -1, one = 1, rc;

	if (colon == NULL || colon == spec || (size_t)(colon - spec) >= sizeof host) {
		LOG_ERR("--listen wants /path/to.sock or host:port, not %s", spec);
		return -1;
	}
	snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0) {
		LOG_ERR("--listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
		LOG_ERR("cannot listen on %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
prefork_listen(const char *spec, long mode)
{
	if (spec[0] == '/' || spec[0] == '.')
		return prefork_listen_unix(spec, mode);
	return prefork_listen_tcp(spec);
}

/* Fork one responder of the current generation into slot k. */
static void
prefork_spawn(struct master *m, struct child *k)
{
	sigset_t none;
	pid_t pid = fork();

	if (pid < 0) {
		LOG_ERR("fork failed: %s", strerror(errno));
		m->respawn_us = clock_mono_us() + PREFORK_TICK_US;
		return;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(responder_run(m->fd, m->o->max_requests));
	}
	k->pid = pid;
	k->gen = m->gen;
	k->started_us = clock_mono_us();
	k->term_us = 0;
	k->nudge_us = 0;
}

/* WARM_ON_START: warm the cache from a child of its own, so serving
 * starts at once (its exit is reaped like any unknown child). */
static void
prefork_warm(struct master *m)
{
	struct warm_opts o = { .popular_cars = true, .availability = true,
	    .fleet = true, .limit = 10, .days = 7 };
	sigset_t none;
	pid_t pid = fork();

	if (pid < 0)
		LOG_ERR("fork of the cache warmer failed: %s", strerror(errno));
	if (pid != 0)
		return;
	close(m->fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	log_set_role("warmer");
	json_object_put(warm_run(&o));
	log_flush();
	db_close();
	redis_close();
	_exit(0);
}

/* Count live responders of the current generation. */
static int
prefork_current(const struct master *m)
{
	size_t i;
	int n = 0;

	for (i = 0; i < m->nkids; i++)
		n += m->kids[i].pid != 0 && m->kids[i].gen == m->gen;
	return n;
}

/* Start responders until the current generation is complete. */
static void
prefork_fill(struct master *m)
{
	size_t i;
	int need = m->o->workers - prefork_current(m);

	if (m->stopping || clock_mono_us() < m->respawn_us)
		return;
	for (i = 0; i < m->nkids && need > 0; i++) {
		if (m->kids[i].pid == 0) {
			prefork_spawn(m, &m->kids[i]);
			need--;
		}
	}
}

/* Account for the death of slot k; a loop of quick deaths backs off. */
static void
prefork_died(struct master *m, struct child *k, int status)
{
	int64_t now = clock_mono_us(), delay;
	int bad = WIFSIGNALED(status) || WEXITSTATUS(status) != 0;

	if (bad && k->term_us == 0)
		LOG_ERR("responder %ld exited %s %d after %.1f s", (long)k->pid,
		    WIFSIGNALED(status) ? "on signal" : "with status",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		    (double)(now - k->started_us) / 1e6);
	if (bad && k->term_us == 0 && k->gen == m->gen &&
	    now - k->started_us < PREFORK_QUICK_DEATH_US) {
		/* Siblings dying in the same round count once. */
		if (now < m->respawn_us)
			goto done;
		m->failures++;
		delay = 100000L << (m->failures < 7 ? m->failures : 7);
		if (delay > PREFORK_BACKOFF_MAX_US)
			delay = PREFORK_BACKOFF_MAX_US;
		m->respawn_us = now + delay;
		LOG_WARN("responders die in a loop; next spawn in %.1f s",
		    (double)delay / 1e6);
	} else if (k->gen == m->gen)
		m->failures = 0;
done:
	k->pid = 0;
}

static void
prefork_reap(struct master *m)
{
	size_t i;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < m->nkids; i++) {
			if (m->kids[i].pid == pid) {
				prefork_died(m, &m->kids[i], status);
				break;
			}
		}
	}
}

/* Ask slot k to finish its request and exit. */
static void
prefork_term(struct child *k)
{
	int64_t now = clock_mono_us();

	if (k->term_us == 0)
		k->term_us = now;
	k->nudge_us = now;
	kill(k->pid, SIGTERM);
}

/* Kill a responder that has held one request past REQUEST_TIMEOUT (hung,
 * or stopped): the web server gets an error for that request, and the
 * pool a fresh responder when SIGCHLD comes. */
static void
prefork_watch(struct child *k)
{
	int64_t ms;

	if (conf->request_timeout <= 0 ||
	    (ms = metrics_busy_ms(k->pid)) < conf->request_timeout * 1000)
		return;
	LOG_WARN("responder %ld has been on one request for %lld ms; killing it",
	    (long)k->pid, (long long)ms);
	kill(k->pid, SIGKILL);
	k->term_us = clock_mono_us();	/* not again until it is reaped */
}

/* Responders asked to stop: nudge again every second (a SIGTERM can land
 * just before accept() blocks), SIGKILL after SHUTDOWN_GRACE. */
static void
prefork_enforce(struct master *m)
{
	int64_t now = clock_mono_us();
	size_t i;
	struct child *k;

	for (i = 0; i < m->nkids; i++) {
		k = &m->kids[i];
		if (k->pid != 0 && k->term_us == 0)
			prefork_watch(k);
		if (k->pid == 0 || k->term_us == 0)
			continue;
		if (now - k->term_us > conf->shutdown_grace * 1000000L) {
			LOG_WARN("responder %ld ignored SIGTERM; killing it",
			    (long)k->pid);
			kill(k->pid, SIGKILL);
		} else if (now - k->nudge_us >= 1000000)
			prefork_term(k);
	}
}

/* SIGHUP: re-read the settings, start a new generation, retire the old. */
static void
prefork_reload(struct master *m)
{
	struct conf *next = xcalloc(1, sizeof *next);
	char err[512];
	size_t i;

	if (conf_load(next, m->o->config_path, err, sizeof err) != 0 ||
	    conf_check_secrets(next, true, err, sizeof err) != 0) {
		LOG_ERR("reload refused, keeping the running settings: %s", err);
		conf_free(next);
		free(next);
		return;
	}
	conf_free(m->conf);
	free(m->conf);
	m->conf = next;
	conf = next;
	log_set_level(next->log_level);
	m->gen++;
	m->failures = 0;
	m->respawn_us = 0;
	prefork_fill(m);
	for (i = 0; i < m->nkids; i++) {
		if (m->kids[i].pid != 0 && m->kids[i].gen != m->gen)
			prefork_term(&m->kids[i]);
	}
	LOG_INFO("reloaded: generation %u", m->gen);
}

static int
prefork_alive(const struct master *m)
{
	size_t i;
	int n = 0;

	for (i = 0; i < m->nkids; i++)
		n += m->kids[i].pid != 0;
	return n;
}

/* Stop accepting, let every responder finish, then return. */
static void
prefork_stop(struct master *m)
{
	size_t i;

	m->stopping = 1;
	close(m->fd);
	if (m->o->listen[0] == '/' || m->o->listen[0] == '.')
		unlink(m->o->listen);
	for (i = 0; i < m->nkids; i++) {
		if (m->kids[i].pid != 0)
			prefork_term(&m->kids[i]);
	}
	LOG_INFO("stopping: waiting for %d responders", prefork_alive(m));
}

static void
prefork_pidfile(const char *path, int create)
{
	FILE *f;

	if (path == NULL)
		return;
	if (!create) {
		unlink(path);
		return;
	}
	if ((f = fopen(path, "w")) == NULL) {
		LOG_WARN("cannot write %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

/* Handle one signal (0 = timeout).  Returns 1 when the master may exit. */
static int
prefork_step(struct master *m, int sig)
{
	switch (sig) {
	case SIGCHLD:
		prefork_reap(m);
		break;
	case SIGHUP:
		if (!m->stopping)
			prefork_reload(m);
		break;
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		if (!m->stopping)
			prefork_stop(m);
		break;
	default:
		break;
	}
	prefork_reap(m);
	prefork_enforce(m);
	prefork_fill(m);
	return m->stopping && prefork_alive(m) == 0;
}

int
prefork_run(const struct prefork_opts *o)
{
	struct master m = { .o = o, .gen = 1 };
	struct timespec tick = { 0, PREFORK_TICK_US * 1000 };
	sigset_t set;
	int sig;

	log_set_role("master");
	if ((m.fd = prefork_listen(o->listen, o->socket_mode)) < 0)
		return 1;
	m.conf = (struct conf *)conf;
	m.nkids = (size_t)o->workers * 3;	/* room for two reloads in flight */
	m.kids = xcalloc(m.nkids, sizeof *m.kids);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	prefork_pidfile(o->pid_file, 1);
	LOG_INFO("listening on %s with %d responders", o->listen, o->workers);
	prefork_fill(&m);
	if (conf->warm_on_start)
		prefork_warm(&m);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &tick);
		if (prefork_step(&m, sig > 0 ? sig : 0))
			break;
	}
	prefork_pidfile(o->pid_file, 0);
	LOG_INFO("stopped");
	free(m.kids);
	return 0;
}
