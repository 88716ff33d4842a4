/*
 * Entry lines, names, dates and text: parsing and checking what comes from
 * outside before the store relies on it.  An entry is parsed once; its bytes
 * are never re-serialised.  JSON integers are read from valuedouble and must
 * be integral and within 2^53.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"

#define JSON_INT_MAX	9007199254740991LL	/* 2^53 - 1: exact in a double */

int
json_int(const cJSON *o, const char *name, int64_t min, int64_t max,
    int64_t *out)
{
	const cJSON	*v;
	double		 d;

	if ((v = cJSON_GetObjectItemCaseSensitive(o, name)) == NULL ||
	    !cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < -(double)JSON_INT_MAX ||
	    d > (double)JSON_INT_MAX || d < (double)min || d > (double)max)
		return -1;
	*out = (int64_t)d;
	return 0;
}

const char *
json_str(const cJSON *o, const char *name)
{
	const cJSON	*v;

	if ((v = cJSON_GetObjectItemCaseSensitive(o, name)) == NULL ||
	    !cJSON_IsString(v))
		return NULL;
	return v->valuestring;
}

static int
name_chars(const char *s, size_t max, int dot)
{
	size_t	n;

	for (n = 0; s[n] != '\0'; n++) {
		if (n >= max)
			return 0;
		if ((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-' ||
		    (dot && s[n] == '.'))
			continue;
		return 0;
	}
	return n > 0;
}

int
store_valid_node(const char *s)
{
	return s != NULL && name_chars(s, STORE_NODE_MAX, 0);
}

int
store_valid_log(const char *s)
{
	const char	*slash;
	char		 node[STORE_NODE_MAX + 1];
	size_t		 n;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return 0;
	n = (size_t)(slash - s);
	if (n == 0 || n > STORE_NODE_MAX)
		return 0;
	memcpy(node, s, n);
	node[n] = '\0';
	if (!store_valid_node(node))
		return 0;
	/* A stream of dots alone would read as a path step. */
	if (strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0)
		return 0;
	return name_chars(slash + 1, STORE_STREAM_MAX, 1);
}

void
log_node(const char *log, char *out)
{
	size_t	n;

	n = strcspn(log, "/");
	if (n > STORE_NODE_MAX)
		n = STORE_NODE_MAX;
	memcpy(out, log, n);
	out[n] = '\0';
}

void
store_hash(const char *line, size_t len, unsigned char out[STORE_HASH_BYTES])
{
	crypto_generichash(out, STORE_HASH_BYTES, (const unsigned char *)line,
	    len, NULL, 0);
}

void
store_hash_hex(const unsigned char h[STORE_HASH_BYTES], char *hex)
{
	sodium_bin2hex(hex, STORE_HASH_BYTES * 2 + 1, h, STORE_HASH_BYTES);
}

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long
days_from_civil(long y, long m, long d)
{
	long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long
store_date_parse(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long	y, m, d;
	int	i, dim;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return -1;
	dim = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d > dim)
		return -1;
	return days_from_civil(y, m, d);
}

void
store_date_format(long z, char *out)
{
	long	era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
}

int
store_text_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, len;
	uint32_t		 c;

	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			c &= 0x07;
		} else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * What keeps a NUL-terminated text from being a one-line UTF-8 text field,
 * in words for an error message; NULL when it is one.
 */
const char *
store_text_problem(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			return "a line break (text fields are one line)";
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return "a control character";
	}
	if (!store_text_valid(s, strlen(s)))
		return "bytes that are not UTF-8";
	return NULL;
}

static int
hex64(const char *s)
{
	int	i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

enum store_status
entry_parse(const char *line, size_t len, struct entry *e, char *err,
    size_t errlen)
{
	const char	*end;
	int64_t		 v;

	memset(e, 0, sizeof(*e));
	if (len == 0 || len > STORE_ENTRY_MAX) {
		snprintf(err, errlen, "entry of %zu bytes", len);
		return STORE_INVALID;
	}
	if (memchr(line, '\n', len) != NULL || memchr(line, '\0', len) != NULL ||
	    !store_text_valid(line, len)) {
		snprintf(err, errlen, "entry is not one line of UTF-8 text");
		return STORE_INVALID;
	}
	e->root = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (e->root == NULL || !cJSON_IsObject(e->root) ||
	    (size_t)(end - line) != len) {
		snprintf(err, errlen, "entry is not a JSON object");
		goto bad;
	}
	if (json_int(e->root, "v", 1, 1, &v) != 0) {
		snprintf(err, errlen, "entry version is not 1");
		goto bad;
	}
	e->log = json_str(e->root, "log");
	if (!store_valid_log(e->log)) {
		snprintf(err, errlen, "entry log name is invalid");
		goto bad;
	}
	if (json_int(e->root, "seq", 1, JSON_INT_MAX, &v) != 0) {
		snprintf(err, errlen, "entry seq is not a positive integer");
		goto bad;
	}
	e->seq = (uint64_t)v;
	e->prev = json_str(e->root, "prev");
	if (e->prev == NULL || strlen(e->prev) != 64 || !hex64(e->prev)) {
		snprintf(err, errlen, "entry prev is not 64 hex digits");
		goto bad;
	}
	if (json_int(e->root, "hlc", 0, JSON_INT_MAX, &v) != 0) {
		snprintf(err, errlen, "entry hlc is not an integer");
		goto bad;
	}
	e->hlc = (uint64_t)v;
	e->at = json_str(e->root, "at");
	e->type = json_str(e->root, "type");
	e->by = json_str(e->root, "by");
	e->body = cJSON_GetObjectItemCaseSensitive(e->root, "body");
	if (e->at == NULL || strlen(e->at) < 10 || e->type == NULL ||
	    e->by == NULL || !cJSON_IsObject(e->body)) {
		snprintf(err, errlen, "entry lacks at, type, by or body");
		goto bad;
	}
	return STORE_OK;
bad:
	entry_free(e);
	return STORE_INVALID;
}

void
entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	cJSON_Delete(e->root);
	memset(e, 0, sizeof(*e));
}

enum store_status
store_entry_peek(const char *line, size_t len, struct store_entry_head *h,
    char *err, size_t errlen)
{
	struct entry		e;
	enum store_status	rc;

	memset(h, 0, sizeof(*h));
	if ((rc = entry_parse(line, len, &e, err, errlen)) != STORE_OK)
		return rc;
	snprintf(h->log, sizeof(h->log), "%s", e.log);
	h->seq = e.seq;
	snprintf(h->prev, sizeof(h->prev), "%s", e.prev);
	h->hlc = e.hlc;
	entry_free(&e);
	return STORE_OK;
}
