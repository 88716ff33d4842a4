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
	struct store_streets		*streets;	/* rows by street */
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
	} else if (p->by == STORE_BY_STREET)
		snprintf(out, STORE_UNIT_MAX, "%s", store_street_of(p->streets,
		    node));
	else
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
	char			 unit[STORE_UNIT_MAX];
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
	unit_of(p, node, NULL, unit);
	if (p->by == STORE_BY_GROUP)
		row = &p->r->total;
	else if ((row = row_get(p, unit, &ix)) == NULL) {
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

void
report_add_row(struct store_report_row *t, const struct store_report_row *r)
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
	if (by == STORE_BY_STREET &&
	    (rc = store_streets_load(t, &p.streets)) != STORE_OK)
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
		report_add_row(&p.r->total, &p.r->rows[i]);
	rc = medians(&p);
out:
	store_streets_free(p.streets);
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
