#!/bin/sh
# Stale readers: `kill -9` of minqing processes in the middle of a read, 200
# times.  Each leaves its LMDB reader slot behind (pid, and the snapshot it
# was reading).  A daemon holds the store open all along, so LMDB never
# starts the lock file afresh: only the store's mdb_reader_check() at open
# clears the dead slots.  Afterwards reads and writes work, and after one
# more minqing command `mdb_stat -r` shows no more than a handful of dead
# slots.
. "$(dirname "$0")/lib.sh"
for tool in mdb_stat od awk date sleep; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed (mdb_stat: lmdb-utils)"; exit 77; }
done
[ -x "$MINQINGD" ] || { echo "minqingd not built"; exit 77; }

KILLS=200
PARALLEL=3		# readers at once
HOUSEHOLDS=20000
LIMIT=150
[ -n "${MINQING_ASAN:-}" ] && HOUSEHOLDS=8000
[ -n "${MINQING_LONG:-}" ] && KILLS=5000 LIMIT=3600

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_ms() { [ "$1" -gt 0 ] && sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; :; }
od -An -v -tu4 -N$((KILLS * 8 * 4)) /dev/urandom | tr -s ' ' '\n' | grep -v '^$' >"$T/random"
exec 3<"$T/random"
rnd() { read -r R <&3 || R=$(od -An -N4 -tu4 /dev/urandom); R=$(( R % $1 )); }

# dead_slots DIR: how many reader slots belong to processes that are gone.
dead_slots() {
	mdb_stat -r "$1" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $1 }' | {
		n=0
		while read -r p; do [ -d "/proc/$p" ] || n=$((n + 1)); done
		echo $n; }
}

B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
{ echo "id,address,group,people,tags"
  seq 1 "$HOUSEHOLDS" | awk '{ printf "K%d,\"共和新路%d号%d室\",B%d,%d,elderly-alone\n", $1, $1 % 300, $1, $1 % 30, $1 % 6 }'; } >"$T/k.csv"
check "import $HOUSEHOLDS households" mq -d "$B" household import "$T/k.csv"
i=0
while [ $i -lt 10 ]; do
	mq -d "$B" visit add "K$((i * 7 + 1))" --team m1 >/dev/null &&
	mq -d "$B" request open "K$((i * 5 + 2))" --category property --summary "r $i" >/dev/null || not_ok "write $i"
	i=$((i + 1))
done
listed=$((HOUSEHOLDS + 5))	# and the header
expect_eq "households listed" "$listed" "$(mq -d "$B" household list | wc -l)"

start_daemon "$B"
wait_until 10 grep -q started "$B/daemon.log" && ok "minqingd holds the store open" ||
	{ not_ok "minqingd started"; sed 's/^/# /' "$B/daemon.log"; }
dpid=$(cat "$B/daemon.pid")

# The readers, and how long each takes here (ms).
# (set -- the kind's arguments, then "$MINQING" "$@" &: the background job
# is minqing itself, not a subshell that would die in its place.)
KINDS=6
args() {
	case $1 in
	0) echo "household list" ;;
	1) echo "--json household list" ;;
	2) echo "log" ;;
	3) echo "report --from 2000-01-01 --to 2099-12-31 --by group" ;;
	4) echo "export --what households --format jsonl" ;;
	5) echo "verify" ;;
	esac
}
k=0 typical=
while [ $k -lt $KINDS ]; do
	t0=$(now_ms)
	# shellcheck disable=SC2046
	set -- $(args $k)
	"$MINQING" -d "$B" "$@" >/dev/null 2>&1 || not_ok "reader $* before the kills"
	typical="$typical $(( $(now_ms) - t0 + 1 ))"
	k=$((k + 1))
done
echo "# typical ms of household list, --json household list, log, report, export, verify:$typical"
typ() { local n=$1; set -- $typical; shift $((n - 1)); echo "$1"; }

kills=0 finished=0 failures=0 rounds=0 seen=0 most=0 scale=100
start=$(date +%s)
deadline=$((start + LIMIT))
while [ $kills -lt $KILLS ] && [ $rounds -lt $((KILLS * 3)) ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		not_ok "time limit of ${LIMIT}s reached after $kills kills"; break
	fi
	rounds=$((rounds + 1))
	# now and then a write, which must work with the dead slots there
	if [ $((rounds % 10)) = 0 ]; then
		mq -d "$B" visit add K3 --team m2 --note "round $rounds" >/dev/null 2>"$T/err.w" ||
			{ failures=$((failures + 1)); not_ok "write after $kills kills"; sed 's/^/# /' "$T/err.w"; }
	fi
	# PARALLEL readers (fewer at the end, to stop at KILLS), each with the
	# instant of its kill
	n=$PARALLEL; [ $((KILLS - kills)) -lt $n ] && n=$((KILLS - kills))
	j=0 plan=
	while [ $j -lt $n ]; do
		rnd $KINDS; kind=$R
		rnd 1000; at=$(( R * $(typ $((kind + 1))) * scale / 100000 ))
		# shellcheck disable=SC2046
		set -- $(args $kind)
		"$MINQING" -d "$B" "$@" >/dev/null 2>"$T/err.$j" &
		plan="$plan$at $! $j
"
		j=$((j + 1))
	done
	now=0
	echo "$plan" | sort -n | { while read -r at pid j; do
		[ -n "$pid" ] || continue
		sleep_ms $((at - now)); now=$at
		kill -9 "$pid" 2>/dev/null
		echo "$pid $j"
	done; } >"$T/killed"
	while read -r pid j; do
		wait "$pid" 2>/dev/null; rc=$?
		case $rc in
		137) kills=$((kills + 1)); [ $scale -lt 400 ] && scale=$((scale + 1)) ;;
		0) finished=$((finished + 1)); [ $scale -gt 30 ] && scale=$((scale - 9)) ;;
		*) failures=$((failures + 1)); not_ok "a reader exited $rc"; sed 's/^/# /' "$T/err.$j" | head -3 ;;
		esac
	done <"$T/killed"
	d=$(dead_slots "$B")
	seen=$((seen + d)); [ "$d" -gt "$most" ] && most=$d
done
elapsed=$(( $(date +%s) - start ))
echo "# rounds: $rounds, readers killed: $kills, finished before their kill: $finished, ${elapsed}s"
echo "# dead reader slots left by the kills: $seen (at most $most at once)"
[ $kills = $KILLS ] && ok "$kills readers killed mid-read" || not_ok "only $kills of $KILLS readers killed"
[ "$seen" -gt 0 ] && ok "the kills left dead reader slots" || not_ok "no dead reader slot was ever seen"

before=$(dead_slots "$B")
check "the daemon still runs" kill -0 "$dpid"
check "a read after the kills" mq -d "$B" household list
expect_eq "every household still listed" "$listed" "$(wc -l <"$T/out")"
after=$(dead_slots "$B")
echo "# dead slots before the last command: $before, after: $after"
mdb_stat -r "$B" | sed 's/^/#   /'
[ "$after" -le 2 ] && ok "at most a handful of dead slots ($after)" || not_ok "$after dead reader slots left"
check "a write after the kills" mq -d "$B" visit add K9 --team m1,m2 --note "after the kills"
check "verify after the kills" mq -d "$B" verify
echo "# $(cat "$T/out")"
check "a report after the kills" mq -d "$B" --json report --from 2000-01-01 --to 2099-12-31
expect_eq "the report counts every household" "$((HOUSEHOLDS + 4))" "$(jq .total.households "$T/out")"
stop_daemon "$B"
expect_eq "no failure" 0 "$failures"
echo "# reader kills: $kills, failures: $failures"
finish
