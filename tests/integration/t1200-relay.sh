#!/bin/sh
# Branch -> street relay -> district, over HTTPS on 127.0.0.1: the district
# verifies the branch's log end to end although it came through the relay;
# the district's reply comes down through the relay; a branch rotates its
# key and goes on syncing; a revoked branch is refused after the cut-off.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
export MINQING_TODAY=2026-11-30
mkdir "$T/certs"
make_certs "$T/certs" || { not_ok "certificates"; finish; }
pd=$(free_port); ps=$(free_port)
while [ "$ps" = "$pd" ]; do ps=$(free_port); done
D=$T/district S=$T/street X=$T/x Y=$T/y
make_hub "$D" zb-district "$pd" "$T/certs"
make_hub "$S" zb-street "$ps" "$T/certs"
make_node "$X" zb-x
make_node "$Y" zb-y
mq -d "$D" peer add zb-street --key "$(cat "$S.key")" --role relay >/dev/null
mq -d "$S" peer add zb-x --key "$(cat "$X.key")" >/dev/null
mq -d "$S" peer add zb-y --key "$(cat "$Y.key")" >/dev/null
mq -d "$S" upstream set "https://127.0.0.1:$pd" --key "$(cat "$D.key")" --cacert "$T/certs/ca.crt" >/dev/null
for n in "$X" "$Y"; do
	mq -d "$n" upstream set "https://127.0.0.1:$ps" --key "$(cat "$S.key")" --key "$(cat "$D.key")" --cacert "$T/certs/ca.crt" >/dev/null
	mq -d "$n" member add m1 --name 李强 --group G1 >/dev/null
	mq -d "$n" household add H1 --address "宝山路1号" --group G1 >/dev/null
	mq -d "$n" request open H1 --category renovation --summary "旧改" --date 2026-11-01 >/dev/null
done
for n in "$D" "$S" "$X" "$Y"; do start_daemon "$n"; done
wait_health "$pd" "$T/certs/ca.crt" && wait_health "$ps" "$T/certs/ca.crt" && ok "district and street up" || not_ok "hubs up"
at_district() { mq -d "$D" log "$1/main" >/dev/null 2>&1 && [ "$(mq -d "$D" log "$1/main" | wc -l)" -ge "$2" ]; }
wait_until 30 at_district zb-x 3 && ok "x's log reached the district" || not_ok "x's log reached the district"
wait_until 30 at_district zb-y 3 && ok "y's log reached the district" || not_ok "y's log reached the district"
expect_eq "same bytes at the district" "$(mq -d "$X" log zb-x/main | sha256sum)" "$(mq -d "$D" log zb-x/main | sha256sum)"
check "the district verifies x's log end to end" mq -d "$D" verify
mq -d "$D" --json report >"$T/r.json"
expect_eq "district report by node" '["zb-x","zb-y"]' "$(jq -c '[.rows[].unit]' "$T/r.json")"
expect_eq "district sees both requests" 2 "$(jq .total.requests "$T/r.json")"
# By street: x and y were enrolled by the street office, in its log.
mq -d "$D" household add H2 --address "共和新路2号" --group D1 >/dev/null
mq -d "$D" --json report >"$T/r.json"
mq -d "$D" --json report --by street >"$T/s.json"
expect_eq "by street says so" street "$(jq -r .by "$T/s.json")"
expect_eq "district report by street" '["zb-district","zb-street"]' "$(jq -c '[.rows[].unit]' "$T/s.json")"
expect_eq "the street's households are its branches'" \
    "$(jq '[.rows[] | select(.unit == "zb-x" or .unit == "zb-y") | .households] | add' "$T/r.json")" \
    "$(jq '.rows[] | select(.unit == "zb-street") | .households' "$T/s.json")"
expect_eq "the street's requests are its branches'" 2 "$(jq '.rows[] | select(.unit == "zb-street") | .requests' "$T/s.json")"
expect_eq "the hub's own records under its id" 1 "$(jq '.rows[] | select(.unit == "zb-district") | .households' "$T/s.json")"
expect_eq "same total by street" "$(jq -c .total "$T/r.json")" "$(jq -c .total "$T/s.json")"
expect_eq "the street office: one street, its own" '["zb-street"]' "$(mq -d "$S" --json report --by street | jq -c '[.rows[].unit]')"
check "district report --html" mq -d "$D" --json report --html "$T/d.html"
expect_eq "--json names the file" "{\"file\":\"$T/d.html\"}" "$(cat "$T/out")"
grep -q '<section id="streets">' "$T/d.html" && ok "the page has the streets" || not_ok "the page has the streets"
grep -q '<td>zb-x</td><td>zb-street</td>' "$T/d.html" && ok "x listed under its street" || not_ok "x listed under its street"

# The district answers x; the answer comes down through the street.
check "district escalation decision" mq -d "$D" request escalate zb-x-R1 --to district
check "district reply" mq -d "$D" request reply zb-x-R1 --text "已列入计划" --from district --date 2026-11-28
answered() { [ "$(mq -d "$X" --json request show R1 | jq -r .status)" = answered ]; }
wait_until 30 answered && ok "x sees the district's reply" || not_ok "x sees the district's reply"
expect_eq "level on x" district "$(mq -d "$X" --json request show R1 | jq -r .level)"
check "x verifies the district's stream" mq -d "$X" verify
expect_eq "y got nothing of x's" "" "$(mq -d "$Y" log | grep 'to-zb-x')"

# x rotates its key; entries before and after are accepted and verify.
check "key rotate" mq -d "$X" key rotate
newkey=$(cat "$T/out")
expect_eq "node.pub holds the new key" "$newkey" "$(cat "$X/node.pub")"
# No SIGHUP: the daemon takes up the new node.key by itself.
mq -d "$X" household add H2 --address "宝山路2号" --group G1 >/dev/null
wait_until 30 at_district zb-x 5 && ok "entries after the rotation reached the district" || not_ok "after rotation ($(mq -d "$D" log zb-x/main | wc -l))"
grep -q "node.key changed (key rotate)" "$X/daemon.log" && ok "x's daemon took up the new key" || not_ok "x's daemon took up the new key"
# Pulls are signed with the new key: a district reply still comes down.
mq -d "$X" request open H2 --category other --summary "路灯" >/dev/null
wait_until 30 at_district zb-x 6 || not_ok "the new request reached the district"
check "district reply after x's rotation" mq -d "$D" request reply zb-x-R2 --text "已修" --from district
answered2() { [ "$(mq -d "$X" --json request show R2 | jq -r .status)" = answered ]; }
wait_until 30 answered2 && ok "x pulls the reply with its new key" || not_ok "x pulls the reply with its new key: $(mq -d "$X" --json sync status | jq -r .last_error)"
check "district verifies across the rotation" mq -d "$D" verify
check "street verifies across the rotation" mq -d "$S" verify
check "x verifies its own log across the rotation" mq -d "$X" verify

# The street revokes y: what y signed before stays, what comes after is refused.
before=$(mq -d "$S" log zb-y/main | wc -l)
check "revoke y" mq -d "$S" peer revoke zb-y --reason "branch merged"
mq -d "$Y" household add H9 --address x --group G1 >/dev/null
refused() { mq -d "$Y" --json sync status | jq -r .last_error | grep -q "revoked"; }
wait_until 20 refused && ok "y is told it is revoked" || not_ok "y is told it is revoked: $(mq -d "$Y" --json sync status | jq -r .last_error)"
expect_eq "nothing of y's after the cut-off" "$before" "$(mq -d "$S" log zb-y/main | wc -l)"
check "the street still verifies y's earlier entries" mq -d "$S" verify
for n in "$X" "$Y" "$S" "$D"; do stop_daemon "$n"; done
[ -n "${KEEP:-}" ] && cp -a "$T" "$KEEP"
finish
