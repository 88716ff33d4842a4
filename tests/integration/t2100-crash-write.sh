#!/bin/sh
# Crash while writing: `kill -9` of minqing processes at random instants,
# while they add visits, requests and households one at a time and while
# they import CSVs of thousands of rows.  A command that exited 0 before the
# kill has acknowledged its record; after the kills every acknowledged
# record is there, the store opens and verifies, the log's seqs run 1..N
# without a gap and no record id is there twice.  An import killed midway
# leaves whole chunks of it or nothing.
#
# At least 500 kills (MINQING_LONG=1: 10,000).  The stores are renewed every
# EPOCH kills so that the checks stay cheap; every other store starts with a
# 1 MiB map so that kills also land while the map grows.
. "$(dirname "$0")/lib.sh"
# (A kill that landed while a process set up lock.mdb once lost the other
# writer's acknowledged record: t2105-lock-setup.sh tests that case alone.)
for tool in od awk sort comm date sleep; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed"; exit 77; }
done

KILLS=500
LIMIT=480			# seconds; the loop stops there whatever the count
EPOCH=25			# kills per store; a full check at the end of each
CHECK_EVERY=5			# verify after this many kills
IMPORT_EVERY=6			# about one round in IMPORT_EVERY has an import
ROWS_MIN=2000 ROWS_SPREAD=5000	# rows of an import: 2000..6999
CHUNK=5000			# rows per import transaction (tools/tool_import.c)
if [ -n "${MINQING_ASAN:-}" ]; then
	# No leak check at exit here: it doubles each command's time, and a
	# kill landing in it hits a command whose work is already done.  The
	# other tests check these commands for leaks.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
	EPOCH=50 CHECK_EVERY=25 IMPORT_EVERY=8 ROWS_SPREAD=3000 LIMIT=480
fi
if [ -n "${MINQING_LONG:-}" ]; then
	KILLS=10000 LIMIT=7200 EPOCH=50 CHECK_EVERY=5
fi

# rnd N: R becomes a random number in 0..N-1 (read from a file made once,
# so that no process is forked for it).
od -An -v -tu4 -N$((KILLS * 4 * 4 * 4)) /dev/urandom | tr -s ' ' '\n' | grep -v '^$' >"$T/random"
exec 3<"$T/random"
rnd() { read -r R <&3 || R=$(od -An -N4 -tu4 /dev/urandom); R=$(( R % $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# sleep_ms MS
sleep_ms() { [ "$1" -gt 0 ] && sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; :; }

N=zb-bs-0301
make_branch "$T/tpl" "$N" >/dev/null && ok "template branch made" || not_ok "template branch made"
echo "id,address,group,people,tags" >"$T/head.csv"

# csv K ROWS: an import file whose ids are IK-1..IK-ROWS, in that order.
csv() {
	{ cat "$T/head.csv"
	  awk -v k="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++)
		printf "I%d-%d,\"共和新路%d号%d室\",B%d,%d,elderly-alone\n", k, i, i % 500, i, i % 40, i % 6 }'
	} >"$T/imp.csv"
}

# How long each kind of command takes here (ms): the kills land at a random
# fraction of that.
# The first part of that is the program starting (loading, and the
# sanitizers' set-up), which writes nothing: the kills skip half of it.
cp -a "$T/tpl" "$T/m"
t0=$(now_ms)
for i in 1 2 3 4 5; do "$MINQING" --help >/dev/null 2>&1; done
t1=$(now_ms)
d_start=$(( (t1 - t0) / 10 ))
t0=$(now_ms)
for i in 1 2 3 4 5; do "$MINQING" -d "$T/m" visit add H1 --team m1 >/dev/null; done
t1=$(now_ms)
for i in 1 2 3 4 5; do "$MINQING" -d "$T/m" request open H2 --category other --summary m >/dev/null; done
t2=$(now_ms)
for i in 1 2 3 4 5; do "$MINQING" -d "$T/m" household add M$i --address m --group B12 >/dev/null; done
t3=$(now_ms)
csv 0 5000
"$MINQING" -d "$T/m" household import "$T/imp.csv" >/dev/null
t4=$(now_ms)
d_visit=$(( (t1 - t0) / 5 + 1 )) d_request=$(( (t2 - t1) / 5 + 1 ))
d_house=$(( (t3 - t2) / 5 + 1 )) d_import5k=$(( t4 - t3 + 1 ))
echo "# typical ms: start-up $((d_start * 2)), visit add $d_visit, request open $d_request, household add $d_house, import of 5000 rows $d_import5k"
rm -rf "$T/m"

kills=0 acked=0 acked_cmds=0 lost=0 dups=0 failed=0 attempts=0 imports=0 partial=0 checks_run=0
epoch=0 dirty=0 check_ms=0 verifies=0 import_kills=0
: >"$T/ack" ; : >"$T/imports"

# verify_check DIR: the store opens and its chains verify.
verify_check() {
	local c0
	c0=$(now_ms)
	verifies=$((verifies + 1))
	if ! "$MINQING" -d "$1" verify >"$T/v.out" 2>&1; then
		not_ok "verify after kill $kills (store $epoch)"; sed 's/^/# /' "$T/v.out" | head -5
		failed=$((failed + 1))
	fi
	check_ms=$((check_ms + $(now_ms) - c0))
}

# full_check DIR: the store opens and verifies, the log is 1..N, every
# acknowledged id is there, nothing is there twice, imports are whole chunks.
full_check() {
	local d=$1 n bad c0
	checks_run=$((checks_run + 1))
	verify_check "$d"
	c0=$(now_ms)
	if ! "$MINQING" -d "$d" log >"$T/log" 2>"$T/log.err"; then
		not_ok "log after kill $kills"; sed 's/^/# /' "$T/log.err" | head -3
		failed=$((failed + 1)); return
	fi
	# The seq of every entry is its line number; the id of every record an
	# entry creates (the body's first field) is there once.
	: >"$T/log.ids"
	bad=$(awk -v ids="$T/log.ids" '{
		s = ""; t = ""
		if (match($0, /"seq":[0-9]+/)) s = substr($0, RSTART + 6, RLENGTH - 6)
		if (s != NR) b++
		if (match($0, /"type":"[a-z.]+"/)) t = substr($0, RSTART + 8, RLENGTH - 9)
		if (t ~ /^(visit[.]add|request[.]open|household[.]add|member[.]add)$/ &&
		    match($0, /"body":[{]"id":"[^"]*"/))
			print substr($0, RSTART + 14, RLENGTH - 15) >ids
	} END { print b + 0 }' "$T/log")
	if [ "$bad" != 0 ]; then
		not_ok "log seqs 1..N after kill $kills: $bad out of place"; dups=$((dups + bad))
	fi
	bad=$(sort "$T/log.ids" | uniq -d | tee "$T/dup.log" | wc -l)
	if [ "$bad" != 0 ]; then
		not_ok "record ids created twice in the log after kill $kills: $bad"
		head -3 "$T/dup.log" | sed 's/^/# /'; dups=$((dups + bad))
	fi
	: >"$T/have"
	for w in visit request household; do
		if ! "$MINQING" -d "$d" --json "$w" list >"$T/list.json" 2>"$T/list.err"; then
			not_ok "$w list after kill $kills"; sed 's/^/# /' "$T/list.err" | head -3
			failed=$((failed + 1)); continue
		fi
		# compact JSON, one object per record, its id first
		grep -o '{"id":"[^"]*"' "$T/list.json" | sed 's/^{"id":"//; s/"$//' >>"$T/have"
	done
	sort "$T/have" >"$T/have.s"
	bad=$(uniq -d "$T/have.s" | wc -l)
	if [ "$bad" != 0 ]; then
		not_ok "ids listed twice after kill $kills: $bad"; dups=$((dups + bad))
	fi
	# acknowledged single records
	sort -u "$T/ack" >"$T/ack.s"
	comm -23 "$T/ack.s" "$T/have.s" >"$T/missing"
	bad=$(wc -l <"$T/missing")
	if [ "$bad" != 0 ]; then
		not_ok "acknowledged records missing after kill $kills: $bad"
		head -5 "$T/missing" | sed 's/^/# /'; lost=$((lost + bad))
		# What is known of them, and the store, for a look afterwards.
		grep -F -f "$T/missing" "$T/ack.info" "$T/rounds.log" | head -20 | sed 's/^/#   /'
		keep=$(mktemp -d "${TMPDIR:-/tmp}/minqing-lost.XXXXXX") &&
			cp -a "$d" "$keep/store" && cp "$T/missing" "$T/rounds.log" "$keep/" &&
			echo "# the store is kept in $keep"
	fi
	: >"$T/ack"		# checked once; the store is append-only
	# imports: per import K, how many rows are there and the highest row
	sed -n "s/^$N:I\([0-9]*\)-\([0-9]*\)\$/\1 \2/p" "$T/have.s" |
		awk '{ c[$1]++; if ($2 > m[$1]) m[$1] = $2 }
		     END { for (k in c) print k, c[k], m[k] }' >"$T/got"
	awk -v chunk="$CHUNK" 'NR == FNR { c[$1] = $2; m[$1] = $3; next }
		{ k = $1; n = $2; ack = $3; got = c[k] + 0; hi = m[k] + 0
		  if (ack && got != n) { print "lost", k, n, got; next }
		  if (got != hi || (got != n && got % chunk != 0))
			print "partial", k, n, got, hi }' "$T/got" "$T/imports" >"$T/impbad"
	n=$(grep -c '^lost' "$T/impbad")
	if [ "$n" != 0 ]; then
		not_ok "acknowledged imports incomplete after kill $kills: $n"
		grep '^lost' "$T/impbad" | head -3 | sed 's/^/# /'
		lost=$((lost + $(awk '$1 == "lost" { s += $3 - $4 } END { print s + 0 }' "$T/impbad")))
	fi
	n=$(grep -c '^partial' "$T/impbad")
	if [ "$n" != 0 ]; then
		not_ok "imports cut inside a chunk after kill $kills: $n"
		grep '^partial' "$T/impbad" | head -3 | sed 's/^/# /'; partial=$((partial + n))
	fi
	: >"$T/imports"
	check_ms=$((check_ms + $(now_ms) - c0))
}

new_epoch() {
	[ -n "${S:-}" ] && { [ "$dirty" = 0 ] || full_check "$S"; rm -rf "$S"; }
	dirty=0
	epoch=$((epoch + 1))
	S=$T/s$epoch
	cp -a "$T/tpl" "$S"
	if [ $((epoch % 2)) = 0 ]; then export MINQING_MAPSIZE=1048576; else unset MINQING_MAPSIZE; fi
}

S=
new_epoch
# spawn SLOT: starts one command in the background; sets kind_SLOT,
# rows_SLOT, imp_SLOT, dur_SLOT (its typical ms) and pid_SLOT.  Only slot a
# imports.
spawn() {
	local kind rows=0 imp=0 dur
	attempts=$((attempts + 1))
	rnd 12; kind=$R
	if [ "$1" = a ]; then rnd "$IMPORT_EVERY"; [ "$R" = 0 ] && kind=import; fi
	case $kind in
	import)
		imports=$((imports + 1)) imp=$((imports))
		rnd "$ROWS_SPREAD"; rows=$((ROWS_MIN + R))
		csv "$imp" "$rows"
		dur=$((d_import5k * rows / 5000))
		"$MINQING" -d "$S" household import "$T/imp.csv" >"$T/$1.out" 2>"$T/$1.err" &
		;;
	0|1|2|3|4)
		kind=visit dur=$d_visit
		"$MINQING" -d "$S" visit add "H$(( attempts % 4 + 1 ))" --team m1,m2 --note "attempt $attempts" >"$T/$1.out" 2>"$T/$1.err" &
		;;
	5|6|7|8)
		kind=request dur=$d_request
		"$MINQING" -d "$S" request open H3 --category property --summary "attempt $attempts" >"$T/$1.out" 2>"$T/$1.err" &
		;;
	*)
		kind=household dur=$d_house
		"$MINQING" -d "$S" household add "A$attempts" --address "宝山路$attempts号" --group B14 >"$T/$1.out" 2>"$T/$1.err" &
		;;
	esac
	eval "pid_$1=\$! kind_$1=\$kind rows_$1=\$rows imp_$1=\$imp dur_$1=\$dur"
}

# reap SLOT: kill -9 (if still running), wait, and book the outcome.
reap() {
	local pid kind rows imp rc id
	eval "pid=\$pid_$1 kind=\$kind_$1 rows=\$rows_$1 imp=\$imp_$1"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null; rc=$?
	eval "rc_$1=\$rc"
	case $rc in
	0)	# it finished first: acknowledged
		acked_cmds=$((acked_cmds + 1))
		[ "$scale" -gt 1 ] && scale=$((scale - (scale + 7) / 8))
		if [ "$kind" = import ]; then
			echo "$imp $rows 1" >>"$T/imports"; acked=$((acked + rows))
		else
			read -r id <"$T/$1.out"
			case $id in
			"$N-V"*|"$N-R"*|"$N:A"*) echo "$id" >>"$T/ack"; acked=$((acked + 1))
				echo "$id store $epoch round $rounds slot $1 map ${MINQING_MAPSIZE:-default}" >>"$T/ack.info" ;;
			*) not_ok "$kind printed '$id'"; failed=$((failed + 1)) ;;
			esac
		fi
		;;
	137)
		kills=$((kills + 1))
		[ "$scale" -lt 400 ] && scale=$((scale + 1))
		[ "$kind" = import ] && { echo "$imp $rows 0" >>"$T/imports"; import_kills=$((import_kills + 1)); }
		;;
	*)
		failed=$((failed + 1))
		not_ok "$kind exited $rc (after $kills kills)"
		sed 's/^/# /' "$T/$1.err" | head -3
		;;
	esac
}

# Each round: two commands on one store at once (they take turns at the
# write lock), each killed at its own random instant in a window of SCALE%
# of its typical time: from SCALE% of half its start-up (no more than half
# its start-up) to SCALE% of the whole.  SCALE adapts, down on a command
# that finished first and up on a kill, so that most are killed and the
# kills reach the commits (two at once, on a busy machine, take longer
# than one; a fast start-up, shorter).
start=$(date +%s)
deadline=$((start + LIMIT))
max_rounds=$((KILLS * 3))
rounds=0 epoch_base=0 verify_base=0 scale=100
while [ "$kills" -lt "$KILLS" ] && [ "$rounds" -lt "$max_rounds" ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		not_ok "time limit of ${LIMIT}s reached after $kills kills"; break
	fi
	rounds=$((rounds + 1)) dirty=1
	spawn a; spawn b
	lo=$(( d_start * scale / 100 )); [ "$lo" -gt "$d_start" ] && lo=$d_start
	rnd 1000; ka=$(( lo + R * (dur_a * scale / 100 - lo) / 1000 ))
	rnd 1000; kb=$(( lo + R * (dur_b * scale / 100 - lo) / 1000 ))
	if [ "$ka" -le "$kb" ]; then
		sleep_ms "$ka"; reap a; sleep_ms $((kb - ka)); reap b
	else
		sleep_ms "$kb"; reap b; sleep_ms $((ka - kb)); reap a
	fi
	echo "round $rounds store $epoch: a $kind_a rc $rc_a $(head -c 40 "$T/a.out" 2>/dev/null | head -1) | b $kind_b rc $rc_b $(head -c 40 "$T/b.out" 2>/dev/null | head -1)" >>"$T/rounds.log"
	if [ $((kills - epoch_base)) -ge "$EPOCH" ]; then
		new_epoch		# after a full check of the store it leaves
		epoch_base=$kills verify_base=$kills
	elif [ $((kills - verify_base)) -ge "$CHECK_EVERY" ]; then
		verify_check "$S"; verify_base=$kills
	fi
done
[ "$dirty" = 0 ] || full_check "$S"
elapsed=$(( $(date +%s) - start ))
unset MINQING_MAPSIZE

[ "$kills" -ge "$KILLS" ] && ok "$kills kills at random instants" || not_ok "only $kills of $KILLS kills in $attempts commands"
expect_eq "no command failed after a kill" 0 "$failed"
expect_eq "no acknowledged record lost" 0 "$lost"
expect_eq "nothing duplicated, no gap" 0 "$dups"
expect_eq "no import cut inside a chunk" 0 "$partial"
echo "# rounds: $rounds, commands: $attempts (acknowledged: $acked_cmds, imports: $imports, of them killed: $import_kills), full checks: $checks_run, verifies: $verifies (${check_ms} ms in checks), stores: $epoch, final kill window: ${scale}% of the typical time, ${elapsed}s"
echo "# kills: $kills, acknowledged: $acked, lost: $lost, duplicated: $dups"
finish
