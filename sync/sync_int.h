/* Private to sync/. */
#ifndef SYNC_INT_H
#define SYNC_INT_H

#include <sodium.h>

#include "store/store.h"

struct sync_key {
	unsigned char	pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	sk[crypto_sign_SECRETKEYBYTES];
};

/*
 * Appends a batch to out: the checkpoint line, a newline, then the entries
 * of log in (after, upto], each with its newline.  Used by a push and by
 * an answer to a pull.
 */
enum store_status batch_write(struct store_txn *, const char *log,
	    const char *ck, size_t cklen, uint64_t after, uint64_t upto,
	    struct store_buf *out);

/* Whether log came down from above (pulled, never pushed back up). */
int	sync_log_pulled(struct store_txn *, const char *log);
/* A number kept in the store's meta; 0 when absent. */
enum store_status sync_meta_u64(struct store_txn *, const char *key,
	    uint64_t *);

#endif /* SYNC_INT_H */
