#!/bin/sh
# Output that fits its users: --csv with the same columns as --json (RFC
# 4180: CRLF, quoting, UTF-8 without BOM), on lists and reports; no
# progress bar when stderr is not a terminal.
. "$(dirname "$0")/lib.sh"
export MINQING_TODAY=2026-11-30
cr=$(printf '\r')
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
mq -d "$B" request open H1 --category other --summary '逗号, "引号"' --date 2026-11-01 >/dev/null
mq -d "$B" visit add H2 --team m1,m2 --date 2026-11-02 >/dev/null

mq -d "$B" eval add --year 2026 --kind resident-team --subject 一队 --score 80 --note 好 >/dev/null
mq -d "$B" eval add --year 2026 --kind branch-member --subject m1 --score 70 >/dev/null
mq -d "$B" student add S1 --name 陈晨 --university 复旦大学 >/dev/null
mq -d "$B" donation add --student S1 --amount 100 --from 支部 >/dev/null
mq -d "$B" peer add zb-bs-0302 --key "$(cat "$B/node.pub")" >/dev/null

for cmd in "request list" "household list" "member list" "visit list" "eval list" "student list" "donation list" "peer list" "report" "report --by group"; do
	# shellcheck disable=SC2086
	mq -d "$B" --json $cmd >"$T/j" && mq -d "$B" --csv $cmd >"$T/c" || { not_ok "$cmd ran"; continue; }
	jkeys=$(jq -r 'def cols(p): to_entries[] | .key as $k | if (.value | type) == "object" then (.value | cols(p + [$k])) else (p + [$k] | join(".")) end;
	    (if type == "array" then .[0] else (.rows[0] // .total) end) | [cols([])] | join(",")' "$T/j")
	ckeys=$(head -1 "$T/c" | tr -d '\r')
	expect_eq "$cmd: CSV columns are the JSON's" "$jkeys" "$ckeys"
	jrows=$(jq 'if type == "array" then length else (.rows | length) + 1 end' "$T/j")
	expect_eq "$cmd: one CSV row per JSON row" "$((jrows + 1))" "$(grep -c "$cr\$" "$T/c")"
done
# Every row has as many fields as the header, though optional fields are
# absent from some records (the second evaluation has no note).
mq -d "$B" --csv eval list >"$T/c"
expect_eq "eval list: every row ends its line" 3 "$(grep -c "$cr\$" "$T/c")"
expect_eq "eval list: an absent note is an empty field" "zb-bs-0301-E2,zb-bs-0301,2026,branch-member,zb-bs-0301:m1,70,$cr" "$(sed -n 3p "$T/c")"
# export: JSON lines with the CSV's columns, in its order.
for w in households members visits requests students donations evaluations peers; do
	mq -d "$B" export --what $w --format csv >"$T/c" && mq -d "$B" export --what $w --format jsonl >"$T/j" || { not_ok "export $w ran"; continue; }
	expect_eq "export $w: JSON keys are the CSV columns" "$(head -1 "$T/c" | tr -d '\r')" "$(head -1 "$T/j" | jq -r 'keys_unsorted | join(",")')"
	expect_eq "export $w: as many rows" "$(($(wc -l <"$T/j") + 1))" "$(grep -c "$cr\$" "$T/c")"
	[ -s "$T/j" ] || not_ok "export $w: no rows to compare"
done
expect_eq "export requests: answered_at as in request list" "answered_at closed_at" \
    "$(mq -d "$B" export --what requests --format jsonl | head -1 | jq -r '[keys_unsorted[] | select(. == "answered_at" or . == "closed_at")] | join(" ")')"
# An empty listing still has its header.
mq -d "$T/e" init --node e >/dev/null
for cmd in "request list" "household list" "member list" "peer list" "donation list"; do
	# shellcheck disable=SC2086
	mq -d "$T/e" --csv $cmd >"$T/c"
	expect_eq "$cmd, empty: the header alone" 1 "$(grep -c "^id,\|^node," "$T/c")"
done
mq -d "$T/e" export --what visits --format csv >"$T/c"
expect_eq "export of nothing: the header alone" "id,node,household,date,team,with,outcome,note$cr" "$(cat "$T/c")"

mq -d "$B" --csv request list >"$T/c"
grep -q '"逗号, ""引号"""' "$T/c" && ok "quoted field with a comma and quotes" || not_ok "quoting: $(sed -n 2p "$T/c")"
expect_eq "no BOM" "69 64" "$(head -c 2 "$T/c" | od -An -tx1 | tr -s ' ' | sed 's/^ //')"
expect_eq "lines end in CRLF" "$(wc -l <"$T/c")" "$(grep -c "$cr\$" "$T/c")"
{ echo "id,address,group"; seq 1 12000 | sed 's/.*/P&,a,G/'; } >"$T/big.csv"
mq -d "$B" household import "$T/big.csv" >"$T/out" 2>"$T/err"
expect_eq "no progress bar off a terminal" "" "$(cat "$T/err")"
finish
