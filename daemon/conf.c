/*
 * The configuration file: a table of settings drives parsing, defaults and
 * bounds.  A file with an unknown section or key, a key given twice, a bad
 * value, a line too long or a missing [node] id is refused as a whole,
 * naming the line.  The line of every setting is kept, so that the daemon's
 * own checks can name it too.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "daemon/conf.h"

#define OFF(f)	offsetof(struct conf, f)

const struct conf_setting conf_settings[] = {
	{ "node", "id", CONF_NODE, NULL, 0, 0, OFF(node_id) },
	{ "upstream", "url", CONF_STRING, "", 0, 0, OFF(upstream_url) },
	{ "upstream", "hub_key", CONF_STRING, "", 0, 0,
	    OFF(upstream_hub_key) },
	{ "upstream", "cacert", CONF_STRING, "", 0, 0, OFF(upstream_cacert) },
	{ "upstream", "pin", CONF_STRING, "", 0, 0, OFF(upstream_pin) },
	{ "listen", "address", CONF_STRING, "", 0, 0, OFF(listen_address) },
	{ "listen", "tls_cert", CONF_STRING, "", 0, 0, OFF(listen_tls_cert) },
	{ "listen", "tls_key", CONF_STRING, "", 0, 0, OFF(listen_tls_key) },
	{ "listen", "plain_http", CONF_BOOL, "no", 0, 1,
	    OFF(listen_plain_http) },
	{ "sync", "interval", CONF_SECONDS, "30s", 1, 86400,
	    OFF(sync_interval_s) },
	{ "sync", "max_backoff", CONF_SECONDS, "10m", 1, 86400,
	    OFF(sync_max_backoff_s) },
	{ "sync", "batch_entries", CONF_COUNT, "5000", 1, 1000000,
	    OFF(sync_batch_entries) },
	{ "sync", "batch_bytes", CONF_BYTES, "4M", 4096, 1u << 30,
	    OFF(sync_batch_bytes) },
	{ "report", "reply_days", CONF_COUNT, "30", 1, 3650,
	    OFF(report_reply_days) },
	{ NULL, NULL, 0, NULL, 0, 0, 0 }
};
_Static_assert(sizeof(conf_settings) / sizeof(conf_settings[0]) <=
    CONF_SETTINGS_MAX, "struct conf has no room for each setting's line");

int
conf_parse_value(enum conf_type type, const char *s, uint64_t *out)
{
	unsigned long long	 v, mult;
	char			*end;

	if (type == CONF_BOOL) {
		if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
		    strcmp(s, "1") == 0)
			*out = 1;
		else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 ||
		    strcmp(s, "0") == 0)
			*out = 0;
		else
			return -1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	mult = 1;
	if (type == CONF_SECONDS) {
		if (strcmp(end, "s") == 0 || *end == '\0')
			mult = 1;
		else if (strcmp(end, "m") == 0)
			mult = 60;
		else if (strcmp(end, "h") == 0)
			mult = 3600;
		else
			return -1;
	} else if (type == CONF_BYTES) {
		if (*end == '\0')
			mult = 1;
		else if (strcmp(end, "K") == 0 || strcmp(end, "k") == 0)
			mult = 1ULL << 10;
		else if (strcmp(end, "M") == 0)
			mult = 1ULL << 20;
		else if (strcmp(end, "G") == 0)
			mult = 1ULL << 30;
		else
			return -1;
	} else if (*end != '\0')
		return -1;
	/* A unit must not wrap the number round past 2^64. */
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
node_ok(const char *s)
{
	size_t	n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return n > 0 && n <= 32;
}

static int
set(struct conf *c, const struct conf_setting *s, const char *value,
    char *why, size_t whylen)
{
	char		*p = (char *)c + s->offset;
	uint64_t	 v;

	switch (s->type) {
	case CONF_STRING:
		if (strlen(value) >= CONF_STR_MAX) {
			snprintf(why, whylen, "value too long");
			return -1;
		}
		snprintf(p, CONF_STR_MAX, "%s", value);
		return 0;
	case CONF_NODE:
		if (!node_ok(value)) {
			snprintf(why, whylen, "node id must be [a-z0-9-]{1,32}");
			return -1;
		}
		snprintf(p, 33, "%s", value);
		return 0;
	case CONF_BOOL:
		if (conf_parse_value(s->type, value, &v) != 0) {
			snprintf(why, whylen, "expected yes or no");
			return -1;
		}
		*(int *)(void *)p = (int)v;
		return 0;
	default:
		if (conf_parse_value(s->type, value, &v) != 0 ||
		    v < s->min || v > s->max) {
			snprintf(why, whylen, "invalid value \"%s\" (%" PRIu64
			    " to %" PRIu64 "%s)", value, s->min, s->max,
			    s->type == CONF_SECONDS ? " seconds" :
			    s->type == CONF_BYTES ? " bytes" : "");
			return -1;
		}
		*(uint64_t *)(void *)p = v;
		return 0;
	}
}

void
conf_defaults(struct conf *c)
{
	const struct conf_setting	*s;
	char				 why[128];

	memset(c, 0, sizeof(*c));
	for (s = conf_settings; s->section != NULL; s++)
		if (s->dflt != NULL)
			(void)set(c, s, s->dflt, why, sizeof(why));
}

struct loadctx {
	struct conf	*c;
	FILE		*fp;
	int		 line;		/* of the last line read */
	char		 why[256];
	int		 have_id;
};

/*
 * Reads one line for inih and counts it.  Lines are shorter than inih's
 * buffer (long_line() saw to that), so each call is one line and the count
 * is the line of the key the handler gets next.
 */
static char *
reader(char *str, int num, void *arg)
{
	struct loadctx	*l = arg;
	char		*p;

	if ((p = fgets(str, num, l->fp)) != NULL)
		l->line++;
	return p;
}

int
conf_line(const struct conf *c, const char *section, const char *key)
{
	const struct conf_setting	*s;

	for (s = conf_settings; s->section != NULL; s++)
		if (strcmp(s->section, section) == 0 &&
		    strcmp(s->key, key) == 0)
			return c->line[s - conf_settings];
	return 0;
}

static int
handler(void *arg, const char *section, const char *key, const char *value)
{
	struct loadctx			*l = arg;
	const struct conf_setting	*s;

	for (s = conf_settings; s->section != NULL; s++) {
		if (strcmp(s->section, section) != 0 ||
		    strcmp(s->key, key) != 0)
			continue;
		/* Which of two would win is not obvious to a reader. */
		if (l->c->line[s - conf_settings] != 0) {
			snprintf(l->why, sizeof(l->why), "[%s] %s given again "
			    "(first on line %d)", section, key,
			    l->c->line[s - conf_settings]);
			return 0;
		}
		l->c->line[s - conf_settings] = l->line;
		if (set(l->c, s, value, l->why, sizeof(l->why)) != 0)
			return 0;
		if (s->type == CONF_NODE)
			l->have_id = 1;
		return 1;
	}
	snprintf(l->why, sizeof(l->why), "unknown setting [%s] %s", section,
	    key);
	return 0;
}

/* The number of the first line too long for inih, or 0; rewinds fp. */
static int
long_line(FILE *fp)
{
	char	*buf = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 line = 0, found = 0;

	while ((n = getline(&buf, &cap, fp)) != -1) {
		line++;
		if (n > 0 && buf[n - 1] == '\n')
			n--;
		if (n >= CONF_STR_MAX) {
			found = line;
			break;
		}
	}
	free(buf);
	rewind(fp);
	return found;
}

int
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct loadctx	l;
	FILE		*fp;
	int		 line;

	conf_defaults(c);
	memset(&l, 0, sizeof(l));
	l.c = c;
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* inih would cut a long line and read its tail as the next one. */
	if ((line = long_line(fp)) != 0) {
		fclose(fp);
		snprintf(err, errlen, "%s:%d: line longer than %d bytes", path,
		    line, CONF_STR_MAX - 1);
		return -1;
	}
	l.fp = fp;
	line = ini_parse_stream(reader, &l, handler, &l);
	fclose(fp);
	if (line != 0) {
		/* inih cuts long lines; any error at all is fatal. */
		snprintf(err, errlen, "%s:%d: %s", path, line,
		    l.why[0] != '\0' ? l.why : "syntax error or line too long");
		return -1;
	}
	if (!l.have_id) {
		snprintf(err, errlen, "%s: [node] id is required", path);
		return -1;
	}
	return 0;
}
