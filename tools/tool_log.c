/* minqing log: the raw entry lines of one log, or of every log, as NDJSON. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

static int
entry_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	(void)seq;
	(void)arg;
	fwrite(line, 1, len, stdout);
	putchar('\n');
	return 0;
}

struct upto {
	uint64_t	upto;
};

static int
upto_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct upto	*u = arg;

	if (seq > u->upto)
		return 1;
	return entry_cb(seq, line, len, NULL);
}

struct names {
	char	(*v)[STORE_LOG_MAX + 1];
	size_t	 n, cap;
};

static int
name_cb(const struct store_loginfo *li, void *arg)
{
	struct names	*ns = arg;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 16;
		if ((ns->v = reallocarray(ns->v, ns->cap, sizeof(*ns->v))) ==
		    NULL)
			tool_die(TOOL_EXIT_FAIL, "out of memory");
	}
	snprintf(ns->v[ns->n++], STORE_LOG_MAX + 1, "%s", li->name);
	return 0;
}

int
tool_log(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "batch", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_txn	*txn;
	struct names		 ns = { NULL, 0, 0 };
	struct upto		 b = { 0 };
	const char		*ck;
	size_t			 cklen;
	uint64_t		 upto;
	const char		*log = NULL;
	char			*end;
	unsigned long long	 after = 0;
	enum store_status	 rc;
	size_t			 i;
	int			 ch, batch = 0;

	while ((ch = tool_getopt(t, "log", argc, argv, "", longopts)) != -1) {
		if (ch == 'b')
			batch = 1;
		else if (ch == 'a') {
			errno = 0;
			after = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    optarg[0] == '-')
				tool_die(TOOL_EXIT_USAGE, "--after: \"%s\" is not "
				    "a seq", optarg);
		}
	}
	if (optind + 1 < argc)
		tool_usage("log", TOOL_EXIT_USAGE);
	if (optind < argc) {
		log = argv[optind];
		if (!store_valid_log(log))
			tool_die(TOOL_EXIT_USAGE, "\"%s\" is not a log name "
			    "(NODE/STREAM)", log);
	}
	if (batch && log == NULL)
		tool_die(TOOL_EXIT_USAGE, "--batch needs a LOG");
	tool_open(t, 0);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if (batch) {
		/* What a push would send: the newest checkpoint, then entries. */
		rc = store_checkpoint_last(txn, log, &upto, &ck, &cklen);
		if (rc == STORE_NOTFOUND)
			tool_die(TOOL_EXIT_USAGE, "no checkpoint for %s in this "
			    "store", log);
		if (rc != STORE_OK)
			tool_die_store(t, rc, "log");
		printf("%.*s\n", (int)cklen, ck);
		b.upto = upto;
		if (upto > after && (rc = store_log_foreach(txn, log, after,
		    upto_cb, &b)) != STORE_OK)
			tool_die_store(t, rc, "log");
	} else if (log != NULL) {
		rc = store_log_foreach(txn, log, after, entry_cb, NULL);
		if (rc == STORE_NOTFOUND)
			tool_die(TOOL_EXIT_USAGE, "no log %s in this store",
			    log);
	} else if ((rc = store_logs_foreach(txn, name_cb, &ns)) == STORE_OK) {
		for (i = 0; i < ns.n && rc == STORE_OK; i++)
			rc = store_log_foreach(txn, ns.v[i], after, entry_cb,
			    NULL);
	}
	if (rc != STORE_OK)
		tool_die_store(t, rc, "log");
	store_txn_abort(txn);
	free(ns.v);
	return 0;
}
