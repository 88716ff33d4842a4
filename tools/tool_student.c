/* minqing student: the needy students the branch sponsors. */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "tools/tool.h"

static int
student_add(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "university", required_argument, NULL, 'u' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "student.add", NULL, 0, "" };
	const char		*name = NULL, *uni = NULL, *since = NULL;
	char			 today[11];
	int			 ch;

	while ((ch = tool_getopt(t, "student", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'n')
			name = tool_text("--name", optarg);
		else if (ch == 'u')
			uni = tool_text("--university", optarg);
		else if (ch == 's')
			since = optarg;
	}
	if (optind + 1 != argc || name == NULL || uni == NULL)
		tool_usage("student", TOOL_EXIT_USAGE);
	if (since != NULL)
		(void)tool_date("--since", since);
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 0, e.id);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", e.id);
	cJSON_AddStringToObject(e.body, "name", name);
	cJSON_AddStringToObject(e.body, "university", uni);
	cJSON_AddStringToObject(e.body, "since", since != NULL ? since :
	    tool_today(t, today));
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

int
tool_student(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "id", "name", "university",
	    "since" };
	static const char *const heads[] = { "ID", "NAME", "UNIVERSITY",
	    "SINCE" };

	if (argc < 2)
		tool_usage("student", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return student_add(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "student", argc - 1, argv + 1, "", NULL);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_STUDENT, 4, fields, heads);
		return 0;
	}
	tool_usage("student", TOOL_EXIT_USAGE);
}
