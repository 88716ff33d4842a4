/*
 * The report's aggregates: sums over the folded records, kept in DBI_AGG in
 * the same transaction as the fold, so that a report reads a few keys per
 * unit instead of every record.  records_apply() calls agg_record() with a
 * record's state before and after each change (a fold step, a refold, a
 * deletion); the contribution of the old state is taken away and the new
 * one's added.  Invariant: DBI_AGG holds exactly the sums of the
 * contributions of the records' current states, as agg_rebuild() would
 * make them from DBI_RECORDS.
 *
 * Keys (unit kind: 'n' node, 'g' group, 't' the total of by-group reports):
 *   'u' kind unit                      sums that do not depend on the period
 *   'p' kind 'D' unit NUL day (u32 BE) sums of one day
 *   'p' kind 'M' unit NUL month (u32)  the same sums of one month
 *   'p' kind 'Y' unit NUL year (u32)   the same of one year, but for visited
 *                                      only a count of first visits
 *   'h' household NUL                  the household's met-visit days
 *   'h' household NUL 'r' request      a request of the household
 *   'e' evaluation id                  node NUL year kind score
 * A household counts as visited in [from, to] when one of its met days d
 * lies in it; exactly one such d has its previous met day p below from.  So
 * each met day is kept as the point (d, p), and visited is the number of
 * points with d in [from, to] and p < from: sums over days and months.
 * The months of all units lie together, apart from the days, so that a
 * report of whole months reads few pages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define DAY_BIAS	0x100000L	/* dates from 1900: day keys unsigned */

/* Adds n to the count of k in a sorted list; a count of 0 leaves it. */
enum store_status
agg_pairs_add(struct agg_pairs *ps, int64_t k, int64_t n)
{
	struct agg_pair	*np;
	size_t		 lo = 0, hi = ps->n, mid, ncap;

	if (n == 0)
		return STORE_OK;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ps->v[mid].k < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ps->n && ps->v[lo].k == k) {
		if ((ps->v[lo].n += n) == 0) {
			memmove(&ps->v[lo], &ps->v[lo + 1],
			    (ps->n - lo - 1) * sizeof(*ps->v));
			ps->n--;
		}
		return STORE_OK;
	}
	if (ps->n == ps->cap) {
		ncap = ps->cap ? ps->cap * 2 : 8;
		if ((np = reallocarray(ps->v, ncap, sizeof(*np))) == NULL)
			return STORE_NOMEM;
		ps->v = np;
		ps->cap = ncap;
	}
	memmove(&ps->v[lo + 1], &ps->v[lo], (ps->n - lo) * sizeof(*ps->v));
	ps->v[lo].k = k;
	ps->v[lo].n = n;
	ps->n++;
	return STORE_OK;
}

void
agg_val_free(struct agg_val *v)
{
	free(v->p[0].v);
	free(v->p[1].v);
	memset(v, 0, sizeof(*v));
}

static int
val_zero(const struct agg_val *v)
{
	int	i;

	for (i = 0; i < AGG_NC; i++)
		if (v->c[i] != 0 && i != AGG_P_MAXDAY)
			return 0;
	return v->p[0].n == 0 && v->p[1].n == 0;
}

/* Adds (sign 1) or takes away (sign -1) d from v. */
static enum store_status
val_add(struct agg_val *v, const struct agg_val *d, int sign)
{
	enum store_status	rc;
	size_t			i;
	int			j;

	for (j = 0; j < AGG_NC; j++)
		if (j != AGG_P_MAXDAY)
			v->c[j] += sign * d->c[j];
		else if (d->c[j] > v->c[j])
			v->c[j] = d->c[j];
	for (j = 0; j < 2; j++)
		for (i = 0; i < d->p[j].n; i++)
			if ((rc = agg_pairs_add(&v->p[j], d->p[j].v[i].k,
			    sign * d->p[j].v[i].n)) != STORE_OK)
				return rc;
	return STORE_OK;
}

/* Values: counters, then the two lists; LEB128, zigzag for signed. */
static enum store_status
put_varint(struct store_buf *b, uint64_t x)
{
	unsigned char	tmp[10];
	size_t		n = 0;

	do {
		tmp[n] = x & 0x7f;
		x >>= 7;
		if (x != 0)
			tmp[n] |= 0x80;
		n++;
	} while (x != 0);
	return store_buf_add(b, tmp, n);
}

static int
get_varint(const unsigned char **p, const unsigned char *end, uint64_t *x)
{
	int	shift = 0;

	*x = 0;
	while (*p < end && shift < 64) {
		*x |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

static uint64_t
zig(int64_t x)
{
	return ((uint64_t)x << 1) ^ (uint64_t)(x >> 63);
}

static int64_t
unzig(uint64_t x)
{
	return (int64_t)(x >> 1) ^ -(int64_t)(x & 1);
}

static enum store_status
val_encode(const struct agg_val *v, struct store_buf *b)
{
	enum store_status	rc;
	size_t			i;
	int			j, nc;

	store_buf_reset(b);
	for (nc = AGG_NC; nc > 0 && v->c[nc - 1] == 0; nc--)
		;
	if ((rc = put_varint(b, (uint64_t)nc)) != STORE_OK)
		return rc;
	for (j = 0; j < nc; j++)
		if ((rc = put_varint(b, zig(v->c[j]))) != STORE_OK)
			return rc;
	for (j = 0; j < 2; j++) {
		if ((rc = put_varint(b, v->p[j].n)) != STORE_OK)
			return rc;
		for (i = 0; i < v->p[j].n; i++)
			if ((rc = put_varint(b, zig(v->p[j].v[i].k))) !=
			    STORE_OK ||
			    (rc = put_varint(b, zig(v->p[j].v[i].n))) !=
			    STORE_OK)
				return rc;
	}
	return STORE_OK;
}

/*
 * Adds the value in bytes p..p+len to v, times sign.  With below, the
 * second list is not kept: the counts of its keys under *below are added
 * to *count instead (the visited points of a report).
 */
enum store_status
agg_val_decode_add(const void *data, size_t len, struct agg_val *v, int sign,
    const int64_t *below, int64_t *count)
{
	const unsigned char	*p = data, *end = p + len;
	uint64_t		 nc, n, k, c;
	enum store_status	 rc;
	size_t			 i;
	int			 j;

	if (get_varint(&p, end, &nc) != 0 || nc > AGG_NC)
		return STORE_CORRUPT;
	for (j = 0; j < (int)nc; j++) {
		if (get_varint(&p, end, &c) != 0)
			return STORE_CORRUPT;
		v->c[j] += sign * unzig(c);
	}
	for (j = 0; j < 2; j++) {
		if (get_varint(&p, end, &n) != 0 || n > len)
			return STORE_CORRUPT;
		for (i = 0; i < n; i++) {
			if (get_varint(&p, end, &k) != 0 ||
			    get_varint(&p, end, &c) != 0)
				return STORE_CORRUPT;
			if (j == 1 && below != NULL) {
				if (unzig(k) < *below)
					*count += sign * unzig(c);
				continue;
			}
			if ((rc = agg_pairs_add(&v->p[j], unzig(k),
			    sign * unzig(c))) != STORE_OK)
				return rc;
		}
	}
	return p == end ? STORE_OK : STORE_CORRUPT;
}

/* The changes one record makes, summed per key before they are written. */
struct change {
	unsigned char	 key[AGG_KEY_MAX];
	size_t		 klen;
	struct agg_val	 d;
};

/* Changes are allocated one by one: a slot's address stays valid. */
struct batch {
	struct store_txn	*t;
	struct change		**c;
	size_t			 n, cap;
};

static void
batch_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		agg_val_free(&b->c[i]->d);
		free(b->c[i]);
	}
	free(b->c);
}

static struct agg_val *
batch_slot(struct batch *b, const unsigned char *key, size_t klen)
{
	struct change	**nc;
	size_t		  i, ncap;

	for (i = 0; i < b->n; i++)
		if (b->c[i]->klen == klen &&
		    memcmp(b->c[i]->key, key, klen) == 0)
			return &b->c[i]->d;
	if (b->n == b->cap) {
		ncap = b->cap ? b->cap * 2 : 8;
		if ((nc = reallocarray(b->c, ncap, sizeof(*nc))) == NULL)
			return NULL;
		b->c = nc;
		b->cap = ncap;
	}
	if ((b->c[b->n] = calloc(1, sizeof(**b->c))) == NULL)
		return NULL;
	memcpy(b->c[b->n]->key, key, klen);
	b->c[b->n]->klen = klen;
	return &b->c[b->n++]->d;
}

/*
 * Reads, changes and writes back (or deletes, when all is 0) each key,
 * through one cursor: the write goes where the read found the key.
 */
static enum store_status
batch_flush(struct batch *b)
{
	struct store_txn	*t = b->t;
	struct store_buf	 buf = STORE_BUF_INIT;
	struct agg_val		 v;
	MDB_cursor		*c;
	MDB_val			 k, d;
	enum store_status	 rc = STORE_OK;
	size_t			 i;
	int			 mrc;

	if (b->n == 0)
		return STORE_OK;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	memset(&v, 0, sizeof(v));
	for (i = 0; i < b->n && rc == STORE_OK; i++) {
		if (val_zero(&b->c[i]->d))
			continue;
		agg_val_free(&v);
		k.mv_data = b->c[i]->key;
		k.mv_size = b->c[i]->klen;
		mrc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY);
		if (mrc == 0) {
			if (!val_ok(t, &d) || agg_val_decode_add(d.mv_data,
			    d.mv_size, &v, 1, NULL, NULL) != STORE_OK) {
				rc = store_fail(t->st, STORE_CORRUPT,
				    "an aggregate is damaged");
				break;
			}
		} else if (mrc != MDB_NOTFOUND) {
			rc = store_mdb(t->st, mrc, "aggregate");
			break;
		}
		if ((rc = val_add(&v, &b->c[i]->d, 1)) != STORE_OK)
			break;
		if (val_zero(&v)) {
			if (mrc == 0)
				rc = store_mdb(t->st, mdb_cursor_del(c, 0),
				    "aggregate");
			continue;
		}
		if ((rc = val_encode(&v, &buf)) != STORE_OK)
			break;
		k.mv_data = b->c[i]->key;
		k.mv_size = b->c[i]->klen;
		d.mv_data = buf.data;
		d.mv_size = buf.len;
		rc = store_mdb(t->st, mdb_cursor_put(c, &k, &d, mrc == 0 ?
		    MDB_CURRENT : 0), "aggregate");
	}
	mdb_cursor_close(c);
	agg_val_free(&v);
	store_buf_free(&buf);
	return rc;
}

/* Appends s to out (n bytes so far), cut to STORE_UNIT_MAX - 1 bytes. */
static size_t
unit_cat(char *out, size_t n, const char *s)
{
	size_t	m = strlen(s);

	if (m > STORE_UNIT_MAX - 1 - n)
		m = STORE_UNIT_MAX - 1 - n;
	memcpy(out + n, s, m);
	out[n + m] = '\0';
	return n + m;
}

/* As the scan names units (node, node:group, or a group with a colon). */
void
agg_unit(const char *node, const char *group, int by, char *out)
{
	size_t	n = 0;

	out[0] = '\0';
	if (by == STORE_BY_GROUP && group != NULL) {
		if (strchr(group, ':') != NULL)
			n = unit_cat(out, n, group);
		else {
			n = unit_cat(out, n, node);
			n = unit_cat(out, n, ":");
			(void)unit_cat(out, n, group);
		}
	} else
		(void)unit_cat(out, n, node);
}

size_t
agg_unit_key(unsigned char *key, char uk, const char *unit)
{
	size_t	n = strlen(unit);

	key[0] = 'u';
	key[1] = (unsigned char)uk;
	memcpy(key + 2, unit, n);
	return n + 2;
}

size_t
agg_period_key(unsigned char *key, char uk, const char *unit, char level,
    uint32_t idx)
{
	size_t	n = strlen(unit);

	key[0] = 'p';
	key[1] = (unsigned char)uk;
	key[2] = (unsigned char)level;
	memcpy(key + 3, unit, n);
	key[n + 3] = '\0';
	be32_put(key + n + 4, idx);
	return n + 8;
}

uint32_t
agg_day_index(long day)
{
	return (uint32_t)(day + DAY_BIAS);
}

uint32_t
agg_year_index(long day)
{
	char	d[11];

	store_date_format(day, d);
	return (uint32_t)strtol(d, NULL, 10);
}

uint32_t
agg_month_index(long day)
{
	char	d[11];

	store_date_format(day, d);
	return (uint32_t)(strtol(d, NULL, 10) * 12 + strtol(d + 5, NULL, 10) -
	    1);
}

static struct agg_val *
unit_slot(struct batch *b, char uk, const char *unit)
{
	unsigned char	key[AGG_KEY_MAX];

	return batch_slot(b, key, agg_unit_key(key, uk, unit));
}

/* The first day of the year of day. */
static long
year_first(long day)
{
	char	d[11];

	store_date_format(day, d);
	memcpy(d + 4, "-01-01", 7);
	return store_date_parse(d);
}

/*
 * The day's, the month's and the year's slots of a unit.  The year's also
 * keeps the last day it ever had a sum of: a report of a year up to a day
 * after that reads the year alone.
 */
static enum store_status
period_slots(struct batch *b, char uk, const char *unit, long day,
    struct agg_val *out[3])
{
	unsigned char	key[AGG_KEY_MAX];

	if ((out[0] = batch_slot(b, key, agg_period_key(key, uk, unit, 'D',
	    agg_day_index(day)))) == NULL ||
	    (out[1] = batch_slot(b, key, agg_period_key(key, uk, unit, 'M',
	    agg_month_index(day)))) == NULL ||
	    (out[2] = batch_slot(b, key, agg_period_key(key, uk, unit, 'Y',
	    agg_year_index(day)))) == NULL)
		return STORE_NOMEM;
	if (out[2]->c[AGG_P_MAXDAY] < (int64_t)agg_day_index(day))
		out[2]->c[AGG_P_MAXDAY] = (int64_t)agg_day_index(day);
	return STORE_OK;
}

/*
 * A request counts for its node, and for the group of its household (the
 * node alone while the household is unknown), on the day it was raised.
 */
static enum store_status
request_add(struct batch *b, const cJSON *j, int has_hh, const char *group,
    int kinds, int sign)
{
	struct store_query	 q;
	struct request		 r;
	struct agg_val		*u, *p[3];
	char			 unit[STORE_UNIT_MAX];
	enum store_status	 rc;
	int			 i, by;

	memset(&q, 0, sizeof(q));
	if (j == NULL || request_fill(j, &q, &r) != 0)
		return STORE_OK;
	for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
		if (!(kinds & (1 << by)))
			continue;
		agg_unit(r.node, has_hh ? group : NULL, by, unit);
		if ((u = unit_slot(b, AGG_KIND(by), unit)) == NULL ||
		    (rc = period_slots(b, AGG_KIND(by), unit, r.raised, p)) !=
		    STORE_OK)
			return STORE_NOMEM;
		u->c[AGG_U_REQUESTS] += sign;
		if (r.answered < 0 && r.status != REQUEST_CLOSED &&
		    (rc = agg_pairs_add(&u->p[AGG_U_UNANSWERED], r.raised,
		    sign)) != STORE_OK)
			return rc;
		for (i = 0; i < 3; i++) {
			p[i]->c[AGG_P_REQUESTS] += sign;
			p[i]->c[AGG_P_OPEN] += sign * (r.status ==
			    REQUEST_OPEN);
			p[i]->c[AGG_P_ESC + r.top] += sign;
			if (r.answered < 0)
				continue;
			p[i]->c[AGG_P_ANSWERED] += sign;
			if ((rc = agg_pairs_add(&p[i]->p[AGG_P_DELAYS],
			    r.answered - r.raised, sign)) != STORE_OK)
				return rc;
		}
	}
	return STORE_OK;
}

/* The household's state: whether it exists, and its group if any. */
static enum store_status
hh_state(struct store_txn *t, const char *hh, cJSON **out)
{
	const char		*json;
	size_t			 len;
	enum store_status	 rc;

	*out = NULL;
	if ((rc = store_get_record(t, STORE_K_HOUSEHOLD, hh, &json, &len)) ==
	    STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	if ((*out = cJSON_ParseWithLength(json, len)) == NULL)
		return store_fail(t->st, STORE_CORRUPT, "household %s "
		    "unreadable", hh);
	return STORE_OK;
}

static size_t
hh_key(unsigned char *key, const char *hh)
{
	size_t	n = strlen(hh);

	key[0] = 'h';
	memcpy(key + 1, hh, n);
	key[n + 1] = '\0';
	return n + 2;
}

static enum store_status
ref_put(struct store_txn *t, const char *hh, const char *req, int add)
{
	unsigned char	key[AGG_KEY_MAX + STORE_ID_MAX];
	size_t		n = hh_key(key, hh), m = strlen(req);
	MDB_val		k, v;
	int		mrc;

	key[n] = 'r';
	memcpy(key + n + 1, req, m);
	k.mv_data = key;
	k.mv_size = n + 1 + m;
	v.mv_data = "";
	v.mv_size = 0;
	if (add)
		mrc = mdb_put(t->txn, t->st->dbi[DBI_AGG], &k, &v, 0);
	else if ((mrc = mdb_del(t->txn, t->st->dbi[DBI_AGG], &k, NULL)) ==
	    MDB_NOTFOUND)
		mrc = 0;
	return store_mdb(t->st, mrc, "aggregate");
}

static enum store_status
agg_request(struct batch *b, const cJSON *old, const cJSON *new)
{
	struct store_txn	*t = b->t;
	const char		*ho, *hn;
	cJSON			*sto = NULL, *stn = NULL;
	enum store_status	 rc;

	ho = old != NULL ? json_str(old, "household") : NULL;
	hn = new != NULL ? json_str(new, "household") : NULL;
	if ((ho != NULL && (rc = hh_state(t, ho, &sto)) != STORE_OK) ||
	    (hn != NULL && (rc = hh_state(t, hn, &stn)) != STORE_OK))
		goto out;
	if ((rc = request_add(b, old, sto != NULL, sto != NULL ?
	    json_str(sto, "group") : NULL, 3, -1)) != STORE_OK ||
	    (rc = request_add(b, new, stn != NULL, stn != NULL ?
	    json_str(stn, "group") : NULL, 3, 1)) != STORE_OK)
		goto out;
	if (ho != NULL && (hn == NULL || strcmp(ho, hn) != 0) &&
	    (rc = ref_put(t, ho, json_str(old, "id"), 0)) != STORE_OK)
		goto out;
	if (hn != NULL && (ho == NULL || strcmp(ho, hn) != 0))
		rc = ref_put(t, hn, json_str(new, "id"), 1);
out:
	cJSON_Delete(sto);
	cJSON_Delete(stn);
	return rc;
}

/* The met days of a household: k day, n visits that day. */
static enum store_status
days_get(struct store_txn *t, const char *hh, struct agg_val *days)
{
	unsigned char	key[AGG_KEY_MAX];
	MDB_val		k, v;
	int		mrc;

	memset(days, 0, sizeof(*days));
	k.mv_data = key;
	k.mv_size = hh_key(key, hh);
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_AGG], &k, &v)) ==
	    MDB_NOTFOUND)
		return STORE_OK;
	if (mrc != 0)
		return store_mdb(t->st, mrc, "aggregate");
	if (!val_ok(t, &v) || agg_val_decode_add(v.mv_data, v.mv_size, days,
	    1, NULL, NULL) != STORE_OK)
		return store_fail(t->st, STORE_CORRUPT, "an aggregate is "
		    "damaged");
	return STORE_OK;
}

static enum store_status
days_put(struct store_txn *t, const char *hh, const struct agg_val *days)
{
	struct store_buf	 buf = STORE_BUF_INIT;
	unsigned char		 key[AGG_KEY_MAX];
	MDB_val			 k, v;
	enum store_status	 rc;
	int			 mrc;

	k.mv_data = key;
	k.mv_size = hh_key(key, hh);
	if (days->p[0].n == 0) {
		mrc = mdb_del(t->txn, t->st->dbi[DBI_AGG], &k, NULL);
		return store_mdb(t->st, mrc == MDB_NOTFOUND ? 0 : mrc,
		    "aggregate");
	}
	if ((rc = val_encode(days, &buf)) != STORE_OK)
		return rc;
	v.mv_data = buf.data;
	v.mv_size = buf.len;
	rc = store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_AGG], &k, &v, 0),
	    "aggregate");
	store_buf_free(&buf);
	return rc;
}

/* Whether a household's state counts: it exists and is not removed. */
static int
hh_active(const cJSON *j)
{
	return j != NULL &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "removed"));
}

/*
 * The points of an active household's met days, for its node and group:
 * each distinct day with the one before it (AGG_NONE for the first).
 */
static enum store_status
points_add(struct batch *b, const cJSON *hh, const struct agg_val *days,
    int sign)
{
	struct agg_val		*p[3];
	const char		*node;
	char			 unit[STORE_UNIT_MAX];
	int64_t			 prev;
	enum store_status	 rc;
	size_t			 i;
	int			 by, l;

	if (!hh_active(hh))
		return STORE_OK;
	node = json_str(hh, "node") != NULL ? json_str(hh, "node") : "";
	for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
		agg_unit(node, json_str(hh, "group"), by, unit);
		for (i = 0, prev = AGG_NONE; i < days->p[0].n; i++) {
			if ((rc = period_slots(b, AGG_KIND(by), unit,
			    (long)days->p[0].v[i].k, p)) != STORE_OK)
				return rc;
			for (l = 0; l < 2; l++)
				if ((rc = agg_pairs_add(&p[l]->p[AGG_P_POINTS],
				    prev, sign)) != STORE_OK)
					return rc;
			/* The year keeps only its households' first visits. */
			if (prev < year_first((long)days->p[0].v[i].k))
				p[2]->c[AGG_P_FIRST] += sign;
			prev = days->p[0].v[i].k;
		}
	}
	return STORE_OK;
}

/* A visit counts when it was met, on a valid day, at a named household. */
static int
visit_met(const cJSON *j, const char **hh, long *day)
{
	const char	*out;

	if (j == NULL)
		return 0;
	*hh = json_str(j, "household");
	out = json_str(j, "outcome");
	*day = store_date_parse(json_str(j, "date"));
	return *hh != NULL && out != NULL && strcmp(out, "met") == 0 &&
	    *day >= 0;
}

/* Moves a met day of household hh by sign, with the points it makes. */
static enum store_status
visit_day(struct batch *b, const char *hh, long day, int sign)
{
	struct agg_val		 days;
	cJSON			*st = NULL;
	enum store_status	 rc;

	if ((rc = days_get(b->t, hh, &days)) != STORE_OK ||
	    (rc = hh_state(b->t, hh, &st)) != STORE_OK ||
	    (rc = points_add(b, st, &days, -1)) != STORE_OK ||
	    (rc = agg_pairs_add(&days.p[0], day, sign)) != STORE_OK ||
	    (rc = points_add(b, st, &days, 1)) != STORE_OK)
		goto out;
	rc = days_put(b->t, hh, &days);
out:
	cJSON_Delete(st);
	agg_val_free(&days);
	return rc;
}

static enum store_status
agg_visit(struct batch *b, const cJSON *old, const cJSON *new)
{
	const char		*ho = NULL, *hn = NULL;
	long			 dayo = -1, dayn = -1;
	int			 mo, mn;
	enum store_status	 rc;

	mo = visit_met(old, &ho, &dayo);
	mn = visit_met(new, &hn, &dayn);
	if (mo && mn && dayo == dayn && strcmp(ho, hn) == 0)
		return STORE_OK;
	if (mo && (rc = visit_day(b, ho, dayo, -1)) != STORE_OK)
		return rc;
	if (mn)
		return visit_day(b, hn, dayn, 1);
	return STORE_OK;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether any visit or request names the household. */
static enum store_status
hh_any(struct store_txn *t, const char *hh, int *any)
{
	unsigned char	key[AGG_KEY_MAX];
	MDB_cursor	*c;
	MDB_val		 k, v;
	size_t		 n = hh_key(key, hh);
	int		 mrc;

	*any = 0;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = key;
	k.mv_size = n;
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	mdb_cursor_close(c);
	if (mrc == 0)
		*any = k.mv_size >= n && memcmp(k.mv_data, key, n) == 0;
	else if (mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "aggregate");
	return STORE_OK;
}

/* Moves the household's requests from its old group to its new one. */
static enum store_status
requests_move(struct batch *b, const char *hh, const cJSON *old,
    const cJSON *new)
{
	struct store_txn	*t = b->t;
	unsigned char		 key[AGG_KEY_MAX];
	char			 req[STORE_ID_MAX + 1];
	MDB_cursor		*c;
	MDB_val			 k, v;
	const char		*json;
	size_t			 n, len;
	cJSON			*j;
	enum store_status	 rc = STORE_OK;
	int			 mrc;

	n = hh_key(key, hh);
	key[n++] = 'r';
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = key;
	k.mv_size = n;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= n || memcmp(k.mv_data, key, n) != 0 ||
		    k.mv_size - n > STORE_ID_MAX)
			break;
		memcpy(req, (char *)k.mv_data + n, k.mv_size - n);
		req[k.mv_size - n] = '\0';
		if ((rc = store_get_record(t, STORE_K_REQUEST, req, &json,
		    &len)) == STORE_NOTFOUND) {
			rc = STORE_OK;
			continue;
		}
		if (rc != STORE_OK)
			break;
		if ((j = cJSON_ParseWithLength(json, len)) == NULL) {
			rc = store_fail(t->st, STORE_CORRUPT, "request %s "
			    "unreadable", req);
			break;
		}
		rc = request_add(b, j, old != NULL, old != NULL ?
		    json_str(old, "group") : NULL, 1 << STORE_BY_GROUP, -1);
		if (rc == STORE_OK)
			rc = request_add(b, j, new != NULL, new != NULL ?
			    json_str(new, "group") : NULL, 1 << STORE_BY_GROUP,
			    1);
		cJSON_Delete(j);
		if (rc != STORE_OK)
			break;
	}
	mdb_cursor_close(c);
	if (rc == STORE_OK && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(t->st, mrc, "aggregate");
	return rc;
}

static enum store_status
agg_household(struct batch *b, const char *id, const cJSON *old,
    const cJSON *new)
{
	struct agg_val		 days, *u;
	const cJSON		*hh[2] = { old, new };
	const char		*node;
	char			 unit[STORE_UNIT_MAX];
	enum store_status	 rc = STORE_OK;
	int			 i, by, any = 1;

	memset(&days, 0, sizeof(days));
	for (i = 0; i < 2; i++) {
		if (!hh_active(hh[i]))
			continue;
		if (i == 1 && old == NULL && (rc = hh_any(b->t, id,
		    &any)) != STORE_OK)
			return rc;
		node = json_str(hh[i], "node") != NULL ?
		    json_str(hh[i], "node") : "";
		for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
			agg_unit(node, json_str(hh[i], "group"), by, unit);
			if ((u = unit_slot(b, AGG_KIND(by), unit)) == NULL)
				return STORE_NOMEM;
			u->c[AGG_U_HOUSEHOLDS] += i == 0 ? -1 : 1;
		}
	}
	/* A new household that no visit or request names yet: done. */
	if (!any)
		return STORE_OK;
	/* The visited points follow the household's node and group. */
	if (hh_active(old) != hh_active(new) || (hh_active(old) &&
	    (!same_str(json_str(old, "node"), json_str(new, "node")) ||
	    !same_str(json_str(old, "group"), json_str(new, "group"))))) {
		if ((rc = days_get(b->t, id, &days)) == STORE_OK &&
		    (rc = points_add(b, old, &days, -1)) == STORE_OK)
			rc = points_add(b, new, &days, 1);
		agg_val_free(&days);
		if (rc != STORE_OK)
			return rc;
	}
	/* Requests take the group of the household's state, removed or not. */
	if ((old == NULL) != (new == NULL) || (old != NULL &&
	    !same_str(json_str(old, "group"), json_str(new, "group"))))
		rc = requests_move(b, id, old, new);
	return rc;
}

/* Students, donations and evaluations: the node's, and the total's. */
static enum store_status
node_add(struct batch *b, char kind, const cJSON *j, int sign)
{
	struct agg_val		*u[2], *p[3];
	const char		*node;
	int64_t			 n;
	long			 day;
	enum store_status	 rc;
	int			 i, l;

	if (j == NULL)
		return STORE_OK;
	node = json_str(j, "node") != NULL ? json_str(j, "node") : "";
	if ((u[0] = unit_slot(b, 'n', node)) == NULL ||
	    (u[1] = unit_slot(b, 't', "")) == NULL)
		return STORE_NOMEM;
	u[0]->c[AGG_U_RECORDS] += sign;
	switch (kind) {
	case STORE_K_STUDENT:
		if ((day = store_date_parse(json_str(j, "since"))) < 0)
			break;
		for (i = 0; i < 2; i++)
			if ((rc = agg_pairs_add(&u[i]->p[AGG_U_STUDENTS], day,
			    sign)) != STORE_OK)
				return rc;
		break;
	case STORE_K_DONATION:
		/* As the scan: an unreadable date is day -1. */
		day = store_date_parse(json_str(j, "date"));
		if (json_int(j, "amount", 1, INT64_MAX, &n) != 0)
			break;
		for (i = 0; i < 2; i++) {
			if ((rc = period_slots(b, i == 0 ? 'n' : 't',
			    i == 0 ? node : "", day, p)) != STORE_OK)
				return rc;
			for (l = 0; l < 3; l++) {
				p[l]->c[AGG_P_DONATIONS] += sign;
				p[l]->c[AGG_P_FEN] += sign * n;
			}
		}
		break;
	}
	return STORE_OK;
}

/* An evaluation is kept whole, under its id: its sums depend on order. */
static enum store_status
eval_put(struct store_txn *t, const char *id, const cJSON *j)
{
	struct store_buf	 key = STORE_BUF_INIT, val = STORE_BUF_INIT;
	const cJSON		*score;
	const char		*node, *k;
	unsigned char		 num[8];
	int64_t			 year;
	uint64_t		 bits;
	double			 d;
	MDB_val			 mk, mv;
	enum store_status	 rc;
	int			 e, mrc;

	if ((rc = store_buf_add(&key, "e", 1)) != STORE_OK ||
	    (rc = store_buf_addstr(&key, id)) != STORE_OK)
		goto out;
	mk.mv_data = key.data;
	mk.mv_size = key.len;
	if (j == NULL) {
		mrc = mdb_del(t->txn, t->st->dbi[DBI_AGG], &mk, NULL);
		rc = store_mdb(t->st, mrc == MDB_NOTFOUND ? 0 : mrc,
		    "aggregate");
		goto out;
	}
	node = json_str(j, "node") != NULL ? json_str(j, "node") : "";
	score = cJSON_GetObjectItemCaseSensitive(j, "score");
	if (json_int(j, "year", 0, 9999, &year) != 0 || score == NULL)
		year = -1;
	k = json_str(j, "kind");
	for (e = 0; e < EVAL_N; e++)
		if (k != NULL && strcmp(k, store_eval_name(e)) == 0)
			break;
	d = score != NULL ? score->valuedouble : 0;
	memcpy(&bits, &d, sizeof(bits));
	be64_put(num, bits);
	if ((rc = store_buf_addstr(&val, node)) != STORE_OK ||
	    (rc = store_buf_add(&val, "", 1)) != STORE_OK ||
	    (rc = put_varint(&val, zig(year))) != STORE_OK ||
	    (rc = put_varint(&val, (uint64_t)e)) != STORE_OK ||
	    (rc = store_buf_add(&val, num, 8)) != STORE_OK)
		goto out;
	mv.mv_data = val.data;
	mv.mv_size = val.len;
	rc = store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_AGG], &mk, &mv,
	    0), "aggregate");
out:
	store_buf_free(&key);
	store_buf_free(&val);
	return rc;
}

int
agg_eval_decode(const void *data, size_t len, struct agg_eval *ev)
{
	const unsigned char	*p = data, *end = p + len;
	size_t			 n;
	uint64_t		 y, k, bits;

	if ((n = strnlen(data, len)) >= len || n >= sizeof(ev->node))
		return -1;
	memcpy(ev->node, data, n + 1);
	p += n + 1;
	if (get_varint(&p, end, &y) != 0 || get_varint(&p, end, &k) != 0 ||
	    end - p != 8)
		return -1;
	ev->year = unzig(y);
	ev->kind = (int)k;
	bits = be64_get(p);
	memcpy(&ev->score, &bits, sizeof(bits));
	return 0;
}

enum store_status
agg_record(struct store_txn *t, char kind, const char *id, const cJSON *old,
    const cJSON *new)
{
	struct batch		b;
	enum store_status	rc;

	memset(&b, 0, sizeof(b));
	b.t = t;
	switch (kind) {
	case STORE_K_HOUSEHOLD:
		rc = agg_household(&b, id, old, new);
		break;
	case STORE_K_VISIT:
		rc = agg_visit(&b, old, new);
		break;
	case STORE_K_REQUEST:
		rc = agg_request(&b, old, new);
		break;
	case STORE_K_EVAL:
		if ((rc = eval_put(t, id, new)) != STORE_OK)
			break;
		/* FALLTHROUGH */
	case STORE_K_STUDENT:
	case STORE_K_DONATION:
		if ((rc = node_add(&b, kind, old, -1)) == STORE_OK)
			rc = node_add(&b, kind, new, 1);
		break;
	default:
		return STORE_OK;
	}
	if (rc == STORE_OK)
		rc = batch_flush(&b);
	batch_free(&b);
	return rc;
}

struct rebuild {
	struct store_txn	*t;
	char			 kind;
	enum store_status	 rc;
};

static int
rebuild_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct rebuild	*r = arg;
	cJSON		*j;

	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	r->rc = agg_record(r->t, r->kind, id, NULL, j);
	cJSON_Delete(j);
	return r->rc != STORE_OK;
}

enum store_status
agg_rebuild(struct store_txn *t)
{
	/* Households first: a visit or request then finds its household. */
	static const char	 kinds[] = { STORE_K_HOUSEHOLD, STORE_K_VISIT,
	    STORE_K_REQUEST, STORE_K_STUDENT, STORE_K_DONATION, STORE_K_EVAL };
	struct rebuild		 r;
	enum store_status	 rc;
	size_t			 i;
	int			 mrc;

	if ((mrc = mdb_drop(t->txn, t->st->dbi[DBI_AGG], 0)) != 0)
		return store_mdb(t->st, mrc, "aggregate");
	for (i = 0; i < sizeof(kinds); i++) {
		r.t = t;
		r.kind = kinds[i];
		r.rc = STORE_OK;
		if ((rc = store_record_foreach(t, kinds[i], rebuild_cb, &r)) !=
		    STORE_OK)
			return rc;
		if (r.rc != STORE_OK)
			return r.rc;
	}
	return store_meta_put(t, AGG_META, AGG_VERSION);
}

int
agg_ready(struct store_txn *t)
{
	struct store_buf	b = STORE_BUF_INIT;
	int			ok;

	ok = store_meta_get(t, AGG_META, &b) == STORE_OK &&
	    strcmp(b.data, AGG_VERSION) == 0;
	store_buf_free(&b);
	return ok;
}
