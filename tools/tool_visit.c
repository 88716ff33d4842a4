/* minqing visit: face-to-face visits of households by teams. */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "tools/tool.h"

static int
visit_add(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "team", required_argument, NULL, 't' },
		{ "with", required_argument, NULL, 'w' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "date", required_argument, NULL, 'D' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "visit.add", NULL, 'V', "" };
	const char		*team = NULL, *with = NULL, *outcome = "met";
	const char		*date = NULL, *note = NULL;
	char			 hh[STORE_ID_MAX], today[11];
	int			 ch;

	while ((ch = tool_getopt(t, "visit", argc, argv, "t:w:o:D:n:",
	    longopts)) != -1) {
		switch (ch) {
		case 't':
			team = optarg;
			break;
		case 'w':
			with = optarg;
			break;
		case 'o':
			outcome = optarg;
			break;
		case 'D':
			date = optarg;
			break;
		case 'n':
			note = tool_text("--note", optarg);
			break;
		}
	}
	if (optind + 1 != argc || team == NULL)
		tool_usage("visit", TOOL_EXIT_USAGE);
	if (date != NULL)
		(void)tool_date("--date", date);
	if (strcmp(outcome, "met") != 0 && strcmp(outcome, "absent") != 0 &&
	    strcmp(outcome, "declined") != 0)
		tool_die(TOOL_EXIT_USAGE, "--outcome: \"%s\" is not met, absent "
		    "or declined", outcome);
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 0, hh);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", "");
	cJSON_AddStringToObject(e.body, "household", hh);
	cJSON_AddStringToObject(e.body, "date", date != NULL ? date :
	    tool_today(t, today));
	cJSON_AddItemToObject(e.body, "team", tool_list(t, team, 1));
	cJSON_AddItemToObject(e.body, "with", with != NULL ?
	    tool_list(t, with, 0) : cJSON_CreateArray());
	cJSON_AddStringToObject(e.body, "outcome", outcome);
	if (note != NULL)
		cJSON_AddStringToObject(e.body, "note", note);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

int
tool_visit(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "id", "household", "date",
	    "outcome", "team", "with" };
	static const char *const heads[] = { "ID", "HOUSEHOLD", "DATE",
	    "OUTCOME", "TEAM", "WITH" };

	if (argc < 2)
		tool_usage("visit", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return visit_add(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "visit", argc - 1, argv + 1, "", NULL);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_VISIT, 6, fields, heads);
		return 0;
	}
	tool_usage("visit", TOOL_EXIT_USAGE);
}
