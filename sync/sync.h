/*
 * sync/: the node's signing key, signed checkpoints of log prefixes, the
 * wire format of batches, the server's request handlers (functions from a
 * request to an answer, over the store) and the push/pull client (libcurl).
 * The only code that calls crypto_sign_* and includes <curl/curl.h>.
 */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define SYNC_PK_BYTES		32
#define SYNC_PK_B64		45	/* base64 of a public key, with NUL */
#define SYNC_SIG_BYTES		64
#define SYNC_KEYFILE		"node.key"
#define SYNC_PUBFILE		"node.pub"

enum sync_status {
	SYNC_OK = 0,
	SYNC_NOMEM = 200,
	SYNC_BADMSG,		/* malformed input */
	SYNC_BADSIG,		/* a signature that does not verify */
	SYNC_IO,
	SYNC_PERM,		/* a key file others can read */
	SYNC_NOKEY,
	SYNC_EXISTS,
};
const char	*sync_strerror(enum sync_status);

struct sync_key;

/* A new Ed25519 key pair in guarded memory; free with sync_key_free(). */
enum sync_status sync_key_generate(struct sync_key **) WARN_UNUSED;
/*
 * Writes DIR/node.key (mode 0600, never overwritten; 0640 in a shared store
 * folder, see store_shared()) and DIR/node.pub.  err gets a line naming the
 * problem.
 */
enum sync_status sync_key_save(const struct sync_key *, const char *dir,
	    char *err, size_t errlen) WARN_UNUSED;
/*
 * Reads DIR/node.key; refuses a file that group or others can read
 * (SYNC_PERM), or that is not a key (SYNC_BADMSG).  In a shared store
 * folder the folder's group may read it (0640), but not write it.
 */
enum sync_status sync_key_load(const char *dir, struct sync_key **,
	    char *err, size_t errlen) WARN_UNUSED;
/* The same, with a suffix on both file names (node.key.next). */
enum sync_status sync_key_save_as(const struct sync_key *, const char *dir,
	    const char *suffix, char *err, size_t errlen) WARN_UNUSED;
enum sync_status sync_key_load_as(const char *dir, const char *suffix,
	    struct sync_key **, char *err, size_t errlen) WARN_UNUSED;
/* The public key, base64 (SYNC_PK_B64 bytes). */
void		 sync_key_public(const struct sync_key *, char *b64);
void		 sync_key_free(struct sync_key *);

/*
 * Makes the checkpoint line (no newline) signing log's prefix up to seq,
 * whose last entry hashes to head.  Caller frees out with store_buf_free().
 */
enum sync_status sync_checkpoint_make(const struct sync_key *,
	    const char *log, uint64_t seq,
	    const unsigned char head[STORE_HASH_BYTES], struct store_buf *out)
	    WARN_UNUSED;

struct sync_checkpoint {
	char		 log[STORE_LOG_MAX + 1];
	uint64_t	 seq;
	unsigned char	 head[STORE_HASH_BYTES];
	char		 key[SYNC_PK_B64];
};

/*
 * Parses a checkpoint line and checks its signature with the key it names.
 * Whether that key may sign for the log is the caller's question.
 */
enum sync_status sync_checkpoint_verify(const char *line, size_t len,
	    struct sync_checkpoint *out, char *err, size_t errlen)
	    WARN_UNUSED;

/*
 * A signed answer: the hub holds log up to have, whose last entry hashes to
 * head, at its clock's at_ms.  The sender checks it with the hub's key.
 */
enum sync_status sync_receipt_make(const struct sync_key *, const char *log,
	    uint64_t have, const unsigned char head[STORE_HASH_BYTES],
	    uint64_t at_ms, struct store_buf *out) WARN_UNUSED;
struct sync_receipt {
	char		 log[STORE_LOG_MAX + 1];
	uint64_t	 have;
	unsigned char	 head[STORE_HASH_BYTES];
	uint64_t	 at_ms;
	char		 key[SYNC_PK_B64];
};
/* Parses a receipt (JSON text) and checks its signature. */
enum sync_status sync_receipt_verify(const char *json, size_t len,
	    struct sync_receipt *, char *err, size_t errlen) WARN_UNUSED;

/*
 * Signs an HTTP request for the node-authenticated calls: the headers
 * X-Minqing-Node, X-Minqing-Time and X-Minqing-Signature over
 * "minqing/request/v1\n" METHOD "\n" TARGET "\n" NODE "\n" TIME "\n".
 * sig must hold SYNC_SIG_B64 bytes.
 */
#define SYNC_SIG_B64	89
void		 sync_request_sign(const struct sync_key *, const char *method,
		    const char *target, const char *node, uint64_t time_ms,
		    char *sig);
/* Checks such a signature with a base64 public key. */
int		 sync_request_verify(const char *key, const char *method,
		    const char *target, const char *node, const char *time,
		    const char *sig);

/*
 * A key rotation is signed by both keys: the old one through the checkpoint
 * that covers the key.rotate entry, the new one by this proof over
 * "minqing/rotate/v1\n" NODE "\n" OLD "\n" NEW "\n" (base64 keys).
 * proof must hold SYNC_SIG_B64 bytes.
 */
void		 sync_rotation_proof(const struct sync_key *newkey,
		    const char *node, const char *oldpub, char *proof);
int		 sync_rotation_verify(const char *node, const char *oldpub,
		    const char *newpub, const char *proof);

/* The node, as the sync code sees it. */
#define SYNC_HUB_KEYS	8
struct sync_node {
	struct store		*st;
	char			 node[STORE_NODE_MAX + 1];
	const struct sync_key	*key;
	/* Keys of the nodes above, whose streams may come down. */
	char			 hub_keys[SYNC_HUB_KEYS][SYNC_PK_B64];
	size_t			 nhub_keys;
};

/* Sets the keys of the nodes above from base64 keys separated by spaces
 * or commas; -1 if one is not a public key. */
int		 sync_node_hub_keys(struct sync_node *, const char *);

/*
 * Whether key may sign log's checkpoint at seq: this node's own key for its
 * logs; a key configured for the nodes above; else the key enrolled for the
 * log's node (by this node, or by a relay this node enrolled), or one it
 * rotated to, and not past a revocation's cut-off.  SYNC_PERM and a reason.
 */
enum sync_status sync_trust_check(struct store_txn *, const struct sync_node *,
	    const char *log, uint64_t seq, const char *key, char *err,
	    size_t errlen) WARN_UNUSED;
/* The key a node signs requests with now, base64, or SYNC_PERM. */
enum sync_status sync_trust_node_key(struct store_txn *,
	    const struct sync_node *, const char *node, char *key, char *err,
	    size_t errlen) WARN_UNUSED;
/* Whether node reaches target through enrolment (target itself, or a node
 * it enrolled as a relay). */
int		 sync_trust_reaches(struct store_txn *, const char *node,
		    const char *target);

/* What became of a batch, as an HTTP status and a JSON error code. */
#define SYNC_SKIPS_SHOWN	3
struct sync_result {
	int		 http;		/* 200, 400, 403, 409, 413 */
	const char	*error;		/* NULL on success */
	char		 detail[256];
	uint64_t	 have;		/* entries of the log held now */
	unsigned char	 head[STORE_HASH_BYTES];
	uint64_t	 added;
	uint64_t	 future;	/* added entries dated ahead of now_ms */
	uint64_t	 skipped;	/* added, kept, but not applied */
	struct sync_skip {
		uint64_t seq;
		char	 reason[160];
	}		 skips[SYNC_SKIPS_SHOWN];	/* the first ones */
	uint64_t	 fork_seq;	/* 409 fork: where the histories part */
};

/*
 * Checks a batch (a checkpoint line, then entry lines, NDJSON) for log and
 * adds what is new, in one transaction: the chain from what is held, then
 * one signature, then the entries, the records and the checkpoint.  An old
 * batch again changes nothing; a proven fork freezes the log and keeps the
 * evidence.  Bad input changes nothing.
 */
enum sync_status sync_batch_apply(const struct sync_node *, const char *log,
	    const char *body, size_t len, size_t max_entries, uint64_t now_ms,
	    struct sync_result *) WARN_UNUSED;
/* Entries whose clock is this far past the receiver's are flagged. */
#define SYNC_FUTURE_MS	(5 * 60 * 1000)

/* Server side: one HTTP request in, one answer out; no socket. */
struct sync_request {
	const char	*method;
	const char	*path;		/* without the query */
	const char	*query;		/* after '?', or NULL */
	const char	*content_type;
	const char	*auth_node;	/* the X-Minqing-* headers, or NULL */
	const char	*auth_time;
	const char	*auth_sig;
	const char	*body;
	size_t		 body_len;
	uint64_t	 now_ms;	/* the server's clock, for receipts */
};
struct sync_response {
	int		 status;
	const char	*content_type;
	struct store_buf body;		/* caller frees */
	char		 note[256];	/* for the operator's log, or "" */
	/* A batch taken (200 to a push): its log and the entries it added. */
	char		 pushed_log[STORE_LOG_MAX + 1];	/* or "" */
	uint64_t	 pushed_added;
};
struct sync_limits {
	size_t		 max_entries;	/* entries in one batch */
	size_t		 max_bytes;	/* bytes of one request body */
};
void		 sync_server_handle(const struct sync_node *,
		    const struct sync_limits *, const struct sync_request *,
		    struct sync_response *);

/* Client side. */
struct sync_client_conf {
	const char	*url;		/* https://host:port */
	const char	*cacert;	/* "" for the system's */
	const char	*pin;		/* CURLOPT_PINNEDPUBLICKEY, or "" */
	int		 allow_http;	/* plain http, for tests only */
	long		 connect_timeout_s;
	long		 low_speed_time_s;
	size_t		 batch_entries;
	size_t		 batch_bytes;
};
struct sync_client;
enum sync_status sync_client_new(const struct sync_client_conf *,
	    struct sync_client **) WARN_UNUSED;
void		 sync_client_free(struct sync_client *);
/* Asked now and then during a cycle: non-zero stops it. */
typedef int	(*sync_progress_fn)(void *, const char *log, uint64_t done,
		    uint64_t total);
/*
 * One cycle: pushes every log the upstream lacks (own log first), in
 * batches cut at checkpoints, then pulls the streams addressed to this
 * node.  Marks entries delivered only from a signed 200.  The outcome
 * (last success, last error, clock offset) is kept in the store for
 * `minqing sync status`; err gets the first failure.  SYNC_IO when the
 * upstream gave no answer at all, SYNC_BADMSG when it refused something.
 */
enum sync_status sync_client_cycle(struct sync_client *,
	    const struct sync_node *, sync_progress_fn, void *, char *err,
	    size_t errlen) WARN_UNUSED;

/* What `sync status` shows, read from the store. */
struct sync_status_info {
	uint64_t	 pending;		/* own entries not acknowledged */
	uint64_t	 last_success_ms;	/* 0 for never */
	uint64_t	 last_attempt_ms;
	char		 last_error[256];
	int64_t		 offset_ms;		/* hub clock minus ours */
	int		 have_offset;
};
enum sync_status sync_status_read(const struct sync_node *,
	    struct sync_status_info *) WARN_UNUSED;

#endif /* SYNC_H */
