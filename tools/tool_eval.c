/*
 * minqing eval: the yearly evaluations: residents rate teams, communities
 * rate branches, branches rate members (scores 0 to 100).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

static int
eval_add(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "kind", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "score", required_argument, NULL, 'S' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "evaluation.add", NULL, 'E', "" };
	const char		*year = NULL, *kind = NULL, *subject = NULL;
	const char		*score = NULL, *note = NULL;
	char			*end, member[STORE_ID_MAX];
	cJSON			*rec;
	long			 y;
	double			 sc;
	int			 ch;

	while ((ch = tool_getopt(t, "eval", argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'y': year = optarg; break;
		case 'k': kind = optarg; break;
		case 's': subject = optarg; break;
		case 'S': score = optarg; break;
		case 'n': note = tool_text("--note", optarg); break;
		}
	}
	if (optind != argc || year == NULL || kind == NULL ||
	    subject == NULL || score == NULL)
		tool_usage("eval", TOOL_EXIT_USAGE);
	errno = 0;
	y = strtol(year, &end, 10);
	if (errno != 0 || *end != '\0' || end == year || y < 2000 || y > 2100)
		tool_die(TOOL_EXIT_USAGE, "--year: \"%s\" is not a year from "
		    "2000 to 2100", year);
	if (strcmp(kind, "resident-team") != 0 &&
	    strcmp(kind, "community-branch") != 0 &&
	    strcmp(kind, "branch-member") != 0)
		tool_die(TOOL_EXIT_USAGE, "--kind: \"%s\" is not resident-team, "
		    "community-branch or branch-member", kind);
	errno = 0;
	sc = strtod(score, &end);
	if (errno != 0 || *end != '\0' || end == score || !isfinite(sc) ||
	    sc < 0 || sc > 100)
		tool_die(TOOL_EXIT_USAGE, "--score: \"%s\" is not a score from "
		    "0 to 100", score);
	tool_open(t, 1);
	/* A member's evaluation names the member, as everywhere else. */
	if (strcmp(kind, "branch-member") == 0) {
		tool_qualify(t, subject, 0, member);
		if ((rec = tool_record(t, STORE_K_MEMBER, member)) == NULL)
			tool_die(TOOL_EXIT_USAGE, "--subject: unknown member %s",
			    member);
		cJSON_Delete(rec);
		subject = member;
	}
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", "");
	cJSON_AddNumberToObject(e.body, "year", (double)y);
	cJSON_AddStringToObject(e.body, "kind", kind);
	cJSON_AddStringToObject(e.body, "subject", tool_text("--subject",
	    subject));
	cJSON_AddNumberToObject(e.body, "score", sc);
	if (note != NULL)
		cJSON_AddStringToObject(e.body, "note", note);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

int
tool_eval(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "id", "year", "kind", "subject",
	    "score", "note" };
	static const char *const heads[] = { "ID", "YEAR", "KIND", "SUBJECT",
	    "SCORE", "NOTE" };

	if (argc < 2)
		tool_usage("eval", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return eval_add(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "eval", argc - 1, argv + 1, "", NULL);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_EVAL, 6, fields, heads);
		return 0;
	}
	tool_usage("eval", TOOL_EXIT_USAGE);
}
