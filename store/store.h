/*
 * libminqing-store: the only code that touches LMDB.
 *
 * A store is one folder holding one LMDB environment.  It keeps the
 * append-only, hash-chained logs (NODE/STREAM), the signed checkpoints of
 * their prefixes, the records folded from every entry of every log, and the
 * indexes the queries need.  Every append updates the chain, the records and
 * the indexes in one transaction.
 */
#ifndef STORE_H
#define STORE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define WARN_UNUSED	__attribute__((warn_unused_result))

#define STORE_HASH_BYTES	32
#define STORE_NODE_MAX		32
#define STORE_STREAM_MAX	64
#define STORE_LOG_MAX		(STORE_NODE_MAX + 1 + STORE_STREAM_MAX)
#define STORE_ID_MAX		128
#define STORE_ENTRY_MAX		(64 * 1024)	/* bytes of one entry line */

enum store_status {
	STORE_OK = 0,
	STORE_NOTFOUND = 100,	/* an answer, not a failure */
	STORE_EXISTS,
	STORE_FULL,		/* map size reached */
	STORE_BADVERSION,	/* schema newer than this build */
	STORE_CORRUPT,
	STORE_NOMEM,
	STORE_IO,		/* errno kept in the handle */
	STORE_INVALID,		/* the caller's input breaks a rule */
	STORE_BUSY,
	STORE_NOTSTORE,		/* the folder holds no store */
	STORE_BROKEN,		/* a chain or signature does not hold */
};

struct store;
struct store_txn;

/* A growable byte buffer; always NUL-terminated after its len bytes. */
struct store_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
#define STORE_BUF_INIT	{ NULL, 0, 0 }

enum store_status store_buf_add(struct store_buf *, const void *, size_t)
	    WARN_UNUSED;
enum store_status store_buf_addstr(struct store_buf *, const char *)
	    WARN_UNUSED;
void		 store_buf_reset(struct store_buf *);
void		 store_buf_free(struct store_buf *);

const char	*store_strerror(enum store_status);
/* The detail of the handle's last failure; valid until the next call. */
const char	*store_errmsg(const struct store *);

#define STORE_CREATE	0x01	/* create the environment if there is none */

/*
 * Opens the store in folder dir.  Without STORE_CREATE a folder that holds no
 * store gives STORE_NOTSTORE.  Stale reader slots are cleared.  On failure
 * *out is still set when a handle could be made, so that store_errmsg()
 * explains; close it with store_close().
 */
enum store_status store_open(const char *dir, int flags, struct store **out)
	    WARN_UNUSED;
void		 store_close(struct store *);
/*
 * Whether folder dir is a shared store folder: its mode has the setgid
 * bit, so that what anyone makes in it belongs to the folder's group, whose
 * members may then read the key and write the store.  Programs open the
 * group bits of their umask while they work on one.  Sets *gid, when gid
 * is not NULL, to the folder's group.  0 when not shared, or when the
 * folder cannot be looked at.
 */
int		 store_shared(const char *dir, gid_t *gid);

/*
 * Runs fn inside one write transaction and commits it durably.  When the map
 * is full (from a put or from the commit), the transaction is aborted, the
 * map grows and fn runs again from the start: fn must keep no state outside
 * the transaction but what it can redo.  Any status from fn aborts.
 */
typedef enum store_status (*store_write_fn)(struct store_txn *, void *);
enum store_status store_write(struct store *, store_write_fn, void *)
	    WARN_UNUSED;

/* A read transaction; end it with store_txn_abort(). */
enum store_status store_read_begin(struct store *, struct store_txn **)
	    WARN_UNUSED;
void		 store_txn_abort(struct store_txn *);
struct store	*store_txn_store(struct store_txn *);

/* Small named values of the node (node id, counters). */
enum store_status store_meta_get(struct store_txn *, const char *key,
	    struct store_buf *out) WARN_UNUSED;
enum store_status store_meta_put(struct store_txn *, const char *key,
	    const char *value) WARN_UNUSED;

/*
 * Makes the next generated record id of the node: NODE-<letter><n>, n from 1,
 * e.g. zb-bs-0301-R17.  out must hold STORE_ID_MAX bytes.
 */
enum store_status store_next_id(struct store_txn *, const char *node,
	    char letter, char *out) WARN_UNUSED;

/* Names: NODE is [a-z0-9-]{1,32}, STREAM [a-z0-9.-]{1,64}. */
int		 store_valid_node(const char *);
int		 store_valid_log(const char *);

struct store_loginfo {
	char		 name[STORE_LOG_MAX + 1];
	uint64_t	 seq;		/* entries held, 0 for none */
	unsigned char	 head[STORE_HASH_BYTES];	/* hash of entry seq */
	int		 frozen;	/* a fork was proven */
};

enum store_status store_log_info(struct store_txn *, const char *log,
	    struct store_loginfo *) WARN_UNUSED;
typedef int (*store_log_cb)(const struct store_loginfo *, void *);
/* Calls fn for every log, in name order; fn returning non-zero stops. */
enum store_status store_logs_foreach(struct store_txn *, store_log_cb, void *)
	    WARN_UNUSED;

/*
 * Appends one entry to log, made from type, by and body (a JSON object as
 * text, no newline).  The entry gets the next seq, the chain's prev, the
 * node's hybrid clock and the wall clock.  The body is checked and folded
 * into its record in the same transaction: a body that breaks a rule, or
 * names a record that does not exist, gives STORE_INVALID and a detail.
 */
enum store_status store_append(struct store_txn *, const char *log,
	    const char *type, const char *by, const char *body,
	    uint64_t *seq) WARN_UNUSED;

/*
 * Adds an entry line received from elsewhere, as its exact bytes.  It must be
 * the next of its log and chain onto its head (else STORE_BROKEN).  An
 * authentic entry whose body cannot be applied is kept and listed as skipped.
 */
enum store_status store_put_entry(struct store_txn *, const char *line,
	    size_t len) WARN_UNUSED;

/* The header of an entry line, checked as store_put_entry would. */
struct store_entry_head {
	char		 log[STORE_LOG_MAX + 1];
	uint64_t	 seq;
	char		 prev[STORE_HASH_BYTES * 2 + 1];
	uint64_t	 hlc;
};
enum store_status store_entry_peek(const char *line, size_t len,
	    struct store_entry_head *, char *err, size_t errlen) WARN_UNUSED;

/*
 * Freezes log after a proven fork: no entry is added to it again.  The
 * evidence (two checkpoint lines, as text) is kept with it.
 */
enum store_status store_log_freeze(struct store_txn *, const char *log,
	    const char *evidence) WARN_UNUSED;
/* The evidence kept when log was frozen, valid until the transaction ends. */
enum store_status store_log_evidence(struct store_txn *, const char *log,
	    const char **text, size_t *len) WARN_UNUSED;

/* Clears reader slots left by killed processes; returns how many. */
int		 store_reader_check(struct store *);

/* An id that changes with every committed write, by any process. */
uint64_t	 store_last_txn(struct store *);

/* The bytes of entry seq of log, valid until the transaction ends. */
enum store_status store_log_get(struct store_txn *, const char *log,
	    uint64_t seq, const char **line, size_t *len) WARN_UNUSED;
/* Calls fn for the entries of log after seq, in order; non-zero stops. */
typedef int (*store_entry_cb)(uint64_t seq, const char *line, size_t len,
	    void *);
enum store_status store_log_foreach(struct store_txn *, const char *log,
	    uint64_t after, store_entry_cb, void *) WARN_UNUSED;

/* BLAKE2b-256 of an entry's bytes; hex must hold 65 bytes. */
void		 store_hash(const char *line, size_t len,
		    unsigned char out[STORE_HASH_BYTES]);
void		 store_hash_hex(const unsigned char h[STORE_HASH_BYTES],
		    char *hex);

/* Stores a checkpoint line for log at seq (signed by the caller). */
enum store_status store_put_checkpoint(struct store_txn *, const char *log,
	    uint64_t seq, const char *line, size_t len) WARN_UNUSED;
enum store_status store_checkpoint_foreach(struct store_txn *,
	    const char *log, store_entry_cb, void *) WARN_UNUSED;
/* The newest checkpoint of log, valid until the transaction ends. */
enum store_status store_checkpoint_last(struct store_txn *, const char *log,
	    uint64_t *seq, const char **line, size_t *len) WARN_UNUSED;

/* Entries kept but not applied, with the reason. */
typedef int (*store_skipped_cb)(const char *log, uint64_t seq,
	    const char *reason, void *);
enum store_status store_skipped_foreach(struct store_txn *, store_skipped_cb,
	    void *) WARN_UNUSED;
/* Whether entry seq of log is kept but skipped: its reason, or NOTFOUND. */
enum store_status store_skipped_get(struct store_txn *, const char *log,
	    uint64_t seq, char *why, size_t whylen) WARN_UNUSED;

/*
 * Records.  kind is one of the STORE_K_* letters; a record's state is a JSON
 * object (text) folded from all its entries in (hlc, log, seq) order.
 */
#define STORE_K_MEMBER		'M'
#define STORE_K_HOUSEHOLD	'H'
#define STORE_K_VISIT		'V'
#define STORE_K_REQUEST		'R'
#define STORE_K_STUDENT		'S'
#define STORE_K_DONATION	'D'
#define STORE_K_EVAL		'E'
#define STORE_K_PEER		'P'
#define STORE_K_KEYS		'K'	/* a node's rotated keys */

/* The record's state as JSON text, valid until the transaction ends. */
enum store_status store_get_record(struct store_txn *, char kind,
	    const char *id, const char **json, size_t *len) WARN_UNUSED;
typedef int (*store_record_cb)(const char *id, const char *json, size_t len,
	    void *);
enum store_status store_record_foreach(struct store_txn *, char kind,
	    store_record_cb, void *) WARN_UNUSED;
/* Calls fn with every entry of one record, in fold order. */
typedef int (*store_history_cb)(const char *log, uint64_t seq,
	    const char *line, size_t len, void *);
enum store_status store_record_history(struct store_txn *, char kind,
	    const char *id, store_history_cb, void *) WARN_UNUSED;

/* Checks a body for type without writing; detail in *err (static text). */
enum store_status store_body_check(const char *type, const char *body,
	    size_t len, char *err, size_t errlen) WARN_UNUSED;

/* Dates: days since 1970-01-01 of a strict YYYY-MM-DD, or -1. */
long		 store_date_parse(const char *);
/* Writes YYYY-MM-DD (11 bytes with NUL). */
void		 store_date_format(long days, char *out);
/* Valid UTF-8 with no control bytes but tab. */
int		 store_text_valid(const char *, size_t);
const char	*store_text_problem(const char *);

/* Queries and reports: see store_query.h. */
#include "store_query.h"

#endif /* STORE_H */
