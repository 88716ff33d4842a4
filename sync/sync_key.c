/*
 * The node's Ed25519 key pair.  The secret key lives in sodium_malloc()
 * memory, is wiped on free, is written only to a 0600 file and is never
 * printed.  A key file that others can read is refused.  In a shared store
 * folder (setgid, see store_shared()) the file is 0640 and its group, which
 * must be the folder's, may read it: the clerks of that group sign as the
 * node.  Group write and any access for the world are refused everywhere.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

const char *
sync_strerror(enum sync_status rc)
{
	switch (rc) {
	case SYNC_OK:		return "ok";
	case SYNC_NOMEM:	return "out of memory";
	case SYNC_BADMSG:	return "malformed message";
	case SYNC_BADSIG:	return "bad signature";
	case SYNC_IO:		return "input/output error";
	case SYNC_PERM:		return "key file readable by others";
	case SYNC_NOKEY:	return "no key";
	case SYNC_EXISTS:	return "already exists";
	}
	return "unknown error";
}

enum sync_status
sync_key_generate(struct sync_key **out)
{
	struct sync_key	*k;

	*out = NULL;
	if (sodium_init() < 0)
		return SYNC_NOMEM;
	if ((k = sodium_malloc(sizeof(*k))) == NULL)
		return SYNC_NOMEM;
	crypto_sign_keypair(k->pk, k->sk);
	*out = k;
	return SYNC_OK;
}

void
sync_key_free(struct sync_key *k)
{
	if (k == NULL)
		return;
	sodium_memzero(k, sizeof(*k));
	sodium_free(k);
}

void
sync_key_public(const struct sync_key *k, char *b64)
{
	sodium_bin2base64(b64, SYNC_PK_B64, k->pk, SYNC_PK_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
}

static enum sync_status
write_file(const char *path, const char *data, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == EEXIST ? SYNC_EXISTS : SYNC_IO;
	}
	if (fchmod(fd, mode) == -1 || write(fd, data, len) != (ssize_t)len ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return SYNC_IO;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return SYNC_IO;
	}
	return SYNC_OK;
}

enum sync_status
sync_key_save(const struct sync_key *k, const char *dir, char *err,
    size_t errlen)
{
	return sync_key_save_as(k, dir, "", err, errlen);
}

enum sync_status
sync_key_save_as(const struct sync_key *k, const char *dir,
    const char *suffix, char *err, size_t errlen)
{
	char			*b64;
	char			 path[4096], pub[SYNC_PK_B64 + 1];
	size_t			 n;
	enum sync_status	 rc;

	n = sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = sodium_malloc(n + 1)) == NULL)
		return SYNC_NOMEM;
	sodium_bin2base64(b64, n, k->sk, crypto_sign_SECRETKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	b64[n - 1] = '\n';
	snprintf(path, sizeof(path), "%s/%s%s", dir, SYNC_KEYFILE, suffix);
	rc = write_file(path, b64, n, store_shared(dir, NULL) ? 0640 : 0600,
	    err, errlen);
	sodium_memzero(b64, n + 1);
	sodium_free(b64);
	if (rc != SYNC_OK)
		return rc;
	sync_key_public(k, pub);
	n = strlen(pub);
	pub[n] = '\n';
	snprintf(path, sizeof(path), "%s/%s%s", dir, SYNC_PUBFILE, suffix);
	return write_file(path, pub, n + 1, 0644, err, errlen);
}

/*
 * Whether the key file's mode lets only those read it who may sign: its
 * owner, and in a shared folder the folder's group.  err says why not.
 */
static int
mode_ok(const char *dir, const char *path, const struct stat *sb, char *err,
    size_t errlen)
{
	mode_t	open_to = sb->st_mode & (S_IRWXG | S_IRWXO);
	gid_t	gid;

	if (open_to == 0)
		return 1;
	if (!store_shared(dir, &gid)) {
		snprintf(err, errlen, "%s: key file is readable by others "
		    "(mode %03o); chmod 600 it", path,
		    (unsigned)(sb->st_mode & 0777));
		return 0;
	}
	if (open_to != S_IRGRP) {
		snprintf(err, errlen, "%s: key file is %s (mode %03o); in a "
		    "shared store folder chmod 640 it", path,
		    open_to & S_IRWXO ? "readable by others" :
		    "writable by its group", (unsigned)(sb->st_mode & 0777));
		return 0;
	}
	if (sb->st_gid != gid) {
		snprintf(err, errlen, "%s: key file's group %u is not the "
		    "shared store folder's group %u; chgrp %u it", path,
		    (unsigned)sb->st_gid, (unsigned)gid, (unsigned)gid);
		return 0;
	}
	return 1;
}

enum sync_status
sync_key_load(const char *dir, struct sync_key **out, char *err,
    size_t errlen)
{
	return sync_key_load_as(dir, "", out, err, errlen);
}

enum sync_status
sync_key_load_as(const char *dir, const char *suffix, struct sync_key **out,
    char *err, size_t errlen)
{
	struct sync_key		*k = NULL;
	struct stat		 sb;
	char			 path[4096];
	char			*buf = NULL;
	size_t			 len, bin;
	ssize_t			 r;
	enum sync_status	 rc = SYNC_IO;
	int			 fd;

	*out = NULL;
	if (sodium_init() < 0)
		return SYNC_NOMEM;
	snprintf(path, sizeof(path), "%s/%s%s", dir, SYNC_KEYFILE, suffix);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		rc = errno == ENOENT ? SYNC_NOKEY : SYNC_IO;
		/* A key made before the folder was shared is 0600. */
		if (errno == EACCES && store_shared(dir, NULL))
			snprintf(err, errlen, "%s: %s (in a shared store "
			    "folder the key file is mode 640, of the folder's "
			    "group)", path, strerror(EACCES));
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!mode_ok(dir, path, &sb, err, errlen)) {
		rc = SYNC_PERM;
		goto out;
	}
	if ((buf = sodium_malloc(256)) == NULL) {
		rc = SYNC_NOMEM;
		goto out;
	}
	if ((r = read(fd, buf, 255)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	len = (size_t)r;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if ((k = sodium_malloc(sizeof(*k))) == NULL) {
		rc = SYNC_NOMEM;
		goto out;
	}
	if (sodium_base642bin(k->sk, sizeof(k->sk), buf, len, NULL, &bin,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin != crypto_sign_SECRETKEYBYTES) {
		snprintf(err, errlen, "%s: not a minqing key", path);
		rc = SYNC_BADMSG;
		goto out;
	}
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	*out = k;
	k = NULL;
	rc = SYNC_OK;
out:
	if (buf != NULL) {
		sodium_memzero(buf, 256);
		sodium_free(buf);
	}
	sync_key_free(k);
	close(fd);
	return rc;
}
