/*
 * Helpers every command shares: opening the store, turning arguments into
 * checked values and global ids, and appending signed entries.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/tool.h"

void
tool_die(int code, const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fputs("minqing: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void
tool_die_store(struct tool *t, enum store_status rc, const char *what)
{
	const char	*detail = store_errmsg(t->st);

	if (*detail == '\0')
		detail = store_strerror(rc);
	tool_die(rc == STORE_INVALID ? TOOL_EXIT_USAGE : TOOL_EXIT_FAIL,
	    "%s: %s", what, detail);
}

void *
tool_xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	return p;
}

char *
tool_xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	return p;
}

static long
local_today(void)
{
	const char	*s;
	struct tm	 tm;
	time_t		 now;
	char		 buf[16];
	long		 d;

	/* MINQING_TODAY fixes the day for reruns of a past report, and tests. */
	if ((s = getenv("MINQING_TODAY")) != NULL && *s != '\0') {
		if ((d = store_date_parse(s)) < 0)
			tool_die(TOOL_EXIT_USAGE, "MINQING_TODAY: invalid date "
			    "%s (YYYY-MM-DD)", s);
		return d;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return store_date_parse(buf);
}

void
tool_share(const char *dir)
{
	mode_t	mask;

	/* LMDB asks for 0660; a umask of 022 would shut the group out. */
	if (store_shared(dir, NULL)) {
		mask = umask(0);
		umask(mask & ~S_IRWXG);
	}
}

int
tool_conf_mode(const char *dir)
{
	return store_shared(dir, NULL) ? 0660 : 0640;
}

void
tool_open(struct tool *t, int write)
{
	char			 path[4096], err[512];
	enum store_status	 rc;
	enum sync_status	 src;

	t->today = local_today();
	tool_share(t->dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", t->dir, CONF_FILE) >=
	    sizeof(path))
		tool_die(TOOL_EXIT_USAGE, "%s: folder name too long", t->dir);
	if ((rc = store_open(t->dir, 0, &t->st)) != STORE_OK) {
		if (rc == STORE_NOTSTORE)
			tool_die(TOOL_EXIT_FAIL, "%s (run minqing init)",
			    store_errmsg(t->st));
		tool_die_store(t, rc, "open store");
	}
	if (conf_load(path, &t->conf, err, sizeof(err)) != 0)
		tool_die(TOOL_EXIT_FAIL, "%s", err);
	snprintf(t->node, sizeof(t->node), "%s", t->conf.node_id);
	snprintf(t->mainlog, sizeof(t->mainlog), "%s/main", t->node);
	if (write) {
		tool_key_recover(t);
		if ((src = sync_key_load(t->dir, &t->key, err, sizeof(err))) !=
		    SYNC_OK)
			tool_die(TOOL_EXIT_FAIL, "%s", err);
	}
}

void
tool_close(struct tool *t)
{
	sync_key_free(t->key);
	t->key = NULL;
	store_close(t->st);
	t->st = NULL;
}

void
tool_qualify(const struct tool *t, const char *arg, int generated, char *out)
{
	size_t	i, n = strlen(arg);
	int	local = 0;

	if (n == 0 || n >= STORE_ID_MAX - STORE_NODE_MAX - 2)
		tool_die(TOOL_EXIT_USAGE, "invalid id \"%s\"", arg);
	if (store_text_problem(arg) != NULL)
		tool_die(TOOL_EXIT_USAGE, "id has %s", store_text_problem(arg));
	if (generated) {
		/* R17 is this node's; zb-bs-0301-R17 is anyone's. */
		local = arg[0] >= 'A' && arg[0] <= 'Z' && n > 1;
		for (i = 1; local && i < n; i++)
			local = arg[i] >= '0' && arg[i] <= '9';
		snprintf(out, STORE_ID_MAX, local ? "%s-%s" : "%s%s",
		    local ? t->node : "", arg);
	} else if (strchr(arg, ':') != NULL)
		snprintf(out, STORE_ID_MAX, "%s", arg);
	else
		snprintf(out, STORE_ID_MAX, "%s:%s", t->node, arg);
}

long
tool_date(const char *what, const char *s)
{
	long	d;

	if ((d = store_date_parse(s)) < 0)
		tool_die(TOOL_EXIT_USAGE, "%s: invalid date \"%s\" (YYYY-MM-DD)",
		    what, s);
	return d;
}

/*
 * The record of kind and id as the fold keeps it, parsed (the caller
 * deletes it); NULL when there is none.  Other failures end the command.
 */
cJSON *
tool_record(struct tool *t, char kind, const char *id)
{
	struct store_txn	*txn;
	cJSON			*j = NULL;
	const char		*json;
	size_t			 len;
	enum store_status	 rc;

	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	rc = store_get_record(txn, kind, id, &json, &len);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		tool_die_store(t, rc, "read");
	if (rc == STORE_OK && (j = cJSON_ParseWithLength(json, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "record %s is unreadable", id);
	store_txn_abort(txn);
	return j;
}

const char *
tool_text(const char *what, const char *s)
{
	const char	*why;

	if ((why = store_text_problem(s)) != NULL)
		tool_die(TOOL_EXIT_USAGE, "%s: has %s", what, why);
	if (strlen(s) > 4000)
		tool_die(TOOL_EXIT_USAGE, "%s: longer than 4000 bytes", what);
	return s;
}

cJSON *
tool_list(const struct tool *t, const char *s, int qualify)
{
	cJSON	*arr;
	char	*copy, *p, *item;
	char	 id[STORE_ID_MAX];

	if ((arr = cJSON_CreateArray()) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	copy = tool_xstrdup(s);
	for (p = copy; p != NULL; ) {
		item = p;
		if ((p = strchr(p, ',')) != NULL)
			*p++ = '\0';
		if (*item == '\0')
			continue;
		if (qualify) {
			tool_qualify(t, item, 0, id);
			item = id;
		} else
			tool_text("list item", item);
		cJSON_AddItemToArray(arr, cJSON_CreateString(item));
	}
	free(copy);
	return arr;
}

enum store_status
tool_checkpoint(struct tool *t, struct store_txn *txn)
{
	return tool_checkpoint_log(t, txn, t->mainlog);
}

enum store_status
tool_checkpoint_log(struct tool *t, struct store_txn *txn, const char *log)
{
	struct store_loginfo	 li;
	struct store_buf	 line = STORE_BUF_INIT;
	enum store_status	 rc;

	if ((rc = store_log_info(txn, log, &li)) != STORE_OK)
		return rc;
	if (sync_checkpoint_make(t->key, log, li.seq, li.head, &line) !=
	    SYNC_OK)
		return STORE_NOMEM;
	rc = store_put_checkpoint(txn, log, li.seq, line.data, line.len);
	store_buf_free(&line);
	return rc;
}

struct writectx {
	struct tool		*t;
	const char		*log;
	struct tool_entry	*e;
	size_t			 n;
};

static enum store_status
write_cb(struct store_txn *txn, void *arg)
{
	struct writectx		*w = arg;
	struct tool_entry	*e;
	char			*body;
	size_t			 i;
	enum store_status	 rc;

	for (i = 0; i < w->n; i++) {
		e = &w->e[i];
		if (e->gen != 0) {
			if ((rc = store_next_id(txn, w->t->node, e->gen,
			    e->id)) != STORE_OK)
				return rc;
			cJSON_ReplaceItemInObjectCaseSensitive(e->body, "id",
			    cJSON_CreateString(e->id));
		}
		if ((body = cJSON_PrintUnformatted(e->body)) == NULL)
			return STORE_NOMEM;
		rc = store_append(txn, w->log, e->type, w->t->by, body, NULL);
		cJSON_free(body);
		if (rc != STORE_OK)
			return rc;
	}
	return tool_checkpoint_log(w->t, txn, w->log);
}

void
tool_write(struct tool *t, struct tool_entry *e, size_t n)
{
	tool_write_to(t, t->mainlog, e, n);
}

void
tool_write_to(struct tool *t, const char *log, struct tool_entry *e,
    size_t n)
{
	struct writectx		w = { t, log, e, n };
	enum store_status	rc;

	if ((rc = store_write(t->st, write_cb, &w)) != STORE_OK)
		tool_die_store(t, rc, e[0].type);
}

int
tool_getopt(struct tool *t, const char *cmd, int argc, char **argv,
    const char *shortopts, const struct option *longopts)
{
	static struct option	 all[40];
	static char		**last;
	static char		 so[64];
	size_t			 i = 0;
	int			 c;

	if (last != argv) {
		/* The command's options, then --json and --help. */
		for (i = 0; longopts != NULL && longopts[i].name != NULL &&
		    i < 36; i++)
			all[i] = longopts[i];
		all[i++] = (struct option){ "json", no_argument, NULL, 'J' };
		all[i++] = (struct option){ "csv", no_argument, NULL, 'K' };
		all[i++] = (struct option){ "help", no_argument, NULL, 'h' };
		all[i] = (struct option){ NULL, 0, NULL, 0 };
		snprintf(so, sizeof(so), ":%sh", shortopts);
		last = argv;
		optind = 0;	/* glibc: start afresh */
	}
	for (;;) {
		opterr = 0;
		c = getopt_long(argc, argv, so, all, NULL);
		if (c == 'J') {
			t->json = 1;
			continue;
		}
		if (c == 'K') {
			t->json = tool_csv_mode = 1;
			continue;
		}
		if (c == 'h')
			tool_usage(cmd, TOOL_EXIT_OK);
		if (c == ':')
			tool_die(TOOL_EXIT_USAGE, "%s: %s needs a value (see "
			    "minqing %s --help)", cmd, argv[optind - 1], cmd);
		if (c == '?') {
			if (optopt != 0 && argv[optind - 1][1] != '-')
				tool_die(TOOL_EXIT_USAGE, "%s: unknown option -%c "
				    "(see minqing %s --help)", cmd, optopt, cmd);
			tool_die(TOOL_EXIT_USAGE, "%s: unknown option %s (see "
			    "minqing %s --help)", cmd, argv[optind - 1], cmd);
		}
		return c;
	}
}

void
tool_query(struct tool *t, const char *from, const char *to,
    struct store_query *q)
{
	char	year[11];

	memset(q, 0, sizeof(*q));
	q->today = t->today;
	q->reply_days = (long)t->conf.report_reply_days;
	q->to = to != NULL ? tool_date("--to", to) : t->today;
	/* The default period is the calendar year up to --to. */
	store_date_format(q->to, year);
	memcpy(year + 4, "-01-01", 7);
	q->from = from != NULL ? tool_date("--from", from) :
	    store_date_parse(year);
	if (q->from > q->to)
		tool_die(TOOL_EXIT_USAGE, "--from is after --to");
}

const char *
tool_today(struct tool *t, char buf[11])
{
	store_date_format(t->today, buf);
	return buf;
}

void
tool_sync_node(struct tool *t, struct sync_node *me)
{
	memset(me, 0, sizeof(*me));
	me->st = t->st;
	me->key = t->key;
	snprintf(me->node, sizeof(me->node), "%s", t->node);
	if (sync_node_hub_keys(me, t->conf.upstream_hub_key) != 0)
		tool_die(TOOL_EXIT_FAIL, "[upstream] hub_key: not base64 "
		    "public keys");
}
