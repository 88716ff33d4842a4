/*
 * Output: JSON on stdout, text tables aligned by display width (a Chinese
 * character takes two columns), and CSV fields per RFC 4180.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/tool.h"

int	tool_csv_mode;

/* The columns of an empty listing's CSV header: set by its lister. */
const char *const	*tool_csv_head;
size_t			 tool_csv_nhead;
static const char	*tool_csv_names[32];

/* A CSV cell: text as is, numbers, booleans as true/false, lists joined. */
static void
csv_cell(const cJSON *v, int last)
{
	struct store_buf	 b = STORE_BUF_INIT;
	const cJSON		*it;
	char			*s;

	if (cJSON_IsString(v))
		tool_csv_field(stdout, v->valuestring, last);
	else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v) {
			if (b.len > 0 && store_buf_add(&b, ",", 1) != STORE_OK)
				tool_die(TOOL_EXIT_FAIL, "out of memory");
			if (cJSON_IsString(it) ? store_buf_addstr(&b,
			    it->valuestring) != STORE_OK : 0)
				tool_die(TOOL_EXIT_FAIL, "out of memory");
		}
		tool_csv_field(stdout, b.data != NULL ? b.data : "", last);
		store_buf_free(&b);
	} else if (cJSON_IsNull(v))
		tool_csv_field(stdout, "", last);
	else {
		/* Numbers, booleans, and anything deeper as JSON text. */
		s = cJSON_PrintUnformatted(v);
		tool_csv_field(stdout, s != NULL ? s : "", last);
		cJSON_free(s);
	}
}

/* One row, or the header: an object's keys, nested objects as a.b.c. */
static void
csv_flat(const cJSON *o, const char *prefix, int header, int ncols,
    int *col)
{
	const cJSON	*it;
	char		 name[256];

	cJSON_ArrayForEach(it, o) {
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix != '\0' ? "." : "", it->string);
		if (cJSON_IsObject(it)) {
			csv_flat(it, name, header, ncols, col);
			continue;
		}
		(*col)++;
		if (header)
			tool_csv_field(stdout, name, *col == ncols);
		else
			csv_cell(it, *col == ncols);
	}
}

static void
csv_row(const cJSON *o, int header, int ncols)
{
	int	col = 0;

	csv_flat(o, "", header, ncols, &col);
}

static int
csv_ncols(const cJSON *o)
{
	const cJSON	*it;
	int		 n = 0;

	cJSON_ArrayForEach(it, o)
		n += cJSON_IsObject(it) ? csv_ncols(it) : 1;
	return n;
}

/* One CSV row of an object's values (header: its keys), streamed. */
void
tool_csv_row(const cJSON *o, int header)
{
	csv_row(o, header, csv_ncols(o));
}

/*
 * CSV (RFC 4180) with the columns of the JSON: an array of objects is a
 * table; an object with "rows" and "total" (a report) is its rows then the
 * total; an object alone is one row.
 */
static void
print_csv(const cJSON *j)
{
	const cJSON	*rows, *it, *first, *total;
	int		 n;

	rows = cJSON_IsArray(j) ? j : cJSON_GetObjectItem(j, "rows");
	total = cJSON_IsArray(j) ? NULL : cJSON_GetObjectItem(j, "total");
	first = rows != NULL ? cJSON_GetArrayItem(rows, 0) : NULL;
	if (first == NULL)
		first = total != NULL ? total : rows == NULL ? j : NULL;
	if (first == NULL && tool_csv_head != NULL) {
		/* No rows: the header alone, so a reader sees the columns. */
		for (n = 0; n < (int)tool_csv_nhead; n++)
			tool_csv_field(stdout, tool_csv_head[n],
			    n + 1 == (int)tool_csv_nhead);
		return;
	}
	if (first == NULL || !cJSON_IsObject(first))
		return;
	n = csv_ncols(first);
	csv_row(first, 1, n);
	if (rows == NULL && total == NULL) {
		csv_row(j, 0, n);
		return;
	}
	cJSON_ArrayForEach(it, rows)
		csv_row(it, 0, n);
	if (total != NULL)
		csv_row(total, 0, n);
}

void
tool_print_json(cJSON *j)
{
	char	*s;

	if (j == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	if (tool_csv_mode) {
		print_csv(j);
		cJSON_Delete(j);
		return;
	}
	if ((s = cJSON_PrintUnformatted(j)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	puts(s);
	cJSON_free(s);
	cJSON_Delete(j);
}

void
tool_print_id(struct tool *t, const char *id)
{
	cJSON	*o;

	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", id);
		tool_print_json(o);
	} else
		puts(id);
}

/* Wide characters of East Asian scripts take two columns. */
static int
wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd);
}

size_t
tool_text_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 w = 0;
	uint32_t		 c;
	int			 n;

	while (*p != '\0') {
		if (*p < 0x80) {
			w++;
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;
		c = *p & (0x3f >> n);
		for (p++; n > 0 && (*p & 0xc0) == 0x80; n--, p++)
			c = c << 6 | (*p & 0x3f);
		/* Combining marks take no column. */
		if (c >= 0x300 && c <= 0x36f)
			continue;
		w += wide(c) ? 2 : 1;
	}
	return w;
}

struct tool_table {
	size_t	  ncols;
	char	**cells;	/* rows * ncols, the heads first */
	size_t	  nrows, cap;
};

struct tool_table *
tool_table_new(size_t ncols, const char *const *heads)
{
	struct tool_table	*tb;

	tb = tool_xcalloc(1, sizeof(*tb));
	tb->ncols = ncols;
	tool_table_add(tb, heads);
	return tb;
}

void
tool_table_add(struct tool_table *tb, const char *const *cells)
{
	size_t	i, ncap;
	char	**nc;

	if (tb->nrows == tb->cap) {
		ncap = tb->cap ? tb->cap * 2 : 16;
		if ((nc = reallocarray(tb->cells, ncap * tb->ncols,
		    sizeof(*nc))) == NULL)
			tool_die(TOOL_EXIT_FAIL, "out of memory");
		tb->cells = nc;
		tb->cap = ncap;
	}
	for (i = 0; i < tb->ncols; i++)
		tb->cells[tb->nrows * tb->ncols + i] =
		    tool_xstrdup(cells[i] != NULL ? cells[i] : "");
	tb->nrows++;
}

/* Numbers, dates and percentages align right. */
static int
numeric(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == '%' ||
		    *s == '-'))
			return 0;
	return 1;
}

void
tool_table_print(struct tool_table *tb, FILE *fp)
{
	struct store_buf	 line = STORE_BUF_INIT;
	size_t			*w, r, c, cw, pad, k;
	const char		*s;
	int			 bad = 0;

	w = tool_xcalloc(tb->ncols, sizeof(*w));
	for (r = 0; r < tb->nrows; r++)
		for (c = 0; c < tb->ncols; c++)
			if ((cw = tool_text_width(tb->cells[r * tb->ncols +
			    c])) > w[c])
				w[c] = cw;
	for (r = 0; r < tb->nrows; r++) {
		store_buf_reset(&line);
		for (c = 0; c < tb->ncols; c++) {
			s = tb->cells[r * tb->ncols + c];
			pad = w[c] - tool_text_width(s);
			/* Numbers align right, text left; two spaces apart. */
			if (r > 0 && numeric(s))
				for (k = 0; k < pad; k++)
					bad |= store_buf_add(&line, " ", 1);
			bad |= store_buf_addstr(&line, s);
			if (!(r > 0 && numeric(s)))
				for (k = 0; k < pad; k++)
					bad |= store_buf_add(&line, " ", 1);
			if (c + 1 < tb->ncols)
				bad |= store_buf_add(&line, "  ", 2);
		}
		if (bad)
			tool_die(TOOL_EXIT_FAIL, "out of memory");
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.len--;
		fprintf(fp, "%.*s\n", (int)line.len, line.data);
	}
	store_buf_free(&line);
	free(w);
}

void
tool_table_free(struct tool_table *tb)
{
	size_t	i;

	if (tb == NULL)
		return;
	for (i = 0; i < tb->nrows * tb->ncols; i++)
		free(tb->cells[i]);
	free(tb->cells);
	free(tb);
}

void
tool_csv_field(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputs(last ? "\r\n" : ",", fp);
}

const char *
tool_field_text(const cJSON *o, const char *name, char *buf, size_t len)
{
	const cJSON	*v, *it;
	size_t		 n = 0;

	buf[0] = '\0';
	v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (cJSON_IsString(v))
		snprintf(buf, len, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, len, "%.15g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "yes" : "no");
	else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsString(it) || n >= len)
				continue;
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n > 0 ? "," : "", it->valuestring);
		}
	}
	return buf;
}

/*
 * The columns of each kind of record, in order, for --json and --csv
 * listings and for export: every row has all of them, in this order (an
 * absent field is null, an absent flag false, an absent list empty), so
 * that CSV rows line up and JSON keys are stable.  name is the column,
 * field the record's key when it differs.
 */
struct col {
	const char	*name;
	const char	*field;
	char		 type;		/* s text, n number, b flag, l list */
};

static const struct col k_households[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "address", NULL, 's' }, { "group", NULL, 's' },
    { "people", NULL, 'n' }, { "tags", NULL, 'l' }, { "removed", NULL, 'b' },
    { NULL, NULL, 0 } };
static const struct col k_members[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "name", NULL, 's' }, { "group", NULL, 's' },
    { NULL, NULL, 0 } };
static const struct col k_visits[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "household", NULL, 's' }, { "date", NULL, 's' },
    { "team", NULL, 'l' }, { "with", NULL, 'l' }, { "outcome", NULL, 's' },
    { "note", NULL, 's' }, { NULL, NULL, 0 } };
static const struct col k_requests[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "household", NULL, 's' },
    { "category", NULL, 's' }, { "summary", NULL, 's' },
    { "raised", NULL, 's' }, { "visit", NULL, 's' }, { "level", NULL, 's' },
    { "top", NULL, 's' }, { "status", NULL, 's' },
    { "answered_at", "answered", 's' }, { "closed_at", "closed", 's' },
    { "outcome", NULL, 's' }, { "satisfaction", NULL, 'n' },
    { "replies", NULL, 'n' }, { NULL, NULL, 0 } };
static const struct col k_students[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "name", NULL, 's' }, { "university", NULL, 's' },
    { "since", NULL, 's' }, { NULL, NULL, 0 } };
static const struct col k_donations[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "student", NULL, 's' }, { "amount", NULL, 'n' },
    { "date", NULL, 's' }, { "from", NULL, 's' }, { NULL, NULL, 0 } };
static const struct col k_evals[] = { { "id", NULL, 's' },
    { "node", NULL, 's' }, { "year", NULL, 'n' }, { "kind", NULL, 's' },
    { "subject", NULL, 's' }, { "score", NULL, 'n' }, { "note", NULL, 's' },
    { NULL, NULL, 0 } };
static const struct col k_peers[] = { { "node", NULL, 's' },
    { "key", NULL, 's' }, { "role", NULL, 's' }, { "revoked", NULL, 'b' },
    { "certifier", NULL, 's' }, { NULL, NULL, 0 } };

static const struct col *
kind_cols(char kind)
{
	switch (kind) {
	case STORE_K_HOUSEHOLD:	return k_households;
	case STORE_K_MEMBER:	return k_members;
	case STORE_K_VISIT:	return k_visits;
	case STORE_K_REQUEST:	return k_requests;
	case STORE_K_STUDENT:	return k_students;
	case STORE_K_DONATION:	return k_donations;
	case STORE_K_EVAL:	return k_evals;
	case STORE_K_PEER:	return k_peers;
	}
	return NULL;
}

cJSON *
tool_record_object(char kind, const cJSON *rec)
{
	const struct col	*c;
	const cJSON		*v;
	cJSON			*o, *x;

	if ((c = kind_cols(kind)) == NULL ||
	    (o = cJSON_CreateObject()) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	for (; c->name != NULL; c++) {
		v = cJSON_GetObjectItemCaseSensitive(rec, c->field != NULL ?
		    c->field : c->name);
		if (v != NULL && !cJSON_IsNull(v))
			x = cJSON_Duplicate(v, 1);
		else if (c->type == 'b')
			x = cJSON_CreateFalse();
		else if (c->type == 'l')
			x = cJSON_CreateArray();
		else
			x = cJSON_CreateNull();
		if (x == NULL || !cJSON_AddItemToObject(o, c->name, x))
			tool_die(TOOL_EXIT_FAIL, "out of memory");
	}
	return o;
}

void
tool_csv_columns(char kind)
{
	const struct col	*c;

	tool_csv_head = NULL;
	tool_csv_nhead = 0;
	if ((c = kind_cols(kind)) == NULL)
		return;
	for (; c[tool_csv_nhead].name != NULL; tool_csv_nhead++)
		tool_csv_names[tool_csv_nhead] = c[tool_csv_nhead].name;
	tool_csv_head = tool_csv_names;
}

struct recprint {
	char			 kind;
	size_t			 n;
	const char *const	*fields;
	struct tool_table	*tb;
	cJSON			*arr;
};

static int
recprint_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct recprint	*r = arg;
	cJSON		*j;
	const char	*cells[16];
	char		 bufs[16][512];
	size_t		 i;

	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "record %s is unreadable", id);
	if (r->arr != NULL) {
		cJSON_AddItemToArray(r->arr, tool_record_object(r->kind, j));
		cJSON_Delete(j);
		return 0;
	}
	for (i = 0; i < r->n && i < 16; i++)
		cells[i] = tool_field_text(j, r->fields[i], bufs[i],
		    sizeof(bufs[i]));
	tool_table_add(r->tb, cells);
	cJSON_Delete(j);
	return 0;
}

void
tool_records_print(struct tool *t, char kind, size_t nfields,
    const char *const *fields, const char *const *heads)
{
	struct store_txn	*txn;
	struct recprint		 r = { kind, nfields, fields, NULL, NULL };
	enum store_status	 rc;

	if (t->json) {
		r.arr = cJSON_CreateArray();
		tool_csv_columns(kind);
	}
	else
		r.tb = tool_table_new(nfields, heads);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_record_foreach(txn, kind, recprint_cb, &r)) !=
	    STORE_OK)
		tool_die_store(t, rc, "list");
	store_txn_abort(txn);
	if (t->json)
		tool_print_json(r.arr);
	else {
		tool_table_print(r.tb, stdout);
		tool_table_free(r.tb);
	}
}

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
tool_progress(struct tool_bar *b, const char *what, uint64_t done,
    uint64_t total)
{
	static const char	 hashes[] = "##############################";
	uint64_t		 now, ms;
	double			 rate;
	int			 fill, width = 30;

	if (b->tty < 0)
		b->tty = isatty(STDERR_FILENO);
	if (!b->tty || total == 0)
		return;
	now = mono_ms();
	if (b->start_ms == 0)
		b->start_ms = now;
	ms = now - b->start_ms;
	rate = ms > 0 ? (double)done * 1000 / (double)ms : 0;
	fill = (int)((double)done / (double)total * width);
	if (fill > width)
		fill = width;
	fprintf(stderr, "\r%-20.20s [%.*s%*s] %llu/%llu %.0f/s", what, fill,
	    hashes, width - fill, "", (unsigned long long)done,
	    (unsigned long long)total, rate);
	if (rate > 0 && done < total)
		fprintf(stderr, " %.0fs left  ", (double)(total - done) / rate);
	else
		fputs("          ", stderr);
	if (done >= total)
		fputc('\n', stderr);
}
