#!/bin/sh
# verify re-hashes every entry and checks every checkpoint: bytes altered
# behind the store's back with LMDB's own tools are found and named.
. "$(dirname "$0")/lib.sh"
command -v mdb_dump >/dev/null && command -v mdb_load >/dev/null ||
	{ echo "mdb_dump/mdb_load not installed (lmdb-utils)"; exit 77; }
make_branch "$T/b" >/dev/null && ok "branch made" || not_ok "branch made"
check "verify a clean store" mq -d "$T/b" verify
expect_eq "all 7 entries" "ok: 7 entries, 7 checkpoints verified, 0 skipped" "$(cat "$T/out")"

# alter DIR DB SEQ: flips "clerk" to "clerl" in one value, with mdb_load.
alter() {
	key=$(printf ' 00000001%016x' "$3")
	mdb_dump -s "$2" "$1" >"$T/dump" || return 1
	awk -v k="$key" 'found { sub(/636c65726b/, "636c65726c"); found = 0 } ("" $0) == ("" k) { found = 1 } { print }' \
	    "$T/dump" >"$T/dump2"
	cmp -s "$T/dump" "$T/dump2" && { echo "nothing altered"; return 1; }
	mdb_load -s "$2" -f "$T/dump2" "$1" 2>/dev/null
}

cp -a "$T/b" "$T/c"
alter "$T/c" entries 3 && ok "altered entry 3 with mdb_load" || not_ok "altered entry 3"
fails_with "verify names the altered entry" 1 "zb-bs-0301/main seq 3: .*altered" mq -d "$T/c" verify

cp -a "$T/b" "$T/d"
alter "$T/d" entries 7 && ok "altered the last entry" || not_ok "altered the last entry"
fails_with "verify names the last entry" 1 "zb-bs-0301/main seq 7: .*altered" mq -d "$T/d" verify

# A checkpoint whose signature no longer holds.
cp -a "$T/b" "$T/e"
mdb_dump -s ckpts "$T/e" >"$T/dump"
awk -v k="$(printf ' 00000001%016x' 5)" 'found { $0 = substr($0, 1, length($0) - 8) "41414141"; found = 0 } ("" $0) == ("" k) { found = 1 } { print }' \
    "$T/dump" >"$T/dump2"
mdb_load -s ckpts -f "$T/dump2" "$T/e" 2>/dev/null && ok "altered checkpoint 5" || not_ok "altered checkpoint 5"
fails_with "verify names the bad checkpoint" 1 "seq 5: checkpoint" mq -d "$T/e" verify

# A checkpoint signed by a key this node does not trust.
cp -a "$T/b" "$T/f"
mq -d "$T/g" init --node zb-bs-0301 >/dev/null
mq -d "$T/g" member add x --name x --group x >/dev/null
mdb_dump -s ckpts "$T/g" >"$T/dump"
mdb_load -s ckpts -f "$T/dump" "$T/f" 2>/dev/null && ok "foreign checkpoint loaded" || not_ok "foreign checkpoint loaded"
fails_with "verify refuses a foreign key" 1 "seq 1: .*(not this node|altered)" mq -d "$T/f" verify
check "the original still verifies" mq -d "$T/b" verify
finish
