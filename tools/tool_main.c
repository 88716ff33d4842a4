/*
 * minqing: the clerk's command line over a branch's store.  Global options
 * come before the command; each command parses its own.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/tool.h"

const struct tool_cmd tool_cmds[] = {
	{ "init", tool_init, "init --node ID [--hub] [--shared]" },
	{ "id", tool_id, "id" },
	{ "peer", tool_peer, "peer add ID --key KEY [--role ROLE] | "
	    "peer revoke ID [--reason T] | peer list" },
	{ "member", tool_member, "member add ID --name N --group G | "
	    "member update ID [--name N] [--group G] | member list" },
	{ "household", tool_household, "household add ID --address A "
	    "--group G [--people N] [--tags T,...] | household update ID "
	    "[--address A] [--group G] [--people N] [--tags T,...] | "
	    "household remove ID [--reason T] | household import FILE.csv | "
	    "household list [--unvisited] [--from D] [--to D]" },
	{ "visit", tool_visit, "visit add HOUSEHOLD --team M1,M2 "
	    "[--with UNIT,...] [--outcome met|absent|declined] [--date D] "
	    "[--note T] | visit list" },
	{ "request", tool_request, "request open HOUSEHOLD --category C "
	    "--summary T [--date RAISED] [--visit V] | request escalate REQ "
	    "--to LEVEL [--note T] [--date D] | request reply REQ --text T "
	    "[--from UNIT] [--date D] | request close REQ --outcome O "
	    "[--satisfaction 1-5] [--note T] [--date D] | request reopen REQ "
	    "[--note T] [--date D] | request list "
	    "[--open|--overdue|--level L] | request show REQ" },
	{ "student", tool_student, "student add ID --name N --university U "
	    "[--since D] | student list" },
	{ "donation", tool_donation, "donation add --student S --amount FEN "
	    "[--date D] --from WHO | donation list" },
	{ "eval", tool_eval, "eval add --year Y --kind K --subject S --score N "
	    "[--note T] | eval list" },
	{ "report", tool_report, "report [--from D] [--to D] "
	    "[--by node|group|street] [--html FILE]" },
	{ "export", tool_export, "export --what households|members|visits|"
	    "requests|students|donations|evaluations|peers --format csv|jsonl" },
	{ "log", tool_log, "log [LOG] [--after N] [--batch]" },
	{ "verify", tool_verify, "verify" },
	{ "upstream", tool_upstream, "upstream set URL --key HUBKEY "
	    "[--key KEY...] [--cacert FILE] "
	    "[--pin sha256//BASE64[;sha256//BASE64...]...]" },
	{ "sync", tool_sync, "sync status | sync now" },
	{ "key", tool_key, "key rotate" },
	{ NULL, NULL, NULL }
};

static void __attribute__((noreturn))
usage(int code)
{
	const struct tool_cmd	*c;
	FILE			*fp = stdout;

	if (code != 0) {
		/* A usage error is one line, as every error is. */
		fprintf(stderr, "minqing: usage: minqing [-d DIR] [--json|--csv] "
		    "[--by WHO] COMMAND ... (see minqing --help)\n");
		exit(code);
	}
	fprintf(fp, "usage: minqing [-d DIR] [--json|--csv] [--by WHO] COMMAND "
	    "...\n"
	    "commands:\n");
	for (c = tool_cmds; c->name != NULL; c++)
		fprintf(fp, "  %s\n", c->name);
	fprintf(fp, "minqing COMMAND --help shows a command's usage.\n");
	exit(code);
}

void
tool_usage(const char *cmd, int code)
{
	const struct tool_cmd	*c;
	const char		*p, *bar;

	for (c = tool_cmds; c->name != NULL; c++)
		if (strcmp(c->name, cmd) == 0)
			break;
	if (c->name == NULL)
		usage(code);
	if (code != 0) {
		/* A usage error is one line, as every error is. */
		fprintf(stderr, "minqing: usage: minqing %s\n", c->usage);
		exit(code);
	}
	/* One form per line: the forms are separated by " | ". */
	for (p = c->usage; p != NULL; p = bar != NULL ? bar + 3 : NULL) {
		bar = strstr(p, " | ");
		printf("%s minqing %.*s\n", p == c->usage ? "usage:" :
		    "      ", bar != NULL ? (int)(bar - p) : (int)strlen(p), p);
	}
	exit(code);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct tool_cmd	*c;
	struct tool		 t;
	struct passwd		*pw;
	int			 ch, rc;

	setlocale(LC_ALL, "");
	memset(&t, 0, sizeof(t));
	t.dir = getenv("MINQING_DIR");
	t.by = getenv("MINQING_BY");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:d:jb:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			t.dir = optarg;
			break;
		case 'j':
			t.json = 1;
			break;
		case 'C':
			t.json = tool_csv_mode = 1;
			break;
		case 'b':
			if (*optarg == '\0')
				tool_die(TOOL_EXIT_USAGE, "--by: empty name");
			t.by = optarg;
			break;
		case 'h':
			usage(0);
		case 'V':
			puts(PACKAGE_STRING);
			return 0;
		case ':':
			tool_die(TOOL_EXIT_USAGE, "%s needs a value (see minqing "
			    "--help)", argv[optind - 1]);
		default:
			if (optopt != 0)
				tool_die(TOOL_EXIT_USAGE, "unknown option -%c (see "
				    "minqing --help)", optopt);
			tool_die(TOOL_EXIT_USAGE, "unknown option %s (see "
			    "minqing --help)", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(TOOL_EXIT_USAGE);
	if (t.dir == NULL || *t.dir == '\0')
		t.dir = ".";
	if (t.by == NULL || *t.by == '\0') {
		if ((t.by = getlogin()) == NULL &&
		    (pw = getpwuid(getuid())) != NULL)
			t.by = pw->pw_name;
		if (t.by == NULL)
			t.by = "unknown";
	}
	if (!store_text_valid(t.by, strlen(t.by)) || strlen(t.by) > 64)
		tool_die(TOOL_EXIT_USAGE, "--by: not a short UTF-8 name");
	if (strcmp(argv[0], "help") == 0) {
		if (argc == 1)
			usage(TOOL_EXIT_OK);
		tool_usage(argv[1], TOOL_EXIT_OK);
	}
	for (c = tool_cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			break;
	if (c->name == NULL)
		tool_die(TOOL_EXIT_USAGE, "unknown command %s (see minqing "
		    "--help)", argv[0]);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		tool_usage(c->name, TOOL_EXIT_OK);
	rc = c->fn(&t, argc, argv);
	tool_close(&t);
	if (fflush(stdout) != 0 || ferror(stdout))
		tool_die(TOOL_EXIT_FAIL, "write error on standard output");
	return rc;
}
