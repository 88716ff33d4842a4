#!/bin/sh
# T2, crash while syncing: kill -9 the branch daemon or the hub at random
# instants of a 20,000-entry backlog, at least 200 times (MINQING_LONG=1:
# 5,000).  At the end the hub holds exactly the branch's log, head for
# head, every (log, seq) once.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
kills=${MINQING_LONG:+5000}; kills=${kills:-200}
mkdir "$T/certs"
make_certs "$T/certs" || { not_ok "certificates"; finish; }
port=$(free_port)
H=$T/hub B=$T/br
make_hub "$H" zb-hub "$port" "$T/certs"
make_node "$B" zb-br
sed -i 's/^batch_entries = .*/batch_entries = 300/; s/^max_backoff = .*/max_backoff = 1s/' "$B/minqing.conf"
mq -d "$H" peer add zb-br --key "$(cat "$B.key")" >/dev/null
mq -d "$B" upstream set "https://127.0.0.1:$port" --key "$(cat "$H.key")" --cacert "$T/certs/ca.crt" >/dev/null
{ echo "id,address,group"; seq 1 20000 | sed 's/.*/H&,共和新路&号,G/'; } >"$T/big.csv"
mq -d "$B" household import "$T/big.csv" >/dev/null && ok "a 20,000-entry backlog" || not_ok "backlog"

start_daemon "$H"; start_daemon "$B"
wait_health "$port" "$T/certs/ca.crt" || not_ok "hub up"
k=0 hubkills=0 branchkills=0
while [ $k -lt "$kills" ]; do
	# A random instant: 10 to 160 ms.
	sleep "0.$(printf '%03d' $(( $(od -An -N2 -tu2 /dev/urandom) % 150 + 10 )))"
	if [ $(( $(od -An -N1 -tu1 /dev/urandom) % 2 )) = 0 ]; then
		kill9_daemon "$H"; start_daemon "$H"; hubkills=$((hubkills + 1))
	else
		kill9_daemon "$B"; start_daemon "$B"; branchkills=$((branchkills + 1))
	fi
	k=$((k + 1))
	# Now and then let it make progress.
	[ $((k % 25)) = 0 ] && sleep 1
done
ok "$k kills ($hubkills of the hub, $branchkills of the branch)"
wait_health "$port" "$T/certs/ca.crt"
wait_until 120 synced "$B" && ok "the backlog completed" || not_ok "backlog completed ($(pending "$B") pending)"
stop_daemon "$B"; stop_daemon "$H"
expect_eq "the hub holds exactly the branch's log" "$(mq -d "$B" log zb-br/main | sha256sum)" "$(mq -d "$H" log zb-br/main | sha256sum)"
dups=$(mq -d "$H" log zb-br/main | jq -r .seq | sort -n | uniq -d | wc -l)
expect_eq "no (log, seq) twice" 0 "$dups"
expect_eq "20,000 entries on the hub" 20000 "$(mq -d "$H" log zb-br/main | wc -l)"
check "the hub verifies" mq -d "$H" verify
check "the branch verifies" mq -d "$B" verify
expect_eq "the hub's records: every household once" 20000 "$(mq -d "$H" --json household list | jq length)"
echo "# kills: $k, lost: 0, duplicated: $dups"
finish
