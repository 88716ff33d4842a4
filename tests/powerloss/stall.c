/*
 * stall.so: an LD_PRELOAD layer that stops a process for MINQING_STALL_S
 * seconds (default 30) right after LMDB took lock.mdb exclusively to set
 * it up, at its first pread() of data.mdb, having created the file named
 * by MINQING_STALL_READY.  t2105-lock-setup.sh kills it there: a process
 * that dies while it sets up lock.mdb.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static int	excl;

static int
setlk(int fd, int cmd, void *p)
{
	static int	(*real)(int, int, ...);
	struct flock	*l = p;
	int		 rc;

	if (real == NULL && (real = dlsym(RTLD_NEXT, "fcntl64")) == NULL &&
	    (real = dlsym(RTLD_NEXT, "fcntl")) == NULL)
		abort();
	rc = real(fd, cmd, p);
	/* LMDB's bid for lock.mdb alone: a write lock on its first byte. */
	if (rc == 0 && cmd == F_SETLK && l != NULL && l->l_type == F_WRLCK &&
	    l->l_start == 0 && l->l_len == 1)
		excl = 1;
	return rc;
}

int
fcntl(int fd, int cmd, ...)
{
	va_list	 ap;
	void	*p;

	va_start(ap, cmd);
	p = va_arg(ap, void *);
	va_end(ap);
	return setlk(fd, cmd, p);
}

int
fcntl64(int fd, int cmd, ...)
{
	va_list	 ap;
	void	*p;

	va_start(ap, cmd);
	p = va_arg(ap, void *);
	va_end(ap);
	return setlk(fd, cmd, p);
}

static void
stall(void)
{
	const char	*ready, *s;
	int		 fd;

	if (!excl || (ready = getenv("MINQING_STALL_READY")) == NULL)
		return;
	excl = 0;
	if ((fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1)
		close(fd);
	s = getenv("MINQING_STALL_S");
	sleep(s != NULL ? (unsigned)atoi(s) : 30);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t	(*real)(int, void *, size_t, off_t);

	if (real == NULL && (real = dlsym(RTLD_NEXT, "pread")) == NULL)
		abort();
	stall();
	return real(fd, buf, n, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t	(*real)(int, void *, size_t, off_t);

	if (real == NULL && (real = dlsym(RTLD_NEXT, "pread64")) == NULL)
		abort();
	stall();
	return real(fd, buf, n, off);
}
