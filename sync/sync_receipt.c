/*
 * Receipts and signed requests.  A receipt is the hub's signed word that it
 * holds a log up to a seq, at a time of its clock; the sender marks entries
 * delivered only from one.  A signed request proves which node asks for the
 * streams addressed to it.
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

#define RECEIPT_TAG	"minqing/receipt/v1\n"
#define REQUEST_TAG	"minqing/request/v1\n"

enum sync_status
sync_receipt_make(const struct sync_key *k, const char *log, uint64_t have,
    const unsigned char head[STORE_HASH_BYTES], uint64_t at_ms,
    struct store_buf *out)
{
	unsigned char	sig[SYNC_SIG_BYTES];
	char		hex[STORE_HASH_BYTES * 2 + 1], msg[256], line[512];
	char		pk[SYNC_PK_B64], sigb[SYNC_SIG_B64];

	store_hash_hex(head, hex);
	snprintf(msg, sizeof(msg), RECEIPT_TAG "%s\n%" PRIu64 "\n%s\n%" PRIu64
	    "\n", log, have, hex, at_ms);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), k->sk);
	sync_key_public(k, pk);
	sodium_bin2base64(sigb, sizeof(sigb), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "{\"log\":\"%s\",\"have\":%" PRIu64
	    ",\"head\":\"%s\",\"at\":%" PRIu64 ",\"key\":\"%s\",\"sig\":\"%s\"}",
	    log, have, hex, at_ms, pk, sigb);
	store_buf_reset(out);
	return store_buf_addstr(out, line) == STORE_OK ? SYNC_OK : SYNC_NOMEM;
}

static int
num(const cJSON *o, const char *name, uint64_t *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);
	double		 d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < 0 || d > 9007199254740991.0)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

enum sync_status
sync_receipt_verify(const char *json, size_t len, struct sync_receipt *r,
    char *err, size_t errlen)
{
	cJSON			*j;
	const char		*log, *head, *key, *sig;
	unsigned char		 pk[SYNC_PK_BYTES], sg[SYNC_SIG_BYTES];
	char			 msg[256];
	size_t			 n;
	enum sync_status	 rc = SYNC_BADMSG;

	memset(r, 0, sizeof(*r));
	if ((j = cJSON_ParseWithLength(json, len)) == NULL) {
		snprintf(err, errlen, "receipt is not JSON");
		return SYNC_BADMSG;
	}
	log = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "log"));
	head = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j,
	    "head"));
	key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "key"));
	sig = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "sig"));
	if (!store_valid_log(log) || head == NULL || key == NULL ||
	    sig == NULL || num(j, "have", &r->have) != 0 ||
	    num(j, "at", &r->at_ms) != 0 || strlen(key) >= SYNC_PK_B64 ||
	    strlen(head) != 64 || sodium_hex2bin(r->head, sizeof(r->head),
	    head, 64, NULL, &n, NULL) != 0 || n != STORE_HASH_BYTES ||
	    sodium_base642bin(pk, sizeof(pk), key, strlen(key), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(pk) ||
	    sodium_base642bin(sg, sizeof(sg), sig, strlen(sig), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(sg)) {
		snprintf(err, errlen, "receipt is malformed");
		goto out;
	}
	snprintf(r->log, sizeof(r->log), "%s", log);
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(msg, sizeof(msg), RECEIPT_TAG "%s\n%" PRIu64 "\n%s\n%" PRIu64
	    "\n", log, r->have, head, r->at_ms);
	if (crypto_sign_verify_detached(sg, (const unsigned char *)msg,
	    strlen(msg), pk) != 0) {
		snprintf(err, errlen, "receipt signature does not verify");
		rc = SYNC_BADSIG;
		goto out;
	}
	rc = SYNC_OK;
out:
	cJSON_Delete(j);
	return rc;
}

static void
request_input(struct store_buf *b, const char *method, const char *target,
    const char *node, const char *time)
{
	store_buf_reset(b);
	if (store_buf_addstr(b, REQUEST_TAG) != STORE_OK ||
	    store_buf_addstr(b, method) != STORE_OK ||
	    store_buf_addstr(b, "\n") != STORE_OK ||
	    store_buf_addstr(b, target) != STORE_OK ||
	    store_buf_addstr(b, "\n") != STORE_OK ||
	    store_buf_addstr(b, node) != STORE_OK ||
	    store_buf_addstr(b, "\n") != STORE_OK ||
	    store_buf_addstr(b, time) != STORE_OK ||
	    store_buf_addstr(b, "\n") != STORE_OK)
		store_buf_free(b);
}

void
sync_request_sign(const struct sync_key *k, const char *method,
    const char *target, const char *node, uint64_t time_ms, char *sig)
{
	struct store_buf	b = STORE_BUF_INIT;
	unsigned char		sg[SYNC_SIG_BYTES];
	char			t[24];

	snprintf(t, sizeof(t), "%" PRIu64, time_ms);
	request_input(&b, method, target, node, t);
	sig[0] = '\0';
	if (b.data == NULL)
		return;
	crypto_sign_detached(sg, NULL, (const unsigned char *)b.data, b.len,
	    k->sk);
	sodium_bin2base64(sig, SYNC_SIG_B64, sg, sizeof(sg),
	    sodium_base64_VARIANT_ORIGINAL);
	store_buf_free(&b);
}

int
sync_request_verify(const char *key, const char *method, const char *target,
    const char *node, const char *time, const char *sig)
{
	struct store_buf	b = STORE_BUF_INIT;
	unsigned char		pk[SYNC_PK_BYTES], sg[SYNC_SIG_BYTES];
	size_t			n;
	int			ok;

	if (key == NULL || sig == NULL || time == NULL || node == NULL ||
	    strlen(time) > 20 || strspn(time, "0123456789") != strlen(time) ||
	    sodium_base642bin(pk, sizeof(pk), key, strlen(key), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(pk) ||
	    sodium_base642bin(sg, sizeof(sg), sig, strlen(sig), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(sg))
		return 0;
	request_input(&b, method, target, node, time);
	if (b.data == NULL)
		return 0;
	ok = crypto_sign_verify_detached(sg, (const unsigned char *)b.data,
	    b.len, pk) == 0;
	store_buf_free(&b);
	return ok;
}

#define ROTATE_TAG	"minqing/rotate/v1\n"

void
sync_rotation_proof(const struct sync_key *k, const char *node,
    const char *oldpub, char *proof)
{
	unsigned char	sg[SYNC_SIG_BYTES];
	char		msg[256], pub[SYNC_PK_B64];

	sync_key_public(k, pub);
	snprintf(msg, sizeof(msg), ROTATE_TAG "%s\n%s\n%s\n", node, oldpub,
	    pub);
	crypto_sign_detached(sg, NULL, (const unsigned char *)msg, strlen(msg),
	    k->sk);
	sodium_bin2base64(proof, SYNC_SIG_B64, sg, sizeof(sg),
	    sodium_base64_VARIANT_ORIGINAL);
}

int
sync_rotation_verify(const char *node, const char *oldpub,
    const char *newpub, const char *proof)
{
	unsigned char	pk[SYNC_PK_BYTES], sg[SYNC_SIG_BYTES];
	char		msg[256];
	size_t		n;

	if (node == NULL || oldpub == NULL || newpub == NULL || proof == NULL ||
	    strlen(node) > STORE_NODE_MAX || strlen(oldpub) >= SYNC_PK_B64 ||
	    sodium_base642bin(pk, sizeof(pk), newpub, strlen(newpub), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(pk) ||
	    sodium_base642bin(sg, sizeof(sg), proof, strlen(proof), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(sg))
		return 0;
	snprintf(msg, sizeof(msg), ROTATE_TAG "%s\n%s\n%s\n", node, oldpub,
	    newpub);
	return crypto_sign_verify_detached(sg, (const unsigned char *)msg,
	    strlen(msg), pk) == 0;
}
