#!/bin/sh
# Two branches work offline, then their daemons push to the hub over HTTPS
# on 127.0.0.1: the hub's report equals the branches', field by field; a
# district reply reaches the branch; a re-push changes nothing; a hub killed
# in the middle of a backlog resumes with every entry once; an untrusted
# certificate is refused and named.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
mkdir "$T/certs" "$T/other"
make_certs "$T/certs" && ok "certificates made" || not_ok "certificates made"
make_certs "$T/other"
port=$(free_port)
H=$T/hub A=$T/a B=$T/b
make_hub "$H" zb-hub "$port" "$T/certs"
make_node "$A" zb-a
make_node "$B" zb-b
mq -d "$H" peer add zb-a --key "$(cat "$A.key")" >/dev/null
mq -d "$H" peer add zb-b --key "$(cat "$B.key")" >/dev/null
for n in "$A" "$B"; do
	mq -d "$n" upstream set "https://127.0.0.1:$port" --key "$(cat "$H.key")" --cacert "$T/certs/ca.crt" >/dev/null
done

# Offline: the hub is down.
for n in "$A" "$B"; do
	mq -d "$n" member add m1 --name 王芳 --group G1 >/dev/null
	mq -d "$n" household add H1 --address "共和新路1号" --group G1 >/dev/null
	mq -d "$n" household add H2 --address "共和新路2号" --group G2 >/dev/null
	mq -d "$n" visit add H1 --team m1 --date 2026-10-01 >/dev/null
	mq -d "$n" request open H1 --category property --summary "楼道灯" --date 2026-10-01 >/dev/null
	mq -d "$n" request open H2 --category other --summary "停车" --date 2026-11-20 >/dev/null
done
mq -d "$A" request reply R1 --text "已修" --date 2026-10-05 >/dev/null
fails_with "sync now with the hub down: exit 3" 3 "sync: .*(onnect|refused)" mq -d "$A" sync now
mq -d "$A" --json sync status >"$T/st.json"
expect_eq "status: pending, never synced" '[7,null]' "$(jq -c '[.pending,.last_success]' "$T/st.json")"
case $(jq -r .last_error "$T/st.json") in *onnect*) ok "status names the reason";; *) not_ok "status names the reason: $(jq -r .last_error "$T/st.json")";; esac

start_daemon "$A"; start_daemon "$B"
sleep 1
expect_eq "branch daemons back off while the hub is down" 7 "$(pending "$A")"
start_daemon "$H"
wait_health "$port" "$T/certs/ca.crt" && ok "hub up" || not_ok "hub up"
wait_until 20 synced "$A" && ok "branch a drained" || not_ok "branch a drained ($(pending "$A") pending)"
wait_until 20 synced "$B" && ok "branch b drained" || not_ok "branch b drained ($(pending "$B") pending)"

# The hub's report equals the branches', field by field.
mq -d "$H" --json report >"$T/hub.json"
for n in a b; do
	mq -d "$T/$n" --json report | jq -c '.rows[0]' >"$T/$n.row"
	jq -c ".rows[] | select(.unit == \"zb-$n\")" "$T/hub.json" >"$T/$n.hubrow"
	if cmp -s "$T/$n.row" "$T/$n.hubrow"; then ok "hub row for zb-$n equals the branch's"; else
		not_ok "hub row for zb-$n"; diff "$T/$n.row" "$T/$n.hubrow" | sed 's/^/# /'; fi
done
expect_eq "hub totals" '[4,2,4,1]' "$(jq -c '.total|[.households,.visited,.requests,.answered]' "$T/hub.json")"
mq -d "$H" verify >/dev/null && ok "hub verifies both branches' logs" || not_ok "hub verify"
expect_eq "hub holds a's log, head for head" "$(mq -d "$A" log zb-a/main | sha256sum)" "$(mq -d "$H" log zb-a/main | sha256sum)"

# A district reply flows down to the branch that raised the request.
check "hub replies to zb-a-R2" mq -d "$H" request reply zb-a-R2 --text "已协调停车位" --from district --date 2026-11-25
answered() { [ "$(mq -d "$A" --json request show R2 | jq -r .status)" = answered ]; }
wait_until 20 answered && ok "the reply reached branch a" || not_ok "the reply reached branch a"
expect_eq "answered on the reply's date" 2026-11-25 "$(mq -d "$A" --json request show R2 | jq -r .answered_at)"
mq -d "$A" request show R2 | grep -q "from district" && ok "history shows the district's reply" || not_ok "history shows the reply"
mq -d "$A" verify >/dev/null && ok "branch verifies the hub's stream" || not_ok "branch verify"
expect_eq "b did not get a's reply" "" "$(mq -d "$B" log | grep to-zb-a)"
sleep 1.5
expect_eq "the pulled stream is not pushed back up" 0 "$(pending "$A")"

# Re-pushing what the hub holds changes nothing.
before=$(digest "$H")
check "sync now again" mq -d "$A" sync now
expect_eq "hub unchanged by a re-push" "$before" "$(digest "$H")"

# A backlog, and the hub killed in the middle of it.
{ echo "id,address,group"; seq 1 20000 | sed 's/.*/X&,地址&,G1/'; } >"$T/big.csv"
stop_daemon "$A"
mq -d "$A" household import "$T/big.csv" >/dev/null
sed -i 's/^batch_entries = .*/batch_entries = 500/' "$A/minqing.conf"
start_daemon "$A"
partly() { n=$(pending "$A"); [ "$n" -lt 20000 ] && [ "$n" -gt 0 ]; }
wait_until 20 partly && ok "backlog under way" || not_ok "backlog under way ($(pending "$A"))"
kill9_daemon "$H"
ok "hub killed with $(pending "$A") entries pending"
start_daemon "$H"
wait_health "$port" "$T/certs/ca.crt"
wait_until 60 synced "$A" && ok "backlog finished after the restart" || not_ok "backlog finished ($(pending "$A"))"
expect_eq "every entry once, same head" "$(mq -d "$A" log zb-a/main | sha256sum)" "$(mq -d "$H" log zb-a/main | sha256sum)"
expect_eq "no duplicate seq on the hub" 0 "$(mq -d "$H" log zb-a/main | jq -r .seq | sort -n | uniq -d | wc -l)"
mq -d "$H" verify >/dev/null && ok "hub verifies after the crash" || not_ok "hub verify after the crash"

# A certificate the branch does not trust.
make_node "$T/c" zb-c
mq -d "$H" peer add zb-c --key "$(cat "$T/c.key")" >/dev/null
mq -d "$T/c" upstream set "https://127.0.0.1:$port" --key "$(cat "$H.key")" --cacert "$T/other/ca.crt" >/dev/null
mq -d "$T/c" member add m1 --name x --group g >/dev/null
fails_with "untrusted certificate refused: exit 3" 3 "sync: .*(SSL|certificate|TLS|issuer)" mq -d "$T/c" sync now
expect_eq "nothing marked delivered" 1 "$(pending "$T/c")"
mq -d "$T/c" --json sync status | jq -r .last_error | grep -Eq "SSL|certificate|issuer" && ok "status names the certificate" || not_ok "status names the certificate"

# With a cacert, it is the only trust anchor: the system's CAs are not
# read (with GnuTLS, libcurl would otherwise trust them too).
if command -v strace >/dev/null 2>&1; then
	mq -d "$A" household add CA1 --address x --group g >/dev/null
	strace -f -qq -e trace=open,openat -o "$T/strace.out" "$MINQING" -d "$A" sync now >/dev/null 2>&1
	grep -q "ca.crt" "$T/strace.out" && ok "sync now reads its cacert" || not_ok "sync now reads its cacert"
	grep -q "/etc/ssl/certs" "$T/strace.out" && not_ok "sync now reads /etc/ssl/certs although a cacert is set" ||
		ok "sync now does not read /etc/ssl/certs when a cacert is set"
else
	echo "# strace not installed: the trust-anchor check is skipped"
fi

stop_daemon "$A"; stop_daemon "$B"; stop_daemon "$H"
grep -q "^minqingd .* started" "$H/daemon.log" && ok "hub logged its start" || not_ok "hub logged its start"
grep -q "^stopping" "$H/daemon.log" && ok "hub stopped cleanly on SIGTERM" || not_ok "hub stopped cleanly"
grep -q "warning: sync with" "$A/daemon.log" && ok "branch logged the failed attempts" || not_ok "branch logged the failed attempts"
grep -q "^pushed zb-a/main up to seq [0-9]" "$A/daemon.log" && ok "branch logged its pushes at info level" || not_ok "branch logged its pushes at info level"
if grep -E "共和新路|王芳|楼道灯" "$A/daemon.log" "$H/daemon.log" >/dev/null; then not_ok "daemon logs hold resident data"; else ok "no resident data in the logs"; fi
finish
