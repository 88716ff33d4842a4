/*
 * The environment: opening a store folder, transactions, growth of the map
 * and the small values of the node (meta).  Invariants: one environment per
 * folder; a write runs again from the start after the map grows, so no work
 * of a committed transaction is ever lost or done twice.  A folder with the
 * setgid bit is shared with its group (store_shared()).
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store_int.h"

static const char *const dbi_names[DBI_N] = {
	"meta", "logs", "logids", "entries", "ckpts", "records", "events",
	"skipped", "agg"
};

const char *
store_strerror(enum store_status rc)
{
	switch (rc) {
	case STORE_OK:		return "ok";
	case STORE_NOTFOUND:	return "not found";
	case STORE_EXISTS:	return "already exists";
	case STORE_FULL:	return "store map is full";
	case STORE_BADVERSION:	return "store is newer than this program";
	case STORE_CORRUPT:	return "store is corrupt";
	case STORE_NOMEM:	return "out of memory";
	case STORE_IO:		return "input/output error";
	case STORE_INVALID:	return "invalid input";
	case STORE_BUSY:	return "store is busy";
	case STORE_NOTSTORE:	return "not a minqing store";
	case STORE_BROKEN:	return "chain or signature broken";
	}
	return "unknown error";
}

static _Thread_local char	store_err[512];

const char *
store_errmsg(const struct store *st)
{
	(void)st;
	return store_err;
}

enum store_status
store_fail(struct store *st, enum store_status rc, const char *fmt, ...)
{
	va_list	ap;

	(void)st;
	va_start(ap, fmt);
	vsnprintf(store_err, sizeof(store_err), fmt, ap);
	va_end(ap);
	return rc;
}

/* Translates an LMDB code; what names the operation. */
enum store_status
store_mdb(struct store *st, int mrc, const char *what)
{
	enum store_status	rc;

	switch (mrc) {
	case 0:
		return STORE_OK;
	case MDB_NOTFOUND:
		return STORE_NOTFOUND;
	case MDB_KEYEXIST:
		rc = STORE_EXISTS;
		break;
	case MDB_MAP_FULL:
		rc = STORE_FULL;
		break;
	case MDB_READERS_FULL:
	case MDB_TXN_FULL:
	case MDB_BAD_RSLOT:
		rc = STORE_BUSY;
		break;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_BAD_TXN:
		rc = STORE_CORRUPT;
		break;
	case ENOMEM:
		rc = STORE_NOMEM;
		break;
	default:
		rc = STORE_IO;
		break;
	}
	return store_fail(st, rc, "%s: %s", what, mdb_strerror(mrc));
}

void
be32_put(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

void
be64_put(unsigned char *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

uint32_t
be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
be64_get(const unsigned char *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

enum store_status
store_buf_add(struct store_buf *b, const void *p, size_t n)
{
	char	*nd;
	size_t	 ncap;

	if (n > SIZE_MAX / 2 - b->len - 1)
		return STORE_NOMEM;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((nd = realloc(b->data, ncap)) == NULL)
			return STORE_NOMEM;
		b->data = nd;
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return STORE_OK;
}

enum store_status
store_buf_addstr(struct store_buf *b, const char *s)
{
	return store_buf_add(b, s, strlen(s));
}

void
store_buf_reset(struct store_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
store_buf_free(struct store_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static size_t
initial_mapsize(void)
{
	const char	*s;
	char		*end;
	unsigned long long v;

	/* MINQING_MAPSIZE lets tests start small and watch the map grow. */
	if ((s = getenv("MINQING_MAPSIZE")) != NULL && *s != '\0') {
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 65536)
			return (size_t)v;
	}
	return STORE_MAP_INITIAL;
}

static int	adopt_size(struct store *);

/*
 * mdb_txn_begin() for the opening steps, outside txn_begin(): another
 * process may have grown the data past this map since mdb_env_open().
 */
static int
env_begin(struct store *st, unsigned flags, MDB_txn **txn)
{
	int	mrc, tries;

	for (tries = 0; tries < 3; tries++) {
		mrc = mdb_txn_begin(st->env, NULL, flags, txn);
		if (mrc != MDB_MAP_RESIZED || adopt_size(st) != 0)
			break;
	}
	return mrc;
}

static enum store_status
open_dbis(struct store *st, int create)
{
	MDB_txn		*txn;
	MDB_val		 k, v;
	char		 schema[16];
	int		 i, mrc;
	unsigned	 flags = create ? MDB_CREATE : 0;

	mrc = env_begin(st, create ? 0 : MDB_RDONLY, &txn);
	if (mrc != 0)
		return store_mdb(st, mrc, "begin");
	for (i = 0; i < DBI_N; i++) {
		mrc = mdb_dbi_open(txn, dbi_names[i], flags, &st->dbi[i]);
		/* Stores made before the aggregates get them at open. */
		if (i == DBI_AGG && mrc == MDB_NOTFOUND) {
			st->agg_missing = 1;
			continue;
		}
		if (mrc != 0) {
			mdb_txn_abort(txn);
			if (mrc == MDB_NOTFOUND)
				return STORE_NOTFOUND;
			return store_mdb(st, mrc, "open database");
		}
	}
	k.mv_data = "schema";
	k.mv_size = 6;
	mrc = mdb_get(txn, st->dbi[DBI_META], &k, &v);
	if (mrc == MDB_NOTFOUND && create) {
		snprintf(schema, sizeof(schema), "%d", STORE_SCHEMA);
		v.mv_data = schema;
		v.mv_size = strlen(schema);
		mrc = mdb_put(txn, st->dbi[DBI_META], &k, &v, 0);
	} else if (mrc == 0) {
		if (v.mv_size >= sizeof(schema)) {
			mdb_txn_abort(txn);
			return store_fail(st, STORE_CORRUPT, "bad schema value");
		}
		memcpy(schema, v.mv_data, v.mv_size);
		schema[v.mv_size] = '\0';
		if (strtol(schema, NULL, 10) > STORE_SCHEMA) {
			mdb_txn_abort(txn);
			return store_fail(st, STORE_BADVERSION,
			    "store schema %s is newer than this program's "
			    "(%d); upgrade minqing", schema, STORE_SCHEMA);
		}
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return store_mdb(st, mrc, "schema");
	}
	/* Handles opened in a transaction outlive it only by a commit. */
	if ((mrc = mdb_txn_commit(txn)) != 0)
		return store_mdb(st, mrc, "commit");
	return STORE_OK;
}

static void	map_find(struct store *);
static enum store_status agg_open(struct store *);

/*
 * Opens the environment with the store folder flock()ed.  The first
 * process to open an environment takes lock.mdb exclusively and sets it
 * up: it zeroes the transaction id there and sets it from the meta page at
 * the end.  Killed in between, it leaves the zero behind, and a process
 * that was waiting for the lock would base its first write on the wrong
 * meta page: that write commits, then is outranked by the older meta page
 * and lost (seen with kill -9 at random instants).  With every opener
 * queued on the folder's flock, the process after a killed one finds
 * lock.mdb free and sets it up again itself.
 */
static int
env_open(struct store *st, const char *dir)
{
	int	dfd, mrc;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	while (flock(dfd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			mrc = errno;
			close(dfd);
			return mrc;
		}
	}
	mrc = mdb_env_open(st->env, dir, 0, 0660);
	close(dfd);		/* and with it the flock */
	return mrc;
}

/*
 * Whether lock.mdb agrees with the meta page: a reader's transaction id
 * comes from lock.mdb and may lag the newest meta page only while a commit
 * is under way.  A lasting lag is lock.mdb left half set up by a process
 * that did not queue on the flock (an older minqing, the mdb_* tools).
 */
static enum store_status
lock_check(struct store *st)
{
	MDB_envinfo	 info;
	MDB_txn		*txn;
	size_t		 id;
	int		 tries;

	for (tries = 0; tries < 1000; tries++) {	/* 2 s */
		if (mdb_env_info(st->env, &info) != 0 ||
		    env_begin(st, MDB_RDONLY, &txn) != 0)
			return STORE_OK;
		id = mdb_txn_id(txn);
		mdb_txn_abort(txn);
		if (id >= info.me_last_txnid)
			return STORE_OK;
		usleep(2000);
	}
	return store_fail(st, STORE_BUSY, "%s/lock.mdb was left half set up "
	    "by a process that died while opening the store (transaction %zu "
	    "there, %zu in data.mdb); stop every program using this store, "
	    "minqingd too, and run the command again", st->dir, id,
	    info.me_last_txnid);
}

/*
 * A data.mdb shorter than its last commit says (a copy cut short, a file
 * system that lost its tail) would end the first read past its end in
 * SIGBUS.  The meta page is read before the size: the file only grows.
 * A healthy file may lack a few of its highest pages (pages a transaction
 * took and gave back are counted but never written), hence the slack.
 */
#define SIZE_SLACK	((uint64_t)256 << 10)

static enum store_status
size_check(struct store *st, const char *path)
{
	MDB_envinfo	info;
	MDB_stat	ms;
	struct stat	sb;
	uint64_t	need;

	if (mdb_env_info(st->env, &info) != 0 ||
	    mdb_env_stat(st->env, &ms) != 0)
		return STORE_OK;
	need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	if (stat(path, &sb) == -1)
		return store_fail(st, STORE_IO, "%s: %s", path,
		    strerror(errno));
	if ((uint64_t)sb.st_size + (need / 4 < SIZE_SLACK ? need / 4 : SIZE_SLACK) < need)
		return store_fail(st, STORE_CORRUPT, "%s: the file is cut "
		    "short (%jd bytes; its last commit needs %" PRIu64 "); "
		    "restore it from a backup", path, (intmax_t)sb.st_size,
		    need);
	return STORE_OK;
}

enum store_status
store_open(const char *dir, int flags, struct store **out)
{
	struct store	*st;
	struct stat	 sb;
	char		 path[4096];
	enum store_status rc;
	int		 mrc, dead, exists;

	*out = NULL;
	if (sodium_init() < 0)
		return STORE_NOMEM;
	store_err[0] = '\0';
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return STORE_NOMEM;
	*out = st;
	if (pthread_rwlock_init(&st->lock, NULL) != 0)
		return store_fail(st, STORE_NOMEM, "cannot make a lock");
	st->locked = 1;
	if (stat(dir, &sb) == -1)
		return store_fail(st, errno == ENOENT ? STORE_NOTSTORE :
		    STORE_IO, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return store_fail(st, STORE_NOTSTORE, "%s: not a folder", dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/data.mdb", dir) >=
	    sizeof(path))
		return store_fail(st, STORE_INVALID, "folder name too long");
	exists = stat(path, &sb) == 0;
	/* Not in the group of a shared folder: say so, not "no store". */
	if (!exists && errno != ENOENT)
		return store_fail(st, STORE_IO, "%s: %s", path,
		    strerror(errno));
	if (!exists && !(flags & STORE_CREATE))
		return store_fail(st, STORE_NOTSTORE,
		    "%s: not a minqing store (no data.mdb)", dir);
	if ((mrc = mdb_env_create(&st->env)) != 0)
		return store_mdb(st, mrc, "create environment");
	snprintf(st->dir, sizeof(st->dir), "%s", dir);
	st->mapsize = initial_mapsize();
	if ((mrc = mdb_env_set_mapsize(st->env, st->mapsize)) != 0 ||
	    (mrc = mdb_env_set_maxdbs(st->env, DBI_N + 4)) != 0 ||
	    (mrc = mdb_env_set_maxreaders(st->env, 254)) != 0)
		return store_mdb(st, mrc, "configure environment");
	if ((mrc = env_open(st, dir)) != 0) {
		rc = store_mdb(st, mrc, dir);
		if (mrc == EACCES || mrc == EROFS)
			store_fail(st, rc, "%s: cannot open for writing: %s",
			    dir, strerror(mrc));
		mdb_env_close(st->env);
		st->env = NULL;
		return rc;
	}
	if (exists && ((rc = size_check(st, path)) != STORE_OK ||
	    (rc = lock_check(st)) != STORE_OK))
		return rc;
	/* Readers killed while reading leave their slots behind. */
	(void)mdb_reader_check(st->env, &dead);
	rc = open_dbis(st, 0);
	if (rc == STORE_NOTFOUND) {
		if (!(flags & STORE_CREATE) && exists)
			return store_fail(st, STORE_NOTSTORE,
			    "%s: not a minqing store", dir);
		rc = open_dbis(st, 1);
	}
	if (rc != STORE_OK)
		return rc;
	map_find(st);
	if ((rc = agg_open(st)) != STORE_OK)
		return rc;
	store_err[0] = '\0';
	return STORE_OK;
}

int
store_shared(const char *dir, gid_t *gid)
{
	struct stat	sb;

	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    !(sb.st_mode & S_ISGID))
		return 0;
	if (gid != NULL)
		*gid = sb.st_gid;
	return 1;
}

static enum store_status
agg_make_cb(struct store_txn *t, void *arg)
{
	(void)arg;
	if (agg_ready(t))
		return STORE_OK;
	return agg_rebuild(t);
}

/*
 * The report's aggregates, made from the records when the store has none
 * yet (a new store, or one written by a version without them): once, in
 * one transaction.  When that cannot be done (a store this user may only
 * read, a full disk), the store opens all the same and reports come from
 * the scan of the records until a later open makes them.
 */
static enum store_status
agg_open(struct store *st)
{
	struct store_txn	*t;
	MDB_txn			*txn;
	int			 ready;
	enum store_status	 rc;

	if (st->agg_missing) {
		if (env_begin(st, 0, &txn) != 0)
			return STORE_OK;
		if (mdb_dbi_open(txn, dbi_names[DBI_AGG], MDB_CREATE,
		    &st->dbi[DBI_AGG]) != 0) {
			mdb_txn_abort(txn);
			return STORE_OK;
		}
		if (mdb_txn_commit(txn) != 0)
			return STORE_OK;
		st->agg_missing = 0;
	}
	if ((rc = store_read_begin(st, &t)) != STORE_OK)
		return rc;
	ready = agg_ready(t);
	store_txn_abort(t);
	/* On failure the reports use the scan: the store stays usable. */
	if (!ready && store_write(st, agg_make_cb, NULL) != STORE_OK)
		store_err[0] = '\0';
	return STORE_OK;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	if (st->locked)
		pthread_rwlock_destroy(&st->lock);
	free(st);
}

/* Adopts a map grown by another process; no transaction may be open. */
static int
adopt_size(struct store *st)
{
	int	mrc;

	pthread_rwlock_wrlock(&st->lock);
	mrc = mdb_env_set_mapsize(st->env, 0);
	map_find(st);
	pthread_rwlock_unlock(&st->lock);
	return mrc;
}

/*
 * Where LMDB mapped data.mdb: LMDB does not say (me_mapaddr is set only for
 * a fixed map), so it is read from /proc/self/maps.  Called at open and
 * after the map moved, with no transaction of this process open.
 */
static void
map_find(struct store *st)
{
	char			 path[4200], real[PATH_MAX], *line = NULL;
	size_t			 cap = 0, n;
	unsigned long long	 lo;
	FILE			*fp;

	st->map_base = NULL;
	snprintf(path, sizeof(path), "%s/data.mdb", st->dir);
	if (realpath(path, real) == NULL ||
	    (fp = fopen("/proc/self/maps", "re")) == NULL)
		return;
	n = strlen(real);
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > n && strcmp(line + strlen(line) - n, real) ==
		    0 && line[strlen(line) - n - 1] == ' ' &&
		    sscanf(line, "%llx-", &lo) == 1) {
			st->map_base = (const char *)(uintptr_t)lo;
			break;
		}
	}
	free(line);
	fclose(fp);
}

static void
map_bounds(struct store *st, struct store_txn *t)
{
	MDB_envinfo	info;
	MDB_stat	stat;

	t->map_lo = t->map_hi = NULL;
	if (st->map_base == NULL || mdb_env_info(st->env, &info) != 0 ||
	    mdb_env_stat(st->env, &stat) != 0)
		return;
	t->map_lo = st->map_base;
	t->map_hi = t->map_lo + (info.me_last_pgno + 1) * (size_t)stat.ms_psize;
}

int
val_ok(const struct store_txn *t, const MDB_val *v)
{
	const char	*p = v->mv_data;

	if (v->mv_size == 0 || t->write || t->map_lo == NULL)
		return 1;	/* a write transaction may hold dirty pages */
	return p >= t->map_lo && p <= t->map_hi &&
	    v->mv_size <= (size_t)(t->map_hi - p);
}

static enum store_status
txn_begin(struct store *st, int write, struct store_txn *t)
{
	int	mrc, tries;

	t->st = st;
	t->write = write;
	t->agg = NULL;
	for (tries = 0; tries < 3; tries++) {
		pthread_rwlock_rdlock(&st->lock);
		mrc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY,
		    &t->txn);
		if (mrc == 0) {
			map_bounds(st, t);
			return STORE_OK;	/* the lock is held until the end */
		}
		pthread_rwlock_unlock(&st->lock);
		if (mrc != MDB_MAP_RESIZED || (mrc = adopt_size(st)) != 0)
			break;
	}
	t->txn = NULL;
	return store_mdb(st, mrc, "begin transaction");
}

static void
txn_end(struct store_txn *t, int commit, int *mrc)
{
	if (commit)
		*mrc = mdb_txn_commit(t->txn);
	else
		mdb_txn_abort(t->txn);
	t->txn = NULL;
	pthread_rwlock_unlock(&t->st->lock);
}

static void
grow(struct store *st)
{
	MDB_envinfo	info;

	pthread_rwlock_wrlock(&st->lock);
	if (mdb_env_info(st->env, &info) == 0 && info.me_mapsize > st->mapsize)
		st->mapsize = info.me_mapsize;
	st->mapsize *= 2;
	(void)mdb_env_set_mapsize(st->env, st->mapsize);
	map_find(st);
	pthread_rwlock_unlock(&st->lock);
}

/*
 * Whether the store's disk is (nearly) full.  LMDB reports a failed page
 * write as EIO on some file systems where the cause is ENOSPC.
 */
static int
disk_full(const struct store *st)
{
	struct statvfs	sv;

	if (statvfs(st->dir, &sv) != 0)
		return 0;
	return (uint64_t)sv.f_bavail * sv.f_frsize < ((uint64_t)1 << 20);
}

enum store_status
store_write(struct store *st, store_write_fn fn, void *arg)
{
	struct store_txn	t;
	struct agg_batch	agg;
	enum store_status	rc;
	int			mrc, tries;

	for (tries = 0; tries < 24; tries++) {
		memset(&agg, 0, sizeof(agg));
		if ((rc = txn_begin(st, 1, &t)) != STORE_OK)
			return rc;
		agg.t = &t;
		t.agg = &agg;
		rc = fn(&t, arg);
		/* The report's sums that fn changed, in the same commit. */
		if (rc == STORE_OK)
			rc = agg_batch_flush(&agg);
		agg_batch_free(&agg);
		t.agg = NULL;
		if (rc != STORE_OK) {
			txn_end(&t, 0, &mrc);
			if (rc == STORE_FULL) {
				grow(st);
				continue;
			}
			return rc;
		}
		/* MDB_MAP_FULL may come from the commit as well. */
		txn_end(&t, 1, &mrc);
		if (mrc == MDB_MAP_FULL) {
			grow(st);
			continue;
		}
		if (mrc == ENOSPC || (mrc == EIO && disk_full(st)))
			return store_fail(st, STORE_IO, "commit: no space left on "
			    "the store's disk (%s); nothing of this write was "
			    "kept", st->dir);
		return store_mdb(st, mrc, "commit");
	}
	return store_fail(st, STORE_FULL, "map size %zu bytes still too small",
	    st->mapsize);
}

enum store_status
store_read_begin(struct store *st, struct store_txn **out)
{
	struct store_txn	*t;
	enum store_status	 rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return STORE_NOMEM;
	if ((rc = txn_begin(st, 0, t)) != STORE_OK) {
		free(t);
		return rc;
	}
	*out = t;
	return STORE_OK;
}

void
store_txn_abort(struct store_txn *t)
{
	if (t == NULL)
		return;
	if (t->txn != NULL)
		txn_end(t, 0, NULL);
	free(t);
}

struct store *
store_txn_store(struct store_txn *t)
{
	return t->st;
}

enum store_status
store_meta_get(struct store_txn *t, const char *key, struct store_buf *out)
{
	MDB_val	k, v;
	int	mrc;

	k.mv_data = (void *)key;
	k.mv_size = strlen(key);
	if ((mrc = mdb_get(t->txn, t->st->dbi[DBI_META], &k, &v)) != 0)
		return store_mdb(t->st, mrc, "meta");
	if (!val_ok(t, &v))
		return store_fail(t->st, STORE_CORRUPT, "meta %s: damaged", key);
	store_buf_reset(out);
	return store_buf_add(out, v.mv_data, v.mv_size);
}

enum store_status
store_meta_put(struct store_txn *t, const char *key, const char *value)
{
	MDB_val	k, v;

	k.mv_data = (void *)key;
	k.mv_size = strlen(key);
	v.mv_data = (void *)value;
	v.mv_size = strlen(value);
	return store_mdb(t->st, mdb_put(t->txn, t->st->dbi[DBI_META], &k, &v,
	    0), "meta");
}

enum store_status
store_next_id(struct store_txn *t, const char *node, char letter, char *out)
{
	struct store_buf	 b = STORE_BUF_INIT;
	char			 key[16], num[24];
	unsigned long long	 n = 0;
	enum store_status	 rc;

	snprintf(key, sizeof(key), "next.%c", letter);
	rc = store_meta_get(t, key, &b);
	if (rc == STORE_OK)
		n = strtoull(b.data, NULL, 10);
	else if (rc != STORE_NOTFOUND)
		goto out;
	n++;
	snprintf(num, sizeof(num), "%llu", n);
	if ((rc = store_meta_put(t, key, num)) != STORE_OK)
		goto out;
	snprintf(out, STORE_ID_MAX, "%s-%c%llu", node, letter, n);
out:
	store_buf_free(&b);
	return rc;
}

uint64_t
store_last_txn(struct store *st)
{
	MDB_envinfo	info;

	if (mdb_env_info(st->env, &info) != 0)
		return 0;
	return (uint64_t)info.me_last_txnid;
}

int
store_reader_check(struct store *st)
{
	int	dead = 0;

	if (mdb_reader_check(st->env, &dead) != 0)
		return 0;
	return dead;
}
