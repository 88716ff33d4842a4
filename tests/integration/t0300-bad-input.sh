#!/bin/sh
# Bad input: exit 2 (1 for other failures), one line on stderr naming the
# problem, and the store exactly as it was.
. "$(dirname "$0")/lib.sh"
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
export MINQING_TODAY=2026-11-30
mq -d "$B" visit add H1 --team m1 --date 2026-11-02 >/dev/null
mq -d "$B" request open H1 --category property --summary "漏水" --date 2026-11-01 >/dev/null
mq -d "$B" request close R1 --outcome resolved >/dev/null
mq -d "$B" request open H2 --category other --summary "噪音" >/dev/null
mq -d "$B" student add S1 --name 陈晨 --university 复旦大学 >/dev/null

# bad DESCRIPTION CODE PATTERN ARGS...: the failure and the unchanged store.
bad() {
	local what=$1 code=$2 pat=$3 before after; shift 3
	before=$(digest "$B")
	fails_with "$what" "$code" "$pat" mq -d "$B" "$@"
	after=$(digest "$B")
	expect_eq "$what: store unchanged" "$before" "$after"
}

bad "unknown household" 2 "unknown household zb-bs-0301:H99" visit add H99 --team m1
bad "unknown member in team" 2 "unknown member zb-bs-0301:m9" visit add H1 --team m1,m9
bad "unknown request" 2 "unknown request zb-bs-0301-R99" request reply R99 --text hi
bad "unknown household for a request" 2 "unknown household" request open H77 --category other --summary x
bad "unknown visit for a request" 2 "unknown visit" request open H1 --category other --summary x --visit V42
bad "a visit to another household" 2 "zb-bs-0301-V1 was a visit to zb-bs-0301:H1, not to zb-bs-0301:H2" request open H2 --category other --summary x --visit V1
bad "a reply dated before the request was raised" 2 "--date: 2026-11-29 is before request zb-bs-0301-R2 was raised \\(2026-11-30\\)" request reply R2 --text hi --date 2026-11-29
bad "a close dated before the request was raised" 2 "is before request zb-bs-0301-R1 was raised" request close R1 --outcome resolved --date 2026-10-31
bad "invalid category" 2 "category" request open H1 --category weather --summary x
bad "invalid level" 2 "not a level" request escalate R2 --to heaven
bad "escalate downwards" 2 "already at level" request escalate R2 --to spot
bad "invalid visit outcome" 2 "outcome" visit add H1 --team m1 --outcome maybe
bad "invalid close outcome" 2 "outcome" request close R2 --outcome fixed
bad "close a closed request" 2 "already closed" request close R1 --outcome resolved
bad "reply to a closed request" 2 "closed" request reply R1 --text again
bad "reopen an open request" 2 "not closed" request reopen R2
bad "date 2026-02-30" 2 "invalid date" visit add H1 --team m1 --date 2026-02-30
bad "date 2025-02-29" 2 "invalid date" request open H1 --category other --summary x --date 2025-02-29
bad "date in other form" 2 "invalid date" visit add H1 --team m1 --date 30/11/2026
bad "score above 100" 2 "score" eval add --year 2026 --kind branch-member --subject m1 --score 101
bad "score below 0" 2 "score" eval add --year 2026 --kind branch-member --subject m1 --score -1
bad "score not a number" 2 "score" eval add --year 2026 --kind branch-member --subject m1 --score good
bad "eval kind" 2 "kind" eval add --year 2026 --kind friends --subject m1 --score 50
bad "a member's evaluation of no member" 2 "--subject: unknown member zb-bs-0301:nobody" eval add --year 2026 --kind branch-member --subject nobody --score 50
bad "eval year" 2 "year" eval add --year 1999 --kind branch-member --subject m1 --score 50
bad "satisfaction 0" 2 "satisfaction" request close R2 --outcome resolved --satisfaction 0
bad "satisfaction 6" 2 "satisfaction" request close R2 --outcome resolved --satisfaction 6
bad "negative amount" 2 "amount" donation add --student S1 --amount -500 --from x
bad "fractional amount" 2 "amount" donation add --student S1 --amount 12.5 --from x
bad "zero amount" 2 "amount" donation add --student S1 --amount 0 --from x
bad "amount above 2^53" 2 "amount" donation add --student S1 --amount 9007199254740993 --from x
bad "unknown student" 2 "unknown student" donation add --student S9 --amount 100 --from x
bad "duplicate household" 2 "already exists" household add H1 --address x --group B12
bad "duplicate member" 2 "already exists" member add m1 --name x --group B12
bad "people out of range" 2 "people" household add H9 --address x --group B12 --people 5000
bad "update a missing household" 2 "no such record" household update H9 --people 2
bad "invalid UTF-8 summary" 2 "summary: has bytes that are not UTF-8" request open H1 --category other --summary "$(printf 'bad \377 text')"
bad "control bytes in a note" 2 "note: has a control character" visit add H1 --team m1 --note "$(printf 'a\033[2Jb')"
bad "empty summary" 2 "summary" request open H1 --category other --summary ""
bad "line break in a summary" 2 "summary: has a line break" request open H1 --category other --summary "$(printf 'a\nb')"
bad "missing required option" 2 "usage" visit add H1
bad "no command" 2 "usage: minqing .*see minqing --help" 
bad "unknown global option" 2 "unknown option -x" -x report
bad "unknown long option" 2 "unknown option --colour" --colour report
bad "a command's option without its value" 2 "request: --level needs a value" request list --level
bad "a command's unknown option" 2 "request: unknown option --lvl" request list --lvl
bad "empty --by" 2 "--by: empty name" --by= report
mq help >"$T/out" 2>&1 && grep -q "^commands:" "$T/out" && ok "minqing help lists the commands" || not_ok "minqing help"
mq help request >"$T/out" 2>&1 && grep -q "request open" "$T/out" && ok "minqing help request shows its usage" || not_ok "minqing help request"
bad "extra argument" 2 "usage" visit add H1 H2 --team m1
bad "unknown option" 2 "unknown option" household list --everything
bad "bad --by" 2 "node, group or street" report --by building
bad "bad --from" 2 "invalid date" report --from 2026-13-01
bad "--from after --to" 2 "after" report --from 2026-06-01 --to 2026-05-01
bad "bad log name" 2 "log name" log ../etc
bad "bad --after" 2 "seq" log --after -3
bad "export what" 2 "what" export --what secrets
bad "export format" 2 "format" export --what households --format xml
MINQING_TODAY=2026-11-31; export MINQING_TODAY
fails_with "bad MINQING_TODAY names it" 2 "MINQING_TODAY" mq -d "$B" request list
MINQING_TODAY=2026-11-30
finish
