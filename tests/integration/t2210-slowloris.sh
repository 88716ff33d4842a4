#!/bin/sh
# Slowloris against a real hub on 127.0.0.1 (plain HTTP, as tests may): 500
# connections that send nothing and 50 that send a header byte a second,
# from 127.0.0.2-21 (all of 127.0.0.0/8 is loopback), so that no address is
# over the hub's per-IP limit and the branch, from 127.0.0.1, shares none
# with them.  While they are open the branch still syncs; the hub's memory
# stays bounded; the hub closes an idle connection at its time-out and a
# dribbling one when its headers are late, and lives on.  Then, for the record only: attackers from the branch's own
# address, over the per-IP limit.
. "$(dirname "$0")/lib.sh"
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
HOSTILE=$(cd "$top_builddir" && pwd)/tests/hostile/hostile
[ -x "$HOSTILE" ] || { echo "tests/hostile/hostile is not built"; exit 77; }
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
# The listener's limits, as daemon/daemon_http.c sets them.
limit() {
	sed -n "s/^#define $1[[:space:]]*\([0-9]*\).*/\1/p" "$top_srcdir/daemon/daemon_http.c"
}
timeout_s=$(limit CONN_TIMEOUT_S) conn_limit=$(limit CONN_LIMIT) per_ip=$(limit CONN_PER_IP)
: "${timeout_s:=30}" "${conn_limit:=256}" "${per_ip:=32}"
echo "# the hub's limits: $conn_limit connections, $per_ip per address, ${timeout_s} s idle"
port=$(free_port)
H=$T/hub A=$T/a B=$T/b

make_hub "$H" zb-hub "$port" "$T/none" && ok "hub made" || not_ok "hub made"
sed -i '/^tls_/d; s/^address = .*/&\nplain_http = yes/' "$H/minqing.conf"
start_daemon "$H"
up() { curl -sf -m 5 "http://127.0.0.1:$port/v1/health" >/dev/null; }
wait_until 10 up && ok "hub up, plain http" || not_ok "hub up"
pid=$(cat "$H/daemon.pid")
for n in "$A" "$B"; do
	make_node "$n" "zb-$(basename "$n")" &&
	mq -d "$H" peer add "zb-$(basename "$n")" --key "$(cat "$n.key")" >/dev/null &&
	mq -d "$n" upstream set "http://127.0.0.1:$port" --key "$(cat "$H.key")" >/dev/null 2>&1 &&
	mq -d "$n" household add H1 --address "Road 1" --group G1 >/dev/null &&
	mq -d "$n" household add H2 --address "Road 2" --group G1 >/dev/null ||
	not_ok "branch $n made"
done
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }
# Under AddressSanitizer the hub starts big: the bound is over its start.
rss0=$(rss)
rss_max=65536
grep -q __asan_init "$MINQINGD" 2>/dev/null && rss_max=$((rss0 + 65536))
echo "# hub RSS at rest: $rss0 kB"

secs=$((timeout_s + 8))
start=$(date +%s)
"$HOSTILE" -p "$port" -S 2 -n 20 -t "$timeout_s" idle 500 50 "$secs" >"$T/idle.out" 2>&1 &
hpid=$!
ready() { grep -q '^ready' "$T/idle.out"; }
wait_until 20 ready && ok "attackers connected" || not_ok "attackers connected"
sleep 1
established=$(ss -tnH state established "( sport = :$port )" 2>/dev/null | wc -l)
echo "# connections the hub holds: $established"
r1=$(rss)

# The branch, from another address, while they are open.
t0=$(date +%s)
timeout 20 "$MINQING" -d "$A" sync now >"$T/sync.out" 2>"$T/sync.err"; rc=$?
t1=$(date +%s)
echo "# sync under attack: exit $rc after $((t1 - t0)) s"
sed 's/^/#   /' "$T/sync.err" | grep -v 'plain http' | head -3
expect_eq "the branch syncs while 550 attacker connections are open" 0 "$rc"
held=$(mq -d "$H" log zb-a/main 2>/dev/null | sha256sum)
expect_eq "the hub holds the branch's log" "$(mq -d "$A" log zb-a/main | sha256sum)" "$held"
up && ok "the hub answers a health call under attack" || not_ok "the hub answers a health call under attack"
r2=$(rss)

wait "$hpid"
echo "# attack over after $(($(date +%s) - start)) s"
sed -n '/^#/p' "$T/idle.out"
r3=$(rss)
max=$rss0
for r in $r1 $r2 $r3; do [ "${r:-0}" -gt "$max" ] && max=$r; done
echo "# hub RSS: $rss0 kB at rest, $r1 $r2 $r3 kB under attack"
[ "$max" -lt "$rss_max" ] && ok "hub RSS bounded: $max kB < $rss_max kB" ||
    not_ok "hub RSS bounded: $max kB, wanted < $rss_max kB"
res=$(grep '^result' "$T/idle.out")
val() { echo "$res" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
kept=$(( $(val idle_open) - $(val idle_at_once) ))
[ "$(val idle_timely)" -ge 1 ] && ok "the hub closed $(val idle_timely) idle connections $((timeout_s - 5))-$((timeout_s + 5)) s after they opened" ||
    not_ok "no idle connection closed by the hub within $((timeout_s + 5)) s"
expect_eq "every idle connection the hub kept was closed within $((timeout_s + 5)) s" \
    "$kept 0 0 0" "$(val idle_timely) $(val idle_early) $(val idle_late) $(val idle_left)"
headers_s=$(limit HEADERS_TIMEOUT_S)
: "${headers_s:=$timeout_s}"
echo "# dribblers: $(val dribble_open) opened, $(val dribble_left) still open after $secs s"
[ "$(val dribble_open)" -ge 1 ] && expect_eq "every dribbler cut off (headers due within ${headers_s} s), none left after $secs s" \
    0 "$(val dribble_left)" || not_ok "no dribbler connected"
grep -q "request headers took over" "$H/daemon.log" 2>/dev/null && ok "the hub logs the late headers it cut off" ||
    not_ok "the hub logs the late headers it cut off"
kill -0 "$pid" 2>/dev/null && ok "the hub is still running" || not_ok "the hub is still running"

# The attackers gone, the branch syncs (again).
check "the branch syncs after the attack" mq -d "$A" sync now
expect_eq "the hub holds the branch's log after the attack" "$(mq -d "$A" log zb-a/main | sha256sum)" \
    "$(mq -d "$H" log zb-a/main | sha256sum)"

# For the record: attackers on the branch's own address, past the per-IP
# limit, shut it out; what a per-IP limit does behind a shared NAT.
"$HOSTILE" -p "$port" -S 1 -n 1 idle $((per_ip + 8)) 0 4 >"$T/same.out" 2>&1 &
hpid=$!
wait_until 10 grep -q '^ready' "$T/same.out"
timeout 10 "$MINQING" -d "$B" sync now >/dev/null 2>"$T/same.err"; rc=$?
wait "$hpid"
echo "# note: $((per_ip + 8)) idle connections from 127.0.0.1; a branch on 127.0.0.1 then syncs with exit $rc$(
    [ "$rc" = 0 ] || echo ": $(grep -v 'plain http' "$T/same.err" | head -1)")"
up && ok "the hub answers after it all" || not_ok "the hub answers after it all"
stop_daemon "$H"
finish
