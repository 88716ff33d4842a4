/*
 * The report's aggregates follow the records: agg_record() gets a record's
 * state before and after each change and moves the record's contribution
 * (see store_agg.c for the keys).  A household contributes to its unit's
 * household count and, while it is not removed, the visited points of its
 * met days; a visit moves a met day of its household; a request counts
 * for its node and its household's group on the day it was raised; a
 * household that changes group takes its requests' group sums along.
 * Invariant: the sums are those agg_rebuild() makes from the records.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static struct agg_val *
unit_slot(struct agg_batch *b, char uk, const char *unit)
{
	unsigned char	key[AGG_KEY_MAX];

	return agg_batch_slot(b, key, agg_unit_key(key, uk, unit));
}

/*
 * The day's, the month's and the year's slots of a unit.  The year's also
 * keeps the last day it ever had a sum of: a report of a year up to a day
 * after that reads the year alone.
 */
static enum store_status
period_slots(struct agg_batch *b, char uk, const char *unit, long day,
    struct agg_val *out[3])
{
	unsigned char	key[AGG_KEY_MAX];

	if ((out[0] = agg_batch_slot(b, key, agg_period_key(key, uk, unit, 'D',
	    agg_day_index(day)))) == NULL ||
	    (out[1] = agg_batch_slot(b, key, agg_period_key(key, uk, unit, 'M',
	    agg_month_index(day)))) == NULL ||
	    (out[2] = agg_batch_slot(b, key, agg_period_key(key, uk, unit, 'Y',
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
request_add(struct agg_batch *b, const cJSON *j, int has_hh, const char *group,
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
agg_request(struct agg_batch *b, const cJSON *old, const cJSON *new)
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
	if ((rc = agg_val_encode(days, &buf)) != STORE_OK)
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
 * One visited point (d, p) of an active household, for its node and its
 * group: in the day's and month's lists, and in the year's count of first
 * visits when p lies in an earlier year.
 */
static enum store_status
point_add(struct agg_batch *b, const cJSON *hh, int64_t d, int64_t p,
    int sign)
{
	struct agg_val		*s[3];
	const char		*node;
	char			 unit[STORE_UNIT_MAX];
	enum store_status	 rc;
	int			 by, l;

	node = json_str(hh, "node") != NULL ? json_str(hh, "node") : "";
	for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
		agg_unit(node, json_str(hh, "group"), by, unit);
		if ((rc = period_slots(b, AGG_KIND(by), unit, (long)d, s)) !=
		    STORE_OK)
			return rc;
		for (l = 0; l < 2; l++)
			if ((rc = agg_pairs_add(&s[l]->p[AGG_P_POINTS], p,
			    sign)) != STORE_OK)
				return rc;
		if (p < agg_year_first((long)d))
			s[2]->c[AGG_P_FIRST] += sign;
	}
	return STORE_OK;
}

/*
 * The points of an active household's met days: each distinct day with
 * the one before it (AGG_NONE for the first).
 */
static enum store_status
points_add(struct agg_batch *b, const cJSON *hh, const struct agg_val *days,
    int sign)
{
	int64_t			 prev;
	enum store_status	 rc;
	size_t			 i;

	if (!hh_active(hh))
		return STORE_OK;
	for (i = 0, prev = AGG_NONE; i < days->p[0].n; i++) {
		if ((rc = point_add(b, hh, days->p[0].v[i].k, prev, sign)) !=
		    STORE_OK)
			return rc;
		prev = days->p[0].v[i].k;
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

/*
 * Moves a met day of household hh by sign.  Only a day that appears or
 * disappears changes points: its own, and the next day's, whose previous
 * day it becomes or stops being.
 */
static enum store_status
visit_day(struct agg_batch *b, const char *hh, long day, int sign)
{
	struct agg_val		 days;
	cJSON			*st = NULL;
	int64_t			 before = 0, prev = AGG_NONE, next = AGG_NONE;
	enum store_status	 rc;
	size_t			 i;
	int			 s;

	if ((rc = days_get(b->t, hh, &days)) != STORE_OK)
		goto out;
	for (i = 0; i < days.p[0].n; i++) {
		if (days.p[0].v[i].k < day)
			prev = days.p[0].v[i].k;
		else if (days.p[0].v[i].k == day)
			before = days.p[0].v[i].n;
		else {
			next = days.p[0].v[i].k;
			break;
		}
	}
	if ((rc = agg_pairs_add(&days.p[0], day, sign)) != STORE_OK)
		goto out;
	if ((before > 0) != (before + sign > 0)) {
		s = before + sign > 0 ? 1 : -1;
		if ((rc = hh_state(b->t, hh, &st)) != STORE_OK)
			goto out;
		if (hh_active(st) &&
		    ((rc = point_add(b, st, day, prev, s)) != STORE_OK ||
		    (next != AGG_NONE &&
		    ((rc = point_add(b, st, next, prev, -s)) != STORE_OK ||
		    (rc = point_add(b, st, next, day, s)) != STORE_OK))))
			goto out;
	}
	rc = days_put(b->t, hh, &days);
out:
	cJSON_Delete(st);
	agg_val_free(&days);
	return rc;
}

static enum store_status
agg_visit(struct agg_batch *b, const cJSON *old, const cJSON *new)
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
requests_move(struct agg_batch *b, const char *hh, const cJSON *old,
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
agg_household(struct agg_batch *b, const char *id, const cJSON *old,
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
node_add(struct agg_batch *b, char kind, const cJSON *j, int sign)
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
	int64_t			 year;
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
	if ((rc = agg_eval_encode(node, year, e, score != NULL ?
	    score->valuedouble : 0, &val)) != STORE_OK)
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

enum store_status
agg_record(struct store_txn *t, char kind, const char *id, const cJSON *old,
    const cJSON *new)
{
	struct agg_batch	*b = t->agg;
	enum store_status	 rc;

	/* The sums go to the transaction's batch, written at its commit. */
	if (b == NULL)
		return store_fail(t->st, STORE_INVALID, "no write transaction");
	if (t->st->agg_missing)
		return STORE_OK;	/* no database yet: made at an open */
	switch (kind) {
	case STORE_K_HOUSEHOLD:
		rc = agg_household(b, id, old, new);
		break;
	case STORE_K_VISIT:
		rc = agg_visit(b, old, new);
		break;
	case STORE_K_REQUEST:
		rc = agg_request(b, old, new);
		break;
	case STORE_K_EVAL:
		if ((rc = eval_put(t, id, new)) != STORE_OK)
			break;
		/* FALLTHROUGH */
	case STORE_K_STUDENT:
	case STORE_K_DONATION:
		if ((rc = node_add(b, kind, old, -1)) == STORE_OK)
			rc = node_add(b, kind, new, 1);
		break;
	default:
		return STORE_OK;
	}
	if (rc == STORE_OK && b->n >= AGG_BATCH_MAX)
		rc = agg_batch_flush(b);
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
	char			 schema[16];
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
	/*
	 * Schema 2: a program without the aggregates must not write to the
	 * store any more, or they would no longer match the records.
	 */
	snprintf(schema, sizeof(schema), "%d", STORE_SCHEMA);
	if ((rc = store_meta_put(t, "schema", schema)) != STORE_OK)
		return rc;
	return store_meta_put(t, AGG_META, AGG_VERSION);
}

