/* minqing member: the branch's Party members and their groups. */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "tools/tool.h"

static int
member_write(struct tool *t, int argc, char **argv, int add)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { add ? "member.add" : "member.update",
				    NULL, 0, "" };
	const char		*name = NULL, *group = NULL;
	int			 ch;

	while ((ch = tool_getopt(t, "member", argc, argv, "n:g:", longopts)) !=
	    -1) {
		if (ch == 'n')
			name = tool_text("--name", optarg);
		else if (ch == 'g')
			group = optarg;
	}
	if (optind + 1 != argc || (add && (name == NULL || group == NULL)) ||
	    (!add && name == NULL && group == NULL))
		tool_usage("member", TOOL_EXIT_USAGE);
	tool_open(t, 1);
	tool_qualify(t, argv[optind], 0, e.id);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", e.id);
	if (name != NULL)
		cJSON_AddStringToObject(e.body, "name", name);
	if (group != NULL)
		cJSON_AddStringToObject(e.body, "group", group);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

int
tool_member(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "id", "name", "group" };
	static const char *const heads[] = { "ID", "NAME", "GROUP" };

	if (argc < 2)
		tool_usage("member", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return member_write(t, argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "update") == 0)
		return member_write(t, argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "member", argc - 1, argv + 1, "", NULL);
		if (optind != argc - 1)
			tool_usage("member", TOOL_EXIT_USAGE);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_MEMBER, 3, fields, heads);
		return 0;
	}
	tool_usage("member", TOOL_EXIT_USAGE);
}
