/*
 * hostile: the misbehaving client of the integration tests t2200-hostile
 * and t2210-slowloris.  It speaks plain HTTP over TCP to a hub on loopback
 * (a listener with plain_http = yes) and keeps no state of the hub's.
 *
 *   hostile [-a ADDR] -p PORT [-k KIND] [-s SEED] [-v] barrage DIR COUNT
 *	sends COUNT requests of many kinds of bad, built from the real
 *	batches that the test script left in DIR, one connection each.  A
 *	kind whose input file is missing is left out; -k sends one kind
 *	only; -v shows each request that failed, -vv every request.  It
 *	prints a line per kind and a summary, and exits 1 if the hub took
 *	a bad request (a 2xx, but for a replay of what it holds, which must
 *	add nothing), answered 5xx (505 apart: libmicrohttpd's answer to an
 *	HTTP version it does not speak, counted on its own), hung, or
 *	stopped answering.
 *
 *   hostile [-a ADDR] -p PORT [-S FIRST] [-n SOURCES] [-t TIMEOUT]
 *	    idle IDLE DRIBBLE SECONDS
 *	holds DRIBBLE connections that send a header byte a second, then
 *	IDLE that send nothing, for SECONDS, bound in turn to the source
 *	addresses 127.0.0.FIRST and the SOURCES-1 after it, and tells when
 *	the hub closed them, against its idle TIMEOUT.  A line "ready" on
 *	stdout says that all are open.
 *
 * Run alone it has nothing to do and exits 77: make check runs every
 * check program, and takes 77 as a skip.  One file, so that a test can
 * build it with one cc command.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_S	10		/* per request: an answer or a close */
#define READ_MAX	(256 * 1024)	/* answer bytes kept; the rest read */
#define HEALTH_EVERY	100		/* requests between health checks */
#define HUNG_MAX	5		/* hung requests before giving up */
#define CODES_MAX	32		/* answers kept from one connection */
#define HIST_MAX	8		/* distinct statuses shown per kind */
#define MIB		(1024 * 1024)

struct buf {
	char	*p;
	size_t	 len, cap;
};

/* A batch as a push sends it: a checkpoint line, then entry lines. */
struct batch {
	struct buf	 raw;
	size_t		 n;
	size_t		*off, *len;
	char		 log[160];
};

enum {
	B_NEXT,		/* entries the hub does not hold: must stay out */
	B_HELD,		/* the hub holds all of it: a replay */
	B_FORM,		/* another log the hub does not hold, for the form */
	B_OTHER,	/* the same node id, another key */
	B_UNKNOWN,	/* a node the hub never enrolled */
	B_REVOKED,	/* a revoked node's entries after the revocation */
	B_REVALL,	/* the same, from seq 1 */
	B_REVHELD,	/* the revoked node's batch from before: a replay */
	B_ROTEXT,	/* the old key, after a rotation, past the head */
	B_ROTFORK,	/* the old key, after a rotation, another history */
	B_ROTOLD,	/* the old key's batch from before it: a replay */
	B_BIG,		/* enrolled, more entries than a batch may hold */
	B_COUNT
};

static const char *const batch_file[B_COUNT] = {
	"next.nd", "held.nd", "form.nd", "other-key.nd", "unknown.nd",
	"revoked.nd", "revoked-all.nd", "revoked-held.nd", "rot-ext.nd",
	"rot-fork.nd", "rot-old.nd", "big.nd"
};

/* What came back on one connection. */
struct answer {
	int		 code[CODES_MAX];
	size_t		 ncode;
	long long	 added;		/* of the last 200; -1 if not said */
	int		 hung;
	int		 refused;
};

struct ctx {
	struct sockaddr_in	 dst;
	const char		*only;	/* the one kind to send, or NULL */
	uint64_t		 rng;
	int			 verbose;
	struct batch		 b[B_COUNT];
	struct buf		 req;	/* the bytes on the wire */
	struct buf		 body;
	struct buf		 line;	/* put_at()'s */
	struct buf		 tmp;	/* the kinds' */
	int			 replay;	/* 200 adding nothing: right */
};

struct kind {
	const char	*name;
	void		(*make)(struct ctx *, unsigned long);
	unsigned long	 cap;		/* at most this many; 0 for no cap */
	int		 need;		/* the batch it needs */
};

/* How the hub answered one kind. */
struct tally {
	unsigned long	 sent, accepted, e5xx, v505, silent, hung;
	double		 secs;
	int		 hcode[HIST_MAX];	/* 0: closed, no answer */
	unsigned long	 hcount[HIST_MAX];
};

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	ap;

	fputs("hostile: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

static void
buf_need(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->p = xrealloc(b->p, b->cap);
}

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_need(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf");
	buf_need(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void
buf_fill(struct buf *b, int ch, size_t n)
{
	buf_need(b, n);
	memset(b->p + b->len, ch, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* splitmix64: the same seed gives the same barrage. */
static uint64_t
rnd(struct ctx *c)
{
	uint64_t	z = (c->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
rnd_below(struct ctx *c, size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd(c) % n);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
batch_load(struct batch *b, const char *dir, const char *name)
{
	char		 path[4096], chunk[65536];
	const char	*p, *q;
	ssize_t		 r;
	size_t		 i, cap = 0;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b->raw, chunk, (size_t)r);
	close(fd);
	if (r < 0 || b->raw.len == 0)
		die("%s: cannot read, or empty", path);
	for (i = 0; i < b->raw.len; ) {
		q = memchr(b->raw.p + i, '\n', b->raw.len - i);
		if (b->n == cap) {
			cap = cap ? cap * 2 : 64;
			b->off = xrealloc(b->off, cap * sizeof(*b->off));
			b->len = xrealloc(b->len, cap * sizeof(*b->len));
		}
		b->off[b->n] = i;
		b->len[b->n] = (q != NULL ? (size_t)(q - b->raw.p) :
		    b->raw.len) - i;
		b->n++;
		i += b->len[b->n - 1] + 1;
	}
	if ((p = strstr(b->raw.p, "\"log\":\"")) == NULL ||
	    (q = strchr(p + 7, '"')) == NULL ||
	    (size_t)(q - p - 7) >= sizeof(b->log))
		die("%s: the first line is not a checkpoint", path);
	snprintf(b->log, sizeof(b->log), "%.*s", (int)(q - p - 7), p + 7);
	return 0;
}

static const char *
line_at(const struct batch *b, size_t i)
{
	return b->raw.p + b->off[i];
}

/*
 * The value of member NAME in line I, as offsets into the line: a string
 * with its quotes, or the bytes up to the next ',' or '}'.
 */
static int
field(const struct batch *b, size_t i, const char *name, size_t *vs,
    size_t *vl)
{
	const char	*l = line_at(b, i), *p, *e;
	char		 key[64];
	size_t		 n = b->len[i];

	snprintf(key, sizeof(key), "\"%s\":", name);
	if ((p = memmem(l, n, key, strlen(key))) == NULL)
		return -1;
	p += strlen(key);
	if (*p == '"') {
		for (e = p + 1; e < l + n && *e != '"'; e++)
			if (*e == '\\')
				e++;
		e++;
	} else
		for (e = p; e < l + n && *e != ',' && *e != '}'; e++)
			;
	*vs = (size_t)(p - l);
	*vl = (size_t)(e - p);
	return 0;
}

/*
 * The batch into OUT, line SKIP left out, line REPL replaced by RP (pass
 * SIZE_MAX for none), each line ended by a newline.
 */
static void
batch_put(struct buf *out, const struct batch *b, size_t skip, size_t repl,
    const char *rp, size_t rlen)
{
	size_t	i;

	buf_reset(out);
	for (i = 0; i < b->n; i++) {
		if (i == skip)
			continue;
		if (i == repl)
			buf_add(out, rp, rlen);
		else
			buf_add(out, line_at(b, i), b->len[i]);
		buf_add(out, "\n", 1);
	}
}

/* Line I of the batch with bytes [AT, AT+LEN) replaced by S, into c->body. */
static void
put_at(struct ctx *c, const struct batch *b, size_t i, size_t at,
    size_t len, const char *s, size_t slen)
{
	buf_reset(&c->line);
	buf_add(&c->line, line_at(b, i), at);
	buf_add(&c->line, s, slen);
	buf_add(&c->line, line_at(b, i) + at + len, b->len[i] - at - len);
	batch_put(&c->body, b, SIZE_MAX, i, c->line.p, c->line.len);
}

/* Member NAME of line I given the JSON text VAL (quotes and all). */
static void
with_field(struct ctx *c, const struct batch *b, size_t i, const char *name,
    const char *val, size_t vallen)
{
	size_t	vs, vl;

	if (field(b, i, name, &vs, &vl) != 0)
		die("%s line %zu: no member %s", b->log, i, name);
	put_at(c, b, i, vs, vl, val, vallen);
}

/* NEXT with one character of its signature changed: a forgery. */
static void
forged(struct ctx *c)
{
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 vs, vl, at;
	char			 ch;

	if (field(b, 0, "sig", &vs, &vl) != 0 || vl < 10)
		die("%s: a checkpoint without a sig", b->log);
	at = vs + 1 + rnd_below(c, 80);
	do
		ch = b64[rnd_below(c, 64)];
	while (ch == line_at(b, 0)[at]);
	put_at(c, b, 0, at, 1, &ch, 1);
}

static void
path_of(char *path, size_t len, const struct batch *b)
{
	snprintf(path, len, "/v1/logs/%s", b->log);
}

/* A request with a body; EXTRA holds more header lines, CRLF ended. */
static void
http_send(struct ctx *c, const char *method, const char *path,
    const char *ctype, const char *extra, const struct buf *body)
{
	buf_reset(&c->req);
	buf_addf(&c->req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method,
	    path);
	if (ctype != NULL)
		buf_addf(&c->req, "Content-Type: %s\r\n", ctype);
	buf_addf(&c->req, "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
	    body->len, extra);
	buf_add(&c->req, body->p, body->len);
}

static void
post(struct ctx *c, const char *path)
{
	http_send(c, "POST", path, "application/x-ndjson", "", &c->body);
}

static void
post_batch(struct ctx *c, const struct batch *b)
{
	char	path[256];

	path_of(path, sizeof(path), b);
	post(c, path);
}

static void
get(struct ctx *c, const char *path, const char *extra)
{
	buf_reset(&c->req);
	buf_addf(&c->req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n%s\r\n", path, extra);
}

/* Raw bytes, as they are. */
static void
raw(struct ctx *c, const char *s, size_t n)
{
	buf_reset(&c->req);
	buf_add(&c->req, s, n);
}

/* --- The kinds of bad ---------------------------------------------- */

static void
k_forged_sig(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT], *h = &c->b[B_HELD];
	const struct batch	*o = &c->b[B_OTHER];
	size_t			 vs, vl;
	char			 v[128];

	switch (n % 4) {
	case 0:
		forged(c);
		break;
	case 1:		/* 64 zero bytes: well formed, and false */
		snprintf(v, sizeof(v), "\"%.86s==\"", "AAAAAAAAAAAAAAAAAAAAA"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "AAAAAAAA");
		with_field(c, b, 0, "sig", v, strlen(v));
		break;
	case 2:		/* a true signature, of another checkpoint */
		if (h->n == 0 || field(h, 0, "sig", &vs, &vl) != 0) {
			forged(c);
			break;
		}
		with_field(c, b, 0, "sig", line_at(h, 0) + vs, vl);
		break;
	default:	/* the signature, credited to another key */
		if (o->n == 0 || field(o, 0, "key", &vs, &vl) != 0) {
			forged(c);
			break;
		}
		with_field(c, b, 0, "key", line_at(o, 0) + vs, vl);
		break;
	}
	post_batch(c, b);
}

static void
k_other_key(struct ctx *c, unsigned long n)
{
	const struct batch	*o = &c->b[B_OTHER], *b = &c->b[B_NEXT];

	if (n % 2 == 0 || b->n == 0)
		batch_put(&c->body, o, SIZE_MAX, SIZE_MAX, NULL, 0);
	else		/* the impostor's checkpoint over the true entries */
		batch_put(&c->body, b, SIZE_MAX, 0, line_at(o, 0), o->len[0]);
	post_batch(c, o);
}

static void
k_altered_entry(struct ctx *c, unsigned long n)
{
	static const char	 set[] = "abcdefghijklmnopqrstuvwxyz0123456789"
				    "ABCXYZ{}[]\":,. -_/\\";
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 i, at;
	char			 ch;

	(void)n;
	i = 1 + rnd_below(c, b->n - 1);
	at = rnd_below(c, b->len[i]);
	do
		ch = set[rnd_below(c, sizeof(set) - 1)];
	while (ch == line_at(b, i)[at]);
	put_at(c, b, i, at, 1, &ch, 1);
	post_batch(c, b);
}

static void
k_gap(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 i = 1 + rnd_below(c, b->n - 1);

	if (n % 3 == 2) {		/* an entry twice: i - 1 for i */
		i = 2 + rnd_below(c, b->n - 2);
		batch_put(&c->body, b, SIZE_MAX, i, line_at(b, i - 1),
		    b->len[i - 1]);
	}
	else if (n % 3 == 1)		/* the first entry left out */
		batch_put(&c->body, b, 1, SIZE_MAX, NULL, 0);
	else
		batch_put(&c->body, b, i, SIZE_MAX, NULL, 0);
	post_batch(c, b);
}

static void
k_prev(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 v[67];
	size_t			 i, k;

	i = 1 + rnd_below(c, b->n - 1);
	v[0] = '"';
	for (k = 1; k <= 64; k++)
		v[k] = n % 2 ? "0123456789abcdef"[rnd_below(c, 16)] : '0';
	v[65] = '"';
	v[66] = '\0';
	with_field(c, b, i, "prev", v, 66);
	post_batch(c, b);
}

static void
k_wrong_log(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256], node[64];
	const char		*logs[8];
	size_t			 nlogs = 0, k;

	for (k = B_FORM; k < B_COUNT; k++)
		if (c->b[k].n > 0 && strcmp(c->b[k].log, b->log) != 0 &&
		    nlogs < 6)
			logs[nlogs++] = c->b[k].log;
	logs[nlogs++] = "zz-nobody/main";
	snprintf(node, sizeof(node), "%.*s/other", (int)strcspn(b->log, "/"),
	    b->log);
	logs[nlogs++] = node;
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	snprintf(path, sizeof(path), "/v1/logs/%s", logs[n % nlogs]);
	post(c, path);
}

static void
k_unknown(struct ctx *c, unsigned long n)
{
	const struct batch	*u = &c->b[B_UNKNOWN];

	/* The whole batch, or its checkpoint alone. */
	batch_put(&c->body, u, SIZE_MAX, SIZE_MAX, NULL, 0);
	if (n % 2 == 1)
		c->body.len = u->len[0] + 1;
	post_batch(c, u);
}

static void
k_revoked(struct ctx *c, unsigned long n)
{
	const struct batch	*r = &c->b[n % 2 == 0 || c->b[B_REVALL].n == 0 ?
				    B_REVOKED : B_REVALL];

	batch_put(&c->body, r, SIZE_MAX, SIZE_MAX, NULL, 0);
	post_batch(c, r);
}

static void
k_over_bytes(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];
	size_t			 k;

	path_of(path, sizeof(path), b);
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	while (c->body.len <= MIB) {
		buf_adds(&c->body, "{\"pad\":\"");
		buf_fill(&c->body, 'x', 4000);
		buf_adds(&c->body, "\"}\n");
	}
	switch (n % 3) {
	case 0:
		post(c, path);
		break;
	case 1:		/* ten gigabytes said, a fifth of a mebibyte sent */
		buf_reset(&c->req);
		buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Content-Type: application/x-ndjson\r\nContent-Length: "
		    "10000000000\r\n\r\n", path);
		buf_add(&c->req, c->body.p, MIB / 5);
		break;
	default:	/* chunked, and well terminated */
		buf_reset(&c->req);
		buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Content-Type: application/x-ndjson\r\nTransfer-Encoding: "
		    "chunked\r\nConnection: close\r\n\r\n", path);
		for (k = 0; k < c->body.len; k += 65536) {
			buf_addf(&c->req, "%zx\r\n", c->body.len - k < 65536 ?
			    c->body.len - k : (size_t)65536);
			buf_add(&c->req, c->body.p + k, c->body.len - k <
			    65536 ? c->body.len - k : 65536);
			buf_adds(&c->req, "\r\n");
		}
		buf_adds(&c->req, "0\r\n\r\n");
		break;
	}
}

static void
k_over_entries(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT], *big = &c->b[B_BIG];
	size_t			 k;

	if (n % 2 == 1 && big->n > 0) {	/* authentic, and too many */
		batch_put(&c->body, big, SIZE_MAX, SIZE_MAX, NULL, 0);
		post_batch(c, big);
		return;
	}
	buf_reset(&c->body);
	buf_add(&c->body, line_at(b, 0), b->len[0]);
	buf_adds(&c->body, "\n");
	for (k = 0; k < 5000; k++)
		buf_adds(&c->body, "{}\n");
	post_batch(c, b);
}

static void
k_malformed(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 k, cut;

	buf_reset(&c->body);
	switch (n % 11) {
	case 0:
		break;		/* no body at all */
	case 1:
		buf_adds(&c->body, "\n");
		break;
	case 2:		/* an empty line after the checkpoint */
		buf_reset(&c->tmp);
		buf_add(&c->tmp, line_at(b, 0), b->len[0]);
		buf_adds(&c->tmp, "\n");
		batch_put(&c->body, b, SIZE_MAX, 0, c->tmp.p, c->tmp.len);
		break;
	case 3:		/* CRLF line ends */
		for (k = 0; k < b->n; k++) {
			buf_add(&c->body, line_at(b, k), b->len[k]);
			buf_adds(&c->body, "\r\n");
		}
		break;
	case 4:		/* an entry cut in half, the rest after it */
		k = 1 + rnd_below(c, b->n - 1);
		cut = 1 + rnd_below(c, b->len[k] - 1);
		buf_reset(&c->tmp);
		buf_add(&c->tmp, line_at(b, k), cut);
		batch_put(&c->body, b, SIZE_MAX, k, c->tmp.p, c->tmp.len);
		break;
	case 5:
		buf_adds(&c->body, "[1,2,3]\n");
		break;
	case 6:
		buf_adds(&c->body, "hello, hub\n");
		break;
	case 7:		/* the checkpoint twice */
		buf_add(&c->body, line_at(b, 0), b->len[0]);
		buf_adds(&c->body, "\n");
		for (k = 0; k < b->n; k++) {
			buf_add(&c->body, line_at(b, k), b->len[k]);
			buf_adds(&c->body, "\n");
		}
		break;
	case 8:		/* an entry that is null */
		batch_put(&c->body, b, SIZE_MAX, 1, "null", 4);
		break;
	case 9:		/* the entries first, the checkpoint last */
		for (k = 1; k <= b->n; k++) {
			buf_add(&c->body, line_at(b, k % b->n),
			    b->len[k % b->n]);
			buf_adds(&c->body, "\n");
		}
		break;
	default:	/* a line of blanks */
		batch_put(&c->body, b, SIZE_MAX, 1, "   ", 3);
		break;
	}
	post_batch(c, b);
}

static void
k_seq_big(struct ctx *c, unsigned long n)
{
	static const char *const v[] = {
		"9007199254740993", "9007199254740992", "18446744073709551615",
		"18446744073709551616", "1e309", "1e400", "-1", "0", "0.5",
		"-0", "NaN", "Infinity", "\"3\"", "null", "[1]", "1e-400",
		"99999999999999999999999999999999999999"
	};
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 k = n % (sizeof(v) / sizeof(v[0]) + 2);

	if (k < sizeof(v) / sizeof(v[0]))
		with_field(c, b, 0, "seq", v[k], strlen(v[k]));
	else if (k == sizeof(v) / sizeof(v[0]))	/* an entry's seq */
		with_field(c, b, 1, "seq", v[0], strlen(v[0]));
	else					/* an entry's clock */
		with_field(c, b, 1, "hlc", v[2], strlen(v[2]));
	post_batch(c, b);
}

static void
k_have_big(struct ctx *c, unsigned long n)
{
	static const char *const q[] = {
		"after=9007199254740993", "after=9007199254740992",
		"after=18446744073709551616", "after=99999999999999999999999",
		"limit=9007199254740993", "after=1&limit=18446744073709551615",
		"after=-1", "after=1e3", "after=", "after=0x10", "after= 1",
		"after=1&after=9007199254740993", "after=9007199254740991&"
		"limit=9007199254740991", "limit=-5"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[512];

	snprintf(path, sizeof(path), "/v1/logs/%s/entries?%s", b->log,
	    q[n % (sizeof(q) / sizeof(q[0]))]);
	get(c, path, "");
}

static void
nest(struct buf *out, size_t depth, int objects)
{
	size_t	k;

	for (k = 0; k < depth; k++)
		buf_adds(out, objects ? "{\"a\":" : "[");
	buf_adds(out, "1");
	buf_fill(out, objects ? '}' : ']', depth);
}

static void
k_deep(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];

	buf_reset(&c->body);
	switch (n % 3) {
	case 0:
		nest(&c->body, 10000, 0);
		buf_adds(&c->body, "\n");
		break;
	case 1:
		nest(&c->body, 10000, 1);
		buf_adds(&c->body, "\n");
		break;
	default:	/* a true checkpoint, then an entry 10,000 deep */
		buf_add(&c->body, line_at(b, 0), b->len[0]);
		buf_adds(&c->body, "\n{\"v\":1,\"log\":\"");
		buf_adds(&c->body, b->log);
		buf_adds(&c->body, "\",\"body\":");
		nest(&c->body, 10000, n % 2);
		buf_adds(&c->body, "}\n");
		break;
	}
	post_batch(c, b);
}

/* STR's value with TEXT put in before its closing quote. */
static void
in_string(struct ctx *c, const struct batch *b, size_t i, const char *name,
    const char *text, size_t tlen)
{
	size_t	vs, vl;

	if (field(b, i, name, &vs, &vl) != 0 || vl < 2)
		die("%s line %zu: no string %s", b->log, i, name);
	put_at(c, b, i, vs + vl - 1, 0, text, tlen);
}

/*
 * \u0000 in the checkpoint's strings goes on the form batch: it changes
 * the checkpoint's bytes only, like the kind below.
 */
static void
k_nul(struct ctx *c, unsigned long n)
{
	static const char *const name[] = { "log", "head", "key", "sig" };
	const struct batch	*b = &c->b[B_NEXT], *f = &c->b[B_FORM];

	if (f->n == 0)
		f = b;
	switch (n % 6) {
	case 4:		/* in an entry */
		in_string(c, b, 1, "by", "\\u0000", 6);
		break;
	case 5:		/* a raw NUL byte */
		in_string(c, b, 0, "log", "\0", 1);
		break;
	default:
		in_string(c, f, 0, name[n % 6], "\\u0000junk", 10);
		post_batch(c, f);
		return;
	}
	post_batch(c, b);
}

static void
k_utf8(struct ctx *c, unsigned long n)
{
	static const char *const bad[] = {
		"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80",
		"\xe4\xb8", "\xfe\xff"
	};
	const struct batch	*b = &c->b[B_NEXT];
	const char		*s = bad[n % 6];
	char			 path[512];

	switch (n % 4) {
	case 0:
		in_string(c, b, 0, "log", s, strlen(s));
		break;
	case 1:
		in_string(c, b, 1, "by", s, strlen(s));
		break;
	case 2:		/* in the path */
		snprintf(path, sizeof(path), "/v1/logs/%s%s", b->log, s);
		forged(c);
		post(c, path);
		return;
	default:	/* in a header the hub reads */
		snprintf(path, sizeof(path), "X-Minqing-Node: zb%s\r\n"
		    "X-Minqing-Time: 1\r\nX-Minqing-Signature: AAAA\r\n", s);
		get(c, "/v1/inbox/zb-a", path);
		return;
	}
	post_batch(c, b);
}

/*
 * The checkpoint line means the same to cJSON, yet its bytes are not
 * what the node signed, and another reader may take it otherwise.
 */
static void
k_form(struct ctx *c, unsigned long n)
{
	/*
	 * The log twice (cJSON keeps the first), the sig twice, a member
	 * that is not UTF-8.
	 */
	static const char *const add[] = {
		",\"log\":\"zz-x/main\"", ",\"sig\":\"AAAA\"",
		",\"x\":\"\xff\xfe\""
	};
	const struct batch	*f = &c->b[B_FORM];
	size_t			 vs, vl;
	char			 v[64];

	if (n % 4 < 3) {
		put_at(c, f, 0, f->len[0] - 1, 0, add[n % 4],
		    strlen(add[n % 4]));
	} else {	/* seq as a fraction */
		if (field(f, 0, "seq", &vs, &vl) != 0)
			die("%s: no seq", f->log);
		snprintf(v, sizeof(v), "%.*s.0", (int)vl, line_at(f, 0) + vs);
		with_field(c, f, 0, "seq", v, strlen(v));
	}
	post_batch(c, f);
}

static void
k_cl_short(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];
	size_t			 cl;

	(void)n;
	path_of(path, sizeof(path), b);
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	/* Never len - 1: without its final newline the batch is whole. */
	cl = rnd_below(c, c->body.len - 1);
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nContent-Length: %zu\r\n"
	    "\r\n", path, cl);
	buf_add(&c->req, c->body.p, c->body.len);
}

static void
k_cl_long(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];

	(void)n;
	path_of(path, sizeof(path), b);
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nContent-Length: %zu\r\n"
	    "\r\n", path, c->body.len + 1 + rnd_below(c, 100000));
	buf_add(&c->req, c->body.p, c->body.len);
}

static void
k_chunked(struct ctx *c, unsigned long n)
{
	static const char *const end[] = {
		"", "zz\r\n", "ffffffffffffffff\r\n", "10000000000000000\r\n",
		"-1\r\n", "5\r\nab", "3\r\nabcXY",
		"0000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000001\r\n"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];
	size_t			 k, len, upto;

	path_of(path, sizeof(path), b);
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", path);
	/* Some or all of the body in chunks, never the last chunk. */
	upto = n % 2 ? c->body.len : rnd_below(c, c->body.len);
	for (k = 0; k < upto; k += len) {
		len = 1 + rnd_below(c, 700);
		if (len > upto - k)
			len = upto - k;
		buf_addf(&c->req, "%zx\r\n", len);
		buf_add(&c->req, c->body.p + k, len);
		buf_adds(&c->req, "\r\n");
	}
	buf_adds(&c->req, end[n % (sizeof(end) / sizeof(end[0]))]);
}

static void
k_smuggle(struct ctx *c, unsigned long n)
{
	static const char *const hdr[] = {
		"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
		"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
		"Content-Length: 4\r\nContent-Length: %zu\r\n",
		"Content-Length: %zu\r\nContent-Length: 4\r\n",
		"Transfer-Encoding: chunked, identity\r\n"
		    "Content-Length: %zu\r\n",
		"Transfer-Encoding: xchunked\r\nContent-Length: %zu\r\n",
		"Content-Length: +%zu\r\n",
		"Content-Length: -1\r\n",
		"Content-Length: 0x10\r\n",
		"Content-Length: 1 %zu\r\n",
		"Transfer-Encoding:\tchunked\r\nContent-Length: %zu\r\n"
	};
	const struct batch	*b = &c->b[B_NEXT];
	const char		*h = hdr[n % (sizeof(hdr) / sizeof(hdr[0]))];
	char			 path[256];

	path_of(path, sizeof(path), b);
	forged(c);
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\n", path);
	/* The header lines, the length put in where they ask for one. */
	buf_reset(&c->tmp);
	buf_adds(&c->tmp, h);
	if (strstr(c->tmp.p, "%zu") != NULL) {
		buf_add(&c->req, c->tmp.p, (size_t)(strstr(c->tmp.p, "%zu") -
		    c->tmp.p));
		buf_addf(&c->req, "%zu", c->body.len);
		buf_adds(&c->req, strstr(c->tmp.p, "%zu") + 3);
	} else
		buf_adds(&c->req, h);
	buf_adds(&c->req, "\r\n");
	if (strstr(h, "chunked") != NULL && n % 2 == 0) {
		buf_addf(&c->req, "%zx\r\n", c->body.len);
		buf_add(&c->req, c->body.p, c->body.len);
		buf_adds(&c->req, "\r\n0\r\n\r\n");
	} else
		buf_add(&c->req, c->body.p, c->body.len);
}

static void
k_huge_headers(struct ctx *c, unsigned long n)
{
	size_t	k;

	buf_reset(&c->req);
	buf_adds(&c->req, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	switch (n % 3) {
	case 0:
		for (k = 0; k < 1024; k++) {
			buf_addf(&c->req, "X-Pad-%zu: ", k);
			buf_fill(&c->req, 'a', 1000);
			buf_adds(&c->req, "\r\n");
		}
		break;
	case 1:
		buf_adds(&c->req, "X-Pad: ");
		buf_fill(&c->req, 'a', MIB);
		buf_adds(&c->req, "\r\n");
		break;
	default:
		for (k = 0; k < 200000; k++)
			buf_adds(&c->req, "a:b\r\n");
		break;
	}
	buf_adds(&c->req, "Connection: close\r\n\r\n");
}

static void
k_huge_url(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];

	buf_reset(&c->tmp);
	switch (n % 4) {
	case 0:
		buf_adds(&c->tmp, "/v1/logs/");
		buf_fill(&c->tmp, 'a', 100 * 1024);
		get(c, c->tmp.p, "");
		break;
	case 1:
		buf_adds(&c->tmp, "/v1/health?");
		buf_fill(&c->tmp, 'q', MIB);
		get(c, c->tmp.p, "");
		break;
	case 2:		/* past the hub's own 2048-byte copy of the target */
		buf_addf(&c->tmp, "/v1/logs/%s?", b->log);
		buf_fill(&c->tmp, 'x', 3000);
		forged(c);
		post(c, c->tmp.p);
		break;
	default:
		buf_addf(&c->tmp, "/v1/logs/%s/entries?after=1&", b->log);
		buf_fill(&c->tmp, 'y', 5000);
		get(c, c->tmp.p, "");
		break;
	}
}

static void
k_dotdot(struct ctx *c, unsigned long n)
{
	static const char *const p[] = {
		"/v1/logs/../main", "/v1/logs/zb-a/..",
		"/v1/logs/../../etc/passwd",
		"/v1/logs/./main", "/v1/logs/zb-a/../zb-a/main",
		"/v1/logs/zb-a/./..", "/v1/inbox/..", "/v1/inbox/../zb-a",
		"/v1/logs/../../../../../../tmp/x", "/v1/logs/zb-a/..%2f..",
		"/v1/logs/zb-a/.../entries", "/v1/logs/../main/entries"
	};
	const char	*path = p[(n / 2) % (sizeof(p) / sizeof(p[0]))];

	if (n % 2 == 0) {
		forged(c);
		post(c, path);
	} else
		get(c, path, "");
}

static void
k_long_names(struct ctx *c, unsigned long n)
{
	buf_reset(&c->tmp);
	switch (n % 10) {
	case 0:
		buf_adds(&c->tmp, "/v1/logs/");
		buf_fill(&c->tmp, 'a', 33);
		buf_adds(&c->tmp, "/main");
		break;
	case 1:
		buf_adds(&c->tmp, "/v1/logs/zb-a/");
		buf_fill(&c->tmp, 'b', 65);
		break;
	case 2:
		buf_adds(&c->tmp, "/v1/logs/");
		buf_fill(&c->tmp, 'a', 5000);
		buf_adds(&c->tmp, "/main");
		break;
	case 3:
		buf_adds(&c->tmp, "/v1/inbox/");
		buf_fill(&c->tmp, 'c', 33);
		break;
	case 4:
		buf_adds(&c->tmp, "/v1/logs/ZB-A/main");
		break;
	case 5:
		buf_adds(&c->tmp, "/v1/logs/zb_a/main");
		break;
	case 6:
		buf_adds(&c->tmp, "/v1/logs//main");
		break;
	case 7:
		buf_adds(&c->tmp, "/v1/logs/zb-a/");
		break;
	case 8:
		buf_adds(&c->tmp, "/v1/logs/zb-a//main");
		break;
	default:
		buf_adds(&c->tmp, "/v1/logs/zb-a/main/");
		break;
	}
	if (n % 2 == 0) {
		forged(c);
		post(c, c->tmp.p);
	} else
		get(c, c->tmp.p, "");
}

static void
k_pct(struct ctx *c, unsigned long n)
{
	static const char *const sep[] = {
		"%2F", "%2f", "%2F%2F", "%252F", "/%2e%2e/", "%zz", "%", "%ff",
		"%c0%af", "%2e", "%00", "%5c"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[512];
	const char		*s;
	int			 nl = (int)strcspn(b->log, "/");

	/* The slash between NODE and STREAM encoded, or worse. */
	s = sep[(n / 2) % (sizeof(sep) / sizeof(sep[0]))];
	if (n % 2 == 0) {
		snprintf(path, sizeof(path), "/v1/logs/%.*s%s%s", nl, b->log,
		    s, b->log + nl + 1);
		forged(c);
		post(c, path);
	} else {
		snprintf(path, sizeof(path), "/v1/logs/%.*s%s%s%%2Fentries",
		    nl, b->log, s, b->log + nl + 1);
		get(c, path, "");
	}
}

static void
k_replay(struct ctx *c, unsigned long n)
{
	static const int	 which[] = { B_HELD, B_ROTOLD, B_REVHELD };
	const struct batch	*r = &c->b[which[n % 3]];

	if (r->n == 0)
		r = &c->b[B_HELD];
	batch_put(&c->body, r, SIZE_MAX, SIZE_MAX, NULL, 0);
	post_batch(c, r);
	c->replay = 1;
}

static void
k_rotated(struct ctx *c, unsigned long n)
{
	const struct batch	*r = &c->b[n % 2 == 0 || c->b[B_ROTFORK].n ==
				    0 ? B_ROTEXT : B_ROTFORK];

	batch_put(&c->body, r, SIZE_MAX, SIZE_MAX, NULL, 0);
	post_batch(c, r);
}

static void
k_random(struct ctx *c, unsigned long n)
{
	size_t	k, len = 1 + rnd_below(c, 8192);

	buf_reset(&c->req);
	if (n % 2)
		buf_adds(&c->req, "POST /v1/logs/zb-a/main HTTP/1.1\r\n");
	for (k = 0; k < len; k++) {
		buf_need(&c->req, 1);
		c->req.p[c->req.len++] = (char)(rnd(c) & 0xff);
	}
}

static void
k_random_body(struct ctx *c, unsigned long n)
{
	static const char	 json[] = "{}[]\",:0123456789\nabc\\u";
	const struct batch	*b = &c->b[B_NEXT];
	size_t			 k, len = 1 + rnd_below(c, 16384);
	uint64_t		 r;

	/* Random bytes, or random bytes that JSON is made of. */
	buf_reset(&c->body);
	for (k = 0; k < len; k++) {
		r = rnd(c);
		buf_need(&c->body, 1);
		c->body.p[c->body.len++] = n % 2 ? (char)(r & 0xff) :
		    json[r % (sizeof(json) - 1)];
	}
	post_batch(c, b);
}

static void
k_versions(struct ctx *c, unsigned long n)
{
	static const char *const v[] = {
		NULL, "HTTP/0.9", "HTTP/2.0", "HTTP/3", "http/1.1", "HTTP/1.1x",
		"HTTP/", "HTTP/1.", "HTTP/a.b", "HTTP/1.1 HTTP/1.1", "HTTX/1.1"
	};
	const struct batch	*b = &c->b[B_NEXT];
	const char		*ver = v[n % (sizeof(v) / sizeof(v[0]))];

	forged(c);
	buf_reset(&c->req);
	if (ver == NULL) {	/* HTTP/0.9: a request line and no more */
		buf_addf(&c->req, "GET /v1/logs/%s/entries\r\n", b->log);
		return;
	}
	buf_addf(&c->req, "POST /v1/logs/%s %s\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", b->log, ver, c->body.len);
	buf_add(&c->req, c->body.p, c->body.len);
}

static void
k_garbage(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 e[256];

	snprintf(e, sizeof(e), "/v1/logs/%s/entries", b->log);
	buf_reset(&c->req);
	switch (n % 14) {
	case 0:
		buf_adds(&c->req, "GET\r\n\r\n");
		break;
	case 1:
		buf_adds(&c->req, "\r\n\r\n\r\n\r\n");
		break;
	case 2:
		buf_addf(&c->req, "GET  %s  HTTP/1.1\r\nHost: x\r\n\r\n", e);
		break;
	case 3:
		buf_addf(&c->req, "GET\t%s\tHTTP/1.1\r\nHost: x\r\n\r\n", e);
		break;
	case 4:
		buf_addf(&c->req, "GET %s HTTP/1.1 extra\r\nHost: x\r\n\r\n",
		    e);
		break;
	case 5:
		buf_adds(&c->req, "GET HTTP/1.1\r\nHost: x\r\n\r\n");
		break;
	case 6:
		buf_addf(&c->req, "GET http://127.0.0.1%s HTTP/1.1\r\n"
		    "Host: x\r\n\r\n", e);
		break;
	case 7:
		buf_adds(&c->req, "GET * HTTP/1.1\r\nHost: x\r\n\r\n");
		break;
	case 8:
		buf_addf(&c->req, "GET %s\x01\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
		    e);
		break;
	case 9:
		buf_addf(&c->req, "GET %s HTTP/1.1\nHost: x\n\n", e);
		break;
	case 10:
		buf_addf(&c->req, "GET %s HTTP/1.1\r\n\r\n", e);
		break;
	case 11:
		buf_addf(&c->req, "GET %s HTTP/1.1\r\nHost x\r\nno colon "
		    "here\r\n\r\n", e);
		break;
	case 12:
		buf_fill(&c->req, '\n', 8192);
		buf_addf(&c->req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", e);
		break;
	default:
		buf_fill(&c->req, 'G', 4000);
		buf_addf(&c->req, " %s HTTP/1.1\r\nHost: x\r\n\r\n", e);
		break;
	}
}

static void
k_method(struct ctx *c, unsigned long n)
{
	static const char *const m[] = {
		"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "FOO",
		"post", "PROPFIND", "CONNECT"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256], node[64];
	size_t			 k = n % (sizeof(m) / sizeof(m[0]) + 3);

	/* The true batch: only the method or the place is wrong. */
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	path_of(path, sizeof(path), b);
	if (k < sizeof(m) / sizeof(m[0])) {
		http_send(c, m[k], path, "application/x-ndjson", "", &c->body);
		return;
	}
	snprintf(node, sizeof(node), "%.*s", (int)strcspn(b->log, "/"),
	    b->log);
	k -= sizeof(m) / sizeof(m[0]);
	if (k == 0)
		snprintf(path, sizeof(path), "/v1/health");
	else if (k == 1)
		snprintf(path, sizeof(path), "/v1/inbox/%s", node);
	else
		snprintf(path, sizeof(path), "/v1/logs/%s/entries", b->log);
	post(c, path);
}

static void
k_ctype(struct ctx *c, unsigned long n)
{
	static const char *const t[] = {
		NULL, "text/plain", "application/json", "application/x-ndjso",
		"multipart/form-data; boundary=x",
		"application/x-www-form-urlencoded", "", "application/x-nd"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];

	/* The true batch again: only its type is wrong. */
	batch_put(&c->body, b, SIZE_MAX, SIZE_MAX, NULL, 0);
	path_of(path, sizeof(path), b);
	http_send(c, "POST", path, t[n % (sizeof(t) / sizeof(t[0]))], "",
	    &c->body);
}

static void
k_unsigned(struct ctx *c, unsigned long n)
{
	static const char *const h[] = {
		"",
		"X-Minqing-Node: zb-a\r\n",
		"X-Minqing-Node: zb-a\r\nX-Minqing-Time: 1\r\n"
		    "X-Minqing-Signature: garbage\r\n",
		"X-Minqing-Node: zb-a\r\nX-Minqing-Time: 1\r\n"
		    "X-Minqing-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\r\n",
		"X-Minqing-Node: zb-a\r\nX-Minqing-Time: 999999999999999999999"
		    "\r\nX-Minqing-Signature: AAAA\r\n",
		"X-Minqing-Node: zb-a\r\nX-Minqing-Time: -1\r\n"
		    "X-Minqing-Signature: AAAA\r\n",
		"X-Minqing-Node: ../etc\r\nX-Minqing-Time: 1\r\n"
		    "X-Minqing-Signature: AAAA\r\n",
		"X-Minqing-Node: zz-nobody\r\nX-Minqing-Time: 1\r\n"
		    "X-Minqing-Signature: AAAA\r\n",
		"X-Minqing-Node: zb-r\r\nX-Minqing-Time: 1\r\n"
		    "X-Minqing-Signature: AAAA\r\n"
	};
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256], node[64];
	size_t			 k = n % (sizeof(h) / sizeof(h[0]));

	snprintf(node, sizeof(node), "%.*s", (int)strcspn(b->log, "/"),
	    b->log);
	if (n % 2)
		snprintf(path, sizeof(path), "/v1/inbox/%s", node);
	else
		snprintf(path, sizeof(path), "/v1/logs/%s/entries?after=0",
		    b->log);
	get(c, path, h[k]);
}

static void
k_pipelined(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	struct buf		 all = { NULL, 0, 0 };
	char			 path[256];
	size_t			 k;

	(void)n;
	path_of(path, sizeof(path), b);
	for (k = 0; k < 10; k++) {
		forged(c);
		buf_addf(&all, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Content-Type: application/x-ndjson\r\nContent-Length: "
		    "%zu\r\n\r\n", k % 3 == 2 ? "/v1/logs/../x" : path,
		    c->body.len);
		buf_add(&all, c->body.p, c->body.len);
	}
	buf_addf(&all, "DELETE %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", path);
	raw(c, all.p, all.len);
	buf_free(&all);
}

static void
k_expect(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];

	path_of(path, sizeof(path), b);
	forged(c);
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nExpect: 100-continue\r\n"
	    "Content-Length: %zu\r\n\r\n", path, n % 2 ? c->body.len :
	    (size_t)2 * MIB);
	if (n % 2)
		buf_add(&c->req, c->body.p, c->body.len);
}

static void
k_headers(struct ctx *c, unsigned long n)
{
	const struct batch	*b = &c->b[B_NEXT];
	char			 path[256];
	size_t			 k;

	path_of(path, sizeof(path), b);
	forged(c);
	buf_reset(&c->tmp);
	switch (n % 6) {
	case 0:
		for (k = 0; k < 5000; k++)
			buf_addf(&c->tmp, "X-%zu: b\r\n", k);
		break;
	case 1:
		buf_add(&c->tmp, "X-Nul: a\0b\r\n", 12);
		break;
	case 2:
		buf_adds(&c->tmp, "X Bad Name: 1\r\n");
		break;
	case 3:
		buf_adds(&c->tmp, "Content-Type: text/plain\r\n");
		break;
	case 4:
		buf_adds(&c->tmp, "X-Folded: a\r\n  folded\r\n\tagain\r\n");
		break;
	default:
		buf_adds(&c->tmp, "X-Minqing-Node: ");
		buf_fill(&c->tmp, 'n', 10000);
		buf_adds(&c->tmp, "\r\n");
		break;
	}
	buf_reset(&c->req);
	buf_addf(&c->req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/x-ndjson\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n", path, c->body.len);
	buf_add(&c->req, c->tmp.p, c->tmp.len);
	buf_adds(&c->req, "\r\n");
	buf_add(&c->req, c->body.p, c->body.len);
}

static const struct kind kinds[] = {
	{ "forged-signature", k_forged_sig, 0, B_NEXT },
	{ "another-nodes-key", k_other_key, 0, B_OTHER },
	{ "altered-entry-bytes", k_altered_entry, 0, B_NEXT },
	{ "gap", k_gap, 0, B_NEXT },
	{ "prev-mismatch", k_prev, 0, B_NEXT },
	{ "log-in-path-differs", k_wrong_log, 0, B_NEXT },
	{ "unknown-node", k_unknown, 0, B_UNKNOWN },
	{ "revoked-node", k_revoked, 0, B_REVOKED },
	{ "over-byte-limit", k_over_bytes, 24, B_NEXT },
	{ "over-entry-limit", k_over_entries, 60, B_NEXT },
	{ "malformed-ndjson", k_malformed, 0, B_NEXT },
	{ "seq-over-2^53", k_seq_big, 0, B_NEXT },
	{ "have-over-2^53", k_have_big, 0, B_NEXT },
	{ "nesting-10000", k_deep, 0, B_NEXT },
	{ "nul-in-strings", k_nul, 0, B_NEXT },
	{ "invalid-utf8", k_utf8, 0, B_NEXT },
	{ "checkpoint-not-as-signed", k_form, 0, B_FORM },
	{ "content-length-short", k_cl_short, 0, B_NEXT },
	{ "content-length-long", k_cl_long, 0, B_NEXT },
	{ "chunked-unterminated", k_chunked, 0, B_NEXT },
	{ "framing-conflicts", k_smuggle, 0, B_NEXT },
	{ "headers-1mb", k_huge_headers, 15, B_NEXT },
	{ "huge-url", k_huge_url, 40, B_NEXT },
	{ "dotdot-names", k_dotdot, 0, B_NEXT },
	{ "over-long-names", k_long_names, 0, B_NEXT },
	{ "pct-encoded-slashes", k_pct, 0, B_NEXT },
	{ "replay-idempotent", k_replay, 0, B_HELD },
	{ "old-key-after-rotation", k_rotated, 0, B_ROTEXT },
	{ "random-bytes", k_random, 0, B_NEXT },
	{ "random-body", k_random_body, 0, B_NEXT },
	{ "http-0.9-and-versions", k_versions, 0, B_NEXT },
	{ "garbage-request-lines", k_garbage, 0, B_NEXT },
	{ "wrong-methods", k_method, 0, B_NEXT },
	{ "wrong-content-type", k_ctype, 0, B_NEXT },
	{ "unsigned-reads", k_unsigned, 0, B_NEXT },
	{ "pipelined-bad", k_pipelined, 0, B_NEXT },
	{ "expect-100-continue", k_expect, 40, B_NEXT },
	{ "odd-headers", k_headers, 0, B_NEXT },
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* --- One request on one connection ---------------------------------- */

/* Where the headers of the answer at P end, or NULL. */
static const char *
headers_end(const char *p, size_t len)
{
	return memmem(p, len, "\r\n\r\n", 4);
}

static long long
header_num(const char *p, const char *end, const char *name)
{
	size_t	 n = strlen(name);
	char	*e;

	for (; p < end; p++)
		if (p[0] == '\n' && (size_t)(end - p) > n + 1 &&
		    strncasecmp(p + 1, name, n) == 0 && p[n + 1] == ':')
			return strtoll(p + n + 2, &e, 10);
	return -1;
}

/* The answers in what came back: statuses, and a 200's "added". */
static void
parse(const char *p, size_t len, struct answer *a)
{
	const char	*end = p + len, *h, *q;
	long long	 cl;
	int		 code;

	while ((size_t)(end - p) >= 12 && memcmp(p, "HTTP/1.", 7) == 0) {
		if (p[9] < '0' || p[9] > '9' || p[10] < '0' || p[10] > '9' ||
		    p[11] < '0' || p[11] > '9')
			break;
		code = (p[9] - '0') * 100 + (p[10] - '0') * 10 + p[11] - '0';
		if (a->ncode < CODES_MAX)
			a->code[a->ncode++] = code;
		if ((h = headers_end(p, (size_t)(end - p))) == NULL)
			break;
		cl = code < 200 ? 0 : header_num(p, h, "Content-Length");
		h += 4;
		if (code == 200 && (q = memmem(h, (size_t)(end - h),
		    "\"added\":", 8)) != NULL)
			a->added = strtoll(q + 8, NULL, 10);
		if (cl < 0 || cl > end - h)
			break;
		p = h + cl;
	}
}

static int
dial(const struct sockaddr_in *dst, const struct sockaddr_in *src)
{
	struct timeval	tv = { IO_TIMEOUT_S, 0 };
	int		fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (src != NULL && bind(fd, (const struct sockaddr *)src,
	    sizeof(*src)) == -1)
		die("bind %s: %s", inet_ntoa(src->sin_addr), strerror(errno));
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Sends REQ and reads until the hub closes.  A request that does not ask
 * for the close ends with a half close, so that the hub sees that nothing
 * more comes (not always: a half close costs the hub a millisecond).  A
 * hub that neither answers nor closes is hung.
 */
static void
exchange(const struct sockaddr_in *dst, const struct buf *req,
    struct answer *a)
{
	static char	 in[READ_MAX];
	char		 sink[65536];
	size_t		 off = 0, got = 0;
	ssize_t		 r;
	int		 fd;

	memset(a, 0, sizeof(*a));
	a->added = -1;
	if ((fd = dial(dst, NULL)) == -1) {
		a->refused = errno == ECONNREFUSED;
		a->hung = !a->refused;
		return;
	}
	while (off < req->len) {
		r = send(fd, req->p + off, req->len - off, MSG_NOSIGNAL);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;		/* the hub stopped reading: fine */
		}
		off += (size_t)r;
	}
	if (memmem(req->p, req->len, "Connection: close\r\n", 19) == NULL)
		shutdown(fd, SHUT_WR);
	for (;;) {
		if (got < sizeof(in))
			r = recv(fd, in + got, sizeof(in) - got, 0);
		else
			r = recv(fd, sink, sizeof(sink), 0);
		if (r > 0 && got < sizeof(in))
			got += (size_t)r;
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			a->hung = 1;
		break;
	}
	close(fd);
	parse(in, got, a);
}

/* 200 when the hub answers its health call; 0 if it is not there. */
static int
health(const struct sockaddr_in *dst)
{
	struct buf	req = { NULL, 0, 0 };
	struct answer	a;

	buf_adds(&req, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n");
	exchange(dst, &req, &a);
	buf_free(&req);
	return a.ncode > 0 ? a.code[0] : 0;
}

/* --- barrage --------------------------------------------------------- */

static void
tally(struct tally *t, int code)
{
	size_t	i;

	for (i = 0; i < HIST_MAX; i++) {
		if (t->hcount[i] == 0)
			t->hcode[i] = code;
		if (t->hcode[i] == code) {
			t->hcount[i]++;
			return;
		}
	}
}

/* Counts one answer; 1 if it is a failure. */
static int
judge(const struct ctx *c, struct tally *t, const struct answer *a)
{
	size_t	i;
	int	bad = 0;

	t->sent++;
	if (a->ncode == 0) {
		tally(t, 0);
		if (a->hung) {
			t->hung++;
			bad = 1;
		} else
			t->silent++;
	}
	for (i = 0; i < a->ncode; i++) {
		tally(t, a->code[i]);
		if (a->code[i] >= 200 && a->code[i] < 300 &&
		    !(c->replay && a->added == 0)) {
			t->accepted++;
			bad = 1;
		} else if (a->code[i] == 505)
			t->v505++;
		else if (a->code[i] >= 500) {
			t->e5xx++;
			bad = 1;
		}
	}
	return bad;
}

/* The request's start, and what came back. */
static void
show(const char *what, const struct buf *req, const struct answer *a)
{
	size_t	i, n = req->len < 200 ? req->len : 200;

	fprintf(stderr, "# %s:", what);
	for (i = 0; i < a->ncode; i++)
		fprintf(stderr, " %d", a->code[i]);
	fprintf(stderr, "%s: ", a->ncode == 0 ? " none" : "");
	for (i = 0; i < n; i++)
		fputc(req->p[i] >= 32 && req->p[i] < 127 ? req->p[i] : '.',
		    stderr);
	fprintf(stderr, "%s\n", req->len > n ? "..." : "");
}

static void
report(const struct ctx *c, const struct tally *tl, unsigned long total,
    unsigned long crashes, double secs)
{
	const struct tally	*t;
	unsigned long		 accepted = 0, e5xx = 0, v505 = 0, silent = 0;
	unsigned long		 hung = 0, nk = 0;
	size_t			 i, j;

	printf("# %-26s %6s %6s  %s\n", "kind", "sent", "ms", "answers (0: "
	    "closed without one)");
	for (i = 0; i < NKINDS; i++) {
		if (c->b[kinds[i].need].n == 0)
			continue;
		t = &tl[i];
		nk++;
		printf("# %-26s %6lu %6.0f ", kinds[i].name, t->sent,
		    t->secs * 1000);
		for (j = 0; j < HIST_MAX && t->hcount[j] > 0; j++)
			printf(" %d:%lu", t->hcode[j], t->hcount[j]);
		if (t->accepted)
			printf("  ACCEPTED %lu", t->accepted);
		if (t->e5xx)
			printf("  5XX %lu", t->e5xx);
		if (t->hung)
			printf("  HUNG %lu", t->hung);
		printf("\n");
		accepted += t->accepted;
		e5xx += t->e5xx;
		v505 += t->v505;
		silent += t->silent;
		hung += t->hung;
	}
	printf("# requests: %lu, kinds: %lu, accepted: %lu, 5xx: %lu, "
	    "crashes: %lu\n", total, nk, accepted, e5xx, crashes);
	printf("# and: 505 (HTTP version not supported, from "
	    "libmicrohttpd): %lu, closed without an answer: %lu, hung: %lu, "
	    "%.1f s\n", v505, silent, hung, secs);
}

static int
barrage(struct ctx *c, const char *dir, unsigned long count)
{
	static struct tally	 tl[NKINDS];
	const struct kind	*k;
	struct answer		 a;
	unsigned long		 total = 0, crashes = 0, hung = 0;
	unsigned long		 accepted = 0, e5xx = 0;
	size_t			 i;
	double			 t0 = now_s(), t;
	int			 progress = 1;

	for (i = 0; i < B_COUNT; i++)
		(void)batch_load(&c->b[i], dir, batch_file[i]);
	if (c->b[B_NEXT].n < 3)
		die("%s/%s: wanted a checkpoint and two entries or more", dir,
		    batch_file[B_NEXT]);
	if (health(&c->dst) != 200)
		die("the hub does not answer its health call");
	/* Round robin over the kinds, each up to its cap. */
	while (total < count && crashes == 0 && hung < HUNG_MAX && progress) {
		progress = 0;
		for (i = 0; i < NKINDS && total < count && crashes == 0; i++) {
			k = &kinds[i];
			if (c->b[k->need].n == 0 || (k->cap &&
			    tl[i].sent >= k->cap) || (c->only != NULL &&
			    strcmp(c->only, k->name) != 0))
				continue;
			c->replay = 0;
			t = now_s();
			k->make(c, tl[i].sent);
			exchange(&c->dst, &c->req, &a);
			tl[i].secs += now_s() - t;
			total++;
			progress = 1;
			if (a.refused) {
				crashes++;
				show("the hub is gone after", &c->req, &a);
				break;
			}
			if (judge(c, &tl[i], &a) || c->verbose > 1)
				if (c->verbose)
					show(k->name, &c->req, &a);
			hung += (unsigned long)a.hung;
			if (total % HEALTH_EVERY == 0 && health(&c->dst) !=
			    200) {
				crashes++;
				show("no health after", &c->req, &a);
			}
		}
	}
	if (crashes == 0 && health(&c->dst) != 200)
		crashes++;
	report(c, tl, total, crashes, now_s() - t0);
	for (i = 0; i < NKINDS; i++) {
		accepted += tl[i].accepted;
		e5xx += tl[i].e5xx;
	}
	for (i = 0; i < B_COUNT; i++) {
		buf_free(&c->b[i].raw);
		free(c->b[i].off);
		free(c->b[i].len);
	}
	buf_free(&c->req);
	buf_free(&c->body);
	buf_free(&c->line);
	buf_free(&c->tmp);
	return accepted == 0 && e5xx == 0 && crashes == 0 && hung == 0 ? 0 :
	    1;
}

/* --- idle ------------------------------------------------------------ */

struct hold {
	int	 fd;
	int	 dribble;
	int	 open;
	int	 answered;
	double	 opened, closed;
};

struct window {
	unsigned long	 opened, failed, at_once, early, timely, late, left;
	unsigned long	 answered;
	double		 first, last;	/* closes after the first second */
};

static void
count(struct window *w, const struct hold *h, double timeout_s)
{
	double	d = h->closed - h->opened;

	if (h->fd == -2) {
		w->failed++;
		return;
	}
	w->opened++;
	w->answered += h->answered != 0;
	if (h->open) {
		w->left++;
		return;
	}
	if (d < 1) {
		w->at_once++;	/* over a limit: accepted, and closed */
		return;
	}
	if (w->first == 0 || d < w->first)
		w->first = d;
	if (d > w->last)
		w->last = d;
	if (d < timeout_s - 5)
		w->early++;
	else if (d <= timeout_s + 5)
		w->timely++;
	else
		w->late++;
}

static void
said(const char *what, const struct window *w, double timeout_s,
    double secs)
{
	printf("# %s: %lu open, %lu failed; closed by the hub: %lu at once, "
	    "%lu before %.0f s, %lu within %.0f-%.0f s, %lu later; %lu still "
	    "open after %.0f s; %lu answered\n", what, w->opened, w->failed,
	    w->at_once, w->early, timeout_s - 5, w->timely, timeout_s - 5,
	    timeout_s + 5, w->late, w->left, secs, w->answered);
	if (w->last > 0)
		printf("# %s: the hub's closes came %.1f-%.1f s after the "
		    "connect\n", what, w->first, w->last);
}

static void
hang_up(struct hold *h, double t)
{
	close(h->fd);
	h->open = 0;
	h->closed = t;
}

static int
idle(struct ctx *c, unsigned long nidle, unsigned long ndribble,
    double secs, int first, int nsrc, double timeout_s)
{
	static const char	 start[] = "GET /v1/health HTTP/1.1\r\n"
				    "Host: 127.0.0.1\r\nX-Slow: ";
	struct sockaddr_in	 src;
	struct rlimit		 rl;
	struct window		 wi, wd;
	struct hold		*h;
	struct pollfd		*pf;
	unsigned long		 n = nidle + ndribble, i, np;
	double			 t0, t, tick;
	char			 buf[4096];
	ssize_t			 r;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	h = xrealloc(NULL, n * sizeof(*h));
	pf = xrealloc(NULL, n * sizeof(*pf));
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		/* The dribblers first, so that they get the hub's slots. */
		h[i].dribble = i < ndribble;
		src.sin_addr.s_addr = htonl(0x7f000000U |
		    (uint32_t)(first + (int)(i % (unsigned long)nsrc)));
		h[i].fd = dial(&c->dst, nsrc > 0 ? &src : NULL);
		h[i].opened = now_s() - t0;
		if (h[i].fd == -1) {
			h[i].fd = -2;
			continue;
		}
		h[i].open = 1;
		if (h[i].dribble)
			(void)send(h[i].fd, start, sizeof(start) - 1,
			    MSG_NOSIGNAL);
	}
	printf("ready\n");
	fflush(stdout);
	for (tick = 1; (t = now_s() - t0) < secs; ) {
		for (i = np = 0; i < n; i++)
			if (h[i].open) {
				pf[np].fd = h[i].fd;
				pf[np].events = POLLIN;
				pf[np++].revents = 0;
			}
		if (poll(pf, np, 100) == -1 && errno != EINTR)
			die("poll: %s", strerror(errno));
		t = now_s() - t0;
		for (i = np = 0; i < n; i++) {
			if (!h[i].open)
				continue;
			if (pf[np++].revents == 0)
				continue;
			r = recv(h[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r > 0)
				h[i].answered = 1;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				hang_up(&h[i], t);
		}
		if (t < tick)
			continue;
		/* A header byte a second from each dribbler. */
		tick += 1;
		for (i = 0; i < ndribble; i++)
			if (h[i].open && send(h[i].fd, "a", 1, MSG_NOSIGNAL |
			    MSG_DONTWAIT) == -1 && errno != EAGAIN)
				hang_up(&h[i], t);
	}
	memset(&wi, 0, sizeof(wi));
	memset(&wd, 0, sizeof(wd));
	for (i = 0; i < n; i++)
		count(h[i].dribble ? &wd : &wi, &h[i], timeout_s);
	said("idle", &wi, timeout_s, secs);
	said("dribbling", &wd, timeout_s, secs);
	printf("result idle_open=%lu idle_failed=%lu idle_at_once=%lu "
	    "idle_early=%lu idle_timely=%lu idle_late=%lu idle_left=%lu "
	    "dribble_open=%lu dribble_closed=%lu dribble_left=%lu\n",
	    wi.opened, wi.failed, wi.at_once, wi.early, wi.timely, wi.late,
	    wi.left, wd.opened, wd.opened - wd.left, wd.left);
	for (i = 0; i < n; i++)
		if (h[i].open)
			close(h[i].fd);
	free(h);
	free(pf);
	return 0;
}

/* --- main ------------------------------------------------------------ */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: hostile [-a addr] -p port [-k kind] [-s seed] "
	    "[-v] barrage dir count\n"
	    "       hostile [-a addr] -p port [-S first] [-n sources] "
	    "[-t timeout] idle idle dribble seconds\n");
	exit(2);
}

static unsigned long
number(const char *s, unsigned long max)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || s[0] == '-' || v > max)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct ctx	 c;
	const char	*addr = "127.0.0.1";
	unsigned long	 port = 0, timeout_s = 30;
	int		 ch, first = 2, nsrc = 0;

	if (argc == 1) {
		fprintf(stderr, "hostile: a helper of t2200-hostile.sh and "
		    "t2210-slowloris.sh; nothing to do alone\n");
		return 77;
	}
	memset(&c, 0, sizeof(c));
	c.rng = 20261130;
	while ((ch = getopt(argc, argv, "a:k:n:p:S:s:t:v")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'k':
			c.only = optarg;
			break;
		case 'n':
			nsrc = (int)number(optarg, 250);
			break;
		case 'p':
			port = number(optarg, 65535);
			break;
		case 'S':
			first = (int)number(optarg, 254);
			break;
		case 's':
			c.rng = number(optarg, ULONG_MAX);
			break;
		case 't':
			timeout_s = number(optarg, 3600);
			break;
		case 'v':
			c.verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (port == 0 || argc < 1)
		usage();
	c.dst.sin_family = AF_INET;
	c.dst.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &c.dst.sin_addr) != 1)
		die("%s: not an IPv4 address", addr);
	if (first + nsrc > 255)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[0], "barrage") == 0 && argc == 3) {
		printf("# seed %" PRIu64 "\n", c.rng);
		return barrage(&c, argv[1], number(argv[2], 100000000));
	}
	if (strcmp(argv[0], "idle") == 0 && argc == 4)
		return idle(&c, number(argv[1], 100000), number(argv[2],
		    100000), (double)number(argv[3], 3600), first, nsrc,
		    (double)timeout_s);
	usage();
}
