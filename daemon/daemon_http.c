/*
 * The HTTPS listener (libmicrohttpd with GnuTLS): limits on connections,
 * per-IP connections, idle time and memory; bodies read raw, capped, and
 * answered 413 past the cap; every request handed whole to the sync
 * handlers, which know nothing of sockets.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daemon/daemon.h"
#include "daemon/log.h"

#define CONN_TIMEOUT_S		15
#define HEADERS_TIMEOUT_S	15	/* from connect, or the last answer */
#define CONN_LIMIT		1000
#define CONN_PER_IP		64
#define CONN_MEMORY		(128 * 1024)
#define PEM_MAX			(64 * 1024)
#define BODIES_MAX		((size_t)64 << 20)	/* all bodies held */

/*
 * One socket, for the deadline on headers.  libmicrohttpd restarts its
 * idle time-out at every byte, so a client that sends a header byte a
 * second would hold its slot for ever; the daemon's loop shuts down the
 * sockets whose headers did not all arrive in HEADERS_TIMEOUT_S.  Linked
 * by the listener's thread, read by the daemon's: under the mutex.
 */
struct sock {
	struct sock		*prev, *next;
	int			 fd;
	int			 waiting;	/* for a request's headers */
	time_t			 since;		/* monotonic seconds */
};

struct daemon_http {
	struct MHD_Daemon	*mhd;
	pthread_mutex_t		 mu;		/* socks, held */
	struct sock		*socks;
	const struct sync_node	*me;
	struct sync_limits	 lim;
	size_t			 held;		/* bytes of bodies being read */
	struct daemon_http_stats stats;		/* under mu */
	char			*cert;
	char			*key;
};

/* One request: its raw target and its body. */
struct conn {
	char			*uri;
	struct store_buf	 body;
	int			 toobig;
	int			 busy;		/* over BODIES_MAX: 429 */
	int			 started;	/* headers seen */
};

static char *
read_pem(const char *path, char *err, size_t errlen)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || sb.st_size <= 0 || sb.st_size > PEM_MAX) {
		snprintf(err, errlen, "%s: not a PEM file of a sensible size",
		    path);
		close(fd);
		return NULL;
	}
	if ((buf = calloc(1, (size_t)sb.st_size + 1)) == NULL ||
	    (n = read(fd, buf, (size_t)sb.st_size)) != sb.st_size) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	return buf;
}

static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct conn	*c;

	(void)cls;
	(void)mc;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->uri = strndup(uri, 2048)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

/*
 * Books n bytes more (or fewer) of bodies held by all connections; false,
 * and nothing booked, past BODIES_MAX.  Under the mutex, should the
 * listener ever run more than one thread.
 */
static int
held_add(struct daemon_http *h, ssize_t n)
{
	int	ok = 1;

	pthread_mutex_lock(&h->mu);
	if (n > 0 && h->held + (size_t)n > BODIES_MAX)
		ok = 0;
	else
		h->held += (size_t)n;	/* wraps back for n < 0 */
	pthread_mutex_unlock(&h->mu);
	return ok;
}

static time_t
mono_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Marks the socket of mc as waiting for headers (from now) or not. */
static void
sock_waiting(struct daemon_http *h, struct MHD_Connection *mc, int waiting)
{
	const union MHD_ConnectionInfo	*ci;
	struct sock			*k;

	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (k = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	k->waiting = waiting;
	k->since = mono_s();
	pthread_mutex_unlock(&h->mu);
}

static void
sock_cb(void *cls, struct MHD_Connection *mc, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct daemon_http		*h = cls;
	const union MHD_ConnectionInfo	*ci;
	struct sock			*k;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = NULL;
		ci = MHD_get_connection_info(mc,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL || (k = calloc(1, sizeof(*k))) == NULL)
			return;
		k->fd = ci->connect_fd;
		k->waiting = 1;
		k->since = mono_s();
		pthread_mutex_lock(&h->mu);
		if ((k->next = h->socks) != NULL)
			k->next->prev = k;
		h->socks = k;
		pthread_mutex_unlock(&h->mu);
		*socket_context = k;
		return;
	}
	/* Closed: told before libmicrohttpd closes the descriptor. */
	if ((k = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		h->socks = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&h->mu);
	free(k);
	*socket_context = NULL;
}

int
daemon_http_sweep(struct daemon_http *h)
{
	struct sock	*k;
	time_t		 now = mono_s();
	int		 n = 0;

	if (h == NULL)
		return 0;
	pthread_mutex_lock(&h->mu);
	for (k = h->socks; k != NULL; k = k->next) {
		if (k->waiting && now - k->since >= HEADERS_TIMEOUT_S) {
			(void)shutdown(k->fd, SHUT_RDWR);
			k->waiting = 0;
			n++;
		}
	}
	pthread_mutex_unlock(&h->mu);
	if (n > 0)
		log_info("closed %d connection%s whose request headers took "
		    "over %d s", n, n == 1 ? "" : "s", HEADERS_TIMEOUT_S);
	return n;
}

static void
completed_cb(void *cls, struct MHD_Connection *mc, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct daemon_http	*h = cls;
	struct conn		*c = *con_cls;

	(void)toe;
	/* A kept-alive connection waits for the next request's headers. */
	sock_waiting(h, mc, 1);
	if (c == NULL)
		return;
	held_add(h, -(ssize_t)c->body.len);
	store_buf_free(&c->body);
	free(c->uri);
	free(c);
	*con_cls = NULL;
}

static enum MHD_Result
reply(struct MHD_Connection *mc, int status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(mc, (unsigned int)status, r);
	MHD_destroy_response(r);
	return ret;
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	static const char	 toobig[] = "{\"error\":\"too-large\","
				    "\"detail\":\"the body is over the limit\"}";
	struct daemon_http	*h = cls;
	struct conn		*c = *con_cls;
	struct sync_request	 req;
	struct sync_response	 resp;
	enum MHD_Result		 ret;
	char			*q;

	(void)version;
	if (c == NULL)
		return MHD_NO;
	if (!c->started) {
		/* The first call brings the headers only. */
		c->started = 1;
		sock_waiting(h, mc, 0);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/*
		 * Past the cap the rest is read and dropped, then 413; past
		 * what all connections together may hold, 429.
		 */
		if (c->toobig || c->busy)
			;
		else if (c->body.len + *upload_size > h->lim.max_bytes)
			c->toobig = 1;
		else if (!held_add(h, *upload_size))
			c->busy = 1;
		else if (store_buf_add(&c->body, upload, *upload_size) !=
		    STORE_OK) {
			held_add(h, -(ssize_t)*upload_size);
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->busy) {
		static const char	 busy[] = "{\"error\":\"busy\","
					    "\"detail\":\"too many uploads at once; "
					    "try again\"}";

		log_info("%s %s: 429 (uploads over %zu bytes at once)", method,
		    url, BODIES_MAX);
		return reply(mc, 429, "application/json", busy,
		    sizeof(busy) - 1);
	}
	/* No call of the API needs an escape: %00 would cut the path. */
	if (strchr(c->uri, '%') != NULL) {
		static const char	 bad[] = "{\"error\":\"bad-name\","
					    "\"detail\":\"no %-escapes in paths\"}";

		log_info("%s: 400 (an escape in the path)", method);
		return reply(mc, 400, "application/json", bad, sizeof(bad) - 1);
	}
	if (c->toobig) {
		log_info("%s %s: 413 (body over %zu bytes)", method, url,
		    h->lim.max_bytes);
		return reply(mc, 413, "application/json", toobig,
		    sizeof(toobig) - 1);
	}
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = method;
	req.path = url;
	if ((q = strchr(c->uri, '?')) != NULL)
		req.query = q + 1;
	req.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "Content-Type");
	req.auth_node = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "X-Minqing-Node");
	req.auth_time = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "X-Minqing-Time");
	req.auth_sig = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    "X-Minqing-Signature");
	req.body = c->body.data != NULL ? c->body.data : "";
	req.body_len = c->body.len;
	req.now_ms = now_ms();
	sync_server_handle(h->me, &h->lim, &req, &resp);
	if (resp.status == 200 && resp.pushed_log[0] != '\0') {
		pthread_mutex_lock(&h->mu);
		h->stats.pushes++;
		h->stats.entries += resp.pushed_added;
		memcpy(h->stats.last_log, resp.pushed_log,
		    sizeof(h->stats.last_log));
		h->stats.last_at_ms = req.now_ms;
		pthread_mutex_unlock(&h->mu);
	}
	if (resp.note[0] != '\0')
		log_warnx("%s", resp.note);
	/* A 404 is how a new branch's first push begins: no news. */
	if (resp.status >= 400 && resp.status != 404)
		log_info("%s %s: %d", method, url, resp.status);
	else
		log_debug("%s %s: %d", method, url, resp.status);
	ret = reply(mc, resp.status, resp.content_type,
	    resp.body.data != NULL ? resp.body.data : "", resp.body.len);
	store_buf_free(&resp.body);
	return ret;
}

void
daemon_http_stats(struct daemon_http *h, struct daemon_http_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	*out = h->stats;
	pthread_mutex_unlock(&h->mu);
}

int
daemon_http_parse_address(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)ss;
	char			 host[128];
	const char		*colon;
	char			*end;
	long			 port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL ||
		    (size_t)(colon - s - 1) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s - 1),
		    s + 1);
		colon++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    (size_t)(colon - s) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		return -1;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

struct daemon_http *
daemon_http_start(const struct sync_node *me, const struct sync_limits *lim,
    const char *address, const char *cert_file, const char *key_file,
    int plain, char *err, size_t errlen)
{
	struct daemon_http	*h;
	struct sockaddr_storage	 ss;
	unsigned int		 flags;

	if (daemon_http_parse_address(address, &ss) != 0) {
		snprintf(err, errlen, "listen address %s: not HOST:PORT",
		    address);
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "listen: out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		snprintf(err, errlen, "listen: cannot make a mutex");
		free(h);
		return NULL;
	}
	h->me = me;
	h->lim = *lim;
	/* poll: past select()'s 1024 descriptors. */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    MHD_USE_POLL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!plain) {
		if ((h->cert = read_pem(cert_file, err, errlen)) == NULL ||
		    (h->key = read_pem(key_file, err, errlen)) == NULL) {
			daemon_http_stop(h);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)CONN_PER_IP,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
	    MHD_OPTION_NOTIFY_CONNECTION, sock_cb, h,
	    plain ? MHD_OPTION_END : MHD_OPTION_HTTPS_MEM_KEY, h->key,
	    MHD_OPTION_HTTPS_MEM_CERT, h->cert,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		snprintf(err, errlen, "listen on %s: cannot start the "
		    "listener (address in use, or a bad certificate or key?)",
		    address);
		daemon_http_stop(h);
		return NULL;
	}
	log_info("listening on %s (%s)", address, plain ? "plain http, for "
	    "tests" : "https");
	return h;
}

void
daemon_http_stop(struct daemon_http *h)
{
	if (h == NULL)
		return;
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	pthread_mutex_destroy(&h->mu);
	if (h->key != NULL) {
		explicit_bzero(h->key, strlen(h->key));
		free(h->key);
	}
	free(h->cert);
	free(h);
}
