#!/bin/sh
# Power loss: minqing runs under tests/powerloss/shim.so, which holds every
# write to data.mdb in memory until the process syncs it, so that a kill -9
# loses exactly what a power cut would.  Three writers share one store: one
# adds households and members, one adds visits and opens requests, one adds
# households after, in one round out of two, importing a CSV (200..1999
# rows, or 5001..7500 so that it takes two transactions of 5000).  A
# command's id goes to an ack file only after it exited 0: acknowledged
# means durable.  All three are killed at once at a random instant; in half
# the rounds the shim makes every sync wait 1..50 ms first, so that the
# kill often lands while writes are held.  Then, without the shim, the
# store must open and verify, every acknowledged record must be in the
# log, the log's seqs must run 1..N with no record created twice, and an
# import must have left whole transactions; at a store's last loss, the
# lists must show exactly the log's records.
#
# Controls first, to show that the test can fail: with the shim's syncs
# disabled, what was acknowledged is gone; with only LMDB's O_DSYNC meta
# writes let through, the checks see a store that lost its records.
#
# At least 50 power losses (MINQING_LONG=1: 1000).  Each store takes EPOCH
# losses in a row, then the next one starts from the template; every other
# store starts with a 1 MiB map so that losses also land while it grows.
. "$(dirname "$0")/lib.sh"
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
SHIM=$top_builddir/tests/powerloss/shim.so
[ -f "$SHIM" ] || { echo "no $SHIM: make check builds it"; exit 77; }
for tool in od awk date sleep setsid ldd; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed"; exit 77; }
done
if ldd "$MINQING" 2>/dev/null | grep -q libasan; then
	echo "minqing is an ASan build: a library preloaded before the ASan runtime is refused"
	exit 77
fi
# The binaries may be rebuilt while this runs: work on copies.
cp "$MINQING" "$T/minqing" && cp "$SHIM" "$T/shim.so" || { echo "cannot copy"; exit 1; }
MINQING=$T/minqing SHIM=$T/shim.so
export MINQING SHIM T

LOSSES=50
LIMIT=240			# seconds; the loop stops there whatever the count
EPOCH=3				# power losses per store
IMPORT_EVERY=2			# about one round in IMPORT_EVERY has an import
WINDOW=500			# ms: the kill lands in 0..WINDOW after the start
ROWS_MIN=200 ROWS_SPREAD=1800	# rows of most imports; the others 5001..7500
CHUNK=5000			# rows per import transaction (tools/tool_import.c)
if [ -n "${MINQING_LONG:-}" ]; then
	LOSSES=1000 LIMIT=7200
fi
N=zb-bs-0301

od -An -v -tu4 -N$((LOSSES * 4 * 4 + 64)) /dev/urandom | tr -s ' ' '\n' | grep -v '^$' >"$T/random"
exec 3<"$T/random"
rnd() { read -r R <&3 || R=$(od -An -N4 -tu4 /dev/urandom); R=$(( R % $1 )); }
# sleep_ms MS
sleep_ms() { [ "$1" -gt 0 ] && sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; :; }

# The writers, each in its own process group so that one kill stops a
# writer and the command it runs at the same instant.
cat >"$T/writer.sh" <<'EOF'
# writer.sh KIND DIR ROUND [DELAY]: adds records to DIR until killed; KIND
# c first imports $T/imp.csv after DELAY seconds, unless DELAY is none.
kind=$1 S=$2 r=$3 i=0
echo $$ >"$T/w$kind.tmp" && mv "$T/w$kind.tmp" "$T/w$kind.pid"
# run COMMAND...: the id the command prints goes to ack.KIND once it has
# exited 0.  An exit other than 0 and 137 (killed) is a failure.
run() {
	id=$(LD_PRELOAD=$SHIM "$MINQING" -d "$S" "$@" 2>"$T/w$kind.err"); rc=$?
	case $rc in
	0) echo "$id" >>"$T/ack.$kind" ;;
	137) ;;
	*) echo "$1 $2 exited $rc: $(head -1 "$T/w$kind.err")" >>"$T/cmdfail" ;;
	esac
}
case $kind in
a)	while :; do i=$((i + 1))
		if [ $((i % 3)) = 0 ]; then
			run member add "M${r}x$i" --name 张伟 --group B12
		else
			run household add "P${r}x$i" --address "宝山路${i}号" --group B14
		fi
	done ;;
b)	while :; do i=$((i + 1))
		if [ $((i % 2)) = 0 ]; then
			run visit add "H$((i % 4 + 1))" --team m1,m2 --note "r$r-$i"
		else
			run request open H3 --category property --summary "r$r-$i"
		fi
	done ;;
c)	if [ "$4" != none ]; then
		sleep "$4"
		rows=$(($(wc -l <"$T/imp.csv") - 1))
		echo "$r $rows" >>"$T/imp.started"
		LD_PRELOAD=$SHIM "$MINQING" -d "$S" household import "$T/imp.csv" \
		    >/dev/null 2>"$T/wc.err"; rc=$?
		case $rc in
		0) echo "$r $rows" >>"$T/imp.acked" ;;
		137) ;;
		*) echo "import exited $rc: $(head -1 "$T/wc.err")" >>"$T/cmdfail" ;;
		esac
	fi
	while :; do i=$((i + 1))
		run household add "Q${r}x$i" --address "宝山路${i}号" --group B12
	done ;;
esac
EOF

pgids=
trap 'for g in $pgids; do kill -9 -"$g" 2>/dev/null; done; cleanup' EXIT

# start KIND DIR ROUND [DELAY]: one writer in the background, in a session
# of its own; setsid stays in ours and waits for it, so that `wait` returns
# when the writer is gone (and bash does not report the kill).
start() {
	rm -f "$T/w$1.pid"
	setsid -f -w sh "$T/writer.sh" "$@" </dev/null >/dev/null 2>>"$T/writer.err" &
}

# power_cut [MS]: waits until the writers run, then kills all of them at
# once, a random 0..WINDOW ms later or after MS.
power_cut() {
	local k g i
	for k in $writers; do
		i=0
		while [ ! -s "$T/w$k.pid" ] && [ $i -lt 500 ]; do
			sleep 0.01; i=$((i + 1))
		done
		read -r g <"$T/w$k.pid" && pgids="$pgids $g"
	done
	if [ $# = 1 ]; then sleep_ms "$1"; else rnd "$WINDOW"; sleep_ms "$R"; fi
	g=
	for k in $pgids; do g="$g -$k"; done
	# shellcheck disable=SC2086
	kill -9 $g 2>/dev/null
	wait 2>/dev/null
	pgids=
}

# The template: a branch, and its records as the first acknowledged ones.
make_branch "$T/tpl" "$N" >/dev/null && ok "template branch made" || not_ok "template branch made"
mq -d "$T/tpl" log | sed -n 's/.*"body":{"id":"\([^"]*\)".*/\1/p' >"$T/tpl.ids"

# new_store DIR: DIR is a fresh copy of the template; the ack files start
# with the template's records.
new_store() {
	rm -rf "$1"
	cp -a "$T/tpl" "$1"
	cp "$T/tpl.ids" "$T/ack.tpl"
	: >"$T/ack.a"; : >"$T/ack.b"; : >"$T/ack.c"
	: >"$T/imp.started"; : >"$T/imp.acked"
}

# The checks in one awk program, since every process forked costs time on
# a loaded machine.  Its input, in parts: part=log, the log; part=ack, the
# acknowledged ids; part=started and part=acked, "ROUND ROWS" of imports;
# part=list, the --json lists.  It prints "BAD LOST DUP PARTIAL ACKED" and
# writes the reasons to the file why.
cat >"$T/check.awk" <<'EOF'
function why_(msg) { if (nwhy++ < 8) print msg >why }
part == "log" {
	nlog++
	s = ""; t = ""
	if (match($0, /"seq":[0-9]+/)) s = substr($0, RSTART + 6, RLENGTH - 6)
	if (s != nlog) { dup++; why_("log line " nlog " has seq " s) }
	if (match($0, /"type":"[a-z.]+"/)) t = substr($0, RSTART + 8, RLENGTH - 9)
	if (t ~ /^(visit[.]add|request[.]open|household[.]add|member[.]add)$/ &&
	    match($0, /"body":[{]"id":"[^"]*"/)) {
		id = substr($0, RSTART + 14, RLENGTH - 15)
		if (id in have) { dup++; why_("created twice in the log: " id) }
		have[id] = 1
	}
	next
}
part == "ack" {
	if ($0 == "") { bad++; why_("a command exited 0 and printed no id"); next }
	if ($0 in ack) next
	ack[$0] = 1; acked++
	if (!($0 in have)) { lost++; why_("acknowledged, not in the log: " $0) }
	next
}
part == "started" { rows[$1] = $2; next }
part == "acked" { done[$1] = 1; next }
part == "list" {
	listed = 1; line = $0
	while (match(line, /[{]"id":"[^"]*"/)) {
		id = substr(line, RSTART + 7, RLENGTH - 8)
		line = substr(line, RSTART + RLENGTH)
		if (++list[id] == 2) { dup++; why_("listed twice: " id) }
	}
	next
}
END {
	# Imports: per round K, how many of its rows IK-1..IK-n are there and
	# the highest one.
	for (id in have)
		if (match(id, /:I[0-9]+-[0-9]+$/)) {
			split(substr(id, RSTART + 2), f, "-")
			c[f[1]]++
			if (f[2] + 0 > m[f[1]]) m[f[1]] = f[2] + 0
		}
	for (k in rows) {
		got = c[k] + 0; hi = m[k] + 0
		if (k in done) {
			acked += rows[k]
			if (got != rows[k]) {
				lost += rows[k] - got
				why_("acknowledged import " k ": " got " of " rows[k] " rows")
			}
		}
		if (got != hi || (got != rows[k] && got % chunk != 0)) {
			partial++
			why_("import " k " cut inside a transaction: " got " rows, the highest " hi)
		}
	}
	for (k in c) if (!(k in rows)) { partial++; why_("rows of import " k ", never started") }
	if (listed) {
		for (id in have) if (!(id in list)) { dup++; why_("in the log, not listed: " id) }
		for (id in list) if (!(id in have)) { dup++; why_("listed, not in the log: " id) }
	}
	print bad + 0, lost + 0, dup + 0, partial + 0, acked + 0
}
EOF

# check_store DIR [full]: after a power loss, without the shim.  Sets c_fail
# (did not open, verify, log or list), c_lost (acknowledged records or
# import rows missing from the log), c_dup (seq out of place, record created
# or listed twice, or, with full, the lists differ from the records the log
# creates), c_partial (import cut inside a transaction) and c_acked
# (acknowledged records and rows); the reasons are in $T/why.
check_store() {
	local d=$1 w
	c_fail=0
	: >"$T/why"; : >"$T/why.awk"
	if ! "$MINQING" -d "$d" verify >"$T/v.out" 2>&1; then
		c_fail=$((c_fail + 1))
		{ echo "verify failed:"; head -5 "$T/v.out"; } >>"$T/why"
	fi
	if ! "$MINQING" -d "$d" log >"$T/log" 2>"$T/log.err"; then
		c_fail=$((c_fail + 1))
		{ echo "log failed:"; head -3 "$T/log.err"; } >>"$T/why"
	fi
	# The lists cost four more commands: only at the end of a store.
	: >"$T/lists"
	if [ "${2:-}" = full ]; then
		for w in household member visit request; do
			"$MINQING" -d "$d" --json "$w" list >>"$T/lists" 2>"$T/list.err" && continue
			c_fail=$((c_fail + 1))
			{ echo "$w list failed:"; head -3 "$T/list.err"; } >>"$T/why"
		done
	fi
	awk -v chunk="$CHUNK" -v why="$T/why.awk" -f "$T/check.awk" \
	    part=log "$T/log" part=ack "$T/ack.tpl" "$T/ack.a" "$T/ack.b" "$T/ack.c" \
	    part=started "$T/imp.started" part=acked "$T/imp.acked" \
	    part=list "$T/lists" >"$T/res" 2>>"$T/why"
	if ! read -r w c_lost c_dup c_partial c_acked <"$T/res"; then
		w=1 c_lost=0 c_dup=0 c_partial=0 c_acked=0
		echo "the check itself failed" >>"$T/why"
	fi
	c_fail=$((c_fail + w))
	cat "$T/why.awk" >>"$T/why"
}

# --- Controls -------------------------------------------------------------

# The shim in its normal mode: writes are held, then applied at the sync.
C=$T/c0
new_store "$C"
if id=$(MINQING_SHIM_STATS=$T/stats LD_PRELOAD=$SHIM "$MINQING" -d "$C" household add C0 --address x --group B12); then
	echo "$id" >>"$T/ack.a"
	check_store "$C" full
	expect_eq "control: under the shim, a command's record is there afterwards" "0 0 0" "$c_fail $c_lost $c_dup"
else
	not_ok "control: household add under the shim"
fi
st=$(cat "$T/stats" 2>/dev/null)
case $st in
*" 0 writes held"*|"") not_ok "control: the shim held the writes to data.mdb ($st)" ;;
*) ok "control: the shim held the writes to data.mdb and applied them at the sync" ;;
esac
echo "# $st"

# Syncs disabled: the writers run and acknowledge, nothing reaches the
# file, and the checks must see every acknowledged record lost.
C=$T/c1
new_store "$C"
writers="a b"
MINQING_SHIM_NOSYNC=1; export MINQING_SHIM_NOSYNC
start a "$C" 0; start b "$C" 0
power_cut 1000
unset MINQING_SHIM_NOSYNC
check_store "$C"
n=$(sort -u "$T/ack.a" "$T/ack.b" | wc -l)
if [ "$n" -gt 0 ] && [ "$c_lost" = "$n" ] && [ "$c_fail" = 0 ]; then
	ok "control: with the shim's syncs disabled, all $n acknowledged records are lost and the check says so"
else
	not_ok "control: syncs disabled: $n acknowledged, $c_lost found lost (shim not loaded?)"
	sed 's/^/# /' "$T/why"
fi

# Only the O_DSYNC meta page reaches the file, not the pages it points to.
C=$T/c2
new_store "$C"
if id=$(MINQING_SHIM_NOSYNC=2 LD_PRELOAD=$SHIM "$MINQING" -d "$C" household add C2 --address x --group B12); then
	echo "$id" >>"$T/ack.a"
	check_store "$C"
	if [ $((c_fail + c_lost + c_dup + c_partial)) -gt 0 ]; then
		ok "control: a meta page synced before its pages is caught ($c_lost lost, $c_fail failed)"
	else
		not_ok "control: a meta page synced before its pages went unnoticed"
	fi
else
	not_ok "control: household add with only the meta synced"
fi
: >"$T/cmdfail"

# --- Power losses ---------------------------------------------------------

# write_after DIR: a write without the shim after the store's last loss.
write_after() {
	if ! mq -d "$1" household add "Z$epoch" --address x --group B12 >/dev/null 2>"$T/err" ||
	    ! mq -d "$1" verify >/dev/null 2>>"$T/err"; then
		after_failed=$((after_failed + 1))
		echo "# write after the last loss of store $epoch: $(head -1 "$T/err")"
	fi
}

after_failed=0 check_ms=0
losses=0 acked=0 lost=0 dups=0 failed=0 partial=0 epoch=0
imports=0 imports_acked=0 store_acked=0
writers="a b c"
start_s=$(date +%s)
deadline=$((start_s + LIMIT))
S=
while [ "$losses" -lt "$LOSSES" ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		not_ok "time limit of ${LIMIT}s reached after $losses power losses"; break
	fi
	if [ $((losses % EPOCH)) = 0 ]; then
		if [ -n "$S" ]; then
			acked=$((acked + store_acked))
			write_after "$S"
			rm -rf "$S"
		fi
		epoch=$((epoch + 1)) S=$T/s$epoch
		new_store "$S"
		if [ $((epoch % 2)) = 0 ]; then
			MINQING_MAPSIZE=1048576; export MINQING_MAPSIZE
		else
			unset MINQING_MAPSIZE
		fi
	fi
	r=$((losses + 1)) delay=none
	rnd "$IMPORT_EVERY"
	if [ "$R" = 0 ]; then
		# Most imports fit one transaction; one in four needs two.
		rnd 4
		if [ "$R" = 0 ]; then
			rnd $((CHUNK / 2)); rows=$((CHUNK + 1 + R))
		else
			rnd "$ROWS_SPREAD"; rows=$((ROWS_MIN + R))
		fi
		{ echo "id,address,group,people,tags"
		  awk -v k="$r" -v n="$rows" 'BEGIN { for (i = 1; i <= n; i++)
			printf "I%d-%d,\"共和新路%d号%d室\",B%d,%d,elderly-alone\n", k, i, i % 500, i, i % 40, i % 6 }'
		} >"$T/imp.csv"
		rnd 300; delay=$(printf '0.%03d' "$R")
	fi
	# In half the rounds the disk is slow: writes stay held 1..50 ms
	# before each sync applies them, so the kill often lands meanwhile.
	rnd 100
	if [ "$R" -lt 50 ]; then
		MINQING_SHIM_SYNC_DELAY_MS=$((R + 1)); export MINQING_SHIM_SYNC_DELAY_MS
	else
		unset MINQING_SHIM_SYNC_DELAY_MS
	fi
	start a "$S" "$r"; start b "$S" "$r"; start c "$S" "$r" "$delay"
	unset MINQING_SHIM_SYNC_DELAY_MS
	power_cut
	losses=$((losses + 1))
	c0=$(date +%s%N)
	if [ $((losses % EPOCH)) = 0 ] || [ "$losses" = "$LOSSES" ]; then
		check_store "$S" full
	else
		check_store "$S"
	fi
	check_ms=$((check_ms + ($(date +%s%N) - c0) / 1000000))
	store_acked=$c_acked
	grep -q "^$r " "$T/imp.started" && imports=$((imports + 1))
	grep -q "^$r " "$T/imp.acked" && imports_acked=$((imports_acked + 1))
	if [ $((c_fail + c_lost + c_dup + c_partial)) != 0 ]; then
		not_ok "after power loss $losses: $c_fail failed, $c_lost lost, $c_dup duplicated, $c_partial cut"
		sed 's/^/# /' "$T/why" | head -10
	fi
	failed=$((failed + c_fail)) lost=$((lost + c_lost)) dups=$((dups + c_dup))
	partial=$((partial + c_partial))
done
acked=$((acked + store_acked))
[ -n "$S" ] && write_after "$S"
unset MINQING_MAPSIZE
elapsed=$(( $(date +%s) - start_s ))

[ "$losses" -ge "$LOSSES" ] && ok "$losses power losses at random instants" ||
    not_ok "only $losses of $LOSSES power losses"
expect_eq "every store opened, verified and listed after each loss" 0 "$failed"
expect_eq "no acknowledged record lost" 0 "$lost"
expect_eq "after each store's last loss, a write without the shim succeeds and verifies" 0 "$after_failed"
expect_eq "no seq out of place, nothing created twice" 0 "$dups"
expect_eq "no import cut inside a transaction" 0 "$partial"
if [ -s "$T/cmdfail" ]; then
	not_ok "commands failed without being killed: $(wc -l <"$T/cmdfail")"
	sort "$T/cmdfail" | uniq -c | sort -rn | head -5 | sed 's/^/# /'
else
	ok "no command failed other than by the kill"
fi
echo "# stores: $epoch, imports: $imports (acknowledged: $imports_acked), ${elapsed}s (${check_ms} ms in checks)"
echo "# power losses: $losses, acknowledged: $acked, lost: $lost"
finish
