#!/bin/sh
# household import: RFC 4180 CSV with a header; every bad file names its line
# and changes nothing; 100,000 rows go in, in transactions of thousands, with
# the map growing on the way.
. "$(dirname "$0")/lib.sh"
B=$T/b
mq -d "$B" init --node zb-bs-0301 >/dev/null && ok "init" || not_ok "init"

printf '\357\273\277id,address,group,people,tags\r\nH1,"共和新路1号, 101室",B12,3,elderly-alone;low-income\r\nH2,"He said ""hi""",B12,,\r\nzb-bs-0301:H3,宝山路7号,B14,2,\r\n\r\n' >"$T/good.csv"
check "import quoted CRLF CSV with a BOM" mq -d "$B" household import "$T/good.csv"
expect_eq "prints the count" "imported 3 households" "$(cat "$T/out")"
mq -d "$B" --json household list >"$T/l.json"
expect_eq "comma inside quotes" '共和新路1号, 101室' "$(jq -r '.[0].address' "$T/l.json")"
expect_eq "doubled quotes" 'He said "hi"' "$(jq -r '.[1].address' "$T/l.json")"
expect_eq "tags split on ;" '["elderly-alone","low-income"]' "$(jq -c '.[0].tags' "$T/l.json")"
# What export writes, import reads: tags joined with ','.
printf 'id,address,group,people,tags\nH20,x,B12,1,"disabled,low-income"\n' >"$T/comma.csv"
mq -d "$B" household import "$T/comma.csv" >/dev/null && ok "tags joined with ','" || not_ok "tags joined with ','"
expect_eq "tags split on ," '["disabled","low-income"]' "$(mq -d "$B" --json household list | jq -c '.[] | select(.id == "zb-bs-0301:H20") | .tags')"
expect_eq "global id kept" 'zb-bs-0301:H3' "$(jq -r '.[2].id' "$T/l.json")"
mq -d "$B" verify >/dev/null && ok "verify after import" || not_ok "verify after import"

# badcsv DESCRIPTION PATTERN CONTENT: fails naming the line, store unchanged.
badcsv() {
	local before after
	printf "$3" >"$T/bad.csv"
	before=$(digest "$B")
	fails_with "$1" 2 "$2" mq -d "$B" household import "$T/bad.csv"
	after=$(digest "$B")
	expect_eq "$1: store unchanged" "$before" "$after"
}
badcsv "missing column" "line 1: missing column group" 'id,address\nH9,x\n'
badcsv "unknown column" "line 1: unknown column" 'id,address,group,colour\nH9,x,B1,red\n'
badcsv "short row" "line 3: 2 fields, the header has 3" 'id,address,group\nH9,x,B1\nH10,y\n'
badcsv "unterminated quote" "line 3: unterminated" 'id,address,group\nH9,x,B1\nH10,"y,B1\n'
badcsv "quote in unquoted field" "line 2: quote in an unquoted field" 'id,address,group\nH9,x"y,B1\n'
badcsv "text after closing quote" "line 2: text after a closing quote" 'id,address,group\nH9,"x"y,B1\n'
badcsv "invalid UTF-8" "line 3: field 2 has bytes that are not UTF-8" 'id,address,group\nH9,x,B1\nH10,\377\376,B1\n'
badcsv "NUL byte in a field" "line 2: field 2 has a NUL byte" 'id,address,group\nH9,ab\000cd,B1\n'
badcsv "NUL byte in a quoted field" "line 3: field 3 has a NUL byte" 'id,address,group\nH9,x,B1\nH10,y,"B1\000x"\n'
badcsv "line break in a quoted field" "line 2: field 2 has a line break" 'id,address,group\nH9,"12 Road\nFlat 3",B1\n'
badcsv "control character" "line 2: field 2 has a control character" 'id,address,group\nH9,a\033b,B1\n'
badcsv "duplicate id in file" "line 4: duplicate id zb-bs-0301:H9 \\(first on line 2\\)" 'id,address,group\nH9,x,B1\nH10,y,B1\nH9,z,B1\n'
badcsv "id already held" "line 2: household zb-bs-0301:H1 already exists" 'id,address,group\nH1,x,B1\n'
badcsv "people not a number" "line 2: people" 'id,address,group,people\nH9,x,B1,many\n'
badcsv "empty id" "line 2: empty id" 'id,address,group\n,x,B1\n'
badcsv "empty file" "no header" ''
fails_with "missing file" 2 "No such file" mq -d "$B" household import "$T/none.csv"
badcsv "bad row at the very end of a big file" "line 5002: duplicate" "$(printf 'id,address,group\\n'; seq 1 5000 | sed 's/.*/X&,addr,B1\\n/' | tr -d '\n'; printf 'X1,dup,B1\\n')"

# 100,000 rows into a store whose map starts at 1 MiB and must grow.
{
	echo "id,address,group,people,tags"
	seq 1 100000 | awk '{ printf "B%d-%d,\"共和新路%d号%d室\",G%d,%d,elderly-alone\n", $1 % 97, $1, $1 % 500, $1, $1 % 40, $1 % 6 }'
} >"$T/big.csv"
export MINQING_MAPSIZE=1048576
mq -d "$T/big" init --node big >/dev/null
check "import 100,000 rows" mq -d "$T/big" household import "$T/big.csv"
expect_eq "count" "imported 100000 households" "$(cat "$T/out")"
expect_eq "all in the log" 100000 "$(mq -d "$T/big" log | wc -l)"
expect_eq "all listed" 100001 "$(mq -d "$T/big" household list | wc -l)"
check "verify the big store" mq -d "$T/big" verify
expect_eq "one checkpoint per 5000 rows" "ok: 100000 entries, 20 checkpoints verified, 0 skipped" "$(cat "$T/out")"
size=$(stat -c %s "$T/big/data.mdb")
[ "$size" -gt 1048576 ] && ok "map grew past 1 MiB ($size bytes)" || not_ok "map grew ($size)"
check "append after growth, from a fresh process" mq -d "$T/big" household add extra --address x --group G1

# An import cut short (here: its first 7,000 rows went in) is finished by
# running it again: rows already held, the same, are skipped.
head -n 7001 "$T/big.csv" >"$T/part.csv"
mq -d "$T/part" init --node big >/dev/null
check "import the first 7,000 rows" mq -d "$T/part" household import "$T/part.csv"
check "import the whole file again" mq -d "$T/part" household import "$T/big.csv"
expect_eq "the rest imported, the held skipped" \
    "imported 93000 households; 7000 already held, the same, skipped" "$(cat "$T/out")"
expect_eq "no household twice in the log" 100000 "$(mq -d "$T/part" log | wc -l)"
check "import it a third time" mq -d "$T/part" --json household import "$T/big.csv"
expect_eq "nothing new" '{"imported":0,"already_held":100000}' "$(cat "$T/out")"
expect_eq "still no household twice" 100000 "$(mq -d "$T/part" log | wc -l)"
check "verify after the resumed import" mq -d "$T/part" verify
B=$T/part
badcsv "a held household with other fields" \
    "line 3: household big:B2-2 already exists with other fields" \
    'id,address,group,people,tags\nB1-1,"共和新路1号1室",G1,1,elderly-alone\nB2-2,elsewhere,G2,2,\n'
finish
