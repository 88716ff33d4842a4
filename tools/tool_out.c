/*
 * Output: JSON on stdout, text tables aligned by display width (a Chinese
 * character takes two columns), and CSV fields per RFC 4180.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

void
tool_print_json(cJSON *j)
{
	char	*s;

	if (j == NULL || (s = cJSON_PrintUnformatted(j)) == NULL)
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

struct recprint {
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

	(void)id;
	if ((j = cJSON_ParseWithLength(json, len)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "record %s is unreadable", id);
	if (r->arr != NULL) {
		cJSON_AddItemToArray(r->arr, j);
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
	struct recprint		 r = { nfields, fields, NULL, NULL };
	enum store_status	 rc;

	if (t->json)
		r.arr = cJSON_CreateArray();
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
