/*
 * The hub's side of the HTTP API, as a function from a request to an
 * answer over the store: no socket, so every case can be tested directly.
 * Errors answer JSON {"error":..., "detail":...} and leave the store as it
 * was.  Reading entries and the inbox needs the caller's node signature.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

#define ENTRIES_DEFAULT	1000

static void
answer(struct sync_response *r, int status, const char *type,
    const char *body)
{
	r->status = status;
	r->content_type = type;
	store_buf_reset(&r->body);
	if (store_buf_addstr(&r->body, body) != STORE_OK)
		r->status = 500;
}

static void
answer_json(struct sync_response *r, int status, cJSON *j)
{
	char	*s;

	if (j == NULL || (s = cJSON_PrintUnformatted(j)) == NULL) {
		cJSON_Delete(j);
		answer(r, 500, "application/json",
		    "{\"error\":\"no-memory\",\"detail\":\"out of memory\"}");
		return;
	}
	answer(r, status, "application/json", s);
	cJSON_free(s);
	cJSON_Delete(j);
}

static void
fail(struct sync_response *r, int status, const char *error,
    const char *detail)
{
	cJSON	*j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "error", error);
	cJSON_AddStringToObject(j, "detail", detail);
	answer_json(r, status, j);
}

/* "/v1/logs/N/S" or "/v1/logs/N/S/entries": the log, and which call. */
static int
log_path(const char *path, char *log, int *entries)
{
	const char	*p = path + strlen("/v1/logs/"), *s1, *s2;
	size_t		 n;

	*entries = 0;
	if ((s1 = strchr(p, '/')) == NULL)
		return -1;
	if ((s2 = strchr(s1 + 1, '/')) != NULL) {
		if (strcmp(s2, "/entries") != 0)
			return -1;
		*entries = 1;
		n = (size_t)(s2 - p);
	} else
		n = strlen(p);
	if (n > STORE_LOG_MAX)
		return -1;
	memcpy(log, p, n);
	log[n] = '\0';
	return store_valid_log(log) ? 0 : -1;
}

static cJSON *
info_json(const char *log, uint64_t have, const unsigned char *head)
{
	cJSON	*j = cJSON_CreateObject();
	char	 hex[STORE_HASH_BYTES * 2 + 1];

	cJSON_AddStringToObject(j, "log", log);
	cJSON_AddNumberToObject(j, "have", (double)have);
	if (have > 0) {
		store_hash_hex(head, hex);
		cJSON_AddStringToObject(j, "head", hex);
	} else
		cJSON_AddNullToObject(j, "head");
	return j;
}

static void
get_log(const struct sync_node *me, const char *log, struct sync_response *r)
{
	struct store_txn	*t;
	struct store_loginfo	 li;
	enum store_status	 rc;
	cJSON			*j;

	if (store_read_begin(me->st, &t) != STORE_OK) {
		fail(r, 500, "store", "cannot read the store");
		return;
	}
	rc = store_log_info(t, log, &li);
	store_txn_abort(t);
	if (rc == STORE_NOTFOUND)
		fail(r, 404, "not-found", "no such log here");
	else if (rc != STORE_OK)
		fail(r, 500, "store", store_strerror(rc));
	else {
		j = info_json(log, li.seq, li.head);
		if (li.frozen)
			cJSON_AddTrueToObject(j, "frozen");
		answer_json(r, 200, j);
	}
}

/* application/x-ndjson, in any case, with or without parameters. */
static int
ndjson(const char *type)
{
	static const char	 want[] = "application/x-ndjson";
	size_t			 n = sizeof(want) - 1;

	if (type == NULL || strncasecmp(type, want, n) != 0)
		return 0;
	type += n;
	while (*type == ' ' || *type == '\t')
		type++;
	return *type == '\0' || *type == ';';
}

static void	note(struct sync_response *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Adds a line to the note for the operator's log, after a "; ". */
static void
note(struct sync_response *r, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strlen(r->note);

	if (n > 0 && n + 2 < sizeof(r->note)) {
		memcpy(r->note + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->note + n, sizeof(r->note) - n, fmt, ap);
	va_end(ap);
}

/*
 * Entries kept but not applied: the count, and the first few with their
 * reason, so that the sender learns of them too.
 */
static void
skipped_json(cJSON *j, const char *log, const struct sync_result *res)
{
	cJSON		*list, *o;
	uint64_t	 i;

	cJSON_AddNumberToObject(j, "skipped", (double)res->skipped);
	if (res->skipped == 0 ||
	    (list = cJSON_AddArrayToObject(j, "skipped_entries")) == NULL)
		return;
	for (i = 0; i < res->skipped && i < SYNC_SKIPS_SHOWN; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			return;
		cJSON_AddStringToObject(o, "log", log);
		cJSON_AddNumberToObject(o, "seq", (double)res->skips[i].seq);
		cJSON_AddStringToObject(o, "reason", res->skips[i].reason);
		cJSON_AddItemToArray(list, o);
	}
}

/* A fork stops a log for good: the operator must hear of it. */
static void
fork_note(const char *log, const struct sync_result *res,
    struct sync_response *r)
{
	if (res->http != 409 || res->error == NULL ||
	    strcmp(res->error, "fork") != 0)
		return;
	if (res->fork_seq > 0)
		note(r, "%s: fork found at seq %llu: two signed histories; the "
		    "log is frozen at seq %llu, the evidence kept", log,
		    (unsigned long long)res->fork_seq,
		    (unsigned long long)res->have);
	else
		note(r, "%s: a push refused: the log is frozen at seq %llu "
		    "since a fork", log, (unsigned long long)res->have);
}

static void
post_log(const struct sync_node *me, const struct sync_limits *lim,
    const char *log, const struct sync_request *req, struct sync_response *r)
{
	struct sync_result	 res;
	struct store_buf	 rcpt = STORE_BUF_INIT;
	cJSON			*j;

	if (!ndjson(req->content_type)) {
		fail(r, 415, "content-type", "send application/x-ndjson");
		return;
	}
	if (req->body_len > lim->max_bytes) {
		fail(r, 413, "too-large", "the body is over the limit");
		return;
	}
	if (sync_batch_apply(me, log, req->body, req->body_len,
	    lim->max_entries, req->now_ms, &res) != SYNC_OK) {
		fork_note(log, &res, r);
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "error", res.error != NULL ?
		    res.error : "failed");
		cJSON_AddStringToObject(j, "detail", res.detail);
		if (res.http == 409)
			cJSON_AddNumberToObject(j, "have", (double)res.have);
		answer_json(r, res.http ? res.http : 500, j);
		return;
	}
	j = info_json(log, res.have, res.head);
	cJSON_AddNumberToObject(j, "added", (double)res.added);
	if (res.future > 0) {
		cJSON_AddNumberToObject(j, "future", (double)res.future);
		note(r, "%s: %llu entries dated more than 5 minutes in this "
		    "hub's future (the sender's clock is ahead?)", log,
		    (unsigned long long)res.future);
	}
	skipped_json(j, log, &res);
	/* The operator's log names entries by log and seq, not by reason. */
	if (res.skipped > 0)
		note(r, "%s: %llu entr%s kept but not applied, the first at "
		    "seq %llu (minqing verify lists them)", log,
		    (unsigned long long)res.skipped, res.skipped == 1 ? "y" :
		    "ies", (unsigned long long)res.skips[0].seq);
	if (sync_receipt_make(me->key, log, res.have, res.head, req->now_ms,
	    &rcpt) == SYNC_OK)
		cJSON_AddItemToObject(j, "receipt", cJSON_Parse(rcpt.data));
	store_buf_free(&rcpt);
	snprintf(r->pushed_log, sizeof(r->pushed_log), "%s", log);
	r->pushed_added = res.added;
	answer_json(r, 200, j);
}

/* The caller's node, proven by its signature; NULL after answering 403. */
static const char *
caller(const struct sync_node *me, struct store_txn *t,
    const struct sync_request *req, struct sync_response *r)
{
	struct store_buf	 target = STORE_BUF_INIT;
	char			 key[SYNC_PK_B64], err[256];
	int			 ok;

	if (req->auth_node == NULL || req->auth_time == NULL ||
	    req->auth_sig == NULL || !store_valid_node(req->auth_node)) {
		fail(r, 403, "unsigned", "this call needs the X-Minqing-Node, "
		    "-Time and -Signature headers");
		return NULL;
	}
	if (sync_trust_node_key(t, me, req->auth_node, key, err,
	    sizeof(err)) != SYNC_OK) {
		fail(r, 403, "untrusted", err);
		return NULL;
	}
	if (store_buf_addstr(&target, req->path) != STORE_OK ||
	    (req->query != NULL && (store_buf_addstr(&target, "?") !=
	    STORE_OK || store_buf_addstr(&target, req->query) != STORE_OK))) {
		store_buf_free(&target);
		fail(r, 500, "no-memory", "out of memory");
		return NULL;
	}
	ok = sync_request_verify(key, req->method, target.data,
	    req->auth_node, req->auth_time, req->auth_sig);
	store_buf_free(&target);
	if (!ok) {
		fail(r, 403, "bad-signature", "the request signature does not "
		    "verify");
		return NULL;
	}
	return req->auth_node;
}

/* The node a stream is addressed to: STREAM "to-X" gives X. */
static const char *
addressee(const char *log)
{
	const char	*s = strchr(log, '/');

	if (s == NULL || strncmp(s + 1, "to-", 3) != 0)
		return NULL;
	return s + 4;
}

static int
query_num(const char *query, const char *name, uint64_t *out)
{
	const char	*p = query;
	char		*end;
	size_t		 n = strlen(name);
	unsigned long long v;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			if (p[n + 1] < '0' || p[n + 1] > '9')
				return -1;
			errno = 0;
			v = strtoull(p + n + 1, &end, 10);
			if (errno != 0 || (*end != '\0' && *end != '&') ||
			    v > 9007199254740991ULL)
				return -1;
			*out = v;
			return 1;
		}
		if ((p = strchr(p, '&')) != NULL)
			p++;
	}
	return 0;
}

struct ck {
	uint64_t	 seq;
	const char	*line;
	size_t		 len;
};

/*
 * A batch must end at a stored checkpoint: the last one within
 * (after, upto], else the first past upto, else the last one at all.
 */
struct ckpick {
	uint64_t	 after, upto;
	struct ck	 held, within, past;
};

static int
ckpick_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct ckpick	*c = arg;
	struct ck	 k = { seq, line, len };

	if (seq <= c->after)
		c->held = k;
	else if (seq <= c->upto)
		c->within = k;
	else {
		c->past = k;
		return 1;
	}
	return 0;
}

static void
get_entries(const struct sync_node *me, const struct sync_limits *lim,
    const char *log, const struct sync_request *req, struct sync_response *r)
{
	struct store_txn	*t;
	struct store_loginfo	 li;
	struct ckpick		 pick;
	struct ck		 k;
	const char		*who, *to;
	uint64_t		 after = 0, limit = ENTRIES_DEFAULT;

	if (req->query != NULL && (query_num(req->query, "after", &after) < 0 ||
	    query_num(req->query, "limit", &limit) < 0)) {
		fail(r, 400, "bad-query", "after and limit are whole numbers");
		return;
	}
	if (limit == 0 || limit > lim->max_entries)
		limit = lim->max_entries;
	if (store_read_begin(me->st, &t) != STORE_OK) {
		fail(r, 500, "store", "cannot read the store");
		return;
	}
	if ((who = caller(me, t, req, r)) == NULL)
		goto out;
	if ((to = addressee(log)) == NULL || !sync_trust_reaches(t, who, to)) {
		fail(r, 403, "not-addressed", "that log is not addressed to "
		    "the caller");
		goto out;
	}
	if (store_log_info(t, log, &li) != STORE_OK) {
		fail(r, 404, "not-found", "no such log here");
		goto out;
	}
	memset(&pick, 0, sizeof(pick));
	pick.after = after;
	pick.upto = after + limit;
	if (store_checkpoint_foreach(t, log, ckpick_cb, &pick) != STORE_OK) {
		fail(r, 500, "store", "cannot read the checkpoints");
		goto out;
	}
	k = pick.within.line != NULL ? pick.within : pick.past.line != NULL ?
	    pick.past : pick.held;
	if (k.line == NULL) {
		fail(r, 404, "not-found", "no checkpoint for that log");
		goto out;
	}
	store_buf_reset(&r->body);
	if (batch_write(t, log, k.line, k.len, after, k.seq, &r->body) !=
	    STORE_OK) {
		fail(r, 500, "store", "cannot read the log");
		goto out;
	}
	r->status = 200;
	r->content_type = "application/x-ndjson";
out:
	store_txn_abort(t);
}

struct inbox {
	struct store_txn	*t;
	const char		*who;
	cJSON			*logs;
};

static int
inbox_cb(const struct store_loginfo *li, void *arg)
{
	struct inbox	*in = arg;
	const char	*to;
	cJSON		*o;

	if ((to = addressee(li->name)) == NULL ||
	    !sync_trust_reaches(in->t, in->who, to))
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "log", li->name);
	cJSON_AddNumberToObject(o, "have", (double)li->seq);
	cJSON_AddItemToArray(in->logs, o);
	return 0;
}

static void
get_inbox(const struct sync_node *me, const char *node,
    const struct sync_request *req, struct sync_response *r)
{
	struct inbox	 in;
	cJSON		*j;

	if (store_read_begin(me->st, &in.t) != STORE_OK) {
		fail(r, 500, "store", "cannot read the store");
		return;
	}
	if ((in.who = caller(me, in.t, req, r)) == NULL)
		goto out;
	if (strcmp(in.who, node) != 0) {
		fail(r, 403, "not-addressed", "a node reads its own inbox only");
		goto out;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "node", node);
	in.logs = cJSON_AddArrayToObject(j, "logs");
	if (store_logs_foreach(in.t, inbox_cb, &in) != STORE_OK) {
		cJSON_Delete(j);
		fail(r, 500, "store", "cannot read the store");
		goto out;
	}
	answer_json(r, 200, j);
out:
	store_txn_abort(in.t);
}

void
sync_server_handle(const struct sync_node *me, const struct sync_limits *lim,
    const struct sync_request *req, struct sync_response *r)
{
	char	 log[STORE_LOG_MAX + 1];
	int	 entries, get = strcmp(req->method, "GET") == 0;
	int	 post = strcmp(req->method, "POST") == 0;
	cJSON	*j;

	r->status = 500;
	r->content_type = "application/json";
	r->note[0] = '\0';
	if (strcmp(req->path, "/v1/health") == 0) {
		if (!get) {
			fail(r, 405, "method", "use GET");
			return;
		}
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "node", me->node);
		cJSON_AddStringToObject(j, "version", PACKAGE_VERSION);
		cJSON_AddNumberToObject(j, "time", (double)req->now_ms);
		answer_json(r, 200, j);
		return;
	}
	if (strncmp(req->path, "/v1/logs/", 9) == 0) {
		if (log_path(req->path, log, &entries) != 0) {
			fail(r, 400, "bad-name", "the path is not "
			    "/v1/logs/NODE/STREAM");
			return;
		}
		if (entries && get)
			get_entries(me, lim, log, req, r);
		else if (!entries && get)
			get_log(me, log, r);
		else if (!entries && post)
			post_log(me, lim, log, req, r);
		else
			fail(r, 405, "method", "method not allowed here");
		return;
	}
	if (strncmp(req->path, "/v1/inbox/", 10) == 0) {
		if (!store_valid_node(req->path + 10)) {
			fail(r, 400, "bad-name", "the path is not "
			    "/v1/inbox/NODE");
			return;
		}
		if (!get)
			fail(r, 405, "method", "use GET");
		else
			get_inbox(me, req->path + 10, req, r);
		return;
	}
	fail(r, 404, "not-found", "no such call");
}
