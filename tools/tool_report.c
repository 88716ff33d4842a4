/*
 * minqing report: the four goals for a period, by node, by group or by
 * street, as an aligned table or as JSON.  The definitions live in
 * store/store_report.c, and what a street is in store/store_street.c.
 */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

#include "tools/tool.h"

static double
ratio(uint64_t a, uint64_t b)
{
	if (b == 0)
		return 0;
	return round((double)a / (double)b * 10000) / 10000;
}

static cJSON *
row_json(const struct store_report_row *r)
{
	cJSON	*o, *esc, *ev, *k;
	int	 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "unit", r->unit);
	cJSON_AddNumberToObject(o, "households", (double)r->households);
	cJSON_AddNumberToObject(o, "visited", (double)r->visited);
	cJSON_AddNumberToObject(o, "visit_coverage",
	    ratio(r->visited, r->households));
	cJSON_AddNumberToObject(o, "requests", (double)r->requests);
	cJSON_AddNumberToObject(o, "answered", (double)r->answered);
	cJSON_AddNumberToObject(o, "answered_in_time",
	    (double)r->answered_in_time);
	cJSON_AddNumberToObject(o, "open", (double)r->open);
	cJSON_AddNumberToObject(o, "overdue", (double)r->overdue);
	if (r->answered > 0)
		cJSON_AddNumberToObject(o, "median_days_to_answer",
		    r->median_days);
	else
		cJSON_AddNullToObject(o, "median_days_to_answer");
	esc = cJSON_AddObjectToObject(o, "escalations");
	for (i = 0; i < LADDER_N; i++)
		cJSON_AddNumberToObject(esc, store_ladder_name(i),
		    (double)r->escalated[i]);
	cJSON_AddNumberToObject(o, "students", (double)r->students);
	cJSON_AddNumberToObject(o, "donations", (double)r->donations);
	cJSON_AddNumberToObject(o, "donations_fen", (double)r->donations_fen);
	ev = cJSON_AddObjectToObject(o, "evaluations");
	for (i = 0; i < EVAL_N; i++) {
		k = cJSON_AddObjectToObject(ev, store_eval_name(i));
		cJSON_AddNumberToObject(k, "count", (double)r->eval_count[i]);
		if (r->eval_count[i] > 0)
			cJSON_AddNumberToObject(k, "average", round(
			    r->eval_sum[i] / (double)r->eval_count[i] * 100) /
			    100);
		else
			cJSON_AddNullToObject(k, "average");
	}
	return o;
}

/* Prints j unformatted, without its closing brace when open is set. */
static void
print_part(cJSON *j, int open)
{
	char	*p;
	size_t	 n;

	if (j == NULL || (p = cJSON_PrintUnformatted(j)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	n = strlen(p);
	fwrite(p, 1, open && n > 0 ? n - 1 : n, stdout);
	cJSON_free(p);
	cJSON_Delete(j);
}

/*
 * The report as tool_print_json() would print the whole object, but a row
 * at a time: thousands of rows need not be held as JSON at once.
 */
static void
print_json_rows(cJSON *head, const struct store_report *rep)
{
	size_t	i;

	print_part(head, 1);
	fputs(",\"rows\":[", stdout);
	for (i = 0; i < rep->nrows; i++) {
		if (i > 0)
			putchar(',');
		print_part(row_json(&rep->rows[i]), 0);
	}
	fputs("],\"total\":", stdout);
	print_part(row_json(&rep->total), 0);
	fputs("}\n", stdout);
}

static void
row_cells(const struct store_report_row *r, char cells[12][STORE_UNIT_MAX])
{
	snprintf(cells[0], STORE_UNIT_MAX, "%s", r->unit);
	snprintf(cells[1], 48, "%llu", (unsigned long long)r->households);
	snprintf(cells[2], 48, "%llu", (unsigned long long)r->visited);
	snprintf(cells[3], 48, "%.1f%%", ratio(r->visited, r->households) *
	    100);
	snprintf(cells[4], 48, "%llu", (unsigned long long)r->requests);
	snprintf(cells[5], 48, "%llu", (unsigned long long)r->answered);
	snprintf(cells[6], 48, "%llu", (unsigned long long)r->answered_in_time);
	snprintf(cells[7], 48, "%llu", (unsigned long long)r->open);
	snprintf(cells[8], 48, "%llu", (unsigned long long)r->overdue);
	if (r->answered > 0)
		snprintf(cells[9], 48, "%.1f", r->median_days);
	else
		snprintf(cells[9], 48, "-");
	snprintf(cells[10], 48, "%llu", (unsigned long long)r->students);
	snprintf(cells[11], 48, "%llu.%02llu",
	    (unsigned long long)(r->donations_fen / 100),
	    (unsigned long long)(r->donations_fen % 100));
}

static void
print_text(const struct store_report *rep, const char *from, const char *to)
{
	static const char *const heads[] = { "UNIT", "HOUSEHOLDS", "VISITED",
	    "COVERAGE", "REQUESTS", "ANSWERED", "IN TIME", "OPEN", "OVERDUE",
	    "MEDIAN DAYS", "STUDENTS", "DONATIONS (YUAN)" };
	struct tool_table	*tb;
	const char		*p[12];
	char			 cells[12][STORE_UNIT_MAX];
	size_t			 i;
	int			 k;

	printf("report %s to %s\n\n", from, to);
	tb = tool_table_new(12, heads);
	for (k = 0; k < 12; k++)
		p[k] = cells[k];
	for (i = 0; i < rep->nrows; i++) {
		row_cells(&rep->rows[i], cells);
		tool_table_add(tb, p);
	}
	row_cells(&rep->total, cells);
	tool_table_add(tb, p);
	tool_table_print(tb, stdout);
	tool_table_free(tb);
	printf("\nrequests by highest level reached:");
	for (k = 0; k < LADDER_N; k++)
		printf(" %s %llu", store_ladder_name(k),
		    (unsigned long long)rep->total.escalated[k]);
	printf("\nevaluation averages:");
	for (k = 0; k < EVAL_N; k++) {
		if (rep->total.eval_count[k] == 0)
			printf(" %s -", store_eval_name(k));
		else
			printf(" %s %.2f (%llu)", store_eval_name(k),
			    rep->total.eval_sum[k] /
			    (double)rep->total.eval_count[k],
			    (unsigned long long)rep->total.eval_count[k]);
	}
	printf("\n");
}

int
tool_report(struct tool *t, int argc, char **argv)
{
	static const char *const by_name[] = { "node", "group", "street" };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "by", required_argument, NULL, 'b' },
		{ "html", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_report	*rep;
	struct store_query	 q;
	struct store_txn	*txn;
	const char		*from = NULL, *to = NULL, *html = NULL;
	char			 fromd[11], tod[11];
	enum store_status	 rc;
	cJSON			*o, *rows;
	size_t			 i;
	int			 ch, by = STORE_BY_NODE;

	while ((ch = tool_getopt(t, "report", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
		else if (ch == 'H')
			html = optarg;
		else if (ch == 'b') {
			if (strcmp(optarg, "node") == 0)
				by = STORE_BY_NODE;
			else if (strcmp(optarg, "group") == 0)
				by = STORE_BY_GROUP;
			else if (strcmp(optarg, "street") == 0)
				by = STORE_BY_STREET;
			else
				tool_die(TOOL_EXIT_USAGE, "--by: \"%s\" is not "
				    "node, group or street", optarg);
		}
	}
	if (optind != argc)
		tool_usage("report", TOOL_EXIT_USAGE);
	tool_open(t, 0);
	tool_query(t, from, to, &q);
	if ((rc = store_read_begin(t->st, &txn)) != STORE_OK)
		tool_die_store(t, rc, "read");
	if ((rc = store_report(txn, &q, by, &rep)) != STORE_OK)
		tool_die_store(t, rc, "report");
	if (html != NULL) {
		tool_report_html(t, txn, rep, &q, by, html);
		store_txn_abort(txn);
		store_report_free(rep);
		if (t->json) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "file", html);
			tool_print_json(o);
		} else
			printf("report written to %s\n", html);
		return 0;
	}
	store_txn_abort(txn);
	store_date_format(q.from, fromd);
	store_date_format(q.to, tod);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "from", fromd);
		cJSON_AddStringToObject(o, "to", tod);
		cJSON_AddStringToObject(o, "by", by_name[by]);
		cJSON_AddNumberToObject(o, "reply_days", (double)q.reply_days);
		if (!tool_csv_mode) {
			print_json_rows(o, rep);
			store_report_free(rep);
			return 0;
		}
		rows = cJSON_AddArrayToObject(o, "rows");
		for (i = 0; i < rep->nrows; i++)
			cJSON_AddItemToArray(rows, row_json(&rep->rows[i]));
		cJSON_AddItemToObject(o, "total", row_json(&rep->total));
		tool_print_json(o);
	} else
		print_text(rep, fromd, tod);
	store_report_free(rep);
	return 0;
}
