/* responder.h -- the request loop of one responder process. */
#ifndef RESPONDER_H
#define RESPONDER_H

/* Serve FastCGI requests one at a time on listen_fd (0 when the web server
 * passed the socket as stdin) until SIGTERM/SIGINT, a listen error, or
 * max_requests served (0 = no limit).  An in-flight request always
 * finishes.  Returns the process exit status. */
int responder_run(int listen_fd, long max_requests);
/* True if fd 0 is a FastCGI listening socket handed over by a process
 * manager (mod_fcgid, lighttpd bin-path, spawn-fcgi). */
int responder_inherited_socket(void);

#endif
