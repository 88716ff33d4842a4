/*
 * Unit tests of sync/: key files and their permissions, and checkpoints:
 * the round trip, and every way a checkpoint can lie.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"
#include "tests/unit/test.h"

static void
test_keys(void)
{
	struct sync_key	*k = NULL, *k2 = NULL;
	char		*dir = test_tmpdir(), path[600], err[512];
	char		 pub[SYNC_PK_B64], pub2[SYNC_PK_B64];
	struct stat	 sb;
	FILE		*fp;

	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_NOKEY);
	CHECK_RC(sync_key_generate(&k), SYNC_OK);
	CHECK_RC(sync_key_save(k, dir, err, sizeof(err)), SYNC_OK);
	CHECK_RC(sync_key_save(k, dir, err, sizeof(err)), SYNC_EXISTS);
	snprintf(path, sizeof(path), "%s/node.key", dir);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_OK);
	sync_key_public(k, pub);
	sync_key_public(k2, pub2);
	CHECK(strlen(pub) == 44 && strcmp(pub, pub2) == 0);
	sync_key_free(k2);
	k2 = NULL;
	chmod(path, 0640);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_PERM);
	CHECK(strstr(err, "readable by others") != NULL);
	chmod(path, 0604);
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_PERM);
	chmod(path, 0600);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("not a key\n", fp);
		fclose(fp);
	}
	CHECK_RC(sync_key_load(dir, &k2, err, sizeof(err)), SYNC_BADMSG);
	CHECK(k2 == NULL);
	sync_key_free(k);
	sync_key_free(NULL);
	test_rmdir(dir);
}

static void
replace(char *s, const char *from, const char *to)
{
	char	*p, tail[1024];

	if ((p = strstr(s, from)) == NULL)
		return;
	snprintf(tail, sizeof(tail), "%s", p + strlen(from));
	snprintf(p, 1024 - (size_t)(p - s), "%s%s", to, tail);
}

static void
test_checkpoints(void)
{
	struct sync_key		*k = NULL, *other = NULL;
	struct sync_checkpoint	 ck;
	struct store_buf	 line = STORE_BUF_INIT, line2 = STORE_BUF_INIT;
	unsigned char		 head[STORE_HASH_BYTES];
	char			 err[256], buf[1024], pub[SYNC_PK_B64];
	char			 opub[SYNC_PK_B64];

	CHECK_RC(sync_key_generate(&k), SYNC_OK);
	CHECK_RC(sync_key_generate(&other), SYNC_OK);
	store_hash("entry", 5, head);
	CHECK_RC(sync_checkpoint_make(k, "zb/main", 42, head, &line), SYNC_OK);
	CHECK_RC(sync_checkpoint_verify(line.data, line.len, &ck, err,
	    sizeof(err)), SYNC_OK);
	sync_key_public(k, pub);
	CHECK(strcmp(ck.log, "zb/main") == 0 && ck.seq == 42);
	CHECK(memcmp(ck.head, head, sizeof(head)) == 0);
	CHECK(strcmp(ck.key, pub) == 0);

	/* Each field changed after signing breaks the signature. */
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":43");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "zb/main", "zc/main");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	buf[strstr(buf, "\"head\":\"") - buf + 8] ^= 1;
	CHECK(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)) != SYNC_OK);
	/* Another key named in place of the signer's. */
	sync_key_public(other, opub);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, pub, opub);
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADSIG);
	/* A signature by another key over the same prefix verifies, and
	 * names that key: trusting it is the caller's decision. */
	CHECK_RC(sync_checkpoint_make(other, "zb/main", 42, head, &line2),
	    SYNC_OK);
	CHECK_RC(sync_checkpoint_verify(line2.data, line2.len, &ck, err,
	    sizeof(err)), SYNC_OK);
	CHECK(strcmp(ck.key, opub) == 0);
	/* Malformed. */
	CHECK_RC(sync_checkpoint_verify("{}", 2, &ck, err, sizeof(err)),
	    SYNC_BADMSG);
	CHECK_RC(sync_checkpoint_verify("", 0, &ck, err, sizeof(err)),
	    SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":9007199254740993");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "\"seq\":42", "\"seq\":4.2");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s", line.data);
	replace(buf, "zb/main", "../main");
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	snprintf(buf, sizeof(buf), "%s trailing", line.data);
	CHECK_RC(sync_checkpoint_verify(buf, strlen(buf), &ck, err,
	    sizeof(err)), SYNC_BADMSG);
	store_buf_free(&line);
	store_buf_free(&line2);
	sync_key_free(k);
	sync_key_free(other);
}

int
main(void)
{
	test_keys();
	test_checkpoints();
	return test_done("sync_test");
}
