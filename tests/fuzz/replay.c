/*
 * Runs a fuzz target without libFuzzer: LLVMFuzzerTestOneInput() on every
 * file of the folders (or on the files) given, in name order, and prints
 * "replay NAME: N inputs" for each.  Without arguments, replay_NAME runs
 * $top_srcdir/tests/fuzz/corpus/NAME (else $srcdir's, else the source
 * tree's it was built from), so that it can serve as a test as it is.  A
 * crash or an abort is the target's finding; the exit status is 0
 * otherwise.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

/* A crash names the input, then happens as it would have. */
static void
crashed(int sig)
{
	const char	*p = fuzz_input != NULL ? fuzz_input : "?";

	(void)!write(STDERR_FILENO, "replay: crashed on ", 19);
	(void)!write(STDERR_FILENO, p, strlen(p));
	(void)!write(STDERR_FILENO, "\n", 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
run_file(const char *path)
{
	struct stat	 sb;
	FILE		*fp;
	uint8_t		*buf;
	size_t		 n;

	if ((fp = fopen(path, "rbe")) == NULL || fstat(fileno(fp), &sb) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* One byte more, so that an empty file is a valid pointer too. */
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	if (n != (size_t)sb.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return -1;
	}
	/* Copied to a buffer of its exact size, as libFuzzer does. */
	fuzz_input = path;
	(void)LLVMFuzzerTestOneInput(buf, n);
	fuzz_input = NULL;
	free(buf);
	return 0;
}

/* The last part of a path, trailing slashes aside. */
static const char *
name_of(const char *path, char *buf, size_t len)
{
	size_t		 n = strlen(path);
	const char	*p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	snprintf(buf, len, "%.*s", (int)(path + n - p), p);
	return buf;
}

/* Unless a sanitizer handles sig already. */
static void
on_crash(int sig)
{
	struct sigaction	sa;

	if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL &&
	    !(sa.sa_flags & SA_SIGINFO))
		signal(sig, crashed);
}

/* The corpus of replay_NAME in the source tree. */
static int
default_corpus(const char *argv0, char *buf, size_t len)
{
	const char	*top, *name;

	if ((name = strrchr(argv0, '/')) != NULL)
		argv0 = name + 1;
	if (strncmp(argv0, "replay_", 7) != 0 || argv0[7] == '\0')
		return -1;
	name = argv0 + 7;
	if ((top = getenv("top_srcdir")) == NULL || *top == '\0')
		top = getenv("srcdir");
#ifdef FUZZ_TOP_SRCDIR
	if (top == NULL || *top == '\0')
		top = FUZZ_TOP_SRCDIR;
#endif
	if (top == NULL || *top == '\0')
		top = ".";
	if ((size_t)snprintf(buf, len, "%s/tests/fuzz/corpus/%s", top, name) >=
	    len)
		return -1;
	return 0;
}

static int
hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int
main(int argc, char **argv)
{
	struct dirent	**names;
	struct stat	  sb;
	const char	 *base;
	char		 *dargv[2];
	char		  path[4096], dflt[4096], name[256];
	static const int  sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	int		  i, j, n, count, status = 0;

	for (i = 0; i < (int)(sizeof(sigs) / sizeof(sigs[0])); i++)
		on_crash(sigs[i]);
	if (argc < 2) {
		if (default_corpus(argv[0], dflt, sizeof(dflt)) != 0) {
			fprintf(stderr, "usage: %s [CORPUS-FOLDER|FILE...]\n",
			    argv[0]);
			return 2;
		}
		dargv[0] = argv[0];
		dargv[1] = dflt;
		argv = dargv;
		argc = 2;
	}
	for (i = 1; i < argc; i++) {
		base = name_of(argv[i], name, sizeof(name));
		if (stat(argv[i], &sb) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			status = 1;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (run_file(argv[i]) != 0)
				status = 1;
			printf("replay %s: 1 inputs\n", base);
			continue;
		}
		if ((n = scandir(argv[i], &names, hidden, alphasort)) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			status = 1;
			continue;
		}
		for (j = 0, count = 0; j < n; j++) {
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    names[j]->d_name);
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
				if (run_file(path) != 0)
					status = 1;
				count++;
			}
			free(names[j]);
		}
		free(names);
		printf("replay %s: %d inputs\n", base, count);
	}
	return status;
}
