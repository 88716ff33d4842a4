/*
 * minqing verify: re-hashes every entry of every log, follows each chain,
 * checks every stored checkpoint's signature and head, and names the first
 * broken place (log, seq).  Entries kept but not applied are listed.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/tool.h"

struct vctx {
	struct tool		*t;
	struct sync_node	 me;
	struct store_txn	*txn;
	const char		*log;
	uint64_t		 expect;	/* the seq due next */
	unsigned char		 prev[STORE_HASH_BYTES];
	char			 broken[512];
	uint64_t		 entries, checkpoints, skipped, bad;
};

static int
broken(struct vctx *v, uint64_t seq, const char *why)
{
	snprintf(v->broken, sizeof(v->broken), "%s seq %" PRIu64 ": %s",
	    v->log, seq, why);
	return 1;
}

static int
entry_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct vctx	*v = arg;
	cJSON		*j;
	const cJSON	*s;
	const char	*log, *prev;
	char		 hex[STORE_HASH_BYTES * 2 + 1];
	int		 bad = 0;

	if (seq != v->expect)
		return broken(v, v->expect, "missing (gap in the log)");
	if ((j = cJSON_ParseWithLength(line, len)) == NULL)
		return broken(v, seq, "entry is not JSON (altered)");
	log = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "log"));
	prev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j,
	    "prev"));
	s = cJSON_GetObjectItemCaseSensitive(j, "seq");
	if (seq == 1)
		memset(hex, '0', 64);
	else
		store_hash_hex(v->prev, hex);
	hex[64] = '\0';
	if (log == NULL || strcmp(log, v->log) != 0)
		bad = broken(v, seq, "entry names another log");
	else if (!cJSON_IsNumber(s) || s->valuedouble != (double)seq)
		bad = broken(v, seq, "entry holds another seq");
	else if (prev == NULL || strcmp(prev, hex) != 0)
		bad = broken(v, seq - 1, "entry does not hash to the next "
		    "entry's prev (altered)");
	cJSON_Delete(j);
	if (bad)
		return 1;
	store_hash(line, len, v->prev);
	v->expect++;
	v->entries++;
	return 0;
}

static int
ckpt_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct vctx		*v = arg;
	struct sync_checkpoint	 ck;
	const char		*eline;
	size_t			 elen;
	unsigned char		 h[STORE_HASH_BYTES];
	char			 err[256];

	if (sync_checkpoint_verify(line, len, &ck, err, sizeof(err)) !=
	    SYNC_OK)
		return broken(v, seq, err);
	if (strcmp(ck.log, v->log) != 0 || ck.seq != seq)
		return broken(v, seq, "checkpoint names another place");
	if (sync_trust_check(v->txn, &v->me, ck.log, seq, ck.key, err,
	    sizeof(err)) != SYNC_OK)
		return broken(v, seq, err);
	if (store_log_get(v->txn, v->log, seq, &eline, &elen) != STORE_OK)
		return broken(v, seq, "checkpoint for an entry not held");
	store_hash(eline, elen, h);
	if (memcmp(h, ck.head, sizeof(h)) != 0)
		return broken(v, seq, "entry does not match its signed "
		    "checkpoint (altered)");
	v->checkpoints++;
	return 0;
}

static int	log_check(const struct store_loginfo *, struct vctx *);

/* Every log is checked; each broken one is named by its first fault. */
static int
log_cb(const struct store_loginfo *li, void *arg)
{
	struct vctx	*v = arg;

	v->broken[0] = '\0';
	if (log_check(li, v) != 0 && v->broken[0] != '\0') {
		fflush(stdout);
		fprintf(stderr, "minqing: verify: %s\n", v->broken);
		v->bad++;
	}
	return 0;
}

static int
log_check(const struct store_loginfo *li, struct vctx *v)
{
	enum store_status	 rc;

	v->log = li->name;
	v->expect = 1;
	if (li->frozen)
		return broken(v, li->seq, "frozen: a fork was proven (two "
		    "signed histories); the evidence is kept");
	if ((rc = store_log_foreach(v->txn, li->name, 0, entry_cb, v)) !=
	    STORE_OK)
		return broken(v, v->expect, rc == STORE_CORRUPT ? "damaged: its "
		    "stored length is impossible (bit rot?)" :
		    store_strerror(rc));
	if (v->broken[0] != '\0')
		return 1;
	if (v->expect - 1 != li->seq)
		return broken(v, v->expect, "missing (log shorter than its "
		    "head)");
	if (li->seq > 0 && memcmp(v->prev, li->head, STORE_HASH_BYTES) != 0)
		return broken(v, li->seq, "last entry does not match the "
		    "log's head (altered)");
	if ((rc = store_checkpoint_foreach(v->txn, li->name, ckpt_cb, v)) !=
	    STORE_OK)
		return broken(v, 0, store_strerror(rc));
	return v->broken[0] != '\0';
}

static int
skipped_cb(const char *log, uint64_t seq, const char *reason, void *arg)
{
	struct vctx	*v = arg;

	v->skipped++;
	if (!v->t->json)
		printf("skipped: %s seq %" PRIu64 ": %s\n", log, seq, reason);
	return 0;
}

static int
verify_run(struct tool *t)
{
	struct vctx		 v;
	enum store_status	 rc;
	cJSON			*o;

	tool_open(t, 1);
	memset(&v, 0, sizeof(v));
	v.t = t;
	tool_sync_node(t, &v.me);
	if ((rc = store_read_begin(t->st, &v.txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	rc = store_logs_foreach(v.txn, log_cb, &v);
	if (rc == STORE_OK)
		rc = store_skipped_foreach(v.txn, skipped_cb, &v);
	store_txn_abort(v.txn);
	if (rc != STORE_OK)
		tool_die_store(t, rc, "verify");
	if (v.bad > 0)
		exit(TOOL_EXIT_FAIL);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		cJSON_AddNumberToObject(o, "entries", (double)v.entries);
		cJSON_AddNumberToObject(o, "checkpoints",
		    (double)v.checkpoints);
		cJSON_AddNumberToObject(o, "skipped", (double)v.skipped);
		tool_print_json(o);
	} else
		printf("ok: %" PRIu64 " entries, %" PRIu64 " checkpoints "
		    "verified, %" PRIu64 " skipped\n", v.entries,
		    v.checkpoints, v.skipped);
	return 0;
}

/*
 * LMDB trusts its pages: a flipped bit in a page header or a node offset
 * can send a reader to a wild address.  verify is what one runs when the
 * disk is suspect, so the checking runs in a child process (forked before
 * the store is opened: an LMDB environment must not cross a fork) and a
 * child that dies of SIGSEGV or SIGBUS is reported as a damaged file, in
 * one line, instead of as a crash.
 */
int
tool_verify(struct tool *t, int argc, char **argv)
{
	pid_t	 pid;
	int	 status, sig;

	(void)tool_getopt(t, "verify", argc, argv, "", NULL);
	if (optind != argc)
		tool_usage("verify", TOOL_EXIT_USAGE);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "minqing: verify: fork: %s; checking in "
		    "this process\n", strerror(errno));
		return verify_run(t);
	}
	if (pid == 0) {
		/* Default actions, so that no sanitizer report stands in. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		exit(verify_run(t));
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			tool_die(TOOL_EXIT_FAIL, "verify: waitpid: %s",
			    strerror(errno));
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	sig = WTERMSIG(status);
	if (sig == SIGSEGV || sig == SIGBUS)
		tool_die(TOOL_EXIT_FAIL, "verify: %s: the data file is damaged "
		    "where LMDB cannot read it (reading it ended in %s); "
		    "restore data.mdb from a backup, or fetch the logs again "
		    "from the hub", t->dir, strsignal(sig));
	tool_die(TOOL_EXIT_FAIL, "verify: the check was stopped by %s",
	    strsignal(sig));
}
