/* minqing id: this node's id and public key. */
#include "config.h"

#include <getopt.h>

#include "tools/tool.h"

int
tool_id(struct tool *t, int argc, char **argv)
{
	char	 pub[SYNC_PK_B64];
	cJSON	*o;

	(void)tool_getopt(t, "id", argc, argv, "", NULL);
	if (optind != argc)
		tool_usage("id", TOOL_EXIT_USAGE);
	tool_open(t, 1);
	sync_key_public(t->key, pub);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "node", t->node);
		cJSON_AddStringToObject(o, "key", pub);
		tool_print_json(o);
	} else
		printf("%s %s\n", t->node, pub);
	return 0;
}
