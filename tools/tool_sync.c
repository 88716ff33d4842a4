/*
 * minqing sync: status (what is pending, the last success, the last error
 * and its reason, the hub's clock against ours, entries kept but skipped
 * and logs frozen by a fork) and now (one cycle in the
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

/*
 * What this node holds but cannot use: entries kept and skipped by the fold
 * (the first STATUS_SKIPS_SHOWN, and how many), and logs frozen by a fork.
 */
#define STATUS_SKIPS_SHOWN	20
struct held {
	uint64_t	 skipped;
	cJSON		*skips;
	cJSON		*frozen;
};

static int
held_skipped_cb(const char *log, uint64_t seq, const char *reason, void *arg)
{
	struct held	*h = arg;
	cJSON		*o;

	if (h->skipped++ >= STATUS_SKIPS_SHOWN)
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "log", log);
	cJSON_AddNumberToObject(o, "seq", (double)seq);
	cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddItemToArray(h->skips, o);
	return 0;
}

static int
held_frozen_cb(const struct store_loginfo *li, void *arg)
{
	struct held	*h = arg;
	cJSON		*o;

	if (!li->frozen)
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "log", li->name);
	cJSON_AddNumberToObject(o, "have", (double)li->seq);
	cJSON_AddItemToArray(h->frozen, o);
	return 0;
}

static void
held_read(struct tool *t, struct held *h)
{
	struct store_txn	*txn;
	enum store_status	 rc;

	h->skipped = 0;
	h->skips = cJSON_CreateArray();
	h->frozen = cJSON_CreateArray();
	if (h->skips == NULL || h->frozen == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_skipped_foreach(txn, held_skipped_cb, h)) != STORE_OK ||
	    (rc = store_logs_foreach(txn, held_frozen_cb, h)) != STORE_OK)
		tool_die_store(t, rc, "read");
	store_txn_abort(txn);
}

static void
held_print(const struct held *h)
{
	const cJSON	*it;
	const char	*lead = "frozen        ";

	printf("skipped       %" PRIu64 " entr%s kept but not applied%s\n",
	    h->skipped, h->skipped == 1 ? "y" : "ies", h->skipped > 0 ?
	    " (minqing verify lists them all)" : "");
	cJSON_ArrayForEach(it, h->skips)
		printf("              %s seq %.0f: %s\n",
		    cJSON_GetObjectItem(it, "log")->valuestring,
		    cJSON_GetObjectItem(it, "seq")->valuedouble,
		    cJSON_GetObjectItem(it, "reason")->valuestring);
	if (h->skipped > STATUS_SKIPS_SHOWN)
		printf("              and %" PRIu64 " more\n", h->skipped -
		    STATUS_SKIPS_SHOWN);
	if (cJSON_GetArraySize(h->frozen) == 0)
		printf("%s-\n", lead);
	cJSON_ArrayForEach(it, h->frozen) {
		printf("%s%s at seq %.0f (a fork was proven; minqing verify "
		    "shows it)\n", lead,
		    cJSON_GetObjectItem(it, "log")->valuestring,
		    cJSON_GetObjectItem(it, "have")->valuedouble);
		lead = "              ";
	}
}

static int
sync_status(struct tool *t)
{
	struct sync_status_info	 si;
	struct sync_node	 me;
	struct held		 h;
	char			 ok[32], at[32];
	cJSON			*o;

	tool_open(t, 1);
	tool_sync_node(t, &me);
	if (sync_status_read(&me, &si) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "cannot read the sync status");
	held_read(t, &h);
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
		cJSON_AddNumberToObject(o, "skipped", (double)h.skipped);
		cJSON_AddItemToObject(o, "skipped_entries", h.skips);
		cJSON_AddItemToObject(o, "frozen", h.frozen);
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
	held_print(&h);
	cJSON_Delete(h.skips);
	cJSON_Delete(h.frozen);
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
