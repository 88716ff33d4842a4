/* Shared by the fuzz targets: a scratch folder and small file helpers. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

const char	*fuzz_input;
static char	 fuzz_dir[4096];

static void
rm_tree(const char *path)
{
	struct dirent	*de;
	struct stat	 sb;
	char		 sub[4096];
	DIR		*d;

	if (lstat(path, &sb) == -1)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) < sizeof(sub))
				rm_tree(sub);
		}
		closedir(d);
		(void)rmdir(path);
	} else
		(void)unlink(path);
}

static pid_t	fuzz_owner;

/* Only the process that made it: a forked child leaves it alone. */
static void
cleanup_owner(void)
{
	if (fuzz_dir[0] != '\0' && fuzz_owner == getpid())
		rm_tree(fuzz_dir);
}

const char *
fuzz_tmpdir(void)
{
	const char	*base;

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/minqing-fuzz.XXXXXX",
	    base) >= sizeof(fuzz_dir) - 256)
		fuzz_bug("TMPDIR too long");
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_bug("mkdtemp %s: %s", fuzz_dir, strerror(errno));
	fuzz_owner = getpid();
	atexit(cleanup_owner);
	return fuzz_dir;
}

void
fuzz_write_file(const char *path, const void *p, size_t n)
{
	FILE	*fp;

	if ((fp = fopen(path, "we")) == NULL)
		fuzz_bug("%s: %s", path, strerror(errno));
	if ((n > 0 && fwrite(p, 1, n, fp) != n) || fclose(fp) != 0)
		fuzz_bug("%s: write failed", path);
}

void
fuzz_bug(const char *fmt, ...)
{
	va_list	ap;

	fputs("fuzz: ", stderr);
	if (fuzz_input != NULL)
		fprintf(stderr, "%s: ", fuzz_input);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
