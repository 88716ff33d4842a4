/*
 * Unit tests of store/: dates, text, names, the hash chain and its checks on
 * received entries, growth of the map, refusals that leave nothing behind,
 * and the fold's independence from the order entries arrive in.
 *
 * "store_test fold-order DIR" also leaves the stores of the order test in
 * DIR/a, DIR/b, DIR/c and DIR/d, for the command line to compare.
 */
#include "config.h"

#include <sys/stat.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tests/unit/test.h"

static void
test_dates(void)
{
	char	buf[11];
	long	d;

	CHECK(store_date_parse("1970-01-01") == 0);
	CHECK(store_date_parse("2026-11-30") == 20787);
	CHECK(store_date_parse("2024-02-29") > 0);
	CHECK(store_date_parse("2026-02-29") == -1);
	CHECK(store_date_parse("2026-02-30") == -1);
	CHECK(store_date_parse("2100-02-29") == -1);
	CHECK(store_date_parse("2000-02-29") > 0);
	CHECK(store_date_parse("2026-13-01") == -1);
	CHECK(store_date_parse("2026-04-31") == -1);
	CHECK(store_date_parse("2026-1-01") == -1);
	CHECK(store_date_parse("2026-01-01x") == -1);
	CHECK(store_date_parse("") == -1);
	CHECK(store_date_parse(NULL) == -1);
	for (d = store_date_parse("1999-12-25"); d < store_date_parse(
	    "2031-01-05"); d += 7) {
		store_date_format(d, buf);
		if (store_date_parse(buf) != d) {
			CHECK(!"date round trip");
			break;
		}
	}
	CHECK(store_date_parse("2026-10-31") + 30 == store_date_parse(
	    "2026-11-30"));
}

static void
test_text(void)
{
	CHECK(store_text_valid("plain", 5));
	CHECK(store_text_valid("共和新路", strlen("共和新路")));
	CHECK(store_text_valid("tab\there", 8));
	CHECK(!store_text_valid("line\nbreak", 10));
	CHECK(!store_text_valid("\xff", 1));
	CHECK(!store_text_valid("\xc0\xaf", 2));		/* overlong */
	CHECK(!store_text_valid("\xed\xa0\x80", 3));		/* surrogate */
	CHECK(!store_text_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	CHECK(!store_text_valid("\xe5\x85", 2));		/* cut short */
	CHECK(!store_text_valid("a\x1b[2J", 5));
	CHECK(store_valid_node("zb-bs-0301"));
	CHECK(!store_valid_node("ZB"));
	CHECK(!store_valid_node(""));
	CHECK(!store_valid_node("a23456789012345678901234567890123"));
	CHECK(store_valid_log("zb-bs-0301/main"));
	CHECK(store_valid_log("hub/to-zb-bs-0301"));
	CHECK(!store_valid_log("zb/.."));
	CHECK(!store_valid_log("zb/a/b"));
	CHECK(!store_valid_log("../main"));
	CHECK(!store_valid_log("zb"));
	CHECK(!store_valid_log("zb/"));
}

struct appendctx {
	const char	*log;
	const char	*type;
	const char	*body;
	int		 n;
	int		 base;
};

static enum store_status
append_cb(struct store_txn *t, void *arg)
{
	struct appendctx	*a = arg;
	enum store_status	 rc;
	char			 body[256];
	int			 i;

	for (i = 0; i < a->n; i++) {
		if (a->body != NULL)
			snprintf(body, sizeof(body), "%s", a->body);
		else
			snprintf(body, sizeof(body), "{\"id\":\"t:H%d\","
			    "\"address\":\"共和新路%d号\",\"group\":\"G%d\"}",
			    a->base + i, a->base + i, (a->base + i) % 7);
		if ((rc = store_append(t, a->log, a->type, "clerk", body,
		    NULL)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

struct collect {
	char		**lines;
	size_t		 *lens;
	size_t		  n;
};

static int
collect_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct collect	*c = arg;

	(void)seq;
	c->lines = realloc(c->lines, (c->n + 1) * sizeof(*c->lines));
	c->lens = realloc(c->lens, (c->n + 1) * sizeof(*c->lens));
	c->lines[c->n] = malloc(len + 1);
	memcpy(c->lines[c->n], line, len);
	c->lines[c->n][len] = '\0';
	c->lens[c->n++] = len;
	return 0;
}

static void
collect_free(struct collect *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	free(c->lens);
	memset(c, 0, sizeof(*c));
}

static enum store_status
collect_log(struct store *st, const char *log, struct collect *c)
{
	struct store_txn	*t;
	enum store_status	 rc;

	if ((rc = store_read_begin(st, &t)) != STORE_OK)
		return rc;
	rc = store_log_foreach(t, log, 0, collect_cb, c);
	store_txn_abort(t);
	return rc;
}

struct putctx {
	const char	*line;
	size_t		 len;
};

static enum store_status
put_cb(struct store_txn *t, void *arg)
{
	struct putctx	*p = arg;

	return store_put_entry(t, p->line, p->len);
}

static enum store_status
put1(struct store *st, const char *line, size_t len)
{
	struct putctx	p = { line, len };

	return store_write(st, put_cb, &p);
}

static void
test_chain(void)
{
	struct appendctx	 a = { "t/main", "household.add", NULL, 3, 1 };
	struct collect		 c = { NULL, NULL, 0 };
	struct store		*st = NULL, *st2 = NULL;
	struct store_txn	*t;
	struct store_loginfo	 li;
	unsigned char		 h[STORE_HASH_BYTES];
	char			 hex[65], dir2[600], line[1024];
	char			*dir = test_tmpdir(), *p;
	size_t			 i;

	CHECK_RC(store_open(dir, 0, &st), STORE_NOTSTORE);
	store_close(st);
	CHECK_RC(store_open(dir, STORE_CREATE, &st), STORE_OK);
	CHECK_RC(store_write(st, append_cb, &a), STORE_OK);
	CHECK_RC(collect_log(st, "t/main", &c), STORE_OK);
	CHECK(c.n == 3);
	for (i = 0; i < c.n; i++) {
		if (i == 0)
			memset(hex, '0', 64);
		else {
			store_hash(c.lines[i - 1], c.lens[i - 1], h);
			store_hash_hex(h, hex);
		}
		hex[64] = '\0';
		CHECK(strstr(c.lines[i], hex) != NULL);
	}
	CHECK_RC(store_read_begin(st, &t), STORE_OK);
	CHECK_RC(store_log_info(t, "t/main", &li), STORE_OK);
	store_hash(c.lines[2], c.lens[2], h);
	CHECK(li.seq == 3 && memcmp(li.head, h, sizeof(h)) == 0);
	CHECK_RC(store_log_info(t, "t/other", &li), STORE_NOTFOUND);
	store_txn_abort(t);

	/* The same bytes received elsewhere give the same chain. */
	snprintf(dir2, sizeof(dir2), "%s/two", dir);
	mkdir(dir2, 0700);
	CHECK_RC(store_open(dir2, STORE_CREATE, &st2), STORE_OK);
	CHECK_RC(put1(st2, c.lines[1], c.lens[1]), STORE_BROKEN);  /* gap */
	CHECK_RC(put1(st2, c.lines[0], c.lens[0]), STORE_OK);
	CHECK_RC(put1(st2, c.lines[0], c.lens[0]), STORE_BROKEN);  /* again */
	CHECK_RC(put1(st2, c.lines[2], c.lens[2]), STORE_BROKEN);  /* gap */
	/* A prev that does not match: entry 2 with one byte of prev changed. */
	snprintf(line, sizeof(line), "%s", c.lines[1]);
	/* Another hex digit, so that the entry still parses. */
	p = &line[strstr(line, "\"prev\":\"") - line + 8];
	*p = *p == '0' ? '1' : '0';
	CHECK_RC(put1(st2, line, c.lens[1]), STORE_BROKEN);
	CHECK_RC(put1(st2, "not json", 8), STORE_INVALID);
	CHECK_RC(put1(st2, "{\"v\":1}", 7), STORE_INVALID);
	snprintf(line, sizeof(line), "%s", c.lines[1]);
	memcpy(strstr(line, "\"seq\":2"), "\"seq\":9", 7);
	CHECK_RC(put1(st2, line, c.lens[1]), STORE_BROKEN);
	CHECK_RC(put1(st2, c.lines[1], c.lens[1]), STORE_OK);
	CHECK_RC(put1(st2, c.lines[2], c.lens[2]), STORE_OK);
	CHECK_RC(store_read_begin(st2, &t), STORE_OK);
	CHECK_RC(store_log_info(t, "t/main", &li), STORE_OK);
	CHECK(li.seq == 3 && memcmp(li.head, h, sizeof(h)) == 0);
	store_txn_abort(t);

	collect_free(&c);
	store_close(st2);
	store_close(st);
	test_rmdir(dir);
}

static void
test_refusals(void)
{
	struct appendctx	 ok = { "t/main", "household.add", NULL, 2, 1 };
	struct appendctx	 bad[] = {
		{ "t/main", "household.add", "{\"id\":\"t:H1\",\"address\":"
		    "\"x\",\"group\":\"g\"}", 1, 0 },		/* exists */
		{ "t/main", "household.add", "{\"id\":\"t:H9\"}", 1, 0 },
		{ "t/main", "weather.add", "{\"id\":\"x\"}", 1, 0 },
		{ "t/main", "visit.add", "{\"id\":\"V1\",\"household\":"
		    "\"t:H404\",\"date\":\"2026-01-01\",\"team\":[\"m\"],"
		    "\"outcome\":\"met\"}", 1, 0 },
		{ "t/main", "donation.add", "{\"id\":\"D1\",\"student\":\"s\","
		    "\"amount\":9007199254740993,\"date\":\"2026-01-01\","
		    "\"from\":\"x\"}", 1, 0 },
		{ "t/main", "household.add", "{\"id\":\"t:H9\",\"address\":"
		    "\"x\",\"group\":\"g\",\"people\":1.5}", 1, 0 },
		{ "Bad/main", "household.add", "{}", 1, 0 },
		{ "t/main", "household.add", "[1,2]", 1, 0 },
	};
	struct store		*st = NULL;
	struct store_txn	*t;
	struct store_loginfo	 li;
	char			*dir = test_tmpdir();
	size_t			 i;

	CHECK_RC(store_open(dir, STORE_CREATE, &st), STORE_OK);
	CHECK_RC(store_write(st, append_cb, &ok), STORE_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_RC(store_write(st, append_cb, &bad[i]), STORE_INVALID);
		CHECK(*store_errmsg(st) != '\0');
	}
	CHECK_RC(store_read_begin(st, &t), STORE_OK);
	CHECK_RC(store_log_info(t, "t/main", &li), STORE_OK);
	CHECK(li.seq == 2);
	store_txn_abort(t);
	store_close(st);
	test_rmdir(dir);
}

static void
test_growth(void)
{
	struct appendctx	 a = { "t/main", "household.add", NULL, 1000, 0 };
	struct store		*st = NULL;
	struct store_txn	*t;
	struct store_loginfo	 li;
	struct stat		 sb;
	char			 path[600];
	char			*dir = test_tmpdir();
	int			 i;

	/* A 64 KiB map fills at once: every write must grow it and redo. */
	setenv("MINQING_MAPSIZE", "65536", 1);
	CHECK_RC(store_open(dir, STORE_CREATE, &st), STORE_OK);
	for (i = 0; i < 20; i++) {
		a.base = i * 1000;
		CHECK_RC(store_write(st, append_cb, &a), STORE_OK);
	}
	CHECK_RC(store_read_begin(st, &t), STORE_OK);
	CHECK_RC(store_log_info(t, "t/main", &li), STORE_OK);
	CHECK(li.seq == 20000);
	store_txn_abort(t);
	store_close(st);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	CHECK(stat(path, &sb) == 0 && sb.st_size > 65536);
	/* A second handle opened small adopts the grown map. */
	CHECK_RC(store_open(dir, 0, &st), STORE_OK);
	a.base = 20000;
	a.n = 10;
	CHECK_RC(store_write(st, append_cb, &a), STORE_OK);
	store_close(st);
	unsetenv("MINQING_MAPSIZE");
	test_rmdir(dir);
}

/* The order test: three authors, entries that touch the same records. */
static const char *const script[][3] = {
	{ "br-a/main", "member.add", "{\"id\":\"br-a:m1\",\"name\":\"王芳\","
	    "\"group\":\"B1\"}" },
	{ "br-a/main", "household.add", "{\"id\":\"br-a:H1\",\"address\":"
	    "\"一号\",\"group\":\"B1\"}" },
	{ "br-b/main", "household.add", "{\"id\":\"br-b:H1\",\"address\":"
	    "\"二号\",\"group\":\"B7\"}" },
	{ "br-a/main", "visit.add", "{\"id\":\"br-a-V1\",\"household\":"
	    "\"br-a:H1\",\"date\":\"2026-10-01\",\"team\":[\"br-a:m1\"],"
	    "\"outcome\":\"met\"}" },
	{ "br-a/main", "request.open", "{\"id\":\"br-a-R1\",\"household\":"
	    "\"br-a:H1\",\"category\":\"property\",\"summary\":\"灯\","
	    "\"raised\":\"2026-10-01\"}" },
	{ "br-a/main", "request.open", "{\"id\":\"br-a-R2\",\"household\":"
	    "\"br-a:H1\",\"category\":\"other\",\"summary\":\"水\","
	    "\"raised\":\"2026-10-02\"}" },
	{ "br-b/main", "request.open", "{\"id\":\"br-b-R1\",\"household\":"
	    "\"br-b:H1\",\"category\":\"renovation\",\"summary\":\"旧改\","
	    "\"raised\":\"2026-09-01\"}" },
	{ "hub/to-br-a", "request.escalate", "{\"id\":\"br-a-R1\",\"to\":"
	    "\"street\"}" },
	{ "hub/to-br-a", "request.reply", "{\"id\":\"br-a-R1\",\"text\":"
	    "\"已修\",\"from\":\"street\",\"date\":\"2026-10-20\"}" },
	{ "br-a/main", "request.close", "{\"id\":\"br-a-R1\",\"outcome\":"
	    "\"resolved\",\"satisfaction\":4,\"date\":\"2026-10-25\"}" },
	{ "br-a/main", "request.reply", "{\"id\":\"br-a-R2\",\"text\":\"好\","
	    "\"from\":\"br-a\",\"date\":\"2026-11-20\"}" },
	{ "br-b/main", "request.close", "{\"id\":\"br-b-R1\",\"outcome\":"
	    "\"explained\",\"date\":\"2026-10-15\"}" },
	{ "hub/to-br-a", "request.escalate", "{\"id\":\"br-a-R2\",\"to\":"
	    "\"district\"}" },
	{ "br-a/main", "household.update", "{\"id\":\"br-a:H1\",\"people\":4}" },
	{ "br-b/main", "household.remove", "{\"id\":\"br-b:H1\"}" },
};

static enum store_status
script_cb(struct store_txn *t, void *arg)
{
	size_t			*i = arg;
	enum store_status	 rc;

	rc = store_append(t, script[*i][0], script[*i][1], "clerk",
	    script[*i][2], NULL);
	return rc;
}

static int
record_cb(const char *id, const char *json, size_t len, void *arg)
{
	FILE	*fp = arg;

	fprintf(fp, "%s %.*s\n", id, (int)len, json);
	return 0;
}

/* Every record of every kind, and the report, as one string. */
static char *
snapshot(struct store *st)
{
	static const char	 kinds[] = "MHVRSDEP";
	struct store_query	 q = { 0, 0, 0, 30 };
	struct store_report	*rep;
	struct store_txn	*t;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*fp;

	q.from = store_date_parse("2026-01-01");
	q.to = q.today = store_date_parse("2026-11-30");
	fp = open_memstream(&buf, &len);
	if (store_read_begin(st, &t) != STORE_OK)
		return NULL;
	for (i = 0; kinds[i] != '\0'; i++)
		if (store_record_foreach(t, kinds[i], record_cb, fp) !=
		    STORE_OK)
			fprintf(fp, "kind %c unreadable\n", kinds[i]);
	if (store_report(t, &q, STORE_BY_NODE, &rep) == STORE_OK) {
		for (i = 0; i < rep->nrows; i++)
			fprintf(fp, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %"
			    PRIu64 " %" PRIu64 " %g\n", rep->rows[i].unit,
			    rep->rows[i].households, rep->rows[i].requests,
			    rep->rows[i].answered, rep->rows[i].overdue,
			    rep->rows[i].escalated[LADDER_DISTRICT],
			    rep->rows[i].median_days);
		store_report_free(rep);
	}
	store_txn_abort(t);
	fclose(fp);
	return buf;
}

static const char *const order_logs[] = { "br-a/main", "br-b/main",
    "hub/to-br-a" };

static void
replay(struct store *st, struct collect *logs, const int *order, int rr)
{
	size_t	i, k, done = 0, total = 0, pos[3] = { 0, 0, 0 };

	for (k = 0; k < 3; k++)
		total += logs[k].n;
	if (!rr) {
		for (k = 0; k < 3; k++)
			for (i = 0; i < logs[order[k]].n; i++)
				CHECK_RC(put1(st, logs[order[k]].lines[i],
				    logs[order[k]].lens[i]), STORE_OK);
		return;
	}
	/* One entry from each log in turn. */
	while (done < total)
		for (k = 0; k < 3; k++)
			if (pos[order[k]] < logs[order[k]].n) {
				i = pos[order[k]]++;
				CHECK_RC(put1(st, logs[order[k]].lines[i],
				    logs[order[k]].lens[i]), STORE_OK);
				done++;
			}
}

static void
write_conf(const char *dir)
{
	char	path[700];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/minqing.conf", dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "[node]\nid = hub\n");
		fclose(fp);
	}
}

static void
test_fold_order(const char *keep)
{
	static const int	 orders[][3] = { { 0, 1, 2 }, { 2, 1, 0 },
				    { 1, 2, 0 } };
	struct collect		 logs[3];
	struct store		*a = NULL, *o = NULL;
	char			*dir, sub[700], *snap_a, *snap;
	size_t			 i;
	int			 k;

	dir = keep != NULL ? strdup(keep) : test_tmpdir();
	memset(logs, 0, sizeof(logs));
	snprintf(sub, sizeof(sub), "%s/a", dir);
	mkdir(sub, 0700);
	write_conf(sub);
	CHECK_RC(store_open(sub, STORE_CREATE, &a), STORE_OK);
	for (i = 0; i < sizeof(script) / sizeof(script[0]); i++)
		CHECK_RC(store_write(a, script_cb, &i), STORE_OK);
	for (k = 0; k < 3; k++)
		CHECK_RC(collect_log(a, order_logs[k], &logs[k]), STORE_OK);
	snap_a = snapshot(a);
	CHECK(snap_a != NULL && strstr(snap_a, "\"status\":\"closed\"") !=
	    NULL);
	CHECK(strstr(snap_a, "\"level\":\"district\"") != NULL);
	for (k = 0; k < 4; k++) {
		snprintf(sub, sizeof(sub), "%s/%c", dir, 'b' + k);
		mkdir(sub, 0700);
		write_conf(sub);
		CHECK_RC(store_open(sub, STORE_CREATE, &o), STORE_OK);
		replay(o, logs, orders[k % 3], k == 3);
		snap = snapshot(o);
		CHECK(snap != NULL && strcmp(snap, snap_a) == 0);
		if (snap != NULL && strcmp(snap, snap_a) != 0)
			fprintf(stderr, "order %d gave:\n%s\nwanted:\n%s\n", k,
			    snap, snap_a);
		free(snap);
		store_close(o);
	}
	free(snap_a);
	store_close(a);
	for (k = 0; k < 3; k++)
		collect_free(&logs[k]);
	if (keep != NULL)
		free(dir);
	else
		test_rmdir(dir);
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "fold-order") == 0) {
		test_fold_order(argv[2]);
		return test_done("fold-order");
	}
	test_dates();
	test_text();
	test_chain();
	test_refusals();
	test_growth();
	test_fold_order(NULL);
	return test_done("store_test");
}
