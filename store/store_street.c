/*
 * Streets: which street office each node belongs to, read from the peer
 * records.  A peer record keeps its certifier, the node whose log holds the
 * peer.enroll: on a district hub the street offices are enrolled by the hub
 * itself and the branches by their street office, whose log reaches the hub.
 *
 * The street of node X is X itself when X is a street office (a peer whose
 * role is not branch, or that enrolled some other peer), else the certifier
 * of X's peer record.  So a branch enrolled by the hub directly falls under
 * the hub's id, with the hub's own records, and a node without a peer record
 * (this node, or one no enrolment names) is its own street.  Entries are kept
 * sorted by node.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct street {
	char	node[STORE_NODE_MAX + 1];
	char	certifier[STORE_NODE_MAX + 1];
	char	street[STORE_NODE_MAX + 1];
	int	office;		/* a street office itself */
};

struct store_streets {
	struct street	*v;
	size_t		 n, cap;
	size_t		 grouped;	/* nodes whose street is another */
	enum store_status rc;
};

static int
peer_cb(const char *id, const char *json, size_t len, void *arg)
{
	struct store_streets	*s = arg;
	struct street		*nv, *e;
	const char		*by, *role;
	size_t			 ncap;
	cJSON			*j;

	if (strlen(id) > STORE_NODE_MAX ||
	    (j = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 32;
		if ((nv = reallocarray(s->v, ncap, sizeof(*nv))) == NULL) {
			cJSON_Delete(j);
			s->rc = STORE_NOMEM;
			return -1;
		}
		s->v = nv;
		s->cap = ncap;
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->node, id, strlen(id));
	by = json_str(j, "certifier");
	if (by != NULL && strlen(by) <= STORE_NODE_MAX)
		memcpy(e->certifier, by, strlen(by));
	role = json_str(j, "role");
	e->office = role != NULL && strcmp(role, "branch") != 0;
	cJSON_Delete(j);
	return 0;
}

static int
street_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct street *)e)->node);
}

static struct street *
find(const struct store_streets *s, const char *node)
{
	if (s == NULL || s->n == 0)
		return NULL;
	return bsearch(node, s->v, s->n, sizeof(*s->v), street_cmp);
}

enum store_status
store_streets_load(struct store_txn *t, struct store_streets **out)
{
	struct store_streets	*s;
	struct street		*c;
	enum store_status	 rc;
	size_t			 i;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_NOMEM;
	/* Records come in the order of their ids: sorted by node. */
	if ((rc = store_record_foreach(t, STORE_K_PEER, peer_cb, s)) !=
	    STORE_OK || (rc = s->rc) != STORE_OK) {
		store_streets_free(s);
		return rc;
	}
	for (i = 0; i < s->n; i++)
		if ((c = find(s, s->v[i].certifier)) != NULL)
			c->office = 1;
	for (i = 0; i < s->n; i++) {
		c = &s->v[i];
		if (c->office || c->certifier[0] == '\0')
			memcpy(c->street, c->node, sizeof(c->street));
		else {
			memcpy(c->street, c->certifier, sizeof(c->street));
			s->grouped++;
		}
	}
	*out = s;
	return STORE_OK;
}

const char *
store_street_of(const struct store_streets *s, const char *node)
{
	const struct street	*e;

	if ((e = find(s, node)) == NULL)
		return node;
	return e->street;
}

size_t
store_streets_grouped(const struct store_streets *s)
{
	return s != NULL ? s->grouped : 0;
}

void
store_streets_free(struct store_streets *s)
{
	if (s == NULL)
		return;
	free(s->v);
	free(s);
}
