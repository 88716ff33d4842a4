/*
 * minqing peer: enrols and revokes the nodes whose logs this node accepts,
 * as peer.enroll and peer.revoke entries in its own log.
 */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "tools/tool.h"

static int
peer_add(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "peer.enroll", NULL, 0, "" };
	const char		*key = NULL, *role = "branch";
	int			 ch;

	while ((ch = tool_getopt(t, "peer", argc, argv, "k:r:", longopts)) !=
	    -1) {
		if (ch == 'k')
			key = optarg;
		else if (ch == 'r')
			role = optarg;
	}
	if (optind + 1 != argc || key == NULL)
		tool_usage("peer", TOOL_EXIT_USAGE);
	if (!store_valid_node(argv[optind]))
		tool_die(TOOL_EXIT_USAGE, "\"%s\" is not a node id",
		    argv[optind]);
	tool_open(t, 1);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "node", argv[optind]);
	cJSON_AddStringToObject(e.body, "key", key);
	cJSON_AddStringToObject(e.body, "role", role);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, argv[optind]);
	return 0;
}

static int
peer_revoke(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "peer.revoke", NULL, 0, "" };
	const char		*reason = NULL;
	const char		*json;
	size_t			 len;
	struct store_txn	*txn;
	struct store_loginfo	 li;
	char			 log[STORE_LOG_MAX + 1];
	uint64_t		 cut;
	enum store_status	 rc;
	int			 ch;

	while ((ch = tool_getopt(t, "peer", argc, argv, "r:", longopts)) != -1)
		if (ch == 'r')
			reason = tool_text("--reason", optarg);
	if (optind + 1 != argc)
		tool_usage("peer", TOOL_EXIT_USAGE);
	if (!store_valid_node(argv[optind]))
		tool_die(TOOL_EXIT_USAGE, "\"%s\" is not a node id",
		    argv[optind]);
	tool_open(t, 1);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	rc = store_get_record(txn, STORE_K_PEER, argv[optind], &json, &len);
	if (rc == STORE_NOTFOUND)
		tool_die(TOOL_EXIT_USAGE, "unknown peer %s", argv[optind]);
	/* What the node signed up to now stays good; nothing after. */
	snprintf(log, sizeof(log), "%s/main", argv[optind]);
	cut = store_log_info(txn, log, &li) == STORE_OK ? li.seq : 0;
	store_txn_abort(txn);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "node", argv[optind]);
	cJSON_AddNumberToObject(e.body, "seq", (double)cut);
	if (reason != NULL)
		cJSON_AddStringToObject(e.body, "reason", reason);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, argv[optind]);
	return 0;
}

int
tool_peer(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "node", "role", "revoked",
	    "certifier", "key" };
	static const char *const heads[] = { "NODE", "ROLE", "REVOKED",
	    "ENROLLED BY", "KEY" };

	if (argc < 2)
		tool_usage("peer", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return peer_add(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return peer_revoke(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "peer", argc - 1, argv + 1, "", NULL);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_PEER, 5, fields, heads);
		return 0;
	}
	tool_usage("peer", TOOL_EXIT_USAGE);
}
