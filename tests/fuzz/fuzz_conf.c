/*
 * conf_load() on a file holding the input.  Whatever the bytes, it gives 0
 * with every setting within its bounds, or -1 with one line in err.  And
 * conf_parse_value() on the value of each "key = value" line, as each type
 * with a unit: a value it accepts is the number times the unit, exactly.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"
#include "tests/fuzz/fuzz.h"

/* "30s", "10m", "4M": the number times the unit, or the value is refused. */
static void
check_value(const char *s)
{
	static const enum conf_type	 types[] = { CONF_SECONDS, CONF_BYTES,
					    CONF_COUNT };
	unsigned long long		 n, unit;
	uint64_t			 v;
	char				*end;
	size_t				 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (conf_parse_value(types[i], s, &v) != 0)
			continue;
		errno = 0;
		n = strtoull(s, &end, 10);
		if (errno != 0 || end == s)
			fuzz_bug("conf_parse_value took \"%s\", no number", s);
		unit = 1;
		if (types[i] == CONF_SECONDS)
			unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
		else if (types[i] == CONF_BYTES)
			unit = *end == 'K' || *end == 'k' ? 1ULL << 10 :
			    *end == 'M' ? 1ULL << 20 : *end == 'G' ?
			    1ULL << 30 : 1;
		if (n > UINT64_MAX / unit || v != n * unit)
			fuzz_bug("conf_parse_value read \"%s\" as %llu, not %llu "
			    "times %llu", s, (unsigned long long)v, n, unit);
	}
}

/* Each "key = value" line's value, as inih would pass it. */
static void
check_lines(const uint8_t *data, size_t size)
{
	char		 buf[256];
	const char	*p = (const char *)data, *end = p + size, *nl, *eq;
	size_t		 n;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((eq = memchr(p, '=', (size_t)(nl - p))) == NULL)
			continue;
		for (eq++; eq < nl && isspace((unsigned char)*eq); eq++)
			;
		n = (size_t)(nl - eq);
		while (n > 0 && isspace((unsigned char)eq[n - 1]))
			n--;
		if (n >= sizeof(buf) || memchr(eq, '\0', n) != NULL)
			continue;
		memcpy(buf, eq, n);
		buf[n] = '\0';
		check_value(buf);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char			 path[4200];
	const struct conf_setting	*s;
	struct conf			 c;
	char				 err[512];
	uint64_t			 v;
	const char			*p;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/minqing.conf", fuzz_tmpdir());
	fuzz_write_file(path, data, size);
	check_lines(data, size);
	memset(err, 0, sizeof(err));
	if (conf_load(path, &c, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			fuzz_bug("conf_load failed without one line of error: "
			    "\"%s\"", err);
		return 0;
	}
	/* Accepted: every value is one the table allows. */
	for (s = conf_settings; s->section != NULL; s++) {
		p = (const char *)&c + s->offset;
		switch (s->type) {
		case CONF_STRING:
			if (memchr(p, '\0', CONF_STR_MAX) == NULL)
				fuzz_bug("[%s] %s not terminated", s->section,
				    s->key);
			break;
		case CONF_NODE:
			if (memchr(p, '\0', 33) == NULL || *p == '\0')
				fuzz_bug("[%s] %s empty or not terminated",
				    s->section, s->key);
			break;
		case CONF_BOOL:
			if (*(const int *)(const void *)p != 0 &&
			    *(const int *)(const void *)p != 1)
				fuzz_bug("[%s] %s not a bool", s->section,
				    s->key);
			break;
		default:
			v = *(const uint64_t *)(const void *)p;
			if (v < s->min || v > s->max)
				fuzz_bug("[%s] %s = %llu, out of bounds",
				    s->section, s->key, (unsigned long long)v);
			break;
		}
	}
	return 0;
}
