#!/bin/sh
# A barrage of bad requests against a real hub on 127.0.0.1 (plain HTTP, as
# tests may): the DESIGN's bad inputs (forged signatures, another node's
# key, altered bytes, gaps, broken chains, the wrong log, unknown and
# revoked nodes, bodies over the limits, malformed NDJSON), and hostile
# HTTP besides, built by tests/hostile/hostile from real batches that the
# branches below wrote.  Not one is taken (a replay of what the hub holds
# answers 200 and adds nothing), none answers 5xx, the hub lives on and
# verifies, and its store is exactly as it was.  MINQING_LONG=1 sends ten
# times as many.
. "$(dirname "$0")/lib.sh"
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
HOSTILE=$(cd "$top_builddir" && pwd)/tests/hostile/hostile
[ -x "$HOSTILE" ] || { echo "tests/hostile/hostile is not built"; exit 77; }
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
count=10000
[ "${MINQING_LONG:-0}" = 1 ] && count=100000
port=$(free_port)
H=$T/hub IN=$T/in
mkdir "$IN"

# A hub with small limits: 100 entries, 64K + 64K bytes a request.
make_hub "$H" zb-hub "$port" "$T/none" && ok "hub made" || not_ok "hub made"
sed -i 's/^batch_bytes = .*/batch_bytes = 64K/; s/^batch_entries = .*/batch_entries = 100/
    /^tls_/d; s/^address = .*/&\nplain_http = yes/' "$H/minqing.conf"
start_daemon "$H"
up() { curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null; }
wait_until 10 up && ok "hub up, plain http" || not_ok "hub up"

# node DIR ID: a branch enrolled on the hub, pushing to it.
node() {
	make_node "$1" "$2" &&
	mq -d "$H" peer add "$2" --key "$(cat "$1.key")" >/dev/null &&
	mq -d "$1" upstream set "http://127.0.0.1:$port" --key "$(cat "$H.key")" >/dev/null 2>&1
}
# add DIR N...: households HN on the node.
add() {
	local d=$1 n; shift
	for n in "$@"; do
		mq -d "$d" household add "H$n" --address "Road $n" --group G1 >/dev/null || return 1
	done
}
batch() { mq -d "$1" log "$2/main" --batch --after "${4:-0}" >"$IN/$3"; }

# zb-a: 5 entries pushed; its key rotated (seq 6); 2 more pushed; 4 more
# that the hub has not seen (next.nd, which every mutation starts from).
A=$T/a
node "$A" zb-a && add "$A" 1 2 3 4 5 && mq -d "$A" sync now >/dev/null 2>&1 &&
    ok "zb-a pushed 5 entries" || not_ok "zb-a pushed 5 entries"
batch "$A" zb-a rot-old.nd
cp "$A/node.key" "$T/old.key"; cp "$A/node.pub" "$T/old.pub"
mq -d "$A" key rotate >/dev/null 2>&1 && ok "zb-a rotated its key" || not_ok "zb-a rotated its key"
cp -a "$A" "$T/a-fork"
add "$A" 7 8 && mq -d "$A" sync now >/dev/null 2>&1 && ok "zb-a pushed 3 more" || not_ok "zb-a pushed 3 more"
batch "$A" zb-a held.nd
cp -a "$A" "$T/a-old"
add "$A" 9 10 11 12 && batch "$A" zb-a next.nd 8
expect_eq "next.nd: a checkpoint and entries 9-12" "5 12" \
    "$(grep -c '' "$IN/next.nd") $(head -1 "$IN/next.nd" | jq -r .seq)"

# The old key, put back, signs past the rotation: beyond the head, and a
# history of its own at seq 7.
for d in "$T/a-old" "$T/a-fork"; do
	cp "$T/old.key" "$d/node.key"; cp "$T/old.pub" "$d/node.pub"
done
add "$T/a-old" 99 && batch "$T/a-old" zb-a rot-ext.nd 8
add "$T/a-fork" 98 && batch "$T/a-fork" zb-a rot-fork.nd 6
expect_eq "old key's batches: seq 9 and seq 7, signed by the old key" \
    "9 7 $(cat "$T/old.pub")" \
    "$(head -1 "$IN/rot-ext.nd" | jq -r .seq) $(head -1 "$IN/rot-fork.nd" | jq -r .seq) $(head -1 "$IN/rot-ext.nd" | jq -r .key)"

# Another key under zb-a's name; a node never enrolled.
make_node "$T/imp" zb-a && add "$T/imp" 1 2 3 && batch "$T/imp" zb-a other-key.nd
make_node "$T/unk" zz-unk && add "$T/unk" 1 2 3 && batch "$T/unk" zz-unk unknown.nd
# zb-r: 3 entries pushed, then revoked, then 2 more.
R=$T/r
node "$R" zb-r && add "$R" 1 2 3 && mq -d "$R" sync now >/dev/null 2>&1 &&
    ok "zb-r pushed 3 entries" || not_ok "zb-r pushed 3 entries"
batch "$R" zb-r revoked-held.nd
check "hub revokes zb-r" mq -d "$H" peer revoke zb-r --reason "lost laptop"
add "$R" 4 5 && batch "$R" zb-r revoked.nd 3 && batch "$R" zb-r revoked-all.nd
# zb-c: enrolled, 3 entries the hub has not seen, for the checkpoint's form.
node "$T/c" zb-c && add "$T/c" 1 2 3 && batch "$T/c" zb-c form.nd
# zb-big: enrolled, 150 entries in one batch: over the entry limit.
node "$T/big" zb-big
{ echo "id,address,group"; seq 1 150 | sed 's/.*/X&,Road &,G1/'; } >"$T/big.csv"
mq -d "$T/big" household import "$T/big.csv" >/dev/null && batch "$T/big" zb-big big.nd
expect_eq "big.nd: 150 entries, under 64K" "151 yes" \
    "$(grep -c '' "$IN/big.nd") $([ "$(wc -c <"$IN/big.nd")" -lt 65536 ] && echo yes)"
expect_eq "every input made" 12 "$(ls "$IN" | grep -c '\.nd$')"

check "hub verifies before the barrage" mq -d "$H" verify
before=$(digest "$H")
pid=$(cat "$H/daemon.pid")
start=$(date +%s)
"$HOSTILE" -p "$port" barrage "$IN" "$count" >"$T/barrage.out" 2>"$T/barrage.err"
rc=$?
echo "# barrage: $(($(date +%s) - start)) s"
cat "$T/barrage.out"
sed 's/^/# /' "$T/barrage.err" | head -20
expect_eq "barrage: nothing taken, no 5xx, none left hanging (the helper's exit)" 0 "$rc"
line=$(grep '^# requests:' "$T/barrage.out")
n=$(echo "$line" | sed -n 's/.*requests: \([0-9]*\),.*/\1/p')
k=$(echo "$line" | sed -n 's/.*kinds: \([0-9]*\),.*/\1/p')
[ "${n:-0}" -ge "$count" ] && ok "$n requests" || not_ok "requests: ${n:-none}, wanted $count"
[ "${k:-0}" -ge 30 ] && ok "$k kinds of bad" || not_ok "kinds: ${k:-none}, wanted 30 or more"
expect_eq "no bad request accepted, no 5xx, no crash" "accepted: 0, 5xx: 0, crashes: 0" \
    "$(echo "$line" | sed 's/.*\(accepted.*\)/\1/')"
kill -0 "$pid" 2>/dev/null && ok "the hub is still running" || not_ok "the hub is still running"
up && ok "the hub still answers" || not_ok "the hub still answers"
check "hub verifies after the barrage" mq -d "$H" verify
expect_eq "hub store unchanged by the barrage" "$before" "$(digest "$H")"
expect_eq "the hub still holds zb-a up to 8" 8 "$(curl -s "http://127.0.0.1:$port/v1/logs/zb-a/main" | jq -r .have)"

# The true batch that every mutation started from still goes in.
check "zb-a pushes its next entries" mq -d "$A" sync now
expect_eq "hub holds zb-a's log, head for head" "$(mq -d "$A" log zb-a/main | sha256sum)" \
    "$(mq -d "$H" log zb-a/main | sha256sum)"
stop_daemon "$H"
finish
