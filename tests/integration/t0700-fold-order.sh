#!/bin/sh
# The fold does not depend on the order entries arrive in: the same entries
# from three logs, received in four orders, give byte-identical
# `report --json` and `request list --json`.
. "$(dirname "$0")/lib.sh"
: "${top_builddir:=$top_srcdir}"
unit=$top_builddir/tests/unit/store_test
[ -x "$unit" ] || { echo "store_test not built"; exit 77; }
check "stores filled in four orders" "$unit" fold-order "$T"
export MINQING_TODAY=2026-11-30
for d in a b c d e; do
	mq -d "$T/$d" --json report --from 2026-01-01 >"$T/$d.report" 2>&1
	mq -d "$T/$d" --json request list >"$T/$d.requests" 2>&1
	mq -d "$T/$d" --json report --by group --from 2026-01-01 >"$T/$d.group" 2>&1
done
grep -q '"unit":"br-a"' "$T/a.report" && ok "the report has the branches" || not_ok "the report has the branches: $(cat "$T/a.report")"
expect_eq "three requests listed" 3 "$(jq length "$T/a.requests")"
for d in b c d e; do
	cmp -s "$T/a.report" "$T/$d.report" && ok "report in order $d" || not_ok "report in order $d"
	cmp -s "$T/a.requests" "$T/$d.requests" && ok "requests in order $d" || not_ok "requests in order $d"
	cmp -s "$T/a.group" "$T/$d.group" && ok "report by group in order $d" || not_ok "report by group in order $d"
done
expect_eq "the hub's escalation shows" '"district"' "$(jq '.[] | select(.id == "br-a-R2") | .level' "$T/a.requests")"
finish
