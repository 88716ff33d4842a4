/*
 * minqing export: every record of one kind, as CSV (RFC 4180: CRLF, quoted
 * where needed, UTF-8 without BOM) or as JSON lines of the records' states.
 */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "tools/tool.h"

struct what {
	const char		*name;
	char			 kind;
};

static const struct what whats[] = {
	{ "households", STORE_K_HOUSEHOLD },
	{ "members", STORE_K_MEMBER },
	{ "visits", STORE_K_VISIT },
	{ "requests", STORE_K_REQUEST },
	{ "students", STORE_K_STUDENT },
	{ "donations", STORE_K_DONATION },
	{ "evaluations", STORE_K_EVAL },
	{ "peers", STORE_K_PEER },
	{ NULL, 0 }
};

struct exportctx {
	const struct what	*w;
	int			 csv;
	size_t			 rows;
};

static int
export_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct exportctx	*x = arg;
	cJSON			*j, *o;
	char			*s;

	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "record %s is unreadable", id);
	o = tool_record_object(x->w->kind, j);
	cJSON_Delete(j);
	if (x->csv) {
		if (x->rows++ == 0)
			tool_csv_row(o, 1);
		tool_csv_row(o, 0);
	} else {
		if ((s = cJSON_PrintUnformatted(o)) == NULL)
			tool_die(TOOL_EXIT_FAIL, "out of memory");
		puts(s);
		cJSON_free(s);
	}
	cJSON_Delete(o);
	return 0;
}

int
tool_export(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "what", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct exportctx	 x = { NULL, 1, 0 };
	cJSON			*empty, *o;
	struct store_txn	*txn;
	const char		*what = NULL, *format = "csv";
	enum store_status	 rc;
	int			 ch;

	while ((ch = tool_getopt(t, "export", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'w')
			what = optarg;
		else if (ch == 'f')
			format = optarg;
	}
	if (optind != argc || what == NULL)
		tool_usage("export", TOOL_EXIT_USAGE);
	for (x.w = whats; x.w->name != NULL; x.w++)
		if (strcmp(x.w->name, what) == 0)
			break;
	if (x.w->name == NULL)
		tool_die(TOOL_EXIT_USAGE, "--what: \"%s\" is not households, "
		    "members, visits, requests, students, donations, "
		    "evaluations or peers", what);
	if (strcmp(format, "jsonl") == 0)
		x.csv = 0;
	else if (strcmp(format, "csv") != 0)
		tool_die(TOOL_EXIT_USAGE, "--format: \"%s\" is not csv or "
		    "jsonl", format);
	tool_open(t, 0);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_record_foreach(txn, x.w->kind, export_cb, &x)) !=
	    STORE_OK)
		tool_die_store(t, rc, "export");
	store_txn_abort(txn);
	if (x.csv && x.rows == 0) {
		/* Nothing of that kind: the header still names the columns. */
		empty = cJSON_CreateObject();
		tool_csv_row((o = tool_record_object(x.w->kind, empty)), 1);
		cJSON_Delete(o);
		cJSON_Delete(empty);
	}
	return 0;
}
