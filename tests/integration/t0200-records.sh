#!/bin/sh
# Every record type through the command line, and what the lists show.
. "$(dirname "$0")/lib.sh"
B=$T/b
make_branch "$B" && ok "branch made" || not_ok "branch made"
export MINQING_TODAY=2026-11-30

check "visit add" mq -d "$B" visit add H1 --team m1,m2 --with 民政,妇联 --date 2026-11-02 --note "老人身体好"
expect_eq "visit id" "zb-bs-0301-V1" "$(cat "$T/out")"
check "visit absent" mq -d "$B" visit add H2 --team m1 --outcome absent --date 2026-11-03
check "visit by global id" mq -d "$B" visit add zb-bs-0301:H3 --team zb-bs-0301:m3 --date 2026-11-04
check "request open" mq -d "$B" request open H1 --category property --summary "楼道灯坏了" --date 2026-11-02 --visit V1
expect_eq "request id" "zb-bs-0301-R1" "$(cat "$T/out")"
check "request open --json" mq -d "$B" --json request open H3 --category livelihood --summary "水压低" --date 2026-10-01
expect_eq "request id json" '{"id":"zb-bs-0301-R2"}' "$(cat "$T/out")"
check "escalate" mq -d "$B" request escalate R1 --to community --note "需物业"
check "escalate further" mq -d "$B" request escalate zb-bs-0301-R1 --to street
check "reply" mq -d "$B" request reply R1 --text "已安排维修" --from street --date 2026-11-10
check "close" mq -d "$B" request close R1 --outcome resolved --satisfaction 5 --date 2026-11-12
check "reopen" mq -d "$B" request reopen R1 --note "又坏了"
check "show --json" mq -d "$B" --json request show R1
s=$(cat "$T/out")
case $s in *'"status":"open"'*'"answered_at":"2026-11-10"'*) ok "reopened keeps first answer";; *) not_ok "reopened keeps first answer: $s";; esac
n=$(printf '%s' "$s" | grep -o '"type":"request\.[a-z]*"' | tr '\n' ' ')
expect_eq "history in order" '"type":"request.open" "type":"request.escalate" "type":"request.escalate" "type":"request.reply" "type":"request.close" "type":"request.reopen" ' "$n"
check "show text" mq -d "$B" request show R1
grep -q "request.reply" "$T/out" && ok "show text has history" || not_ok "show text has history"
expect_eq "history: what each change says, after one column" "$(printf '%s\n' \
    '  2026-11-02  request.open     clerk        楼道灯坏了' \
    '  2026-11-30  request.escalate clerk        to community: 需物业' \
    '  2026-11-30  request.escalate clerk        to street' \
    '  2026-11-10  request.reply    clerk        from street: 已安排维修' \
    '  2026-11-12  request.close    clerk        resolved' \
    '  2026-11-30  request.reopen   clerk        又坏了')" "$(sed -n '/^history:/,$p' "$T/out" | tail -n +2)"

check "request list --json" mq -d "$B" --json request list
expect_eq "R2 overdue (raised 2026-10-01)" 1 "$(grep -o '"id":"zb-bs-0301-R2"[^}]*"overdue":true' "$T/out" | wc -l)"
check "request list --overdue" mq -d "$B" request list --overdue
expect_eq "overdue list" "zb-bs-0301-R2" "$(tail -n +2 "$T/out" | awk '{print $1}')"
check "request list --level street" mq -d "$B" --json request list --level street
expect_eq "level filter" 1 "$(grep -o '"id":' "$T/out" | wc -l)"

check "student add" mq -d "$B" student add S1 --name 陈晨 --university 复旦大学 --since 2026-09-01
check "donation add" mq -d "$B" donation add --student S1 --amount 50000 --from "支部党员" --date 2026-09-10
expect_eq "donation id" "zb-bs-0301-D1" "$(cat "$T/out")"
check "eval add" mq -d "$B" eval add --year 2026 --kind branch-member --subject m1 --score 92.5
check "eval list" mq -d "$B" --json eval list
expect_eq "a member's evaluation names the member by global id" "zb-bs-0301:m1" "$(jq -r '.[0].subject' "$T/out")"
check "peer add" mq -d "$B" peer add zb-bs-0302 --key "$(cat "$B/node.pub")"
check "peer list" mq -d "$B" --json peer list
check "household update" mq -d "$B" household update H4 --people 3
check "household remove" mq -d "$B" household remove H4 --reason "搬走"
check "household list --json" mq -d "$B" --json household list
expect_eq "removed household not listed" 3 "$(grep -o '"id":' "$T/out" | wc -l)"
check "unvisited" mq -d "$B" household list --unvisited
expect_eq "unvisited: H2 (absent)" "zb-bs-0301:H2" "$(tail -n +2 "$T/out" | awk '{print $1}')"
check "member update" mq -d "$B" member update m3 --group B12
check "member list" mq -d "$B" member list
grep -q "张伟  *B12" "$T/out" && ok "member moved" || not_ok "member moved"

check "export csv" mq -d "$B" export --what households --format csv
expect_eq "csv header ends CRLF" "$(printf 'id,node,address,group,people,tags,removed\r')" "$(head -1 "$T/out")"
expect_eq "csv quotes lists" 1 "$(grep -c '"disabled,low-income"' "$T/out")"
check "export jsonl" mq -d "$B" export --what requests --format jsonl
expect_eq "two requests exported" 2 "$(wc -l <"$T/out")"
check "log" mq -d "$B" log
n=$(wc -l <"$T/out")
check "log --after" mq -d "$B" log zb-bs-0301/main --after 10
expect_eq "log --after 10" $((n - 10)) "$(wc -l <"$T/out")"
check "verify" mq -d "$B" verify
expect_eq "verify counts" "ok: $n entries, $n checkpoints verified, 0 skipped" "$(cat "$T/out")"
finish
