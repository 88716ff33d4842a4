#!/bin/sh
# A scripted branch with known answers: coverage, answered in time, overdue
# exactly at the 30-day boundary, escalation counts, students, donations and
# evaluations; by node and by group; text aligned with Chinese.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
export MINQING_TODAY=2026-11-30
run() { mq -d "$B" "$@" >/dev/null || not_ok "setup: $*"; }

run visit add H1 --team m1 --date 2026-03-01
run visit add H2 --team m1 --date 2026-04-01 --outcome absent
run visit add H3 --team m3 --date 2025-12-31
run visit add H3 --team m3 --date 2026-05-05 --outcome declined
run request open H1 --category property --summary "电梯" --date 2026-10-31     # R1: day 30, not overdue
run request open H2 --category livelihood --summary "水压" --date 2026-10-30   # R2: day 31, overdue
run request open H3 --category renovation --summary "旧改" --date 2026-09-01   # R3: answered on day 30
run request open H3 --category special-group --summary "助餐" --date 2026-09-01 # R4: answered on day 31
run request open H4 --category other --summary "停车" --date 2026-08-01        # R5: closed on day 4
run request open H1 --category other --summary "去年" --date 2025-12-20         # R6: last year
run request escalate R3 --to group
run request reply R3 --text "已答复" --date 2026-10-01
run request escalate R4 --to community
run request escalate R4 --to street
run request reply R4 --text "已答复" --from street --date 2026-10-02
run request escalate R5 --to street
run request escalate R5 --to district
run request close R5 --outcome explained --date 2026-08-05
run student add S1 --name 陈晨 --university 复旦大学 --since 2026-09-01
run donation add --student S1 --amount 50000 --from 支部党员 --date 2026-09-10
run donation add --student S1 --amount 30000 --from 支部党员 --date 2025-12-01
run eval add --year 2026 --kind branch-member --subject m1 --score 90
run eval add --year 2026 --kind branch-member --subject m2 --score 80
run eval add --year 2025 --kind resident-team --subject m1 --score 70

check "report --json" mq -d "$B" --json report
R=$T/out
t() { jq -c "$1" "$R"; }
expect_eq "period" '["2026-01-01","2026-11-30"]' "$(t '[.from,.to]')"
expect_eq "one row, the node" '["zb-bs-0301"]' "$(t '[.rows[].unit]')"
expect_eq "households, visited, coverage" '[4,1,0.25]' "$(t '.total|[.households,.visited,.visit_coverage]')"
expect_eq "requests, answered, in time" '[5,3,2]' "$(t '.total|[.requests,.answered,.answered_in_time]')"
expect_eq "open, overdue (30-day boundary)" '[2,1]' "$(t '.total|[.open,.overdue]')"
expect_eq "median days to answer" '30' "$(t '.total.median_days_to_answer')"
expect_eq "escalations by highest level" '{"spot":2,"group":1,"community":0,"street":1,"district":1,"deputy":0}' "$(t '.total.escalations')"
expect_eq "students, donations" '[1,1,50000]' "$(t '.total|[.students,.donations,.donations_fen]')"
expect_eq "evaluations" '{"resident-team":{"count":0,"average":null},"community-branch":{"count":0,"average":null},"branch-member":{"count":2,"average":85}}' "$(t '.total.evaluations')"
expect_eq "row equals total" "$(t '.rows[0]|del(.unit)')" "$(t '.total|del(.unit)')"

check "report by group" mq -d "$B" --json report --by group
expect_eq "group units" '["zb-bs-0301:B12","zb-bs-0301:B14"]' "$(t '[.rows[].unit]')"
expect_eq "B12" '[2,1,2,0,2,1]' "$(t '.rows[0]|[.households,.visited,.requests,.answered,.open,.overdue]')"
expect_eq "B14" '[2,0,3,3,2,0,0,30]' "$(t '.rows[1]|[.households,.visited,.requests,.answered,.answered_in_time,.open,.overdue,.median_days_to_answer]')"

check "report for 2025" mq -d "$B" --json report --from 2025-01-01 --to 2025-12-31
expect_eq "2025: visited, requests, overdue, donations" '[1,1,1,30000]' "$(t '.total|[.visited,.requests,.overdue,.donations_fen]')"

MINQING_TODAY=2026-11-29 mq -d "$B" --json request list --overdue >"$R"
expect_eq "a day earlier: only last year's is overdue" '["zb-bs-0301-R6"]' "$(t '[.[].id]')"
mq -d "$B" --json request list --overdue >"$R"
expect_eq "overdue today" '["zb-bs-0301-R2","zb-bs-0301-R6"]' "$(t '[.[].id]')"
MINQING_TODAY=2026-12-01 mq -d "$B" --json request list --overdue >"$R"
expect_eq "a day later R1 too" '["zb-bs-0301-R1","zb-bs-0301-R2","zb-bs-0301-R6"]' "$(t '[.[].id]')"
mq -d "$B" --json request list --open >"$R"
expect_eq "open (awaiting an answer)" '["zb-bs-0301-R1","zb-bs-0301-R2","zb-bs-0301-R6"]' "$(t '[.[].id]')"
mq -d "$B" --json request list >"$R"
expect_eq "list fields" '{"id":"zb-bs-0301-R4","household":"zb-bs-0301:H3","category":"special-group","level":"street","status":"answered","raised":"2026-09-01","answered_at":"2026-10-02","overdue":false}' \
    "$(t '.[3]|{id,household,category,level,status,raised,answered_at,overdue}')"
sed -i 's/^reply_days = 30/reply_days = 31/' "$B/minqing.conf"
mq -d "$B" --json report >"$R"
expect_eq "reply_days from the config" '[3,0]' "$(t '.total|[.answered_in_time,.overdue]')"
sed -i 's/^reply_days = 31/reply_days = 30/' "$B/minqing.conf"

# Text output, Chinese aligned by display width, byte for byte.
mq -d "$B" household list >"$T/hh.txt"
if cmp -s "$T/hh.txt" "$top_srcdir/tests/golden/household-list.ok"; then ok "household list text"; else
	not_ok "household list text"; diff "$top_srcdir/tests/golden/household-list.ok" "$T/hh.txt" | sed 's/^/# /'; fi
mq -d "$B" report --by group >"$T/rep.txt"
if cmp -s "$T/rep.txt" "$top_srcdir/tests/golden/report-group.ok"; then ok "report text"; else
	not_ok "report text"; diff "$top_srcdir/tests/golden/report-group.ok" "$T/rep.txt" | sed 's/^/# /'; fi
mq -d "$B" member list >"$T/m.txt"
if cmp -s "$T/m.txt" "$top_srcdir/tests/golden/member-list.ok"; then ok "member list text"; else
	not_ok "member list text"; diff "$top_srcdir/tests/golden/member-list.ok" "$T/m.txt" | sed 's/^/# /'; fi
if [ -n "${GOLDEN_UPDATE:-}" ]; then
	cp "$T/hh.txt" "$top_srcdir/tests/golden/household-list.ok"
	cp "$T/rep.txt" "$top_srcdir/tests/golden/report-group.ok"
	cp "$T/m.txt" "$top_srcdir/tests/golden/member-list.ok"
fi
finish
