/*
 * Checkpoints: one Ed25519 signature over a log's name, a seq and the hash
 * of entry seq.  Since each entry holds the hash of the one before it, one
 * signature covers the whole prefix.  The signed bytes are
 * "minqing/checkpoint/v1\n" LOG "\n" SEQ "\n" HEAD "\n", HEAD in hex.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "sync/sync.h"
#include "sync/sync_int.h"

#define CKPT_TAG	"minqing/checkpoint/v1\n"

static void
signing_input(const char *log, uint64_t seq, const char *headhex,
    char *out, size_t len)
{
	snprintf(out, len, CKPT_TAG "%s\n%" PRIu64 "\n%s\n", log, seq,
	    headhex);
}

enum sync_status
sync_checkpoint_make(const struct sync_key *k, const char *log, uint64_t seq,
    const unsigned char head[STORE_HASH_BYTES], struct store_buf *out)
{
	unsigned char	sig[SYNC_SIG_BYTES];
	char		hex[STORE_HASH_BYTES * 2 + 1], msg[256];
	char		pk[SYNC_PK_B64], sigb[sodium_base64_ENCODED_LEN(
			    SYNC_SIG_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char		line[512];

	store_hash_hex(head, hex);
	signing_input(log, seq, hex, msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), k->sk);
	sync_key_public(k, pk);
	sodium_bin2base64(sigb, sizeof(sigb), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "{\"log\":\"%s\",\"seq\":%" PRIu64
	    ",\"head\":\"%s\",\"key\":\"%s\",\"sig\":\"%s\"}", log, seq, hex,
	    pk, sigb);
	store_buf_reset(out);
	return store_buf_addstr(out, line) == STORE_OK ? SYNC_OK : SYNC_NOMEM;
}

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum sync_status
sync_checkpoint_verify(const char *line, size_t len,
    struct sync_checkpoint *out, char *err, size_t errlen)
{
	cJSON			*j;
	const cJSON		*seqv;
	const char		*log, *head, *key, *sig, *end;
	unsigned char		 pk[SYNC_PK_BYTES], sg[SYNC_SIG_BYTES];
	char			 msg[256], canon[1100];
	size_t			 n;
	double			 d;
	enum sync_status	 rc = SYNC_BADMSG;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > 1024 || memchr(line, '\0', len) != NULL) {
		snprintf(err, errlen, "checkpoint of %zu bytes", len);
		return SYNC_BADMSG;
	}
	j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (j == NULL || !cJSON_IsObject(j) || (size_t)(end - line) != len) {
		snprintf(err, errlen, "checkpoint is not a JSON object");
		goto out;
	}
	log = str(j, "log");
	head = str(j, "head");
	key = str(j, "key");
	sig = str(j, "sig");
	seqv = cJSON_GetObjectItemCaseSensitive(j, "seq");
	if (!store_valid_log(log) || head == NULL || key == NULL ||
	    sig == NULL || !cJSON_IsNumber(seqv)) {
		snprintf(err, errlen, "checkpoint lacks log, seq, head, key "
		    "or sig");
		goto out;
	}
	d = seqv->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < 1 || d > 9007199254740991.0) {
		snprintf(err, errlen, "checkpoint seq out of range");
		goto out;
	}
	if (strlen(head) != STORE_HASH_BYTES * 2 ||
	    sodium_hex2bin(out->head, sizeof(out->head), head, strlen(head),
	    NULL, &n, NULL) != 0 || n != STORE_HASH_BYTES ||
	    strspn(head, "0123456789abcdef") != strlen(head)) {
		snprintf(err, errlen, "checkpoint head is not 64 hex digits");
		goto out;
	}
	if (sodium_base642bin(pk, sizeof(pk), key, strlen(key), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(pk) ||
	    strlen(key) >= SYNC_PK_B64) {
		snprintf(err, errlen, "checkpoint key is not a public key");
		goto out;
	}
	if (sodium_base642bin(sg, sizeof(sg), sig, strlen(sig), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(sg)) {
		snprintf(err, errlen, "checkpoint sig is not a signature");
		goto out;
	}
	out->seq = (uint64_t)d;
	snprintf(out->log, sizeof(out->log), "%s", log);
	snprintf(out->key, sizeof(out->key), "%s", key);
	/*
	 * The line is stored and passed on as received, so it must be the one
	 * form a checkpoint has: no other member, no duplicate, no escape, no
	 * other spelling of the number.  Else parsed fields could say one
	 * thing and the stored bytes another.
	 */
	snprintf(canon, sizeof(canon), "{\"log\":\"%s\",\"seq\":%" PRIu64
	    ",\"head\":\"%s\",\"key\":\"%s\",\"sig\":\"%s\"}", log, out->seq,
	    head, key, sig);
	if (strlen(canon) != len || memcmp(canon, line, len) != 0) {
		snprintf(err, errlen, "checkpoint is not in its canonical form");
		goto out;
	}
	signing_input(log, out->seq, head, msg, sizeof(msg));
	if (crypto_sign_verify_detached(sg, (const unsigned char *)msg,
	    strlen(msg), pk) != 0) {
		snprintf(err, errlen, "checkpoint signature does not verify");
		rc = SYNC_BADSIG;
		goto out;
	}
	rc = SYNC_OK;
out:
	cJSON_Delete(j);
	return rc;
}
