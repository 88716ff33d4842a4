/*
 * tests/powerloss/shim.c: an LD_PRELOAD layer that makes a kill -9 look
 * like a power cut to LMDB.
 *
 * A write to a file whose name ends in "data.mdb" does not reach the file:
 * it is held in this process's memory, and the held writes of that file are
 * applied in the order they were made, with the real calls, only when the
 * process calls fsync() or fdatasync() on it, which then does the real sync.
 * A process killed at any instant therefore leaves on disk exactly what it
 * had synced, as a power cut leaves what the disk had acknowledged.
 *
 * Invariants kept:
 * - Held writes belong to the file (device and inode), not to the fd: a
 *   sync through any fd of the file applies them all, and closing an fd
 *   keeps them, as the page cache would.
 * - A write through an fd opened with O_DSYNC (LMDB writes its meta page
 *   that way) is durable when it returns: it goes to the file at once, and
 *   its bytes are copied into the held writes it overlaps, so that applying
 *   them later cannot put older bytes over it.
 * - pread() and read() of a held range return the held bytes, including
 *   past the real end of the file.  LMDB reads the meta pages with pread at
 *   open, before this process has written anything, and the other pages
 *   through its map; within its commit protocol it reads no page between
 *   writing it and syncing it, so the map never shows a held page.
 *   XXX The one exception is a page spilled by a transaction whose dirty
 *   list fills up (131,071 pages, 512 MiB): LMDB reads it back through the
 *   map, which here shows the old bytes.  Keep test transactions smaller.
 * - fstat() and lseek(SEEK_END) report the real size; LMDB asks for the
 *   size of data.mdb only at open.  dup() of a tracked fd is not followed.
 *
 * Environment:
 *   MINQING_SHIM_NOSYNC=1	fsync() and fdatasync() of data.mdb return 0
 *				and apply nothing, and O_DSYNC writes are held
 *				too: nothing this process writes reaches the
 *				file.  A control: acknowledged data must then
 *				be missing.
 *   MINQING_SHIM_NOSYNC=2	as 1, but O_DSYNC writes still reach the
 *				file: LMDB's meta page lands without the pages
 *				it points to.  A control for the checks.
 *   MINQING_SHIM_SYNC_DELAY_MS=N
 *				a sync that has writes to apply first sleeps
 *				N ms (at most 1000), as a slow disk would: a
 *				kill then often lands while writes are held.
 *   MINQING_SHIM_STATS=FILE	at a normal exit, append one line of counts.
 *
 * Not built with the sanitizers: an ASan program refuses a library loaded
 * before its runtime.  config.h is not included on purpose: with
 * _FILE_OFFSET_BITS=64 the 32-bit names below would be macros of the 64-bit
 * ones and could not be defined side by side.
 */
#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SUFFIX		"data.mdb"

struct held {
	struct held	*next;
	off_t		 off;
	size_t		 len;
	unsigned char	 data[];
};

struct file {
	struct file	*next;
	dev_t		 dev;
	ino_t		 ino;
	struct held	*head;
	struct held	*tail;
};

struct tfd {
	struct tfd	*next;
	int		 fd;
	int		 dsync;		/* opened with O_DSYNC or O_SYNC */
	int		 append;
	int		 wronly_or_rdwr;
	struct file	*file;
};

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static struct file	*files;
static struct tfd	*tfds;
static int		 nosync;	/* 0, 1 or 2: see above */
static long		 delay_ms;
static const char	*stats_path;
static unsigned long	 n_held, n_applied, n_syncs, n_dsync, n_reads;
static unsigned long long b_held;

static int	(*real_open)(const char *, int, ...);
static int	(*real_open64)(const char *, int, ...);
static int	(*real_openat)(int, const char *, int, ...);
static int	(*real_openat64)(int, const char *, int, ...);
static int	(*real_close)(int);
static ssize_t	(*real_read)(int, void *, size_t);
static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_writev)(int, const struct iovec *, int);
static ssize_t	(*real_pread)(int, void *, size_t, off_t);
static ssize_t	(*real_pread64)(int, void *, size_t, off64_t);
static ssize_t	(*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	(*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t	(*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t	(*real_pwritev64)(int, const struct iovec *, int, off64_t);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);
static int	(*real_ftruncate)(int, off_t);
static int	(*real_ftruncate64)(int, off64_t);
static off_t	(*real_lseek)(int, off_t, int);

/*
 * dlsym() returns an object pointer; C11 has no conversion to a function
 * pointer, so the bytes are copied.
 */
static void
sym(void *fp, const char *name)
{
	void	*p;

	p = dlsym(RTLD_NEXT, name);
	memcpy(fp, &p, sizeof(p));
}

static void
stats(void)
{
	char	 line[256];
	int	 fd, n;

	if (stats_path == NULL)
		return;
	n = snprintf(line, sizeof(line), "pid %ld: %lu writes held (%llu "
	    "bytes), %lu applied, %lu syncs, %lu O_DSYNC writes, %lu reads "
	    "served from held data\n", (long)getpid(), n_held, b_held,
	    n_applied, n_syncs, n_dsync, n_reads);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if ((fd = real_open(stats_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644)) == -1)
		return;
	(void)real_write(fd, line, (size_t)n);
	(void)real_close(fd);
}

static void
init(void)
{
	const char	*s;
	char		*end;

	sym(&real_open, "open");
	sym(&real_open64, "open64");
	sym(&real_openat, "openat");
	sym(&real_openat64, "openat64");
	sym(&real_close, "close");
	sym(&real_read, "read");
	sym(&real_write, "write");
	sym(&real_writev, "writev");
	sym(&real_pread, "pread");
	sym(&real_pread64, "pread64");
	sym(&real_pwrite, "pwrite");
	sym(&real_pwrite64, "pwrite64");
	sym(&real_pwritev, "pwritev");
	sym(&real_pwritev64, "pwritev64");
	sym(&real_fsync, "fsync");
	sym(&real_fdatasync, "fdatasync");
	sym(&real_ftruncate, "ftruncate");
	sym(&real_ftruncate64, "ftruncate64");
	sym(&real_lseek, "lseek");
	if ((s = getenv("MINQING_SHIM_NOSYNC")) != NULL && s[0] != '\0' &&
	    s[1] == '\0' && (s[0] == '1' || s[0] == '2'))
		nosync = s[0] - '0';
	if ((s = getenv("MINQING_SHIM_SYNC_DELAY_MS")) != NULL &&
	    s[0] != '\0') {
		errno = 0;
		delay_ms = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || delay_ms < 0 ||
		    delay_ms > 1000)
			delay_ms = 0;
	}
	if ((s = getenv("MINQING_SHIM_STATS")) != NULL && s[0] != '\0' &&
	    (stats_path = strdup(s)) != NULL)
		(void)atexit(stats);
}

static void
setup(void)
{
	(void)pthread_once(&once, init);
}

static int
tracked_name(const char *path)
{
	size_t	 n, k = sizeof(SUFFIX) - 1;

	if (path == NULL)
		return 0;
	n = strlen(path);
	return n >= k && strcmp(path + n - k, SUFFIX) == 0;
}

/* Called with mtx held. */
static struct tfd *
tfd_find(int fd)
{
	struct tfd	*t;

	for (t = tfds; t != NULL; t = t->next)
		if (t->fd == fd)
			return t;
	return NULL;
}

static void
tfd_drop(int fd)
{
	struct tfd	**tp, *t;

	for (tp = &tfds; (t = *tp) != NULL; tp = &t->next)
		if (t->fd == fd) {
			*tp = t->next;
			free(t);
			return;
		}
}

/*
 * Starts following a freshly opened fd.  If memory runs out the fd is
 * closed and the open fails, rather than let writes through unseen.
 */
static int
track(int fd, int flags)
{
	struct stat	 sb;
	struct file	*f;
	struct tfd	*t;
	int		 saved;

	if (fd == -1)
		return fd;
	saved = errno;
	if (fstat(fd, &sb) == -1)
		goto fail;
	pthread_mutex_lock(&mtx);
	for (f = files; f != NULL; f = f->next)
		if (f->dev == sb.st_dev && f->ino == sb.st_ino)
			break;
	if (f == NULL) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			goto unlock;
		f->dev = sb.st_dev;
		f->ino = sb.st_ino;
		f->next = files;
		files = f;
	}
	tfd_drop(fd);		/* a number closed behind our back */
	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto unlock;
	t->fd = fd;
	t->file = f;
	t->dsync = (flags & O_DSYNC) != 0;	/* O_SYNC includes O_DSYNC */
	t->append = (flags & O_APPEND) != 0;
	t->wronly_or_rdwr = (flags & O_ACCMODE) != O_RDONLY;
	t->next = tfds;
	tfds = t;
	pthread_mutex_unlock(&mtx);
	errno = saved;
	return fd;
unlock:
	pthread_mutex_unlock(&mtx);
fail:
	saved = errno;
	(void)real_close(fd);
	errno = saved;
	return -1;
}

/* The end of the file as this process sees it: real size or held bytes. */
static off_t
logical_size(int fd, struct file *f)
{
	struct stat	 sb;
	struct held	*h;
	off_t		 end = 0;

	if (fstat(fd, &sb) == 0)
		end = sb.st_size;
	for (h = f->head; h != NULL; h = h->next)
		if (h->off + (off_t)h->len > end)
			end = h->off + (off_t)h->len;
	return end;
}

/* Copies the bytes of [off, off + len) that h covers from src into h. */
static void
patch(struct held *h, const unsigned char *src, off_t off, size_t len)
{
	off_t	 lo, hi;

	lo = off > h->off ? off : h->off;
	hi = off + (off_t)len < h->off + (off_t)h->len ?
	    off + (off_t)len : h->off + (off_t)h->len;
	if (lo < hi)
		memcpy(h->data + (lo - h->off), src + (lo - off),
		    (size_t)(hi - lo));
}

/* Called with mtx held; gathers iov into one held write at off. */
static ssize_t
hold(struct tfd *t, const struct iovec *iov, int iovcnt, off_t off)
{
	struct held	*h;
	size_t		 len = 0, at = 0;
	int		 i;

	if (iovcnt < 0 || off < 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SSIZE_MAX - len) {
			errno = EINVAL;
			return -1;
		}
		len += iov[i].iov_len;
	}
	if (len == 0)
		return 0;
	if (len > SIZE_MAX - sizeof(*h) || (h = malloc(sizeof(*h) + len)) ==
	    NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		memcpy(h->data + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	h->next = NULL;
	h->off = off;
	h->len = len;
	if (t->file->tail != NULL)
		t->file->tail->next = h;
	else
		t->file->head = h;
	t->file->tail = h;
	n_held++;
	b_held += len;
	return (ssize_t)len;
}

/* Called with mtx held: writes buf fully at off with the real pwrite. */
static int
put(int fd, const unsigned char *buf, size_t len, off_t off)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = real_pwrite(fd, buf, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * Called with mtx held: a write through an O_DSYNC fd, durable on return.
 * It goes to the file now, and into the held writes it overlaps.
 */
static ssize_t
through(struct tfd *t, const struct iovec *iov, int iovcnt, off_t off)
{
	struct held	*h;
	int		 i;

	for (i = 0; i < iovcnt; i++) {
		if (put(t->fd, iov[i].iov_base, iov[i].iov_len, off) == -1)
			return -1;
		for (h = t->file->head; h != NULL; h = h->next)
			patch(h, iov[i].iov_base, off, iov[i].iov_len);
		off += (off_t)iov[i].iov_len;
	}
	n_dsync++;
	return 0;
}

/*
 * The common path of every write call on a tracked fd.  off is -1 for the
 * calls that use and advance the file offset.  Returns 0 with *done set
 * when the call was handled here, or -1 when it must go to the real call.
 */
static int
do_write(int fd, const struct iovec *iov, int iovcnt, off_t off,
    ssize_t *done)
{
	struct tfd	*t;
	ssize_t		 n;
	size_t		 len = 0;
	int		 i, cur = off == -1;

	setup();
	pthread_mutex_lock(&mtx);
	if ((t = tfd_find(fd)) == NULL || !t->wronly_or_rdwr) {
		pthread_mutex_unlock(&mtx);
		return -1;
	}
	if (cur) {
		off = t->append ? logical_size(fd, t->file) :
		    real_lseek(fd, 0, SEEK_CUR);
		if (off == -1) {
			*done = -1;
			goto out;
		}
	}
	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (t->dsync && nosync != 1) {
		if (through(t, iov, iovcnt, off) == -1) {
			*done = -1;
			goto out;
		}
		n = (ssize_t)len;
	} else if ((n = hold(t, iov, iovcnt, off)) == -1) {
		*done = -1;
		goto out;
	}
	if (cur && real_lseek(fd, off + n, SEEK_SET) == -1) {
		*done = -1;
		goto out;
	}
	*done = n;
out:
	pthread_mutex_unlock(&mtx);
	return 0;
}

/*
 * The common path of pread and read: the real bytes with the held ones laid
 * over them, and past the real end as far as the held ones go.
 */
static int
do_read(int fd, void *buf, size_t len, off_t off, ssize_t *done)
{
	struct tfd	*t;
	struct held	*h;
	ssize_t		 n;
	off_t		 end;
	int		 cur = off == -1, served = 0;

	setup();
	pthread_mutex_lock(&mtx);
	if ((t = tfd_find(fd)) == NULL || t->file->head == NULL) {
		pthread_mutex_unlock(&mtx);
		return -1;
	}
	if (cur && (off = real_lseek(fd, 0, SEEK_CUR)) == -1) {
		*done = -1;
		goto out;
	}
	if ((n = real_pread(fd, buf, len, off)) == -1) {
		*done = -1;
		goto out;
	}
	/* The read ends at the real end, or as far as held data reaches. */
	end = off + n;
	for (h = t->file->head; h != NULL; h = h->next) {
		if (h->off >= off + (off_t)len || h->off + (off_t)h->len <= off)
			continue;
		served = 1;
		if (h->off + (off_t)h->len > end)
			end = h->off + (off_t)h->len;
	}
	if (end > off + (off_t)len)
		end = off + (off_t)len;
	if (end > off + n)	/* a hole between the real end and held data */
		memset((unsigned char *)buf + n, 0, (size_t)(end - off - n));
	for (h = t->file->head; h != NULL; h = h->next) {
		off_t	 lo, hi;

		lo = off > h->off ? off : h->off;
		hi = h->off + (off_t)h->len;
		if (hi > end)
			hi = end;
		if (lo < hi)
			memcpy((unsigned char *)buf + (lo - off),
			    h->data + (lo - h->off), (size_t)(hi - lo));
	}
	n_reads += served;
	if (cur && real_lseek(fd, end, SEEK_SET) == -1) {
		*done = -1;
		goto out;
	}
	*done = (ssize_t)(end - off);
out:
	pthread_mutex_unlock(&mtx);
	return 0;
}

/*
 * Applies the held writes of fd's file in order.  Returns 1 when the real
 * sync must follow (fd untracked, or its writes applied), 0 when syncs are
 * disabled, -1 on failure, with the writes not yet applied still held.
 */
static int
apply(int fd)
{
	struct timespec	 ts;
	struct tfd	*t;
	struct file	*f;
	struct held	*h;
	int		 rc = 0;

	setup();
	pthread_mutex_lock(&mtx);
	if ((t = tfd_find(fd)) == NULL) {
		pthread_mutex_unlock(&mtx);
		return 1;
	}
	n_syncs++;
	if (nosync) {
		pthread_mutex_unlock(&mtx);
		return 0;
	}
	if (delay_ms > 0 && t->file->head != NULL) {
		/* The writes stay held while the disk is slow. */
		pthread_mutex_unlock(&mtx);
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = delay_ms % 1000 * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			continue;
		pthread_mutex_lock(&mtx);
		if ((t = tfd_find(fd)) == NULL) {
			pthread_mutex_unlock(&mtx);
			return 1;
		}
	}
	f = t->file;
	while ((h = f->head) != NULL) {
		if (put(fd, h->data, h->len, h->off) == -1) {
			rc = -1;
			break;
		}
		f->head = h->next;
		free(h);
		n_applied++;
	}
	if (f->head == NULL)
		f->tail = NULL;
	pthread_mutex_unlock(&mtx);
	return rc == -1 ? -1 : 1;
}

static int
open_common(int (*fn)(const char *, int, ...), const char *path, int flags,
    mode_t mode)
{
	int	 fd;

	fd = fn(path, flags, mode);
	if (fd != -1 && tracked_name(path))
		return track(fd, flags);
	return fd;
}

static int
openat_common(int (*fn)(int, const char *, int, ...), int dirfd,
    const char *path, int flags, mode_t mode)
{
	int	 fd;

	fd = fn(dirfd, path, flags, mode);
	if (fd != -1 && tracked_name(path))
		return track(fd, flags);
	return fd;
}

/* The mode argument is there only when the flags ask for it (as glibc). */
#define MODE_ARG(flags, mode) do {					\
	va_list	 ap;							\
	(mode) = 0;							\
	if (((flags) & O_CREAT) != 0 ||					\
	    ((flags) & O_TMPFILE) == O_TMPFILE) {			\
		va_start(ap, flags);					\
		(mode) = (mode_t)va_arg(ap, int);			\
		va_end(ap);						\
	}								\
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t	 mode;

	MODE_ARG(flags, mode);
	setup();
	return open_common(real_open, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t	 mode;

	MODE_ARG(flags, mode);
	setup();
	return open_common(real_open64, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode;

	MODE_ARG(flags, mode);
	setup();
	return openat_common(real_openat, dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode;

	MODE_ARG(flags, mode);
	setup();
	return openat_common(real_openat64, dirfd, path, flags, mode);
}

int
close(int fd)
{
	setup();
	pthread_mutex_lock(&mtx);
	tfd_drop(fd);		/* the held writes stay with the file */
	pthread_mutex_unlock(&mtx);
	return real_close(fd);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	struct iovec	 iov;
	ssize_t		 n;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	if (do_write(fd, &iov, 1, -1, &n) == 0)
		return n;
	return real_write(fd, buf, len);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t	 n;

	if (do_write(fd, iov, iovcnt, -1, &n) == 0)
		return n;
	return real_writev(fd, iov, iovcnt);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct iovec	 iov;
	ssize_t		 n;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	if (do_write(fd, &iov, 1, off, &n) == 0)
		return n;
	return real_pwrite(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	struct iovec	 iov;
	ssize_t		 n;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	if (do_write(fd, &iov, 1, (off_t)off, &n) == 0)
		return n;
	return real_pwrite64(fd, buf, len, off);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	ssize_t	 n;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	if (do_write(fd, iov, iovcnt, off, &n) == 0)
		return n;
	return real_pwritev(fd, iov, iovcnt, off);
}

ssize_t
pwritev64(int fd, const struct iovec *iov, int iovcnt, off64_t off)
{
	ssize_t	 n;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	if (do_write(fd, iov, iovcnt, (off_t)off, &n) == 0)
		return n;
	return real_pwritev64(fd, iov, iovcnt, off);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t	 n;

	if (do_read(fd, buf, len, -1, &n) == 0)
		return n;
	return real_read(fd, buf, len);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t	 n;

	if (off >= 0 && do_read(fd, buf, len, off, &n) == 0)
		return n;
	return real_pread(fd, buf, len, off);
}

ssize_t
pread64(int fd, void *buf, size_t len, off64_t off)
{
	ssize_t	 n;

	if (off >= 0 && do_read(fd, buf, len, (off_t)off, &n) == 0)
		return n;
	return real_pread64(fd, buf, len, off);
}

int
fsync(int fd)
{
	switch (apply(fd)) {
	case -1:
		return -1;
	case 0:
		return 0;	/* syncs disabled: nothing reaches the disk */
	default:
		return real_fsync(fd);
	}
}

int
fdatasync(int fd)
{
	switch (apply(fd)) {
	case -1:
		return -1;
	case 0:
		return 0;
	default:
		return real_fdatasync(fd);
	}
}

/* Held bytes past the new end would be cut by the truncation: drop them. */
static void
cut(int fd, off_t len)
{
	struct tfd	*t;
	struct held	*h;

	setup();
	pthread_mutex_lock(&mtx);
	if ((t = tfd_find(fd)) != NULL)
		for (h = t->file->head; h != NULL; h = h->next) {
			if (h->off >= len)
				h->len = 0;
			else if (h->off + (off_t)h->len > len)
				h->len = (size_t)(len - h->off);
		}
	pthread_mutex_unlock(&mtx);
}

int
ftruncate(int fd, off_t len)
{
	if (len >= 0)
		cut(fd, len);
	return real_ftruncate(fd, len);
}

int
ftruncate64(int fd, off64_t len)
{
	if (len >= 0)
		cut(fd, (off_t)len);
	return real_ftruncate64(fd, len);
}
