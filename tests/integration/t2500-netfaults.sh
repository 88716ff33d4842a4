#!/bin/sh
# T4, network faults: a hub and a branch in two network namespaces made by
# this test, joined by a veth pair (192.0.2.0/24, a range kept for tests).
# During one 10,000-entry sync over HTTPS, at least 100 faults: nftables
# random drop and TCP reset, tc tbf rate limits, the link down and up, ss -K.
# The sync completes, exactly once; the daemon's CPU stays low while the
# link is down.  Needs root (else skipped).
. "$(dirname "$0")/lib.sh"
faults=${MINQING_LONG:+1000}; faults=${faults:-100}
for c in ip nft tc ss curl; do
	command -v $c >/dev/null || { echo "$c not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "network namespaces need root"; exit 77; }
ns=mq$$
ip netns add "${ns}h" 2>/dev/null || { echo "cannot make network namespaces"; exit 77; }
ip netns add "${ns}b"
netclean() {
	ip netns pids "${ns}h" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids "${ns}b" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "${ns}h" 2>/dev/null; ip netns del "${ns}b" 2>/dev/null
}
trap 'netclean; cleanup' EXIT
ip link add "${ns}h0" type veth peer name "${ns}b0"
ip link set "${ns}h0" netns "${ns}h"; ip link set "${ns}b0" netns "${ns}b"
inh() { ip netns exec "${ns}h" "$@"; }
inb() { ip netns exec "${ns}b" "$@"; }
inh ip addr add 192.0.2.1/24 dev "${ns}h0"; inh ip link set "${ns}h0" up; inh ip link set lo up
inb ip addr add 192.0.2.2/24 dev "${ns}b0"; inb ip link set "${ns}b0" up; inb ip link set lo up
ok "two namespaces joined by a veth pair"

mkdir "$T/certs"
printf 'subjectAltName=IP:192.0.2.1\n' >"$T/certs/ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=test CA" -keyout "$T/certs/ca.key" -out "$T/certs/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=192.0.2.1" \
    -keyout "$T/certs/tls.key" -out "$T/certs/tls.csr" 2>/dev/null
openssl x509 -req -in "$T/certs/tls.csr" -CA "$T/certs/ca.crt" -CAkey "$T/certs/ca.key" \
    -CAcreateserial -days 2 -extfile "$T/certs/ext" -out "$T/certs/tls.crt" 2>/dev/null
H=$T/hub B=$T/br
make_hub "$H" zb-hub 8443 "$T/certs"
sed -i 's|^address = .*|address = 192.0.2.1:8443|' "$H/minqing.conf"
make_node "$B" zb-br
sed -i 's/^batch_entries = .*/batch_entries = 50/; s/^max_backoff = .*/max_backoff = 1s/' "$B/minqing.conf"
mq -d "$H" peer add zb-br --key "$(cat "$B.key")" >/dev/null
mq -d "$B" upstream set https://192.0.2.1:8443 --key "$(cat "$H.key")" --cacert "$T/certs/ca.crt" >/dev/null
# A backlog large enough that the first faults strike while it is pushed.
{ echo "id,address,group"; seq 1 30000 | sed 's/.*/H&,宝山路&号,G/'; } >"$T/big.csv"
mq -d "$B" household import "$T/big.csv" >/dev/null

inh "$MINQINGD" -d "$H" >>"$H/daemon.log" 2>&1 & echo $! >"$H/daemon.pid"
i=0; until inb curl -sf --cacert "$T/certs/ca.crt" https://192.0.2.1:8443/v1/health >/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 50 ] && ok "the hub answers across the veth" || not_ok "the hub answers across the veth"
inb "$MINQINGD" -d "$B" >>"$B/daemon.log" 2>&1 & echo $! >"$B/daemon.pid"

rnd() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
inb nft add table inet mq
inb nft add chain inet mq out '{ type filter hook output priority 0; }'
f=0 kinds=""
while [ $f -lt "$faults" ]; do
	case $(rnd 5) in
	0) inb nft add rule inet mq out ip daddr 192.0.2.1 numgen random mod 100 '<' 40 drop
	   sleep 0.3; inb nft flush chain inet mq out; k=drop ;;
	1) inb nft add rule inet mq out tcp dport 8443 reject with tcp reset
	   sleep 0.2; inb nft flush chain inet mq out; k=reset ;;
	2) inb ip link set "${ns}b0" down; sleep 0.3; inb ip link set "${ns}b0" up; k=linkdown ;;
	3) inb ss -K dst 192.0.2.1 >/dev/null 2>&1; sleep 0.1; k=ss-K ;;
	4) inb tc qdisc add dev "${ns}b0" root tbf rate 200kbit burst 16kb latency 100ms
	   sleep 0.4; inb tc qdisc del dev "${ns}b0" root; k=tbf ;;
	esac
	case " $kinds " in *" $k "*) ;; *) kinds="$kinds $k" ;; esac
	f=$((f + 1))
	# The most pending seen over the first ten faults.
	if [ $f -le 10 ]; then
		p=$(pending "$B"); [ "${p:-0}" -gt "${during:-0}" ] && during=$p
	fi
	[ $((f % 20)) = 0 ] && sleep 0.5
done
ok "$f faults:$kinds"
[ "${during:-0}" -gt 0 ] && ok "the faults struck mid-sync (up to $during pending during the first 10)" || not_ok "faults mid-sync (${during:-?} pending)"

# The link down for 5 s: the daemon waits, it does not spin.
pid=$(cat "$B/daemon.pid")
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
inb ip link set "${ns}b0" down
c0=$(cpu); sleep 5; c1=$(cpu)
inb ip link set "${ns}b0" up
ticks=$((c1 - c0)); hz=$(getconf CLK_TCK)
echo "# CPU while the link was down: $ticks ticks in 5 s (at $hz/s)"
[ "$ticks" -le $((hz / 2)) ] && ok "the daemon's CPU stays low while the link is down" || not_ok "CPU while down: $ticks ticks"

wait_until 120 synced "$B" && ok "the sync completed" || not_ok "the sync completed ($(pending "$B") pending)"
kill "$(cat "$B/daemon.pid")" "$(cat "$H/daemon.pid")" 2>/dev/null; sleep 0.5
expect_eq "the hub holds exactly the branch's log" "$(mq -d "$B" log zb-br/main | sha256sum)" "$(mq -d "$H" log zb-br/main | sha256sum)"
dups=$(mq -d "$H" log zb-br/main | jq -r .seq | sort -n | uniq -d | wc -l)
expect_eq "exactly once" 0 "$dups"
check "the hub verifies" mq -d "$H" verify
echo "# faults: $f, lost: 0, duplicated: $dups"
finish
