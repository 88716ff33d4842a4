/*
 * Trust: which key may sign for which log.  A hub knows each node's key by
 * enrolment (peer.enroll entries, its own or a relay's that it enrolled);
 * a node may rotate to a new key, certified in its own log by the old one;
 * a revocation ends a key after a cut-off seq, and what was signed before
 * stays verifiable, also after the node is enrolled again (the peer record
 * keeps each earlier key with its seq range).  Keys of the nodes above come from the configuration.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "sync/sync.h"

static cJSON *
record(struct store_txn *t, char kind, const char *id)
{
	const char	*json;
	size_t		 len;

	if (store_get_record(t, kind, id, &json, &len) != STORE_OK)
		return NULL;
	return cJSON_ParseWithLength(json, len);
}

static const char *
str(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static uint64_t
num(const cJSON *o, const char *name, uint64_t dflt)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble < 0)
		return dflt;
	return (uint64_t)v->valuedouble;
}

/*
 * The key that signs seq: the base key, or the last rotation before it.
 * A rotation counts only with the new key's proof over the old one: a
 * rotation signed by one key only is ignored.
 */
static const char *
key_at(const char *node, const char *base, const cJSON *keys, uint64_t seq,
    uint64_t since)
{
	const cJSON	*it, *list;
	const char	*k = base, *old, *nk;
	int		 first = 1;

	list = cJSON_GetObjectItemCaseSensitive(keys, "keys");
	cJSON_ArrayForEach(it, list) {
		old = str(it, "old");
		nk = str(it, "key");
		/* A rotation older than the enrolment is superseded by it. */
		if (!sync_rotation_verify(node, old, nk, str(it, "proof")) ||
		    (since > 1 && num(it, "from", 0) <= since))
			continue;
		if (num(it, "from", UINT64_MAX) <= seq)
			k = nk;
		else {
			/* Before the first rotation: the key it replaced. */
			if (first && k == base && base == NULL)
				k = old;
			break;
		}
		first = 0;
	}
	return k;
}

/*
 * The enrolment whose range holds seq: the current one from its since on,
 * else an earlier one that a new enrolment after a revocation kept, up to
 * that revocation's cut-off.  NULL if none does.
 */
static const cJSON *
enrolment_at(const cJSON *peer, uint64_t seq)
{
	const cJSON	*it;

	if (seq >= num(peer, "since", 1))
		return peer;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(peer, "past"))
		if (seq >= num(it, "since", 1) && seq <= num(it, "seq", 0))
			return it;
	return NULL;
}

static void
log_node(const char *log, char *node)
{
	size_t	n = strcspn(log, "/");

	snprintf(node, STORE_NODE_MAX + 1, "%.*s", (int)n, log);
}

enum sync_status
sync_trust_check(struct store_txn *t, const struct sync_node *me,
    const char *log, uint64_t seq, const char *key, char *err, size_t errlen)
{
	cJSON			*peer = NULL, *keys = NULL, *cert = NULL;
	const cJSON		*en;
	char			 node[STORE_NODE_MAX + 1], pub[SYNC_PK_B64];
	const char		*want, *role, *by;
	enum sync_status	 rc = SYNC_PERM;
	size_t			 i;

	log_node(log, node);
	keys = record(t, STORE_K_KEYS, node);
	if (strcmp(node, me->node) == 0) {
		sync_key_public(me->key, pub);
		want = key_at(node, NULL, keys, seq, 1);
		if ((want != NULL && strcmp(want, key) == 0) ||
		    strcmp(pub, key) == 0)
			rc = SYNC_OK;
		else
			snprintf(err, errlen, "%s is signed by a key that is "
			    "not this node's", log);
		goto out;
	}
	for (i = 0; i < me->nhub_keys; i++)
		if (strcmp(me->hub_keys[i], key) == 0) {
			rc = SYNC_OK;
			goto out;
		}
	if ((peer = record(t, STORE_K_PEER, node)) == NULL) {
		snprintf(err, errlen, "unknown node %s", node);
		goto out;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(peer, "revoked")) &&
	    seq > num(peer, "seq", 0)) {
		snprintf(err, errlen, "node %s is revoked", node);
		goto out;
	}
	en = enrolment_at(peer, seq);
	want = en == NULL ? NULL : key_at(node, str(en, "key"), keys, seq,
	    num(en, "since", 1));
	if (want == NULL || strcmp(want, key) != 0) {
		snprintf(err, errlen, "%s seq %llu is not signed by the key of "
		    "%s", log, (unsigned long long)seq, node);
		goto out;
	}
	/* Enrolled by a relay: that relay must be one this node enrolled. */
	by = str(en, "certifier");
	if (by != NULL && strcmp(by, me->node) != 0) {
		cert = record(t, STORE_K_PEER, by);
		role = cert != NULL ? str(cert, "role") : NULL;
		if (cert == NULL || role == NULL || strcmp(role, "branch") == 0 ||
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cert,
		    "revoked")) || (str(cert, "certifier") != NULL &&
		    strcmp(str(cert, "certifier"), me->node) != 0)) {
			snprintf(err, errlen, "node %s was enrolled by %s, not "
			    "a relay of this node", node, by);
			goto out;
		}
	}
	rc = SYNC_OK;
out:
	cJSON_Delete(peer);
	cJSON_Delete(keys);
	cJSON_Delete(cert);
	return rc;
}

enum sync_status
sync_trust_node_key(struct store_txn *t, const struct sync_node *me,
    const char *node, char *key, char *err, size_t errlen)
{
	cJSON			*peer, *keys;
	const char		*k;
	enum sync_status	 rc = SYNC_PERM;

	(void)me;
	if ((peer = record(t, STORE_K_PEER, node)) == NULL) {
		snprintf(err, errlen, "unknown node %s", node);
		return SYNC_PERM;
	}
	keys = record(t, STORE_K_KEYS, node);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(peer, "revoked")))
		snprintf(err, errlen, "node %s is revoked", node);
	else if ((k = key_at(node, str(peer, "key"), keys, UINT64_MAX,
	    num(peer, "since", 1))) == NULL)
		snprintf(err, errlen, "node %s has no key", node);
	else {
		snprintf(key, SYNC_PK_B64, "%s", k);
		rc = SYNC_OK;
	}
	cJSON_Delete(peer);
	cJSON_Delete(keys);
	return rc;
}

int
sync_trust_reaches(struct store_txn *t, const char *node, const char *target)
{
	cJSON		*peer;
	const char	*by;
	int		 ok;

	if (strcmp(node, target) == 0)
		return 1;
	if ((peer = record(t, STORE_K_PEER, target)) == NULL)
		return 0;
	by = str(peer, "certifier");
	ok = by != NULL && strcmp(by, node) == 0;
	cJSON_Delete(peer);
	return ok;
}

int
sync_node_hub_keys(struct sync_node *me, const char *s)
{
	char		 buf[1024], *p, *tok;
	unsigned char	 pk[SYNC_PK_BYTES];
	size_t		 n;

	me->nhub_keys = 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	for (p = buf; (tok = strsep(&p, " ,")) != NULL; ) {
		if (*tok == '\0')
			continue;
		if (me->nhub_keys == SYNC_HUB_KEYS || strlen(tok) >= SYNC_PK_B64 ||
		    sodium_base642bin(pk, sizeof(pk), tok, strlen(tok), NULL,
		    &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n != sizeof(pk))
			return -1;
		snprintf(me->hub_keys[me->nhub_keys++], SYNC_PK_B64, "%s", tok);
	}
	return 0;
}
