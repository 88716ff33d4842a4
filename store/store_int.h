/*
 * Private to store/: the handle, the named databases and the helpers the
 * store's files share.  No other folder includes this.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <pthread.h>

#include <lmdb.h>
#include <cjson/cJSON.h>

#include "store.h"

enum store_dbi {
	DBI_META = 0,	/* name -> value */
	DBI_LOGS,	/* log name -> struct logmeta, packed */
	DBI_LOGIDS,	/* log id (u32 BE) -> log name */
	DBI_ENTRIES,	/* log id (u32 BE), seq (u64 BE) -> entry bytes */
	DBI_CKPTS,	/* log id (u32 BE), seq (u64 BE) -> checkpoint line */
	DBI_RECORDS,	/* kind letter, id -> state JSON */
	DBI_EVENTS,	/* kind, id, NUL, hlc (u64 BE), log, NUL, seq (u64 BE) */
	DBI_SKIPPED,	/* log id (u32 BE), seq (u64 BE) -> reason */
	DBI_AGG,	/* the report's aggregates (store_agg.c) */
	DBI_N
};

#define STORE_SCHEMA		2	/* 2: the report's aggregates */
#define STORE_MAP_INITIAL	((size_t)256 << 20)

/*
 * One handle may serve several threads (the daemon's listener and its sync
 * client).  Transactions hold the lock shared; growing the map, which LMDB
 * allows only while this process has no transaction open, holds it alone.
 * The detail of the last failure is kept per thread.
 */
struct store {
	MDB_env			*env;
	MDB_dbi			 dbi[DBI_N];
	size_t			 mapsize;
	pthread_rwlock_t	 lock;
	int			 locked;	/* lock initialised */
	int			 agg_missing;	/* DBI_AGG not made yet */
	char			 dir[4096];
	const char		*map_base;	/* where data.mdb is mapped */
};

struct agg_batch;
struct store_txn {
	struct store	*st;
	MDB_txn		*txn;
	int		 write;
	struct agg_batch *agg;	/* write transactions: sums not yet written */
	const char	*map_lo;	/* the file's pages, as mapped */
	const char	*map_hi;
};

/*
 * Whether a value LMDB hands out lies within the file.  LMDB keeps no
 * checksums: a flipped length byte would point past the end of the map.
 */
int		 val_ok(const struct store_txn *, const MDB_val *);

/* The packed value of DBI_LOGS: id, seq, head, flags; big-endian. */
#define LOGMETA_BYTES	(4 + 8 + STORE_HASH_BYTES + 4)
#define LOGMETA_FROZEN	0x01
struct logmeta {
	uint32_t	 id;
	uint64_t	 seq;
	unsigned char	 head[STORE_HASH_BYTES];
	uint32_t	 flags;
};

enum store_status store_fail(struct store *, enum store_status,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
enum store_status store_mdb(struct store *, int, const char *);

void		 be32_put(unsigned char *, uint32_t);
void		 be64_put(unsigned char *, uint64_t);
uint32_t	 be32_get(const unsigned char *);
uint64_t	 be64_get(const unsigned char *);

enum store_status logmeta_get(struct store_txn *, const char *log,
	    struct logmeta *);
enum store_status logmeta_put(struct store_txn *, const char *log,
	    const struct logmeta *);
enum store_status logname_get(struct store_txn *, uint32_t id,
	    char name[STORE_LOG_MAX + 1]);

/* A parsed entry: the header fields, and the body as cJSON. */
struct entry {
	cJSON		*root;
	const char	*log;
	uint64_t	 seq;
	const char	*prev;
	uint64_t	 hlc;
	const char	*at;
	const char	*type;
	const char	*by;
	const cJSON	*body;
};
enum store_status entry_parse(const char *, size_t, struct entry *,
	    char *err, size_t errlen);
void		 entry_free(struct entry *);

/* JSON helpers: exact integers, strings. */
int		 json_int(const cJSON *, const char *, int64_t min,
		    int64_t max, int64_t *);
const char	*json_str(const cJSON *, const char *);

/*
 * The fold, a pure function: given a record's state (NULL for none) and one
 * entry, makes the next state.  A rule broken gives STORE_INVALID and err.
 */
enum store_status fold_apply(const cJSON *state, const struct entry *,
	    cJSON **next, char *err, size_t errlen);
/* fold_apply() for an entry that fold_target() already accepted. */
enum store_status fold_step(const cJSON *state, const struct entry *,
	    cJSON **next, char *err, size_t errlen);
/* Which record an entry belongs to: kind letter and id; checks the body. */
enum store_status fold_target(const struct entry *, char *kind,
	    const char **id, char *err, size_t errlen);
/* Records an entry needs to exist (household of a visit, ...). */
typedef enum store_status (*fold_ref_fn)(char kind, const char *id, void *);
enum store_status fold_refs(const struct entry *, fold_ref_fn, void *,
	    char *err, size_t errlen);

/*
 * Folds an entry into its record and indexes it.  strict (this node's own
 * writes): a rule broken or a record missing gives STORE_INVALID.  Otherwise
 * (received entries) only a body that cannot be read does; an entry that
 * does not apply yet is indexed and passed over by the fold.
 */
enum store_status records_apply(struct store_txn *, const struct entry *,
	    int strict, char *err, size_t errlen);

/* The node part of a log name, into out (STORE_NODE_MAX + 1 bytes). */
void		 log_node(const char *log, char *out);

/* Met visits, sorted by household then day (store_query.c). */
struct visitmark {
	char	*household;
	long	 day;
};
struct visits {
	struct visitmark	*v;
	size_t			 n, cap;
	int			 nomem;
};
enum store_status visits_load(struct store_txn *, struct visits *);
void		 visits_free(struct visits *);
void		 visits_of(const struct visits *, const char *household,
		    long from, long to, int *visited, long *last);
int		 request_fill(const cJSON *, const struct store_query *,
		    struct request *);

/*
 * The report's aggregates (store_agg.c).  A value is AGG_NC counters and two
 * sorted lists of (k, n) pairs; their meaning depends on the key.
 */
/*
 * Set once DBI_AGG is complete; a store whose version differs has its
 * aggregates made again at open.  3: years written by version 2 may keep
 * a last day too early (a change of it alone was not written).
 */
#define AGG_META	"agg.version"
#define AGG_VERSION	"3"
#define AGG_NC		13
#define AGG_KEY_MAX	(2 + STORE_UNIT_MAX + 8 + 8)
#define AGG_NONE	(-1000000)	/* no met day before this one */
#define AGG_KIND(by)	((by) == STORE_BY_GROUP ? 'g' : 'n')
/* 'u' keys: per unit, whatever the period. */
#define AGG_U_HOUSEHOLDS	0	/* not removed */
#define AGG_U_RECORDS		1	/* students, donations, evaluations */
#define AGG_U_REQUESTS		2	/* raised on any day */
#define AGG_U_STUDENTS		0	/* list: since day -> students */
#define AGG_U_UNANSWERED	1	/* list: raised day -> not answered,
					   not closed */
/* 'p' keys: per unit and day, month or year. */
#define AGG_P_REQUESTS		0	/* raised then */
#define AGG_P_OPEN		1
#define AGG_P_ANSWERED		2
#define AGG_P_DONATIONS		3
#define AGG_P_FEN		4
#define AGG_P_ESC		5	/* 6 counters: by highest level */
#define AGG_P_FIRST		11	/* years: points before 1 January */
#define AGG_P_MAXDAY		12	/* years: the last day index summed */
#define AGG_P_DELAYS		0	/* list: days to answer -> requests */
#define AGG_P_POINTS		1	/* list: previous met day -> points */

struct agg_pair {
	int64_t	 k;
	int64_t	 n;
};
struct agg_pairs {
	struct agg_pair	*v;
	size_t		 n, cap;
};
struct agg_val {
	int64_t			c[AGG_NC];
	struct agg_pairs	p[2];
};
struct agg_eval {
	char	 node[STORE_UNIT_MAX];
	int64_t	 year;		/* -1 when the record has none */
	int	 kind;		/* EVAL_N when unknown */
	double	 score;
};

/* The changes one record makes, summed per key before they are written. */
struct agg_change {
	unsigned char	 key[AGG_KEY_MAX];
	size_t		 klen;
	struct agg_val	 d;
};
/*
 * The sums a write transaction changes, kept until it commits (or until
 * AGG_BATCH_MAX keys), so that a thousand appends to one unit write its
 * keys once.  Changes are allocated one by one: a slot's address stays
 * valid until the batch is flushed.
 */
#define AGG_BATCH_MAX	8192
struct agg_batch {
	struct store_txn	*t;
	struct agg_change	**c;
	size_t			 n, cap;
	size_t			*ht, htcap;	/* open addressing */
};
struct agg_val	*agg_batch_slot(struct agg_batch *, const unsigned char *key,
		    size_t);
/* Writes the batch's sums and empties it. */
enum store_status agg_batch_flush(struct agg_batch *);
void		 agg_batch_free(struct agg_batch *);

enum store_status agg_pairs_add(struct agg_pairs *, int64_t k, int64_t n);
enum store_status agg_val_encode(const struct agg_val *, struct store_buf *);
enum store_status agg_eval_encode(const char *node, int64_t year, int kind,
	    double score, struct store_buf *);
long		 agg_year_first(long day);
void		 agg_val_free(struct agg_val *);
enum store_status agg_val_decode_add(const void *, size_t, struct agg_val *,
	    int sign, const int64_t *below, int64_t *count);
int		 agg_eval_decode(const void *, size_t, struct agg_eval *);
void		 agg_unit(const char *node, const char *group, int by,
		    char *out);
size_t		 agg_unit_key(unsigned char *, char kind, const char *unit);
size_t		 agg_period_key(unsigned char *, char kind, const char *unit,
		    char level, uint32_t idx);
uint32_t	 agg_day_index(long day);
uint32_t	 agg_month_index(long day);
uint32_t	 agg_year_index(long day);
/* A record's state changed from old to new (NULL: none): sums follow. */
enum store_status agg_record(struct store_txn *, char kind, const char *id,
	    const cJSON *old, const cJSON *new);
/* Makes DBI_AGG again from the records, and marks it complete. */
enum store_status agg_rebuild(struct store_txn *);
int		 agg_ready(struct store_txn *);
/* Adds a row's sums to the total. */
void		 report_add_row(struct store_report_row *total,
		    const struct store_report_row *);
/* The report from the aggregates; store_report() chooses. */
enum store_status agg_report(struct store_txn *, const struct store_query *,
	    int by, struct store_report **);

#endif /* STORE_INT_H */
