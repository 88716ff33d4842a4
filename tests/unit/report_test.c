/*
 * Unit test of the report's aggregates: random logs whose entries name the
 * same households, visits and requests from several nodes, out of order,
 * with conflicts, are put into stores in several orders of arrival (so that
 * records are folded again when an earlier entry comes late), then a few
 * entries of the node's own are appended strictly.  For many periods, days
 * and deadlines, by node and by group, the report from the aggregates must
 * equal the scan of the records (MINQING_REPORT_SCAN=1) field for field,
 * and every order must give the same report.
 *
 * "report_test SEED" runs one seed; without one, a fixed set.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tests/unit/test.h"

#define NLOGS		4
#define PER_LOG		220
#define NORDERS		4
#define LINE_MAX	2048

static const char *const logs[NLOGS] = { "a/main", "b/main", "c/main",
    "d/main" };

struct line {
	char	*p;
	size_t	 len;
	int	 log;
	uint64_t hlc;
};

static uint64_t	rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static void
rnd_date(char out[11])
{
	/* From 2025-06-01 over some 600 days: periods cross the years. */
	store_date_format(store_date_parse("2025-06-01") + (long)rnd(600),
	    out);
}

/* A random body and its type, from small pools of ids so that they meet. */
static const char *
random_body(char *out, size_t len)
{
	static const char *const groups[] = { "G1", "G2", "G3", "x:G9" };
	static const char *const outcomes[] = { "met", "met", "met", "absent",
	    "declined" };
	static const char *const levels[] = { "group", "community", "street",
	    "district", "deputy" };
	static const char *const closes[] = { "resolved", "explained",
	    "withdrawn" };
	static const char *const kinds[] = { "resident-team",
	    "community-branch", "branch-member", "resident-team" };
	char		 d[11];
	uint32_t	 r = rnd(100);

	rnd_date(d);
	if (r < 14) {
		snprintf(out, len, "{\"id\":\"a:H%u\",\"address\":\"路%u号\","
		    "\"group\":\"%s\"}", rnd(30), rnd(99), groups[rnd(4)]);
		return "household.add";
	}
	if (r < 20) {
		if (rnd(3) == 0)
			snprintf(out, len, "{\"id\":\"a:H%u\",\"people\":%u}",
			    rnd(30), rnd(5));
		else
			snprintf(out, len, "{\"id\":\"a:H%u\",\"group\":"
			    "\"%s\"}", rnd(30), groups[rnd(4)]);
		return "household.update";
	}
	if (r < 23) {
		snprintf(out, len, "{\"id\":\"a:H%u\"}", rnd(30));
		return "household.remove";
	}
	if (r < 48) {
		snprintf(out, len, "{\"id\":\"V%u\",\"household\":\"a:H%u\","
		    "\"date\":\"%s\",\"team\":[\"m1\"],\"outcome\":\"%s\"}",
		    rnd(200), rnd(32), d, outcomes[rnd(5)]);
		return "visit.add";
	}
	if (r < 60) {
		snprintf(out, len, "{\"id\":\"R%u\",\"household\":\"a:H%u\","
		    "\"category\":\"other\",\"summary\":\"灯\",\"raised\":"
		    "\"%s\"}", rnd(50), rnd(32), d);
		return "request.open";
	}
	if (r < 65) {
		snprintf(out, len, "{\"id\":\"R%u\",\"to\":\"%s\"}", rnd(50),
		    levels[rnd(5)]);
		return "request.escalate";
	}
	if (r < 74) {
		if (rnd(2))
			snprintf(out, len, "{\"id\":\"R%u\",\"text\":\"好\","
			    "\"from\":\"street\",\"date\":\"%s\"}", rnd(50), d);
		else
			snprintf(out, len, "{\"id\":\"R%u\",\"text\":\"好\","
			    "\"from\":\"street\"}", rnd(50));
		return "request.reply";
	}
	if (r < 80) {
		snprintf(out, len, "{\"id\":\"R%u\",\"outcome\":\"%s\","
		    "\"satisfaction\":%u,\"date\":\"%s\"}", rnd(50),
		    closes[rnd(3)], 1 + rnd(5), d);
		return "request.close";
	}
	if (r < 83) {
		snprintf(out, len, "{\"id\":\"R%u\"}", rnd(50));
		return "request.reopen";
	}
	if (r < 87) {
		snprintf(out, len, "{\"id\":\"S%u\",\"name\":\"李\","
		    "\"university\":\"大学\",\"since\":\"%s\"}", rnd(6), d);
		return "student.add";
	}
	if (r < 93) {
		snprintf(out, len, "{\"id\":\"D%u\",\"student\":\"S%u\","
		    "\"amount\":%u,\"date\":\"%s\",\"from\":\"企业\"}", rnd(20),
		    rnd(6), 1 + rnd(100000), d);
		return "donation.add";
	}
	snprintf(out, len, "{\"id\":\"E%u\",\"year\":%u,\"kind\":\"%s\","
	    "\"subject\":\"m1\",\"score\":%u.%u}", rnd(12), 2025 + rnd(3),
	    kinds[rnd(4)], rnd(101) % 100, rnd(10));
	return "evaluation.add";
}

/* NLOGS chains of PER_LOG entries, each log's clock rising at random. */
static struct line *
make_lines(void)
{
	struct line	*ls;
	unsigned char	 head[STORE_HASH_BYTES];
	char		 prev[65], body[1024], at[32], d[11], buf[LINE_MAX];
	const char	*type;
	uint64_t	 hlc;
	int		 l, i, n;

	if ((ls = calloc(NLOGS * PER_LOG, sizeof(*ls))) == NULL)
		exit(99);
	for (l = 0; l < NLOGS; l++) {
		hlc = 1750000000000000ULL + rnd(1000000);
		memset(prev, '0', 64);
		prev[64] = '\0';
		for (i = 0; i < PER_LOG; i++) {
			type = random_body(body, sizeof(body));
			hlc += 1 + rnd(5000000);
			rnd_date(d);
			snprintf(at, sizeof(at), "%sT10:00:00.000Z", d);
			n = snprintf(buf, sizeof(buf), "{\"v\":1,\"log\":"
			    "\"%s\",\"seq\":%d,\"prev\":\"%s\",\"hlc\":"
			    "%" PRIu64 ",\"at\":\"%s\",\"type\":\"%s\","
			    "\"by\":\"m1\",\"body\":%s}", logs[l], i + 1,
			    prev, hlc, at, type, body);
			ls[l * PER_LOG + i].p = strdup(buf);
			ls[l * PER_LOG + i].len = (size_t)n;
			ls[l * PER_LOG + i].log = l;
			ls[l * PER_LOG + i].hlc = hlc;
			store_hash(buf, (size_t)n, head);
			store_hash_hex(head, prev);
		}
	}
	return ls;
}

struct feed {
	struct line	**order;
	size_t		  next, n;
};

static enum store_status
feed_cb(struct store_txn *t, void *arg)
{
	struct feed		*f = arg;
	size_t			 i;
	enum store_status	 rc;

	for (i = f->next; i < f->n && i < f->next + 7; i++)
		if ((rc = store_put_entry(t, f->order[i]->p,
		    f->order[i]->len)) != STORE_OK)
			return rc;
	return STORE_OK;
}

static int
hlc_cmp(const void *a, const void *b)
{
	const struct line	*x = *(struct line *const *)a;
	const struct line	*y = *(struct line *const *)b;

	return (x->hlc > y->hlc) - (x->hlc < y->hlc);
}

/*
 * Orders of arrival, each log's entries in seq order: log after log, the
 * logs backwards, at random, and by clock.
 */
static void
make_order(struct line *ls, int how, struct line **out)
{
	size_t	pos[NLOGS] = { 0 }, i, n = 0;
	int	l;

	if (how == 3) {
		for (i = 0; i < NLOGS * PER_LOG; i++)
			out[i] = &ls[i];
		qsort(out, NLOGS * PER_LOG, sizeof(*out), hlc_cmp);
		return;
	}
	while (n < NLOGS * PER_LOG) {
		if (how == 0)
			l = (int)(n / PER_LOG);
		else if (how == 1)
			l = NLOGS - 1 - (int)(n / PER_LOG);
		else
			do
				l = (int)rnd(NLOGS);
			while (pos[l] == PER_LOG);
		out[n++] = &ls[l * PER_LOG + pos[l]++];
	}
}

/* Strict appends of the node's own: most refused, some applied. */
static enum store_status
own_cb(struct store_txn *t, void *arg)
{
	char			 body[1024];
	const char		*type;
	int			 i;
	enum store_status	 rc;

	(void)arg;
	for (i = 0; i < 60; i++) {
		type = random_body(body, sizeof(body));
		rc = store_append(t, "hub/main", type, "m1", body, NULL);
		if (rc != STORE_OK && rc != STORE_INVALID)
			return rc;
	}
	return STORE_OK;
}

static int
rows_equal(const struct store_report_row *a, const struct store_report_row *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static int
reports_equal(const struct store_report *a, const struct store_report *b)
{
	size_t	i;

	if (a->nrows != b->nrows || !rows_equal(&a->total, &b->total))
		return 0;
	for (i = 0; i < a->nrows; i++)
		if (!rows_equal(&a->rows[i], &b->rows[i]))
			return 0;
	return 1;
}

static struct store_report *
report(struct store *st, const struct store_query *q, int by, int scan)
{
	struct store_txn	*t;
	struct store_report	*r = NULL;

	if (scan)
		setenv("MINQING_REPORT_SCAN", "1", 1);
	else
		unsetenv("MINQING_REPORT_SCAN");
	if (store_read_begin(st, &t) != STORE_OK)
		return NULL;
	if (store_report(t, q, by, &r) != STORE_OK)
		r = NULL;
	store_txn_abort(t);
	unsetenv("MINQING_REPORT_SCAN");
	return r;
}

/* Periods: the default ones, month and year edges, and random ones. */
static void
random_query(int i, struct store_query *q)
{
	static const char *const fixed[][2] = {
		{ "2026-01-01", "2026-11-30" }, { "2026-01-01", "2026-12-31" },
		{ "2025-01-01", "2025-12-31" }, { "2025-06-01", "2027-03-01" },
		{ "2026-02-01", "2026-02-28" }, { "2026-03-15", "2026-03-15" },
		{ "2025-12-31", "2026-01-01" }, { "2026-01-01", "2026-01-31" },
		{ "1999-01-01", "2030-12-31" }, { "2026-05-02", "2026-09-29" },
	};
	long	a, b;

	if (i < 10) {
		q->from = store_date_parse(fixed[i][0]);
		q->to = store_date_parse(fixed[i][1]);
	} else {
		a = store_date_parse("2025-05-01") + (long)rnd(700);
		b = a + (long)rnd(i % 3 == 0 ? 40 : 400);
		q->from = a;
		q->to = b;
	}
	q->today = store_date_parse("2025-09-01") + (long)rnd(500);
	q->reply_days = i % 4 == 0 ? 7 : 30;
}

static void
compare(struct store *st[NORDERS], int nst, int seed)
{
	struct store_report	*agg, *scan, *other;
	struct store_query	 q;
	int			 i, by, s, ok;

	for (i = 0; i < 40; i++) {
		memset(&q, 0, sizeof(q));
		random_query(i, &q);
		for (by = STORE_BY_NODE; by <= STORE_BY_GROUP; by++) {
			agg = report(st[0], &q, by, 0);
			scan = report(st[0], &q, by, 1);
			CHECK(agg != NULL && scan != NULL);
			if (agg == NULL || scan == NULL)
				return;
			ok = reports_equal(agg, scan);
			CHECK(ok);
			if (!ok)
				fprintf(stderr, "seed %d period %d by %d: the "
				    "aggregates differ from the scan\n", seed,
				    i, by);
			for (s = 1; s < nst; s++) {
				other = report(st[s], &q, by, 0);
				CHECK(other != NULL && reports_equal(agg,
				    other));
				store_report_free(other);
			}
			store_report_free(agg);
			store_report_free(scan);
		}
	}
}

static void
run(int seed)
{
	struct store	*st[NORDERS] = { NULL };
	struct line	*ls, *order[NLOGS * PER_LOG];
	struct feed	 f;
	char		*dir[NORDERS];
	int		 o, i;

	rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)seed * 0x100000001b3ULL);
	ls = make_lines();
	for (o = 0; o < NORDERS; o++) {
		dir[o] = test_tmpdir();
		CHECK_RC(store_open(dir[o], STORE_CREATE, &st[o]), STORE_OK);
		make_order(ls, o, order);
		f.order = order;
		f.n = NLOGS * PER_LOG;
		for (f.next = 0; f.next < f.n; f.next += 7)
			CHECK_RC(store_write(st[o], feed_cb, &f), STORE_OK);
	}
	compare(st, NORDERS, seed);
	/* The node's own strict appends, then again. */
	CHECK_RC(store_write(st[0], own_cb, NULL), STORE_OK);
	compare(st, 1, seed);
	for (o = 0; o < NORDERS; o++) {
		store_close(st[o]);
		test_rmdir(dir[o]);
	}
	for (i = 0; i < NLOGS * PER_LOG; i++)
		free(ls[i].p);
	free(ls);
}

int
main(int argc, char *argv[])
{
	int	seed;

	if (argc > 1) {
		run((int)strtol(argv[1], NULL, 10));
		return test_done("report_test");
	}
	for (seed = 1; seed <= 12; seed++)
		run(seed);
	return test_done("report_test");
}
