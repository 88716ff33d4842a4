#!/bin/sh
# Bad requests against a real hub over HTTPS on 127.0.0.1: forged and
# foreign signatures, altered bytes, gaps, broken chains, a fork, the wrong
# log, unknown and revoked nodes, bodies too large or malformed, wrong
# types, paths and methods, unsigned reads.  Each answers its status and a
# JSON {"error","detail"}, and (but for the fork, which keeps its evidence)
# leaves the hub's store exactly as it was.  A revoked node enrolled again
# keeps its earlier entries verifiable and pushes new ones.  Then a branch
# whose batches are larger than the hub takes drains a big backlog by
# halving them on 413.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
mkdir "$T/certs"
make_certs "$T/certs" && ok "certificates made" || not_ok "certificates made"
CA=$T/certs/ca.crt
port=$(free_port)
URL=https://127.0.0.1:$port
H=$T/hub A=$T/a B=$T/b
make_hub "$H" hub "$port" "$T/certs" && ok "hub made" || not_ok "hub made"
# Small limits: bodies over 64K + 64K or with more than 1000 entries are 413.
sed -i 's/^batch_bytes = .*/batch_bytes = 64K/; s/^batch_entries = .*/batch_entries = 1000/' "$H/minqing.conf"
make_node "$A" a && make_node "$B" b && ok "branches made" || not_ok "branches made"
check "enrol a" mq -d "$H" peer add a --key "$(cat "$A.key")"
check "enrol b" mq -d "$H" peer add b --key "$(cat "$B.key")"
start_daemon "$H"
wait_health "$port" "$CA" && ok "hub up" || not_ok "hub up"

# call METHOD PATH [CURL-ARGS...]: the status in $T/code, the body in $T/body.
call() {
	local m="$1" p="$2"; shift 2
	rm -f "$T/body"
	curl -s -m 30 --path-as-is --cacert "$CA" -X "$m" -o "$T/body" \
	    -w '%{http_code}' "$@" "$URL$p" >"$T/code" 2>/dev/null
}
# push FILE LOG [CURL-ARGS...]: POSTs FILE as NDJSON to /v1/logs/LOG.
push() {
	local f="$1" l="$2"; shift 2
	call POST "/v1/logs/$l" -H 'Content-Type: application/x-ndjson' \
	    --data-binary "@$f" "$@"
}
# answered DESCRIPTION STATUS ERROR: the last call's status and JSON error.
answered() {
	expect_eq "$1: HTTP $2" "$2" "$(cat "$T/code")"
	expect_eq "$1: JSON error $3 with a detail" "$3 string" \
	    "$(jq -r '[.error, (.detail|type)] | join(" ")' "$T/body" 2>/dev/null)"
}
# bad DESCRIPTION STATUS ERROR CALL...: answered so, the hub's store as it was.
bad() {
	local what="$1" st="$2" err="$3" before; shift 3
	before=$(digest "$H")
	"$@"
	answered "$what" "$st" "$err"
	expect_eq "$what: hub store unchanged" "$before" "$(digest "$H")"
}
# batch DIR FILE [AFTER]: what a push of DIR's log would send.
batch() { mq -d "$1" log "$(mq -d "$1" id | cut -d" " -f1)/main" --batch --after "${3:-0}" >"$2"; }
# verify_fork_only DESCRIPTION: the hub's verify reports a's frozen log, and
# nothing else (it passed before the fork).
verify_fork_only() {
	local rc
	mq -d "$H" verify >/dev/null 2>"$T/verr"; rc=$?
	expect_eq "$1: exit 1, the fork on a/main its only finding" \
	    "1 minqing: verify: a/main seq 6: frozen" \
	    "$rc $(sed 's/: a fork was proven.*//' "$T/verr")"
}
have() { curl -s -m 30 --cacert "$CA" "$URL/v1/logs/$1" | jq -r .have; }

# A first good batch from a.
mq -d "$A" household add H1 --address "Gonghe Rd 1" --group G1 >/dev/null
mq -d "$A" household add H2 --address "Gonghe Rd 2" --group G1 >/dev/null
batch "$A" "$T/a1.nd"
expect_eq "a's first batch: a checkpoint and 2 entries" 3 "$(grep -c '' "$T/a1.nd")"
push "$T/a1.nd" a/main
expect_eq "first batch accepted: HTTP 200" 200 "$(cat "$T/code")"
expect_eq "first batch: have 2, added 2" "2 2" "$(jq -r '"\(.have) \(.added)"' "$T/body" 2>/dev/null)"
jq -e '.receipt.sig | type == "string"' "$T/body" >/dev/null 2>&1 &&
    ok "first batch: a signed receipt" || not_ok "first batch: a signed receipt"
expect_eq "receipt for the head" "$(jq -r .head "$T/body" 2>/dev/null)" "$(jq -r .receipt.head "$T/body" 2>/dev/null)"
expect_eq "hub holds a's log" "$(mq -d "$A" log a/main | sha256sum)" "$(mq -d "$H" log a/main | sha256sum)"

# Three more records on a: the bad batches are variants of seq 3..5.
for n in 3 4 5; do
	mq -d "$A" household add "H$n" --address "Gonghe Rd $n" --group G1 >/dev/null
done
batch "$A" "$T/a2.nd" 2
expect_eq "a's second batch: a checkpoint and 3 entries" 4 "$(grep -c '' "$T/a2.nd")"

# 1. A forged checkpoint signature: its first character changed.
c=$(sed -n '1s/.*"sig":"\(.\).*/\1/p' "$T/a2.nd")
[ "$c" = A ] && r=B || r=A
sed '1s/"sig":"./"sig":"'"$r"'/' "$T/a2.nd" >"$T/x"
bad "forged checkpoint signature" 403 bad-signature push "$T/x" a/main

# 2. An impostor with a's node id and its own key.
mq -d "$T/imp" init --node a >/dev/null
for n in 1 2 3; do
	mq -d "$T/imp" household add "H$n" --address "Fake Rd $n" --group G1 >/dev/null
done
mq -d "$T/imp" log a/main --batch >"$T/x"
bad "checkpoint signed by another key" 403 untrusted push "$T/x" a/main

# 3. Altered entry bytes, still valid JSON: the first entry, then the last.
sed '2s/Gonghe Rd 3/Gonghe Rd 7/' "$T/a2.nd" >"$T/x"
jq -e . "$T/x" >/dev/null 2>&1 && ! cmp -s "$T/x" "$T/a2.nd" &&
    ok "altered batch is valid JSON" || not_ok "altered batch is valid JSON"
bad "altered first entry" 403 broken-chain push "$T/x" a/main
sed '4s/Gonghe Rd 5/Gonghe Rd 8/' "$T/a2.nd" >"$T/x"
bad "altered last entry" 403 broken-chain push "$T/x" a/main

# 4. A gap: the batch should start at 3, its first entry is dropped.
sed 2d "$T/a2.nd" >"$T/x"
bad "gap" 409 gap push "$T/x" a/main
expect_eq "gap: the body says have 2" 2 "$(jq -r .have "$T/body" 2>/dev/null)"

# 5. A prev that does not match: the second entry's prev edited.
p=$(sed -n '3s/.*"prev":"\([0-9a-f]*\)".*/\1/p' "$T/a2.nd")
q=$(printf %064d 7)
[ "$p" = "$q" ] && q=$(printf %064d 8)
sed "3s/\"prev\":\"$p\"/\"prev\":\"$q\"/" "$T/a2.nd" >"$T/x"
! cmp -s "$T/x" "$T/a2.nd" && ok "prev edited" || not_ok "prev edited"
bad "prev does not match" 403 broken-chain push "$T/x" a/main

# 6. A replay of the accepted batch: 200, nothing added, nothing changed.
before=$(digest "$H")
push "$T/a1.nd" a/main
expect_eq "replay: HTTP 200" 200 "$(cat "$T/code")"
expect_eq "replay: have 2, added 0" "2 0" "$(jq -r '"\(.have) \(.added)"' "$T/body" 2>/dev/null)"
expect_eq "replay: hub store unchanged" "$before" "$(digest "$H")"

# After all that the good second batch goes in, and the digest sees it.
before=$(digest "$H")
push "$T/a2.nd" a/main
[ "$before" != "$(digest "$H")" ] && ok "digest sees a good push" || not_ok "digest sees a good push"
expect_eq "a's second batch accepted" "200 5 3" "$(cat "$T/code") $(jq -r '"\(.have) \(.added)"' "$T/body" 2>/dev/null)"

# 8. The log in the path is not the checkpoint's.
bad "wrong log in the path" 400 wrong-log push "$T/a2.nd" b/main
check "hub verify before the fork" mq -d "$H" verify

# 7. A fork: a copy of a's folder, with a's key, writes another history.
cp -a "$A" "$T/a2"
mq -d "$A" household add H6 --address "Gonghe Rd 6" --group G1 >/dev/null
mq -d "$T/a2" household add H6 --address "Other Rd 6" --group G1 >/dev/null
batch "$A" "$T/a3.nd" 5
batch "$T/a2" "$T/f.nd" 5
push "$T/a3.nd" a/main
expect_eq "a's third batch accepted" "200 6" "$(cat "$T/code") $(jq -r .have "$T/body" 2>/dev/null)"
push "$T/f.nd" a/main
answered "fork" 409 fork
expect_eq "fork: the body says have 6" 6 "$(jq -r .have "$T/body" 2>/dev/null)"
call GET /v1/logs/a/main
expect_eq "forked log frozen" "200 true" "$(cat "$T/code") $(jq -r .frozen "$T/body" 2>/dev/null)"
mq -d "$A" household add H7 --address "Gonghe Rd 7" --group G1 >/dev/null
batch "$A" "$T/a4.nd" 6
bad "a frozen log takes nothing more" 409 fork push "$T/a4.nd" a/main
expect_eq "frozen: the body says have 6" 6 "$(jq -r .have "$T/body" 2>/dev/null)"
expect_eq "hub kept a's history up to the fork" "$(mq -d "$A" log a/main | head -n 6 | sha256sum)" "$(mq -d "$H" log a/main | sha256sum)"

# 9. A node never enrolled.
make_node "$T/c" c
mq -d "$T/c" household add H1 --address "Nowhere 1" --group G1 >/dev/null
batch "$T/c" "$T/x"
bad "unknown node" 403 untrusted push "$T/x" c/main
call GET /v1/logs/c/main
expect_eq "unknown node's log not held" 404 "$(cat "$T/code")"

# 10. A revoked node: b's first batch goes in, then b is revoked.
mq -d "$B" household add H1 --address "Baoshan Rd 1" --group G1 >/dev/null
batch "$B" "$T/b1.nd"
push "$T/b1.nd" b/main
expect_eq "b's first batch accepted" "200 1" "$(cat "$T/code") $(jq -r .have "$T/body" 2>/dev/null)"
check "revoke b" mq -d "$H" peer revoke b
mq -d "$B" household add H2 --address "Baoshan Rd 2" --group G1 >/dev/null
batch "$B" "$T/x" 1
bad "revoked node" 403 untrusted push "$T/x" b/main
batch "$B" "$T/x"
bad "revoked node, whole log again" 403 untrusted push "$T/x" b/main
expect_eq "b's log still at 1" 1 "$(have b/main)"

# 11. Too large: over 64K + 64K bytes; more than 1000 entries.
head -n 1 "$T/a4.nd" >"$T/x"
i=0
while [ $i -lt 1200 ]; do
	sed -n 2p "$T/a4.nd"; i=$((i + 1))
done >>"$T/x"
[ "$(wc -c <"$T/x")" -gt 131072 ] && ok "big body made" || not_ok "big body made"
bad "body over the byte limit" 413 too-large push "$T/x" a/main
# The cap itself: 131072 bytes are read (and refused as no checkpoint), one
# more is 413; 5 MB are read to the end and answered 413 too.
head -c 131072 /dev/zero | tr '\0' x >"$T/x"
bad "a body of exactly the limit is read" 400 bad-checkpoint push "$T/x" a/main
head -c 131073 /dev/zero | tr '\0' x >"$T/x"
bad "a body one byte over the limit" 413 too-large push "$T/x" a/main
head -c 5000000 /dev/zero | tr '\0' x >"$T/x"
bad "a 5 MB body" 413 too-large push "$T/x" a/main
head -n 1 "$T/b1.nd" >"$T/x"
i=0
while [ $i -lt 1001 ]; do echo '{}'; i=$((i + 1)); done >>"$T/x"
bad "more entries than the limit" 413 too-large push "$T/x" b/main

# 12. Malformed NDJSON.
printf 'this is not JSON\n' >"$T/x"
bad "checkpoint line not JSON" 400 bad-checkpoint push "$T/x" a/main
{ head -n 1 "$T/a2.nd"; echo 'not JSON either'; } >"$T/x"
bad "entry line not JSON" 400 bad-entry push "$T/x" a/main
{ head -n 2 "$T/a2.nd"; echo; sed -n 3,4p "$T/a2.nd"; } >"$T/x"
bad "an empty line" 400 bad-batch push "$T/x" a/main
: >"$T/x"
bad "empty body" 400 bad-batch push "$T/x" a/main
head -n 1 "$T/a2.nd" | jq -c 'del(.head)' >"$T/x"
bad "checkpoint without head" 400 bad-checkpoint push "$T/x" a/main
head -n 1 "$T/a2.nd" | jq -c 'del(.sig)' >"$T/x"
bad "checkpoint without sig" 400 bad-checkpoint push "$T/x" a/main

# 13. Not NDJSON.
bad "Content-Type text/plain" 415 content-type call POST /v1/logs/b/main -H 'Content-Type: text/plain' --data-binary "@$T/b1.nd"
bad "no Content-Type of ours" 415 content-type call POST /v1/logs/b/main --data-binary "@$T/b1.nd"
bad "Content-Type application/x-ndjson-evil" 415 content-type call POST /v1/logs/b/main -H 'Content-Type: application/x-ndjson-evil' --data-binary "@$T/b1.nd"
before=$(digest "$H")
call POST /v1/logs/b/main -H 'Content-Type: application/x-ndjson; charset=utf-8' --data-binary "@$T/b1.nd"
expect_eq "a parameter on the type is fine (a replay)" "200 1 0" "$(cat "$T/code") $(jq -r '"\(.have) \(.added)"' "$T/body" 2>/dev/null)"
expect_eq "replay with a parameter: hub store unchanged" "$before" "$(digest "$H")"

# 14. Bad paths and methods.
bad "path /v1/logs/../etc" 400 bad-name call GET /v1/logs/../etc
bad "POST to /v1/logs/../etc" 400 bad-name push "$T/b1.nd" ../etc
bad "uppercase log name" 400 bad-name call GET /v1/logs/A/B
bad "log without a stream" 400 bad-name call GET /v1/logs/x
bad "log path with extra steps" 400 bad-name call GET /v1/logs/a/main/other
bad "unknown path" 404 not-found call GET /v1/nothing
bad "PUT a log" 405 method push "$T/b1.nd" b/main -X PUT
bad "POST to entries" 405 method push "$T/b1.nd" b/main/entries
bad "POST to health" 405 method call POST /v1/health --data-binary x

# 15. Reads that need the caller's signature.
bad "entries without signature" 403 unsigned call GET '/v1/logs/hub/to-a/entries?after=0'
bad "inbox without signature" 403 unsigned call GET /v1/inbox/a
now=$(date +%s)000
fake=$(head -c 64 /dev/urandom | base64 | tr -d '\n')
bad "entries with a made-up signature" 403 bad-signature call GET '/v1/logs/hub/to-a/entries?after=0' \
    -H "X-Minqing-Node: a" -H "X-Minqing-Time: $now" -H "X-Minqing-Signature: $fake"
bad "inbox with a made-up signature" 403 bad-signature call GET /v1/inbox/a \
    -H "X-Minqing-Node: a" -H "X-Minqing-Time: $now" -H "X-Minqing-Signature: $fake"
bad "inbox signed as a node never enrolled" 403 untrusted call GET /v1/inbox/c \
    -H "X-Minqing-Node: c" -H "X-Minqing-Time: $now" -H "X-Minqing-Signature: $fake"

# 16. The hub is still up and its store verifies.
call GET /v1/health
expect_eq "health after all that" "200 hub" "$(cat "$T/code") $(jq -r .node "$T/body" 2>/dev/null)"
verify_fork_only "hub verify"
kill -0 "$(cat "$H/daemon.pid")" 2>/dev/null && ok "hub daemon alive" || not_ok "hub daemon alive"

# 17. b, revoked at seq 1, is enrolled again with the same key: what it
# signed before stays verifiable, and its new entries go in through sync.
check "enrol b again" mq -d "$H" peer add b --key "$(cat "$B.key")"
verify_fork_only "hub verify after b's new enrolment"
mq -d "$B" upstream set "$URL" --key "$(cat "$H.key")" --cacert "$CA" >/dev/null
mq -d "$B" household add H3 --address "Baoshan Rd 3" --group G1 >/dev/null
check "b pushes after its new enrolment" timeout 60 "$MINQING" -d "$B" sync now
expect_eq "b: pending 0, the hub holds 3" "0 3" "$(pending "$B") $(have b/main)"
expect_eq "hub holds b's log, entry for entry" "$(mq -d "$B" log b/main | sha256sum)" "$(mq -d "$H" log b/main | sha256sum)"
verify_fork_only "hub verify after b's push"

# The real client: its batches (4M) are larger than the hub takes (128K);
# it halves them on 413 and drains a backlog of 3000 households.
make_node "$T/e" e
check "enrol e" mq -d "$H" peer add e --key "$(cat "$T/e.key")"
mq -d "$T/e" upstream set "$URL" --key "$(cat "$H.key")" --cacert "$CA" >/dev/null
expect_eq "e sends 4M batches" 1 "$(grep -c '^batch_bytes = 4M$' "$T/e/minqing.conf")"
{ echo "id,address,group"; seq 1 3000 | sed 's/.*/X&,Baoshan Road No. & Room 101,G1/'; } >"$T/big.csv"
check "import 3000 households" mq -d "$T/e" household import "$T/big.csv"
batch "$T/e" "$T/x"
[ "$(wc -c <"$T/x")" -gt 131072 ] && ok "e's backlog is over the hub's limit" || not_ok "e's backlog over the limit"
bad "e's whole backlog in one batch" 413 too-large push "$T/x" e/main
check "sync now drains the backlog" timeout 120 "$MINQING" -d "$T/e" sync now
expect_eq "pending 0 afterwards" 0 "$(pending "$T/e")"
expect_eq "hub holds e's log, entry for entry" "$(mq -d "$T/e" log e/main | sha256sum)" "$(mq -d "$H" log e/main | sha256sum)"
n=$(grep -c "POST /v1/logs/e/main: 200" "$H/daemon.log")
[ "$n" -gt 1 ] && ok "the backlog went in $n smaller batches" || not_ok "the backlog went in smaller batches ($n)"
verify_fork_only "hub verify at the end"

stop_daemon "$H"
finish
