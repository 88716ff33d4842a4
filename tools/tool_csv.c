/*
 * CSV reading per RFC 4180: fields separated by commas, records by CRLF or
 * LF, double quotes around fields that hold commas, quotes or line breaks,
 * a quote inside doubled.  Text must be UTF-8 (a leading BOM is skipped).
 * Errors name the line where the record starts.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"

#define CSV_MAX_BYTES	((size_t)1 << 30)
#define CSV_MAX_FIELDS	256

struct tool_csv {
	char	*buf;
	size_t	 len, pos;
	size_t	 line;		/* line of the next record */
	size_t	 recline;	/* line of the record returned */
	char	*scratch;
	char	*fields[CSV_MAX_FIELDS];
};

struct tool_csv *
tool_csv_open(const char *path, char *err, size_t errlen)
{
	struct tool_csv	*c;
	struct stat	 sb;
	FILE		*fp;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size > CSV_MAX_BYTES) {
		snprintf(err, errlen, "%s: not a regular file under 1 GiB",
		    path);
		fclose(fp);
		return NULL;
	}
	c = tool_xcalloc(1, sizeof(*c));
	c->len = (size_t)sb.st_size;
	c->buf = tool_xcalloc(c->len + 1, 1);
	c->scratch = tool_xcalloc(c->len + 1, 1);
	if (fread(c->buf, 1, c->len, fp) != c->len) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		tool_csv_close(c);
		return NULL;
	}
	fclose(fp);
	if (c->len >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	c->line = 1;
	return c;
}

void
tool_csv_close(struct tool_csv *c)
{
	if (c == NULL)
		return;
	free(c->buf);
	free(c->scratch);
	free(c);
}

size_t
tool_csv_line(const struct tool_csv *c)
{
	return c->recline;
}

int
tool_csv_next(struct tool_csv *c, char ***fields, size_t *n, char *err,
    size_t errlen)
{
	char	*out = c->scratch + c->pos;	/* each field fits in place */
	size_t		 nf = 0, i;
	int		 quoted, endrec = 0;
	char		 ch;
	const char	*why;

	/* Blank lines at the end of the file are no record. */
	while (c->pos < c->len && (c->buf[c->pos] == '\n' ||
	    (c->buf[c->pos] == '\r' && c->pos + 1 < c->len &&
	    c->buf[c->pos + 1] == '\n'))) {
		if (c->buf[c->pos] == '\r')
			c->pos++;
		c->pos++;
		c->line++;
	}
	if (c->pos >= c->len)
		return 0;
	c->recline = c->line;
	while (!endrec) {
		if (nf == CSV_MAX_FIELDS) {
			snprintf(err, errlen, "line %zu: more than %d fields",
			    c->recline, CSV_MAX_FIELDS);
			return -1;
		}
		c->fields[nf++] = out;
		quoted = c->pos < c->len && c->buf[c->pos] == '"';
		if (quoted)
			c->pos++;
		for (;;) {
			if (c->pos >= c->len) {
				if (quoted) {
					snprintf(err, errlen, "line %zu: "
					    "unterminated quoted field",
					    c->recline);
					return -1;
				}
				endrec = 1;
				break;
			}
			ch = c->buf[c->pos];
			if (ch == '\0') {
				snprintf(err, errlen, "line %zu: field %zu has "
				    "a NUL byte", c->line, nf);
				return -1;
			}
			if (quoted) {
				if (ch == '"') {
					if (c->pos + 1 < c->len &&
					    c->buf[c->pos + 1] == '"') {
						*out++ = '"';
						c->pos += 2;
						continue;
					}
					c->pos++;
					quoted = 0;
					if (c->pos < c->len &&
					    c->buf[c->pos] != ',' &&
					    c->buf[c->pos] != '\n' &&
					    c->buf[c->pos] != '\r') {
						snprintf(err, errlen, "line %zu:"
						    " text after a closing "
						    "quote", c->line);
						return -1;
					}
					continue;
				}
				if (ch == '\n')
					c->line++;
				*out++ = ch;
				c->pos++;
				continue;
			}
			if (ch == ',') {
				c->pos++;
				break;
			}
			if (ch == '\n' || (ch == '\r' && c->pos + 1 < c->len &&
			    c->buf[c->pos + 1] == '\n')) {
				c->pos += ch == '\r' ? 2 : 1;
				c->line++;
				endrec = 1;
				break;
			}
			if (ch == '"' || ch == '\r') {
				snprintf(err, errlen, "line %zu: %s in an "
				    "unquoted field", c->line, ch == '"' ?
				    "quote" : "carriage return");
				return -1;
			}
			*out++ = ch;
			c->pos++;
		}
		*out++ = '\0';
	}
	for (i = 0; i < nf; i++) {
		if ((why = store_text_problem(c->fields[i])) != NULL) {
			snprintf(err, errlen, "line %zu: field %zu has %s",
			    c->recline, i + 1, why);
			return -1;
		}
	}
	*fields = c->fields;
	*n = nf;
	return 1;
}
