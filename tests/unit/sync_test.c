/*
 * Unit tests of sync/: key files and their permissions, and checkpoints:
 * the round trip, and every way a checkpoint can lie.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sync/sync.h"
#include "tests/unit/test.h"

static enum store_status
append_one(struct store_txn *t, void *arg)
{
	return store_append(t, "br/main", "household.add", "clerk", arg, NULL);
}

static enum store_status
enroll_one(struct store_txn *t, void *arg)
{
	return store_append(t, "hub/main", "peer.enroll", "clerk", arg, NULL);
}

static void
test_keys(void)
{
	struct sync_key	*k = NULL, *k2 = NULL;
	char		*dir = test_tmpdir(), path[600], err[512];
	char		 pub[SYNC_PK_B64], pub2[SYNC_PK_B64];
	struct stat	 sb;
	FILE		*fp;

	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_NOKEY);
	CHECK_RC(sync_key_generate(&k), SYNC_OK);
	CHECK_RC(sync_key_save(k, dir, err, sizeof(err)), SYNC_OK);
	CHECK_RC(sync_key_save(k, dir, err, sizeof(err)), SYNC_EXISTS);
	snprintf(path, sizeof(path), "%s/node.key", dir);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_OK);
	sync_key_public(k, pub);
	sync_key_public(k2, pub2);
	CHECK(strlen(pub) == 44 && strcmp(pub, pub2) == 0);
	sync_key_free(k2);
	k2 = NULL;
	chmod(path, 0640);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_PERM);
	CHECK(strstr(err, "readable by others") != NULL);
	chmod(path, 0604);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_PERM);
	chmod(path, 0600);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("not a key\n", fp);
		fclose(fp);
	}
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_BADMSG);
	CHECK(k2 == NULL);
	sync_key_free(k);
	sync_key_free(NULL);
	test_rmdir(dir);
}

static void
replace(char *s, const char *from, const char *to)
{
	char	*p, tail[1024];

	if ((p = strstr(s, from)) == NULL)
		return;
	snprintf(tail, sizeof(tail), "%s", p + strlen(from));
	snprintf(p, 1024 - (size_t)(p - s), "%s%s", to, tail);
}

static void
test_checkpoints(void)
{
	struct sync_key		*k = NULL, *other = NULL;
	struct sync_checkpoint	 ck;
	struct store_buf	 line = STORE_BUF_INIT, line2 = STORE_BUF_INIT;
	unsigned char		 head[STORE_HASH_BYTES];
	char			 err[256], buf[1024], pub[SYNC_PK_B64];
	char			 opub[SYNC_PK_B64];

	CHECK_RC(sync_key_generate(&k), SYNC_OK);
	CHECK_RC(sync_key_generate(&other), SYNC_OK);
	store_hash("entry", 5, head);
	CHECK_RC(sync_checkpoint_make(k, "zb/main", 42, head, &line), SYNC_OK);
	CHECK_RC(sync_checkpoint_verify(line.data, line.len, &ck, err,
	    sizeof(err)), SYNC_OK);
	sync_key_public(k, pub);
	CHECK(strcmp(ck.log, "zb/main") == 0 && ck.seq == 42);
	CHECK(memcmp(ck.head, head, sizeof(head)) == 0);
	CHECK(strcmp(ck.key, pub) == 0);

	/* Each field changed after signing breaks the signature. */
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":43");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "zb/main", "zc/main");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	buf[strstr(buf, "\"head\":\"") - buf + 8] ^= 1;
	CHECK(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)) != SYNC_OK);
	/* Another key named in place of the signer's. */
	sync_key_public(other, opub);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, pub, opub);
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	/* A signature by another key over the same prefix verifies, and
	 * names that key: trusting it is the caller's decision. */
	CHECK_RC(sync_checkpoint_make(other, "zb/main", 42, head, &line2),
	    SYNC_OK);
	CHECK_RC(sync_checkpoint_verify(line2.data, line2.len, &ck, err,
	    sizeof(err)), SYNC_OK);
	CHECK(strcmp(ck.key, opub) == 0);
	/* Malformed. */
	CHECK_RC(sync_checkpoint_verify("{}", 2, &ck, err, sizeof(err)),
	    SYNC_BADMSG);
	CHECK_RC(sync_checkpoint_verify("", 0, &ck, err, sizeof(err)),
	    SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":9007199254740993");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":4.2");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "zb/main", "../main");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s trailing", line.data);
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	store_buf_free(&line);
	store_buf_free(&line2);
	sync_key_free(k);
	sync_key_free(other);
}

/* A branch store with n entries and a checkpoint, its batch as text. */
static struct store *
branch(const char *dir, const struct sync_key *k, int n, struct store_buf *out)
{
	struct store		*st = NULL;
	struct store_txn	*t;
	struct store_loginfo	 li;
	struct store_buf	 ck = STORE_BUF_INIT;
	char			 body[128];
	const char		*line;
	size_t			 len;
	int			 i;

	if (store_open(dir, STORE_CREATE, &st) != STORE_OK)
		return st;
	for (i = 1; i <= n; i++) {
		snprintf(body, sizeof(body), "{\"id\":\"br:H%d\",\"address\":"
		    "\"x\",\"group\":\"g\"}", i);
		CHECK_RC(store_write(st, append_one, body), STORE_OK);
	}
	CHECK_RC(store_read_begin(st, &t), STORE_OK);
	CHECK_RC(store_log_info(t, "br/main", &li), STORE_OK);
	CHECK_RC(sync_checkpoint_make(k, "br/main", li.seq, li.head, &ck),
	    SYNC_OK);
	store_buf_reset(out);
	CHECK(store_buf_add(out, ck.data, ck.len) == STORE_OK);
	CHECK(store_buf_addstr(out, "\n") == STORE_OK);
	for (i = 1; i <= n; i++) {
		CHECK_RC(store_log_get(t, "br/main", (uint64_t)i, &line, &len),
		    STORE_OK);
		CHECK(store_buf_add(out, line, len) == STORE_OK);
		CHECK(store_buf_addstr(out, "\n") == STORE_OK);
	}
	store_txn_abort(t);
	store_buf_free(&ck);
	return st;
}

static void
call(const struct sync_node *me, const char *method, const char *path,
    const char *query, const char *ctype, const struct store_buf *body,
    struct sync_response *r)
{
	static const struct sync_limits	 lim = { 1000, 1 << 20 };
	struct sync_request		 req;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	req.query = query;
	req.content_type = ctype;
	req.body = body != NULL ? body->data : "";
	req.body_len = body != NULL ? body->len : 0;
	req.now_ms = 1796000000000ULL;
	store_buf_reset(&r->body);
	sync_server_handle(me, &lim, &req, r);
}

static void
test_server(void)
{
	struct sync_key		*hk = NULL, *bk = NULL;
	struct sync_node	 hub;
	struct sync_response	 r;
	struct sync_receipt	 rc;
	struct store_buf	 batch = STORE_BUF_INIT, enroll = STORE_BUF_INIT;
	struct store		*bst;
	cJSON			*j;
	char			*dir = test_tmpdir(), sub[600], err[256];
	char			 pub[SYNC_PK_B64], *p;
	const char		*nd = "application/x-ndjson";

	memset(&r, 0, sizeof(r));
	memset(&hub, 0, sizeof(hub));
	CHECK_RC(sync_key_generate(&hk), SYNC_OK);
	CHECK_RC(sync_key_generate(&bk), SYNC_OK);
	snprintf(sub, sizeof(sub), "%s/br", dir);
	mkdir(sub, 0700);
	bst = branch(sub, bk, 3, &batch);
	snprintf(sub, sizeof(sub), "%s/hub", dir);
	mkdir(sub, 0700);
	CHECK_RC(store_open(sub, STORE_CREATE, &hub.st), STORE_OK);
	snprintf(hub.node, sizeof(hub.node), "hub");
	hub.key = hk;

	call(&hub, "GET", "/v1/health", NULL, NULL, NULL, &r);
	CHECK(r.status == 200 && strstr(r.body.data, "\"node\":\"hub\"") != NULL);
	call(&hub, "GET", "/v1/logs/br/main", NULL, NULL, NULL, &r);
	CHECK(r.status == 404);
	/* Not enrolled yet. */
	call(&hub, "POST", "/v1/logs/br/main", NULL, nd, &batch, &r);
	CHECK(r.status == 403 && strstr(r.body.data, "untrusted") != NULL);
	sync_key_public(bk, pub);
	snprintf(err, sizeof(err), "{\"node\":\"br\",\"key\":\"%s\"}", pub);
	CHECK(store_buf_addstr(&enroll, err) == STORE_OK);
	CHECK_RC(store_write(hub.st, enroll_one, enroll.data), STORE_OK);
	call(&hub, "POST", "/v1/logs/br/main", NULL, "text/plain", &batch, &r);
	CHECK(r.status == 415);
	call(&hub, "POST", "/v1/logs/zz/main", NULL, nd, &batch, &r);
	CHECK(r.status == 400 && strstr(r.body.data, "wrong-log") != NULL);
	call(&hub, "POST", "/v1/logs/br/main", NULL, nd, &batch, &r);
	CHECK(r.status == 200);
	/* Every entry applied: none skipped. */
	CHECK(strstr(r.body.data, "\"skipped\":0") != NULL &&
	    strstr(r.body.data, "skipped_entries") == NULL);
	j = cJSON_Parse(r.body.data);
	CHECK(j != NULL && cJSON_GetObjectItem(j, "have") != NULL &&
	    cJSON_GetObjectItem(j, "have")->valuedouble == 3);
	p = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "receipt"));
	CHECK(p != NULL && sync_receipt_verify(p, strlen(p), &rc, err,
	    sizeof(err)) == SYNC_OK && rc.have == 3 &&
	    rc.at_ms == 1796000000000ULL);
	sync_key_public(hk, pub);
	CHECK(strcmp(rc.key, pub) == 0);
	cJSON_free(p);
	cJSON_Delete(j);
	/* The same batch again: 200, nothing added. */
	call(&hub, "POST", "/v1/logs/br/main", NULL, nd, &batch, &r);
	CHECK(r.status == 200 && strstr(r.body.data, "\"added\":0") != NULL);
	call(&hub, "GET", "/v1/logs/br/main", NULL, NULL, NULL, &r);
	CHECK(r.status == 200 && strstr(r.body.data, "\"have\":3") != NULL);
	/* Calls that need a node signature. */
	call(&hub, "GET", "/v1/logs/hub/to-br/entries", "after=0", NULL, NULL,
	    &r);
	CHECK(r.status == 403);
	call(&hub, "GET", "/v1/inbox/br", NULL, NULL, NULL, &r);
	CHECK(r.status == 403);
	call(&hub, "GET", "/v1/logs/..%2f/main", NULL, NULL, NULL, &r);
	CHECK(r.status == 400);
	call(&hub, "GET", "/v2/nothing", NULL, NULL, NULL, &r);
	CHECK(r.status == 404);
	call(&hub, "DELETE", "/v1/logs/br/main", NULL, NULL, NULL, &r);
	CHECK(r.status == 405);
	/* Malformed bodies. */
	store_buf_reset(&enroll);
	CHECK(store_buf_addstr(&enroll, "not json\n") == STORE_OK);
	call(&hub, "POST", "/v1/logs/br/main", NULL, nd, &enroll, &r);
	CHECK(r.status == 400);
	store_buf_reset(&enroll);
	call(&hub, "POST", "/v1/logs/br/main", NULL, nd, &enroll, &r);
	CHECK(r.status == 400);

	store_buf_free(&r.body);
	store_buf_free(&batch);
	store_buf_free(&enroll);
	store_close(hub.st);
	store_close(bst);
	sync_key_free(hk);
	sync_key_free(bk);
	test_rmdir(dir);
}

int
main(void)
{
	test_keys();
	test_checkpoints();
	test_server();
	return test_done("sync_test");
}
