/*
 * minqing key rotate: a new key pair for this node.  The new public key is
 * written into the node's log, certified by a checkpoint that the old key
 * signs; from the next entry on, the new key signs.  The new key waits in
 * node.key.next until that entry is committed, then replaces node.key; an
 * interrupted rotation is finished, or undone, by the next command.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tools/tool.h"

struct rotate {
	struct tool	*t;
	char		 newpub[SYNC_PK_B64];
	char		 oldpub[SYNC_PK_B64];
	char		 proof[SYNC_SIG_B64];
};

static enum store_status
rotate_cb(struct store_txn *txn, void *arg)
{
	struct rotate		*r = arg;
	struct tool		*t = r->t;
	char			 body[384], since[24];
	uint64_t		 seq;
	enum store_status	 rc;

	snprintf(body, sizeof(body), "{\"node\":\"%s\",\"key\":\"%s\","
	    "\"old\":\"%s\",\"proof\":\"%s\"}", t->node, r->newpub,
	    r->oldpub, r->proof);
	if ((rc = store_append(txn, t->mainlog, "key.rotate", t->by, body,
	    &seq)) != STORE_OK ||
	    (rc = tool_checkpoint(t, txn)) != STORE_OK)
		return rc;
	snprintf(since, sizeof(since), "%" PRIu64, seq);
	return store_meta_put(txn, "key.since", since);
}

static void
swap_in(const char *dir)
{
	char	from[4200], to[4200];

	snprintf(from, sizeof(from), "%s/%s.next", dir, SYNC_KEYFILE);
	snprintf(to, sizeof(to), "%s/%s", dir, SYNC_KEYFILE);
	if (rename(from, to) != 0)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", from, strerror(errno));
	snprintf(from, sizeof(from), "%s/%s.next", dir, SYNC_PUBFILE);
	snprintf(to, sizeof(to), "%s/%s", dir, SYNC_PUBFILE);
	if (rename(from, to) != 0)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", from, strerror(errno));
}

static int
key_rotate(struct tool *t)
{
	struct rotate		 r;
	struct sync_key		*k = NULL;
	enum store_status	 rc;
	char			 err[512], path[4200];
	cJSON			*o;

	tool_open(t, 1);
	snprintf(path, sizeof(path), "%s/%s.next", t->dir, SYNC_KEYFILE);
	if (access(path, F_OK) == 0)
		tool_die(TOOL_EXIT_FAIL, "%s exists: another rotation is under "
		    "way", path);
	memset(&r, 0, sizeof(r));
	r.t = t;
	if (sync_key_generate(&k) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	if (sync_key_save_as(k, t->dir, ".next", err, sizeof(err)) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "%s", err);
	sync_key_public(k, r.newpub);
	sync_key_public(t->key, r.oldpub);
	/* Signed by both: the new key here, the old one by the checkpoint. */
	sync_rotation_proof(k, t->node, r.oldpub, r.proof);
	sync_key_free(k);
	if ((rc = store_write(t->st, rotate_cb, &r)) != STORE_OK) {
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s.next", t->dir,
		    SYNC_PUBFILE);
		unlink(path);
		tool_die_store(t, rc, "key rotate");
	}
	swap_in(t->dir);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "node", t->node);
		cJSON_AddStringToObject(o, "key", r.newpub);
		cJSON_AddStringToObject(o, "old", r.oldpub);
		tool_print_json(o);
	} else {
		puts(r.newpub);
		fprintf(stderr, "minqing: key rotated; send SIGHUP to a running "
		    "minqingd so that it signs with the new key\n");
	}
	return 0;
}

int
tool_key(struct tool *t, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "rotate") != 0)
		tool_usage("key", TOOL_EXIT_USAGE);
	(void)tool_getopt(t, "key", argc - 1, argv + 1, "", NULL);
	if (optind != argc - 1)
		tool_usage("key", TOOL_EXIT_USAGE);
	return key_rotate(t);
}

void
tool_key_recover(struct tool *t)
{
	struct sync_key		*k = NULL;
	struct store_txn	*txn;
	const char		*json;
	size_t			 len;
	char			 path[4200], pub[SYNC_PK_B64], err[512];
	int			 done = 0;

	snprintf(path, sizeof(path), "%s/%s.next", t->dir, SYNC_KEYFILE);
	if (access(path, F_OK) != 0)
		return;
	/* Committed if the log names the waiting key as the newest. */
	if (sync_key_load_as(t->dir, ".next", &k, err, sizeof(err)) ==
	    SYNC_OK && store_read_begin(t->st, &txn) == STORE_OK) {
		sync_key_public(k, pub);
		if (store_get_record(txn, STORE_K_KEYS, t->node, &json, &len) ==
		    STORE_OK && len > 60 && memmem(json, len, pub,
		    strlen(pub)) != NULL)
			done = 1;
		store_txn_abort(txn);
	}
	sync_key_free(k);
	if (done) {
		swap_in(t->dir);
		fprintf(stderr, "minqing: finished an interrupted key "
		    "rotation\n");
		return;
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.next", t->dir, SYNC_PUBFILE);
	unlink(path);
}
