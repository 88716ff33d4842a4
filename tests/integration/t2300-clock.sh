#!/bin/sh
# T9, clock skew: branches whose clocks are off by -400, -3, +3 and +400 days
# (faketime) sync with a hub on the right time; the order of events holds
# (a branch closes a request after the hub's reply reached it, and the hub
# shows it closed); the skew is reported on the branch, and the hub flags
# entries dated in its future.  Plain HTTP: the point is the clocks, not
# certificate dates.
. "$(dirname "$0")/lib.sh"
command -v faketime >/dev/null || { echo "faketime not installed"; exit 77; }
if ldd "$MINQING" 2>/dev/null | grep -q libasan; then
	echo "an ASan build: libfaketime cannot be preloaded before it"; exit 77
fi
port=$(free_port)
H=$T/hub
mq -d "$H" init --node zb-hub --hub >"$H.key"
sed -i "s|^address = .*|address = 127.0.0.1:$port\nplain_http = yes|" "$H/minqing.conf"
start_daemon "$H"
i=0; until curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
n=0
for skew in -400d -3d +3d +400d; do
	n=$((n + 1)); name=zb-c$n; B=$T/$name
	fq() { faketime -f "$skew" "$MINQING" "$@"; }
	fq -d "$B" init --node "$name" >"$B.key"
	mq -d "$H" peer add "$name" --key "$(cat "$B.key")" >/dev/null
	fq -d "$B" upstream set "http://127.0.0.1:$port" --key "$(cat "$H.key")" >/dev/null 2>&1
	fq -d "$B" household add H1 --address "共和新路" --group G >/dev/null
	fq -d "$B" request open H1 --category other --summary x --date 2026-01-01 >/dev/null
	fq -d "$B" sync now >/dev/null 2>"$T/err" && ok "$skew: first push" || not_ok "$skew: first push: $(cat "$T/err")"
	check "$skew: the hub answers" mq -d "$H" request reply "$name-R1" --text "已复" --from district --date 2026-01-05
	fq -d "$B" sync now >/dev/null 2>"$T/err" && ok "$skew: pull" || not_ok "$skew: pull: $(cat "$T/err")"
	expect_eq "$skew: the reply reached the branch" answered "$(fq -d "$B" --json request show R1 | jq -r .status)"
	check "$skew: the branch closes it after the reply" fq -d "$B" request close R1 --outcome resolved --date 2026-01-06
	fq -d "$B" sync now >/dev/null 2>"$T/err" && ok "$skew: push the close" || not_ok "$skew: push the close"
	expect_eq "$skew: the hub shows it closed (close after reply)" closed "$(mq -d "$H" --json request show "$name-R1" | jq -r .status)"
	expect_eq "$skew: both ends agree" "$(fq -d "$B" --json request show R1 | jq -c 'del(.overdue)')" \
	    "$(mq -d "$H" --json request show "$name-R1" | jq -c 'del(.overdue)')"
	expect_eq "$skew: the branch reports its clock as off" true "$(fq -d "$B" --json sync status | jq .clock_skewed)"
	fq -d "$B" sync status | grep -q "this clock is off" && ok "$skew: said in words too" || not_ok "$skew: said in words"
	fq -d "$B" verify >/dev/null && ok "$skew: branch verifies" || not_ok "$skew: branch verifies"
done
check "the hub verifies every branch" mq -d "$H" verify
expect_eq "the hub flagged the two branches ahead of it" "zb-c3/main zb-c4/main" \
    "$(grep "in this hub's future" "$H/daemon.log" | grep -o 'zb-c[0-9]*/main' | sort -u | tr '\n' ' ' | sed 's/ $//')"
stop_daemon "$H"
finish
