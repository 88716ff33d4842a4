/*
 * What minqingd asks of a configuration beyond its syntax, checked the same
 * way by --check-config, at start and on SIGHUP: keys that decode, an
 * address and a URL it can use, files that it can read, and the keys that
 * go together.  Each error names the file, the line and the key.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/daemon.h"
#include "sync/sync.h"

struct check {
	const char		*path;
	const struct conf	*c;
	char			*err;
	size_t			 errlen;
};

/* Puts "PATH:LINE: [section] key: why" in err; -1. */
static int __attribute__((format(printf, 4, 5)))
refuse(struct check *k, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	ap;
	char	why[256];
	int	line;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if ((line = conf_line(k->c, section, key)) != 0)
		snprintf(k->err, k->errlen, "%s:%d: [%s] %s: %s", k->path,
		    line, section, key, why);
	else
		snprintf(k->err, k->errlen, "%s: [%s] %s: %s", k->path,
		    section, key, why);
	return -1;
}

/* The first of [section]'s keys that the file sets, or NULL. */
static const char *
first_set(const struct conf *c, const char *section)
{
	const struct conf_setting	*s;
	const char			*key = NULL;
	int				 line = 0;

	for (s = conf_settings; s->section != NULL; s++) {
		if (strcmp(s->section, section) != 0 ||
		    c->line[s - conf_settings] == 0)
			continue;
		if (key == NULL || c->line[s - conf_settings] < line) {
			key = s->key;
			line = c->line[s - conf_settings];
		}
	}
	return key;
}

/* A regular file this process can open for reading. */
static int
readable(struct check *k, const char *section, const char *key,
    const char *file)
{
	struct stat	sb;
	int		fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return refuse(k, section, key, "%s: %s", file,
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return refuse(k, section, key, "%s: not a regular file", file);
	}
	close(fd);
	return 0;
}

static int
check_upstream(struct check *k)
{
	const struct conf	*c = k->c;
	struct sync_node	 scratch;
	const char		*key, *host;

	if (c->upstream_url[0] == '\0') {
		if ((key = first_set(c, "upstream")) != NULL)
			return refuse(k, "upstream", key, "[upstream] has no "
			    "url");
		return 0;
	}
	if (strncmp(c->upstream_url, "https://", 8) == 0)
		host = c->upstream_url + 8;
	else if (strncmp(c->upstream_url, "http://", 7) == 0)
		host = c->upstream_url + 7;
	else
		return refuse(k, "upstream", "url", "\"%s\" is not "
		    "https://HOST:PORT", c->upstream_url);
	if (*host == '\0' || *host == '/' || *host == ':')
		return refuse(k, "upstream", "url", "\"%s\" has no host",
		    c->upstream_url);
	if (c->upstream_hub_key[0] == '\0')
		return refuse(k, "upstream", "url", "[upstream] needs hub_key");
	memset(&scratch, 0, sizeof(scratch));
	if (sync_node_hub_keys(&scratch, c->upstream_hub_key) != 0 ||
	    scratch.nhub_keys == 0)
		return refuse(k, "upstream", "hub_key", "not base64 public "
		    "keys (at most %d, separated by spaces)", SYNC_HUB_KEYS);
	if (c->upstream_cacert[0] != '\0' &&
	    readable(k, "upstream", "cacert", c->upstream_cacert) != 0)
		return -1;
	if (c->upstream_pin[0] != '\0' &&
	    strncmp(c->upstream_pin, "sha256//", 8) != 0)
		return refuse(k, "upstream", "pin", "\"%s\" is not "
		    "sha256//BASE64", c->upstream_pin);
	return 0;
}

static int
check_listen(struct check *k)
{
	const struct conf	*c = k->c;
	struct sockaddr_storage	 ss;
	const char		*key;

	if (c->listen_address[0] == '\0') {
		if ((key = first_set(c, "listen")) != NULL)
			return refuse(k, "listen", key, "[listen] has no "
			    "address");
		return 0;
	}
	if (daemon_http_parse_address(c->listen_address, &ss) != 0)
		return refuse(k, "listen", "address", "\"%s\" is not "
		    "HOST:PORT (an IP address, a port from 1 to 65535)",
		    c->listen_address);
	if (c->listen_plain_http)
		return 0;
	if (c->listen_tls_cert[0] == '\0')
		return refuse(k, "listen", "address", "tls_cert is required "
		    "(or plain_http = yes, for tests)");
	if (c->listen_tls_key[0] == '\0')
		return refuse(k, "listen", "address", "tls_key is required "
		    "(or plain_http = yes, for tests)");
	if (readable(k, "listen", "tls_cert", c->listen_tls_cert) != 0 ||
	    readable(k, "listen", "tls_key", c->listen_tls_key) != 0)
		return -1;
	return 0;
}

int
daemon_conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct check	k;

	if (conf_load(path, c, err, errlen) != 0)
		return -1;
	k.path = path;
	k.c = c;
	k.err = err;
	k.errlen = errlen;
	if (check_upstream(&k) != 0 || check_listen(&k) != 0)
		return -1;
	return 0;
}
