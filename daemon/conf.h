/*
 * minqing.conf: one table of every setting (section, key, type, default,
 * bounds), read by the parser and by the tests.  Used by minqingd and by the
 * minqing tool, which reads [node] and [report].
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_FILE	"minqing.conf"
#define CONF_STR_MAX	200	/* inih cuts lines at 200 bytes */
#define CONF_SETTINGS_MAX 32	/* room in the table */

struct conf {
	char		node_id[33];
	char		upstream_url[CONF_STR_MAX];
	char		upstream_hub_key[CONF_STR_MAX];
	char		upstream_cacert[CONF_STR_MAX];
	char		upstream_pin[CONF_STR_MAX];
	char		listen_address[CONF_STR_MAX];
	char		listen_tls_cert[CONF_STR_MAX];
	char		listen_tls_key[CONF_STR_MAX];
	int		listen_plain_http;
	uint64_t	sync_interval_s;
	uint64_t	sync_max_backoff_s;
	uint64_t	sync_batch_entries;
	uint64_t	sync_batch_bytes;
	uint64_t	report_reply_days;
	/* The line each setting came from, in table order; 0: the default. */
	int		line[CONF_SETTINGS_MAX];
};

enum conf_type { CONF_STRING, CONF_BOOL, CONF_COUNT, CONF_SECONDS,
    CONF_BYTES, CONF_NODE };

struct conf_setting {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	const char	*dflt;		/* NULL: required */
	uint64_t	 min, max;
	size_t		 offset;
};
extern const struct conf_setting conf_settings[];

/* Fills c with every default. */
void	conf_defaults(struct conf *c);
/*
 * Reads the file at path into c.  On error returns -1 and puts one line in
 * err naming the file, the line and the problem.  A key given twice in a
 * section is an error.
 */
int	conf_load(const char *path, struct conf *c, char *err, size_t errlen);
/* The line that set [section] key, or 0 if the default holds. */
int	conf_line(const struct conf *, const char *section, const char *key);
/* Parses a value of the given type ("30s", "4M", "yes"); -1 if invalid. */
int	conf_parse_value(enum conf_type, const char *, uint64_t *);

#endif /* CONF_H */
