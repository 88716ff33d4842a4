/*
 * minqing household import: households from a CSV file with a header row
 * (id, address, group; optional people, tags separated by ';' or ',', as
 * export writes them).  The whole file is checked first, so a bad line
 * changes nothing; then the rows are written in transactions of
 * IMPORT_CHUNK entries, each with a signed checkpoint.  A row whose
 * household is already held with the same fields is skipped, so that
 * running an import again after it was cut short (a kill, a full disk)
 * finishes it; one held with other fields is an error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

#define IMPORT_CHUNK	5000

enum { COL_ID, COL_ADDRESS, COL_GROUP, COL_PEOPLE, COL_TAGS, COL_N };
static const char *const colnames[COL_N] = { "id", "address", "group",
    "people", "tags" };

struct row {
	char	*body;		/* the entry body, JSON text */
	char	*id;
	size_t	 line;
	int	 held;		/* already held, the same: skipped */
};

struct import {
	struct tool	*t;
	struct row	*rows;
	size_t		 n, cap;
	size_t		 next;		/* first row not yet written */
	size_t		 done;
	size_t		 held;		/* rows skipped, already held */
	const char	*path;
	struct row	*clash;		/* held with other fields */
};

/*
 * Whether the household record JSON (as the fold keeps it) holds what the
 * household.add body would add: 1 the same, 0 other fields, -1 not
 * readable.
 */
static int
same_household(const char *json, size_t len, const char *body)
{
	cJSON		*rec, *b, *tags;
	const cJSON	*x, *y;
	int		 same = 0;
	double		 people;

	rec = cJSON_ParseWithLength(json, len);
	b = cJSON_Parse(body);
	if (rec == NULL || b == NULL) {
		cJSON_Delete(rec);
		cJSON_Delete(b);
		return -1;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "removed")))
		goto out;
	x = cJSON_GetObjectItemCaseSensitive(rec, "address");
	y = cJSON_GetObjectItemCaseSensitive(b, "address");
	if (!cJSON_Compare(x, y, 1))
		goto out;
	x = cJSON_GetObjectItemCaseSensitive(rec, "group");
	y = cJSON_GetObjectItemCaseSensitive(b, "group");
	if (!cJSON_Compare(x, y, 1))
		goto out;
	y = cJSON_GetObjectItemCaseSensitive(b, "people");
	people = cJSON_IsNumber(y) ? y->valuedouble : 0;
	x = cJSON_GetObjectItemCaseSensitive(rec, "people");
	if (!cJSON_IsNumber(x) || x->valuedouble != people)
		goto out;
	x = cJSON_GetObjectItemCaseSensitive(rec, "tags");
	if ((tags = cJSON_GetObjectItemCaseSensitive(b, "tags")) == NULL)
		tags = cJSON_AddArrayToObject(b, "tags");
	same = cJSON_Compare(x, tags, 1);
out:
	cJSON_Delete(rec);
	cJSON_Delete(b);
	return same;
}

/*
 * Whether row r is to be written: 0 when its household is already held
 * with the same fields (r is marked held and counted), 1 when it is not
 * held; -1 with STORE_EXISTS and im->clash set when it is held with other
 * fields, -1 with another status on a failure.
 */
static int
row_check(struct import *im, struct store_txn *txn, struct row *r,
    enum store_status *rc)
{
	const char	*json;
	size_t		 len;

	*rc = store_get_record(txn, STORE_K_HOUSEHOLD, r->id, &json, &len);
	if (*rc == STORE_NOTFOUND) {
		*rc = STORE_OK;
		return 1;
	}
	if (*rc != STORE_OK)
		return -1;
	switch (same_household(json, len, r->body)) {
	case 1:
		r->held = 1;
		im->held++;
		return 0;
	case 0:
		im->clash = r;
		*rc = STORE_EXISTS;
		return -1;
	default:
		*rc = STORE_CORRUPT;
		return -1;
	}
}

static void __attribute__((noreturn))
clash_die(struct import *im)
{
	tool_die(TOOL_EXIT_USAGE, "%s: line %zu: household %s already exists "
	    "with other fields", im->path, im->clash->line, im->clash->id);
}

static void
header(char **f, size_t n, int col[COL_N], const char *path)
{
	size_t	i, k;

	for (k = 0; k < COL_N; k++)
		col[k] = -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < COL_N; k++)
			if (strcmp(f[i], colnames[k]) == 0)
				break;
		if (k == COL_N)
			tool_die(TOOL_EXIT_USAGE, "%s: line 1: unknown column "
			    "\"%s\" (expected id, address, group, people, "
			    "tags)", path, f[i]);
		if (col[k] != -1)
			tool_die(TOOL_EXIT_USAGE, "%s: line 1: column %s twice",
			    path, f[i]);
		col[k] = (int)i;
	}
	for (k = 0; k <= COL_GROUP; k++)
		if (col[k] == -1)
			tool_die(TOOL_EXIT_USAGE, "%s: line 1: missing column "
			    "%s", path, colnames[k]);
}

static cJSON *
row_body(struct tool *t, char **f, const int col[COL_N], const char *path,
    size_t line, char *id)
{
	cJSON	*o, *tags;
	char	*p, *item, *end;
	long	 people;

	if (f[col[COL_ID]][0] == '\0')
		tool_die(TOOL_EXIT_USAGE, "%s: line %zu: empty id", path, line);
	people = -1;
	if (col[COL_PEOPLE] >= 0 && f[col[COL_PEOPLE]][0] != '\0') {
		errno = 0;
		people = strtol(f[col[COL_PEOPLE]], &end, 10);
		if (errno != 0 || *end != '\0' || people < 0 || people > 1000)
			tool_die(TOOL_EXIT_USAGE, "%s: line %zu: people \"%s\" "
			    "is not a number from 0 to 1000", path, line,
			    f[col[COL_PEOPLE]]);
	}
	tool_qualify(t, f[col[COL_ID]], 0, id);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "address", f[col[COL_ADDRESS]]);
	cJSON_AddStringToObject(o, "group", f[col[COL_GROUP]]);
	if (people >= 0)
		cJSON_AddNumberToObject(o, "people", (double)people);
	if (col[COL_TAGS] >= 0 && f[col[COL_TAGS]][0] != '\0') {
		tags = cJSON_AddArrayToObject(o, "tags");
		for (p = f[col[COL_TAGS]]; p != NULL; ) {
			item = p;
			if ((p = strpbrk(p, ";,")) != NULL)
				*p++ = '\0';
			if (*item != '\0')
				cJSON_AddItemToArray(tags,
				    cJSON_CreateString(item));
		}
	}
	return o;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row	*x = *(const struct row *const *)a;
	const struct row	*y = *(const struct row *const *)b;
	int			 c;

	if ((c = strcmp(x->id, y->id)) != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Reads and checks every row; dies naming the first bad line. */
static void
load(struct import *im, const char *path)
{
	struct tool_csv	 *csv;
	struct row	**sorted;
	struct row	 *r;
	struct store_txn *txn;
	cJSON		 *body;
	char		**f, err[512], id[STORE_ID_MAX];
	size_t		  n, nhead, i;
	int		  col[COL_N], got;
	enum store_status rc;

	if ((csv = tool_csv_open(path, err, sizeof(err))) == NULL)
		tool_die(TOOL_EXIT_USAGE, "%s", err);
	if ((got = tool_csv_next(csv, &f, &n, err, sizeof(err))) <= 0)
		tool_die(TOOL_EXIT_USAGE, "%s: %s", path, got == 0 ?
		    "empty file, no header row" : err);
	header(f, n, col, path);
	nhead = n;
	while ((got = tool_csv_next(csv, &f, &n, err, sizeof(err))) == 1) {
		if (n != nhead)
			tool_die(TOOL_EXIT_USAGE, "%s: line %zu: %zu fields, "
			    "the header has %zu", path, tool_csv_line(csv), n,
			    nhead);
		body = row_body(im->t, f, col, path, tool_csv_line(csv), id);
		if (im->n == im->cap) {
			im->cap = im->cap ? im->cap * 2 : 1024;
			if ((im->rows = reallocarray(im->rows, im->cap,
			    sizeof(*im->rows))) == NULL)
				tool_die(TOOL_EXIT_FAIL, "out of memory");
		}
		r = &im->rows[im->n++];
		r->line = tool_csv_line(csv);
		r->held = 0;
		r->id = tool_xstrdup(id);
		if ((r->body = cJSON_PrintUnformatted(body)) == NULL)
			tool_die(TOOL_EXIT_FAIL, "out of memory");
		cJSON_Delete(body);
		if (store_body_check("household.add", r->body,
		    strlen(r->body), err, sizeof(err)) != STORE_OK)
			tool_die(TOOL_EXIT_USAGE, "%s: line %zu: %s", path,
			    r->line, err);
	}
	if (got < 0)
		tool_die(TOOL_EXIT_USAGE, "%s: %s", path, err);
	tool_csv_close(csv);

	/* Duplicates within the file, then households already held. */
	sorted = tool_xcalloc(im->n + 1, sizeof(*sorted));
	for (i = 0; i < im->n; i++)
		sorted[i] = &im->rows[i];
	if (im->n > 1)
		qsort(sorted, im->n, sizeof(*sorted), row_cmp);
	for (i = 1; i < im->n; i++)
		if (strcmp(sorted[i]->id, sorted[i - 1]->id) == 0)
			tool_die(TOOL_EXIT_USAGE, "%s: line %zu: duplicate id %s "
			    "(first on line %zu)", path, sorted[i]->line,
			    sorted[i]->id, sorted[i - 1]->line);
	free(sorted);
	if ((rc = store_read_begin(im->t->st, &txn)) != STORE_OK)
		tool_die_store(im->t, rc, "read");
	for (i = 0; i < im->n; i++) {
		if (row_check(im, txn, &im->rows[i], &rc) < 0) {
			if (im->clash != NULL)
				clash_die(im);
			tool_die_store(im->t, rc, "read");
		}
	}
	store_txn_abort(txn);
}

static enum store_status
chunk_cb(struct store_txn *txn, void *arg)
{
	struct import		*im = arg;
	size_t			 i, end;
	enum store_status	 rc;

	end = im->next + IMPORT_CHUNK;
	if (end > im->n)
		end = im->n;
	for (i = im->next; i < end; i++) {
		if (im->rows[i].held)
			continue;
		/* Another writer may have added it since load() looked. */
		switch (row_check(im, txn, &im->rows[i], &rc)) {
		case 0:
			continue;
		case -1:
			return rc;
		}
		if ((rc = store_append(txn, im->t->mainlog, "household.add",
		    im->t->by, im->rows[i].body, NULL)) != STORE_OK)
			return rc;
	}
	im->done = end;
	return tool_checkpoint(im->t, txn);
}

int
tool_import(struct tool *t, int argc, char **argv)
{
	struct import		 im;
	struct tool_bar		 bar = TOOL_BAR_INIT;
	enum store_status	 rc;
	cJSON			*o;
	size_t			 i;
	char			 what[64];

	(void)tool_getopt(t, "household", argc, argv, "", NULL);
	if (optind + 1 != argc)
		tool_usage("household", TOOL_EXIT_USAGE);
	tool_open(t, 1);
	memset(&im, 0, sizeof(im));
	im.t = t;
	im.path = argv[optind];
	load(&im, argv[optind]);
	while (im.next < im.n) {
		tool_progress(&bar, "import", im.next, im.n);
		if ((rc = store_write(t->st, chunk_cb, &im)) != STORE_OK) {
			if (im.clash != NULL)
				clash_die(&im);
			snprintf(what, sizeof(what), "import stopped after %zu "
			    "of %zu rows", im.next, im.n);
			tool_die_store(t, rc, what);
		}
		im.next = im.done;
	}
	if (im.n > IMPORT_CHUNK)
		tool_progress(&bar, "import", im.n, im.n);
	for (i = 0; i < im.n; i++) {
		free(im.rows[i].id);
		cJSON_free(im.rows[i].body);
	}
	free(im.rows);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "imported", (double)(im.n - im.held));
		cJSON_AddNumberToObject(o, "already_held", (double)im.held);
		tool_print_json(o);
	} else if (im.held > 0)
		printf("imported %zu households; %zu already held, the same, "
		    "skipped\n", im.n - im.held, im.held);
	else
		printf("imported %zu households\n", im.n);
	return 0;
}
