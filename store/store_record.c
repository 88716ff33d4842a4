/*
 * Records: the folded state of every member, household, visit, request,
 * student, donation, evaluation and peer, and the index of the entries that
 * made each one.  Invariants: a record's state is the fold of the entries in
 * its index, in key order; the index key is kind, id, NUL, hlc, log, NUL,
 * seq, so a cursor walks a record's entries in (hlc, log, seq) order.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static enum store_status
reckey(struct store_buf *b, char kind, const char *id)
{
	enum store_status	rc;

	store_buf_reset(b);
	if ((rc = store_buf_add(b, &kind, 1)) != STORE_OK)
		return rc;
	return store_buf_addstr(b, id);
}

/* The event key of entry e in record (kind, id). */
static enum store_status
evkey(struct store_buf *b, char kind, const char *id, const struct entry *e)
{
	unsigned char		n[8];
	enum store_status	rc;

	if ((rc = reckey(b, kind, id)) != STORE_OK ||
	    (rc = store_buf_add(b, "", 1)) != STORE_OK)
		return rc;
	be64_put(n, e->hlc);
	if ((rc = store_buf_add(b, n, 8)) != STORE_OK ||
	    (rc = store_buf_addstr(b, e->log)) != STORE_OK ||
	    (rc = store_buf_add(b, "", 1)) != STORE_OK)
		return rc;
	be64_put(n, e->seq);
	return store_buf_add(b, n, 8);
}

static enum store_status
state_get(struct store_txn *t, const struct store_buf *key, cJSON **state)
{
	MDB_val	k, v;
	int	mrc;

	*state = NULL;
	k.mv_data = key->data;
	k.mv_size = key->len;
	mrc = mdb_get(t->txn, t->st->dbi[DBI_RECORDS], &k, &v);
	if (mrc == MDB_NOTFOUND)
		return STORE_OK;
	if (mrc != 0)
		return store_mdb(t->st, mrc, "record");
	if (!val_ok(t, &v) ||
	    (*state = cJSON_ParseWithLength(v.mv_data, v.mv_size)) == NULL)
		return store_fail(t->st, STORE_CORRUPT, "record %.*s unreadable",
		    (int)key->len, key->data);
	return STORE_OK;
}

static enum store_status
state_put(struct store_txn *t, const struct store_buf *key, const cJSON *st)
{
	MDB_val			 k, v;
	char			*p;
	enum store_status	 rc;

	if ((p = cJSON_PrintUnformatted(st)) == NULL)
		return STORE_NOMEM;
	k.mv_data = key->data;
	k.mv_size = key->len;
	v.mv_data = p;
	v.mv_size = strlen(p);
	rc = store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_RECORDS], &k, &v,
	    0), "record");
	cJSON_free(p);
	return rc;
}

struct refctx {
	struct store_txn	*t;
};

static enum store_status
ref_exists(char kind, const char *id, void *arg)
{
	struct refctx		*r = arg;
	const char		*json;
	size_t			 len;
	cJSON			*j;
	int			 removed;
	enum store_status	 rc;

	if ((rc = store_get_record(r->t, kind, id, &json, &len)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	if (kind != STORE_K_HOUSEHOLD)
		return STORE_OK;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return STORE_CORRUPT;
	removed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "removed"));
	cJSON_Delete(j);
	return removed ? STORE_INVALID : STORE_OK;
}

/* Reads the entry named by an event key's log and seq. */
static enum store_status
event_entry(struct store_txn *t, const MDB_val *k, size_t prefix,
    struct entry *e, char *err, size_t errlen)
{
	const char		*p = (const char *)k->mv_data + prefix + 8;
	const char		*line;
	char			 log[STORE_LOG_MAX + 1];
	size_t			 n, len, rest = k->mv_size - prefix - 8;
	uint64_t		 seq;
	enum store_status	 rc;

	if ((n = strnlen(p, rest)) >= rest || rest - n - 1 != 8 ||
	    n > STORE_LOG_MAX)
		return store_fail(t->st, STORE_CORRUPT, "bad event key");
	memcpy(log, p, n);
	log[n] = '\0';
	seq = be64_get((const unsigned char *)p + n + 1);
	if ((rc = store_log_get(t, log, seq, &line, &len)) != STORE_OK)
		return rc == STORE_NOTFOUND ? store_fail(t->st, STORE_CORRUPT,
		    "%s seq %llu indexed but missing", log,
		    (unsigned long long)seq) : rc;
	if (entry_parse(line, len, e, err, errlen) != STORE_OK)
		return store_fail(t->st, STORE_CORRUPT, "%s seq %llu: %s", log,
		    (unsigned long long)seq, err);
	return STORE_OK;
}

/*
 * Folds a record again from all its indexed entries, in order.  Entries that
 * no longer apply in the new order are passed over, as the fold would.
 */
static enum store_status
refold(struct store_txn *t, const struct store_buf *rk, cJSON **out)
{
	MDB_cursor		*c;
	MDB_val			 k, v;
	struct entry		 e;
	cJSON			*st = NULL, *next;
	char			 err[256];
	enum store_status	 rc = STORE_OK;
	int			 mrc;

	*out = NULL;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_EVENTS], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = rk->data;
	k.mv_size = rk->len + 1;	/* with the NUL that ends the id */
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < rk->len + 1 + 8 ||
		    memcmp(k.mv_data, rk->data, rk->len + 1) != 0)
			break;
		if ((rc = event_entry(t, &k, rk->len + 1, &e, err,
		    sizeof(err))) != STORE_OK)
			break;
		rc = fold_apply(st, &e, &next, err, sizeof(err));
		entry_free(&e);
		if (rc == STORE_INVALID)
			continue;
		if (rc != STORE_OK)
			break;
		cJSON_Delete(st);
		st = next;
	}
	mdb_cursor_close(c);
	if (rc == STORE_INVALID)
		rc = STORE_OK;
	if (rc == STORE_OK && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(t->st, mrc, "events");
	if (rc != STORE_OK) {
		cJSON_Delete(st);
		return rc;
	}
	*out = st;
	return STORE_OK;
}

/* Whether the record has an indexed entry after key ek. */
static enum store_status
has_later(struct store_txn *t, const struct store_buf *rk,
    const struct store_buf *ek, int *later)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	int		 mrc;

	*later = 0;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_EVENTS], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = ek->data;
	k.mv_size = ek->len;
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (mrc == 0 && k.mv_size == ek->len &&
	    memcmp(k.mv_data, ek->data, ek->len) == 0)
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	if (mrc == 0 && k.mv_size >= rk->len + 1 &&
	    memcmp(k.mv_data, rk->data, rk->len + 1) == 0)
		*later = 1;
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "events");
	return STORE_OK;
}

enum store_status
records_apply(struct store_txn *t, const struct entry *e, int strict,
    char *err, size_t errlen)
{
	struct store_buf	 rk = STORE_BUF_INIT, ek = STORE_BUF_INIT;
	struct refctx		 ref = { t };
	MDB_val			 k, v;
	cJSON			*state = NULL, *next = NULL;
	const char		*id;
	char			 kind;
	int			 later;
	enum store_status	 rc;

	if ((rc = fold_target(e, &kind, &id, err, errlen)) != STORE_OK)
		return rc;
	/*
	 * What this node writes itself must name records it holds.  What it
	 * receives may arrive before the records it names; the fold passes
	 * over it until they come, whatever the order of arrival.
	 */
	if (strict &&
	    (rc = fold_refs(e, ref_exists, &ref, err, errlen)) != STORE_OK)
		goto out;
	if ((rc = reckey(&rk, kind, id)) != STORE_OK ||
	    (rc = evkey(&ek, kind, id, e)) != STORE_OK ||
	    (rc = has_later(t, &rk, &ek, &later)) != STORE_OK)
		goto out;
	if (!later) {
		/* The usual case: the entry is the record's newest. */
		if ((rc = state_get(t, &rk, &state)) != STORE_OK)
			goto out;
		rc = fold_step(state, e, &next, err, errlen);
		if (rc == STORE_INVALID && !strict)
			rc = STORE_OK;
		if (rc != STORE_OK)
			goto out;
	}
	k.mv_data = ek.data;
	k.mv_size = ek.len;
	v.mv_data = "";
	v.mv_size = 0;
	if ((rc = store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_EVENTS], &k,
	    &v, 0), "event")) != STORE_OK)
		goto out;
	/*
	 * An entry that sorts before others of its record (merged from
	 * another log): the record is folded again, with it, in order.
	 */
	if (later && ((rc = state_get(t, &rk, &state)) != STORE_OK ||
	    (rc = refold(t, &rk, &next)) != STORE_OK))
		goto out;
	if (next != NULL)
		rc = state_put(t, &rk, next);
	else if (later) {
		/* In the new order nothing applies: there is no record. */
		k.mv_data = rk.data;
		k.mv_size = rk.len;
		rc = store_mdb(t->st, mdb_del(t->txn, t->st->dbi[DBI_RECORDS],
		    &k, NULL), "record");
		if (rc == STORE_NOTFOUND)
			rc = STORE_OK;
	}
	/* The report's sums follow every change of a record's state. */
	if (rc == STORE_OK && (next != NULL || later))
		rc = agg_record(t, kind, id, state, next);
out:
	cJSON_Delete(state);
	cJSON_Delete(next);
	store_buf_free(&rk);
	store_buf_free(&ek);
	return rc;
}

enum store_status
store_get_record(struct store_txn *t, char kind, const char *id,
    const char **json, size_t *len)
{
	struct store_buf	rk = STORE_BUF_INIT;
	MDB_val			k, v;
	enum store_status	rc;

	if ((rc = reckey(&rk, kind, id)) != STORE_OK)
		return rc;
	k.mv_data = rk.data;
	k.mv_size = rk.len;
	rc = store_mdb(t->st, mdb_get(t->txn, t->st->dbi[DBI_RECORDS], &k, &v),
	    "record");
	store_buf_free(&rk);
	if (rc == STORE_OK && !val_ok(t, &v))
		rc = store_fail(t->st, STORE_CORRUPT, "record %s: damaged", id);
	if (rc == STORE_OK) {
		*json = v.mv_data;
		*len = v.mv_size;
	}
	return rc;
}

enum store_status
store_record_foreach(struct store_txn *t, char kind, store_record_cb fn,
    void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	char		 id[STORE_ID_MAX + 1];
	int		 mrc;

	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_RECORDS], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = &kind;
	k.mv_size = 1;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < 2 || ((char *)k.mv_data)[0] != kind)
			break;
		if (k.mv_size - 1 > STORE_ID_MAX)
			continue;
		if (!val_ok(t, &v)) {
			mdb_cursor_close(c);
			return store_fail(t->st, STORE_CORRUPT, "a record is "
			    "damaged");
		}
		memcpy(id, (char *)k.mv_data + 1, k.mv_size - 1);
		id[k.mv_size - 1] = '\0';
		if (fn(id, v.mv_data, v.mv_size, arg) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "records");
	return STORE_OK;
}

enum store_status
store_record_history(struct store_txn *t, char kind, const char *id,
    store_history_cb fn, void *arg)
{
	struct store_buf	 rk = STORE_BUF_INIT;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	const char		*p, *line;
	char			 log[STORE_LOG_MAX + 1];
	size_t			 n, rest, len;
	uint64_t		 seq;
	enum store_status	 rc;
	int			 mrc;

	if ((rc = reckey(&rk, kind, id)) != STORE_OK ||
	    (rc = store_buf_add(&rk, "", 1)) != STORE_OK)
		goto out;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_EVENTS], &c)) != 0) {
		rc = store_mdb(t->st, mrc, "cursor");
		goto out;
	}
	k.mv_data = rk.data;
	k.mv_size = rk.len;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < rk.len + 8 ||
		    memcmp(k.mv_data, rk.data, rk.len) != 0)
			break;
		p = (const char *)k.mv_data + rk.len + 8;
		rest = k.mv_size - rk.len - 8;
		if ((n = strnlen(p, rest)) >= rest || rest - n - 1 != 8 ||
		    n > STORE_LOG_MAX) {
			rc = store_fail(t->st, STORE_CORRUPT, "bad event key");
			goto out;
		}
		memcpy(log, p, n);
		log[n] = '\0';
		seq = be64_get((const unsigned char *)p + n + 1);
		if ((rc = store_log_get(t, log, seq, &line, &len)) != STORE_OK)
			goto out;
		if (fn(log, seq, line, len, arg) != 0)
			break;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(t->st, mrc, "events");
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_buf_free(&rk);
	return rc;
}
