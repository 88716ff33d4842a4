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

for cmd in "request list" "household list" "member list" "visit list" "report" "report --by group"; do
	# shellcheck disable=SC2086
	mq -d "$B" --json $cmd >"$T/j" && mq -d "$B" --csv $cmd >"$T/c" || { not_ok "$cmd ran"; continue; }
	jkeys=$(jq -r 'def cols(p): to_entries[] | .key as $k | if (.value | type) == "object" then (.value | cols(p + [$k])) else (p + [$k] | join(".")) end;
	    (if type == "array" then .[0] else (.rows[0] // .total) end) | [cols([])] | join(",")' "$T/j")
	ckeys=$(head -1 "$T/c" | tr -d '\r')
	expect_eq "$cmd: CSV columns are the JSON's" "$jkeys" "$ckeys"
	jrows=$(jq 'if type == "array" then length else (.rows | length) + 1 end' "$T/j")
	expect_eq "$cmd: one CSV row per JSON row" "$((jrows + 1))" "$(grep -c "$cr\$" "$T/c")"
done
mq -d "$B" --csv request list >"$T/c"
grep -q '"逗号, ""引号"""' "$T/c" && ok "quoted field with a comma and quotes" || not_ok "quoting: $(sed -n 2p "$T/c")"
expect_eq "no BOM" "69 64" "$(head -c 2 "$T/c" | od -An -tx1 | tr -s ' ' | sed 's/^ //')"
expect_eq "lines end in CRLF" "$(wc -l <"$T/c")" "$(grep -c "$cr\$" "$T/c")"
{ echo "id,address,group"; seq 1 12000 | sed 's/.*/P&,a,G/'; } >"$T/big.csv"
mq -d "$B" household import "$T/big.csv" >"$T/out" 2>"$T/err"
expect_eq "no progress bar off a terminal" "" "$(cat "$T/err")"
finish
