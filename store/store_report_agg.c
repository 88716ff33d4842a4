/*
 * The report from the aggregates (store_agg.c): per unit, the sums that do
 * not depend on the period, and the period's as whole years, whole months
 * and days at either end.  Rows by street add up the rows by node, with
 * the days to answer merged so that medians stay exact.  It equals the scan
 * of the records in store_report.c, byte for byte, for every period.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Day ranges, or month ranges, that cover a period exactly. */
struct seg {
	char		level;
	uint32_t	lo, hi;
};

static long
month_first(long day)
{
	char	d[11];

	store_date_format(day, d);
	memcpy(d + 8, "01", 2);
	return store_date_parse(d);
}

static long
month_last(long day)
{
	long	first = month_first(day);

	return month_first(first + 31) - 1;
}

/* Whole months in the middle, days at either end: at most 3 ranges. */
static size_t
segments(long lo, long hi, struct seg s[3])
{
	size_t	n = 0;
	long	e;

	if (lo > hi)
		return 0;
	if (lo != month_first(lo)) {
		e = month_last(lo) < hi ? month_last(lo) : hi;
		s[n].level = 'D';
		s[n].lo = agg_day_index(lo);
		s[n++].hi = agg_day_index(e);
		lo = e + 1;
	}
	if (lo <= hi && hi != month_last(hi)) {
		e = month_first(hi) > lo ? month_first(hi) : lo;
		s[n].level = 'D';
		s[n].lo = agg_day_index(e);
		s[n++].hi = agg_day_index(hi);
		hi = e - 1;
	}
	if (lo <= hi) {
		s[n].level = 'M';
		s[n].lo = agg_month_index(lo);
		s[n++].hi = agg_month_index(hi);
	}
	return n;
}

/* A street's row as its nodes' rows are added, with all their delays. */
struct street_sum {
	struct store_report_row	 row;
	struct agg_pairs	 delays;
};

struct aggrep {
	struct store_txn		*t;
	const struct store_query	*q;
	int				 by;
	struct store_report		*r;
	size_t				 cap;
	struct seg			 seg[3];
	size_t				 nseg;
	int				 year;	/* from 1 January of to */
	MDB_cursor			*c;
	struct agg_pairs		 delays;	/* of the total */
	struct store_streets		*streets;	/* rows by street */
	struct street_sum		*ss;		/* sorted by unit */
	size_t				 nss, capss;
};

/*
 * A period from 1 January to a day after the last that the unit's year has
 * a sum of is the whole year: adds it to v and *visited and gives 0.  Gives
 * 1 when the year's key cannot answer, -1 for a damaged value.
 */
static int
year_sums(struct aggrep *a, char uk, const char *unit, struct agg_val *v,
    int64_t *visited)
{
	struct store_txn	*t = a->t;
	struct agg_val		 y;
	unsigned char		 key[AGG_KEY_MAX];
	MDB_val			 k, d;
	size_t			 i;
	int			 mrc, ret = 0;

	k.mv_data = key;
	k.mv_size = agg_period_key(key, uk, unit, 'Y',
	    agg_year_index(a->q->to));
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_AGG], &k, &d)) ==
	    MDB_NOTFOUND)
		return 0;	/* nothing in that year */
	if (mrc != 0)
		return -1;
	memset(&y, 0, sizeof(y));
	if (!val_ok(t, &d) || agg_val_decode_add(d.mv_data, d.mv_size, &y, 1,
	    NULL, NULL) != STORE_OK)
		ret = -1;
	else if (y.c[AGG_P_MAXDAY] > (int64_t)agg_day_index(a->q->to))
		ret = 1;
	else {
		for (i = 0; i < AGG_P_FIRST; i++)
			v->c[i] += y.c[i];
		*visited += y.c[AGG_P_FIRST];
		for (i = 0; i < y.p[AGG_P_DELAYS].n && ret == 0; i++)
			if (agg_pairs_add(&v->p[AGG_P_DELAYS],
			    y.p[AGG_P_DELAYS].v[i].k,
			    y.p[AGG_P_DELAYS].v[i].n) != STORE_OK)
				ret = -1;
	}
	agg_val_free(&y);
	return ret;
}

/*
 * Adds the sums of a unit's days and months in the period to v, and its
 * visited households to *visited.
 */
static enum store_status
period_sums(struct aggrep *a, char uk, const char *unit, struct agg_val *v,
    int64_t *visited)
{
	struct store_txn	*t = a->t;
	unsigned char		 key[AGG_KEY_MAX];
	const unsigned char	*kp;
	MDB_val			 k, d;
	size_t			 i, n;
	int			 mrc, y;

	if (a->year && (y = year_sums(a, uk, unit, v, visited)) <= 0)
		return y == 0 ? STORE_OK : store_fail(t->st, STORE_CORRUPT,
		    "an aggregate is damaged");
	for (i = 0; i < a->nseg; i++) {
		n = agg_period_key(key, uk, unit, a->seg[i].level,
		    a->seg[i].lo);
		k.mv_data = key;
		k.mv_size = n;
		for (mrc = mdb_cursor_get(a->c, &k, &d, MDB_SET_RANGE);
		    mrc == 0; mrc = mdb_cursor_get(a->c, &k, &d, MDB_NEXT)) {
			kp = k.mv_data;
			if (k.mv_size != n || memcmp(kp, key, n - 4) != 0 ||
			    be32_get(kp + n - 4) > a->seg[i].hi)
				break;
			if (!val_ok(t, &d) || agg_val_decode_add(d.mv_data,
			    d.mv_size, v, 1, &a->q->from, visited) != STORE_OK)
				return store_fail(t->st, STORE_CORRUPT,
				    "an aggregate is damaged");
		}
		if (mrc != 0 && mrc != MDB_NOTFOUND)
			return store_mdb(t->st, mrc, "aggregate");
	}
	return STORE_OK;
}

/* The n-th smallest (from 0) of a sorted list of counts. */
static long
nth(const struct agg_pairs *ps, int64_t n)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		if (n < ps->v[i].n)
			return (long)ps->v[i].k;
		n -= ps->v[i].n;
	}
	return 0;
}

static double
median_of(const struct agg_pairs *ps)
{
	int64_t	n = 0;
	size_t	i;

	for (i = 0; i < ps->n; i++)
		n += ps->v[i].n;
	if (n == 0)
		return -1;
	if (n % 2 == 1)
		return (double)nth(ps, n / 2);
	return ((double)nth(ps, n / 2 - 1) + (double)nth(ps, n / 2)) / 2;
}

static int64_t
count_in(const struct agg_pairs *ps, int64_t lo, int64_t hi)
{
	int64_t	n = 0;
	size_t	i;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].k >= lo && ps->v[i].k <= hi)
			n += ps->v[i].n;
	return n;
}

/* Fills row from a unit's sums; 0 when the scan would make no row. */
static int
row_fill(struct aggrep *a, const struct agg_val *u, const struct agg_val *v,
    int64_t visited, struct store_report_row *row)
{
	const struct store_query	*q = a->q;
	long				 cut;
	int				 i;

	row->households = (uint64_t)u->c[AGG_U_HOUSEHOLDS];
	row->requests = (uint64_t)v->c[AGG_P_REQUESTS];
	/* Rows by street are summed from the rows by node. */
	if (row->households == 0 && row->requests == 0 &&
	    (a->by == STORE_BY_GROUP || u->c[AGG_U_RECORDS] == 0))
		return 0;
	row->visited = (uint64_t)visited;
	row->open = (uint64_t)v->c[AGG_P_OPEN];
	row->answered = (uint64_t)v->c[AGG_P_ANSWERED];
	row->answered_in_time = (uint64_t)count_in(&v->p[AGG_P_DELAYS],
	    INT64_MIN, q->reply_days);
	/* Overdue: raised more than reply_days before today. */
	cut = q->today - q->reply_days - 1;
	row->overdue = (uint64_t)count_in(&u->p[AGG_U_UNANSWERED], q->from,
	    cut < q->to ? cut : q->to);
	for (i = 0; i < LADDER_N; i++)
		row->escalated[i] = (uint64_t)v->c[AGG_P_ESC + i];
	row->median_days = median_of(&v->p[AGG_P_DELAYS]);
	row->students = (uint64_t)count_in(&u->p[AGG_U_STUDENTS], 0, q->to);
	row->donations = (uint64_t)v->c[AGG_P_DONATIONS];
	row->donations_fen = (uint64_t)v->c[AGG_P_FEN];
	return 1;
}

static enum store_status
row_append(struct aggrep *a, const struct store_report_row *row)
{
	struct store_report_row	*nr;
	size_t			 ncap;

	if (a->r->nrows == a->cap) {
		ncap = a->cap ? a->cap * 2 : 64;
		if ((nr = reallocarray(a->r->rows, ncap, sizeof(*nr))) ==
		    NULL)
			return STORE_NOMEM;
		a->r->rows = nr;
		a->cap = ncap;
	}
	a->r->rows[a->r->nrows++] = *row;
	return STORE_OK;
}

/* The sum of a street's rows, made in order when new; NULL for no memory. */
static struct street_sum *
street_get(struct aggrep *a, const char *unit)
{
	struct street_sum	*ns;
	size_t			 lo = 0, hi = a->nss, mid, ncap;
	int			 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(a->ss[mid].row.unit, unit)) == 0)
			return &a->ss[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (a->nss == a->capss) {
		ncap = a->capss ? a->capss * 2 : 16;
		if ((ns = reallocarray(a->ss, ncap, sizeof(*ns))) == NULL)
			return NULL;
		a->ss = ns;
		a->capss = ncap;
	}
	memmove(&a->ss[lo + 1], &a->ss[lo], (a->nss - lo) * sizeof(*a->ss));
	memset(&a->ss[lo], 0, sizeof(*a->ss));
	snprintf(a->ss[lo].row.unit, sizeof(a->ss[lo].row.unit), "%s", unit);
	a->nss++;
	return &a->ss[lo];
}

/*
 * Adds a node's row to its street's: counts add up, and the days to answer
 * are merged so that the street's median is exact.
 */
static enum store_status
street_add(struct aggrep *a, const struct store_report_row *row,
    const struct agg_pairs *delays)
{
	struct street_sum	*s;
	enum store_status	 rc;
	size_t			 i;

	if ((s = street_get(a, store_street_of(a->streets, row->unit))) ==
	    NULL)
		return STORE_NOMEM;
	report_add_row(&s->row, row);
	for (i = 0; i < delays->n; i++)
		if ((rc = agg_pairs_add(&s->delays, delays->v[i].k,
		    delays->v[i].n)) != STORE_OK)
			return rc;
	return STORE_OK;
}

/* The streets' rows, in the order of their units. */
static enum store_status
street_rows(struct aggrep *a)
{
	enum store_status	rc;
	size_t			i;

	for (i = 0; i < a->nss; i++) {
		a->ss[i].row.median_days = median_of(&a->ss[i].delays);
		if ((rc = row_append(a, &a->ss[i].row)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/*
 * One row per unit of kind uk, in the order of their keys: by unit.  Rows
 * by street go to the sums of their streets instead.
 */
static enum store_status
agg_rows(struct aggrep *a, char uk)
{
	struct store_txn	*t = a->t;
	struct store_report_row	 row;
	struct agg_val		 u, v;
	unsigned char		 key[2] = { 'u', (unsigned char)uk };
	MDB_cursor		*c;
	MDB_val			 k, d;
	enum store_status	 rc = STORE_OK;
	int64_t			 visited;
	size_t			 i;
	int			 mrc;

	memset(&u, 0, sizeof(u));
	memset(&v, 0, sizeof(v));
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = key;
	k.mv_size = 2;
	for (mrc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size < 2 || memcmp(k.mv_data, key, 2) != 0)
			break;
		memset(&row, 0, sizeof(row));
		if (k.mv_size - 2 >= sizeof(row.unit)) {
			rc = store_fail(t->st, STORE_CORRUPT, "bad unit key");
			break;
		}
		memcpy(row.unit, (char *)k.mv_data + 2, k.mv_size - 2);
		agg_val_free(&u);
		agg_val_free(&v);
		if (!val_ok(t, &d) || agg_val_decode_add(d.mv_data, d.mv_size,
		    &u, 1, NULL, NULL) != STORE_OK) {
			rc = store_fail(t->st, STORE_CORRUPT, "an aggregate "
			    "is damaged");
			break;
		}
		visited = 0;
		if ((rc = period_sums(a, uk, row.unit, &v, &visited)) !=
		    STORE_OK)
			break;
		if (!row_fill(a, &u, &v, visited, &row))
			continue;
		for (i = 0; i < v.p[AGG_P_DELAYS].n; i++)
			if ((rc = agg_pairs_add(&a->delays,
			    v.p[AGG_P_DELAYS].v[i].k,
			    v.p[AGG_P_DELAYS].v[i].n)) != STORE_OK)
				break;
		if (rc != STORE_OK)
			break;
		if (a->by == STORE_BY_STREET)
			rc = street_add(a, &row, &v.p[AGG_P_DELAYS]);
		else
			rc = row_append(a, &row);
		if (rc != STORE_OK)
			break;
	}
	if (rc == STORE_OK && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(t->st, mrc, "aggregate");
	mdb_cursor_close(c);
	agg_val_free(&u);
	agg_val_free(&v);
	return rc;
}

/* Students and donations of rows by group go to the total. */
static enum store_status
agg_total_nodes(struct aggrep *a)
{
	struct store_txn	*t = a->t;
	struct store_report_row	*tot = &a->r->total;
	struct agg_val		 u, v;
	unsigned char		 key[AGG_KEY_MAX];
	MDB_val			 k, d;
	enum store_status	 rc;
	int64_t			 visited = 0;
	int			 mrc;

	memset(&u, 0, sizeof(u));
	memset(&v, 0, sizeof(v));
	k.mv_data = key;
	k.mv_size = agg_unit_key(key, 't', "");
	mrc = mdb_get(t->txn, t->st->dbi[DBI_AGG], &k, &d);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "aggregate");
	if (mrc == 0 && (!val_ok(t, &d) || agg_val_decode_add(d.mv_data,
	    d.mv_size, &u, 1, NULL, NULL) != STORE_OK))
		rc = store_fail(t->st, STORE_CORRUPT, "an aggregate is "
		    "damaged");
	else if ((rc = period_sums(a, 't', "", &v, &visited)) == STORE_OK) {
		tot->students = (uint64_t)count_in(&u.p[AGG_U_STUDENTS], 0,
		    a->q->to);
		tot->donations = (uint64_t)v.c[AGG_P_DONATIONS];
		tot->donations_fen = (uint64_t)v.c[AGG_P_FEN];
	}
	agg_val_free(&u);
	agg_val_free(&v);
	return rc;
}

static long
year_of(long day)
{
	char	d[11];

	store_date_format(day, d);
	return strtol(d, NULL, 10);
}

static int
row_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct store_report_row *)row)->unit);
}

/* Evaluations, in the order of their ids as the scan adds them. */
static enum store_status
agg_evals(struct aggrep *a)
{
	struct store_txn	*t = a->t;
	struct store_report_row	*row;
	struct agg_eval		 ev;
	const char		*unit;
	MDB_cursor		*c;
	MDB_val			 k, d;
	long			 y0, y1;
	int			 mrc;

	y0 = year_of(a->q->from);
	y1 = year_of(a->q->to);
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &c)) != 0)
		return store_mdb(t->st, mrc, "cursor");
	k.mv_data = "e";
	k.mv_size = 1;
	for (mrc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size < 1 || ((char *)k.mv_data)[0] != 'e')
			break;
		if (!val_ok(t, &d) || agg_eval_decode(d.mv_data, d.mv_size,
		    &ev) != 0) {
			mdb_cursor_close(c);
			return store_fail(t->st, STORE_CORRUPT, "an aggregate "
			    "is damaged");
		}
		if (ev.year < y0 || ev.year > y1 || ev.kind >= EVAL_N)
			continue;
		unit = a->by == STORE_BY_STREET ?
		    store_street_of(a->streets, ev.node) : ev.node;
		if (a->by == STORE_BY_GROUP)
			row = &a->r->total;
		else if (a->r->nrows == 0 || (row = bsearch(unit,
		    a->r->rows, a->r->nrows, sizeof(*row), row_cmp)) == NULL)
			continue;
		row->eval_sum[ev.kind] += ev.score;
		row->eval_count[ev.kind]++;
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(t->st, mrc, "aggregate");
	return STORE_OK;
}

enum store_status
agg_report(struct store_txn *t, const struct store_query *q, int by,
    struct store_report **out)
{
	struct aggrep		a;
	enum store_status	rc;
	size_t			i;
	int			mrc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	a.t = t;
	a.q = q;
	a.by = by;
	a.nseg = segments(q->from, q->to, a.seg);
	a.year = q->from <= q->to && q->from == agg_year_first(q->to);
	if ((a.r = calloc(1, sizeof(*a.r))) == NULL)
		return STORE_NOMEM;
	snprintf(a.r->total.unit, sizeof(a.r->total.unit), "total");
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &a.c)) != 0) {
		rc = store_mdb(t->st, mrc, "cursor");
		goto out;
	}
	if (by == STORE_BY_STREET &&
	    (rc = store_streets_load(t, &a.streets)) != STORE_OK)
		goto out;
	if ((rc = agg_rows(&a, AGG_KIND(by))) != STORE_OK)
		goto out;
	if (by == STORE_BY_STREET && (rc = street_rows(&a)) != STORE_OK)
		goto out;
	if (by == STORE_BY_GROUP && (rc = agg_total_nodes(&a)) != STORE_OK)
		goto out;
	if ((rc = agg_evals(&a)) != STORE_OK)
		goto out;
	for (i = 0; i < a.r->nrows; i++)
		report_add_row(&a.r->total, &a.r->rows[i]);
	a.r->total.median_days = median_of(&a.delays);
out:
	if (a.c != NULL)
		mdb_cursor_close(a.c);
	free(a.delays.v);
	for (i = 0; i < a.nss; i++)
		free(a.ss[i].delays.v);
	free(a.ss);
	store_streets_free(a.streets);
	if (rc != STORE_OK) {
		store_report_free(a.r);
		return rc;
	}
	*out = a.r;
	return STORE_OK;
}

