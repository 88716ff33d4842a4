#!/bin/sh
# Two minqing processes appending at the same moment: both succeed, the
# writes are serialised, the chain is intact.
. "$(dirname "$0")/lib.sh"
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
writer() {
	i=0
	while [ $i -lt 60 ]; do
		mq -d "$B" visit add H1 --team m1 --note "$1 $i" >/dev/null 2>>"$T/err.$1" || echo "fail $1 $i" >>"$T/fails"
		i=$((i + 1))
	done
}
writer one & p1=$!
writer two & p2=$!
mq -d "$B" household import /dev/null >/dev/null 2>&1   # a third, failing, contender
wait $p1; wait $p2
expect_eq "no writer failed" "" "$(cat "$T/fails" 2>/dev/null; cat "$T"/err.* 2>/dev/null)"
expect_eq "all 120 visits" 120 "$(mq -d "$B" --json visit list | jq length)"
expect_eq "distinct ids" 120 "$(mq -d "$B" --json visit list | jq '[.[].id] | unique | length')"
check "chain intact" mq -d "$B" verify
expect_eq "verify counts" "ok: 127 entries, 127 checkpoints verified, 0 skipped" "$(cat "$T/out")"
finish
