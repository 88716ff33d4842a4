/*
 * bench_report: the report of a big hub beside one cursor scan over all the
 * hub's log entries, in the same run (issue 5, rows 7 and 8).
 *
 * Mode "build STOREDIR [B H E]" fills the store in STOREDIR (made when there
 * is none; "minqing init --hub" may have made it) as a hub that merged B
 * branches' logs (default 2000), each NODE/main with its own hash chain and
 * Ed25519-signed checkpoints, through store_put_entry() and
 * store_put_checkpoint(), 5000 entries per transaction.  The hub enrols the
 * branches first with store_append() of peer.enroll entries to HUB/main
 * (HUB from BENCH_REPORT_HUB, default "hub").  The E entries (default
 * 1,000,000, the enrolments included) are: one member per branch, H
 * households (default
 * 300,000), a student, two donations and an evaluation per branch, requests
 * raised over the current year with escalations, replies and closes, and
 * met, absent and declined visits for the rest.  Dates run from 1 January
 * to today (UTC); everything is drawn from a fixed seed.
 *
 * Mode "measure STOREDIR [ROUNDS]" times, alternately for ROUNDS rounds
 * (default 5), (a) one scan over every entry of every log, each value read
 * in full, and (b) store_report() by node for the default period (1 January
 * to today, reply_days 30), each in its own read transaction, and prints
 * the medians and their ratio.  Then it runs "once" in a child process and
 * prints that child's peak RSS (getrusage of the child).
 *
 * Mode "once STOREDIR" runs the report once: the child of "measure".
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/store.h"

#define BENCH_NAME "bench_report"
#include "bench/bench_util.h"

#define CHUNK		5000
#define ROUNDS_MAX	15

enum evtype {
	EV_MEMBER, EV_HOUSEHOLD, EV_STUDENT, EV_VISIT, EV_OPEN, EV_ESCALATE,
	EV_REPLY, EV_CLOSE, EV_DONATION, EV_EVAL
};

/* One entry to write: its type, its branch, the record's number, a day. */
struct ev {
	uint8_t		type;
	uint8_t		sub;		/* outcome, level, ... */
	uint32_t	branch;
	uint32_t	num;		/* household, visit or request number */
	uint32_t	ref;		/* household of a visit or request */
	int32_t		day;
};

struct branch {
	uint64_t	seq;
	unsigned char	head[STORE_HASH_BYTES];
};

struct build {
	struct ev	*ev;
	size_t		 n, cap, next, done;
	struct branch	*br, *saved;
	size_t		 nbr;
	uint64_t	 hlc;
	const char	*hub;
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	char		 pkb64[sodium_base64_ENCODED_LEN(
			    crypto_sign_PUBLICKEYBYTES,
			    sodium_base64_VARIANT_ORIGINAL)];
};

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)((rng_state >> 11) % n);
}

static long
today_days(void)
{
	return (long)(time(NULL) / 86400);
}

static long
jan1_days(long today)
{
	char	d[11];

	store_date_format(today, d);
	memcpy(d + 4, "-01-01", 7);
	return store_date_parse(d);
}

static void
ev_add(struct build *b, int type, int sub, uint32_t branch, uint32_t num,
    uint32_t ref, long day)
{
	struct ev	*e;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1 << 16;
		if ((b->ev = reallocarray(b->ev, b->cap, sizeof(*b->ev))) ==
		    NULL)
			die("out of memory");
	}
	e = &b->ev[b->n++];
	e->type = (uint8_t)type;
	e->sub = (uint8_t)sub;
	e->branch = branch;
	e->num = num;
	e->ref = ref;
	e->day = (int32_t)day;
}

static long
min_l(long a, long b)
{
	return a < b ? a : b;
}

/*
 * The plan: every entry in the order the hub takes them.  Households are
 * registered first; visits and requests follow, then what answers them.
 */
static void
plan(struct build *b, size_t nb, size_t nh, size_t ne)
{
	long		 today = today_days(), jan1 = jan1_days(today);
	long		 span = today - jan1 + 1;
	size_t		 i, fixed = nb * 5 + nh, nreq, nesc, nrep, ncls;
	size_t		 nvis, v, r;
	struct ev	*req;
	uint32_t	 hh;

	/* A request makes 1 + 1/3 + 3/4 + 1/2 entries: 40% of the rest. */
	nreq = ne > fixed ? (size_t)((double)(ne - fixed) * 0.4 / 2.58) : 0;
	nesc = (nreq + 2) / 3;
	nrep = nreq - nreq / 4;
	ncls = (nreq + 1) / 2;
	if (ne < fixed || ne < fixed + nreq + nesc + nrep + ncls)
		die("%zu entries are too few for %zu branches and %zu "
		    "households", ne, nb, nh);
	nvis = ne - fixed - nreq - nesc - nrep - ncls;
	for (i = 0; i < nb; i++)
		ev_add(b, EV_MEMBER, 0, (uint32_t)i, 1, 0, jan1);
	for (i = 0; i < nh; i++)
		ev_add(b, EV_HOUSEHOLD, 0, (uint32_t)(i % nb), (uint32_t)i, 0,
		    jan1);
	for (i = 0; i < nb; i++)
		ev_add(b, EV_STUDENT, 0, (uint32_t)i, 1, 0,
		    jan1 + rnd((uint32_t)span));
	if ((req = calloc(nreq + 1, sizeof(*req))) == NULL)
		die("out of memory");
	for (r = 0; r < nreq; r++) {
		hh = rnd((uint32_t)nh);
		req[r].branch = hh % (uint32_t)nb;
		req[r].num = (uint32_t)r;
		req[r].ref = hh;
		req[r].day = (int32_t)(jan1 + rnd((uint32_t)span));
	}
	/* Visits and request opens, interleaved at random. */
	for (v = r = 0; v < nvis || r < nreq; ) {
		if (r < nreq && rnd((uint32_t)(nvis - v + nreq - r)) <
		    nreq - r) {
			ev_add(b, EV_OPEN, rnd(5), req[r].branch, req[r].num,
			    req[r].ref, req[r].day);
			r++;
			continue;
		}
		hh = rnd((uint32_t)nh);
		i = rnd(20);
		ev_add(b, EV_VISIT, i < 16 ? 0 : i < 19 ? 1 : 2,
		    hh % (uint32_t)nb, (uint32_t)v++, hh,
		    jan1 + rnd((uint32_t)span));
	}
	/* Escalations (a third), replies (three quarters), closes (half). */
	for (r = 0; r < nreq; r += 3)
		ev_add(b, EV_ESCALATE, 2 + rnd(3), req[r].branch, req[r].num,
		    req[r].ref, min_l(today, req[r].day + rnd(5)));
	for (r = 0; r < nreq; r++)
		if (r % 4 != 3)
			ev_add(b, EV_REPLY, 0, req[r].branch, req[r].num,
			    req[r].ref, min_l(today, req[r].day + rnd(60)));
	for (r = 0; r < nreq; r += 2)
		ev_add(b, EV_CLOSE, rnd(3), req[r].branch, req[r].num,
		    req[r].ref, min_l(today, req[r].day + 10 + rnd(60)));
	for (i = 0; i < nb * 2; i++)
		ev_add(b, EV_DONATION, 0, (uint32_t)(i % nb), 1 + (uint32_t)
		    (i / nb), 0, jan1 + rnd((uint32_t)span));
	for (i = 0; i < nb; i++)
		ev_add(b, EV_EVAL, rnd(3), (uint32_t)i, 1, 0, jan1);
	free(req);
}

static void
node_name(uint32_t branch, char *out, size_t len)
{
	snprintf(out, len, "b%04" PRIu32, branch);
}

/* The type and body of one planned entry. */
static const char *
body_of(const struct ev *e, char *out, size_t len)
{
	static const char *const outcomes[] = { "met", "absent", "declined" };
	static const char *const cats[] = { "property", "livelihood",
	    "renovation", "special-group", "other" };
	static const char *const levels[] = { "spot", "group", "community",
	    "street", "district", "deputy" };
	static const char *const closes[] = { "resolved", "explained",
	    "withdrawn" };
	static const char *const evals[] = { "resident-team",
	    "community-branch", "branch-member" };
	char	node[16], day[11];

	node_name(e->branch, node, sizeof(node));
	store_date_format(e->day, day);
	switch (e->type) {
	case EV_MEMBER:
		snprintf(out, len, "{\"id\":\"%s:m1\",\"name\":\"王芳\","
		    "\"group\":\"G01\"}", node);
		return "member.add";
	case EV_HOUSEHOLD:
		snprintf(out, len, "{\"id\":\"%s:H%" PRIu32 "\",\"address\":"
		    "\"共和新路%" PRIu32 "号%" PRIu32 "室\",\"group\":\"G%02"
		    PRIu32 "\",\"people\":%" PRIu32 ",\"tags\":[\"elderly-"
		    "alone\"]}", node, e->num, e->num % 997 + 1,
		    101 + e->num % 1203, e->num / 2000 % 12 + 1,
		    e->num % 5 + 1);
		return "household.add";
	case EV_STUDENT:
		snprintf(out, len, "{\"id\":\"%s-S1\",\"name\":\"李明\","
		    "\"university\":\"复旦大学\",\"since\":\"%s\"}", node, day);
		return "student.add";
	case EV_VISIT:
		snprintf(out, len, "{\"id\":\"%s-V%" PRIu32 "\",\"household\":"
		    "\"%s:H%" PRIu32 "\",\"date\":\"%s\",\"team\":[\"%s:m1\"],"
		    "\"outcome\":\"%s\",\"note\":\"入户走访\"}", node, e->num,
		    node, e->ref, day, node, outcomes[e->sub % 3]);
		return "visit.add";
	case EV_OPEN:
		snprintf(out, len, "{\"id\":\"%s-R%" PRIu32 "\",\"household\":"
		    "\"%s:H%" PRIu32 "\",\"category\":\"%s\",\"summary\":"
		    "\"楼道灯坏了\",\"raised\":\"%s\"}", node, e->num, node,
		    e->ref, cats[e->sub % 5], day);
		return "request.open";
	case EV_ESCALATE:
		snprintf(out, len, "{\"id\":\"%s-R%" PRIu32 "\",\"to\":\"%s\","
		    "\"date\":\"%s\"}", node, e->num, levels[e->sub % 6], day);
		return "request.escalate";
	case EV_REPLY:
		snprintf(out, len, "{\"id\":\"%s-R%" PRIu32 "\",\"text\":"
		    "\"已联系物业\",\"from\":\"community\",\"date\":\"%s\"}",
		    node, e->num, day);
		return "request.reply";
	case EV_CLOSE:
		snprintf(out, len, "{\"id\":\"%s-R%" PRIu32 "\",\"outcome\":"
		    "\"%s\",\"satisfaction\":%d,\"date\":\"%s\"}", node,
		    e->num, closes[e->sub % 3], 3 + e->sub % 3, day);
		return "request.close";
	case EV_DONATION:
		snprintf(out, len, "{\"id\":\"%s-D%" PRIu32 "\",\"student\":"
		    "\"%s-S1\",\"amount\":%" PRIu32 ",\"date\":\"%s\","
		    "\"from\":\"爱心企业\"}", node, e->num, node,
		    50000 + e->branch % 7 * 1000, day);
		return "donation.add";
	default:
		snprintf(out, len, "{\"id\":\"%s-E1\",\"year\":%.4s,\"kind\":"
		    "\"%s\",\"subject\":\"%s:m1\",\"score\":%u.5}", node, day,
		    evals[e->sub % 3], node, 80 + e->branch % 20);
		return "evaluation.add";
	}
}

static void
checkpoint(struct build *b, struct store_txn *txn, uint32_t branch)
{
	struct branch		*br = &b->br[branch];
	unsigned char		 sig[crypto_sign_BYTES];
	char			 log[32], head[65], msg[256], line[512];
	char			 sigb[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
				    sodium_base64_VARIANT_ORIGINAL)];
	enum store_status	 rc;

	snprintf(log, sizeof(log), "b%04" PRIu32 "/main", branch);
	store_hash_hex(br->head, head);
	snprintf(msg, sizeof(msg), "minqing/checkpoint/v1\n%s\n%" PRIu64
	    "\n%s\n", log, br->seq, head);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), b->sk);
	sodium_bin2base64(sigb, sizeof(sigb), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "{\"log\":\"%s\",\"seq\":%" PRIu64
	    ",\"head\":\"%s\",\"key\":\"%s\",\"sig\":\"%s\"}", log, br->seq,
	    head, b->pkb64, sigb);
	if ((rc = store_put_checkpoint(txn, log, br->seq, line,
	    strlen(line))) != STORE_OK)
		die("checkpoint %s: %s", log, store_strerror(rc));
}

static enum store_status
build_cb(struct store_txn *txn, void *arg)
{
	struct build		*b = arg;
	struct branch		*br;
	const struct ev		*e;
	const char		*type;
	char			 node[16], head[65], at[32], body[1024];
	char			 line[2048];
	size_t			 i, end;
	long			 day;
	int			 n;
	enum store_status	 rc;

	/* store_write() may run this again from the start. */
	memcpy(b->br, b->saved, b->nbr * sizeof(*b->br));
	/* The hub enrols every branch in its own log first. */
	for (i = 0; b->next == 0 && i < b->nbr; i++) {
		node_name((uint32_t)i, node, sizeof(node));
		snprintf(body, sizeof(body), "{\"node\":\"%s\",\"key\":"
		    "\"%s\",\"role\":\"branch\"}", node, b->pkb64);
		snprintf(line, sizeof(line), "%s/main", b->hub);
		if ((rc = store_append(txn, line, "peer.enroll", "bench", body,
		    NULL)) != STORE_OK)
			return rc;
	}
	end = b->next + CHUNK;
	if (end > b->n)
		end = b->n;
	for (i = b->next; i < end; i++) {
		e = &b->ev[i];
		br = &b->br[e->branch];
		node_name(e->branch, node, sizeof(node));
		type = body_of(e, body, sizeof(body));
		if (br->seq == 0)
			memset(head, '0', 64);
		else
			store_hash_hex(br->head, head);
		head[64] = '\0';
		/* Written on the day it tells of, or later. */
		day = e->day;
		store_date_format(day, at);
		snprintf(at + 10, sizeof(at) - 10, "T%02zu:%02zu:%02zu.000Z",
		    8 + i % 10, i / 10 % 60, i / 600 % 60);
		n = snprintf(line, sizeof(line), "{\"v\":1,\"log\":\"%s/main\","
		    "\"seq\":%" PRIu64 ",\"prev\":\"%s\",\"hlc\":%" PRIu64 ","
		    "\"at\":\"%s\",\"type\":\"%s\",\"by\":\"%s:m1\",\"body\":"
		    "%s}", node, br->seq + 1, head, b->hlc + i, at, type, node,
		    body);
		if (n < 0 || (size_t)n >= sizeof(line))
			die("entry %zu too long", i);
		if ((rc = store_put_entry(txn, line, (size_t)n)) != STORE_OK)
			return rc;
		br->seq++;
		store_hash(line, (size_t)n, br->head);
	}
	/* A checkpoint for each branch at the end, and now and then. */
	for (i = 0; i < b->nbr; i++)
		if (b->br[i].seq != b->saved[i].seq &&
		    (end == b->n || (b->br[i].seq / 100) !=
		    (b->saved[i].seq / 100)))
			checkpoint(b, txn, (uint32_t)i);
	b->done = end;
	return STORE_OK;
}

static struct store *
open_store(const char *dir, int flags)
{
	struct store		*st = NULL;
	enum store_status	 rc;

	if ((rc = store_open(dir, flags, &st)) != STORE_OK)
		die("store_open %s: %s", dir, st != NULL ? store_errmsg(st) :
		    store_strerror(rc));
	return st;
}

static int
build(const char *dir, size_t nb, size_t nh, size_t ne)
{
	struct store		*st;
	struct build		 b;
	enum store_status	 rc;
	double			 t0, t1;

	memset(&b, 0, sizeof(b));
	if ((b.hub = getenv("BENCH_REPORT_HUB")) == NULL)
		b.hub = "hub";
	/* The hub's own log holds nb of the ne entries: the enrolments. */
	plan(&b, nb, nh, ne > nb ? ne - nb : 0);
	b.nbr = nb;
	if ((b.br = calloc(nb, sizeof(*b.br))) == NULL ||
	    (b.saved = calloc(nb, sizeof(*b.saved))) == NULL)
		die("out of memory");
	crypto_sign_keypair(b.pk, b.sk);
	sodium_bin2base64(b.pkb64, sizeof(b.pkb64), b.pk, sizeof(b.pk),
	    sodium_base64_VARIANT_ORIGINAL);
	/* Clocks of a year ago onwards, one microsecond apart. */
	b.hlc = (uint64_t)(time(NULL) - 366 * 86400) * 1000000;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die("mkdir %s: %s", dir, strerror(errno));
	st = open_store(dir, STORE_CREATE);
	t0 = now_s();
	while (b.next < b.n) {
		if ((rc = store_write(st, build_cb, &b)) != STORE_OK)
			die("store_write at %zu: %s: %s", b.next,
			    store_strerror(rc), store_errmsg(st));
		memcpy(b.saved, b.br, nb * sizeof(*b.br));
		b.next = b.done;
	}
	t1 = now_s();
	store_close(st);
	printf("built: %zu branches, %zu households, %zu entries (%zu of them "
	    "the hub's enrolments) in %.1f s\n", nb, nh, b.n + nb, nb,
	    t1 - t0);
	free(b.ev);
	free(b.br);
	free(b.saved);
	return 0;
}

struct scan {
	char		(*logs)[STORE_LOG_MAX + 1];
	size_t		 nlogs, cap;
	uint64_t	 entries, bytes, newlines;
};

static int
scan_log_cb(const struct store_loginfo *li, void *arg)
{
	struct scan	*s = arg;

	if (s->nlogs == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		if ((s->logs = reallocarray(s->logs, s->cap,
		    sizeof(*s->logs))) == NULL)
			die("out of memory");
	}
	memcpy(s->logs[s->nlogs++], li->name, sizeof(li->name));
	return 0;
}

/* Reads the whole value: no entry holds a newline. */
static int
scan_entry_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct scan	*s = arg;

	(void)seq;
	s->entries++;
	s->bytes += len;
	s->newlines += memchr(line, '\n', len) != NULL;
	return 0;
}

/* One pass over every entry of every log; returns the seconds. */
static double
time_scan(struct store *st, uint64_t *entries, uint64_t *bytes)
{
	struct store_txn	*txn;
	struct scan		 s;
	size_t			 i;
	double			 t0, t1;

	memset(&s, 0, sizeof(s));
	t0 = now_s();
	if (store_read_begin(st, &txn) != STORE_OK ||
	    store_logs_foreach(txn, scan_log_cb, &s) != STORE_OK)
		die("scan: %s", store_errmsg(st));
	for (i = 0; i < s.nlogs; i++)
		if (store_log_foreach(txn, s.logs[i], 0, scan_entry_cb, &s) !=
		    STORE_OK)
			die("scan %s: %s", s.logs[i], store_errmsg(st));
	store_txn_abort(txn);
	t1 = now_s();
	if (s.newlines != 0)
		die("an entry holds a newline");
	free(s.logs);
	*entries = s.entries;
	*bytes = s.bytes;
	return t1 - t0;
}

static void
query_default(struct store_query *q)
{
	memset(q, 0, sizeof(*q));
	q->today = today_days();
	q->to = q->today;
	q->from = jan1_days(q->today);
	q->reply_days = 30;
}

/* One report by node for the default period; returns the seconds. */
static double
time_report(struct store *st, size_t *rows, uint64_t *households)
{
	struct store_txn	*txn;
	struct store_report	*rep;
	struct store_query	 q;
	double			 t0, t1;

	query_default(&q);
	t0 = now_s();
	if (store_read_begin(st, &txn) != STORE_OK ||
	    store_report(txn, &q, STORE_BY_NODE, &rep) != STORE_OK)
		die("report: %s", store_errmsg(st));
	store_txn_abort(txn);
	t1 = now_s();
	*rows = rep->nrows;
	*households = rep->total.households;
	store_report_free(rep);
	return t1 - t0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Peak RSS in KiB of "bench_report once dir", run as a child. */
static long
child_rss(const char *self, const char *dir)
{
	struct rusage	ru;
	pid_t		pid;
	int		status;

	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execl(self, self, "once", dir, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1)
		die("wait4: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the report's child failed");
	return ru.ru_maxrss;
}

static int
measure(const char *self, const char *dir, size_t rounds)
{
	struct store	*st;
	double		 scan[ROUNDS_MAX], rep[ROUNDS_MAX], ms, mr;
	uint64_t	 entries, bytes, households;
	size_t		 r, rows;
	long		 kib;

	st = open_store(dir, 0);
	/* A first pass of each warms the page cache for both. */
	(void)time_scan(st, &entries, &bytes);
	(void)time_report(st, &rows, &households);
	for (r = 0; r < rounds; r++) {
		scan[r] = time_scan(st, &entries, &bytes);
		rep[r] = time_report(st, &rows, &households);
		printf("round %zu: scan %.4f s, report %.4f s\n", r + 1,
		    scan[r], rep[r]);
	}
	store_close(st);
	ms = median(scan, rounds);
	mr = median(rep, rounds);
	kib = child_rss(self, dir);
	printf("store: %" PRIu64 " entries, %.1f MiB of entry bytes; report: "
	    "%zu rows, %" PRIu64 " households\n", entries,
	    (double)bytes / 1048576, rows, households);
	printf("scan of all log entries: %.4f s\n", ms);
	printf("report by node: %.4f s\n", mr);
	printf("ratio report/scan: %.4f\n", mr / ms);
	printf("report peak RSS: %ld KiB (%.1f MiB)\n", kib,
	    (double)kib / 1024);
	return 0;
}

static int
once(const char *dir)
{
	struct store	*st;
	size_t		 rows;
	uint64_t	 households;

	st = open_store(dir, 0);
	(void)time_report(st, &rows, &households);
	store_close(st);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_report build STOREDIR [B H E]\n"
	    "       bench_report measure STOREDIR [ROUNDS]\n"
	    "       bench_report once STOREDIR\n");
	exit(2);
}

static size_t
number(const char *s, size_t max)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > max)
		usage();
	return (size_t)n;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		die("sodium_init failed");
	if (argc >= 3 && strcmp(argv[1], "build") == 0) {
		if (argc != 3 && argc != 6)
			usage();
		if (argc == 3)
			return build(argv[2], 2000, 300000, 1000000);
		return build(argv[2], number(argv[3], 9999),
		    number(argv[4], 100000000), number(argv[5], 1000000000));
	}
	if (argc >= 3 && strcmp(argv[1], "measure") == 0) {
		if (argc > 4)
			usage();
		return measure("/proc/self/exe", argv[2], argc == 4 ?
		    number(argv[3], ROUNDS_MAX) : 5);
	}
	if (argc == 3 && strcmp(argv[1], "once") == 0)
		return once(argv[2]);
	usage();
}
