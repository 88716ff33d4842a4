/*
 * Entry lines from outside: store_entry_peek() and store_put_entry() on
 * each line of the input, in one write transaction of a throwaway store,
 * which is then aborted so that every input starts from the same empty
 * store (and no input waits for a sync to disk).  Several lines let an
 * input build a chain and the records it names.  Checked: peek and put
 * agree; a put entry is the head of its log, byte for byte; a put fails
 * only as STORE_INVALID or STORE_BROKEN; whatever was received, an entry
 * this node then appends itself reads back as an entry; and the lists and
 * reports a hub makes over what it received run through.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tests/fuzz/fuzz.h"

#define MAX_LINES	256
#define ROLLBACK	STORE_NOTSTORE	/* fn's status that aborts the write */

static struct store	*st;

struct input {
	const char	*data;
	size_t		 size;
};

static int
hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

static void
check_head(const struct store_entry_head *h)
{
	if (!store_valid_log(h->log) || h->seq < 1 ||
	    h->seq > 9007199254740991ULL || !hex64(h->prev) ||
	    h->hlc > 9007199254740991ULL)
		fuzz_bug("store_entry_peek accepted a bad header: log \"%s\" "
		    "seq %" PRIu64 " prev \"%s\" hlc %" PRIu64, h->log, h->seq,
		    h->prev, h->hlc);
}

/* The entry just put is the head of its log, as its exact bytes. */
static void
check_put(struct store_txn *t, const struct store_entry_head *h,
    const char *line, size_t len)
{
	struct store_loginfo	 li;
	unsigned char		 hash[STORE_HASH_BYTES];
	const char		*got;
	size_t			 glen;

	if (store_log_info(t, h->log, &li) != STORE_OK || li.seq != h->seq)
		fuzz_bug("%s: seq %" PRIu64 " put, the log holds %" PRIu64,
		    h->log, h->seq, li.seq);
	store_hash(line, len, hash);
	if (memcmp(hash, li.head, sizeof(hash)) != 0)
		fuzz_bug("%s: the head is not the hash of the entry put",
		    h->log);
	if (store_log_get(t, h->log, h->seq, &got, &glen) != STORE_OK ||
	    glen != len || memcmp(got, line, len) != 0)
		fuzz_bug("%s seq %" PRIu64 ": not kept as received", h->log,
		    h->seq);
}

/* This node's own next entry, after whatever came in, must parse. */
static void
check_own_append(struct store_txn *t)
{
	struct store_entry_head	 h;
	const char		*line;
	size_t			 len;
	uint64_t		 seq;
	char			 err[256];
	enum store_status	 rc;

	rc = store_append(t, "fuzz-self/main", "member.add", "fuzz",
	    "{\"id\":\"fuzz-self:m\",\"name\":\"n\",\"group\":\"g\"}", &seq);
	if (rc == STORE_INVALID)	/* the input made that member already */
		return;
	if (rc != STORE_OK)
		fuzz_bug("store_append: %s: %s", store_strerror(rc),
		    store_errmsg(st));
	if (store_log_get(t, "fuzz-self/main", seq, &line, &len) != STORE_OK)
		fuzz_bug("store_append: entry %" PRIu64 " not kept", seq);
	if (store_entry_peek(line, len, &h, err, sizeof(err)) != STORE_OK)
		fuzz_bug("this node's own entry does not parse (%s): %.*s",
		    err, (int)len, line);
}

static size_t	touched;	/* so that the callbacks read every field */

static void
touch(const char *s)
{
	if (s == NULL)
		fuzz_bug("a query gave a NULL text field");
	touched += strlen(s);
}

static int
household_cb(const struct household *h, void *arg)
{
	(void)arg;
	touch(h->id);
	touch(h->node);
	touch(h->address);
	touch(h->group);
	touch(h->tags);
	return 0;
}

static int
request_cb(const struct request *r, void *arg)
{
	(void)arg;
	touch(r->id);
	touch(r->node);
	touch(r->household);
	touch(r->category);
	touch(r->summary);
	touch(r->outcome);
	if ((int)r->level < 0 || r->level >= LADDER_N || (int)r->top < 0 ||
	    r->top >= LADDER_N)
		fuzz_bug("request %s at level %d, top %d", r->id, r->level,
		    r->top);
	touch(store_ladder_name(r->level));
	touch(store_request_status_name(r->status));
	return 0;
}

/* What `household list`, `request list` and `report` ask. */
static void
run_queries(struct store_txn *t)
{
	struct store_query		 q;
	struct store_request_filter	 f = { STORE_REQ_OPEN | STORE_REQ_OVERDUE,
					    LADDER_SPOT };
	struct store_report		*rep;
	enum store_status		 rc;
	size_t				 i;
	int				 by;

	q.from = store_date_parse("1900-01-01");
	q.to = store_date_parse("2999-12-31");
	q.today = store_date_parse("2026-11-30");
	q.reply_days = 30;
	if ((rc = store_list_households(t, &q, 0, household_cb, NULL)) !=
	    STORE_OK || (rc = store_list_households(t, &q, 1, household_cb,
	    NULL)) != STORE_OK ||
	    (rc = store_list_requests(t, &q, NULL, request_cb, NULL)) !=
	    STORE_OK || (rc = store_list_requests(t, &q, &f, request_cb,
	    NULL)) != STORE_OK)
		fuzz_bug("a list over received entries: %s: %s",
		    store_strerror(rc), store_errmsg(st));
	for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
		if ((rc = store_report(t, &q, by, &rep)) != STORE_OK)
			fuzz_bug("the report over received entries: %s: %s",
			    store_strerror(rc), store_errmsg(st));
		for (i = 0; i < rep->nrows; i++) {
			if (memchr(rep->rows[i].unit, '\0',
			    sizeof(rep->rows[i].unit)) == NULL)
				fuzz_bug("a report unit not terminated");
			(void)store_report_coverage(&rep->rows[i]);
		}
		(void)store_report_coverage(&rep->total);
		store_report_free(rep);
	}
}

static enum store_status
put_lines(struct store_txn *t, void *arg)
{
	struct input		*in = arg;
	struct store_entry_head	 h;
	const char		*p = in->data, *end = in->data + in->size, *nl;
	size_t			 len, n;
	char			 err[256];
	enum store_status	 peek, rc;

	for (n = 0; p < end && n < MAX_LINES; n++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		err[0] = '\0';
		peek = store_entry_peek(p, len, &h, err, sizeof(err));
		if (peek == STORE_OK)
			check_head(&h);
		else if (peek != STORE_INVALID || err[0] == '\0')
			fuzz_bug("store_entry_peek: %s, \"%s\"",
			    store_strerror(peek), err);
		rc = store_put_entry(t, p, len);
		if (rc == STORE_FULL)
			return STORE_FULL;	/* the map grows, all again */
		if (peek != STORE_OK && rc != STORE_INVALID)
			fuzz_bug("store_put_entry gave %s for a line peek "
			    "refused", store_strerror(rc));
		if (rc != STORE_OK && rc != STORE_INVALID && rc != STORE_BROKEN)
			fuzz_bug("store_put_entry: %s: %s", store_strerror(rc),
			    store_errmsg(st));
		if (rc == STORE_INVALID && peek == STORE_OK)
			fuzz_bug("store_put_entry refused a line peek took: "
			    "%s", store_errmsg(st));
		if (rc == STORE_OK)
			check_put(t, &h, p, len);
	}
	run_queries(t);
	check_own_append(t);
	return ROLLBACK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input		in = { (const char *)data, size };
	char			dir[4200];
	enum store_status	rc;

	if (st == NULL) {
		snprintf(dir, sizeof(dir), "%s", fuzz_tmpdir());
		if ((rc = store_open(dir, STORE_CREATE, &st)) != STORE_OK)
			fuzz_bug("store_open %s: %s", dir, store_errmsg(st));
	}
	rc = store_write(st, put_lines, &in);
	if (rc != ROLLBACK)
		fuzz_bug("store_write: %s: %s", store_strerror(rc),
		    store_errmsg(st));
	return 0;
}
