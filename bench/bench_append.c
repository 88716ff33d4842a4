/*
 * bench_append: the store's append path beside SQLite doing the same work.
 *
 * Mode "append" (the default) writes N household.add entries to log
 * bench/main, with store_append() inside store_write() and then with SQLite,
 * 1000 entries per transaction, each in a fresh temporary folder that is
 * removed afterwards; it does so for a few rounds and prints the medians.
 * Mode "import" loads a households CSV into
 * SQLite as "minqing household import" loads it into a store: every row is
 * checked first, then written in transactions of 5000, so that bench/run can
 * time the two programs side by side.
 * Mode "receive" adds the entry lines of a file (NDJSON, as "minqing log
 * NODE/STREAM" prints them) to the store in folder STOREDIR with
 * store_put_entry(), RECEIVE_CHUNK per transaction inside store_write(): the
 * store's side of a hub taking a push, without the network, so that bench/run
 * can set the HTTPS ingest beside it.  Only the writing is timed.
 *
 * The SQLite side keeps what the store keeps: the exact entry line with its
 * hash chain (prev is the BLAKE2b-256 of the previous line), the record's
 * state JSON and the event index key (kind, id, NUL, hlc, log, NUL, seq).
 * It runs with journal_mode=WAL and synchronous=FULL, so that both sides
 * commit durably, and uses prepared statements throughout.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"

#define BENCH_NAME "bench_append"
#include "bench/bench_util.h"

#define BENCH_LOG	"bench/main"
#define BENCH_NODE	"bench"
#define BENCH_BY	"bench"
#define BENCH_TYPE	"household.add"
#define APPEND_CHUNK	1000
#define IMPORT_CHUNK	5000
#define RECEIVE_CHUNK	5000
#define CSV_MAX_FIELDS	16

struct sqlb {
	sqlite3		*db;
	sqlite3_stmt	*last, *ins_entry, *get_rec, *put_rec, *ins_event;
	uint64_t	 seq, hlc;
	unsigned char	 head[STORE_HASH_BYTES];
};

struct appendctx {
	size_t	 next, done, n;
	char	 body[512];
};

/* One entry line of a file read whole. */
struct eline {
	const char	*p;
	size_t		 len;
};

struct receivectx {
	const struct eline	*lines;
	size_t			 next, done, n;
};

struct row {
	char	*id;
	char	*body;
	size_t	 line;
};

static void
tmp_make(char *out, size_t len)
{
	const char	*t;

	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	if ((size_t)snprintf(out, len, "%s/minqing-bench.XXXXXX", t) >= len)
		die("TMPDIR too long");
	if (mkdtemp(out) == NULL)
		die("mkdtemp %s: %s", out, strerror(errno));
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
tmp_remove(const char *dir)
{
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1)
		fprintf(stderr, "bench_append: remove %s: %s\n", dir,
		    strerror(errno));
}

/* A household.add body of the shape the CLI writes, varied by i. */
static void
make_body(size_t i, char *out, size_t len)
{
	static const char *const streets[] = { "共和新路", "延长中路",
	    "广中西路", "大统路", "中华新路", "彭越浦路" };
	static const char *const tags[] = { "[\"elderly-alone\"]",
	    "[\"low-income\"]", "[]", "[\"disabled\",\"elderly-alone\"]" };

	snprintf(out, len, "{\"id\":\"bench:H%06zu\",\"address\":\"%s%zu号"
	    "%zu室\",\"group\":\"B%02zu\",\"people\":%zu,\"tags\":%s}", i,
	    streets[i % 6], i % 997 + 1, 101 + i % 1203, i % 40 + 1,
	    i % 6 + 1, tags[i % 4]);
}

static enum store_status
append_cb(struct store_txn *txn, void *arg)
{
	struct appendctx	*a = arg;
	size_t			 i, end;
	enum store_status	 rc;

	end = a->next + APPEND_CHUNK;
	if (end > a->n)
		end = a->n;
	for (i = a->next; i < end; i++) {
		make_body(i, a->body, sizeof(a->body));
		if ((rc = store_append(txn, BENCH_LOG, BENCH_TYPE, BENCH_BY,
		    a->body, NULL)) != STORE_OK)
			return rc;
	}
	a->done = end;
	return STORE_OK;
}

/* Entries per second of n store_append() calls in a fresh store. */
static double
bench_store(size_t n)
{
	struct store		*st = NULL;
	struct store_txn	*txn;
	struct store_loginfo	 li;
	struct appendctx	 a;
	enum store_status	 rc;
	char			 dir[4096];
	double			 t0, t1;

	tmp_make(dir, sizeof(dir));
	if ((rc = store_open(dir, STORE_CREATE, &st)) != STORE_OK)
		die("store_open: %s", store_errmsg(st));
	memset(&a, 0, sizeof(a));
	a.n = n;
	t0 = now_s();
	while (a.next < a.n) {
		if ((rc = store_write(st, append_cb, &a)) != STORE_OK)
			die("store_write at %zu: %s: %s", a.next,
			    store_strerror(rc), store_errmsg(st));
		a.next = a.done;
	}
	t1 = now_s();
	if ((rc = store_read_begin(st, &txn)) != STORE_OK ||
	    (rc = store_log_info(txn, BENCH_LOG, &li)) != STORE_OK)
		die("log info: %s", store_errmsg(st));
	store_txn_abort(txn);
	if (li.seq != n)
		die("store holds %" PRIu64 " entries, not %zu", li.seq, n);
	store_close(st);
	tmp_remove(dir);
	return (double)n / (t1 - t0);
}

static void
sql_exec(struct sqlb *s, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("sqlite: %s: %s", sql, err != NULL ? err : "?");
}

static sqlite3_stmt *
sql_prepare(struct sqlb *s, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		die("sqlite: %s: %s", sql, sqlite3_errmsg(s->db));
	return st;
}

static void
sql_open(struct sqlb *s, const char *dir)
{
	sqlite3_stmt	*st;
	char		 path[4096];

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	if (sqlite3_open(path, &s->db) != SQLITE_OK)
		die("sqlite open %s: %s", path, sqlite3_errmsg(s->db));
	st = sql_prepare(s, "PRAGMA journal_mode=WAL");
	if (sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)
	    sqlite3_column_text(st, 0), "wal") != 0)
		die("sqlite: journal_mode=WAL refused");
	sqlite3_finalize(st);
	sql_exec(s, "PRAGMA synchronous=FULL");
	sql_exec(s, "CREATE TABLE entries(log TEXT, seq INTEGER, line BLOB, "
	    "PRIMARY KEY(log, seq));"
	    "CREATE TABLE records(kind TEXT, id TEXT, state TEXT, "
	    "PRIMARY KEY(kind, id));"
	    "CREATE TABLE events(key BLOB PRIMARY KEY)");
	s->last = sql_prepare(s, "SELECT seq, line FROM entries WHERE log = ?1 "
	    "ORDER BY seq DESC LIMIT 1");
	s->ins_entry = sql_prepare(s, "INSERT INTO entries(log, seq, line) "
	    "VALUES (?1, ?2, ?3)");
	s->get_rec = sql_prepare(s, "SELECT state FROM records WHERE kind = ?1 "
	    "AND id = ?2");
	s->put_rec = sql_prepare(s, "INSERT OR REPLACE INTO records(kind, id, "
	    "state) VALUES (?1, ?2, ?3)");
	s->ins_event = sql_prepare(s, "INSERT INTO events(key) VALUES (?1)");
}

static void
sql_close(struct sqlb *s)
{
	sqlite3_finalize(s->last);
	sqlite3_finalize(s->ins_entry);
	sqlite3_finalize(s->get_rec);
	sqlite3_finalize(s->put_rec);
	sqlite3_finalize(s->ins_event);
	if (sqlite3_close(s->db) != SQLITE_OK)
		die("sqlite close: %s", sqlite3_errmsg(s->db));
}

static void
sql_done(struct sqlb *s, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("sqlite: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
}

/*
 * Begins a transaction and reads the log's head from the table, as a store
 * kept only in SQLite must: seq, the hash of the last line and its clock.
 */
static void
sql_begin(struct sqlb *s)
{
	const char	*line;
	cJSON		*j;
	int		 len;

	sql_exec(s, "BEGIN IMMEDIATE");
	s->seq = 0;
	memset(s->head, 0, sizeof(s->head));
	sqlite3_bind_text(s->last, 1, BENCH_LOG, -1, SQLITE_STATIC);
	if (sqlite3_step(s->last) == SQLITE_ROW) {
		s->seq = (uint64_t)sqlite3_column_int64(s->last, 0);
		line = sqlite3_column_blob(s->last, 1);
		len = sqlite3_column_bytes(s->last, 1);
		store_hash(line, (size_t)len, s->head);
		if ((j = cJSON_ParseWithLength(line, (size_t)len)) == NULL)
			die("sqlite: entry %" PRIu64 " unreadable", s->seq);
		s->hlc = (uint64_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(j, "hlc"));
		cJSON_Delete(j);
	}
	sqlite3_reset(s->last);
}

static void
sql_commit(struct sqlb *s)
{
	sql_exec(s, "COMMIT");
}

/* Appends a JSON string of s; s is ASCII or UTF-8 text already checked. */
static void
quote(char *out, size_t len, size_t *pos, const char *s)
{
	size_t	p = *pos;

	if (p + 2 >= len)
		die("entry line too long");
	out[p++] = '"';
	for (; *s != '\0'; s++) {
		if (p + 4 >= len)
			die("entry line too long");
		if (*s == '"' || *s == '\\')
			out[p++] = '\\';
		out[p++] = *s;
	}
	out[p++] = '"';
	out[p] = '\0';
	*pos = p;
}

/* The checks household.add makes of its body; 0 when it holds. */
static int
body_ok(const cJSON *b)
{
	const cJSON	*v, *it;
	double		 d;

	if (!cJSON_IsObject(b))
		return 0;
	if (!cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(b, "id")) ||
	    *v->valuestring == '\0' ||
	    strlen(v->valuestring) >= STORE_ID_MAX)
		return 0;
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "address")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "group")))
		return 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(b, "people")) != NULL) {
		d = v->valuedouble;
		if (!cJSON_IsNumber(v) || d != (double)(long)d || d < 0 ||
		    d > 1000)
			return 0;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(b, "tags")) != NULL) {
		if (!cJSON_IsArray(v))
			return 0;
		cJSON_ArrayForEach(it, v)
			if (!cJSON_IsString(it))
				return 0;
	}
	return 1;
}

/*
 * One household.add in SQLite: the entry line chained onto the head, the
 * body checked, the record made (it must not exist), the event indexed.
 */
static void
sql_append(struct sqlb *s, const char *body)
{
	struct timespec	 ts;
	struct tm	 tm;
	time_t		 secs;
	cJSON		*b;
	const char	*id;
	char		 line[2048], prev[65], key[STORE_ID_MAX + 64], *state;
	size_t		 pos, klen, idlen;
	uint64_t	 now;
	int		 i;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	s->hlc = now > s->hlc ? now : s->hlc + 1;
	secs = (time_t)(now / 1000000);
	gmtime_r(&secs, &tm);
	if (s->seq == 0)
		memset(prev, '0', 64);
	else
		store_hash_hex(s->head, prev);
	prev[64] = '\0';
	pos = (size_t)snprintf(line, sizeof(line), "{\"v\":1,\"log\":\"%s\","
	    "\"seq\":%" PRIu64 ",\"prev\":\"%s\",\"hlc\":%" PRIu64 ",\"at\":"
	    "\"%04d-%02d-%02dT%02d:%02d:%02d.%03uZ\",\"type\":", BENCH_LOG,
	    s->seq + 1, prev, s->hlc, tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (unsigned)(now / 1000 % 1000));
	quote(line, sizeof(line), &pos, BENCH_TYPE);
	pos += (size_t)snprintf(line + pos, sizeof(line) - pos, ",\"by\":");
	quote(line, sizeof(line), &pos, BENCH_BY);
	if ((size_t)snprintf(line + pos, sizeof(line) - pos, ",\"body\":%s}",
	    body) >= sizeof(line) - pos)
		die("entry line too long");
	pos += strlen(line + pos);
	if (!store_text_valid(line, pos))
		die("entry %" PRIu64 " is not UTF-8 text", s->seq + 1);

	if ((b = cJSON_Parse(body)) == NULL || !body_ok(b))
		die("entry %" PRIu64 ": bad body", s->seq + 1);
	id = cJSON_GetObjectItemCaseSensitive(b, "id")->valuestring;
	idlen = strlen(id);
	sqlite3_bind_text(s->get_rec, 1, "H", 1, SQLITE_STATIC);
	sqlite3_bind_text(s->get_rec, 2, id, (int)idlen, SQLITE_STATIC);
	if (sqlite3_step(s->get_rec) == SQLITE_ROW)
		die("household %s already exists", id);
	sqlite3_reset(s->get_rec);

	/* The record's state: the body with its node and defaults. */
	cJSON_AddStringToObject(b, "node", BENCH_NODE);
	if (!cJSON_HasObjectItem(b, "people"))
		cJSON_AddNumberToObject(b, "people", 0);
	if (!cJSON_HasObjectItem(b, "tags"))
		cJSON_AddArrayToObject(b, "tags");
	if ((state = cJSON_PrintUnformatted(b)) == NULL)
		die("out of memory");

	key[0] = 'H';
	memcpy(key + 1, id, idlen + 1);
	klen = idlen + 2;
	for (i = 7; i >= 0; i--)
		key[klen++] = (char)(s->hlc >> (i * 8));
	memcpy(key + klen, BENCH_LOG, sizeof(BENCH_LOG));
	klen += sizeof(BENCH_LOG);
	for (i = 7; i >= 0; i--)
		key[klen++] = (char)((s->seq + 1) >> (i * 8));

	sqlite3_bind_text(s->ins_entry, 1, BENCH_LOG, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins_entry, 2, (sqlite3_int64)(s->seq + 1));
	sqlite3_bind_blob(s->ins_entry, 3, line, (int)pos, SQLITE_STATIC);
	sql_done(s, s->ins_entry);
	sqlite3_bind_text(s->put_rec, 1, "H", 1, SQLITE_STATIC);
	sqlite3_bind_text(s->put_rec, 2, id, (int)idlen, SQLITE_STATIC);
	sqlite3_bind_text(s->put_rec, 3, state, -1, SQLITE_STATIC);
	sql_done(s, s->put_rec);
	sqlite3_bind_blob(s->ins_event, 1, key, (int)klen, SQLITE_STATIC);
	sql_done(s, s->ins_event);

	store_hash(line, pos, s->head);
	s->seq++;
	cJSON_free(state);
	cJSON_Delete(b);
}

static void
sql_check(struct sqlb *s, size_t n)
{
	sqlite3_stmt	*st;

	st = sql_prepare(s, "SELECT (SELECT count(*) FROM entries) + "
	    "(SELECT count(*) FROM records) + (SELECT count(*) FROM events)");
	if (sqlite3_step(st) != SQLITE_ROW ||
	    (size_t)sqlite3_column_int64(st, 0) != 3 * n)
		die("sqlite holds the wrong number of rows");
	sqlite3_finalize(st);
}

/* Entries per second of n household.add entries in a fresh SQLite file. */
static double
bench_sqlite(size_t n)
{
	struct sqlb	 s;
	char		 dir[4096], body[512];
	size_t		 i;
	double		 t0, t1;

	tmp_make(dir, sizeof(dir));
	sql_open(&s, dir);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (i % APPEND_CHUNK == 0) {
			if (i > 0)
				sql_commit(&s);
			sql_begin(&s);
		}
		make_body(i, body, sizeof(body));
		sql_append(&s, body);
	}
	sql_commit(&s);
	t1 = now_s();
	sql_check(&s, n);
	sql_close(&s);
	tmp_remove(dir);
	return (double)n / (t1 - t0);
}

/*
 * The next CSV record of buf from *pos (RFC 4180: quoted fields may hold
 * commas, quotes doubled and line breaks), split in place.  Returns the
 * number of fields, 0 at the end.
 */
static size_t
csv_next(char *buf, size_t len, size_t *pos, size_t *line, char **f)
{
	size_t	p = *pos, n = 0;
	char	*w, c;

	if (p >= len)
		return 0;
	for (;;) {
		if (n == CSV_MAX_FIELDS)
			die("line %zu: too many fields", *line);
		f[n++] = w = buf + p;
		if (p < len && buf[p] == '"') {
			for (p++; p < len; p++) {
				if (buf[p] == '"' && p + 1 < len &&
				    buf[p + 1] == '"')
					p++;
				else if (buf[p] == '"')
					break;
				else if (buf[p] == '\n')
					(*line)++;
				*w++ = buf[p];
			}
			if (p++ >= len)
				die("line %zu: unterminated quote", *line);
		} else
			for (; p < len && buf[p] != ',' && buf[p] != '\n' &&
			    buf[p] != '\r'; p++)
				*w++ = buf[p];
		/* The end of a field may be where w writes its NUL. */
		c = p < len ? buf[p] : '\n';
		*w = '\0';
		if (c == ',') {
			p++;
			continue;
		}
		if (c == '\r') {
			if (++p < len && buf[p] == '\n')
				p++;
		} else if (c == '\n') {
			if (p < len)
				p++;
		} else
			die("line %zu: text after a quoted field", *line);
		(*line)++;
		*pos = p;
		return n;
	}
}

static char *
file_read(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		die("%s: %s", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		die("%s: %s", path, strerror(errno));
	if ((buf = malloc((size_t)n + 1)) == NULL)
		die("out of memory");
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		die("%s: short read", path);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* A household.add body from one CSV row, as tool_import makes it. */
static char *
row_body(char **f, size_t line, char *id, size_t idlen)
{
	cJSON	*o, *tags;
	char	*p, *item, *end, *out;
	long	 people;
	int	 k;

	for (k = 0; k < 5; k++)
		if (!store_text_valid(f[k], strlen(f[k])))
			die("line %zu: not UTF-8 text", line);
	if (f[0][0] == '\0')
		die("line %zu: empty id", line);
	snprintf(id, idlen, strchr(f[0], ':') != NULL ? "%s%s" : "%s:%s",
	    strchr(f[0], ':') != NULL ? "" : BENCH_NODE, f[0]);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "address", f[1]);
	cJSON_AddStringToObject(o, "group", f[2]);
	if (f[3][0] != '\0') {
		errno = 0;
		people = strtol(f[3], &end, 10);
		if (errno != 0 || *end != '\0' || people < 0 || people > 1000)
			die("line %zu: bad people", line);
		cJSON_AddNumberToObject(o, "people", (double)people);
	}
	if (f[4][0] != '\0') {
		tags = cJSON_AddArrayToObject(o, "tags");
		for (p = f[4]; p != NULL; ) {
			item = p;
			if ((p = strchr(p, ';')) != NULL)
				*p++ = '\0';
			if (*item != '\0')
				cJSON_AddItemToArray(tags,
				    cJSON_CreateString(item));
		}
	}
	if ((out = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	cJSON_Delete(o);
	return out;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row	*x = *(const struct row *const *)a;
	const struct row	*y = *(const struct row *const *)b;

	return strcmp(x->id, y->id);
}

/*
 * The SQLite side of "household import": the file is read and every row
 * checked (fields, duplicates, households already held), then the rows go
 * in, IMPORT_CHUNK per transaction.  Prints rows and seconds.
 */
static int
import(const char *path, double t0)
{
	static const char *const want[] = { "id", "address", "group",
	    "people", "tags" };
	struct sqlb	  s;
	struct row	 *rows = NULL, **sorted;
	char		 *buf, *f[CSV_MAX_FIELDS], dir[4096], id[STORE_ID_MAX];
	size_t		  len, pos = 0, line = 1, n = 0, cap = 0, i, nf;
	double		  t1;

	tmp_make(dir, sizeof(dir));
	sql_open(&s, dir);
	buf = file_read(path, &len);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if (csv_next(buf, len, &pos, &line, f) != 5)
		die("%s: header is not id,address,group,people,tags", path);
	for (i = 0; i < 5; i++)
		if (strcmp(f[i], want[i]) != 0)
			die("%s: header is not id,address,group,people,tags",
			    path);
	for (;;) {
		i = line;
		if ((nf = csv_next(buf, len, &pos, &line, f)) == 0)
			break;
		if (nf != 5)
			die("%s: line %zu: %zu fields, not 5", path, i, nf);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((rows = reallocarray(rows, cap, sizeof(*rows))) ==
			    NULL)
				die("out of memory");
		}
		rows[n].body = row_body(f, i, id, sizeof(id));
		if ((rows[n].id = strdup(id)) == NULL)
			die("out of memory");
		rows[n++].line = i;
	}
	free(buf);

	if ((sorted = calloc(n + 1, sizeof(*sorted))) == NULL)
		die("out of memory");
	for (i = 0; i < n; i++)
		sorted[i] = &rows[i];
	qsort(sorted, n, sizeof(*sorted), row_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i]->id, sorted[i - 1]->id) == 0)
			die("%s: line %zu: duplicate id %s", path,
			    sorted[i]->line, sorted[i]->id);
	free(sorted);
	/* One read transaction for all the lookups, as the store does. */
	sql_exec(&s, "BEGIN");
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(s.get_rec, 1, "H", 1, SQLITE_STATIC);
		sqlite3_bind_text(s.get_rec, 2, rows[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(s.get_rec) == SQLITE_ROW)
			die("%s: line %zu: household %s already exists", path,
			    rows[i].line, rows[i].id);
		sqlite3_reset(s.get_rec);
	}
	sql_exec(&s, "COMMIT");

	for (i = 0; i < n; i++) {
		if (i % IMPORT_CHUNK == 0) {
			if (i > 0)
				sql_commit(&s);
			sql_begin(&s);
		}
		sql_append(&s, rows[i].body);
	}
	if (n > 0)
		sql_commit(&s);
	sql_check(&s, n);
	sql_close(&s);
	t1 = now_s();
	printf("sqlite import: %zu rows in %.3f s, %.0f entries/s\n", n,
	    t1 - t0, (double)n / (t1 - t0));
	for (i = 0; i < n; i++) {
		free(rows[i].id);
		cJSON_free(rows[i].body);
	}
	free(rows);
	tmp_remove(dir);
	return 0;
}

static enum store_status
receive_cb(struct store_txn *txn, void *arg)
{
	struct receivectx	*r = arg;
	size_t			 i, end;
	enum store_status	 rc;

	end = r->next + RECEIVE_CHUNK;
	if (end > r->n)
		end = r->n;
	for (i = r->next; i < end; i++)
		if ((rc = store_put_entry(txn, r->lines[i].p,
		    r->lines[i].len)) != STORE_OK)
			return rc;
	r->done = end;
	return STORE_OK;
}

/*
 * The entry lines of path go into the store in dir (made when there is
 * none), as a hub adds a branch's entries: store_put_entry() of the exact
 * bytes, RECEIVE_CHUNK per transaction.  Prints entries, seconds and rate.
 */
static int
receive(const char *dir, const char *path)
{
	struct store		*st = NULL;
	struct store_txn	*txn;
	struct store_loginfo	 li;
	struct store_entry_head	 h;
	struct receivectx	 r;
	struct eline		*lines = NULL;
	enum store_status	 rc;
	char			*buf, *p, *end, *nl, err[256];
	size_t			 len, n = 0, cap = 0;
	double			 t0, t1;

	buf = file_read(path, &len);
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((lines = reallocarray(lines, cap,
			    sizeof(*lines))) == NULL)
				die("out of memory");
		}
		lines[n].p = p;
		lines[n++].len = (size_t)(nl - p);
	}
	if (n == 0)
		die("%s: no entry lines", path);
	if (store_entry_peek(lines[0].p, lines[0].len, &h, err,
	    sizeof(err)) != STORE_OK)
		die("%s: line 1: %s", path, err);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die("mkdir %s: %s", dir, strerror(errno));
	if ((rc = store_open(dir, STORE_CREATE, &st)) != STORE_OK)
		die("store_open %s: %s", dir, st != NULL ?
		    store_errmsg(st) : store_strerror(rc));
	memset(&r, 0, sizeof(r));
	r.lines = lines;
	r.n = n;
	t0 = now_s();
	while (r.next < r.n) {
		if ((rc = store_write(st, receive_cb, &r)) != STORE_OK)
			die("store_write at %zu: %s: %s", r.next,
			    store_strerror(rc), store_errmsg(st));
		r.next = r.done;
	}
	t1 = now_s();
	if ((rc = store_read_begin(st, &txn)) != STORE_OK ||
	    (rc = store_log_info(txn, h.log, &li)) != STORE_OK)
		die("log info: %s", store_errmsg(st));
	store_txn_abort(txn);
	if (li.seq != h.seq - 1 + n)
		die("%s holds %" PRIu64 " entries, not %zu", h.log, li.seq,
		    (size_t)(h.seq - 1 + n));
	store_close(st);
	printf("minqing store_put_entry: %zu entries of %s in %.3f s, %.0f "
	    "entries/s\n", n, h.log, t1 - t0, (double)n / (t1 - t0));
	free(lines);
	free(buf);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_append [append] [N [ROUNDS]]\n"
	    "       bench_append import FILE.csv\n"
	    "       bench_append receive STOREDIR FILE.ndjson\n");
	exit(2);
}

static unsigned long
number(const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > max)
		usage();
	return n;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), which it sorts. */
static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	double		 t0, mq[9], sq[9], m, q;
	unsigned long	 n = 100000, rounds = 3, r;
	int		 arg = 1;

	t0 = now_s();
	if (sodium_init() < 0)
		die("sodium_init failed");
	if (argc > 1 && strcmp(argv[1], "import") == 0) {
		if (argc != 3)
			usage();
		return import(argv[2], t0);
	}
	if (argc > 1 && strcmp(argv[1], "receive") == 0) {
		if (argc != 4)
			usage();
		return receive(argv[2], argv[3]);
	}
	if (argc > 1 && strcmp(argv[1], "append") == 0)
		arg++;
	if (argc > arg + 2)
		usage();
	if (argc > arg)
		n = number(argv[arg], 10000000);
	if (argc > arg + 1)
		rounds = number(argv[arg + 1], 9);
	printf("append: %lu household.add entries, %d per transaction, "
	    "%lu rounds\n", n, APPEND_CHUNK, rounds);
	/* Rounds alternate the two sides, so that a busy moment of the
	 * machine falls on both; the medians are compared. */
	for (r = 0; r < rounds; r++) {
		mq[r] = bench_store((size_t)n);
		sq[r] = bench_sqlite((size_t)n);
		printf("round %lu: minqing %.0f, sqlite %.0f entries/s\n",
		    r + 1, mq[r], sq[r]);
	}
	m = median(mq, rounds);
	q = median(sq, rounds);
	printf("minqing store_append: %.0f entries/s\n", m);
	printf("sqlite %s (journal_mode=WAL, synchronous=FULL): %.0f "
	    "entries/s\n", sqlite3_libversion(), q);
	printf("ratio minqing/sqlite: %.2f\n", m / q);
	return 0;
}
