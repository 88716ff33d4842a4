/*
 * minqing-sync: the one part of the command line that speaks HTTPS.
 * `minqing sync now` runs it, so that the other commands never load
 * libcurl and GnuTLS (some 40 libraries, most of a short command's
 * start-up).  Not for people: minqing-sync [--json] -d DIR
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

static int
progress_cb(void *arg, const char *log, uint64_t done, uint64_t total)
{
	if (log != NULL)
		tool_progress(arg, log, done, total);
	return 0;
}

/* What tool_util.c names when it shows a usage line. */
void
tool_usage(const char *cmd, int code)
{
	(void)cmd;
	fprintf(stderr, "usage: minqing sync now (minqing-sync is run by "
	    "minqing)\n");
	exit(code);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct tool		 t;
	struct sync_client_conf	 cc;
	struct sync_client	*c;
	struct sync_node	 me;
	struct tool_bar		 b = TOOL_BAR_INIT;
	char			 err[1024];
	enum sync_status	 rc;
	int			 ch;

	setlocale(LC_ALL, "");
	memset(&t, 0, sizeof(t));
	t.by = "minqing-sync";
	while ((ch = getopt_long(argc, argv, "d:j", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			t.dir = optarg;
			break;
		case 'j':
			t.json = 1;
			break;
		default:
			tool_usage("sync", TOOL_EXIT_USAGE);
		}
	}
	if (optind != argc || t.dir == NULL)
		tool_usage("sync", TOOL_EXIT_USAGE);
	tool_open(&t, 1);
	if (t.conf.upstream_url[0] == '\0')
		tool_die(TOOL_EXIT_USAGE, "no upstream (minqing upstream set "
		    "URL --key HUBKEY)");
	tool_sync_node(&t, &me);
	memset(&cc, 0, sizeof(cc));
	cc.url = t.conf.upstream_url;
	cc.cacert = t.conf.upstream_cacert;
	cc.pin = t.conf.upstream_pin;
	cc.allow_http = strncmp(cc.url, "http://", 7) == 0;
	cc.connect_timeout_s = 10;
	cc.low_speed_time_s = 30;
	cc.batch_entries = t.conf.sync_batch_entries;
	cc.batch_bytes = t.conf.sync_batch_bytes;
	if (sync_client_new(&cc, &c) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "cannot set up the client");
	rc = sync_client_cycle(c, &me, progress_cb, &b, err, sizeof(err));
	sync_client_free(c);
	if (rc != SYNC_OK)
		tool_die(rc == SYNC_IO ? TOOL_EXIT_UNREACHABLE : TOOL_EXIT_FAIL,
		    "sync: %s", err);
	if (!t.json)
		printf("synced with %s\n", t.conf.upstream_url);
	tool_close(&t);
	return 0;
}
