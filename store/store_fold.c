/*
 * The fold: entry types, the rules of their bodies, and how each entry turns
 * a record's state into the next.  Pure functions: no I/O, no clock.  The
 * same code folds a branch's own entries and, on a hub, everything merged, in
 * (hlc, log, seq) order, so every node that holds the same entries shows the
 * same records.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"

enum op {
	OP_ADD,			/* a new record from the body */
	OP_UPDATE,		/* fields given replace the state's */
	OP_REMOVE,
	OP_REQ_ESCALATE,
	OP_REQ_REPLY,
	OP_REQ_CLOSE,
	OP_REQ_REOPEN,
	OP_REVOKE,
	OP_ROTATE
};

/* Field rules. */
enum ftype { F_STR, F_TEXT, F_DATE, F_INT, F_NUM, F_LIST, F_ENUM, F_NODE,
    F_KEY };

struct field {
	const char	*name;
	enum ftype	 type;
	int		 required;
	double		 min, max;
	const char *const *choices;
};

static const char *const categories[] = { "property", "livelihood",
    "renovation", "special-group", "other", NULL };
static const char *const outcomes_visit[] = { "met", "absent", "declined",
    NULL };
static const char *const outcomes_close[] = { "resolved", "explained",
    "withdrawn", NULL };
static const char *const levels[] = { "spot", "group", "community", "street",
    "district", "deputy", NULL };
static const char *const eval_kinds[] = { "resident-team",
    "community-branch", "branch-member", NULL };
static const char *const roles[] = { "branch", "relay", "hub", NULL };

#define END	{ NULL, F_STR, 0, 0, 0, NULL }
#define REQ(n, t)	{ n, t, 1, 0, 0, NULL }
#define OPT(n, t)	{ n, t, 0, 0, 0, NULL }
#define REQE(n, c)	{ n, F_ENUM, 1, 0, 0, c }
#define OPTE(n, c)	{ n, F_ENUM, 0, 0, 0, c }

static const struct field f_member_add[] = { REQ("id", F_STR),
    REQ("name", F_TEXT), REQ("group", F_STR), END };
static const struct field f_member_upd[] = { REQ("id", F_STR),
    OPT("name", F_TEXT), OPT("group", F_STR), END };
static const struct field f_hh_add[] = { REQ("id", F_STR),
    REQ("address", F_TEXT), REQ("group", F_STR),
    { "people", F_INT, 0, 0, 1000, NULL }, OPT("tags", F_LIST), END };
static const struct field f_hh_upd[] = { REQ("id", F_STR),
    OPT("address", F_TEXT), OPT("group", F_STR),
    { "people", F_INT, 0, 0, 1000, NULL }, OPT("tags", F_LIST), END };
static const struct field f_hh_rm[] = { REQ("id", F_STR),
    OPT("reason", F_TEXT), END };
static const struct field f_visit[] = { REQ("id", F_STR),
    REQ("household", F_STR), REQ("date", F_DATE), REQ("team", F_LIST),
    OPT("with", F_LIST), REQE("outcome", outcomes_visit), OPT("note", F_TEXT),
    END };
static const struct field f_req_open[] = { REQ("id", F_STR),
    REQ("household", F_STR), REQE("category", categories),
    REQ("summary", F_TEXT), REQ("raised", F_DATE), OPT("visit", F_STR), END };
static const struct field f_req_esc[] = { REQ("id", F_STR),
    REQE("to", levels), OPT("note", F_TEXT), OPT("date", F_DATE), END };
static const struct field f_req_reply[] = { REQ("id", F_STR),
    REQ("text", F_TEXT), REQ("from", F_TEXT), OPT("date", F_DATE), END };
static const struct field f_req_close[] = { REQ("id", F_STR),
    REQE("outcome", outcomes_close), { "satisfaction", F_INT, 0, 1, 5, NULL },
    OPT("date", F_DATE), OPT("note", F_TEXT), END };
static const struct field f_req_reopen[] = { REQ("id", F_STR),
    OPT("note", F_TEXT), OPT("date", F_DATE), END };
static const struct field f_student[] = { REQ("id", F_STR),
    REQ("name", F_TEXT), REQ("university", F_TEXT), REQ("since", F_DATE),
    END };
static const struct field f_donation[] = { REQ("id", F_STR),
    REQ("student", F_STR), { "amount", F_INT, 1, 1, 9007199254740991.0, NULL },
    REQ("date", F_DATE), REQ("from", F_TEXT), END };
static const struct field f_eval[] = { REQ("id", F_STR),
    { "year", F_INT, 1, 2000, 2100, NULL }, REQE("kind", eval_kinds),
    REQ("subject", F_STR), { "score", F_NUM, 1, 0, 100, NULL },
    OPT("note", F_TEXT), END };
static const struct field f_enroll[] = { REQ("node", F_NODE),
    REQ("key", F_KEY), OPTE("role", roles), END };
static const struct field f_revoke[] = { REQ("node", F_NODE),
    OPT("reason", F_TEXT), { "seq", F_INT, 0, 0, 9007199254740991.0, NULL },
    END };
static const struct field f_rotate[] = { REQ("node", F_NODE),
    REQ("key", F_KEY), OPT("old", F_KEY), OPT("proof", F_TEXT), END };

struct etype {
	const char		*name;
	char			 kind;
	enum op			 op;
	const char		*idfield;
	const struct field	*fields;
};

static const struct etype etypes[] = {
	{ "member.add", STORE_K_MEMBER, OP_ADD, "id", f_member_add },
	{ "member.update", STORE_K_MEMBER, OP_UPDATE, "id", f_member_upd },
	{ "household.add", STORE_K_HOUSEHOLD, OP_ADD, "id", f_hh_add },
	{ "household.update", STORE_K_HOUSEHOLD, OP_UPDATE, "id", f_hh_upd },
	{ "household.remove", STORE_K_HOUSEHOLD, OP_REMOVE, "id", f_hh_rm },
	{ "visit.add", STORE_K_VISIT, OP_ADD, "id", f_visit },
	{ "request.open", STORE_K_REQUEST, OP_ADD, "id", f_req_open },
	{ "request.escalate", STORE_K_REQUEST, OP_REQ_ESCALATE, "id",
	    f_req_esc },
	{ "request.reply", STORE_K_REQUEST, OP_REQ_REPLY, "id", f_req_reply },
	{ "request.close", STORE_K_REQUEST, OP_REQ_CLOSE, "id", f_req_close },
	{ "request.reopen", STORE_K_REQUEST, OP_REQ_REOPEN, "id",
	    f_req_reopen },
	{ "student.add", STORE_K_STUDENT, OP_ADD, "id", f_student },
	{ "donation.add", STORE_K_DONATION, OP_ADD, "id", f_donation },
	{ "evaluation.add", STORE_K_EVAL, OP_ADD, "id", f_eval },
	{ "peer.enroll", STORE_K_PEER, OP_ADD, "node", f_enroll },
	{ "peer.revoke", STORE_K_PEER, OP_REVOKE, "node", f_revoke },
	{ "key.rotate", STORE_K_KEYS, OP_ROTATE, "node", f_rotate },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct etype *
etype_find(const char *name)
{
	const struct etype	*et;

	for (et = etypes; et->name != NULL; et++)
		if (strcmp(et->name, name) == 0)
			return et;
	return NULL;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
id_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n < STORE_ID_MAX && store_text_valid(s, n) &&
	    strchr(s, ',') == NULL && s[0] != ' ' && s[n - 1] != ' ';
}

static enum store_status
check_field(const cJSON *body, const struct field *f, char *err,
    size_t errlen)
{
	const cJSON	*v, *it;
	int64_t		 n;
	double		 d;
	unsigned char	 key[64];
	size_t		 klen;

	v = cJSON_GetObjectItemCaseSensitive(body, f->name);
	if (v == NULL || cJSON_IsNull(v)) {
		if (!f->required)
			return STORE_OK;
		snprintf(err, errlen, "%s is required", f->name);
		return STORE_INVALID;
	}
	switch (f->type) {
	case F_STR:
	case F_TEXT:
	case F_DATE:
	case F_ENUM:
	case F_NODE:
	case F_KEY:
		if (!cJSON_IsString(v))
			goto bad;
		break;
	default:
		break;
	}
	switch (f->type) {
	case F_STR:
		if (!id_ok(v->valuestring))
			goto bad;
		break;
	case F_TEXT:
		if (strlen(v->valuestring) > 4000 ||
		    !store_text_valid(v->valuestring, strlen(v->valuestring)))
			goto bad;
		if (f->required && v->valuestring[0] == '\0')
			goto bad;
		break;
	case F_DATE:
		if (store_date_parse(v->valuestring) < 0)
			goto bad;
		break;
	case F_ENUM:
		if (!in_list(v->valuestring, f->choices))
			goto bad;
		break;
	case F_NODE:
		if (!store_valid_node(v->valuestring))
			goto bad;
		break;
	case F_KEY:
		if (sodium_base642bin(key, sizeof(key), v->valuestring,
		    strlen(v->valuestring), NULL, &klen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 || klen != 32)
			goto bad;
		break;
	case F_INT:
		if (json_int(body, f->name, (int64_t)f->min, (int64_t)f->max,
		    &n) != 0)
			goto bad;
		break;
	case F_NUM:
		if (!cJSON_IsNumber(v))
			goto bad;
		d = v->valuedouble;
		if (!isfinite(d) || d < f->min || d > f->max)
			goto bad;
		break;
	case F_LIST:
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 64)
			goto bad;
		cJSON_ArrayForEach(it, v)
			if (!cJSON_IsString(it) || !id_ok(it->valuestring))
				goto bad;
		break;
	}
	return STORE_OK;
bad:
	if (f->type == F_ENUM)
		snprintf(err, errlen, "invalid %s (%s)", f->name,
		    cJSON_IsString(v) ? "not one of the allowed values" :
		    "not a string");
	else if (f->type == F_INT || f->type == F_NUM)
		snprintf(err, errlen, "invalid %s: out of range or not %s",
		    f->name, f->type == F_INT ? "an integer" : "a number");
	else if (f->type == F_DATE)
		snprintf(err, errlen, "invalid %s: not a date (YYYY-MM-DD)",
		    f->name);
	else
		snprintf(err, errlen, "invalid %s", f->name);
	return STORE_INVALID;
}

static enum store_status
check_body(const struct etype *et, const cJSON *body, char *err,
    size_t errlen)
{
	const struct field	*f;
	const cJSON		*team;
	enum store_status	 rc;

	for (f = et->fields; f->name != NULL; f++)
		if ((rc = check_field(body, f, err, errlen)) != STORE_OK)
			return rc;
	if (strcmp(et->name, "visit.add") == 0) {
		team = cJSON_GetObjectItemCaseSensitive(body, "team");
		if (cJSON_GetArraySize(team) == 0) {
			snprintf(err, errlen, "team needs at least one member");
			return STORE_INVALID;
		}
	}
	return STORE_OK;
}

enum store_status
store_body_check(const char *type, const char *body, size_t len, char *err,
    size_t errlen)
{
	const struct etype	*et;
	cJSON			*j;
	enum store_status	 rc;

	if ((et = etype_find(type)) == NULL) {
		snprintf(err, errlen, "unknown entry type %s", type);
		return STORE_INVALID;
	}
	if ((j = cJSON_ParseWithLength(body, len)) == NULL ||
	    !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		snprintf(err, errlen, "body is not a JSON object");
		return STORE_INVALID;
	}
	rc = check_body(et, j, err, errlen);
	cJSON_Delete(j);
	return rc;
}

enum store_status
fold_target(const struct entry *e, char *kind, const char **id, char *err,
    size_t errlen)
{
	const struct etype	*et;
	enum store_status	 rc;

	if ((et = etype_find(e->type)) == NULL) {
		snprintf(err, errlen, "unknown entry type");
		return STORE_INVALID;
	}
	if ((rc = check_body(et, e->body, err, errlen)) != STORE_OK)
		return rc;
	*kind = et->kind;
	*id = json_str(e->body, et->idfield);
	return STORE_OK;
}

enum store_status
fold_refs(const struct entry *e, fold_ref_fn fn, void *arg, char *err,
    size_t errlen)
{
	const cJSON		*it, *team;
	const char		*s;
	enum store_status	 rc = STORE_OK;

	if (strcmp(e->type, "visit.add") == 0) {
		s = json_str(e->body, "household");
		if ((rc = fn(STORE_K_HOUSEHOLD, s, arg)) != STORE_OK) {
			snprintf(err, errlen, "unknown household %s", s);
			return rc;
		}
		team = cJSON_GetObjectItemCaseSensitive(e->body, "team");
		cJSON_ArrayForEach(it, team) {
			if ((rc = fn(STORE_K_MEMBER, it->valuestring, arg)) !=
			    STORE_OK) {
				snprintf(err, errlen, "unknown member %s",
				    it->valuestring);
				return rc;
			}
		}
	} else if (strcmp(e->type, "request.open") == 0) {
		s = json_str(e->body, "household");
		if ((rc = fn(STORE_K_HOUSEHOLD, s, arg)) != STORE_OK) {
			snprintf(err, errlen, "unknown household %s", s);
			return rc;
		}
		if ((s = json_str(e->body, "visit")) != NULL &&
		    (rc = fn(STORE_K_VISIT, s, arg)) != STORE_OK) {
			snprintf(err, errlen, "unknown visit %s", s);
			return rc;
		}
	} else if (strcmp(e->type, "donation.add") == 0) {
		s = json_str(e->body, "student");
		if ((rc = fn(STORE_K_STUDENT, s, arg)) != STORE_OK) {
			snprintf(err, errlen, "unknown student %s", s);
			return rc;
		}
	}
	return rc;
}

/* Whether o has the member name, spelled exactly so. */
static int
has(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name) != NULL;
}

/* Copies the body's fields into the state, replacing what is there. */
static int
merge(cJSON *state, const cJSON *body)
{
	const cJSON	*it;
	cJSON		*dup;

	cJSON_ArrayForEach(it, body) {
		if ((dup = cJSON_Duplicate(it, 1)) == NULL)
			return -1;
		if (has(state, it->string))
			cJSON_ReplaceItemInObjectCaseSensitive(state,
			    it->string, dup);
		else
			cJSON_AddItemToObject(state, it->string, dup);
	}
	return 0;
}

static int
set_str(cJSON *o, const char *name, const char *v)
{
	cJSON	*s;

	if ((s = v == NULL ? cJSON_CreateNull() : cJSON_CreateString(v)) ==
	    NULL)
		return -1;
	if (has(o, name))
		cJSON_ReplaceItemInObjectCaseSensitive(o, name, s);
	else
		cJSON_AddItemToObject(o, name, s);
	return 0;
}

static int
set_num(cJSON *o, const char *name, double v)
{
	cJSON	*s;

	if ((s = cJSON_CreateNumber(v)) == NULL)
		return -1;
	if (has(o, name))
		cJSON_ReplaceItemInObjectCaseSensitive(o, name, s);
	else
		cJSON_AddItemToObject(o, name, s);
	return 0;
}

static int
level_of(const char *s)
{
	int	i;

	for (i = 0; levels[i] != NULL; i++)
		if (s != NULL && strcmp(levels[i], s) == 0)
			return i;
	return 0;
}

/* The day an answer counts from: the body's date, else the entry's. */
static void
entry_day(const struct entry *e, char day[11])
{
	const char	*d;

	if ((d = json_str(e->body, "date")) != NULL)
		snprintf(day, 11, "%s", d);
	else
		snprintf(day, 11, "%.10s", e->at);
}

static enum store_status
fold_request(cJSON *st, const struct etype *et, const struct entry *e,
    char *err, size_t errlen)
{
	const char	*status, *to;
	char		 day[11];
	int64_t		 n;
	int		 from, lvl, top, bad = 0;

	status = json_str(st, "status");
	entry_day(e, day);
	switch (et->op) {
	case OP_REQ_ESCALATE:
		to = json_str(e->body, "to");
		from = level_of(json_str(st, "level"));
		lvl = level_of(to);
		if (strcmp(status, "closed") == 0) {
			snprintf(err, errlen, "request is closed");
			return STORE_INVALID;
		}
		if (lvl <= from) {
			snprintf(err, errlen, "request is already at level %s",
			    levels[from]);
			return STORE_INVALID;
		}
		top = level_of(json_str(st, "top"));
		bad |= set_str(st, "level", to);
		bad |= set_str(st, "top", levels[lvl > top ? lvl : top]);
		break;
	case OP_REQ_REPLY:
		if (strcmp(status, "closed") == 0) {
			snprintf(err, errlen, "request is closed");
			return STORE_INVALID;
		}
		if (json_str(st, "answered") == NULL)
			bad |= set_str(st, "answered", day);
		bad |= set_str(st, "status", "answered");
		if (json_int(st, "replies", 0, 1000000, &n) != 0)
			n = 0;
		bad |= set_num(st, "replies", (double)(n + 1));
		break;
	case OP_REQ_CLOSE:
		if (strcmp(status, "closed") == 0) {
			snprintf(err, errlen, "request is already closed");
			return STORE_INVALID;
		}
		if (json_str(st, "answered") == NULL)
			bad |= set_str(st, "answered", day);
		bad |= set_str(st, "status", "closed");
		bad |= set_str(st, "closed", day);
		bad |= set_str(st, "outcome", json_str(e->body, "outcome"));
		if (json_int(e->body, "satisfaction", 1, 5, &n) == 0)
			bad |= set_num(st, "satisfaction", (double)n);
		else
			cJSON_DeleteItemFromObjectCaseSensitive(st,
			    "satisfaction");
		break;
	case OP_REQ_REOPEN:
		if (strcmp(status, "closed") != 0) {
			snprintf(err, errlen, "request is not closed");
			return STORE_INVALID;
		}
		/* Reopened, it needs work again; its first answer stays. */
		bad |= set_str(st, "status", "open");
		bad |= set_str(st, "closed", NULL);
		bad |= set_str(st, "outcome", NULL);
		cJSON_DeleteItemFromObjectCaseSensitive(st, "satisfaction");
		break;
	default:
		break;
	}
	return bad ? STORE_NOMEM : STORE_OK;
}

static cJSON *
fold_new(const struct etype *et, const struct entry *e)
{
	cJSON	*st;
	char	 node[STORE_NODE_MAX + 1];
	int	 bad = 0;

	if ((st = cJSON_Duplicate(e->body, 1)) == NULL)
		return NULL;
	log_node(e->log, node);
	/* A peer's node is the node enrolled; who enrolled it is kept too. */
	bad |= set_str(st, et->kind == STORE_K_PEER ? "certifier" : "node",
	    node);
	switch (et->kind) {
	case STORE_K_HOUSEHOLD:
		cJSON_DeleteItemFromObjectCaseSensitive(st, "removed");
		if (!has(st, "people"))
			bad |= set_num(st, "people", 0);
		if (!has(st, "tags"))
			bad |= cJSON_AddArrayToObject(st, "tags") == NULL;
		break;
	case STORE_K_REQUEST:
		bad |= set_str(st, "level", "spot");
		bad |= set_str(st, "top", "spot");
		bad |= set_str(st, "status", "open");
		bad |= set_str(st, "answered", NULL);
		bad |= set_str(st, "closed", NULL);
		bad |= set_str(st, "outcome", NULL);
		bad |= set_num(st, "replies", 0);
		break;
	case STORE_K_PEER:
		bad |= cJSON_AddFalseToObject(st, "revoked") == NULL;
		if (!has(st, "role"))
			bad |= set_str(st, "role", "branch");
		bad |= set_num(st, "since", 1);
		break;
	default:
		break;
	}
	if (bad) {
		cJSON_Delete(st);
		return NULL;
	}
	return st;
}

/*
 * A node's new key, certified by the old one: it signs the node's
 * checkpoints from the entry after this one.  Only the node's own log may
 * say so.
 */
static enum store_status
fold_rotate(const cJSON *state, const struct entry *e, cJSON **next,
    char *err, size_t errlen)
{
	char		 node[STORE_NODE_MAX + 1];
	cJSON		*st, *keys, *k;
	const char	*who = json_str(e->body, "node");

	log_node(e->log, node);
	if (strcmp(node, who) != 0) {
		snprintf(err, errlen, "key.rotate for %s in %s's log", who,
		    node);
		return STORE_INVALID;
	}
	st = state != NULL ? cJSON_Duplicate(state, 1) : cJSON_CreateObject();
	if (st == NULL)
		return STORE_NOMEM;
	if (state == NULL && (set_str(st, "node", who) != 0 ||
	    cJSON_AddArrayToObject(st, "keys") == NULL))
		goto nomem;
	if ((keys = cJSON_GetObjectItemCaseSensitive(st, "keys")) == NULL ||
	    (k = cJSON_CreateObject()) == NULL)
		goto nomem;
	cJSON_AddItemToArray(keys, k);
	if (set_str(k, "key", json_str(e->body, "key")) != 0 ||
	    set_num(k, "from", (double)(e->seq + 1)) != 0 ||
	    (json_str(e->body, "old") != NULL &&
	    set_str(k, "old", json_str(e->body, "old")) != 0) ||
	    (json_str(e->body, "proof") != NULL &&
	    set_str(k, "proof", json_str(e->body, "proof")) != 0))
		goto nomem;
	*next = st;
	return STORE_OK;
nomem:
	cJSON_Delete(st);
	return STORE_NOMEM;
}

/*
 * A revoked peer enrolled again keeps its earlier enrolments under "past",
 * oldest first: each key with its seq range (since to the revocation's
 * cut-off), so that what the node signed before stays verifiable.
 */
static int
peer_past(cJSON *next, const cJSON *state)
{
	static const char *const keep[] = { "key", "since", "seq", "role",
	    "certifier" };
	const cJSON	*old, *it;
	cJSON		*past, *p, *v;
	size_t		 i;

	if ((past = cJSON_AddArrayToObject(next, "past")) == NULL)
		return -1;
	old = cJSON_GetObjectItemCaseSensitive(state, "past");
	cJSON_ArrayForEach(it, old) {
		if ((p = cJSON_Duplicate(it, 1)) == NULL)
			return -1;
		cJSON_AddItemToArray(past, p);
	}
	if ((p = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(past, p);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if ((it = cJSON_GetObjectItemCaseSensitive(state, keep[i])) ==
		    NULL)
			continue;
		if ((v = cJSON_Duplicate(it, 1)) == NULL)
			return -1;
		cJSON_AddItemToObject(p, keep[i], v);
	}
	/* A revocation without a cut-off kept nothing: an empty range. */
	if (!has(p, "seq") && set_num(p, "seq", 0) != 0)
		return -1;
	return 0;
}

enum store_status
fold_step(const cJSON *state, const struct entry *e, cJSON **next,
    char *err, size_t errlen)
{
	const struct etype	*et;
	const char		*id;
	cJSON			*st = NULL;
	char			 kind;
	int			 removed, revoked;
	int64_t			 cut;
	enum store_status	 rc;

	*next = NULL;
	et = etype_find(e->type);
	kind = et->kind;
	id = json_str(e->body, et->idfield);
	removed = state != NULL &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(state, "removed"));
	if (et->op == OP_ROTATE)
		return fold_rotate(state, e, next, err, errlen);
	if (et->op == OP_ADD) {
		revoked = kind == STORE_K_PEER && state != NULL &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(state,
		    "revoked"));
		if (state != NULL && !removed && !revoked) {
			snprintf(err, errlen, "%s %s already exists",
			    et->name, id);
			return STORE_INVALID;
		}
		if ((*next = fold_new(et, e)) == NULL)
			return STORE_NOMEM;
		/* Enrolled again: the new key signs after the cut-off. */
		if (revoked && ((json_int(state, "seq", 0, INT64_MAX, &cut) ==
		    0 && set_num(*next, "since", (double)(cut + 1)) != 0) ||
		    peer_past(*next, state) != 0)) {
			cJSON_Delete(*next);
			*next = NULL;
			return STORE_NOMEM;
		}
		return STORE_OK;
	}
	if (state == NULL || (removed && kind == STORE_K_HOUSEHOLD)) {
		snprintf(err, errlen, "no such record %s%s", id,
		    removed ? " (removed)" : "");
		return STORE_INVALID;
	}
	if ((st = cJSON_Duplicate(state, 1)) == NULL)
		return STORE_NOMEM;
	switch (et->op) {
	case OP_UPDATE:
		rc = merge(st, e->body) == 0 ? STORE_OK : STORE_NOMEM;
		break;
	case OP_REMOVE:
		cJSON_DeleteItemFromObjectCaseSensitive(st, "removed");
		rc = cJSON_AddTrueToObject(st, "removed") != NULL ? STORE_OK :
		    STORE_NOMEM;
		break;
	case OP_REVOKE:
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st,
		    "revoked"))) {
			snprintf(err, errlen, "peer %s is already revoked", id);
			rc = STORE_INVALID;
			break;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(st, "revoked");
		rc = merge(st, e->body) == 0 &&
		    cJSON_AddTrueToObject(st, "revoked") != NULL ? STORE_OK :
		    STORE_NOMEM;
		break;
	default:
		rc = fold_request(st, et, e, err, errlen);
		break;
	}
	if (rc != STORE_OK) {
		cJSON_Delete(st);
		return rc;
	}
	*next = st;
	return STORE_OK;
}

enum store_status
fold_apply(const cJSON *state, const struct entry *e, cJSON **next,
    char *err, size_t errlen)
{
	const char		*id;
	char			 kind;
	enum store_status	 rc;

	*next = NULL;
	if ((rc = fold_target(e, &kind, &id, err, errlen)) != STORE_OK)
		return rc;
	return fold_step(state, e, next, err, errlen);
}
