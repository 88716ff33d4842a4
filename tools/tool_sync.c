/*
 * minqing sync: status (what is pending, the last success, the last error
 * and its reason, the hub's clock against ours) and now (one cycle in the
 * foreground, with a progress bar on a terminal).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/tool.h"

#define SKEW_WARN_MS	(5 * 60 * 1000)

static void
iso(uint64_t ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		s = (time_t)(ms / 1000);

	if (ms == 0) {
		snprintf(buf, len, "never");
		return;
	}
	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
sync_status(struct tool *t)
{
	struct sync_status_info	 si;
	struct sync_node	 me;
	char			 ok[32], at[32];
	cJSON			*o;

	tool_open(t, 1);
	tool_sync_node(t, &me);
	if (sync_status_read(&me, &si) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "cannot read the sync status");
	/* Without an upstream nothing waits to go up. */
	if (t->conf.upstream_url[0] == '\0')
		si.pending = 0;
	iso(si.last_success_ms, ok, sizeof(ok));
	iso(si.last_attempt_ms, at, sizeof(at));
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "upstream", t->conf.upstream_url);
		cJSON_AddNumberToObject(o, "pending", (double)si.pending);
		if (si.last_success_ms)
			cJSON_AddStringToObject(o, "last_success", ok);
		else
			cJSON_AddNullToObject(o, "last_success");
		if (si.last_attempt_ms)
			cJSON_AddStringToObject(o, "last_attempt", at);
		else
			cJSON_AddNullToObject(o, "last_attempt");
		if (si.last_error[0] != '\0')
			cJSON_AddStringToObject(o, "last_error", si.last_error);
		else
			cJSON_AddNullToObject(o, "last_error");
		if (si.have_offset)
			cJSON_AddNumberToObject(o, "clock_offset_ms",
			    (double)si.offset_ms);
		else
			cJSON_AddNullToObject(o, "clock_offset_ms");
		cJSON_AddBoolToObject(o, "clock_skewed", si.have_offset &&
		    llabs(si.offset_ms) > SKEW_WARN_MS);
		tool_print_json(o);
		return 0;
	}
	printf("upstream      %s\n", t->conf.upstream_url[0] != '\0' ?
	    t->conf.upstream_url : "(none)");
	printf("pending       %" PRIu64 " entries\n", si.pending);
	printf("last success  %s\n", ok);
	printf("last attempt  %s\n", at);
	printf("last error    %s\n", si.last_error[0] != '\0' ?
	    si.last_error : "-");
	if (si.have_offset)
		printf("hub clock     %+.1f s from ours%s\n",
		    (double)si.offset_ms / 1000, llabs(si.offset_ms) >
		    SKEW_WARN_MS ? "  (this clock is off: set the time)" : "");
	return 0;
}

/*
 * One cycle in the foreground, by minqing-sync: MINQING_EXEC_PATH names
 * its folder (tests, an uninstalled build), else the folder it was
 * installed to, else this program's own folder.
 */
static int
sync_now(struct tool *t)
{
	char		 path[PATH_MAX + 16], self[PATH_MAX];
	const char	*dir, *args[6];
	ssize_t		 n;
	int		 i = 0;

	if ((dir = getenv("MINQING_EXEC_PATH")) != NULL && *dir != '\0')
		snprintf(path, sizeof(path), "%s/minqing-sync", dir);
	else {
		snprintf(path, sizeof(path), "%s/minqing-sync",
		    MINQING_LIBEXECDIR);
		if (access(path, X_OK) != 0 &&
		    (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) >
		    0) {
			self[n] = '\0';
			if (strrchr(self, '/') != NULL)
				*strrchr(self, '/') = '\0';
			snprintf(path, sizeof(path), "%s/minqing-sync", self);
		}
	}
	args[i++] = "minqing-sync";
	if (t->json)
		args[i++] = "--json";
	args[i++] = "-d";
	args[i++] = t->dir;
	args[i] = NULL;
	fflush(stdout);
	fflush(stderr);
	execv(path, (char *const *)args);
	tool_die(TOOL_EXIT_FAIL, "sync now: cannot run %s: %s", path,
	    strerror(errno));
}

int
tool_sync(struct tool *t, int argc, char **argv)
{
	if (argc < 2)
		tool_usage("sync", TOOL_EXIT_USAGE);
	(void)tool_getopt(t, "sync", argc - 1, argv + 1, "", NULL);
	if (optind != argc - 1)
		tool_usage("sync", TOOL_EXIT_USAGE);
	if (strcmp(argv[1], "status") == 0)
		return sync_status(t);
	if (strcmp(argv[1], "now") == 0)
		return sync_now(t);
	tool_usage("sync", TOOL_EXIT_USAGE);
}
