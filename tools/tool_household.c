/*
 * minqing household: the households of the branch's area, and which of them
 * have had a face-to-face visit in a period.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

static long
people_arg(const char *s)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || n < 0 || n > 1000)
		tool_die(TOOL_EXIT_USAGE, "--people: \"%s\" is not a number "
		    "from 0 to 1000", s);
	return n;
}

static int
household_write(struct tool *t, int argc, char **argv, const char *type)
{
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "group", required_argument, NULL, 'g' },
		{ "people", required_argument, NULL, 'p' },
		{ "tags", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { type, NULL, 0, "" };
	const char		*address = NULL, *group = NULL, *tags = NULL;
	const char		*reason = NULL;
	long			 people = -1;
	int			 ch, add = strcmp(type, "household.add") == 0;
	int			 rm = strcmp(type, "household.remove") == 0;

	while ((ch = tool_getopt(t, "household", argc, argv, "a:g:p:t:r:",
	    longopts)) != -1) {
		switch (ch) {
		case 'a':
			address = tool_text("--address", optarg);
			break;
		case 'g':
			group = optarg;
			break;
		case 'p':
			people = people_arg(optarg);
			break;
		case 't':
			tags = optarg;
			break;
		case 'r':
			reason = tool_text("--reason", optarg);
			break;
		}
	}
	if (optind + 1 != argc || (add && (address == NULL || group == NULL)) ||
	    (rm && (address || group || tags || people >= 0)) ||
	    (!rm && reason != NULL))
		tool_usage("household", TOOL_EXIT_USAGE);
	if (!add && !rm && address == NULL && group == NULL && tags == NULL &&
	    people < 0)
		tool_die(TOOL_EXIT_USAGE, "household update: nothing to change");
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 0, e.id);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", e.id);
	if (address != NULL)
		cJSON_AddStringToObject(e.body, "address", address);
	if (group != NULL)
		cJSON_AddStringToObject(e.body, "group", group);
	if (people >= 0)
		cJSON_AddNumberToObject(e.body, "people", (double)people);
	if (tags != NULL)
		cJSON_AddItemToObject(e.body, "tags", tool_list(t, tags, 0));
	if (reason != NULL)
		cJSON_AddStringToObject(e.body, "reason", reason);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

struct listctx {
	struct tool		*t;
	struct tool_table	*tb;
	cJSON			*arr;
};

static int
list_cb(const struct household *h, void *arg)
{
	struct listctx	*l = arg;
	cJSON		*o;
	char		 people[24], last[11];
	const char	*cells[7];

	if (h->last_visit >= 0)
		store_date_format(h->last_visit, last);
	else
		last[0] = '\0';
	if (l->arr != NULL) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", h->id);
		cJSON_AddStringToObject(o, "node", h->node);
		cJSON_AddStringToObject(o, "address", h->address);
		cJSON_AddStringToObject(o, "group", h->group);
		cJSON_AddNumberToObject(o, "people", (double)h->people);
		cJSON_AddItemToObject(o, "tags", tool_list(l->t, h->tags, 0));
		cJSON_AddBoolToObject(o, "visited", h->visited);
		if (h->last_visit >= 0)
			cJSON_AddStringToObject(o, "last_visit", last);
		else
			cJSON_AddNullToObject(o, "last_visit");
		cJSON_AddItemToArray(l->arr, o);
		return 0;
	}
	snprintf(people, sizeof(people), "%ld", h->people);
	cells[0] = h->id;
	cells[1] = h->group;
	cells[2] = h->address;
	cells[3] = people;
	cells[4] = h->tags;
	cells[5] = h->visited ? "yes" : "no";
	cells[6] = last;
	tool_table_add(l->tb, cells);
	return 0;
}

static int
household_list(struct tool *t, int argc, char **argv)
{
	/* The keys of list_cb()'s objects, for the header of an empty --csv. */
	static const char *const cols[] = { "id", "node", "address", "group",
	    "people", "tags", "visited", "last_visit" };
	static const struct option longopts[] = {
		{ "unvisited", no_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const heads[] = { "ID", "GROUP", "ADDRESS",
	    "PEOPLE", "TAGS", "VISITED", "LAST VISIT" };
	struct listctx		 l = { t, NULL, NULL };
	struct store_query	 q;
	struct store_txn	*txn;
	const char		*from = NULL, *to = NULL;
	enum store_status	 rc;
	int			 ch, unvisited = 0;

	while ((ch = tool_getopt(t, "household", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'u')
			unvisited = 1;
		else if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
	}
	if (optind != argc)
		tool_usage("household", TOOL_EXIT_USAGE);
	tool_open(t, 0);
	tool_query(t, from, to, &q);
	if (t->json) {
		l.arr = cJSON_CreateArray();
		tool_csv_head = cols;
		tool_csv_nhead = sizeof(cols) / sizeof(cols[0]);
	} else
		l.tb = tool_table_new(7, heads);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_list_households(txn, &q, unvisited, list_cb, &l)) !=
	    STORE_OK)
		tool_die_store(t, rc, "household list");
	store_txn_abort(txn);
	if (t->json)
		tool_print_json(l.arr);
	else {
		tool_table_print(l.tb, stdout);
		tool_table_free(l.tb);
	}
	return 0;
}

int
tool_household(struct tool *t, int argc, char **argv)
{
	if (argc < 2)
		tool_usage("household", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return household_write(t, argc - 1, argv + 1, "household.add");
	if (strcmp(argv[1], "update") == 0)
		return household_write(t, argc - 1, argv + 1,
		    "household.update");
	if (strcmp(argv[1], "remove") == 0)
		return household_write(t, argc - 1, argv + 1,
		    "household.remove");
	if (strcmp(argv[1], "import") == 0)
		return tool_import(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return household_list(t, argc - 1, argv + 1);
	tool_usage("household", TOOL_EXIT_USAGE);
}
