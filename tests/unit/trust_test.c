/*
 * T10, the keys: a truth table of enrolment, rotation and revocation.  For
 * each case, which key may sign a node's checkpoint at which seq.  Before a
 * rotation the old key, after it the new; a rotation signed by one key only
 * changes nothing; after a revocation's cut-off nothing; after a new
 * enrolment the new key from the cut-off on, and the earlier keys still for
 * the seqs they covered.
 */
#include "config.h"

#include <sys/stat.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"
#include "tests/unit/test.h"

struct put {
	const char	*log;
	const char	*type;
	char		 body[512];
};

static enum store_status
put_cb(struct store_txn *t, void *arg)
{
	struct put	*p = arg;

	return store_append(t, p->log, p->type, "test", p->body, NULL);
}

static void
put(struct store *st, const char *log, const char *type, const char *body)
{
	struct put	p;

	p.log = log;
	p.type = type;
	snprintf(p.body, sizeof(p.body), "%s", body);
	CHECK_RC(store_write(st, put_cb, &p), STORE_OK);
}

/* Writes n households into the branch's log "x/main". */
static void
fill(struct store *st, int from, int n)
{
	char	body[128];
	int	i;

	for (i = from; i < from + n; i++) {
		snprintf(body, sizeof(body), "{\"id\":\"x:H%d\",\"address\":"
		    "\"a\",\"group\":\"g\"}", i);
		put(st, "x/main", "household.add", body);
	}
}

static int	rows;

static void
expect(struct store *st, const struct sync_node *hub, const char *what,
    uint64_t seq, const char *key, int want)
{
	struct store_txn	*t;
	char			 err[256] = "";
	int			 got;

	CHECK_RC(store_read_begin(st, &t), STORE_OK);
	got = sync_trust_check(t, hub, "x/main", seq, key, err, sizeof(err)) ==
	    SYNC_OK;
	store_txn_abort(t);
	printf("  %-44s seq %2" PRIu64 "  %-8s %s\n", what, seq,
	    got ? "accepted" : "refused", got == want ? "" : "  <- WRONG");
	CHECK(got == want);
	rows++;
}

int
main(void)
{
	struct sync_key		*hk = NULL, *k1 = NULL, *k2 = NULL, *k3 = NULL;
	struct sync_node	 hub;
	struct store		*st = NULL;
	char			*dir = test_tmpdir(), p1[SYNC_PK_B64];
	char			 p2[SYNC_PK_B64], p3[SYNC_PK_B64];
	char			 proof[SYNC_SIG_B64], body[512];

	CHECK_RC(sync_key_generate(&hk), SYNC_OK);
	CHECK_RC(sync_key_generate(&k1), SYNC_OK);
	CHECK_RC(sync_key_generate(&k2), SYNC_OK);
	CHECK_RC(sync_key_generate(&k3), SYNC_OK);
	sync_key_public(k1, p1);
	sync_key_public(k2, p2);
	sync_key_public(k3, p3);
	CHECK_RC(store_open(dir, STORE_CREATE, &st), STORE_OK);
	memset(&hub, 0, sizeof(hub));
	hub.st = st;
	hub.key = hk;
	snprintf(hub.node, sizeof(hub.node), "hub");
	printf("trust truth table (node x; keys k1, k2, k3):\n");

	expect(st, &hub, "not enrolled, k1", 1, p1, 0);
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\"}", p1);
	put(st, "hub/main", "peer.enroll", body);
	fill(st, 1, 3);					/* seqs 1-3 */
	expect(st, &hub, "enrolled with k1, k1", 3, p1, 1);
	expect(st, &hub, "enrolled with k1, k2", 3, p2, 0);

	/* A rotation with a proof by the wrong key: one key only. */
	sync_rotation_proof(k3, "x", p1, proof);
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\",\"old\":"
	    "\"%s\",\"proof\":\"%s\"}", p2, p1, proof);
	put(st, "x/main", "key.rotate", body);		/* seq 4 */
	fill(st, 4, 2);					/* seqs 5-6 */
	expect(st, &hub, "rotation to k2 proven by k3: k2 after", 5, p2, 0);
	expect(st, &hub, "rotation to k2 proven by k3: k1 after", 5, p1, 1);
	/* A rotation without a proof: one key only. */
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\",\"old\":"
	    "\"%s\"}", p2, p1);
	put(st, "x/main", "key.rotate", body);		/* seq 7 */
	fill(st, 7, 1);					/* seq 8 */
	expect(st, &hub, "rotation to k2 without proof: k2 after", 8, p2, 0);
	/* A proper rotation, signed by both keys. */
	sync_rotation_proof(k2, "x", p1, proof);
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\",\"old\":"
	    "\"%s\",\"proof\":\"%s\"}", p2, p1, proof);
	put(st, "x/main", "key.rotate", body);		/* seq 9 */
	fill(st, 9, 2);					/* seqs 10-11 */
	expect(st, &hub, "rotated to k2 at 9: k1 before the cut", 9, p1, 1);
	expect(st, &hub, "rotated to k2 at 9: k2 before the cut", 9, p2, 0);
	expect(st, &hub, "rotated to k2 at 9: k2 after", 10, p2, 1);
	expect(st, &hub, "rotated to k2 at 9: k1 after", 10, p1, 0);

	/* Revoked with the cut-off at 11. */
	put(st, "hub/main", "peer.revoke", "{\"node\":\"x\",\"seq\":11}");
	expect(st, &hub, "revoked at 11: k2 up to the cut", 11, p2, 1);
	expect(st, &hub, "revoked at 11: k2 after", 12, p2, 0);
	expect(st, &hub, "revoked at 11: k1 before the rotation", 8, p1, 1);
	/* Enrolled again with k3: from the cut-off on. */
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\"}", p3);
	put(st, "hub/main", "peer.enroll", body);
	expect(st, &hub, "enrolled again with k3: k3 after the cut", 12, p3,
	    1);
	expect(st, &hub, "enrolled again with k3: k3 before the cut", 11, p3,
	    0);
	expect(st, &hub, "enrolled again with k3: k2 after", 12, p2, 0);
	/* What the earlier enrolment covered stays verifiable. */
	expect(st, &hub, "enrolled again with k3: k2 up to the cut", 11, p2,
	    1);
	expect(st, &hub, "enrolled again with k3: k2 after the rotation", 10,
	    p2, 1);
	expect(st, &hub, "enrolled again with k3: k1 before the rotation", 8,
	    p1, 1);
	expect(st, &hub, "enrolled again with k3: k1 after the rotation", 10,
	    p1, 0);
	fill(st, 11, 2);				/* seqs 12-13 */
	expect(st, &hub, "enrolled again with k3: k3 on new entries", 13, p3,
	    1);

	/* Revoked again at 13, enrolled a third time with k1. */
	put(st, "hub/main", "peer.revoke", "{\"node\":\"x\",\"seq\":13}");
	snprintf(body, sizeof(body), "{\"node\":\"x\",\"key\":\"%s\"}", p1);
	put(st, "hub/main", "peer.enroll", body);
	expect(st, &hub, "third enrolment with k1: k1 after the cut", 14, p1,
	    1);
	expect(st, &hub, "third enrolment with k1: k3 in the second range",
	    13, p3, 1);
	expect(st, &hub, "third enrolment with k1: k3 at the second start",
	    12, p3, 1);
	expect(st, &hub, "third enrolment with k1: k1 in the second range",
	    13, p1, 0);
	expect(st, &hub, "third enrolment with k1: k2 in the first range",
	    11, p2, 1);
	expect(st, &hub, "third enrolment with k1: k1 in the first range", 3,
	    p1, 1);
	expect(st, &hub, "third enrolment with k1: k3 in the first range", 3,
	    p3, 0);
	expect(st, &hub, "third enrolment with k1: k3 after the cut", 14, p3,
	    0);
	printf("# cases: %d\n", rows);

	store_close(st);
	sync_key_free(hk);
	sync_key_free(k1);
	sync_key_free(k2);
	sync_key_free(k3);
	test_rmdir(dir);
	return test_done("trust_test");
}
