/*
 * Batches: a checkpoint line, then the entry lines it covers, NDJSON.  The
 * same code takes a push on a hub and a pull on a branch.  Order of checks:
 * shape and sizes, the checkpoint's signature, the chain of the batch up to
 * the checkpoint's head, the key's right to sign for the log at that seq,
 * and only then, in one transaction, the chain onto what is held.  Bytes
 * are stored as received.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

struct line {
	const char	*p;
	size_t		 len;
	uint64_t	 seq;
	uint64_t	 hlc;
};

struct batch {
	const struct sync_node	*me;
	uint64_t		 now_ms;
	const char		*log;
	const char		*ckline;
	size_t			 cklen;
	struct sync_checkpoint	 ck;
	struct line		*lines;
	size_t			 n;
	struct sync_result	*res;
};

static void
result(struct sync_result *r, int http, const char *error,
    const char *detail)
{
	r->http = http;
	r->error = error;
	snprintf(r->detail, sizeof(r->detail), "%s", detail);
}

/* Splits the body into lines; the last may end without a newline. */
static int
split(struct batch *b, const char *body, size_t len, size_t max_entries)
{
	const char	*p = body, *end = body + len, *nl;
	size_t		 cap = 0, count = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p) {
			result(b->res, 400, "bad-batch", "empty line");
			return -1;
		}
		if (count == 0) {
			b->ckline = p;
			b->cklen = (size_t)(nl - p);
		} else {
			if (count > max_entries) {
				result(b->res, 413, "too-large", "more entries "
				    "than a batch may hold");
				return -1;
			}
			if (b->n == cap) {
				cap = cap ? cap * 2 : 64;
				b->lines = reallocarray(b->lines, cap,
				    sizeof(*b->lines));
				if (b->lines == NULL) {
					result(b->res, 500, "no-memory",
					    "out of memory");
					return -1;
				}
			}
			b->lines[b->n].p = p;
			b->lines[b->n++].len = (size_t)(nl - p);
		}
		count++;
		p = nl + 1;
	}
	if (count == 0) {
		result(b->res, 400, "bad-batch", "empty body");
		return -1;
	}
	return 0;
}

/* The batch's own chain, ending at the checkpoint's head. */
static int
chain(struct batch *b)
{
	struct store_entry_head	 h;
	unsigned char		 hash[STORE_HASH_BYTES];
	char			 hex[STORE_HASH_BYTES * 2 + 1], err[256];
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (store_entry_peek(b->lines[i].p, b->lines[i].len, &h, err,
		    sizeof(err)) != STORE_OK) {
			result(b->res, 400, "bad-entry", err);
			return -1;
		}
		if (strcmp(h.log, b->log) != 0) {
			result(b->res, 400, "bad-entry", "an entry of "
			    "another log");
			return -1;
		}
		if (i > 0 && (h.seq != b->lines[i - 1].seq + 1 ||
		    strcmp(h.prev, hex) != 0)) {
			result(b->res, 403, "broken-chain",
			    h.seq != b->lines[i - 1].seq + 1 ? "a gap in the "
			    "batch's seqs" : "an entry's prev does not match");
			return -1;
		}
		b->lines[i].seq = h.seq;
		b->lines[i].hlc = h.hlc;
		store_hash(b->lines[i].p, b->lines[i].len, hash);
		store_hash_hex(hash, hex);
	}
	if (b->n > 0 && (b->lines[b->n - 1].seq != b->ck.seq ||
	    memcmp(hash, b->ck.head, sizeof(hash)) != 0)) {
		result(b->res, 403, "broken-chain", "the entries do not "
		    "end at the checkpoint's head");
		return -1;
	}
	return 0;
}

/*
 * A proven fork: both signed histories are kept, the log is frozen.  seq is
 * the first one where they are seen to differ.
 */
static enum store_status
evidence(struct batch *b, struct store_txn *t, const struct store_loginfo *li,
    uint64_t seq)
{
	struct store_buf	 ev = STORE_BUF_INIT;
	const char		*ours;
	size_t			 len;
	uint64_t		 at;
	enum store_status	 rc;

	if ((rc = store_buf_addstr(&ev, "{\"theirs\":")) == STORE_OK &&
	    (rc = store_buf_add(&ev, b->ckline, b->cklen)) == STORE_OK &&
	    (rc = store_buf_addstr(&ev, ",\"ours\":")) == STORE_OK) {
		if (store_checkpoint_last(t, b->log, &at, &ours, &len) ==
		    STORE_OK)
			rc = store_buf_add(&ev, ours, len);
		else
			rc = store_buf_addstr(&ev, "null");
	}
	if (rc == STORE_OK)
		rc = store_buf_addstr(&ev, "}");
	if (rc == STORE_OK)
		rc = store_log_freeze(t, b->log, ev.data);
	store_buf_free(&ev);
	result(b->res, 409, "fork", "two signed histories of this log");
	b->res->fork_seq = seq;
	b->res->have = li->seq;
	memcpy(b->res->head, li->head, sizeof(li->head));
	return rc;
}

static enum store_status
apply_cb(struct store_txn *t, void *arg)
{
	struct batch		*b = arg;
	struct store_loginfo	 li;
	struct sync_skip	 spare, *sk;
	const char		*line;
	unsigned char		 h[STORE_HASH_BYTES];
	size_t			 i, len;
	uint64_t		 seq;
	enum store_status	 rc;
	char			 err[256];

	b->res->added = 0;
	b->res->future = 0;
	b->res->skipped = 0;
	b->res->http = 0;
	if ((rc = store_log_info(t, b->log, &li)) == STORE_NOTFOUND)
		memset(&li, 0, sizeof(li));
	else if (rc != STORE_OK)
		return rc;
	if (li.frozen) {
		result(b->res, 409, "fork", "the log is frozen after a "
		    "fork");
		b->res->have = li.seq;
		return STORE_OK;
	}
	if (sync_trust_check(t, b->me, b->log, b->ck.seq, b->ck.key, err,
	    sizeof(err)) != SYNC_OK) {
		result(b->res, 403, "untrusted", err);
		return STORE_OK;
	}
	/* What we hold already must be the same history. */
	for (i = 0; i < b->n && b->lines[i].seq <= li.seq; i++) {
		if ((rc = store_log_get(t, b->log, b->lines[i].seq, &line,
		    &len)) != STORE_OK)
			return rc;
		if (len != b->lines[i].len || memcmp(line, b->lines[i].p,
		    len) != 0)
			return evidence(b, t, &li, b->lines[i].seq);
	}
	if (b->ck.seq <= li.seq) {
		if ((rc = store_log_get(t, b->log, b->ck.seq, &line, &len)) !=
		    STORE_OK)
			return rc;
		store_hash(line, len, h);
		if (memcmp(h, b->ck.head, sizeof(h)) != 0)
			return evidence(b, t, &li, b->ck.seq);
	} else if (i == b->n || b->lines[i].seq != li.seq + 1) {
		result(b->res, 409, "gap", "the batch does not start "
		    "where the log ends");
		b->res->have = li.seq;
		memcpy(b->res->head, li.head, sizeof(li.head));
		return STORE_OK;
	}
	for (; i < b->n; i++) {
		rc = store_put_entry(t, b->lines[i].p, b->lines[i].len);
		if (rc == STORE_BROKEN)	/* authentic, yet not onto our head */
			return evidence(b, t, &li, b->lines[i].seq);
		if (rc != STORE_OK)
			return rc;
		b->res->added++;
		/* Kept, but the fold could not apply it: say so. */
		sk = b->res->skipped < SYNC_SKIPS_SHOWN ?
		    &b->res->skips[b->res->skipped] : &spare;
		rc = store_skipped_get(t, b->log, b->lines[i].seq, sk->reason,
		    sizeof(sk->reason));
		if (rc == STORE_OK) {
			sk->seq = b->lines[i].seq;
			b->res->skipped++;
		} else if (rc != STORE_NOTFOUND)
			return rc;
		/* A sender whose clock runs ahead: kept, and flagged. */
		if (b->lines[i].hlc / 1000 > b->now_ms + SYNC_FUTURE_MS)
			b->res->future++;
	}
	if (b->ck.seq > li.seq || store_checkpoint_last(t, b->log, &seq,
	    &line, &len) != STORE_OK || seq < b->ck.seq) {
		if ((rc = store_put_checkpoint(t, b->log, b->ck.seq, b->ckline,
		    b->cklen)) != STORE_OK)
			return rc;
	}
	if ((rc = store_log_info(t, b->log, &li)) != STORE_OK)
		return rc;
	b->res->http = 200;
	b->res->have = li.seq;
	memcpy(b->res->head, li.head, sizeof(li.head));
	return STORE_OK;
}

enum sync_status
sync_batch_apply(const struct sync_node *me, const char *log,
    const char *body, size_t len, size_t max_entries, uint64_t now_ms,
    struct sync_result *res)
{
	struct batch		b;
	char			err[256];
	enum sync_status	src;
	enum store_status	rc;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	b.me = me;
	b.now_ms = now_ms;
	b.log = log;
	b.res = res;
	if (split(&b, body, len, max_entries) != 0)
		goto out;
	src = sync_checkpoint_verify(b.ckline, b.cklen, &b.ck, err,
	    sizeof(err));
	if (src != SYNC_OK) {
		result(res, src == SYNC_BADSIG ? 403 : 400, src == SYNC_BADSIG ?
		    "bad-signature" : "bad-checkpoint", err);
		goto out;
	}
	if (strcmp(b.ck.log, log) != 0) {
		result(res, 400, "wrong-log", "the checkpoint is for another "
		    "log than the path");
		goto out;
	}
	if (chain(&b) != 0)
		goto out;
	rc = store_write(me->st, apply_cb, &b);
	if (rc != STORE_OK)
		result(res, 500, "store", *store_errmsg(me->st) != '\0' ?
		    store_errmsg(me->st) : store_strerror(rc));
out:
	free(b.lines);
	return res->http == 200 ? SYNC_OK : SYNC_BADMSG;
}

struct emit {
	struct store_buf	*out;
	uint64_t		 upto;
	int			 bad;
};

static int
emit_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct emit	*e = arg;

	if (seq > e->upto)
		return 1;
	if (store_buf_add(e->out, line, len) != STORE_OK ||
	    store_buf_add(e->out, "\n", 1) != STORE_OK) {
		e->bad = 1;
		return 1;
	}
	return 0;
}

enum store_status
batch_write(struct store_txn *t, const char *log, const char *ck,
    size_t cklen, uint64_t after, uint64_t upto, struct store_buf *out)
{
	struct emit		em = { out, upto, 0 };
	enum store_status	rc;

	if ((rc = store_buf_add(out, ck, cklen)) != STORE_OK ||
	    (rc = store_buf_add(out, "\n", 1)) != STORE_OK)
		return rc;
	if (upto > after &&
	    (rc = store_log_foreach(t, log, after, emit_cb, &em)) != STORE_OK)
		return rc;
	return em.bad ? STORE_NOMEM : STORE_OK;
}
