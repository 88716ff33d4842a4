#!/bin/sh
# Faults between a branch and a real hub over HTTPS on 127.0.0.1: pinned
# certificate keys (right, wrong, a list); a hub that accepts connections
# but never answers; a node reading another node's stream or inbox; entries
# the hub keeps but cannot apply; a fork.  Each failure names its reason in
# `sync status` and the hub's log, and nothing is marked delivered unless
# the hub acknowledged it.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
command -v b2sum >/dev/null || { echo "b2sum not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
mkdir "$T/certs" "$T/other"
make_certs "$T/certs" && make_certs "$T/other" && ok "certificates made" || not_ok "certificates made"
CA=$T/certs/ca.crt
port=$(free_port)
URL=https://127.0.0.1:$port
H=$T/hub A=$T/a B=$T/b S=$T/s
make_hub "$H" hub "$port" "$T/certs" && ok "hub made" || not_ok "hub made"
make_node "$A" a && make_node "$B" b && make_node "$S" s && ok "branches made" || not_ok "branches made"
for n in a b s; do
	check "enrol $n" mq -d "$H" peer add "$n" --key "$(cat "$T/$n.key")"
done
start_daemon "$H"
wait_health "$port" "$CA" && ok "hub up" || not_ok "hub up"
HK=$(cat "$H.key")

# pin CERT: the sha256// pin of a certificate's public key.
pin() {
	printf 'sha256//%s' "$(openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
}
# sign DIR FILE: FILE's bytes signed with DIR's node key (Ed25519), base64.
sign() {
	# The key file holds the seed, then the public key; PKCS#8 wants the seed.
	{ printf '\060\056\002\001\000\060\005\006\003\053\145\160\004\042\004\040'
	  base64 -d "$1/node.key" | head -c 32; } >"$T/sk.der"
	openssl pkeyutl -sign -inkey "$T/sk.der" -keyform DER -rawin -in "$2" | base64 -w0
	rm -f "$T/sk.der"
}
# call METHOD PATH [CURL-ARGS...]: the status in $T/code, the body in $T/body.
call() {
	local m="$1" p="$2"; shift 2
	rm -f "$T/body"
	curl -s -m 30 --cacert "$CA" -X "$m" -o "$T/body" -w '%{http_code}' \
	    "$@" "$URL$p" >"$T/code" 2>/dev/null
}
# signed_get DIR NODE TARGET: GET TARGET with NODE's request signature
# made with DIR's key.
signed_get() {
	local now sig
	now=$(date +%s)000
	printf 'minqing/request/v1\nGET\n%s\n%s\n%s\n' "$3" "$2" "$now" >"$T/req"
	sig=$(sign "$1" "$T/req")
	call GET "$3" -H "X-Minqing-Node: $2" -H "X-Minqing-Time: $now" \
	    -H "X-Minqing-Signature: $sig"
}
last_error() { mq -d "$1" --json sync status | jq -r .last_error; }
have() { curl -s -m 30 --cacert "$CA" "$URL/v1/logs/$1" | jq -r .have; }

# 1. Pinned keys of the hub's certificate.
RIGHT=$(pin "$T/certs/tls.crt") WRONG=$(pin "$T/other/tls.crt")
[ "$RIGHT" != "$WRONG" ] && ok "two different pins" || not_ok "two different pins"
mq -d "$A" household add H1 --address "Gonghe Rd 1" --group G1 >/dev/null
mq -d "$A" household add H2 --address "Gonghe Rd 2" --group G1 >/dev/null
check "upstream set with the wrong pin" mq -d "$A" upstream set "$URL" --key "$HK" --cacert "$CA" --pin "$WRONG"
"$MINQING" -d "$A" sync now >/dev/null 2>"$T/err"
rc=$?
[ "$rc" != 0 ] && ok "wrong pin: sync now fails (exit $rc)" || not_ok "wrong pin: sync now fails"
case $(last_error "$A") in *pinned*|*public\ key*) ok "wrong pin: status names the pin";;
	*) not_ok "wrong pin: status names the pin: $(last_error "$A")";; esac
expect_eq "wrong pin: nothing delivered" "2 404" "$(pending "$A") $(curl -s -m 30 -o /dev/null -w '%{http_code}' --cacert "$CA" "$URL/v1/logs/a/main")"
fails_with "a pin that is not sha256//BASE64" 2 "--pin: \"sha256//AAAA\" is not" \
    mq -d "$A" upstream set "$URL" --key "$HK" --pin "$WRONG;sha256//AAAA"
check "upstream set with a list, the second pin right" mq -d "$A" upstream set "$URL" --key "$HK" --cacert "$CA" --pin "$WRONG;$RIGHT"
expect_eq "the list is kept whole" "pin = $WRONG;$RIGHT" "$(grep '^pin = ' "$A/minqing.conf")"
check "a list whose second pin is right: sync now" mq -d "$A" sync now
expect_eq "pending 0, the hub holds 2" "0 2" "$(pending "$A") $(have a/main)"
check "--pin twice" mq -d "$A" upstream set "$URL" --key "$HK" --cacert "$CA" --pin "$WRONG" --pin "$RIGHT"
expect_eq "--pin twice: joined with ';'" "pin = $WRONG;$RIGHT" "$(grep '^pin = ' "$A/minqing.conf")"
check "upstream set with the right pin only" mq -d "$A" upstream set "$URL" --key "$HK" --cacert "$CA" --pin "$RIGHT"
mq -d "$A" household add H3 --address "Gonghe Rd 3" --group G1 >/dev/null
check "the right pin: sync now" mq -d "$A" sync now
expect_eq "pending 0, the hub holds 3" "0 3" "$(pending "$A") $(have a/main)"

# 2. A hub that takes the connection and never answers: stopped, not dead.
mq -d "$A" household add H4 --address "Gonghe Rd 4" --group G1 >/dev/null
last_ok=$(mq -d "$A" --json sync status | jq -r .last_success)
kill -STOP "$(cat "$H/daemon.pid")"
start=$(date +%s)
timeout 120 "$MINQING" -d "$A" sync now >/dev/null 2>"$T/err"
rc=$? took=$(($(date +%s) - start))
[ "$rc" != 0 ] && [ "$rc" != 124 ] && ok "silent hub: sync now fails (exit $rc, ${took}s)" ||
    not_ok "silent hub: sync now fails (exit $rc)"
[ "$took" -le 60 ] && ok "silent hub: within the time-outs (${took}s)" || not_ok "silent hub: took ${took}s"
case $(last_error "$A") in *imed\ out*|*imeout*) ok "silent hub: status names the time-out";;
	*) not_ok "silent hub: status names the time-out: $(last_error "$A")";; esac
expect_eq "silent hub: pending unchanged" 1 "$(pending "$A")"
expect_eq "silent hub: last success unchanged" "$last_ok" "$(mq -d "$A" --json sync status | jq -r .last_success)"
kill -CONT "$(cat "$H/daemon.pid")"
wait_health "$port" "$CA" && ok "hub answers again" || not_ok "hub answers again"
check "hub back: sync now" mq -d "$A" sync now
expect_eq "hub back: pending 0, last error cleared" "0 null" "$(pending "$A") $(last_error "$A")"
expect_eq "hub back: the hub holds 4" 4 "$(have a/main)"

# 3. Streams and inboxes are read by the node they are addressed to.
signed_get "$A" a /v1/inbox/a
expect_eq "a reads its own inbox" 200 "$(cat "$T/code")"
signed_get "$B" b /v1/inbox/b
expect_eq "b reads its own inbox" 200 "$(cat "$T/code")"
signed_get "$B" b /v1/inbox/a
expect_eq "b reads a's inbox: 403 not-addressed" "403 not-addressed" "$(cat "$T/code") $(jq -r .error "$T/body" 2>/dev/null)"
signed_get "$B" b '/v1/logs/hub/to-a/entries?after=0'
expect_eq "b reads a's stream: 403 not-addressed" "403 not-addressed" "$(cat "$T/code") $(jq -r .error "$T/body" 2>/dev/null)"
signed_get "$B" a /v1/inbox/a
expect_eq "b signs as a: 403 bad-signature" "403 bad-signature" "$(cat "$T/code") $(jq -r .error "$T/body" 2>/dev/null)"

# 4. Entries the hub keeps but cannot apply: s pushes an entry of a type
# the hub does not know, then a good one; both are authentic.
mq -d "$S" household add H1 --address "Baoshan Rd 1" --group G1 >/dev/null
mq -d "$S" log s/main >"$T/s1"
hash() { printf %s "$1" | b2sum -l 256 | cut -d" " -f1; }
l1=$(cat "$T/s1") h1=$(hash "$(cat "$T/s1")")
hlc=$(sed 's/.*"hlc":\([0-9]*\).*/\1/' "$T/s1") at=$(sed 's/.*"at":"\([^"]*\)".*/\1/' "$T/s1")
l2="{\"v\":1,\"log\":\"s/main\",\"seq\":2,\"prev\":\"$h1\",\"hlc\":$((hlc + 1)),\"at\":\"$at\",\"type\":\"survey.add\",\"by\":\"clerk\",\"body\":{\"id\":\"s:Q1\"}}"
h2=$(hash "$l2")
l3="{\"v\":1,\"log\":\"s/main\",\"seq\":3,\"prev\":\"$h2\",\"hlc\":$((hlc + 2)),\"at\":\"$at\",\"type\":\"household.add\",\"by\":\"clerk\",\"body\":{\"id\":\"s:H9\",\"address\":\"Baoshan Rd 9\",\"group\":\"G1\"}}"
h3=$(hash "$l3")
printf 'minqing/checkpoint/v1\ns/main\n3\n%s\n' "$h3" >"$T/ck"
ck="{\"log\":\"s/main\",\"seq\":3,\"head\":\"$h3\",\"key\":\"$(cat "$S.key")\",\"sig\":\"$(sign "$S" "$T/ck")\"}"
printf '%s\n%s\n%s\n%s\n' "$ck" "$l1" "$l2" "$l3" >"$T/s.nd"
call POST /v1/logs/s/main -H 'Content-Type: application/x-ndjson' --data-binary "@$T/s.nd"
expect_eq "push with an unknown type: 200, have 3, added 3" "200 3 3" "$(cat "$T/code") $(jq -r '"\(.have) \(.added)"' "$T/body" 2>/dev/null)"
expect_eq "the answer counts 1 skipped" 1 "$(jq -r .skipped "$T/body" 2>/dev/null)"
expect_eq "the answer names it" "s/main 2 true" "$(jq -r '.skipped_entries[0] | "\(.log) \(.seq) \(.reason | test("type"))"' "$T/body" 2>/dev/null)"
grep -q "^warning: s/main: 1 entry kept but not applied, the first at seq 2" "$H/daemon.log" &&
    ok "the hub's log warns of it" || not_ok "the hub's log warns of it"
mq -d "$H" --json household list | grep -q '"s:H9"' && ok "the entry after it applied" || not_ok "the entry after it applied"
mq -d "$H" --json sync status >"$T/st.json"
expect_eq "hub sync status --json: skipped 1, s/main seq 2" "1 s/main 2" "$(jq -r '"\(.skipped) \(.skipped_entries[0].log) \(.skipped_entries[0].seq)"' "$T/st.json")"
jq -e '.skipped_entries[0].reason | test("unknown entry type")' "$T/st.json" >/dev/null &&
    ok "hub sync status --json: the reason" || not_ok "hub sync status --json: the reason"
mq -d "$H" sync status >"$T/st.txt"
grep -q "^skipped       1 entry kept but not applied" "$T/st.txt" && grep -q "^              s/main seq 2: unknown entry type" "$T/st.txt" &&
    ok "hub sync status: skipped, in words" || { not_ok "hub sync status: skipped, in words"; sed 's/^/# /' "$T/st.txt"; }
expect_eq "a branch with nothing skipped says 0" "0 []" "$(mq -d "$A" --json sync status | jq -c '[.skipped, .skipped_entries] | "\(.[0]) \(.[1])"' | tr -d '"')"

# 4b. b's copies: one taken before the hub's answer came (the hub holds
# what it holds, the acknowledgement is lost), one older than what the hub
# holds, and one that writes another entry at the same seq (a fork of the
# same length).
check "b: upstream set" mq -d "$B" upstream set "$URL" --key "$HK" --cacert "$CA"
mq -d "$B" household add H1 --address "Hutai Rd 1" --group G1 >/dev/null
cp -a "$B" "$T/b-old"
mq -d "$B" household add H2 --address "Hutai Rd 2" --group G1 >/dev/null
cp -a "$B" "$T/b-lost"
check "b pushes 2" mq -d "$B" sync now
expect_eq "b: pending 0, the hub holds 2" "0 2" "$(pending "$B") $(have b/main)"
expect_eq "the copy whose acknowledgement was lost: pending 2" 2 "$(pending "$T/b-lost")"
check "the copy: sync now asks the hub again" mq -d "$T/b-lost" sync now
expect_eq "the copy: the hub's receipt marks both delivered" "0 2" "$(pending "$T/b-lost") $(have b/main)"
fails_with "the older copy: told the hub holds more" 1 "b/main: the upstream holds 2 entries of it, this store only 1" mq -d "$T/b-old" sync now
expect_eq "the older copy: nothing marked delivered" 1 "$(pending "$T/b-old")"
expect_eq "the older copy: the hub still holds 2" 2 "$(have b/main)"
cp -a "$B" "$T/b-fork"
mq -d "$B" household add H3 --address "Hutai Rd 3" --group G1 >/dev/null
mq -d "$T/b-fork" household add H3 --address "Elsewhere 3" --group G1 >/dev/null
check "b pushes 3" mq -d "$B" sync now
fails_with "a fork of the same length is found, not passed over" 1 "sync: .*fork" mq -d "$T/b-fork" sync now
expect_eq "the fork: nothing marked delivered" 1 "$(pending "$T/b-fork")"

# 5. A fork: a copy of a's folder writes another history.  The hub logs a
# warning naming the log and seq, and sync status lists the frozen log.
expect_eq "before the fork: nothing frozen" "[]" "$(jq -c .frozen "$T/st.json")"
cp -a "$A" "$T/a2"
mq -d "$A" household add H5 --address "Gonghe Rd 5" --group G1 >/dev/null
mq -d "$T/a2" household add H5 --address "Other Rd 5" --group G1 >/dev/null
mq -d "$T/a2" household add H6 --address "Other Rd 6" --group G1 >/dev/null
check "a pushes seq 5" mq -d "$A" sync now
fails_with "the copy's seq 6 does not chain onto the hub's 5: a fork" 1 "sync: .*fork" mq -d "$T/a2" sync now
expect_eq "the copy: nothing marked delivered" 2 "$(pending "$T/a2")"
grep -q "^warning: a/main: fork found at seq 6" "$H/daemon.log" &&
    ok "the hub's log warns of the fork, naming log and seq" || { not_ok "the hub's log warns of the fork"; tail -5 "$H/daemon.log" | sed 's/^/# /'; }
expect_eq "hub sync status --json: a/main frozen at 5, b/main at 3" '[{"log":"a/main","have":5},{"log":"b/main","have":3}]' "$(mq -d "$H" --json sync status | jq -c .frozen)"
mq -d "$H" sync status | grep -q "^frozen        a/main at seq 5 (a fork was proven" &&
    ok "hub sync status: the frozen log, in words" || not_ok "hub sync status: the frozen log, in words"
mq -d "$A" household add H7 --address "Gonghe Rd 7" --group G1 >/dev/null
fails_with "a's next push: the log is frozen" 1 "sync: .*fork" mq -d "$A" sync now
grep -q "^warning: a/main: a push refused: the log is frozen at seq 5" "$H/daemon.log" &&
    ok "the hub's log warns of pushes to a frozen log" || not_ok "the hub's log warns of pushes to a frozen log"

stop_daemon "$H"
if grep -E "Gonghe|Baoshan|survey" "$H/daemon.log" >/dev/null; then not_ok "the hub's log holds record data"; else ok "no record data in the hub's log"; fi
finish
