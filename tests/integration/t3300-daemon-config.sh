#!/bin/sh
# minqingd and systemd: --check-config and the start refuse the same bad
# configurations, exit 78 and name the file, the line and the key; --help
# and --version; log lines carry syslog priorities on the journal only;
# a failed reload still ends with READY=1; STATUS says what the node does.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
mkdir "$T/certs"
make_certs "$T/certs" || { echo "cannot make certificates"; exit 77; }

# --help, --version and misuse.
"$MINQINGD" --help >"$T/out" 2>"$T/err"
expect_eq "--help exits 0" 0 $?
grep -q '^usage: minqingd ' "$T/out" && ok "--help prints usage on stdout" || not_ok "--help prints usage on stdout"
expect_eq "--help prints nothing on stderr" "" "$(cat "$T/err")"
for o in --version -V; do
	expect_eq "$o prints the version" "minqingd 0.1.0" "$("$MINQINGD" $o 2>&1 | sed 's/[0-9][0-9.]*$/0.1.0/')"
	"$MINQINGD" $o >/dev/null 2>&1; expect_eq "$o exits 0" 0 $?
done
fails_with "an unknown long option: exit 2" 2 "unknown option --bogus" "$MINQINGD" --bogus
fails_with "an unknown short option: exit 2" 2 "unknown option -x" "$MINQINGD" -x
fails_with "-d without its argument: exit 2" 2 "-d needs an argument" "$MINQINGD" -d
fails_with "an extra argument: exit 2" 2 "unexpected argument" "$MINQINGD" -d "$T" extra

# Each bad configuration: 78, FILE:LINE and the key, from --check-config
# and from the start alike.  Lines 1-3 are the node's; the test's lines
# follow from line 4.
N=$T/n
mq -d "$N" init --node zb-n >"$N.key"
check "a fresh config is good" "$MINQINGD" -d "$N" --check-config
hubkey=$(cat "$N.key")
refused() {	# WHAT PATTERN CONFIG-TAIL
	printf '[node]\nid = zb-n\n\n%b' "$3" >"$N/minqing.conf"
	fails_with "--check-config: $1" 78 "minqing.conf:$2" "$MINQINGD" -d "$N" --check-config
	fails_with "start: $1" 78 "minqing.conf:$2" "$MINQINGD" -d "$N"
}
refused "hub_key not a key" "6: \[upstream\] hub_key: not base64" \
    "[upstream]\nurl = https://127.0.0.1:1\nhub_key = notakey\n"
refused "url not https" "5: \[upstream\] url: .*ftp://x" \
    "[upstream]\nurl = ftp://x\nhub_key = $hubkey\n"
refused "url without hub_key" "5: \[upstream\] url: .*needs hub_key" \
    "[upstream]\nurl = https://127.0.0.1:1\n"
refused "a missing cacert" "7: \[upstream\] cacert: $T/nowhere.pem: No such file" \
    "[upstream]\nurl = https://127.0.0.1:1\nhub_key = $hubkey\ncacert = $T/nowhere.pem\n"
refused "[upstream] without url" "5: \[upstream\] hub_key: .*no url" \
    "[upstream]\nhub_key = $hubkey\n"
refused "a port past 65535" "5: \[listen\] address: .*127.0.0.1:99999.* not HOST:PORT" \
    "[listen]\naddress = 127.0.0.1:99999\nplain_http = yes\n"
refused "a host name for address" "5: \[listen\] address: .*not HOST:PORT" \
    "[listen]\naddress = localhost:8443\nplain_http = yes\n"
refused "[listen] without tls_cert" "5: \[listen\] address: tls_cert is required" \
    "[listen]\naddress = 127.0.0.1:8443\n"
refused "[listen] without tls_key" "5: \[listen\] address: tls_key is required" \
    "[listen]\naddress = 127.0.0.1:8443\ntls_cert = $T/certs/tls.crt\n"
refused "a missing tls_cert" "6: \[listen\] tls_cert: $T/none.crt: No such file" \
    "[listen]\naddress = 127.0.0.1:8443\ntls_cert = $T/none.crt\ntls_key = $T/certs/tls.key\n"
refused "a missing tls_key" "7: \[listen\] tls_key: $T/none.key: No such file" \
    "[listen]\naddress = 127.0.0.1:8443\ntls_cert = $T/certs/tls.crt\ntls_key = $T/none.key\n"
refused "a folder for tls_key" "7: \[listen\] tls_key: .*not a regular file" \
    "[listen]\naddress = 127.0.0.1:8443\ntls_cert = $T/certs/tls.crt\ntls_key = $T/certs\n"
refused "[listen] without address" "5: \[listen\] plain_http: .*no address" \
    "[listen]\nplain_http = yes\n"
refused "id given twice" "5: \[node\] id given again \(first on line 2\)" \
    "[node]\nid = zb-m\n"
refused "a key given twice in one section" "6: \[sync\] interval given again \(first on line 5\)" \
    "[sync]\ninterval = 30s\ninterval = 1m\n"
refused "a bad value" "5: invalid value" "[sync]\ninterval = often\n"
# inih cuts lines at 200 bytes: a long one is an error, not a cut path.
refused "a line over 199 bytes" "5: line longer than 199 bytes" \
    "[upstream]\nurl = https://127.0.0.1:1/$(printf '%0200d' 0)\n"
printf '[node]\nid = zb-n\n\n[listen]\naddress = 127.0.0.1:8443\ntls_cert = %s\ntls_key = %s\n' \
    "$T/certs/tls.crt" "$T/certs/tls.key" >"$N/minqing.conf"
check "a hub with its certificate and key is good" "$MINQINGD" -d "$N" --check-config
printf '[node]\nid = zb-n\n[listen]\naddress = [::1]:8443\nplain_http = yes\n[upstream]\nurl = http://127.0.0.1:1\nhub_key = %s\ncacert = %s\n' \
    "$hubkey" "$T/certs/ca.crt" >"$N/minqing.conf"
check "a relay with IPv6 and a cacert is good" "$MINQINGD" -d "$N" --check-config

# Journal priorities: only when stderr is the stream JOURNAL_STREAM names.
printf '[node]\nid = zb-n\n[sync]\ninterval = often\n' >"$N/minqing.conf"
: >"$T/j.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/j.err") "$MINQINGD" -d "$N" --check-config 2>"$T/j.err"
expect_eq "journal: a config error is <3>" "<3>" "$(cut -c1-3 "$T/j.err")"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/certs/ca.crt") "$MINQINGD" -d "$N" --check-config 2>"$T/j.err"
expect_eq "another stream: no priority" "fatal: " "$(cut -c1-7 "$T/j.err")"

# A hub with a notify socket, on the journal: priorities, READY=1 after
# failed reloads, STATUS.
if ! python3 -c 'import socket' 2>/dev/null; then
	echo "# python3 not installed: notify checks skipped"
	finish
fi
cat >"$T/notify.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
	f.write("bound\n"); f.flush()
	while True:
		for m in s.recv(4096).decode().split("\n"):
			f.write(m + "\n"); f.flush()
EOF
: >"$T/notify.log"
python3 "$T/notify.py" "$T/notify.sock" "$T/notify.log" &
mkdir "$T/notifier" && echo $! >"$T/notifier/daemon.pid"	# for cleanup
wait_until 10 grep -q bound "$T/notify.log"
# ready_count: the READY=1 messages so far.
ready_count() { grep -c '^READY=1$' "$T/notify.log"; }
ready_after() { [ "$(ready_count)" -ge "$1" ]; }
H=$T/hub A=$T/a
port=$(free_port)
mq -d "$H" init --node zb-hub --hub >"$H.key"
sed -i "s|^address = .*|address = 127.0.0.1:$port\nplain_http = yes|" "$H/minqing.conf"
cp "$H/minqing.conf" "$T/hub.good"
mq -d "$A" init --node zb-a >"$A.key"
mq -d "$H" peer add zb-a --key "$(cat "$A.key")" >/dev/null
mq -d "$A" upstream set "http://127.0.0.1:$port" --key "$(cat "$H.key")" >/dev/null 2>&1
mq -d "$A" member add m1 --name 王芳 --group G1 >/dev/null
: >"$H/daemon.log"
NOTIFY_SOCKET=$T/notify.sock JOURNAL_STREAM=$(stat -c '%d:%i' "$H/daemon.log") \
    "$MINQINGD" -d "$H" -v >>"$H/daemon.log" 2>&1 &
echo $! >"$H/daemon.pid"
wait_until 10 ready_after 1 && ok "hub: READY=1" || not_ok "hub: READY=1"
status() { grep '^STATUS=' "$T/notify.log" | tail -1; }
expect_eq "hub STATUS before any push" "STATUS=listening on 127.0.0.1:$port; no push received yet" "$(status)"

mq -d "$A" sync now >/dev/null 2>&1
expect_eq "branch pushed" 0 "$(pending "$A")"
pushed() { status | grep -q 'last push received: zb-a/main at '; }
wait_until 10 pushed && ok "hub STATUS names the last push" || not_ok "hub STATUS names the last push: $(status)"
status | grep -q '; 1 entries taken since start$' && ok "hub STATUS counts the entries taken" || not_ok "hub STATUS counts entries: $(status)"

# A bad configuration on SIGHUP: warned, the old one kept, READY=1.
printf '[sync]\ninterval = 1s\ninterval = 2s\n' >>"$H/minqing.conf"
kill -HUP "$(cat "$H/daemon.pid")"
wait_until 10 ready_after 2 && ok "a bad config on reload: READY=1" || not_ok "a bad config on reload: READY=1"
grep -q '^<4>warning: reload: .*minqing.conf:[0-9]*: \[sync\] interval given again.*keeping the old' "$H/daemon.log" &&
    ok "the bad reload is a warning naming the line" || not_ok "the bad reload is a warning naming the line"
# A key that cannot be read on SIGHUP: the same.
cp "$T/hub.good" "$H/minqing.conf"
mv "$H/node.key" "$H/node.key.away"
kill -HUP "$(cat "$H/daemon.pid")"
wait_until 10 ready_after 3 && ok "a missing key on reload: READY=1" || not_ok "a missing key on reload: READY=1"
mv "$H/node.key.away" "$H/node.key"
expect_eq "every RELOADING=1 is followed by READY=1" "RELOADING=1 READY=1 RELOADING=1 READY=1" \
    "$(grep -E '^(RELOADING|READY)=1$' "$T/notify.log" | tail -4 | tr '\n' ' ' | sed 's/ $//')"
curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && ok "the hub still answers" || not_ok "the hub still answers"
kill -HUP "$(cat "$H/daemon.pid")"
wait_until 10 ready_after 4 && ok "a good reload: READY=1" || not_ok "a good reload: READY=1"
wait_until 10 grep -q "^<6>reloaded " "$H/daemon.log" && ok "a good reload is info" || not_ok "a good reload is info"
# What the listener took at start stays until a restart, and says so.
sed -i 's/^id = zb-hub$/id = zb-hub2/' "$H/minqing.conf"
kill -HUP "$(cat "$H/daemon.pid")"
wait_until 10 ready_after 5 && ok "a reload changing the id: READY=1" || not_ok "a reload changing the id: READY=1"
grep -q '^<4>warning: reload: \[node\] id and \[listen\] (address, tls_cert, tls_key, plain_http) change only on restart' "$H/daemon.log" &&
    ok "a changed id is a warning: only on restart" || not_ok "a changed id is a warning: only on restart"
expect_eq "the listener still answers as zb-hub" zb-hub "$(curl -sf "http://127.0.0.1:$port/v1/health" | jq -r .node)"
cp "$T/hub.good" "$H/minqing.conf"
stop_daemon "$H"
grep -q '^<7>debug: GET /v1/health: 200' "$H/daemon.log" && ok "debug lines are <7>" || not_ok "debug lines are <7>"
expect_eq "every line on the journal has a priority" "" "$(grep -v '^<[3467]>' "$H/daemon.log")"

# Not on the journal: the plain format.  A node without [upstream] or
# [listen] does not claim to listen.
N2=$T/plain
mq -d "$N2" init --node zb-p >/dev/null
: >"$T/notify.log"
NOTIFY_SOCKET=$T/notify.sock JOURNAL_STREAM=1:1 "$MINQINGD" -d "$N2" >>"$N2/daemon.log" 2>&1 &
echo $! >"$N2/daemon.pid"
wait_until 10 ready_after 1 && ok "idle node: READY=1" || not_ok "idle node: READY=1"
expect_eq "idle node STATUS" "STATUS=idle: no [upstream] or [listen] configured" "$(status)"
stop_daemon "$N2"
grep -q '^minqingd .* started: node zb-p$' "$N2/daemon.log" && ok "plain log lines" || not_ok "plain log lines"
expect_eq "no priorities off the journal" "" "$(grep '^<' "$N2/daemon.log")"
stop_daemon "$T/notifier"
finish
