/*
 * minqing report --html FILE: the four goals as one self-contained HTML
 * page (no script, no font, no fetch): summary cards, coverage bars, answers
 * in time, the overdue list and how far requests climbed, drawn as inline
 * SVG.  On a hub whose peers fall under streets (store_street_of()), the
 * streets' coverage, answers and table come first, and the table by node
 * names each node's street.  Every outside string is escaped.  Written to
 * FILE.new, then renamed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/tool.h"

#define BAR_W	460
#define LABEL_W	170
#define ROW_H	26

static void
esc(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp); break;
		}
	}
}

static double
pct(uint64_t a, uint64_t b)
{
	return b == 0 ? 0 : 100.0 * (double)a / (double)b;
}

static void
head(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
	    fp);
	esc(fp, title);
	fputs("</title>\n<style>\n"
	    "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',"
	    "sans-serif;margin:24px auto;max-width:980px;color:#222;"
	    "background:#fff}\n"
	    "h1{font-size:24px;margin:0}h2{font-size:18px;margin:28px 0 8px;"
	    "border-bottom:1px solid #ddd;padding-bottom:4px}\n"
	    ".period{color:#666;margin:4px 0 16px}\n"
	    ".cards{display:flex;gap:12px;flex-wrap:wrap}\n"
	    ".card{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;"
	    "padding:10px 14px}\n"
	    ".card .goal{font-size:15px;font-weight:bold}"
	    ".card .en{color:#777;font-size:12px}"
	    ".card .big{font-size:28px;margin:6px 0}"
	    ".card .sub{color:#555;font-size:13px}\n"
	    "table{border-collapse:collapse;font-size:13px;width:100%}\n"
	    "th,td{border-bottom:1px solid #eee;padding:4px 6px;"
	    "text-align:left}td.n,th.n{text-align:right}\n"
	    ".late{color:#b00020;font-weight:bold}\n"
	    "svg text{font-size:12px;fill:#333}\n"
	    ".legend span{display:inline-block;width:10px;height:10px;"
	    "margin:0 4px 0 12px}\n"
	    "</style>\n</head>\n<body>\n", fp);
}

static void
card(FILE *fp, const char *goal, const char *en, const char *big,
    const char *sub)
{
	fputs("<div class=\"card\"><div class=\"goal\">", fp);
	esc(fp, goal);
	fputs("</div><div class=\"en\">", fp);
	esc(fp, en);
	fputs("</div><div class=\"big\">", fp);
	esc(fp, big);
	fputs("</div><div class=\"sub\">", fp);
	esc(fp, sub);
	fputs("</div></div>\n", fp);
}

static void
cards(FILE *fp, const struct store_report *rep)
{
	const struct store_report_row	*t = &rep->total;
	char				 big[64], sub[256], ev[3][32];
	uint64_t			 sponsored = 0;
	size_t				 i;
	int				 k;

	for (i = 0; i < rep->nrows; i++)
		sponsored += rep->rows[i].students > 0;
	fputs("<div class=\"cards\">\n", fp);
	snprintf(big, sizeof(big), "%.1f%%", pct(t->visited, t->households));
	snprintf(sub, sizeof(sub), "%llu of %llu households visited",
	    (unsigned long long)t->visited, (unsigned long long)t->households);
	card(fp, "民情家家访", "every household visited", big, sub);
	snprintf(big, sizeof(big), "%.1f%%", pct(t->answered_in_time,
	    t->requests));
	snprintf(sub, sizeof(sub), "answered within the deadline; %llu "
	    "requests, %llu open, %llu overdue",
	    (unsigned long long)t->requests, (unsigned long long)t->open,
	    (unsigned long long)t->overdue);
	card(fp, "诉求件件回", "every request answered", big, sub);
	snprintf(big, sizeof(big), "%llu", (unsigned long long)t->students);
	/* Rows by group carry no students: they belong to the branch. */
	if (sponsored > 0)
		snprintf(sub, sizeof(sub), "students sponsored by %llu of %zu "
		    "units; %llu.%02llu yuan donated",
		    (unsigned long long)sponsored, rep->nrows,
		    (unsigned long long)(t->donations_fen / 100),
		    (unsigned long long)(t->donations_fen % 100));
	else
		snprintf(sub, sizeof(sub), "students sponsored; %llu.%02llu "
		    "yuan donated", (unsigned long long)(t->donations_fen / 100),
		    (unsigned long long)(t->donations_fen % 100));
	card(fp, "帮扶千千结", "a knot of help", big, sub);
	for (k = 0; k < EVAL_N; k++) {
		if (t->eval_count[k] == 0)
			snprintf(ev[k], sizeof(ev[k]), "-");
		else
			snprintf(ev[k], sizeof(ev[k]), "%.1f", t->eval_sum[k] /
			    (double)t->eval_count[k]);
	}
	snprintf(big, sizeof(big), "%s", ev[EVAL_RESIDENT_TEAM]);
	snprintf(sub, sizeof(sub), "residents rate teams %s; communities rate "
	    "branches %s; branches rate members %s", ev[0], ev[1], ev[2]);
	card(fp, "效果年年评", "evaluated every year", big, sub);
	fputs("</div>\n", fp);
}

/* One horizontal bar per unit: coverage. */
static void
coverage(FILE *fp, const struct store_report *rep, const char *title,
    const char *what)
{
	size_t	i;
	int	h = (int)(rep->nrows * ROW_H + 10), w;
	double	p;

	fprintf(fp, "<h2>%s</h2>\n<svg width=\"%d\" height=\"%d\" "
	    "role=\"img\" aria-label=\"visit coverage by %s\">\n", title,
	    LABEL_W + BAR_W + 80, h, what);
	for (i = 0; i < rep->nrows; i++) {
		p = pct(rep->rows[i].visited, rep->rows[i].households);
		w = (int)(p / 100 * BAR_W);
		fprintf(fp, "<text x=\"0\" y=\"%zu\">", i * ROW_H + 17);
		esc(fp, rep->rows[i].unit);
		fprintf(fp, "</text><rect x=\"%d\" y=\"%zu\" width=\"%d\" "
		    "height=\"18\" fill=\"#eee\"/><rect x=\"%d\" y=\"%zu\" "
		    "width=\"%d\" height=\"18\" fill=\"%s\"/><text x=\"%d\" "
		    "y=\"%zu\">%.1f%% (%llu/%llu)</text>\n", LABEL_W,
		    i * ROW_H + 4, BAR_W, LABEL_W, i * ROW_H + 4, w,
		    p >= 90 ? "#2e7d32" : p >= 60 ? "#f9a825" : "#c62828",
		    LABEL_W + BAR_W + 6, i * ROW_H + 17, p,
		    (unsigned long long)rep->rows[i].visited,
		    (unsigned long long)rep->rows[i].households);
	}
	fputs("</svg>\n", fp);
}

/* Stacked bars: in time, late, open, overdue (of the period's requests). */
static void
answers(FILE *fp, const struct store_report *rep, const char *title,
    const char *what)
{
	static const char *const colours[] = { "#2e7d32", "#f9a825",
	    "#90a4ae", "#c62828" };
	static const char *const names[] = { "answered in time",
	    "answered late", "open", "overdue" };
	const struct store_report_row	*r;
	uint64_t			 part[4];
	size_t				 i;
	int				 k, x, w, h;

	h = (int)(rep->nrows * ROW_H + 10);
	fprintf(fp, "<h2>%s</h2>\n<div class=\"legend\">", title);
	for (k = 0; k < 4; k++)
		fprintf(fp, "<span style=\"background:%s\"></span>%s",
		    colours[k], names[k]);
	fprintf(fp, "</div>\n<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"requests by answer, by %s\">\n", LABEL_W + BAR_W + 80,
	    h, what);
	for (i = 0; i < rep->nrows; i++) {
		r = &rep->rows[i];
		part[0] = r->answered_in_time;
		part[1] = r->answered - r->answered_in_time;
		part[3] = r->overdue;
		part[2] = r->requests - r->answered > r->overdue ?
		    r->requests - r->answered - r->overdue : 0;
		fprintf(fp, "<text x=\"0\" y=\"%zu\">", i * ROW_H + 17);
		esc(fp, r->unit);
		fputs("</text>", fp);
		x = LABEL_W;
		for (k = 0; k < 4 && r->requests > 0; k++) {
			w = (int)((double)part[k] / (double)r->requests *
			    BAR_W);
			if (w > 0)
				fprintf(fp, "<rect x=\"%d\" y=\"%zu\" width=\"%d\""
				    " height=\"18\" fill=\"%s\"><title>%s: %llu"
				    "</title></rect>", x, i * ROW_H + 4, w,
				    colours[k], names[k],
				    (unsigned long long)part[k]);
			x += w;
		}
		fprintf(fp, "<text x=\"%d\" y=\"%zu\">%llu</text>\n",
		    LABEL_W + BAR_W + 6, i * ROW_H + 17,
		    (unsigned long long)r->requests);
	}
	fputs("</svg>\n", fp);
}

/* How far requests climbed the ladder: one bar per level. */
static void
ladder(FILE *fp, const struct store_report *rep)
{
	uint64_t	max = 1;
	int		k, w;

	for (k = 0; k < LADDER_N; k++)
		if (rep->total.escalated[k] > max)
			max = rep->total.escalated[k];
	fprintf(fp, "<h2>How far requests climbed 逐级上报</h2>\n<svg "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"requests by "
	    "highest level\">\n", LABEL_W + BAR_W + 80, LADDER_N * ROW_H + 10);
	for (k = 0; k < LADDER_N; k++) {
		w = (int)((double)rep->total.escalated[k] / (double)max *
		    BAR_W);
		fprintf(fp, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%d\" "
		    "y=\"%d\" width=\"%d\" height=\"18\" fill=\"#1565c0\"/>"
		    "<text x=\"%d\" y=\"%d\">%llu</text>\n", k * ROW_H + 17,
		    store_ladder_name(k), LABEL_W, k * ROW_H + 4, w,
		    LABEL_W + w + 6, k * ROW_H + 17,
		    (unsigned long long)rep->total.escalated[k]);
	}
	fputs("</svg>\n", fp);
}

struct overdue {
	FILE	*fp;
	long	 today;
	size_t	 n;
};

static int
overdue_cb(const struct request *r, void *arg)
{
	struct overdue	*o = arg;
	char		 raised[11];

	store_date_format(r->raised, raised);
	fputs("<tr><td>", o->fp);
	esc(o->fp, r->id);
	fputs("</td><td>", o->fp);
	esc(o->fp, r->household);
	fputs("</td><td>", o->fp);
	esc(o->fp, r->category);
	fprintf(o->fp, "</td><td>%s</td><td>%s</td><td class=\"n late\">%ld"
	    "</td><td>", store_ladder_name(r->level), raised, o->today -
	    r->raised);
	esc(o->fp, r->summary);
	fputs("</td></tr>\n", o->fp);
	o->n++;
	return 0;
}

/* The rows; with streets, a column names each unit's street. */
static void
table(FILE *fp, const struct store_report *rep, const char *title,
    const struct store_streets *streets)
{
	const struct store_report_row	*r;
	size_t				 i;

	fprintf(fp, "<h2>%s</h2>\n<table>\n<tr><th>unit</th>%s", title,
	    streets != NULL ? "<th>street</th>" : "");
	fputs("<th class=\"n\">households</th><th class=\"n\">visited</th>"
	    "<th class=\"n\">requests</th><th class=\"n\">answered</th>"
	    "<th class=\"n\">in time</th><th class=\"n\">open</th>"
	    "<th class=\"n\">overdue</th><th class=\"n\">median days</th>"
	    "<th class=\"n\">students</th><th class=\"n\">donations (yuan)"
	    "</th></tr>\n", fp);
	for (i = 0; i <= rep->nrows; i++) {
		r = i < rep->nrows ? &rep->rows[i] : &rep->total;
		fputs(i < rep->nrows ? "<tr><td>" : "<tr><th>", fp);
		esc(fp, r->unit);
		fputs(i < rep->nrows ? "</td>" : "</th>", fp);
		if (streets != NULL) {
			fputs("<td>", fp);
			if (i < rep->nrows)
				esc(fp, store_street_of(streets, r->unit));
			fputs("</td>", fp);
		}
		fprintf(fp, "<td class=\"n\">%llu</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "<td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "<td class=\"n\">%llu</td>",
		    (unsigned long long)r->households,
		    (unsigned long long)r->visited,
		    (unsigned long long)r->requests,
		    (unsigned long long)r->answered,
		    (unsigned long long)r->answered_in_time,
		    (unsigned long long)r->open,
		    (unsigned long long)r->overdue);
		if (r->answered > 0)
			fprintf(fp, "<td class=\"n\">%.1f</td>", r->median_days);
		else
			fputs("<td class=\"n\">-</td>", fp);
		fprintf(fp, "<td class=\"n\">%llu</td><td class=\"n\">%llu.%02llu"
		    "</td></tr>\n", (unsigned long long)r->students,
		    (unsigned long long)(r->donations_fen / 100),
		    (unsigned long long)(r->donations_fen % 100));
	}
	fputs("</table>\n", fp);
}

/*
 * The streets of a hub, first: NULL when no node falls under a street other
 * than itself (a branch's store), or when the rows are by street already.
 */
static struct store_report *
street_report(struct tool *t, struct store_txn *txn,
    const struct store_query *q, int by, struct store_streets **streets)
{
	struct store_report	*srep = NULL;
	enum store_status	 rc;

	*streets = NULL;
	if (by == STORE_BY_STREET)
		return NULL;
	if ((rc = store_streets_load(txn, streets)) != STORE_OK)
		tool_die_store(t, rc, "report");
	if (store_streets_grouped(*streets) == 0) {
		store_streets_free(*streets);
		*streets = NULL;
		return NULL;
	}
	if ((rc = store_report(txn, q, STORE_BY_STREET, &srep)) != STORE_OK)
		tool_die_store(t, rc, "report");
	return srep;
}

void
tool_report_html(struct tool *t, struct store_txn *txn,
    const struct store_report *rep, const struct store_query *q, int by,
    const char *path)
{
	struct store_request_filter	 f = { STORE_REQ_OVERDUE, LADDER_SPOT };
	struct store_report		*srep;
	struct store_streets		*streets;
	struct overdue			 o;
	enum store_status		 rc;
	char				 tmp[4200], title[256], from[11], to[11];
	FILE				*fp;

	store_date_format(q->from, from);
	store_date_format(q->to, to);
	srep = street_report(t, txn, q, by, &streets);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		tool_die(TOOL_EXIT_USAGE, "--html: path too long");
	if ((fp = fopen(tmp, "we")) == NULL)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", tmp, strerror(errno));
	snprintf(title, sizeof(title), "民情 minqing: %s, %s to %s", t->node,
	    from, to);
	head(fp, title);
	fputs("<h1>民情 · 支部联系服务社区百分百</h1>\n<p class=\"period\">",
	    fp);
	esc(fp, t->node);
	fprintf(fp, " · %s to %s · requests answered within %ld days</p>\n",
	    from, to, q->reply_days);
	cards(fp, rep);
	if (srep != NULL) {
		fputs("<section id=\"streets\">\n", fp);
		coverage(fp, srep, "Visit coverage by street 各街道走访覆盖",
		    "street");
		answers(fp, srep, "Requests answered by street 各街道诉求答复",
		    "street");
		table(fp, srep, "By street 按街道", NULL);
		fputs("</section>\n", fp);
	}
	coverage(fp, rep, "Visit coverage 走访覆盖", "unit");
	answers(fp, rep, "Requests answered 诉求答复", "unit");
	fputs("<h2>Overdue requests 逾期未复</h2>\n<table>\n<tr><th>request"
	    "</th><th>household</th><th>category</th><th>level</th>"
	    "<th>raised</th><th class=\"n\">days</th><th>summary</th></tr>\n",
	    fp);
	o.fp = fp;
	o.today = q->today;
	o.n = 0;
	if ((rc = store_list_requests(txn, q, &f, overdue_cb, &o)) != STORE_OK)
		tool_die_store(t, rc, "report");
	if (o.n == 0)
		fputs("<tr><td colspan=\"7\">none</td></tr>\n", fp);
	fputs("</table>\n", fp);
	ladder(fp, rep);
	/* Rows by group name the group's node, not a street. */
	table(fp, rep, "By unit 分项", by == STORE_BY_NODE ? streets : NULL);
	store_streets_free(streets);
	store_report_free(srep);
	fputs("<p class=\"period\">made by minqing " PACKAGE_VERSION
	    "</p>\n</body>\n</html>\n", fp);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || fclose(fp) != 0 ||
	    rename(tmp, path) != 0) {
		unlink(tmp);
		tool_die(TOOL_EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
}
