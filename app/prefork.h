/* prefork.h -- the master process: listen, fork responders, supervise. */
#ifndef PREFORK_H
#define PREFORK_H

struct prefork_opts {
	const char	*listen;	/* "/path.sock" or "127.0.0.1:9000" */
	int		 workers;
	long		 max_requests;	/* per responder; 0 = no limit */
	long		 socket_mode;	/* unix socket permissions */
	const char	*pid_file;	/* may be NULL */
	const char	*config_path;	/* re-read on SIGHUP; may be NULL */
};

/* Open the listening socket described by spec.  Returns the fd, or -1
 * with the reason logged. */
int prefork_listen(const char *spec, long mode);
/* Run the master until SIGTERM/SIGINT/SIGQUIT: keep o->workers responders
 * alive (respawn with back-off when they die in a loop), reload on SIGHUP
 * (new responders first, old ones finish their request), stop gracefully.
 * Returns the process exit status. */
int prefork_run(const struct prefork_opts *o);

#endif
