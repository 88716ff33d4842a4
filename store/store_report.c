/*
 * The report of the four goals: coverage of visits, requests answered and
 * answered in time, open and overdue, how far requests climbed, sponsored
 * students and donations, and evaluation averages.  Rows are kept sorted by
 * unit, so the same records always give the same report, byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct daymark {
	size_t	row;
	long	days;
};

struct rep {
	struct store_txn		*t;
	const struct store_query	*q;
	int				 by;
	struct store_report		*r;
	size_t				 cap;
	struct visits			 vs;
	struct daymark			*days;
	size_t				 ndays, capdays;
	enum store_status		 rc;
};

/* The row for unit, made in order when new; NULL when out of memory. */
static struct store_report_row *
row_get(struct rep *p, const char *unit, size_t *index)
{
	struct store_report		*r = p->r;
	struct store_report_row		*nr;
	size_t				 lo = 0, hi = r->nrows, mid, ncap;
	int				 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(r->rows[mid].unit, unit)) == 0) {
			*index = mid;
			return &r->rows[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (r->nrows == p->cap) {
		ncap = p->cap ? p->cap * 2 : 16;
		if ((nr = reallocarray(r->rows, ncap, sizeof(*nr))) == NULL)
			return NULL;
		r->rows = nr;
		p->cap = ncap;
	}
	memmove(&r->rows[lo + 1], &r->rows[lo],
	    (r->nrows - lo) * sizeof(*r->rows));
	memset(&r->rows[lo], 0, sizeof(*r->rows));
	snprintf(r->rows[lo].unit, sizeof(r->rows[lo].unit), "%s", unit);
	r->nrows++;
	/* Answer days already noted point at rows by index. */
	for (mid = 0; mid < p->ndays; mid++)
		if (p->days[mid].row >= lo)
			p->days[mid].row++;
	*index = lo;
	return &r->rows[lo];
}

static void
unit_of(const struct rep *p, const char *node, const char *group, char *out)
{
	if (p->by == STORE_BY_GROUP && group != NULL) {
		if (strchr(group, ':') != NULL)
			snprintf(out, STORE_UNIT_MAX, "%s", group);
		else
			snprintf(out, STORE_UNIT_MAX, "%s:%s", node, group);
	} else
		snprintf(out, STORE_UNIT_MAX, "%s", node);
}

static int
hh_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct rep		*p = arg;
	struct store_report_row	*row;
	cJSON			*j;
	char			 unit[STORE_UNIT_MAX];
	int			 visited;
	long			 last;
	size_t			 ix;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "removed"))) {
		unit_of(p, json_str(j, "node") ? json_str(j, "node") : "",
		    json_str(j, "group"), unit);
		if ((row = row_get(p, unit, &ix)) == NULL) {
			p->rc = STORE_NOMEM;
			cJSON_Delete(j);
			return -1;
		}
		visits_of(&p->vs, json_str(j, "id") ? json_str(j, "id") : "",
		    p->q->from, p->q->to, &visited, &last);
		row->households++;
		row->visited += visited;
	}
	cJSON_Delete(j);
	return 0;
}

/* The group of a household, for rows by group; NULL when unknown. */
static const char *
hh_group(struct rep *p, const char *hh, cJSON **hold)
{
	const char	*json;
	size_t		 len;

	*hold = NULL;
	if (p->by != STORE_BY_GROUP)
		return NULL;
	if (store_get_record(p->t, STORE_K_HOUSEHOLD, hh, &json, &len) !=
	    STORE_OK)
		return NULL;
	if ((*hold = cJSON_ParseWithLength(json, len)) == NULL)
		return NULL;
	return json_str(*hold, "group");
}

static int
req_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct rep		*p = arg;
	struct store_report_row	*row;
	struct daymark		*nd;
	struct request		 r;
	cJSON			*j, *hold = NULL;
	char			 unit[STORE_UNIT_MAX];
	size_t			 ix, ncap;
	int			 ret = 0;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	if (request_fill(j, p->q, &r) != 0 || r.raised < p->q->from ||
	    r.raised > p->q->to)
		goto out;
	unit_of(p, r.node, hh_group(p, r.household, &hold), unit);
	if ((row = row_get(p, unit, &ix)) == NULL)
		goto nomem;
	row->requests++;
	row->open += r.status == REQUEST_OPEN;
	row->overdue += r.overdue;
	row->escalated[r.top]++;
	if (r.answered >= 0) {
		row->answered++;
		row->answered_in_time += r.answered - r.raised <=
		    p->q->reply_days;
		if (p->ndays == p->capdays) {
			ncap = p->capdays ? p->capdays * 2 : 256;
			if ((nd = reallocarray(p->days, ncap, sizeof(*nd))) ==
			    NULL)
				goto nomem;
			p->days = nd;
			p->capdays = ncap;
		}
		p->days[p->ndays].row = ix;
		p->days[p->ndays++].days = r.answered - r.raised;
	}
	goto out;
nomem:
	p->rc = STORE_NOMEM;
	ret = -1;
out:
	cJSON_Delete(hold);
	cJSON_Delete(j);
	return ret;
}

/* Students, donations and evaluations belong to the node that wrote them. */
static int
node_cb(const char *id, const char *json, size_t len, void *arg, char kind)
{
	struct rep		*p = arg;
	struct store_report_row	*row;
	cJSON			*j;
	const char		*node, *k;
	int64_t			 n, year;
	double			 score;
	long			 day;
	size_t			 ix;
	int			 e;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	node = json_str(j, "node") ? json_str(j, "node") : "";
	/* Rows by group leave these to the total: they have no group. */
	if (p->by == STORE_BY_GROUP)
		row = &p->r->total;
	else if ((row = row_get(p, node, &ix)) == NULL) {
		p->rc = STORE_NOMEM;
		cJSON_Delete(j);
		return -1;
	}
	switch (kind) {
	case STORE_K_STUDENT:
		day = store_date_parse(json_str(j, "since"));
		if (day >= 0 && day <= p->q->to)
			row->students++;
		break;
	case STORE_K_DONATION:
		day = store_date_parse(json_str(j, "date"));
		if (day >= p->q->from && day <= p->q->to &&
		    json_int(j, "amount", 1, INT64_MAX, &n) == 0) {
			row->donations_fen += (uint64_t)n;
			row->donations++;
		}
		break;
	case STORE_K_EVAL:
		if (json_int(j, "year", 0, 9999, &year) != 0 ||
		    cJSON_GetObjectItemCaseSensitive(j, "score") == NULL)
			break;
		score = cJSON_GetObjectItemCaseSensitive(j, "score")->
		    valuedouble;
		{
			char	a[11], b[11];

			store_date_format(p->q->from, a);
			store_date_format(p->q->to, b);
			if (year < strtol(a, NULL, 10) ||
			    year > strtol(b, NULL, 10))
				break;
		}
		k = json_str(j, "kind");
		for (e = 0; e < EVAL_N; e++)
			if (k != NULL && strcmp(k, store_eval_name(e)) == 0) {
				row->eval_sum[e] += score;
				row->eval_count[e]++;
			}
		break;
	}
	cJSON_Delete(j);
	return 0;
}

static int
student_cb(const char *id, const char *json, size_t len, void *arg)
{
	return node_cb(id, json, len, arg, STORE_K_STUDENT);
}

static int
donation_cb(const char *id, const char *json, size_t len, void *arg)
{
	return node_cb(id, json, len, arg, STORE_K_DONATION);
}

static int
eval_cb(const char *id, const char *json, size_t len, void *arg)
{
	return node_cb(id, json, len, arg, STORE_K_EVAL);
}

static int
daymark_cmp(const void *a, const void *b)
{
	const struct daymark	*x = a, *y = b;

	if (x->row != y->row)
		return (x->row > y->row) - (x->row < y->row);
	return (x->days > y->days) - (x->days < y->days);
}

static int
long_cmp(const void *a, const void *b)
{
	const long	*x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static double
median(const long *v, size_t n)
{
	if (n == 0)
		return -1;
	if (n % 2 == 1)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static enum store_status
medians(struct rep *p)
{
	struct store_report	*r = p->r;
	long			*all;
	size_t			 i, j, k;

	if (p->ndays > 1)
		qsort(p->days, p->ndays, sizeof(*p->days), daymark_cmp);
	if ((all = calloc(p->ndays + 1, sizeof(*all))) == NULL)
		return STORE_NOMEM;
	for (i = 0; i < r->nrows; i++)
		r->rows[i].median_days = -1;
	for (i = 0; i < p->ndays; i = j) {
		for (j = i, k = 0; j < p->ndays &&
		    p->days[j].row == p->days[i].row; j++)
			all[k++] = p->days[j].days;
		r->rows[p->days[i].row].median_days = median(all, k);
	}
	for (i = 0; i < p->ndays; i++)
		all[i] = p->days[i].days;
	if (p->ndays > 1)
		qsort(all, p->ndays, sizeof(*all), long_cmp);
	r->total.median_days = median(all, p->ndays);
	free(all);
	return STORE_OK;
}

static void
add_row(struct store_report_row *t, const struct store_report_row *r)
{
	int	i;

	t->households += r->households;
	t->visited += r->visited;
	t->requests += r->requests;
	t->answered += r->answered;
	t->answered_in_time += r->answered_in_time;
	t->open += r->open;
	t->overdue += r->overdue;
	for (i = 0; i < LADDER_N; i++)
		t->escalated[i] += r->escalated[i];
	t->students += r->students;
	t->donations_fen += r->donations_fen;
	t->donations += r->donations;
	for (i = 0; i < EVAL_N; i++) {
		t->eval_sum[i] += r->eval_sum[i];
		t->eval_count[i] += r->eval_count[i];
	}
}

/* The report from the records themselves: the exact reference. */
static enum store_status
report_scan(struct store_txn *t, const struct store_query *q, int by,
    struct store_report **out)
{
	struct rep		p;
	size_t			i;
	enum store_status	rc;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.q = q;
	p.by = by;
	if ((p.r = calloc(1, sizeof(*p.r))) == NULL)
		return STORE_NOMEM;
	snprintf(p.r->total.unit, sizeof(p.r->total.unit), "total");
	if ((rc = visits_load(t, &p.vs)) != STORE_OK)
		goto out;
	if ((rc = store_record_foreach(t, STORE_K_HOUSEHOLD, hh_cb, &p)) !=
	    STORE_OK || (rc = p.rc) != STORE_OK)
		goto out;
	if ((rc = store_record_foreach(t, STORE_K_REQUEST, req_cb, &p)) !=
	    STORE_OK || (rc = p.rc) != STORE_OK)
		goto out;
	if ((rc = store_record_foreach(t, STORE_K_STUDENT, student_cb, &p)) !=
	    STORE_OK || (rc = p.rc) != STORE_OK)
		goto out;
	if ((rc = store_record_foreach(t, STORE_K_DONATION, donation_cb,
	    &p)) != STORE_OK || (rc = p.rc) != STORE_OK)
		goto out;
	if ((rc = store_record_foreach(t, STORE_K_EVAL, eval_cb, &p)) !=
	    STORE_OK || (rc = p.rc) != STORE_OK)
		goto out;
	for (i = 0; i < p.r->nrows; i++)
		add_row(&p.r->total, &p.r->rows[i]);
	rc = medians(&p);
out:
	visits_free(&p.vs);
	free(p.days);
	if (rc != STORE_OK) {
		store_report_free(p.r);
		return rc;
	}
	*out = p.r;
	return STORE_OK;
}

/*
 * The aggregates answer every period; MINQING_REPORT_SCAN=1 asks for the
 * scan of the records instead, to compare the two.
 */
enum store_status
store_report(struct store_txn *t, const struct store_query *q, int by,
    struct store_report **out)
{
	const char	*scan = getenv("MINQING_REPORT_SCAN");

	if ((scan == NULL || strcmp(scan, "1") != 0) && agg_ready(t))
		return agg_report(t, q, by, out);
	return report_scan(t, q, by, out);
}

/* Day ranges, or month ranges, that cover a period exactly. */
struct seg {
	char		level;
	uint32_t	lo, hi;
};

static long
year_first(long day)
{
	char	d[11];

	store_date_format(day, d);
	memcpy(d + 4, "-01-01", 7);
	return store_date_parse(d);
}

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
	if (row->households == 0 && row->requests == 0 &&
	    (a->by != STORE_BY_NODE || u->c[AGG_U_RECORDS] == 0))
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

/* One row per unit of kind uk, in the order of their keys: by unit. */
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
		if (rc != STORE_OK || (rc = row_append(a, &row)) != STORE_OK)
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
	MDB_cursor		*c;
	MDB_val			 k, d;
	long			 y0 = year_of(a->q->from), y1 = year_of(a->q->to);
	int			 mrc;

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
		if (a->by == STORE_BY_GROUP)
			row = &a->r->total;
		else if ((row = bsearch(ev.node, a->r->rows, a->r->nrows,
		    sizeof(*row), row_cmp)) == NULL)
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
	a.year = q->from <= q->to && q->from == year_first(q->to);
	if ((a.r = calloc(1, sizeof(*a.r))) == NULL)
		return STORE_NOMEM;
	snprintf(a.r->total.unit, sizeof(a.r->total.unit), "total");
	if ((mrc = mdb_cursor_open(t->txn, t->st->dbi[DBI_AGG], &a.c)) != 0) {
		rc = store_mdb(t->st, mrc, "cursor");
		goto out;
	}
	if ((rc = agg_rows(&a, AGG_KIND(by))) != STORE_OK)
		goto out;
	if (by == STORE_BY_GROUP && (rc = agg_total_nodes(&a)) != STORE_OK)
		goto out;
	if ((rc = agg_evals(&a)) != STORE_OK)
		goto out;
	for (i = 0; i < a.r->nrows; i++)
		add_row(&a.r->total, &a.r->rows[i]);
	a.r->total.median_days = median_of(&a.delays);
out:
	if (a.c != NULL)
		mdb_cursor_close(a.c);
	free(a.delays.v);
	if (rc != STORE_OK) {
		store_report_free(a.r);
		return rc;
	}
	*out = a.r;
	return STORE_OK;
}

void
store_report_free(struct store_report *r)
{
	if (r == NULL)
		return;
	free(r->rows);
	free(r);
}

double
store_report_coverage(const struct store_report_row *r)
{
	if (r->households == 0)
		return 0;
	return (double)r->visited / (double)r->households;
}
