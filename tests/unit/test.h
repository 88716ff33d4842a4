/* A small harness for the unit tests: checks that count, a scratch folder. */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	test_checks, test_fails;

#define CHECK(c) do {							\
	test_checks++;							\
	if (!(c)) {							\
		test_fails++;						\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);\
	}								\
} while (0)

#define CHECK_RC(rc, want) do {						\
	int	got_ = (int)(rc);					\
	test_checks++;							\
	if (got_ != (int)(want)) {					\
		test_fails++;						\
		fprintf(stderr, "FAIL %s:%d: %s gave %d, wanted %d\n",	\
		    __FILE__, __LINE__, #rc, got_, (int)(want));	\
	}								\
} while (0)

static inline int
test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, test_checks, test_fails);
	return test_fails ? 1 : 0;
}

/* A new empty folder; the caller removes it with test_rmdir(). */
static inline char *
test_tmpdir(void)
{
	char	tmpl[512];
	const char *base = getenv("TMPDIR");

	snprintf(tmpl, sizeof(tmpl), "%s/minqing-unit.XXXXXX",
	    base != NULL ? base : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	return strdup(tmpl);
}

static inline void
test_rmdir(char *dir)
{
	char	cmd[1024];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

#endif /* TEST_H */
