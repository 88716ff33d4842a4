/*
 * Queries over the folded records: households and their visits, requests
 * and their deadlines, and the yearly report of the four goals.  The rules
 * the reports rely on (what counts as visited, answered, overdue) live here.
 * Included by store.h.
 */
#ifndef STORE_QUERY_H
#define STORE_QUERY_H

enum ladder_level {
	LADDER_SPOT = 0,
	LADDER_GROUP,
	LADDER_COMMUNITY,
	LADDER_STREET,
	LADDER_DISTRICT,
	LADDER_DEPUTY,
	LADDER_N
};
const char	*store_ladder_name(enum ladder_level);
/* The level named s, or -1. */
int		 store_ladder_parse(const char *s);

enum eval_kind {
	EVAL_RESIDENT_TEAM = 0,
	EVAL_COMMUNITY_BRANCH,
	EVAL_BRANCH_MEMBER,
	EVAL_N
};
const char	*store_eval_name(enum eval_kind);

/* Pointers stay valid until the callback returns. */
struct household {
	const char	*id;
	const char	*node;		/* the node that registered it */
	const char	*address;
	const char	*group;
	const char	*tags;		/* comma separated, may be "" */
	long		 people;
	long		 last_visit;	/* day of the last met visit, or -1 */
	int		 visited;	/* met visit within the period asked */
};

enum request_status {
	REQUEST_OPEN = 0,
	REQUEST_ANSWERED,
	REQUEST_CLOSED
};
const char	*store_request_status_name(enum request_status);

struct request {
	const char		*id;
	const char		*node;
	const char		*household;
	const char		*category;
	const char		*summary;
	const char		*outcome;	/* "" until closed */
	long			 raised;	/* days */
	long			 answered;	/* first answer, days, or -1 */
	long			 closed;	/* days, or -1 */
	enum ladder_level	 level;		/* the last escalation's to */
	enum ladder_level	 top;		/* the highest level reached */
	enum request_status	 status;
	int			 satisfaction;	/* 0 for none */
	int			 overdue;
	long			 replies;
};

struct store_query {
	long	 from;		/* first day of the period */
	long	 to;		/* last day of the period */
	long	 today;		/* the day overdue is judged on */
	long	 reply_days;	/* the deadline, in days after raised */
};

/* Visited: a visit with outcome met on a day within [from, to]. */
typedef int (*store_household_cb)(const struct household *, void *);
enum store_status store_list_households(struct store_txn *,
	    const struct store_query *, int unvisited_only,
	    store_household_cb, void *) WARN_UNUSED;

#define STORE_REQ_OPEN		0x01	/* status open: awaiting an answer */
#define STORE_REQ_OVERDUE	0x02
#define STORE_REQ_LEVEL		0x04	/* level equals the filter's level */
struct store_request_filter {
	int			 flags;
	enum ladder_level	 level;
};
typedef int (*store_request_cb)(const struct request *, void *);
enum store_status store_list_requests(struct store_txn *,
	    const struct store_query *, const struct store_request_filter *,
	    store_request_cb, void *) WARN_UNUSED;
/* One request by id; fn is called once. */
enum store_status store_get_request(struct store_txn *,
	    const struct store_query *, const char *id, store_request_cb,
	    void *) WARN_UNUSED;

#define STORE_BY_NODE	0
#define STORE_BY_GROUP	1
#define STORE_BY_STREET	2
#define STORE_UNIT_MAX	(STORE_ID_MAX * 2)

struct store_report_row {
	char		 unit[STORE_UNIT_MAX];
	uint64_t	 households;
	uint64_t	 visited;
	uint64_t	 requests;
	uint64_t	 answered;
	uint64_t	 answered_in_time;
	uint64_t	 open;
	uint64_t	 overdue;
	uint64_t	 escalated[LADDER_N];	/* by highest level reached */
	double		 median_days;		/* of the answered; none if 0 */
	uint64_t	 students;
	uint64_t	 donations_fen;
	uint64_t	 donations;
	double		 eval_sum[EVAL_N];
	uint64_t	 eval_count[EVAL_N];
};

struct store_report {
	struct store_report_row	*rows;		/* sorted by unit */
	size_t			 nrows;
	struct store_report_row	 total;
};

/*
 * The street office of each node, from the peer records: a node that is a
 * street office (enrolled with a role other than branch, or that enrolled
 * others) is its own street; any other enrolled node belongs to the node that
 * enrolled it, so a branch the hub enrolled itself belongs to the hub; a node
 * that no peer record names is its own street.  Caller frees with
 * store_streets_free().  STORE_NOMEM, or the store's errors.
 */
struct store_streets;
enum store_status store_streets_load(struct store_txn *,
	    struct store_streets **out) WARN_UNUSED;
/* The street of node: valid while both node and the streets are. */
const char	*store_street_of(const struct store_streets *,
		    const char *node);
/* How many nodes belong to a street other than themselves. */
size_t		 store_streets_grouped(const struct store_streets *);
void		 store_streets_free(struct store_streets *);

/*
 * The four goals for the period, one row per node, per group or per street
 * (store_street_of()); a street's row sums its nodes' rows, and its median
 * is that of all its answered requests.  Requests belong to the period
 * they were raised in; donations to the period of their date; evaluations to
 * the years the period touches; students are counted when sponsored (since)
 * on or before the period's end.  Caller frees with store_report_free().
 */
enum store_status store_report(struct store_txn *, const struct store_query *,
	    int by, struct store_report **out) WARN_UNUSED;
void		 store_report_free(struct store_report *);
double		 store_report_coverage(const struct store_report_row *);

#endif /* STORE_QUERY_H */
