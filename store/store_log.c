/*
 * Logs: the append-only, hash-chained entries of each NODE/STREAM, and the
 * signed checkpoints of their prefixes.  Invariants: a log's seqs run from 1
 * with no gap; entry n holds the hash of entry n-1 in prev; the log's meta
 * holds the hash of its last entry; the records fold every entry that is
 * appended, in the same transaction.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

static void
logmeta_pack(const struct logmeta *m, unsigned char *p)
{
	be32_put(p, m->id);
	be64_put(p + 4, m->seq);
	memcpy(p + 12, m->head, STORE_HASH_BYTES);
	be32_put(p + 12 + STORE_HASH_BYTES, m->flags);
}

enum store_status
logmeta_get(struct store_txn *t, const char *log, struct logmeta *m)
{
	MDB_val			 k, v;
	const unsigned char	*p;
	int			 mrc;

	k.mv_data = (void *)log;
	k.mv_size = strlen(log);
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_LOGS], &k, &v)) != 0)
		return store_mdb(t->st, mrc, "log meta");
	if (v.mv_size != LOGMETA_BYTES)
		return store_fail(t->st, STORE_CORRUPT, "%s: bad log meta", log);
	p = v.mv_data;
	m->id = be32_get(p);
	m->seq = be64_get(p + 4);
	memcpy(m->head, p + 12, STORE_HASH_BYTES);
	m->flags = be32_get(p + 12 + STORE_HASH_BYTES);
	return STORE_OK;
}

enum store_status
logmeta_put(struct store_txn *t, const char *log, const struct logmeta *m)
{
	unsigned char	buf[LOGMETA_BYTES];
	MDB_val		k, v;

	logmeta_pack(m, buf);
	k.mv_data = (void *)log;
	k.mv_size = strlen(log);
	v.mv_data = buf;
	v.mv_size = sizeof(buf);
	return store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_LOGS], &k, &v,
	    0), "log meta");
}

enum store_status
logname_get(struct store_txn *t, uint32_t id, char name[STORE_LOG_MAX + 1])
{
	unsigned char	kb[4];
	MDB_val		k, v;
	int		mrc;

	be32_put(kb, id);
	k.mv_data = kb;
	k.mv_size = 4;
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_LOGIDS], &k, &v)) != 0)
		return store_mdb(t->st, mrc, "log id");
	if (v.mv_size == 0 || v.mv_size > STORE_LOG_MAX)
		return store_fail(t->st, STORE_CORRUPT, "bad log id %u", id);
	memcpy(name, v.mv_data, v.mv_size);
	name[v.mv_size] = '\0';
	return STORE_OK;
}

/* The log's meta, made (with a new id) when the log is new. */
static enum store_status
logmeta_make(struct store_txn *t, const char *log, struct logmeta *m)
{
	struct store_buf	 b = STORE_BUF_INIT;
	unsigned char		 kb[4];
	char			 num[16];
	MDB_val			 k, v;
	enum store_status	 rc;

	if ((rc = logmeta_get(t, log, m)) != STORE_NOTFOUND)
		return rc;
	memset(m, 0, sizeof(*m));
	rc = store_meta_get(t, "next.log", &b);
	if (rc == STORE_OK)
		m->id = (uint32_t)strtoul(b.data, NULL, 10);
	else if (rc != STORE_NOTFOUND)
		goto out;
	m->id++;
	snprintf(num, sizeof(num), "%" PRIu32, m->id);
	if ((rc = store_meta_put(t, "next.log", num)) != STORE_OK)
		goto out;
	be32_put(kb, m->id);
	k.mv_data = kb;
	k.mv_size = 4;
	v.mv_data = (void *)log;
	v.mv_size = strlen(log);
	if ((rc = store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_LOGIDS], &k,
	    &v, 0), "log id")) != STORE_OK)
		goto out;
	rc = logmeta_put(t, log, m);
out:
	store_buf_free(&b);
	return rc;
}

enum store_status
store_log_info(struct store_txn *t, const char *log, struct store_loginfo *li)
{
	struct logmeta		m;
	enum store_status	rc;

	memset(li, 0, sizeof(*li));
	if (!store_valid_log(log))
		return store_fail(t->st, STORE_INVALID, "invalid log name");
	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	snprintf(li->name, sizeof(li->name), "%s", log);
	li->seq = m.seq;
	memcpy(li->head, m.head, STORE_HASH_BYTES);
	li->frozen = (m.flags & LOGMETA_FROZEN) != 0;
	return STORE_OK;
}

enum store_status
store_logs_foreach(struct store_txn *t, store_log_cb fn, void *arg)
{
	MDB_cursor		*c;
	MDB_val			 k, v;
	struct store_loginfo	 li;
	const unsigned char	*p;
	int			 mrc;

	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_LOGS], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size > STORE_LOG_MAX || v.mv_size != LOGMETA_BYTES) {
			mdb_cursor_close(c);
			return store_fail(t->st, STORE_CORRUPT, "bad log meta");
		}
		memset(&li, 0, sizeof(li));
		memcpy(li.name, k.mv_data, k.mv_size);
		p = v.mv_data;
		li.seq = be64_get(p + 4);
		memcpy(li.head, p + 12, STORE_HASH_BYTES);
		li.frozen = (be32_get(p + 12 + STORE_HASH_BYTES) &
		    LOGMETA_FROZEN) != 0;
		if (fn(&li, arg) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "logs");
	return STORE_OK;
}

static void
seqkey(unsigned char kb[12], uint32_t id, uint64_t seq)
{
	be32_put(kb, id);
	be64_put(kb + 4, seq);
}

/* Writes the entry bytes and moves the log's head; the chain was checked. */
static enum store_status
entry_store(struct store_txn *t, const char *log, struct logmeta *m,
    const char *line, size_t len)
{
	unsigned char		kb[12];
	MDB_val			k, v;
	enum store_status	rc;
	int			mrc;

	m->seq++;
	seqkey(kb, m->id, m->seq);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)line;
	v.mv_size = len;
	/* MDB_APPEND is the fast path; it refuses when another log's keys
	 * sort after this one's, and then a plain put does. */
	mrc = mdb_put(t->txn, t->st->dbi[DBI_ENTRIES], &k, &v, MDB_APPEND);
	if (mrc == MDB_KEYEXIST)
		mrc = mdb_put(t->txn, t->st->dbi[DBI_ENTRIES], &k, &v,
		    MDB_NOOVERWRITE);
	if ((rc = store_mdb(t->st, mrc, "entry")) != STORE_OK)
		return rc;
	store_hash(line, len, m->head);
	return logmeta_put(t, log, m);
}

#define HLC_ADOPT_MAX	((uint64_t)1 << 52)	/* microseconds: year 2112 */

static uint64_t
wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static enum store_status
hlc_get(struct store_txn *t, uint64_t *hlc)
{
	struct store_buf	b = STORE_BUF_INIT;
	enum store_status	rc;

	*hlc = 0;
	rc = store_meta_get(t, "hlc", &b);
	if (rc == STORE_OK)
		*hlc = strtoull(b.data, NULL, 10);
	store_buf_free(&b);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static enum store_status
hlc_put(struct store_txn *t, uint64_t hlc)
{
	char	num[24];

	snprintf(num, sizeof(num), "%" PRIu64, hlc);
	return store_meta_put(t, "hlc", num);
}

/* Appends s as a JSON string: quotes, backslashes and controls escaped. */
static enum store_status
json_quote(struct store_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	enum store_status	 rc;
	const char		*run;
	char			 esc[7];

	if ((rc = store_buf_add(b, "\"", 1)) != STORE_OK)
		return rc;
	for (run = s; *s != '\0'; s++) {
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			continue;
		if ((rc = store_buf_add(b, run, (size_t)(s - run))) != STORE_OK)
			return rc;
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			rc = store_buf_add(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[(unsigned char)*s >> 4];
			esc[5] = hex[*s & 0xf];
			rc = store_buf_add(b, esc, 6);
		}
		if (rc != STORE_OK)
			return rc;
		run = s + 1;
	}
	if ((rc = store_buf_add(b, run, (size_t)(s - run))) != STORE_OK)
		return rc;
	return store_buf_add(b, "\"", 1);
}

/*
 * The entry that store_append() writes, made from its parts: only the body
 * is parsed, once; the header is this node's own and needs no parsing.
 */
static enum store_status
entry_make(struct entry *e, const char *log, uint64_t seq, const char *prev,
    uint64_t hlc, const char *at, const char *type, const char *by,
    const char *body, char *err, size_t errlen)
{
	const char	*end;
	size_t		 len = strlen(body);

	memset(e, 0, sizeof(*e));
	if (!store_text_valid(by, strlen(by)) || strlen(by) > 256) {
		snprintf(err, errlen, "by is not a short line of UTF-8 text");
		return STORE_INVALID;
	}
	if (len > STORE_ENTRY_MAX - 512 || memchr(body, '\n', len) != NULL ||
	    !store_text_valid(body, len)) {
		snprintf(err, errlen, "body is not one line of UTF-8 text");
		return STORE_INVALID;
	}
	e->root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (e->root == NULL || !cJSON_IsObject(e->root) ||
	    (size_t)(end - body) != len) {
		entry_free(e);
		snprintf(err, errlen, "body is not a JSON object");
		return STORE_INVALID;
	}
	e->body = e->root;
	e->log = log;
	e->seq = seq;
	e->prev = prev;
	e->hlc = hlc;
	e->at = at;
	e->type = type;
	e->by = by;
	return STORE_OK;
}

enum store_status
store_append(struct store_txn *t, const char *log, const char *type,
    const char *by, const char *body, uint64_t *seq)
{
	struct store_buf	 line = STORE_BUF_INIT;
	struct logmeta		 m;
	struct entry		 e;
	struct tm		 tm;
	time_t			 secs;
	uint64_t		 now, hlc;
	char			 head[65], at[64], hdr[320], err[256];
	enum store_status	 rc;

	memset(&e, 0, sizeof(e));
	if (!store_valid_log(log))
		return store_fail(t->st, STORE_INVALID, "invalid log name");
	if ((rc = logmeta_make(t, log, &m)) != STORE_OK)
		goto out;
	if (m.flags & LOGMETA_FROZEN) {
		rc = store_fail(t->st, STORE_INVALID, "%s is frozen", log);
		goto out;
	}
	if ((rc = hlc_get(t, &hlc)) != STORE_OK)
		goto out;
	now = wall_us();
	hlc = now > hlc ? now : hlc + 1;
	secs = (time_t)(now / 1000000);
	gmtime_r(&secs, &tm);
	snprintf(at, sizeof(at), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(now / 1000 % 1000));
	if (m.seq == 0)
		memset(head, '0', 64);
	else
		store_hash_hex(m.head, head);
	head[64] = '\0';
	if (entry_make(&e, log, m.seq + 1, head, hlc, at, type, by, body, err,
	    sizeof(err)) != STORE_OK) {
		rc = store_fail(t->st, STORE_INVALID, "%s", err);
		goto out;
	}
	/* The fold checks the type and the body before the line is made. */
	if ((rc = records_apply(t, &e, 1, err, sizeof(err))) != STORE_OK) {
		if (rc == STORE_INVALID)
			store_fail(t->st, rc, "%s", err);
		goto out;
	}
	snprintf(hdr, sizeof(hdr), "{\"v\":1,\"log\":\"%s\",\"seq\":%" PRIu64
	    ",\"prev\":\"%s\",\"hlc\":%" PRIu64 ",\"at\":\"%s\",\"type\":\"%s\""
	    ",\"by\":", log, m.seq + 1, head, hlc, at, type);
	if ((rc = store_buf_addstr(&line, hdr)) != STORE_OK ||
	    (rc = json_quote(&line, by)) != STORE_OK ||
	    (rc = store_buf_addstr(&line, ",\"body\":")) != STORE_OK ||
	    (rc = store_buf_addstr(&line, body)) != STORE_OK ||
	    (rc = store_buf_addstr(&line, "}")) != STORE_OK)
		goto out;
	if (line.len > STORE_ENTRY_MAX) {
		rc = store_fail(t->st, STORE_INVALID, "entry of %zu bytes",
		    line.len);
		goto out;
	}
	if ((rc = entry_store(t, log, &m, line.data, line.len)) != STORE_OK ||
	    (rc = hlc_put(t, hlc)) != STORE_OK)
		goto out;
	if (seq != NULL)
		*seq = m.seq;
out:
	entry_free(&e);
	store_buf_free(&line);
	return rc;
}

static enum store_status
skipped_put(struct store_txn *t, uint32_t id, uint64_t seq, const char *why)
{
	unsigned char	kb[12];
	MDB_val		k, v;

	seqkey(kb, id, seq);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)why;
	v.mv_size = strlen(why);
	return store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_SKIPPED], &k,
	    &v, 0), "skipped");
}

enum store_status
store_put_entry(struct store_txn *t, const char *line, size_t len)
{
	struct logmeta		m;
	struct entry		e;
	uint64_t		hlc;
	char			head[65], err[256];
	enum store_status	rc;

	if (entry_parse(line, len, &e, err, sizeof(err)) != STORE_OK)
		return store_fail(t->st, STORE_INVALID, "%s", err);
	if ((rc = logmeta_make(t, e.log, &m)) != STORE_OK)
		goto out;
	if (m.flags & LOGMETA_FROZEN) {
		rc = store_fail(t->st, STORE_BROKEN, "%s is frozen", e.log);
		goto out;
	}
	if (e.seq != m.seq + 1) {
		rc = store_fail(t->st, STORE_BROKEN, "%s: seq %" PRIu64
		    " where %" PRIu64 " was due", e.log, e.seq, m.seq + 1);
		goto out;
	}
	if (m.seq == 0)
		memset(head, '0', 64);
	else
		store_hash_hex(m.head, head);
	head[64] = '\0';
	if (strcmp(head, e.prev) != 0) {
		rc = store_fail(t->st, STORE_BROKEN, "%s: seq %" PRIu64
		    ": prev does not match", e.log, e.seq);
		goto out;
	}
	if ((rc = entry_store(t, e.log, &m, line, len)) != STORE_OK)
		goto out;
	/*
	 * The node's clock moves past every clock it has seen, short of an
	 * absurd one (past 2112): its own next entry must still be exact.
	 */
	if ((rc = hlc_get(t, &hlc)) != STORE_OK)
		goto out;
	if (e.hlc > hlc && e.hlc < HLC_ADOPT_MAX &&
	    (rc = hlc_put(t, e.hlc)) != STORE_OK)
		goto out;
	rc = records_apply(t, &e, 0, err, sizeof(err));
	if (rc == STORE_INVALID)
		rc = skipped_put(t, m.id, e.seq, err);
out:
	entry_free(&e);
	return rc;
}

enum store_status
store_log_get(struct store_txn *t, const char *log, uint64_t seq,
    const char **line, size_t *len)
{
	struct logmeta		m;
	unsigned char		kb[12];
	MDB_val			k, v;
	enum store_status	rc;

	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	seqkey(kb, m.id, seq);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	if ((rc = store_mdb(t->st, mdb_get(t->txn, t->st->dbi[DBI_ENTRIES], &k,
	    &v), "entry")) != STORE_OK)
		return rc;
	if (!val_ok(t, &v) || v.mv_size > STORE_ENTRY_MAX)
		return store_fail(t->st, STORE_CORRUPT, "%s seq %llu: damaged "
		    "(its stored length is impossible)", log,
		    (unsigned long long)seq);
	*line = v.mv_data;
	*len = v.mv_size;
	return STORE_OK;
}

/* Walks the (log id, seq) keys of dbi for one log, after seq. */
static enum store_status
walk(struct store_txn *t, int dbi, uint32_t id, uint64_t after,
    store_entry_cb fn, void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	unsigned char	 kb[12];
	int		 mrc;

	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[dbi], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	seqkey(kb, id, after + 1);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 12 || be32_get(k.mv_data) != id)
			break;
		if (!val_ok(t, &v) || v.mv_size > STORE_ENTRY_MAX) {
			mdb_cursor_close(c);
			return store_fail(t->st, STORE_CORRUPT, "seq %llu: "
			    "damaged (its stored length is impossible)",
			    (unsigned long long)be64_get((unsigned char *)
			    k.mv_data + 4));
		}
		if (fn(be64_get((unsigned char *)k.mv_data + 4), v.mv_data,
		    v.mv_size, arg) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "walk");
	return STORE_OK;
}

enum store_status
store_log_foreach(struct store_txn *t, const char *log, uint64_t after,
    store_entry_cb fn, void *arg)
{
	struct logmeta		m;
	enum store_status	rc;

	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	return walk(t, DBI_ENTRIES, m.id, after, fn, arg);
}

enum store_status
store_put_checkpoint(struct store_txn *t, const char *log, uint64_t seq,
    const char *line, size_t len)
{
	struct logmeta		m;
	unsigned char		kb[12];
	MDB_val			k, v;
	enum store_status	rc;

	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	seqkey(kb, m.id, seq);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)line;
	v.mv_size = len;
	return store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_CKPTS], &k, &v,
	    0), "checkpoint");
}

enum store_status
store_checkpoint_foreach(struct store_txn *t, const char *log,
    store_entry_cb fn, void *arg)
{
	struct logmeta		m;
	enum store_status	rc;

	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	return walk(t, DBI_CKPTS, m.id, 0, fn, arg);
}

struct lastck {
	uint64_t	 seq;
	const char	*line;
	size_t		 len;
};

static int
lastck_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct lastck	*l = arg;

	l->seq = seq;
	l->line = line;
	l->len = len;
	return 0;
}

enum store_status
store_checkpoint_last(struct store_txn *t, const char *log, uint64_t *seq,
    const char **line, size_t *len)
{
	struct lastck		l = { 0, NULL, 0 };
	enum store_status	rc;

	if ((rc = store_checkpoint_foreach(t, log, lastck_cb, &l)) != STORE_OK)
		return rc;
	if (l.line == NULL)
		return STORE_NOTFOUND;
	*seq = l.seq;
	*line = l.line;
	*len = l.len;
	return STORE_OK;
}

enum store_status
store_skipped_foreach(struct store_txn *t, store_skipped_cb fn, void *arg)
{
	MDB_cursor		*c;
	MDB_val			 k, v;
	char			 log[STORE_LOG_MAX + 1], why[512];
	enum store_status	 rc = STORE_OK;
	int			 mrc;

	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_SKIPPED], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 12)
			continue;
		if ((rc = logname_get(t, be32_get(k.mv_data), log)) != STORE_OK)
			break;
		snprintf(why, sizeof(why), "%.*s", (int)v.mv_size,
		    (const char *)v.mv_data);
		if (fn(log, be64_get((unsigned char *)k.mv_data + 4), why,
		    arg) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc == STORE_OK && mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "skipped");
	return rc;
}

enum store_status
store_skipped_get(struct store_txn *t, const char *log, uint64_t seq,
    char *why, size_t whylen)
{
	struct logmeta		m;
	unsigned char		kb[12];
	MDB_val			k, v;
	enum store_status	rc;
	int			mrc;

	if ((rc = logmeta_get(t, log, &m)) != STORE_OK)
		return rc;
	seqkey(kb, m.id, seq);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_SKIPPED], &k, &v)) != 0)
		return store_mdb(t->st, mrc, "skipped");
	snprintf(why, whylen, "%.*s", (int)v.mv_size, (const char *)v.mv_data);
	return STORE_OK;
}

static void
evidence_key(const char *log, char *out, size_t len)
{
	snprintf(out, len, "fork:%s", log);
}

enum store_status
store_log_freeze(struct store_txn *t, const char *log, const char *evidence)
{
	struct logmeta		m;
	char			key[STORE_LOG_MAX + 8];
	enum store_status	rc;

	if ((rc = logmeta_make(t, log, &m)) != STORE_OK)
		return rc;
	m.flags |= LOGMETA_FROZEN;
	if ((rc = logmeta_put(t, log, &m)) != STORE_OK)
		return rc;
	evidence_key(log, key, sizeof(key));
	return store_meta_put(t, key, evidence);
}

enum store_status
store_log_evidence(struct store_txn *t, const char *log, const char **text,
    size_t *len)
{
	MDB_val	k, v;
	char	key[STORE_LOG_MAX + 8];
	int	mrc;

	evidence_key(log, key, sizeof(key));
	k.mv_data = key;
	k.mv_size = strlen(key);
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_META], &k, &v)) != 0)
		return store_mdb(t->st, mrc, "evidence");
	*text = v.mv_data;
	*len = v.mv_size;
	return STORE_OK;
}
