/*
 * Queries: households with their visits, requests with their deadlines, and
 * the report of the four goals.  The domain rules live here and nowhere else:
 * a household is visited in a period when a visit with outcome met falls in
 * it; a request is answered from its first reply (or its close); it is
 * overdue while unanswered more than reply_days days after the day it was
 * raised; a request belongs to the period it was raised in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static const char *const ladder_names[LADDER_N] = { "spot", "group",
    "community", "street", "district", "deputy" };
static const char *const eval_names[EVAL_N] = { "resident-team",
    "community-branch", "branch-member" };

const char *
store_ladder_name(enum ladder_level l)
{
	return (unsigned)l < LADDER_N ? ladder_names[l] : "?";
}

int
store_ladder_parse(const char *s)
{
	int	i;

	for (i = 0; i < LADDER_N; i++)
		if (s != NULL && strcmp(s, ladder_names[i]) == 0)
			return i;
	return -1;
}

const char *
store_eval_name(enum eval_kind k)
{
	return (unsigned)k < EVAL_N ? eval_names[k] : "?";
}

const char *
store_request_status_name(enum request_status s)
{
	switch (s) {
	case REQUEST_OPEN:	return "open";
	case REQUEST_ANSWERED:	return "answered";
	case REQUEST_CLOSED:	return "closed";
	}
	return "?";
}

static const char *
str_or(const cJSON *o, const char *name, const char *dflt)
{
	const char	*s;

	return (s = json_str(o, name)) != NULL ? s : dflt;
}

static int
visit_cmp(const void *a, const void *b)
{
	const struct visitmark	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->household, y->household)) != 0)
		return c;
	return (x->day > y->day) - (x->day < y->day);
}

static int
visits_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct visits		*vs = arg;
	struct visitmark	*nv;
	cJSON			*j;
	const char		*hh, *out, *date;
	long			 day;
	size_t			 ncap;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	hh = json_str(j, "household");
	out = json_str(j, "outcome");
	date = json_str(j, "date");
	if (hh == NULL || out == NULL || strcmp(out, "met") != 0 ||
	    (day = store_date_parse(date)) < 0)
		goto out;
	if (vs->n == vs->cap) {
		ncap = vs->cap ? vs->cap * 2 : 256;
		if ((nv = reallocarray(vs->v, ncap, sizeof(*nv))) == NULL) {
			cJSON_Delete(j);
			vs->nomem = 1;
			return -1;
		}
		vs->v = nv;
		vs->cap = ncap;
	}
	if ((vs->v[vs->n].household = strdup(hh)) == NULL) {
		cJSON_Delete(j);
		vs->nomem = 1;
		return -1;
	}
	vs->v[vs->n++].day = day;
out:
	cJSON_Delete(j);
	return 0;
}

void
visits_free(struct visits *vs)
{
	size_t	i;

	for (i = 0; i < vs->n; i++)
		free(vs->v[i].household);
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

enum store_status
visits_load(struct store_txn *t, struct visits *vs)
{
	enum store_status	rc;

	memset(vs, 0, sizeof(*vs));
	if ((rc = store_record_foreach(t, STORE_K_VISIT, visits_cb, vs)) !=
	    STORE_OK)
		return rc;
	if (vs->nomem)
		return STORE_NOMEM;
	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof(*vs->v), visit_cmp);
	return STORE_OK;
}

/* Visited within [from, to], and the last met visit at all. */
void
visits_of(const struct visits *vs, const char *hh, long from, long to,
    int *visited, long *last)
{
	size_t	lo = 0, hi = vs->n, mid;

	*visited = 0;
	*last = -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(vs->v[mid].household, hh) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < vs->n && strcmp(vs->v[lo].household, hh) == 0; lo++) {
		if (vs->v[lo].day >= from && vs->v[lo].day <= to)
			*visited = 1;
		*last = vs->v[lo].day;
	}
}

/* Joins a JSON array of strings with commas into buf. */
static void
join_tags(const cJSON *arr, char *buf, size_t len)
{
	const cJSON	*it;
	size_t		 n = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		    n > 0 ? "," : "", it->valuestring);
		if (n >= len)
			break;
	}
}

static int
household_fill(const cJSON *j, struct household *h, char *tags, size_t tlen)
{
	int64_t	people;

	memset(h, 0, sizeof(*h));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "removed")))
		return -1;
	h->id = str_or(j, "id", "");
	h->node = str_or(j, "node", "");
	h->address = str_or(j, "address", "");
	h->group = str_or(j, "group", "");
	if (json_int(j, "people", 0, 1000, &people) != 0)
		people = 0;
	h->people = (long)people;
	join_tags(cJSON_GetObjectItemCaseSensitive(j, "tags"), tags, tlen);
	h->tags = tags;
	return 0;
}

struct hhctx {
	const struct store_query	*q;
	const struct visits		*vs;
	int				 unvisited;
	store_household_cb		 fn;
	void				*arg;
	int				 stop;
};

static int
households_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct hhctx		*c = arg;
	struct household	 h;
	cJSON			*j;
	char			 tags[1024];
	int			 r = 0;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	if (household_fill(j, &h, tags, sizeof(tags)) == 0) {
		visits_of(c->vs, h.id, c->q->from, c->q->to, &h.visited,
		    &h.last_visit);
		if (!c->unvisited || !h.visited)
			r = c->fn(&h, c->arg);
	}
	cJSON_Delete(j);
	return r;
}

enum store_status
store_list_households(struct store_txn *t, const struct store_query *q,
    int unvisited_only, store_household_cb fn, void *arg)
{
	struct visits		vs;
	struct hhctx		c = { q, &vs, unvisited_only, fn, arg, 0 };
	enum store_status	rc;

	if ((rc = visits_load(t, &vs)) != STORE_OK)
		goto out;
	rc = store_record_foreach(t, STORE_K_HOUSEHOLD, households_cb, &c);
out:
	visits_free(&vs);
	return rc;
}

/* Fills r from a request's state; pointers live as long as j. */
int
request_fill(const cJSON *j, const struct store_query *q, struct request *r)
{
	const char	*s;
	int64_t		 n;
	int		 l;

	memset(r, 0, sizeof(*r));
	r->id = str_or(j, "id", "");
	r->node = str_or(j, "node", "");
	r->household = str_or(j, "household", "");
	r->category = str_or(j, "category", "");
	r->summary = str_or(j, "summary", "");
	r->outcome = str_or(j, "outcome", "");
	if ((r->raised = store_date_parse(json_str(j, "raised"))) < 0)
		return -1;
	r->answered = store_date_parse(json_str(j, "answered"));
	r->closed = store_date_parse(json_str(j, "closed"));
	r->level = (l = store_ladder_parse(json_str(j, "level"))) < 0 ? 0 : l;
	r->top = (l = store_ladder_parse(json_str(j, "top"))) < 0 ? 0 : l;
	s = str_or(j, "status", "open");
	r->status = strcmp(s, "closed") == 0 ? REQUEST_CLOSED :
	    strcmp(s, "answered") == 0 ? REQUEST_ANSWERED : REQUEST_OPEN;
	if (json_int(j, "satisfaction", 1, 5, &n) == 0)
		r->satisfaction = (int)n;
	if (json_int(j, "replies", 0, 1000000, &n) == 0)
		r->replies = (long)n;
	/* The clock starts on the day the resident asked, not the entry's. */
	r->overdue = r->answered < 0 && r->status != REQUEST_CLOSED &&
	    q->today - r->raised > q->reply_days;
	return 0;
}

struct reqctx {
	const struct store_query		*q;
	const struct store_request_filter	*f;
	store_request_cb			 fn;
	void					*arg;
};

static int
requests_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct reqctx	*c = arg;
	struct request	 r;
	cJSON		*j;
	int		 ret = 0;

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	if (request_fill(j, c->q, &r) != 0)
		goto out;
	if (c->f != NULL) {
		if ((c->f->flags & STORE_REQ_OPEN) &&
		    r.status != REQUEST_OPEN)
			goto out;
		if ((c->f->flags & STORE_REQ_OVERDUE) && !r.overdue)
			goto out;
		if ((c->f->flags & STORE_REQ_LEVEL) && r.level != c->f->level)
			goto out;
	}
	ret = c->fn(&r, c->arg);
out:
	cJSON_Delete(j);
	return ret;
}

enum store_status
store_list_requests(struct store_txn *t, const struct store_query *q,
    const struct store_request_filter *f, store_request_cb fn, void *arg)
{
	struct reqctx	c = { q, f, fn, arg };

	return store_record_foreach(t, STORE_K_REQUEST, requests_cb, &c);
}

enum store_status
store_get_request(struct store_txn *t, const struct store_query *q,
    const char *id, store_request_cb fn, void *arg)
{
	struct reqctx		 c = { q, NULL, fn, arg };
	const char		*json;
	size_t			 len;
	enum store_status	 rc;

	if ((rc = store_get_record(t, STORE_K_REQUEST, id, &json, &len)) !=
	    STORE_OK)
		return rc;
	(void)requests_cb(id, json, len, &c);
	return STORE_OK;
}
