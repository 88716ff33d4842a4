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

/* Whether v has no sums: a year's last day is not one. */
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

enum store_status
agg_val_encode(const struct agg_val *v, struct store_buf *b)
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

void
agg_batch_free(struct agg_batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		agg_val_free(&b->c[i]->d);
		free(b->c[i]);
	}
	free(b->c);
	free(b->ht);
	b->c = NULL;
	b->ht = NULL;
	b->n = b->cap = b->htcap = 0;
}

/* FNV-1a of a key, for the batch's table. */
static size_t
key_hash(const unsigned char *key, size_t klen)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < klen; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	return (size_t)h;
}

/* The table holds change index + 1 (0 for empty), at most half full. */
static int
ht_grow(struct agg_batch *b)
{
	size_t	*nt, ncap = b->htcap ? b->htcap * 2 : 64, i, h;

	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		h = key_hash(b->c[i]->key, b->c[i]->klen) & (ncap - 1);
		while (nt[h] != 0)
			h = (h + 1) & (ncap - 1);
		nt[h] = i + 1;
	}
	free(b->ht);
	b->ht = nt;
	b->htcap = ncap;
	return 0;
}

struct agg_val *
agg_batch_slot(struct agg_batch *b, const unsigned char *key, size_t klen)
{
	struct agg_change	**nc;
	size_t			  h, ncap;

	if ((b->n + 1) * 2 > b->htcap && ht_grow(b) != 0)
		return NULL;
	for (h = key_hash(key, klen) & (b->htcap - 1); b->ht[h] != 0;
	    h = (h + 1) & (b->htcap - 1))
		if (b->c[b->ht[h] - 1]->klen == klen &&
		    memcmp(b->c[b->ht[h] - 1]->key, key, klen) == 0)
			return &b->c[b->ht[h] - 1]->d;
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
	b->ht[h] = ++b->n;
	return &b->c[b->n - 1]->d;
}

/*
 * Reads, changes and writes back (or deletes, when all is 0) each key,
 * through one cursor: the write goes where the read found the key.  A
 * change may be a year's later last day alone (a visited point moved
 * within the year): it is written too, or the year would answer for days
 * it does not hold.  The batch is empty afterwards.
 */
enum store_status
agg_batch_flush(struct agg_batch *b)
{
	struct store_txn	*t = b->t;
	struct store_buf	 buf = STORE_BUF_INIT;
	struct agg_val		 v, *ch;
	MDB_cursor		*c;
	MDB_val			 k, d;
	enum store_status	 rc = STORE_OK;
	int64_t			 maxday;
	size_t			 i;
	int			 mrc;

	if (b->n == 0)
		return STORE_OK;
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	memset(&v, 0, sizeof(v));
	for (i = 0; i < b->n && rc == STORE_OK; i++) {
		ch = &b->c[i]->d;
		if (val_zero(ch) && ch->c[AGG_P_MAXDAY] == 0)
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
		maxday = v.c[AGG_P_MAXDAY];
		if ((rc = val_add(&v, ch, 1)) != STORE_OK)
			break;
		if (val_zero(&v)) {
			if (mrc == 0)
				rc = store_mdb(t->st, mdb_cursor_del(c, 0),
				    "aggregate");
			continue;
		}
		/* No sums changed and the last day is no later: as it was. */
		if (val_zero(ch) && v.c[AGG_P_MAXDAY] == maxday)
			continue;
		if ((rc = agg_val_encode(&v, &buf)) != STORE_OK)
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
	agg_batch_free(b);
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

/* Year and month (1 to 12) of a day since 1970 (H. Hinnant's method). */
static void
civil(long z, long *y, long *m)
{
	long	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

uint32_t
agg_year_index(long day)
{
	long	y, m;

	civil(day, &y, &m);
	return (uint32_t)y;
}

uint32_t
agg_month_index(long day)
{
	long	y, m;

	civil(day, &y, &m);
	return (uint32_t)(y * 12 + m - 1);
}

long
agg_year_first(long day)
{
	long	y, m, era, yoe;

	civil(day, &y, &m);
	/* Days from the civil date y-01-01, March-based as civil(). */
	y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + 306 - 719468;
}

uint32_t
agg_day_index(long day)
{
	return (uint32_t)(day + DAY_BIAS);
}

enum store_status
agg_eval_encode(const char *node, int64_t year, int kind, double score,
    struct store_buf *b)
{
	unsigned char		num[8];
	uint64_t		bits;
	enum store_status	rc;

	memcpy(&bits, &score, sizeof(bits));
	be64_put(num, bits);
	if ((rc = store_buf_addstr(b, node)) != STORE_OK ||
	    (rc = store_buf_add(b, "", 1)) != STORE_OK ||
	    (rc = put_varint(b, zig(year))) != STORE_OK ||
	    (rc = put_varint(b, (uint64_t)kind)) != STORE_OK)
		return rc;
	return store_buf_add(b, num, 8);
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

int
agg_ready(struct store_txn *t)
{
	struct store_buf	b = STORE_BUF_INIT;
	int			ok;

	if (t->st->agg_missing)
		return 0;
	ok = store_meta_get(t, AGG_META, &b) == STORE_OK &&
	    strcmp(b.data, AGG_VERSION) == 0;
	store_buf_free(&b);
	return ok;
}
