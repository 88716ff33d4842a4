#!/usr/bin/env bash
# bench/report.sh: issue 5, rows 7 and 8.  A hub store holding B branches'
# logs (signed, hash-chained), H households and E entries is built once;
# then "minqing report --json --by node" (store_report() by node, default
# period) is timed beside one cursor scan over all the hub's log entries,
# alternately, in one program, and the medians and their ratio are printed
# with the report's peak RSS.  Offline; a few minutes on two cores.
#
#   BENCH_REPORT_B       branches (2000)
#   BENCH_REPORT_H       households (300000)
#   BENCH_REPORT_E       entries (1000000)
#   BENCH_ROUNDS         rounds of each side, the median is shown (5)
#   BENCH_REPORT_STORE   keep the hub store in this folder and reuse it
#                        when it is there (default: a temporary folder)
#   BUILDDIR             where the project was built (the repository root,
#                        else build/main, else build)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
builddir=${BUILDDIR:-$root}
if [ -z "${BUILDDIR:-}" ] && [ ! -x "$root/tools/minqing" ]; then
	for d in "$root/build/main" "$root/build"; do
		if [ -x "$d/tools/minqing" ]; then
			builddir=$d
			break
		fi
	done
fi
for f in tools/minqing store/libminqing-store.a config.h; do
	if [ ! -e "$builddir/$f" ]; then
		echo "bench/report.sh: $builddir/$f missing; build the project" >&2
		exit 1
	fi
done
b=${BENCH_REPORT_B:-2000}
h=${BENCH_REPORT_H:-300000}
e=${BENCH_REPORT_E:-1000000}
rounds=${BENCH_ROUNDS:-5}
goal_ratio=0.05
goal_rss_mib=32

work=$(mktemp -d "${TMPDIR:-/tmp}/minqing-bench-report.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

cc -O2 -std=c11 -I"$builddir" -I"$root" -o "$work/bench_report" \
    "$here/bench_report.c" "$builddir/store/libminqing-store.a" \
    -llmdb -lcjson -lsodium -lm

store=${BENCH_REPORT_STORE:-$work/hub}
if [ ! -e "$store/data.mdb" ]; then
	echo "== building a hub store: $b branches, $h households," \
	    "$e entries" >&2
	"$builddir/tools/minqing" -d "$store" init --node hub --hub >/dev/null
	"$work/bench_report" build "$store" "$b" "$h" "$e" >&2
fi

echo "== scan and report, $rounds rounds" >&2
out=$("$work/bench_report" measure "$store" "$rounds")
echo "$out" >&2

# The command itself: its wall time and peak RSS, beside the in-process
# figures above.
cli_rss=
t0=$(date +%s%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$work/cli.rss" "$builddir/tools/minqing" \
	    -d "$store" --json report --by node >"$work/report.json"
	cli_rss=$(tail -n 1 "$work/cli.rss")
else
	"$builddir/tools/minqing" -d "$store" --json report --by node \
	    >"$work/report.json"
fi
t1=$(date +%s%N)

scan=$(echo "$out" | sed -n 's/^scan of all log entries: \([0-9.]*\) s$/\1/p')
rep=$(echo "$out" | sed -n 's/^report by node: \([0-9.]*\) s$/\1/p')
ratio=$(echo "$out" | sed -n 's/^ratio report\/scan: \([0-9.]*\)$/\1/p')
kib=$(echo "$out" | sed -n 's/^report peak RSS: \([0-9]*\) KiB.*/\1/p')
if [ -z "$scan" ] || [ -z "$rep" ] || [ -z "$ratio" ] || [ -z "$kib" ]; then
	echo "bench/report.sh: bench_report printed no figures" >&2
	exit 1
fi
echo
echo "report|$rep s|scan $scan s|$ratio|<= $goal_ratio" |
    awk -F'|' '{ printf "%-6s | %9s | %14s | %6s | %s\n", $1, $2, $3, $4, $5 }'
awk -v k="$kib" -v g="$goal_rss_mib" 'BEGIN {
	printf "report peak RSS %.1f MiB (store_report() in a child, " \
	    "getrusage); goal <= %d MiB\n", k / 1024, g }'
awk -v a="$t0" -v z="$t1" -v k="${cli_rss:-}" 'BEGIN {
	printf "minqing --json report --by node: %.3f s wall", (z - a) / 1e9
	if (k != "")
		printf ", peak RSS %.1f MiB (/usr/bin/time %%M)", k / 1024
	printf "\n" }'
