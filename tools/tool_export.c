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
	const char *const	*cols;
};

static const char *const c_households[] = { "id", "node", "address",
    "group", "people", "tags", "removed", NULL };
static const char *const c_members[] = { "id", "node", "name", "group",
    NULL };
static const char *const c_visits[] = { "id", "node", "household", "date",
    "team", "with", "outcome", "note", NULL };
static const char *const c_requests[] = { "id", "node", "household",
    "category", "summary", "raised", "visit", "level", "top", "status",
    "answered", "closed", "outcome", "satisfaction", "replies", NULL };
static const char *const c_students[] = { "id", "node", "name",
    "university", "since", NULL };
static const char *const c_donations[] = { "id", "node", "student",
    "amount", "date", "from", NULL };
static const char *const c_evals[] = { "id", "node", "year", "kind",
    "subject", "score", "note", NULL };
static const char *const c_peers[] = { "node", "key", "role", "revoked",
    NULL };

static const struct what whats[] = {
	{ "households", STORE_K_HOUSEHOLD, c_households },
	{ "members", STORE_K_MEMBER, c_members },
	{ "visits", STORE_K_VISIT, c_visits },
	{ "requests", STORE_K_REQUEST, c_requests },
	{ "students", STORE_K_STUDENT, c_students },
	{ "donations", STORE_K_DONATION, c_donations },
	{ "evaluations", STORE_K_EVAL, c_evals },
	{ "peers", STORE_K_PEER, c_peers },
	{ NULL, 0, NULL }
};

struct exportctx {
	const struct what	*w;
	int			 csv;
};

static int
export_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct exportctx	*x = arg;
	cJSON			*j;
	char			 buf[8192];
	size_t			 i;

	if (!x->csv) {
		printf("%.*s\n", (int)len, json);
		return 0;
	}
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "record %s is unreadable", id);
	for (i = 0; x->w->cols[i] != NULL; i++)
		tool_csv_field(stdout, tool_field_text(j, x->w->cols[i], buf,
		    sizeof(buf)), x->w->cols[i + 1] == NULL);
	cJSON_Delete(j);
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
	struct exportctx	 x = { NULL, 1 };
	struct store_txn	*txn;
	const char		*what = NULL, *format = "csv";
	enum store_status	 rc;
	size_t			 i;
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
	if (x.csv)
		for (i = 0; x.w->cols[i] != NULL; i++)
			tool_csv_field(stdout, x.w->cols[i],
			    x.w->cols[i + 1] == NULL);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_record_foreach(txn, x.w->kind, export_cb, &x)) !=
	    STORE_OK)
		tool_die_store(t, rc, "export");
	store_txn_abort(txn);
	return 0;
}
