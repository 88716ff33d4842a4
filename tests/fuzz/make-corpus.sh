#!/bin/sh
# Makes the seed corpora of the fuzz targets with the real tool:
#   tests/fuzz/make-corpus.sh [MINQING] [OUTDIR]
# (defaults: tools/minqing and tests/fuzz/corpus.new).  Review, then move the
# files into tests/fuzz/corpus/.  The nodes sign with the fixed test keys
# below, the ones fuzz_batch.c knows; the hub's own log (HUB_ENTRY and
# HUB_CKPT in fuzz_batch.c) is printed at the end, for when it must change.
# These keys are for tests only: they sign nothing real.
set -eu
MQ=${1:-tools/minqing}
OUT=${2:-tests/fuzz/corpus.new}
case $MQ in /*) ;; *) MQ=$(pwd)/$MQ ;; esac
W=$(mktemp -d "${TMPDIR:-/tmp}/minqing-corpus.XXXXXX")
trap 'rm -rf "$W"' EXIT
export LC_ALL=C.UTF-8 MINQING_BY=clerk MINQING_TODAY=2026-11-30
unset MINQING_DIR
mkdir -p "$OUT/entry" "$OUT/batch" "$OUT/conf" "$OUT/csv"

HUB_SK=RXHrgL7gsPn0NvBK+fLzPOwIZQET67EFPIkK1W4iOkkkaUBifdZWIFrsbxRfeU2TqKd1DhvJ16tffh3JMC7xPA==
HUB_PK=JGlAYn3WViBa7G8UX3lNk6indQ4byderX34dyTAu8Tw=
BR1_SK=SKfmYPAca43/hElGGyFsUMNhvN4RCmlFtGOOI111YXOdj+PB5sq3/culPV9sL3dKKPmNlPMispSFd2QvEY2ZZg==
BR1_PK=nY/jwebKt/3LpT1fbC93Sij5jZTzIrKUhXdkLxGNmWY=
BR2_SK=SDFIf1P4RJKvFk9qYiE224ZPRzSCVdVjSvRkF1/53bCpWyFYDVIR/Qrk+3OpVur4NmiWkbduDQaoWR/5ekTrTA==
BR2_PK=qVshWA1SEf0K5PtzqVbq+DZolpG3bg0GqFkf+XpE60w=

mq() { "$MQ" "$@"; }
# node DIR ID SECRET PUBLIC: a store whose node signs with the given key.
node() {
	mq -d "$W/$1" init --node "$2" >/dev/null
	printf '%s\n' "$3" >"$W/$1/node.key"
	printf '%s\n' "$4" >"$W/$1/node.pub"
}
# batch DIR LOG [AFTER]: what a push would send.
batch() { mq -d "$W/$1" log "$2" --batch --after "${3:-0}"; }

# The hub, with br1 enrolled as a relay.
node hub hub "$HUB_SK" "$HUB_PK"
mq -d "$W/hub" peer add br1 --key "$BR1_PK" --role relay >/dev/null

# br1: every record type, with batches cut along the way.
B=br1
node $B br1 "$BR1_SK" "$BR1_PK"
mq -d "$W/$B" member add m1 --name 王芳 --group B12 >/dev/null
mq -d "$W/$B" member add m2 --name 李强 --group B12 >/dev/null
mq -d "$W/$B" household add H1 --address "共和新路1号101室" --group B12 --people 3 >/dev/null
batch $B br1/main >"$W/b3"
mq -d "$W/$B" household add H2 --address "共和新路1号102室" --group B12 --people 1 --tags elderly-alone,low-income >/dev/null
mq -d "$W/$B" visit add H1 --team m1,m2 --with 民政,妇联 --date 2026-11-02 --note "老人身体好" >/dev/null
mq -d "$W/$B" visit add H2 --team m1 --outcome absent --date 2026-11-03 >/dev/null
mq -d "$W/$B" request open H1 --category property --summary "楼道灯坏了" --date 2026-11-02 --visit V1 >/dev/null
batch $B br1/main >"$W/b7"
mq -d "$W/$B" request escalate R1 --to community --note "需物业" >/dev/null
mq -d "$W/$B" request reply R1 --text "已安排维修" --from street --date 2026-11-10 >/dev/null
mq -d "$W/$B" request close R1 --outcome resolved --satisfaction 5 --date 2026-11-12 >/dev/null
mq -d "$W/$B" request reopen R1 --note "又坏了" >/dev/null
mq -d "$W/$B" student add S1 --name 陈晨 --university 复旦大学 --since 2026-09-01 >/dev/null
mq -d "$W/$B" donation add --student S1 --amount 50000 --from "支部党员" --date 2026-09-10 >/dev/null
mq -d "$W/$B" eval add --year 2026 --kind branch-member --subject m1 --score 92.5 >/dev/null
mq -d "$W/$B" member update m2 --group B14 >/dev/null
mq -d "$W/$B" household update H2 --people 2 >/dev/null
mq -d "$W/$B" household remove H2 --reason "搬走" >/dev/null
mq -d "$W/$B" peer add br2 --key "$BR2_PK" >/dev/null
batch $B br1/main >"$W/b18"
mq -d "$W/$B" peer revoke br2 --reason "关闭" >/dev/null
batch $B br1/main >"$W/b19"

# br2, enrolled by br1; and a node that holds another history of br1/main.
node br2 br2 "$BR2_SK" "$BR2_PK"
mq -d "$W/br2" household add H1 --address "宝山路7号" --group G1 >/dev/null
mq -d "$W/br2" member add m1 --name 刘洋 --group G1 >/dev/null
mq -d "$W/br2" visit add H1 --team m1 --date 2026-11-20 >/dev/null
node fork br1 "$BR1_SK" "$BR1_PK"
mq -d "$W/fork" member add m1 --name 另一个 --group B99 >/dev/null

# Entries: whole logs, short prefixes, and each line alone.
mq -d "$W/$B" log br1/main >"$OUT/entry/br1-log"
head -n 3 "$OUT/entry/br1-log" >"$OUT/entry/br1-first3"
head -n 7 "$OUT/entry/br1-log" >"$OUT/entry/br1-first7"
mq -d "$W/br2" log br2/main >"$OUT/entry/br2-log"
mq -d "$W/hub" log hub/main >"$OUT/entry/hub-log"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" >"$OUT/entry/br1-line$n"
done <"$OUT/entry/br1-log"
cat "$OUT/entry/br1-log" "$OUT/entry/br2-log" >"$OUT/entry/two-logs"

# chain LOG TYPE BODY [TYPE BODY...]: entry lines from seq 1, each with the
# hash of the one before (BLAKE2b-256, as store_hash()).
chain() {
	local log=$1 prev=0000000000000000000000000000000000000000000000000000000000000000 seq=0 line
	shift
	while [ $# -ge 2 ]; do
		seq=$((seq + 1))
		line=$(printf '{"v":1,"log":"%s","seq":%d,"prev":"%s","hlc":%d,"at":"2026-11-30T00:00:00.000Z","type":"%s","by":"fuzz","body":%s}' \
		    "$log" $seq $prev $((1796000000000000 + seq)) "$1" "$2")
		printf '%s\n' "$line"
		prev=$(printf '%s' "$line" | b2sum -l 256 | cut -d' ' -f1)
		shift 2
	done
}
# Bugs.  A clock at 2^53 - 1: the node's own next entry gets 2^53, which no
# parser takes.
sed 's/"hlc":[0-9]*/"hlc":9007199254740991/' "$OUT/entry/br1-line1" >"$OUT/entry/crash-hlc-max"
# A key that differs from a state's field in case only ("Status"): the
# field is never set (a NULL strcmp on the next request entry), or the
# duplicate made for it leaks.
chain br1/main request.open '{"id":"br1-R1","household":"br1:H1","category":"other","summary":"s","raised":"2026-11-01","Status":"x"}' \
    request.escalate '{"id":"br1-R1","to":"street"}' >"$OUT/entry/crash-request-status"
chain br1/main member.add '{"id":"br1:m","name":"n","group":"g"}' \
    member.update '{"id":"br1:m","Group":"h"}' >"$OUT/entry/crash-update-case-leak"

# Batches: one body each, or several separated by a blank line, applied in
# turn to the same hub; a first line "sign" has the target sign the rest.
batch hub hub/main >"$OUT/batch/hub-own"
cp "$W/b3" "$OUT/batch/br1-3"
cp "$W/b18" "$OUT/batch/br1-18"
batch $B br1/main 3 >"$OUT/batch/br1-gap"
{ cat "$W/b3"; echo; sed -n '1p; 5,$p' "$W/b7"; } >"$OUT/batch/br1-3-then-7"
{ cat "$W/b7"; echo; cat "$W/b3"; } >"$OUT/batch/br1-7-then-old-3"
{ cat "$W/b18"; echo; batch br2 br2/main; } >"$OUT/batch/br1-enrols-br2"
{ cat "$W/b19"; echo; batch br2 br2/main; } >"$OUT/batch/br1-revokes-br2"
batch br2 br2/main >"$OUT/batch/br2-unknown"
{ cat "$W/b3"; echo; batch fork br1/main; } >"$OUT/batch/br1-fork"
{ batch fork br1/main; echo; cat "$W/b3"; } >"$OUT/batch/br1-fork-frozen"
head -n 1 "$W/b7" >"$OUT/batch/checkpoint-only"
{ echo sign; sed -n '2,4p' "$W/b3"; } >"$OUT/batch/sign-br1-3"
{ echo sign; sed -n '2p' "$W/b3"; } >"$OUT/batch/sign-br1-1"
{ cat "$W/b18"; echo; echo sign; mq -d "$W/br2" log br2/main; } >"$OUT/batch/sign-br2"
{ echo sign; mq -d "$W/hub" log hub/main; } >"$OUT/batch/sign-hub"
# Bug: the NULL strcmp above, from a batch br1 signed.
{ echo sign; cat "$OUT/entry/crash-request-status"; } >"$OUT/batch/crash-request-status"

# Configurations.
cp "$W/br1/minqing.conf" "$OUT/conf/init-branch"
mq -d "$W/h2" init --node hub2 --hub >/dev/null
cp "$W/h2/minqing.conf" "$OUT/conf/init-hub"

c() { f=$1; shift; printf "$@" >"$OUT/conf/$f"; }
c minimal '[node]\nid = a\n'
c every-setting '[node]\nid = zb-bs-0301\n[upstream]\nurl = https://hub.example:8443\nhub_key = %s\ncacert = /etc/minqing/ca.crt\npin = sha256//AAAA\n[listen]\naddress = 0.0.0.0:8443\ntls_cert = /etc/minqing/tls.crt\ntls_key = /etc/minqing/tls.key\nplain_http = yes\n[sync]\ninterval = 2h\nmax_backoff = 86400\nbatch_entries = 1000000\nbatch_bytes = 1G\n[report]\nreply_days = 3650\n' "$HUB_PK"
c units '[node]\nid = a\n[sync]\ninterval = 30m\nmax_backoff = 1s\nbatch_bytes = 4096\nbatch_entries = 1\n[listen]\nplain_http = false\n'
c crlf-bom '\357\273\277; comment\r\n[node]\r\nid = a\r\n# another\r\n'
c continuation '[node]\nid = a\n[upstream]\nurl = https://x\n  https://y\n'
c unknown-section '[node]\nid = a\n[colour]\nred = 1\n'
c unknown-key '[node]\nid = a\nname = b\n'
c bad-bool '[node]\nid = a\n[listen]\nplain_http = maybe\n'
c bad-node '[node]\nid = A_B\n'
c no-node '[sync]\ninterval = 30s\n'
c no-section 'id = a\n'
c out-of-range '[node]\nid = a\n[sync]\ninterval = 86401\n'
c negative '[node]\nid = a\n[sync]\nbatch_entries = -1\n'
c empty ''
c nul-byte '[node]\nid = a\000b\n'
c long-line "[node]\nid = a\n[upstream]\nurl = $(printf '%0250d' 0)\n"
c long-value "[node]\nid = a\n[upstream]\nurl = $(printf '%0190d' 0)\n"
# Bugs: units that wrap past 2^64 and land within the bounds.
c crash-wrap-hours '[node]\nid = a\n[sync]\ninterval = 5124095576030432h\n'
c crash-wrap-giga '[node]\nid = a\n[sync]\nbatch_bytes = 17179869185G\n'
c crash-wrap-kilo '[node]\nid = a\n[sync]\nbatch_bytes = 18014398509481988K\n'

# CSV: what export writes, what import reads, and what it refuses.
for w in households members visits requests students donations evaluations; do
	mq -d "$W/$B" export --what $w --format csv >"$OUT/csv/export-$w"
done
v() { f=$1; shift; printf "$@" >"$OUT/csv/$f"; }
v import-bom-crlf '\357\273\277id,address,group,people,tags\r\nH1,"共和新路1号, 101室",B12,3,elderly-alone;low-income\r\nH2,"He said ""hi""",B12,,\r\nzb-bs-0301:H3,宝山路7号,B14,2,\r\n\r\n'
v quoted-newline 'id,address\nH1,"line one\nline two"\n'
v trailing-comma 'a,b,\n,,\n'
v no-final-newline 'a,b\nc,d'
v blank-lines '\n\r\n\na\n\n\n'
v unterminated 'id,address,group\nH9,x,B1\nH10,"y,B1\n'
v quote-in-field 'id,address,group\nH9,x"y,B1\n'
v text-after-quote 'id,address,group\nH9,"x"y,B1\n'
v bad-utf8 'id,address,group\nH9,x,B1\nH10,\377\376,B1\n'
v lone-cr 'a\rb,c\n'
v cr-at-end 'a,b\r'
v tab-and-nul 'a\tb,c\000d\n'
v empty ''
v bom-only '\357\273\277'
v many-fields "$(seq 1 257 | tr '\n' ',' | sed 's/,$//')\n"
v quoted-empty '"",""\n""\n'

echo "HUB_ENTRY: $(mq -d "$W/hub" log hub/main)"
echo "HUB_CKPT: $(batch hub hub/main | head -n 1)"
