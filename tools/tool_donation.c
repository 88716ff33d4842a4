/*
 * minqing donation: members' donations to a sponsored student, in fen
 * (integers only: 1 yuan is 100 fen).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

/* A positive whole number of fen below 2^53, or exit 2. */
static double
amount_arg(const char *s)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	if (*s < '0' || *s > '9' || (v = strtoull(s, &end, 10)) == 0 ||
	    *end != '\0' || errno != 0)
		tool_die(TOOL_EXIT_USAGE, "--amount: \"%s\" is not a positive "
		    "whole number of fen", s);
	if (v > 9007199254740991ULL)
		tool_die(TOOL_EXIT_USAGE, "--amount: %s fen is too large", s);
	return (double)v;
}

static int
donation_add(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "student", required_argument, NULL, 's' },
		{ "amount", required_argument, NULL, 'a' },
		{ "date", required_argument, NULL, 'D' },
		{ "from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool_entry	 e = { "donation.add", NULL, 'D', "" };
	const char		*student = NULL, *amount = NULL, *date = NULL;
	const char		*from = NULL;
	char			 sid[STORE_ID_MAX], today[11];
	double			 fen;
	int			 ch;

	while ((ch = tool_getopt(t, "donation", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 's')
			student = optarg;
		else if (ch == 'a')
			amount = optarg;
		else if (ch == 'D')
			date = optarg;
		else if (ch == 'f')
			from = tool_text("--from", optarg);
	}
	if (optind != argc || student == NULL || amount == NULL ||
	    from == NULL)
		tool_usage("donation", TOOL_EXIT_USAGE);
	fen = amount_arg(amount);
	if (date != NULL)
		(void)tool_date("--date", date);
	tool_open(t, 1);
	tool_qualify(t, student, 0, sid);
	e.body = cJSON_CreateObject();
	cJSON_AddStringToObject(e.body, "id", "");
	cJSON_AddStringToObject(e.body, "student", sid);
	cJSON_AddNumberToObject(e.body, "amount", fen);
	cJSON_AddStringToObject(e.body, "date", date != NULL ? date :
	    tool_today(t, today));
	cJSON_AddStringToObject(e.body, "from", from);
	tool_write(t, &e, 1);
	cJSON_Delete(e.body);
	tool_print_id(t, e.id);
	return 0;
}

int
tool_donation(struct tool *t, int argc, char **argv)
{
	static const char *const fields[] = { "id", "student", "amount",
	    "date", "from" };
	static const char *const heads[] = { "ID", "STUDENT", "AMOUNT (FEN)",
	    "DATE", "FROM" };

	if (argc < 2)
		tool_usage("donation", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "add") == 0)
		return donation_add(t, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		(void)tool_getopt(t, "donation", argc - 1, argv + 1, "", NULL);
		tool_open(t, 0);
		tool_records_print(t, STORE_K_DONATION, 5, fields, heads);
		return 0;
	}
	tool_usage("donation", TOOL_EXIT_USAGE);
}
