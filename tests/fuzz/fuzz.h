/*
 * tests/fuzz/: one libFuzzer target for each decoder of outside bytes.  Each
 * target defines LLVMFuzzerTestOneInput(); replay.c calls it on every file
 * of a corpus, so that `make check` runs the corpora without libFuzzer.  A
 * target never exits on bad input; it aborts only when minqing breaks one
 * of its own promises, which is a bug to report.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A folder of this process under $TMPDIR (else /tmp), made on the first
 * call and removed at exit.
 */
const char	*fuzz_tmpdir(void);
/* Writes the bytes to path (made or truncated); aborts if it cannot. */
void		 fuzz_write_file(const char *path, const void *, size_t);
/* The file replay.c is running, for the messages; NULL under libFuzzer. */
extern const char	*fuzz_input;
/* Prints the message and aborts: a promise of minqing was broken. */
void		 fuzz_bug(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

#endif /* FUZZ_H */
