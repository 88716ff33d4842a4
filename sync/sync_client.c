/*
 * The push/pull client.  One libcurl handle, reused for every request of a
 * cycle; TLS verification always on; https only unless the configuration
 * allows plain http for tests; explicit connect and low-speed time-outs.
 * A log's entries count as delivered only from a 200 whose receipt is
 * signed by a key of the hub; the cursor ("ack:LOG") moves after that.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

#define RESPONSE_MAX	((size_t)256 << 20)
#define PUSH_ROUNDS	100000	/* batches for one log in one cycle, at most */

struct sync_client {
	CURL			*curl;
	char			*url;
	size_t			 batch_entries;
	size_t			 batch_bytes;
	struct store_buf	 resp;
	long			 status;
	int			 toobig;
	char			 errbuf[CURL_ERROR_SIZE];
	sync_progress_fn	 progress;
	void			*parg;
};

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct sync_client	*c = arg;

	if (c->resp.len + n > RESPONSE_MAX) {
		c->toobig = 1;
		return 0;
	}
	if (store_buf_add(&c->resp, p, n) != STORE_OK)
		return 0;
	return size * n;
}

static int
xferinfo_cb(void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult,
    curl_off_t uln)
{
	struct sync_client	*c = arg;

	(void)dlt; (void)dln; (void)ult; (void)uln;
	return c->progress != NULL && c->progress(c->parg, NULL, 0, 0) != 0;
}

enum sync_status
sync_client_new(const struct sync_client_conf *conf, struct sync_client **out)
{
	static int		 inited;
	struct sync_client	*c;
	CURL			*h;
	int			 bad = 0;

	*out = NULL;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return SYNC_NOMEM;
		inited = 1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SYNC_NOMEM;
	if ((c->url = strdup(conf->url)) == NULL ||
	    (c->curl = h = curl_easy_init()) == NULL) {
		sync_client_free(c);
		return SYNC_NOMEM;
	}
	while (strlen(c->url) > 0 && c->url[strlen(c->url) - 1] == '/')
		c->url[strlen(c->url) - 1] = '\0';
	c->batch_entries = conf->batch_entries ? conf->batch_entries : 5000;
	c->batch_bytes = conf->batch_bytes ? conf->batch_bytes : 4 << 20;
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, conf->allow_http ?
	    "https,http" : "https") != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") !=
	    CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	/*
	 * A cacert is the only trust anchor: without CAPATH cleared, libcurl
	 * with GnuTLS would also trust every CA in /etc/ssl/certs (and parse
	 * them all on each connection).
	 */
	if (conf->cacert != NULL && *conf->cacert != '\0') {
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, conf->cacert) !=
		    CURLE_OK;
		bad |= curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK;
	}
	if (conf->pin != NULL && *conf->pin != '\0')
		bad |= curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY,
		    conf->pin) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	    conf->connect_timeout_s > 0 ? conf->connect_timeout_s : 10L) !=
	    CURLE_OK;
	/* A stalled transfer ends: under 1 byte/s for the low-speed time. */
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
	    conf->low_speed_time_s > 0 ? conf->low_speed_time_s : 30L) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "minqing/"
	    PACKAGE_VERSION) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, c) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, xferinfo_cb) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, c) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf) != CURLE_OK;
	if (bad) {
		sync_client_free(c);
		return SYNC_BADMSG;
	}
	*out = c;
	return SYNC_OK;
}

void
sync_client_free(struct sync_client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	free(c->url);
	store_buf_free(&c->resp);
	free(c);
}

/*
 * One request.  SYNC_IO when there was no answer at all; otherwise the
 * status is in c->status and the body in c->resp.
 */
static enum sync_status
request(struct sync_client *c, const struct sync_node *me, const char *method,
    const char *target, const char *body, size_t len, int sign, char *err,
    size_t errlen)
{
	struct curl_slist	*hdrs = NULL, *nh;
	char			 url[1024], h[256], sig[SYNC_SIG_B64];
	uint64_t		 t = now_ms();
	CURLcode		 cc;
	int			 bad = 0;

	snprintf(url, sizeof(url), "%s%s", c->url, target);
	store_buf_reset(&c->resp);
	c->status = 0;
	c->toobig = 0;
	c->errbuf[0] = '\0';
	/* No "Expect: 100-continue" round trip before each batch. */
	if ((nh = curl_slist_append(hdrs, "Expect:")) != NULL)
		hdrs = nh;
	if (body != NULL && (nh = curl_slist_append(hdrs,
	    "Content-Type: application/x-ndjson")) != NULL)
		hdrs = nh;
	if (sign) {
		sync_request_sign(me->key, method, target, me->node, t, sig);
		snprintf(h, sizeof(h), "X-Minqing-Node: %s", me->node);
		if ((nh = curl_slist_append(hdrs, h)) != NULL)
			hdrs = nh;
		snprintf(h, sizeof(h), "X-Minqing-Time: %" PRIu64, t);
		if ((nh = curl_slist_append(hdrs, h)) != NULL)
			hdrs = nh;
		snprintf(h, sizeof(h), "X-Minqing-Signature: %s", sig);
		if ((nh = curl_slist_append(hdrs, h)) != NULL)
			hdrs = nh;
	}
	bad |= curl_easy_setopt(c->curl, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
	if (body != NULL) {
		bad |= curl_easy_setopt(c->curl, CURLOPT_POST, 1L) != CURLE_OK;
		bad |= curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body) !=
		    CURLE_OK;
		bad |= curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len) != CURLE_OK;
	} else
		bad |= curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L) !=
		    CURLE_OK;
	cc = bad ? CURLE_FAILED_INIT : curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s %.200s: %s", method, target,
		    c->toobig ? "answer too large" : c->errbuf[0] != '\0' ?
		    c->errbuf : curl_easy_strerror(cc));
		return SYNC_IO;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	return SYNC_OK;
}

/* "HTTP 403 untrusted: unknown node x" from an error answer. */
static void
http_error(struct sync_client *c, const char *what, char *err, size_t errlen)
{
	cJSON		*j;
	const char	*e = NULL, *d = NULL;

	j = cJSON_ParseWithLength(c->resp.data != NULL ? c->resp.data : "",
	    c->resp.len);
	if (j != NULL) {
		e = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
		d = cJSON_GetStringValue(cJSON_GetObjectItem(j, "detail"));
	}
	snprintf(err, errlen, "%s: HTTP %ld %s%s%s", what, c->status,
	    e != NULL ? e : "error", d != NULL ? ": " : "", d != NULL ? d : "");
	cJSON_Delete(j);
}

static uint64_t
json_u64(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > 9007199254740991.0)
		return 0;
	return (uint64_t)v->valuedouble;
}

struct metaput {
	const char	*key[4];
	char		 val[4][300];
	int		 n;
};

static enum store_status
metaput_cb(struct store_txn *t, void *arg)
{
	struct metaput		*m = arg;
	enum store_status	 rc;
	int			 i;

	for (i = 0; i < m->n; i++)
		if ((rc = store_meta_put(t, m->key[i], m->val[i])) != STORE_OK)
			return rc;
	return STORE_OK;
}

static enum store_status
meta_set(const struct sync_node *me, const char *key, const char *val)
{
	struct metaput	m;

	m.n = 1;
	m.key[0] = key;
	snprintf(m.val[0], sizeof(m.val[0]), "%s", val);
	return store_write(me->st, metaput_cb, &m);
}

/* Logs to push: all held but those that came down from above. */
struct pushlist {
	struct store_txn	*t;
	const struct sync_node	*me;
	struct store_loginfo	*v;
	size_t			 n, cap;
	int			 nomem;
};

static int
pushlist_cb(const struct store_loginfo *li, void *arg)
{
	struct pushlist		*p = arg;
	struct store_loginfo	*nv;
	size_t			 ncap;

	if (sync_log_pulled(p->t, li->name))
		return 0;
	if (p->n == p->cap) {
		ncap = p->cap ? p->cap * 2 : 16;
		if ((nv = reallocarray(p->v, ncap, sizeof(*nv))) == NULL) {
			p->nomem = 1;
			return 1;
		}
		p->v = nv;
		p->cap = ncap;
	}
	p->v[p->n++] = *li;
	return 0;
}

static int
own_first(const void *a, const void *b, void *arg)
{
	const struct store_loginfo	*x = a, *y = b;
	const char			*me = arg;
	size_t				 n = strlen(me);
	int				 ox, oy;

	ox = strncmp(x->name, me, n) == 0 && x->name[n] == '/';
	oy = strncmp(y->name, me, n) == 0 && y->name[n] == '/';
	if (ox != oy)
		return oy - ox;
	return strcmp(x->name, y->name);
}

static enum sync_status
push_list(const struct sync_node *me, struct pushlist *p)
{
	enum store_status	rc;

	memset(p, 0, sizeof(*p));
	p->me = me;
	if (store_read_begin(me->st, &p->t) != STORE_OK)
		return SYNC_IO;
	rc = store_logs_foreach(p->t, pushlist_cb, p);
	store_txn_abort(p->t);
	if (rc != STORE_OK || p->nomem)
		return SYNC_IO;
	if (p->n > 1)
		qsort_r(p->v, p->n, sizeof(*p->v), own_first, (void *)me->node);
	return SYNC_OK;
}

struct ckfind {
	uint64_t	 have, cut;
	uint64_t	 within, past;
};

static int
ckfind_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct ckfind	*f = arg;

	(void)line; (void)len;
	if (seq > f->have && seq <= f->cut)
		f->within = seq;
	else if (seq > f->cut) {
		f->past = seq;
		return 1;
	}
	return 0;
}

struct ckat {
	uint64_t		 seq;
	struct store_buf	*out;
	int			 found;
};

static int
ckat_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct ckat	*a = arg;

	if (seq < a->seq)
		return 0;
	if (seq == a->seq && store_buf_add(a->out, line, len) == STORE_OK)
		a->found = 1;
	return 1;
}

/* The stored checkpoint line of log at seq. */
static enum store_status
ck_at(struct store_txn *t, const char *log, uint64_t seq,
    struct store_buf *out)
{
	struct ckat		a = { seq, out, 0 };
	enum store_status	rc;

	store_buf_reset(out);
	if ((rc = store_checkpoint_foreach(t, log, ckat_cb, &a)) != STORE_OK)
		return rc;
	return a.found ? STORE_OK : STORE_NOTFOUND;
}

struct sizer {
	uint64_t	 cut;
	size_t		 bytes, max_bytes, max_entries, n;
};

static int
sizer_cb(uint64_t seq, const char *line, size_t len, void *arg)
{
	struct sizer	*s = arg;

	(void)line;
	if (s->n > 0 && (s->n >= s->max_entries ||
	    s->bytes + len + 1 > s->max_bytes))
		return 1;
	s->bytes += len + 1;
	s->n++;
	s->cut = seq;
	return 0;
}

/* The last seq before the first rotation in (have, cut), else cut. */
static uint64_t
rotation_cut(struct store_txn *t, const char *node, uint64_t have,
    uint64_t cut)
{
	const cJSON	*it;
	const char	*json;
	size_t		 len;
	cJSON		*j;
	uint64_t	 r;

	if (store_get_record(t, STORE_K_KEYS, node, &json, &len) != STORE_OK ||
	    (j = cJSON_ParseWithLength(json, len)) == NULL)
		return cut;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "keys")) {
		r = json_u64(it, "from");
		if (r > 0 && r - 1 > have && r - 1 < cut) {
			cut = r - 1;
			break;
		}
	}
	cJSON_Delete(j);
	return cut;
}

/*
 * The batch after have: entries up to a checkpoint, within the limits when
 * a stored checkpoint (or, for this node's own log, a fresh signature)
 * allows.  *end is 0 when there is nothing to send.
 */
static enum sync_status
batch_make(struct sync_client *c, const struct sync_node *me,
    const char *log, uint64_t have, struct store_buf *out, uint64_t *end,
    char *err, size_t errlen)
{
	struct store_txn	*t;
	struct store_loginfo	 li;
	struct sizer		 sz;
	struct ckfind		 f;
	struct store_buf	 ck = STORE_BUF_INIT;
	const char		*line;
	size_t			 len;
	uint64_t		 since = 0;
	unsigned char		 h[STORE_HASH_BYTES];
	char			 node[STORE_NODE_MAX + 1];
	enum sync_status	 rc = SYNC_IO;

	*end = 0;
	store_buf_reset(out);
	snprintf(node, sizeof(node), "%.*s", (int)strcspn(log, "/"), log);
	if (store_read_begin(me->st, &t) != STORE_OK) {
		snprintf(err, errlen, "cannot read the store");
		return SYNC_IO;
	}
	if (store_log_info(t, log, &li) != STORE_OK || li.seq <= have) {
		rc = SYNC_OK;
		goto out;
	}
	memset(&sz, 0, sizeof(sz));
	sz.max_bytes = c->batch_bytes;
	sz.max_entries = c->batch_entries;
	if (store_log_foreach(t, log, have, sizer_cb, &sz) != STORE_OK)
		goto out;
	/*
	 * A batch never spans a key rotation: the entry that names the new
	 * key must first be accepted under a checkpoint of the old one.
	 */
	sz.cut = rotation_cut(t, node, have, sz.cut);
	memset(&f, 0, sizeof(f));
	f.have = have;
	f.cut = sz.cut;
	if (store_checkpoint_foreach(t, log, ckfind_cb, &f) != STORE_OK)
		goto out;
	(void)sync_meta_u64(t, "key.since", &since);
	if (f.within != 0 && f.within == sz.cut)
		*end = f.within;
	else if (strcmp(node, me->node) == 0 && sz.cut > since) {
		/* Our own log: sign the cut with the key in use since then. */
		if (store_log_get(t, log, sz.cut, &line, &len) != STORE_OK)
			goto out;
		store_hash(line, len, h);
		if (sync_checkpoint_make(me->key, log, sz.cut, h, &ck) !=
		    SYNC_OK)
			goto out;
		*end = sz.cut;
	} else if (f.within != 0)
		*end = f.within;
	else if (f.past != 0)
		*end = f.past;
	else {
		snprintf(err, errlen, "%s: no checkpoint covers seq %" PRIu64,
		    log, have + 1);
		rc = SYNC_BADMSG;
		goto out;
	}
	if (ck.len == 0 && ck_at(t, log, *end, &ck) != STORE_OK)
		goto out;
	if (batch_write(t, log, ck.data, ck.len, have, *end, out) != STORE_OK)
		goto out;
	rc = SYNC_OK;
out:
	if (rc == SYNC_IO && err[0] == '\0')
		snprintf(err, errlen, "%s: cannot read the log", log);
	store_buf_free(&ck);
	store_txn_abort(t);
	return rc;
}

/* The receipt of a 200 must be the hub's, for this log, up to have. */
static enum sync_status
receipt_check(const struct sync_node *me, const cJSON *j, const char *log,
    uint64_t *have, uint64_t *hub_ms, char *err, size_t errlen)
{
	struct sync_receipt	 r;
	const cJSON		*rc = cJSON_GetObjectItemCaseSensitive(j,
				    "receipt");
	char			*txt;
	size_t			 i;
	enum sync_status	 s;

	if (rc == NULL || (txt = cJSON_PrintUnformatted(rc)) == NULL) {
		snprintf(err, errlen, "push %s: answer without a receipt", log);
		return SYNC_BADMSG;
	}
	s = sync_receipt_verify(txt, strlen(txt), &r, err, errlen);
	cJSON_free(txt);
	if (s != SYNC_OK)
		return s;
	for (i = 0; i < me->nhub_keys; i++)
		if (strcmp(me->hub_keys[i], r.key) == 0)
			break;
	if (i == me->nhub_keys || strcmp(r.log, log) != 0) {
		snprintf(err, errlen, "push %s: receipt not signed by the hub's "
		    "key", log);
		return SYNC_BADSIG;
	}
	*have = r.have;
	*hub_ms = r.at_ms;
	return SYNC_OK;
}

static enum sync_status
ack_put(const struct sync_node *me, const char *log, uint64_t have)
{
	struct metaput	m;

	m.n = 1;
	m.key[0] = m.val[1];
	snprintf(m.val[1], sizeof(m.val[1]), "ack:%s", log);
	snprintf(m.val[0], sizeof(m.val[0]), "%" PRIu64, have);
	return store_write(me->st, metaput_cb, &m) == STORE_OK ? SYNC_OK :
	    SYNC_IO;
}

/* The seq up to which the upstream acknowledged log; 0 if none. */
static uint64_t
ack_get(const struct sync_node *me, const char *log)
{
	struct store_txn	*t;
	char			 key[STORE_LOG_MAX + 8];
	uint64_t		 v = 0;

	snprintf(key, sizeof(key), "ack:%s", log);
	if (store_read_begin(me->st, &t) != STORE_OK)
		return 0;
	(void)sync_meta_u64(t, key, &v);
	store_txn_abort(t);
	return v;
}

struct cycle {
	int			 unreachable;	/* a request got no answer */
	struct sync_client	*c;
	const struct sync_node	*me;
	char			*err;
	size_t			 errlen;
	int64_t			 offset_ms;
	int			 have_offset;
	int			 failed;
};

static void
cycle_error(struct cycle *cy, const char *msg)
{
	if (!cy->failed)
		snprintf(cy->err, cy->errlen, "%s", msg);
	cy->failed = 1;
}

/* Pushes one log until the upstream holds all of it. */
static enum sync_status
push_log(struct cycle *cy, const struct store_loginfo *li)
{
	struct sync_client	*c = cy->c;
	struct store_buf	 body = STORE_BUF_INIT;
	char			 target[STORE_LOG_MAX + 16], msg[512];
	uint64_t		 have, end, got, hub_ms, t0;
	cJSON			*j;
	enum sync_status	 rc;
	int			 round, own;

	snprintf(target, sizeof(target), "/v1/logs/%s", li->name);
	if ((rc = request(c, cy->me, "GET", target, NULL, 0, 0, msg,
	    sizeof(msg))) != SYNC_OK) {
		cy->unreachable = 1;
		cycle_error(cy, msg);
		return rc;
	}
	if (c->status == 404)
		have = 0;
	else if (c->status == 200 && (j = cJSON_ParseWithLength(c->resp.data,
	    c->resp.len)) != NULL) {
		have = json_u64(j, "have");
		cJSON_Delete(j);
	} else {
		http_error(c, target, msg, sizeof(msg));
		cycle_error(cy, msg);
		return SYNC_BADMSG;
	}
	own = strncmp(li->name, cy->me->node, strlen(cy->me->node)) == 0 &&
	    li->name[strlen(cy->me->node)] == '/';
	if (own && have > li->seq) {
		/* Entries of ours that we no longer hold: an old copy. */
		snprintf(msg, sizeof(msg), "%s: the upstream holds %" PRIu64
		    " entries of it, this store only %" PRIu64 " (restored "
		    "from an older copy?); new entries would fork the log",
		    li->name, have, li->seq);
		cycle_error(cy, msg);
		return SYNC_BADMSG;
	}
	if (have == li->seq && have > 0 && ack_get(cy->me, li->name) < have) {
		/*
		 * The upstream holds as many entries as we do, but never
		 * acknowledged them (its answer was lost, or they reached it
		 * another way): send the last one again.  Its receipt marks
		 * them delivered, or its 409 says the entries it holds are
		 * not ours.
		 */
		have--;
	}
	for (round = 0; round < PUSH_ROUNDS && have < li->seq; round++) {
		msg[0] = '\0';
		if ((rc = batch_make(c, cy->me, li->name, have, &body, &end,
		    msg, sizeof(msg))) != SYNC_OK || end == 0) {
			if (rc != SYNC_OK)
				cycle_error(cy, msg);
			break;
		}
		t0 = now_ms();
		if ((rc = request(c, cy->me, "POST", target, body.data,
		    body.len, 0, msg, sizeof(msg))) != SYNC_OK) {
			cy->unreachable = 1;
			cycle_error(cy, msg);
			break;
		}
		j = cJSON_ParseWithLength(c->resp.data != NULL ? c->resp.data :
		    "", c->resp.len);
		if (c->status == 200) {
			rc = receipt_check(cy->me, j, li->name, &got, &hub_ms,
			    msg, sizeof(msg));
			cJSON_Delete(j);
			if (rc != SYNC_OK) {
				cycle_error(cy, msg);
				break;
			}
			/* The hub's clock against the middle of the call. */
			cy->offset_ms = (int64_t)hub_ms -
			    (int64_t)((t0 + now_ms()) / 2);
			cy->have_offset = 1;
			if (got <= have) {
				cycle_error(cy, "push made no progress");
				break;
			}
			have = got;
			if ((rc = ack_put(cy->me, li->name, have)) != SYNC_OK)
				break;
			if (c->progress != NULL && c->progress(c->parg,
			    li->name, have, li->seq) != 0)
				break;
			continue;
		}
		if (c->status == 413 && (c->batch_entries > 1 ||
		    c->batch_bytes > 4096)) {
			/* Too large: halve the batch and try again. */
			cJSON_Delete(j);
			c->batch_entries = c->batch_entries > 1 ?
			    c->batch_entries / 2 : 1;
			c->batch_bytes = c->batch_bytes > 8192 ?
			    c->batch_bytes / 2 : 4096;
			continue;
		}
		if (c->status == 409 && j != NULL &&
		    cJSON_GetObjectItemCaseSensitive(j, "have") != NULL &&
		    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j,
		    "error")) != NULL ? cJSON_GetStringValue(
		    cJSON_GetObjectItem(j, "error")) : "", "gap") == 0 &&
		    json_u64(j, "have") != have) {
			/* The hub holds another count: start from there. */
			have = json_u64(j, "have");
			cJSON_Delete(j);
			continue;
		}
		cJSON_Delete(j);
		http_error(c, target, msg, sizeof(msg));
		cycle_error(cy, msg);
		rc = SYNC_BADMSG;
		break;
	}
	store_buf_free(&body);
	return rc;
}

/* Pulls one stream addressed to this node until it is held whole. */
static void
pull_log(struct cycle *cy, const char *log, uint64_t want)
{
	struct sync_client	*c = cy->c;
	struct store_txn	*t;
	struct store_loginfo	 li;
	struct sync_result	 res;
	char			 target[STORE_LOG_MAX + 64], msg[512];
	uint64_t		 held = 0;
	int			 round;

	if (store_read_begin(cy->me->st, &t) == STORE_OK) {
		if (store_log_info(t, log, &li) == STORE_OK)
			held = li.seq;
		store_txn_abort(t);
	}
	for (round = 0; round < PUSH_ROUNDS && held < want; round++) {
		snprintf(target, sizeof(target), "/v1/logs/%s/entries?after=%"
		    PRIu64 "&limit=%zu", log, held, c->batch_entries);
		if (request(c, cy->me, "GET", target, NULL, 0, 1, msg,
		    sizeof(msg)) != SYNC_OK) {
			cy->unreachable = 1;
			cycle_error(cy, msg);
			return;
		}
		if (c->status != 200) {
			http_error(c, target, msg, sizeof(msg));
			cycle_error(cy, msg);
			return;
		}
		if (sync_batch_apply(cy->me, log, c->resp.data, c->resp.len,
		    SIZE_MAX, now_ms(), &res) != SYNC_OK) {
			snprintf(msg, sizeof(msg), "pull %s: %s: %s", log,
			    res.error != NULL ? res.error : "failed",
			    res.detail);
			cycle_error(cy, msg);
			return;
		}
		/* Streams from above are not pushed back up. */
		snprintf(msg, sizeof(msg), "pulled:%s", log);
		if (meta_set(cy->me, msg, "1") != STORE_OK) {
			cycle_error(cy, "cannot write the store");
			return;
		}
		if (res.have <= held)
			return;
		held = res.have;
	}
}

static void
pull(struct cycle *cy)
{
	struct sync_client	*c = cy->c;
	const cJSON		*it;
	cJSON			*j;
	char			 target[64], msg[512];
	const char		*log;

	snprintf(target, sizeof(target), "/v1/inbox/%s", cy->me->node);
	if (request(c, cy->me, "GET", target, NULL, 0, 1, msg, sizeof(msg)) !=
	    SYNC_OK) {
		cy->unreachable = 1;
		cycle_error(cy, msg);
		return;
	}
	if (c->status != 200 || (j = cJSON_ParseWithLength(c->resp.data,
	    c->resp.len)) == NULL) {
		http_error(c, target, msg, sizeof(msg));
		cycle_error(cy, msg);
		return;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "logs")) {
		log = cJSON_GetStringValue(cJSON_GetObjectItem(it, "log"));
		if (store_valid_log(log))
			pull_log(cy, log, json_u64(it, "have"));
	}
	cJSON_Delete(j);
}

enum sync_status
sync_client_cycle(struct sync_client *c, const struct sync_node *me,
    sync_progress_fn progress, void *parg, char *err, size_t errlen)
{
	struct cycle		cy;
	struct pushlist		pl;
	struct metaput		m;
	size_t			i;

	memset(&cy, 0, sizeof(cy));
	cy.c = c;
	cy.me = me;
	cy.err = err;
	cy.errlen = errlen;
	err[0] = '\0';
	c->progress = progress;
	c->parg = parg;
	if (push_list(me, &pl) != SYNC_OK)
		cycle_error(&cy, "cannot read the store");
	for (i = 0; i < pl.n; i++) {
		/* Without an answer at all, the rest would fail the same way. */
		if (push_log(&cy, &pl.v[i]) == SYNC_IO)
			break;
	}
	free(pl.v);
	if (!cy.failed || i == pl.n)
		pull(&cy);
	m.n = 0;
	m.key[m.n] = "sync.last_attempt";
	snprintf(m.val[m.n++], sizeof(m.val[0]), "%" PRIu64, now_ms());
	m.key[m.n] = "sync.last_error";
	snprintf(m.val[m.n++], sizeof(m.val[0]), "%s", cy.failed ? err : "");
	if (!cy.failed) {
		m.key[m.n] = "sync.last_success";
		snprintf(m.val[m.n++], sizeof(m.val[0]), "%" PRIu64, now_ms());
	}
	if (cy.have_offset) {
		m.key[m.n] = "sync.offset";
		snprintf(m.val[m.n++], sizeof(m.val[0]), "%" PRId64,
		    cy.offset_ms);
	}
	if (store_write(me->st, metaput_cb, &m) != STORE_OK)
		cycle_error(&cy, "cannot write the sync status");
	if (!cy.failed)
		return SYNC_OK;
	return cy.unreachable ? SYNC_IO : SYNC_BADMSG;
}
