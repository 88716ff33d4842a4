/*
 * What sync status shows, read from the store alone: entries not yet
 * acknowledged upstream, the last success, attempt and error, and the
 * hub's clock against ours.  Kept apart from the client, so that reading
 * it needs no libcurl.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

enum store_status
sync_meta_u64(struct store_txn *t, const char *key, uint64_t *v)
{
	struct store_buf	b = STORE_BUF_INIT;
	enum store_status	rc;

	*v = 0;
	if ((rc = store_meta_get(t, key, &b)) == STORE_OK)
		*v = strtoull(b.data, NULL, 10);
	store_buf_free(&b);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
sync_log_pulled(struct store_txn *t, const char *log)
{
	struct store_buf	b = STORE_BUF_INIT;
	char			key[STORE_LOG_MAX + 8];
	int			pulled;

	snprintf(key, sizeof(key), "pulled:%s", log);
	pulled = store_meta_get(t, key, &b) == STORE_OK;
	store_buf_free(&b);
	return pulled;
}

struct pending {
	struct store_txn	*t;
	uint64_t		 n;
};

static int
pending_cb(const struct store_loginfo *li, void *arg)
{
	struct pending		*p = arg;
	char			 key[STORE_LOG_MAX + 8];
	uint64_t		 ack;

	if (sync_log_pulled(p->t, li->name))
		return 0;
	snprintf(key, sizeof(key), "ack:%s", li->name);
	(void)sync_meta_u64(p->t, key, &ack);
	if (li->seq > ack)
		p->n += li->seq - ack;
	return 0;
}

enum sync_status
sync_status_read(const struct sync_node *me, struct sync_status_info *si)
{
	struct pending		 p;
	struct store_buf	 b = STORE_BUF_INIT;

	memset(si, 0, sizeof(*si));
	if (store_read_begin(me->st, &p.t) != STORE_OK)
		return SYNC_IO;
	p.n = 0;
	if (store_logs_foreach(p.t, pending_cb, &p) != STORE_OK) {
		store_txn_abort(p.t);
		return SYNC_IO;
	}
	si->pending = p.n;
	(void)sync_meta_u64(p.t, "sync.last_success", &si->last_success_ms);
	(void)sync_meta_u64(p.t, "sync.last_attempt", &si->last_attempt_ms);
	if (store_meta_get(p.t, "sync.last_error", &b) == STORE_OK)
		snprintf(si->last_error, sizeof(si->last_error), "%s", b.data);
	if (store_meta_get(p.t, "sync.offset", &b) == STORE_OK) {
		si->offset_ms = strtoll(b.data, NULL, 10);
		si->have_offset = 1;
	}
	store_buf_free(&b);
	store_txn_abort(p.t);
	return SYNC_OK;
}
