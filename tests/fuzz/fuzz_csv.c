/*
 * The CSV reader of `household import` (tools/tool_csv.c), linked alone:
 * tool_csv_open() on a file holding the input, then tool_csv_next() to the
 * end or the first error.  Records hold 1 to 256 fields of valid UTF-8
 * text without line breaks; an error names its line.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool.h"
#include "tests/fuzz/fuzz.h"

/*
 * What tool_csv.c needs of tools/tool_util.c.  tool_csv_open() and
 * tool_csv_next() call only tool_xcalloc(), which dies only when memory
 * runs out: no input reaches tool_die() but that one.
 */
void
tool_die(int code, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "minqing (exit %d): ", code);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
tool_xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	return p;
}

char *
tool_xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[4200];
	struct tool_csv	*c;
	char		**fields, err[512];
	size_t		 n, i, len, records = 0, line = 0;
	int		 rc;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/input.csv", fuzz_tmpdir());
	fuzz_write_file(path, data, size);
	err[0] = '\0';
	if ((c = tool_csv_open(path, err, sizeof(err))) == NULL)
		fuzz_bug("tool_csv_open refused a regular file: %s", err);
	while ((rc = tool_csv_next(c, &fields, &n, err, sizeof(err))) == 1) {
		if (n == 0 || n > 256)
			fuzz_bug("a record of %zu fields", n);
		if (tool_csv_line(c) < line || tool_csv_line(c) < 1)
			fuzz_bug("record line %zu after %zu", tool_csv_line(c),
			    line);
		line = tool_csv_line(c);
		for (i = 0; i < n; i++) {
			len = strlen(fields[i]);
			if (len > size || !store_text_valid(fields[i], len))
				fuzz_bug("field %zu of record %zu: not one "
				    "line of text", i + 1, records + 1);
		}
		if (++records > size)
			fuzz_bug("more records than bytes");
	}
	if (rc == -1 && strncmp(err, "line ", 5) != 0)
		fuzz_bug("error not naming a line: %s", err);
	if (rc != 0 && rc != -1)
		fuzz_bug("tool_csv_next gave %d", rc);
	tool_csv_close(c);
	return 0;
}
