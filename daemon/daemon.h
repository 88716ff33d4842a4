/* minqingd's parts: the HTTPS listener. */
#ifndef DAEMON_H
#define DAEMON_H

#include "sync/sync.h"

struct daemon_http;

/*
 * Starts listening on address ("127.0.0.1:8443", "[::1]:8443") with the
 * PEM certificate and key, or in plain HTTP when plain is set (tests).
 * Requests are answered by sync_server_handle() in the listener's thread.
 * Returns NULL after logging why.
 */
struct daemon_http *daemon_http_start(const struct sync_node *,
	    const struct sync_limits *, const char *address,
	    const char *cert_file, const char *key_file, int plain);
void	daemon_http_stop(struct daemon_http *);
/* Shuts down sockets whose request headers are late; how many. */
int	daemon_http_sweep(struct daemon_http *);

#endif /* DAEMON_H */
