#!/bin/sh
# Bit rot: LMDB keeps no checksums, so the hash chain has to catch it.  100
# times, on a fresh copy of a store of a few hundred entries, one byte of
# data.mdb at a random offset gets a different value; then `minqing verify`
# must fail, unless the flip left every entry's bytes as they were.  What an
# entry holds is read with `mdb_dump -s entries`, compared with the dump of
# the untouched store; if mdb_dump fails on the copy, LMDB refuses it, which
# is as good.  Never may verify say ok while the entries differ.
. "$(dirname "$0")/lib.sh"
for tool in mdb_dump od dd cmp timeout grep; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed (mdb_dump: lmdb-utils)"; exit 77; }
done
FLIPS=100
LIMIT=150	# seconds for the flips, whatever their count
[ -n "${MINQING_LONG:-}" ] && FLIPS=2000 LIMIT=3600

# The store: members, households, 250 imported households, visits,
# requests, a reply, an escalation and a close; about 300 entries.
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
{ echo "id,address,group,people,tags"
  seq 1 250 | awk '{ printf "K%d,\"共和新路%d号\",B12,%d,elderly-alone\n", $1, $1, $1 % 5 }'; } >"$T/k.csv"
check "import 250 households" mq -d "$B" household import "$T/k.csv"
i=0
while [ $i -lt 20 ]; do
	mq -d "$B" visit add "H$((i % 4 + 1))" --team m1,m2 --note "visit $i" >/dev/null || not_ok "visit $i"
	i=$((i + 1))
done
i=0
while [ $i -lt 10 ]; do
	mq -d "$B" request open H2 --category livelihood --summary "request $i" >/dev/null || not_ok "request $i"
	i=$((i + 1))
done
mq -d "$B" request escalate R1 --to community >/dev/null &&
mq -d "$B" request reply R1 --text "已修复" --from community >/dev/null &&
mq -d "$B" request close R2 --outcome resolved --satisfaction 5 >/dev/null || not_ok "escalate, reply, close"
check "the store verifies" mq -d "$B" verify
echo "# $(cat "$T/out")"
# Only the key and value lines: the header names the map size, which is no
# entry's.
mdb_dump -s entries "$B" >"$T/dump" 2>"$T/dump.err" && ok "mdb_dump of the entries" ||
	{ not_ok "mdb_dump of the entries"; sed 's/^/# /' "$T/dump.err"; finish; }
grep '^ ' "$T/dump" >"$T/orig.dump"
echo "# entries dump: $(($(grep -c '' "$T/orig.dump") / 2)) keys and values"
size=$(stat -c %s "$B/data.mdb")
echo "# data.mdb: $size bytes"

# The random numbers: two per flip (offset, new value), read from one file.
od -An -v -tu4 -N$((FLIPS * 2 * 4)) /dev/urandom | tr -s ' ' '\n' | grep -v '^$' >"$T/random"
exec 3<"$T/random"

flips=0 changed=0 caught=0 refused=0 harmless=0 altered_ok=0 rolled=0 crashed=0
harmless_failed=0 refused_ok=0
C=$T/c
start=$(date +%s)
deadline=$((start + LIMIT))
while [ $flips -lt "$FLIPS" ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		not_ok "time limit of ${LIMIT}s reached after $flips flips"; break
	fi
	read -r r1 <&3; read -r r2 <&3
	off=$((r1 % size))
	rm -rf "$C"; cp -a "$B" "$C"
	old=$(od -An -tu1 -j "$off" -N1 "$C/data.mdb" | tr -d ' ')
	new=$(( (old + 1 + r2 % 255) % 256 ))
	# shellcheck disable=SC2059
	printf "\\$(printf %o "$new")" | dd of="$C/data.mdb" bs=1 seek="$off" conv=notrunc 2>/dev/null
	got=$(od -An -tu1 -j "$off" -N1 "$C/data.mdb" | tr -d ' ')
	if [ "$got" != "$new" ]; then not_ok "flip at $off wrote $got, not $new"; break; fi
	flips=$((flips + 1))

	timeout 10 "$MINQING" -d "$C" verify >"$T/v.out" 2>"$T/v.err"; vrc=$?
	if [ $vrc -gt 128 ] || grep -qE "Sanitizer|runtime error" "$T/v.err"; then
		crashed=$((crashed + 1))
		echo "# flip $flips: offset $off ($old -> $new): verify crashed (exit $vrc)"
		grep -m3 -E "Sanitizer|runtime error|#[0-3] " "$T/v.err" | sed 's/^/#   /'
	fi
	if ! timeout 10 mdb_dump -s entries "$C" >"$T/dump" 2>/dev/null; then
		refused=$((refused + 1))
		[ $vrc = 0 ] && refused_ok=$((refused_ok + 1))
	elif grep '^ ' "$T/dump" >"$T/flip.dump"; cmp -s "$T/orig.dump" "$T/flip.dump"; then
		harmless=$((harmless + 1))
		[ $vrc = 0 ] || harmless_failed=$((harmless_failed + 1))
	else
		changed=$((changed + 1))
		if [ $vrc != 0 ]; then
			caught=$((caught + 1))
			grep -q . "$T/v.err" && why=$(head -1 "$T/v.err") || why=$(grep -v '^ok' "$T/v.out" | head -1)
			echo "$why" >>"$T/why"
		elif [ "$(grep -c '' "$T/flip.dump")" -lt "$(grep -c '' "$T/orig.dump")" ] &&
		    ! grep -vxqFf "$T/orig.dump" "$T/flip.dump"; then
			# Fewer entries, and those left as they were: LMDB took the
			# other meta page, a whole earlier commit; nothing inside
			# the store can tell (the hub that holds the log can).
			rolled=$((rolled + 1)) changed=$((changed - 1))
			echo "# flip $flips: offset $off ($old -> $new): the store fell back to an earlier commit; verify: $(cat "$T/v.out")"
		else
			altered_ok=$((altered_ok + 1))
			echo "# flip $flips: offset $off ($old -> $new): entries changed, verify: $(cat "$T/v.out")"
			diff "$T/orig.dump" "$T/flip.dump" | head -6 | cut -c1-150 | sed 's/^/#   /'
			keep=$(mktemp -d "${TMPDIR:-/tmp}/minqing-bitrot.XXXXXX") &&
				cp -a "$B" "$keep/orig" && cp -a "$C" "$keep/flipped" &&
				echo "# both stores kept in $keep"
		fi
	fi
done
rm -rf "$C"
elapsed=$(( $(date +%s) - start ))

expect_eq "$FLIPS flips" "$FLIPS" "$flips"
expect_eq "every changed entry caught" "$changed" "$caught"
expect_eq "verify never ok over altered entries" 0 "$altered_ok"
expect_eq "verify never crashes on a flipped byte" 0 "$crashed"

# One flip aimed where the random ones land now and then: the length of an
# entry's value in its LMDB leaf node (8 bytes of node header, then the
# 12-byte key, then the value; byte 2 of the header is bits 16..23 of the
# length).  The entry now reaches megabytes past the end of data.mdb: verify
# and log must say the entry is altered, not die of SIGBUS reading it.
cp -a "$B" "$C"
for o in $(grep -obUa '{"v":1,"log":"zb-bs-0301/main","seq":100,' "$C/data.mdb" | cut -d: -f1); do
	printf '\103' | dd of="$C/data.mdb" bs=1 seek=$((o - 18)) conv=notrunc 2>/dev/null
done
fails_with "verify, an entry's stored length flipped" 1 "seq 100" mq -d "$C" verify
fails_with "log, an entry's stored length flipped" 1 "seq 100|altered|corrupt" mq -d "$C" log
rm -rf "$C"

# A data.mdb cut short.  Far short (a copy cut off): every command refuses
# the store when it opens it, in one line, and leaves the file as it was.
# A few pages short (as much as a healthy file may lack, so not refused at
# open): reading the entries runs past the end of the file, and verify
# reports the damage instead of dying of SIGBUS.
cp -a "$B" "$C"
truncate -s 65536 "$C/data.mdb"
sum0=$(cksum <"$C/data.mdb")
fails_with "verify, data.mdb cut to 64 KiB" 1 "cut short" mq -d "$C" verify
fails_with "household list, data.mdb cut to 64 KiB" 1 "cut short" mq -d "$C" household list
fails_with "report, data.mdb cut to 64 KiB" 1 "cut short" mq -d "$C" report
fails_with "visit add, data.mdb cut to 64 KiB" 1 "cut short" mq -d "$C" visit add H1 --team m1
expect_eq "the cut file is left as it was" "$sum0" "$(cksum <"$C/data.mdb")"
rm -rf "$C"; cp -a "$B" "$C"
truncate -s $((size - 65536)) "$C/data.mdb"
fails_with "verify, data.mdb 16 pages short" 1 "damaged|cut short|seq" mq -d "$C" verify
rm -rf "$C"
echo "# verify failed on $harmless_failed of the harmless flips (other tables); passed on $refused_ok of the copies LMDB refused; crashed: $crashed; rolled back a commit: $rolled; ${elapsed}s"
if [ -s "$T/why" ]; then
	echo "# how verify named what it caught:"
	sed 's/seq [0-9]*/seq N/; s/[A-Za-z0-9+\/]\{40,\}=*/KEY/g' "$T/why" | sort | uniq -c | sort -rn | head -8 | sed 's/^/#   /'
fi
echo "# flips: $flips, entry changed: $changed, caught: $caught, refused to open: $refused, harmless: $harmless, ok over altered data: $altered_ok"
finish
