/* minqingd's parts: its configuration checks and the HTTPS listener. */
#ifndef DAEMON_H
#define DAEMON_H

#include <stdint.h>

#include "daemon/conf.h"
#include "sync/sync.h"

struct sockaddr_storage;
struct daemon_http;

/*
 * conf_load(), then what the daemon needs besides: hub keys that decode, an
 * http(s) URL, a listen address it can bind, and the certificate, key and
 * CA files readable.  The one check for --check-config, start and SIGHUP.
 * On error returns -1 with one line in err: "FILE:LINE: [section] key: why".
 */
int	daemon_conf_load(const char *path, struct conf *, char *err,
	    size_t errlen);

/* Parses "127.0.0.1:8443" or "[::1]:8443" (IP addresses only); -1 if not. */
int	daemon_http_parse_address(const char *, struct sockaddr_storage *);

/*
 * Starts listening on address ("127.0.0.1:8443", "[::1]:8443") with the
 * PEM certificate and key, or in plain HTTP when plain is set (tests).
 * Requests are answered by sync_server_handle() in the listener's thread.
 * Returns NULL with one line in err saying why.
 */
struct daemon_http *daemon_http_start(const struct sync_node *,
	    const struct sync_limits *, const char *address,
	    const char *cert_file, const char *key_file, int plain, char *err,
	    size_t errlen);
void	daemon_http_stop(struct daemon_http *);
/* Shuts down sockets whose request headers are late; how many. */
int	daemon_http_sweep(struct daemon_http *);

/* What the listener took since it started, for systemd's STATUS. */
struct daemon_http_stats {
	uint64_t	pushes;		/* batches answered 200 */
	uint64_t	entries;	/* entries they added */
	char		last_log[STORE_LOG_MAX + 1];	/* of the last push */
	uint64_t	last_at_ms;	/* wall clock, or 0 */
};
void	daemon_http_stats(struct daemon_http *, struct daemon_http_stats *);

#endif /* DAEMON_H */
