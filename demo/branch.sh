#!/bin/sh
# A branch's year: members, households (imported from CSV), visits, requests
# up the ladder, a sponsored student, evaluations; then the reports.
set -eu
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/minqing-demo.XXXXXX")}
mkdir -p "$dir"
export MINQING_DIR="$dir/zb-bs-0301" MINQING_BY=clerk
day() { date -d "$1 days ago" +%Y-%m-%d; }
say() { printf '\n== %s\n' "$*"; }

say "minqing init: a store for branch zb-bs-0301"
minqing init --node zb-bs-0301
for m in "m01 王芳 B12" "m02 李强 B12" "m03 张伟 B12" "m04 刘洋 B14" "m05 陈静 B14" "m06 杨帆 B14"; do
	set -- $m; minqing member add "$1" --name "$2" --group "$3" >/dev/null
done
{
	echo "id,address,group,people,tags"
	for b in 12 14; do for f in 1 2 3; do for r in 01 02 03 04; do
		tags=; [ "$r" = 02 ] && tags=elderly-alone; [ "$f$r" = 304 ] && tags="disabled;low-income"
		echo "B$b-$f$r,\"共和新路${b}弄${f}号${r}室\",B$b,$(( (f + ${r#0}) % 4 + 1 )),$tags"
	done; done; done
} >"$dir/households.csv"
say "household import (24 households)"
minqing household import "$dir/households.csv"

n=0
for h in B12-101 B12-102 B12-103 B12-201 B12-202 B12-203 B12-301 B14-101 B14-102 B14-103 B14-201 B14-202 B14-301 B14-302; do
	n=$((n + 1))
	minqing visit add "$h" --team m01,m04 --with 民政,物业 --date "$(day $((n * 9)))" >/dev/null
done
minqing visit add B12-302 --team m02 --outcome absent --date "$(day 20)" >/dev/null
minqing visit add B14-303 --team m05 --outcome declined --date "$(day 15)" >/dev/null

r1=$(minqing request open B12-102 --category special-group --summary "独居老人需要助餐服务" --date "$(day 60)")
r2=$(minqing request open B12-201 --category property --summary "楼道灯不亮" --date "$(day 50)")
r3=$(minqing request open B14-101 --category renovation --summary "旧区改造进度" --date "$(day 45)")
r4=$(minqing request open B14-202 --category livelihood --summary "自来水压力低" --date "$(day 40)")
r5=$(minqing request open B12-301 --category other --summary "小区停车难" --date "$(day 10)")
minqing request reply "$r1" --text "已联系街道助老服务社，每日送餐" --from community --date "$(day 55)" >/dev/null
minqing request close "$r1" --outcome resolved --satisfaction 5 --date "$(day 50)" >/dev/null
minqing request escalate "$r2" --to community --note "需要物业公司处理" >/dev/null
minqing request reply "$r2" --text "物业已更换灯具" --from community --date "$(day 35)" >/dev/null
minqing request escalate "$r3" --to street >/dev/null
minqing request escalate "$r3" --to district --note "属区旧改计划" >/dev/null
minqing request reply "$r3" --text "已列入明年旧改计划，书面答复" --from district --date "$(day 20)" >/dev/null
minqing request escalate "$r4" --to street >/dev/null

minqing student add S1 --name 周晓梅 --university 同济大学 --since "$(day 80)" >/dev/null
minqing donation add --student S1 --amount 120000 --from 支部党员 --date "$(day 70)" >/dev/null
minqing donation add --student S1 --amount 80000 --from 支部党员 --date "$(day 5)" >/dev/null
minqing eval add --year "$(date +%Y)" --kind resident-team --subject m01 --score 94 >/dev/null
minqing eval add --year "$(date +%Y)" --kind branch-member --subject m02 --score 88 >/dev/null

say "households not yet visited this year"
minqing household list --unvisited
say "requests still open, and overdue"
minqing request list --open
say "request $r3, with its whole history"
minqing request show "$r3"
say "report: the four goals"
minqing report
say "report by group, as JSON"
minqing --json report --by group
say "verify: every entry re-hashed, every checkpoint signature checked"
minqing verify
printf '\nthe store is in %s\n' "$MINQING_DIR"
