/*
 * sync/: the node's signing key, and signed checkpoints of log prefixes.
 * (The wire format, the push/pull client and the server's handlers come
 * with the district sync.)  The only code that calls crypto_sign_*.
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
 * Writes DIR/node.key (mode 0600, never overwritten) and DIR/node.pub.
 * err gets a line naming the problem.
 */
enum sync_status sync_key_save(const struct sync_key *, const char *dir,
	    char *err, size_t errlen) WARN_UNUSED;
/*
 * Reads DIR/node.key; refuses a file that group or others can read
 * (SYNC_PERM), or that is not a key (SYNC_BADMSG).
 */
enum sync_status sync_key_load(const char *dir, struct sync_key **,
	    char *err, size_t errlen) WARN_UNUSED;
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

#endif /* SYNC_H */
