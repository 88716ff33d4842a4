/*
 * minqing sync: status (what is pending, the last success, the last error
 * and its reason, the hub's clock against ours) and now (one cycle in the
 * foreground, with a progress bar on a terminal).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
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

static int
progress_cb(void *arg, const char *log, uint64_t done, uint64_t total)
{
	if (log != NULL)
		tool_progress(arg, log, done, total);
	return 0;
}

static int
sync_now(struct tool *t)
{
	struct sync_client_conf	 cc;
	struct sync_client	*c;
	struct sync_node	 me;
	struct tool_bar		 b = TOOL_BAR_INIT;
	char			 err[1024];
	enum sync_status	 rc;

	tool_open(t, 1);
	if (t->conf.upstream_url[0] == '\0')
		tool_die(TOOL_EXIT_USAGE, "no upstream (minqing upstream set "
		    "URL --key HUBKEY)");
	tool_sync_node(t, &me);
	memset(&cc, 0, sizeof(cc));
	cc.url = t->conf.upstream_url;
	cc.cacert = t->conf.upstream_cacert;
	cc.pin = t->conf.upstream_pin;
	cc.allow_http = strncmp(cc.url, "http://", 7) == 0;
	cc.connect_timeout_s = 10;
	cc.low_speed_time_s = 30;
	cc.batch_entries = t->conf.sync_batch_entries;
	cc.batch_bytes = t->conf.sync_batch_bytes;
	if (sync_client_new(&cc, &c) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "cannot set up the client");
	rc = sync_client_cycle(c, &me, progress_cb, &b, err, sizeof(err));
	sync_client_free(c);
	if (rc != SYNC_OK)
		tool_die(rc == SYNC_IO ? TOOL_EXIT_UNREACHABLE : TOOL_EXIT_FAIL,
		    "sync: %s", err);
	if (!t->json)
		printf("synced with %s\n", t->conf.upstream_url);
	return 0;
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
