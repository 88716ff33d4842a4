/*
 * Batches as a hub receives them: sync_batch_apply() (and so
 * sync_checkpoint_verify()) on bodies from the input, against a hub whose
 * store holds its own log hub/main, where it enrolled br1 as a relay.  The
 * nodes hub, br1 and br2 sign with the fixed test keys below, which the
 * seed corpus (tests/fuzz/make-corpus.sh) uses too.
 *
 * An input holds one body, or several separated by a blank line (a valid
 * body has none), applied in turn: a batch, then another history of the
 * same log, say.  A body whose first line is "sign" has the target sign the
 * rest: a checkpoint over its last line, by the key of that line's node,
 * so that the fuzzer reaches past the signature with entries it made up.
 * An input that changed the store is undone by copying the hub's first
 * store back, so that every input meets the same hub.
 *
 * Checked: the status and the result agree; no batch gives a 500 (a store
 * failure) or another status than the API's; an accepted batch leaves the
 * log at the head it names; a checkpoint that verifies names a valid log.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "sync/sync.h"
#include "tests/fuzz/fuzz.h"

#define MAX_BODIES	8
#define MAX_ENTRIES	64			/* of one batch */
#define NOW_MS		1796000000000ULL	/* the hub's clock */

/* Test keys: they sign nothing real. */
static const struct {
	const char	*node;
	const char	*secret;
} keys[] = {
	{ "hub", "RXHrgL7gsPn0NvBK+fLzPOwIZQET67EFPIkK1W4iOkkkaUBifdZWIFrsbxRf"
	    "eU2TqKd1DhvJ16tffh3JMC7xPA==" },
	{ "br1", "SKfmYPAca43/hElGGyFsUMNhvN4RCmlFtGOOI111YXOdj+PB5sq3/culPV9s"
	    "L3dKKPmNlPMispSFd2QvEY2ZZg==" },
	{ "br2", "SDFIf1P4RJKvFk9qYiE224ZPRzSCVdVjSvRkF1/53bCpWyFYDVIR/Qrk+3Op"
	    "Vur4NmiWkbduDQaoWR/5ekTrTA==" },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* The hub's log: `minqing peer add br1 --key ... --role relay`. */
static const char	hub_entry[] =
    "{\"v\":1,\"log\":\"hub/main\",\"seq\":1,\"prev\":\"0000000000000"
    "000000000000000000000000000000000000000000000000000\",\"hlc\":17"
    "96010101832288,\"at\":\"2026-11-30T03:41:41.832Z\",\"type\":\"pe"
    "er.enroll\",\"by\":\"clerk\",\"body\":{\"node\":\"br1\",\"key\":"
    "\"nY/jwebKt/3LpT1fbC93Sij5jZTzIrKUhXdkLxGNmWY=\",\"role\":\"rela"
    "y\"}}";
static const char	hub_ckpt[] =
    "{\"log\":\"hub/main\",\"seq\":1,\"head\":\"12bc9c1713153f6354a98"
    "4719cde4cfdf580f3a73ee85260591e602f18d964e6\",\"key\":\"JGlAYn3W"
    "ViBa7G8UX3lNk6indQ4byderX34dyTAu8Tw=\",\"sig\":\"SYw3v9ilGqdEoJB"
    "HckbAvFxtoN2n/p22XN6FsK4hMM/fCpz110h1qRgbp2BocGacxDkC4EGP4sEpsl7"
    "7BoPmBg==\"}";

static struct sync_key	*key[NKEYS];
static struct sync_node	 me;
static char		 tmpl[4200], hub[4200];
static uint64_t		 base_txn;
static int		 verbose;	/* $FUZZ_VERBOSE: print each result */

static void
copy_file(const char *from, const char *to)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, out;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		fuzz_bug("copy %s to %s: %s", from, to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fuzz_bug("write %s: %s", to, strerror(errno));
	if (n < 0 || close(out) != 0)
		fuzz_bug("copy %s: %s", from, strerror(errno));
	close(in);
}

/* The hub as it was made: its store copied from the template, opened. */
static void
hub_open(void)
{
	char			from[4300], to[4300];
	enum store_status	rc;

	if (me.st != NULL)
		store_close(me.st);
	me.st = NULL;
	snprintf(from, sizeof(from), "%s/data.mdb", tmpl);
	snprintf(to, sizeof(to), "%s/data.mdb", hub);
	copy_file(from, to);
	snprintf(to, sizeof(to), "%s/lock.mdb", hub);
	(void)unlink(to);
	if ((rc = store_open(hub, 0, &me.st)) != STORE_OK)
		fuzz_bug("store_open %s: %s", hub, store_errmsg(me.st));
	base_txn = store_last_txn(me.st);
}

static enum store_status
make_hub(struct store_txn *t, void *arg)
{
	enum store_status	rc;

	(void)arg;
	if ((rc = store_put_entry(t, hub_entry, strlen(hub_entry))) !=
	    STORE_OK)
		return rc;
	return store_put_checkpoint(t, "hub/main", 1, hub_ckpt,
	    strlen(hub_ckpt));
}

static void
init(void)
{
	struct store	*st;
	char		 dir[4300], path[4400];
	char		 err[512];
	size_t		 i;

	snprintf(tmpl, sizeof(tmpl), "%s/template", fuzz_tmpdir());
	snprintf(hub, sizeof(hub), "%s/hub", fuzz_tmpdir());
	if (mkdir(tmpl, 0700) == -1 || mkdir(hub, 0700) == -1)
		fuzz_bug("mkdir: %s", strerror(errno));
	if (store_open(tmpl, STORE_CREATE, &st) != STORE_OK ||
	    store_write(st, make_hub, NULL) != STORE_OK)
		fuzz_bug("the hub's store: %s", store_errmsg(st));
	store_close(st);
	/* After store_open(): sync_key_load() needs sodium_init() done. */
	for (i = 0; i < NKEYS; i++) {
		snprintf(dir, sizeof(dir), "%s/key-%s", fuzz_tmpdir(),
		    keys[i].node);
		snprintf(path, sizeof(path), "%s/node.key", dir);
		if (mkdir(dir, 0700) == -1)
			fuzz_bug("mkdir %s: %s", dir, strerror(errno));
		fuzz_write_file(path, keys[i].secret, strlen(keys[i].secret));
		if (chmod(path, 0600) == -1 ||
		    sync_key_load(dir, &key[i], err, sizeof(err)) != SYNC_OK)
			fuzz_bug("key of %s: %s", keys[i].node, err);
	}
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	snprintf(me.node, sizeof(me.node), "hub");
	me.key = key[0];
	hub_open();
}

/* The key of a log's node among the test keys; br1's for any other. */
static const struct sync_key *
key_for(const char *log)
{
	size_t	i, n = strcspn(log, "/");

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].node) == n &&
		    strncmp(keys[i].node, log, n) == 0)
			return key[i];
	return key[1];
}

/* "sign" and entry lines: the entries under a checkpoint of the last. */
static void
sign(const char *p, size_t len, struct store_buf *out)
{
	struct store_entry_head	 h;
	struct store_buf	 ck = STORE_BUF_INIT;
	unsigned char		 head[STORE_HASH_BYTES];
	const char		*last = p, *end = p + len, *q;
	char			 err[256];

	for (q = p; q < end; q++)
		if (*q == '\n' && q + 1 < end)
			last = q + 1;
	q = memchr(last, '\n', (size_t)(end - last));
	store_hash(last, (size_t)((q != NULL ? q : end) - last), head);
	if (store_entry_peek(last, (size_t)((q != NULL ? q : end) - last), &h,
	    err, sizeof(err)) != STORE_OK) {
		snprintf(h.log, sizeof(h.log), "br1/main");
		h.seq = 1;
	}
	if (sync_checkpoint_make(key_for(h.log), h.log, h.seq, head, &ck) !=
	    SYNC_OK || store_buf_add(out, ck.data, ck.len) != STORE_OK ||
	    store_buf_add(out, "\n", 1) != STORE_OK ||
	    store_buf_add(out, p, len) != STORE_OK)
		fuzz_bug("out of memory");
	store_buf_free(&ck);
}

static void
apply(const char *body, size_t len)
{
	struct sync_checkpoint	 ck;
	struct sync_result	 res;
	struct store_loginfo	 li;
	struct store_txn	*t;
	const char		*nl;
	char			 log[STORE_LOG_MAX + 1], err[256];
	enum sync_status	 rc;

	/* The log of the path: the checkpoint's, when it holds. */
	snprintf(log, sizeof(log), "br1/main");
	nl = memchr(body, '\n', len);
	err[0] = '\0';
	rc = sync_checkpoint_verify(body, nl != NULL ? (size_t)(nl - body) :
	    len, &ck, err, sizeof(err));
	if (rc == SYNC_OK) {
		if (!store_valid_log(ck.log) || ck.seq < 1)
			fuzz_bug("a checkpoint verified for \"%s\" seq %" PRIu64,
			    ck.log, ck.seq);
		snprintf(log, sizeof(log), "%s", ck.log);
	} else if ((rc != SYNC_BADMSG && rc != SYNC_BADSIG) || err[0] == '\0')
		fuzz_bug("sync_checkpoint_verify: %s, \"%s\"",
		    sync_strerror(rc), err);

	rc = sync_batch_apply(&me, log, body, len, MAX_ENTRIES, NOW_MS, &res);
	if (verbose)
		fprintf(stderr, "%s: HTTP %d %s %s (have %" PRIu64 ", added %"
		    PRIu64 ")\n", log, res.http, res.error != NULL ?
		    res.error : "", res.detail, res.have, res.added);
	if ((rc == SYNC_OK) != (res.http == 200) ||
	    (rc != SYNC_OK && rc != SYNC_BADMSG))
		fuzz_bug("sync_batch_apply gave %s with HTTP %d",
		    sync_strerror(rc), res.http);
	if (res.http != 200 && res.http != 400 && res.http != 403 &&
	    res.http != 409 && res.http != 413)
		fuzz_bug("sync_batch_apply: HTTP %d %s: %s", res.http,
		    res.error != NULL ? res.error : "(no error)", res.detail);
	if (res.http != 200 && (res.error == NULL || res.detail[0] == '\0'))
		fuzz_bug("HTTP %d without an error and a detail", res.http);
	if (res.http != 200)
		return;
	if (store_read_begin(me.st, &t) != STORE_OK)
		fuzz_bug("store_read_begin: %s", store_errmsg(me.st));
	if (store_log_info(t, log, &li) != STORE_OK || li.seq != res.have ||
	    memcmp(li.head, res.head, sizeof(li.head)) != 0 || li.frozen)
		fuzz_bug("%s: accepted, yet the log is not at the head said",
		    log);
	store_txn_abort(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_buf	 signed_body = STORE_BUF_INIT;
	const char		*p = (const char *)data, *end = p + size, *sep;
	size_t			 len, n;

	if (me.st == NULL)
		init();
	for (n = 0; n < MAX_BODIES && p <= end; n++) {
		sep = NULL;
		if (end - p >= 2)
			sep = memmem(p, (size_t)(end - p), "\n\n", 2);
		len = (size_t)((sep != NULL ? sep + 1 : end) - p);
		if (len >= 5 && memcmp(p, "sign\n", 5) == 0) {
			store_buf_reset(&signed_body);
			sign(p + 5, len - 5, &signed_body);
			apply(signed_body.data, signed_body.len);
		} else
			apply(p, len);
		if (sep == NULL)
			break;
		p = sep + 2;
	}
	store_buf_free(&signed_body);
	if (store_last_txn(me.st) != base_txn)
		hub_open();
	return 0;
}
