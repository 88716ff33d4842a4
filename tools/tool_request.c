/*
 * minqing request: residents' requests, their climb up the ladder, the
 * replies, and the lists of open and overdue ones.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

static const struct option req_opts[] = {
	{ "category", required_argument, NULL, 'c' },
	{ "summary", required_argument, NULL, 's' },
	{ "date", required_argument, NULL, 'D' },
	{ "visit", required_argument, NULL, 'v' },
	{ "to", required_argument, NULL, 't' },
	{ "note", required_argument, NULL, 'n' },
	{ "text", required_argument, NULL, 'x' },
	{ "from", required_argument, NULL, 'f' },
	{ "outcome", required_argument, NULL, 'o' },
	{ "satisfaction", required_argument, NULL, 'S' },
	{ NULL, 0, NULL, 0 }
};

struct reqargs {
	const char	*category, *summary, *date, *visit, *to, *note;
	const char	*text, *from, *outcome, *satisfaction;
};

static void
parse(struct tool *t, int argc, char **argv, struct reqargs *a)
{
	int	ch;

	memset(a, 0, sizeof(*a));
	while ((ch = tool_getopt(t, "request", argc, argv, "", req_opts)) !=
	    -1) {
		switch (ch) {
		case 'c': a->category = optarg; break;
		case 's': a->summary = tool_text("--summary", optarg); break;
		case 'D': a->date = optarg; break;
		case 'v': a->visit = optarg; break;
		case 't': a->to = optarg; break;
		case 'n': a->note = tool_text("--note", optarg); break;
		case 'x': a->text = tool_text("--text", optarg); break;
		case 'f': a->from = tool_text("--from", optarg); break;
		case 'o': a->outcome = optarg; break;
		case 'S': a->satisfaction = optarg; break;
		}
	}
	if (optind + 1 != argc)
		tool_usage("request", TOOL_EXIT_USAGE);
	if (a->date != NULL)
		(void)tool_date("--date", a->date);
}

/* Options that the form does not take are a usage error. */
static void
only(const struct reqargs *a, const char *allowed)
{
	if ((a->category && !strchr(allowed, 'c')) ||
	    (a->summary && !strchr(allowed, 's')) ||
	    (a->visit && !strchr(allowed, 'v')) ||
	    (a->to && !strchr(allowed, 't')) ||
	    (a->note && !strchr(allowed, 'n')) ||
	    (a->text && !strchr(allowed, 'x')) ||
	    (a->from && !strchr(allowed, 'f')) ||
	    (a->outcome && !strchr(allowed, 'o')) ||
	    (a->satisfaction && !strchr(allowed, 'S')))
		tool_usage("request", TOOL_EXIT_USAGE);
}

/* The visit a request came from must be a visit to its household. */
static void
visit_check(struct tool *t, const char *visit, const char *hh)
{
	cJSON		*st;
	const char	*of;

	if ((st = tool_record(t, STORE_K_VISIT, visit)) == NULL)
		tool_die(TOOL_EXIT_USAGE, "--visit: unknown visit %s", visit);
	of = cJSON_GetStringValue(cJSON_GetObjectItem(st, "household"));
	if (of == NULL || strcmp(of, hh) != 0)
		tool_die(TOOL_EXIT_USAGE, "--visit: %s was a visit to %s, not "
		    "to %s", visit, of != NULL ? of : "?", hh);
	cJSON_Delete(st);
}

static int
request_open(struct tool *t, int argc, char **argv)
{
	struct tool_entry	e = { "request.open", NULL, 'R', "" };
	struct reqargs		a;
	char			hh[STORE_ID_MAX], visit[STORE_ID_MAX];
	char			today[11];

	parse(t, argc, argv, &a);
	only(&a, "csv");
	if (a.category == NULL || a.summary == NULL)
		tool_usage("request", TOOL_EXIT_USAGE);
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 0, hh);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", "");
	cJSON_AddStringToObject(e.body, "household", hh);
	cJSON_AddStringToObject(e.body, "category", a.category);
	cJSON_AddStringToObject(e.body, "summary", a.summary);
	/* The clock runs from the day the resident asked. */
	cJSON_AddStringToObject(e.body, "raised", a.date != NULL ? a.date :
	    tool_today(t, today));
	if (a.visit != NULL) {
		tool_qualify(t, a.visit, 1, visit);
		visit_check(t, visit, hh);
		cJSON_AddStringToObject(e.body, "visit", visit);
	}
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

static int
request_change(struct tool *t, int argc, char **argv, const char *verb)
{
	struct tool_entry	 e = { NULL, NULL, 0, "" };
	struct reqargs		 a;
	cJSON			*st;
	char			 log[STORE_LOG_MAX + 1];
	const char		*owner, *raised;
	char			 today[11], *end;
	long			 sat;

	parse(t, argc, argv, &a);
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 1, e.id);
	if ((st = tool_record(t, STORE_K_REQUEST, e.id)) == NULL)
		tool_die(TOOL_EXIT_USAGE, "unknown request %s", e.id);
	/* An answer cannot come before the question. */
	raised = cJSON_GetStringValue(cJSON_GetObjectItem(st, "raised"));
	if (a.date != NULL && raised != NULL &&
	    store_date_parse(a.date) < store_date_parse(raised))
		tool_die(TOOL_EXIT_USAGE, "--date: %s is before request %s was "
		    "raised (%s)", a.date, e.id, raised);
	/*
	 * A request raised by another node: the answer goes to the stream
	 * addressed to that node, which pulls it down to the resident.
	 */
	owner = cJSON_GetStringValue(cJSON_GetObjectItem(st, "node"));
	if (owner != NULL && strcmp(owner, t->node) != 0 &&
	    store_valid_node(owner))
		snprintf(log, sizeof(log), "%s/to-%s", t->node, owner);
	else
		snprintf(log, sizeof(log), "%s", t->mainlog);
	cJSON_Delete(st);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", e.id);
	if (strcmp(verb, "escalate") == 0) {
		only(&a, "tn");
		if (a.to == NULL)
			tool_usage("request", TOOL_EXIT_USAGE);
		if (store_ladder_parse(a.to) < 0)
			tool_die(TOOL_EXIT_USAGE, "--to: \"%s\" is not a level "
			    "(spot, group, community, street, district, "
			    "deputy)", a.to);
		e.type = "request.escalate";
		cJSON_AddStringToObject(e.body, "to", a.to);
	} else if (strcmp(verb, "reply") == 0) {
		only(&a, "xf");
		if (a.text == NULL)
			tool_usage("request", TOOL_EXIT_USAGE);
		e.type = "request.reply";
		cJSON_AddStringToObject(e.body, "text", a.text);
		cJSON_AddStringToObject(e.body, "from", a.from != NULL ?
		    a.from : t->node);
	} else if (strcmp(verb, "close") == 0) {
		only(&a, "oSn");
		if (a.outcome == NULL)
			tool_usage("request", TOOL_EXIT_USAGE);
		if (strcmp(a.outcome, "resolved") != 0 &&
		    strcmp(a.outcome, "explained") != 0 &&
		    strcmp(a.outcome, "withdrawn") != 0)
			tool_die(TOOL_EXIT_USAGE, "--outcome: \"%s\" is not "
			    "resolved, explained or withdrawn", a.outcome);
		e.type = "request.close";
		cJSON_AddStringToObject(e.body, "outcome", a.outcome);
		if (a.satisfaction != NULL) {
			errno = 0;
			sat = strtol(a.satisfaction, &end, 10);
			if (errno != 0 || *end != '\0' || sat < 1 || sat > 5 ||
			    end == a.satisfaction)
				tool_die(TOOL_EXIT_USAGE, "--satisfaction: "
				    "\"%s\" is not 1 to 5", a.satisfaction);
			cJSON_AddNumberToObject(e.body, "satisfaction",
			    (double)sat);
		}
	} else {
		only(&a, "n");
		e.type = "request.reopen";
	}
	if (a.note != NULL)
		cJSON_AddStringToObject(e.body, "note", a.note);
	cJSON_AddStringToObject(e.body, "date", a.date != NULL ? a.date :
	    tool_today(t, today));
	tool_write_to(t, log, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

static cJSON *
request_json(const struct request *r)
{
	cJSON	*o;
	char	 d[11];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "node", r->node);
	cJSON_AddStringToObject(o, "household", r->household);
	cJSON_AddStringToObject(o, "category", r->category);
	cJSON_AddStringToObject(o, "summary", r->summary);
	cJSON_AddStringToObject(o, "level", store_ladder_name(r->level));
	cJSON_AddStringToObject(o, "top", store_ladder_name(r->top));
	cJSON_AddStringToObject(o, "status",
	    store_request_status_name(r->status));
	store_date_format(r->raised, d);
	cJSON_AddStringToObject(o, "raised", d);
	if (r->answered >= 0) {
		store_date_format(r->answered, d);
		cJSON_AddStringToObject(o, "answered_at", d);
	} else
		cJSON_AddNullToObject(o, "answered_at");
	if (r->closed >= 0) {
		store_date_format(r->closed, d);
		cJSON_AddStringToObject(o, "closed_at", d);
	} else
		cJSON_AddNullToObject(o, "closed_at");
	if (r->outcome[0] != '\0')
		cJSON_AddStringToObject(o, "outcome", r->outcome);
	else
		cJSON_AddNullToObject(o, "outcome");
	if (r->satisfaction > 0)
		cJSON_AddNumberToObject(o, "satisfaction", r->satisfaction);
	else
		cJSON_AddNullToObject(o, "satisfaction");
	cJSON_AddNumberToObject(o, "replies", (double)r->replies);
	cJSON_AddBoolToObject(o, "overdue", r->overdue);
	return o;
}

struct listctx {
	struct tool_table	*tb;
	cJSON			*arr;
	long			 today;
};

static int
list_cb(const struct request *r, void *arg)
{
	struct listctx	*l = arg;
	const char	*cells[8];
	char		 raised[11], answered[11];

	if (l->arr != NULL) {
		cJSON_AddItemToArray(l->arr, request_json(r));
		return 0;
	}
	store_date_format(r->raised, raised);
	answered[0] = '\0';
	if (r->answered >= 0)
		store_date_format(r->answered, answered);
	cells[0] = r->id;
	cells[1] = r->household;
	cells[2] = r->category;
	cells[3] = store_ladder_name(r->level);
	cells[4] = r->overdue ? "overdue" : store_request_status_name(r->status);
	cells[5] = raised;
	cells[6] = answered;
	cells[7] = r->summary;
	tool_table_add(l->tb, cells);
	return 0;
}

static int
request_list(struct tool *t, int argc, char **argv)
{
	/* The keys of request_json(), for the header of an empty --csv. */
	static const char *const cols[] = { "id", "node", "household",
	    "category", "summary", "level", "top", "status", "raised",
	    "answered_at", "closed_at", "outcome", "satisfaction", "replies",
	    "overdue" };
	static const struct option longopts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "overdue", no_argument, NULL, 'O' },
		{ "level", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const heads[] = { "ID", "HOUSEHOLD", "CATEGORY",
	    "LEVEL", "STATUS", "RAISED", "ANSWERED", "SUMMARY" };
	struct store_request_filter	 f = { 0, LADDER_SPOT };
	struct listctx			 l = { NULL, NULL, 0 };
	struct store_query		 q;
	struct store_txn		*txn;
	enum store_status		 rc;
	int				 ch, lvl;

	while ((ch = tool_getopt(t, "request", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'o')
			f.flags |= STORE_REQ_OPEN;
		else if (ch == 'O')
			f.flags |= STORE_REQ_OVERDUE;
		else if (ch == 'l') {
			if ((lvl = store_ladder_parse(optarg)) < 0)
				tool_die(TOOL_EXIT_USAGE, "--level: \"%s\" is "
				    "not a level (spot, group, community, "
				    "street, district, deputy)", optarg);
			f.flags |= STORE_REQ_LEVEL;
			f.level = lvl;
		}
	}
	if (optind != argc)
		tool_usage("request", TOOL_EXIT_USAGE);
	tool_open(t, 0);
	tool_query(t, NULL, NULL, &q);
	l.today = t->today;
	if (t->json) {
		l.arr = cJSON_CreateArray();
		tool_csv_head = cols;
		tool_csv_nhead = sizeof(cols) / sizeof(cols[0]);
	} else
		l.tb = tool_table_new(8, heads);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_list_requests(txn, &q, &f, list_cb, &l)) != STORE_OK)
		tool_die_store(t, rc, "request list");
	store_txn_abort(txn);
	if (t->json)
		tool_print_json(l.arr);
	else {
		tool_table_print(l.tb, stdout);
		tool_table_free(l.tb);
	}
	return 0;
}

struct showctx {
	cJSON	*req;
	cJSON	*history;
};

static int
show_cb(const struct request *r, void *arg)
{
	struct showctx	*s = arg;

	s->req = request_json(r);
	return 0;
}

static int
history_cb(const char *log, uint64_t seq, const char *line, size_t len,
    void *arg)
{
	struct showctx	*s = arg;
	cJSON		*e;

	(void)log;
	(void)seq;
	if ((e = cJSON_ParseWithLength(line, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "%s seq %llu: unreadable entry", log,
		    (unsigned long long)seq);
	cJSON_AddItemToArray(s->history, e);
	return 0;
}

static void
show_text(const struct showctx *s)
{
	static const char *const keys[] = { "id", "household", "category",
	    "summary", "status", "level", "raised", "answered_at",
	    "closed_at", "outcome", "satisfaction", "overdue" };
	/* What a change says: its level, who answered, its outcome. */
	static const struct { const char *key, *word; } tags[] = {
		{ "to", "to " }, { "from", "from " }, { "outcome", "" } };
	/* Then its text: the first of these it has. */
	static const char *const texts[] = { "text", "summary", "note" };
	const cJSON	*e, *body;
	const char	*by;
	char		 buf[4096];
	size_t		 i, w;
	int		 tagged;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		printf("%-13s %s\n", keys[i], tool_field_text(s->req, keys[i],
		    buf, sizeof(buf)));
	printf("history:\n");
	cJSON_ArrayForEach(e, s->history) {
		body = cJSON_GetObjectItemCaseSensitive(e, "body");
		/* The day it happened, where the clerk gave one. */
		if (cJSON_HasObjectItem(body, "date"))
			tool_field_text(body, "date", buf, sizeof(buf));
		else if (cJSON_HasObjectItem(body, "raised"))
			tool_field_text(body, "raised", buf, sizeof(buf));
		else
			tool_field_text(e, "at", buf, sizeof(buf));
		by = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
		    "by"));
		if (by == NULL)
			by = "";
		printf("  %.10s  %-16s %s", buf, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(e, "type")), by);
		/* Pad by display width: a name in Chinese takes two a char. */
		for (w = tool_text_width(by); w < 12; w++)
			putchar(' ');
		tagged = 0;
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
			if (!cJSON_HasObjectItem(body, tags[i].key))
				continue;
			printf(" %s%s", tags[i].word, tool_field_text(body,
			    tags[i].key, buf, sizeof(buf)));
			tagged = 1;
		}
		for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			if (!cJSON_HasObjectItem(body, texts[i]))
				continue;
			printf("%s%s", tagged ? ": " : " ", tool_field_text(body,
			    texts[i], buf, sizeof(buf)));
			break;
		}
		printf("\n");
	}
}

static int
request_show(struct tool *t, int argc, char **argv)
{
	struct showctx		 s = { NULL, NULL };
	struct store_query	 q;
	struct store_txn	*txn;
	char			 id[STORE_ID_MAX];
	enum store_status	 rc;

	(void)tool_getopt(t, "request", argc, argv, "", NULL);
	if (optind + 1 != argc)
		tool_usage("request", TOOL_EXIT_USAGE);
	tool_open(t, 0);
	tool_qualify(t, argv[optind], 1, id);
	tool_query(t, NULL, NULL, &q);
	s.history = cJSON_CreateArray();
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	rc = store_get_request(txn, &q, id, show_cb, &s);
	if (rc == STORE_NOTFOUND)
		tool_die(TOOL_EXIT_USAGE, "unknown request %s", id);
	if (rc != STORE_OK || (rc = store_record_history(txn, STORE_K_REQUEST,
	    id, history_cb, &s)) != STORE_OK)
		tool_die_store(t, rc, "request show");
	store_txn_abort(txn);
	if (t->json) {
		cJSON_AddItemToObject(s.req, "history", s.history);
		tool_print_json(s.req);
	} else {
		show_text(&s);
		cJSON_Delete(s.req);
		cJSON_Delete(s.history);
	}
	return 0;
}

int
tool_request(struct tool *t, int argc, char **argv)
{
	if (argc < 2)
		tool_usage("request", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "open") == 0)
		return request_open(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "escalate") == 0 || strcmp(argv[1], "reply") == 0 ||
	    strcmp(argv[1], "close") == 0 || strcmp(argv[1], "reopen") == 0)
		return request_change(t, argc - 1, argv + 1, argv[1]);
	if (strcmp(argv[1], "list") == 0)
		return request_list(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return request_show(t, argc - 1, argv + 1);
	tool_usage("request", TOOL_EXIT_USAGE);
}
