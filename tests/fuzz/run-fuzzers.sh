#!/bin/sh
# Builds the fuzz targets with clang, libFuzzer, ASan and UBSan in a folder
# of its own, and runs each for SECONDS (default 60) on a copy of its
# corpus:
#   tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
# TARGET is entry, batch, conf or csv (default: all four).  Prints
# "fuzz NAME: N execs, C crashes" for each; exits 1 if a target crashed,
# leaked, hung or ran out of memory (the inputs are kept and named), 2 if
# the build failed.  The source tree is only read: the git-tracked files and
# tests/fuzz are copied.  Environment: CC (default clang), FUZZ_WORK (the
# folder to use, kept; default a new one under $TMPDIR, removed when all
# went well), FUZZ_JOBS (make -j), FUZZ_PAR (targets at a time; default
# FUZZ_JOBS), FUZZ_TMP (where the targets write their
# stores and files; default /dev/shm when there is one, as a disk makes the
# targets ten times slower).
set -u
secs=${1:-60}
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
[ $# -gt 0 ] && shift
targets=${*:-entry batch conf csv}
src=$(cd "$(dirname "$0")/../.." && pwd)
: "${CC:=clang}"
: "${FUZZ_JOBS:=$(nproc 2>/dev/null || echo 2)}"
if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK keep=1
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/minqing-fuzz-run.XXXXXX") keep=0 || exit 2
fi
log=$work/build.log
echo "run-fuzzers: in $work"

# A copy of the tree: tracked files, and tests/fuzz even before a commit.
rm -rf "$work/src" && mkdir -p "$work/src" || exit 2
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	{ git -C "$src" ls-files; git -C "$src" ls-files --others \
	    --exclude-standard tests/fuzz; } | sort -u |
	    (cd "$src" && while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done) |
	    tar -C "$src" -cf - -T - | tar -C "$work/src" -xf - || exit 2
else
	# A release tree: everything but what a build leaves.
	tar -C "$src" --exclude='*.o' --exclude='*.a' --exclude=.deps \
	    --exclude=autom4te.cache --exclude=config.status \
	    --exclude=config.log --exclude=Makefile -cf - . |
	    tar -C "$work/src" -xf - || exit 2
fi
grep -q '^include .*tests/fuzz/Makefile.inc' "$work/src/Makefile.am" ||
	echo 'include tests/fuzz/Makefile.inc' >>"$work/src/Makefile.am"

progs=
for t in $targets; do
	case $t in entry|batch|conf|csv) progs="$progs tests/fuzz/fuzz_$t" ;;
	*) echo "run-fuzzers: no target $t" >&2; exit 2 ;; esac
done
mkdir -p "$work/build"
if ! { (cd "$work/src" && autoreconf -fi) &&
    (cd "$work/build" && "$work/src/configure" CC="$CC" CFLAGS="-O1 -g" \
	--enable-fuzzing --enable-asan) &&
    make -C "$work/build" -j"$FUZZ_JOBS" $progs; } >"$log" 2>&1; then
	tail -n 30 "$log"
	echo "run-fuzzers: the build failed; see $log" >&2
	exit 2
fi

if [ -z "${FUZZ_TMP:-}" ]; then
	FUZZ_TMP=$work/tmp
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		FUZZ_TMP=$(mktemp -d /dev/shm/minqing-fuzz-tmp.XXXXXX) ||
		    FUZZ_TMP=$work/tmp
	fi
fi
# run_one TARGET: one fuzzer for secs; its report in $work/report-TARGET.
run_one() {
	t=$1
	corpus=$work/corpus/$t art=$work/artifacts/$t/ tmp=$FUZZ_TMP/$t
	rm -rf "$corpus" "$art" "$tmp"
	mkdir -p "$corpus" "$art" "$tmp"
	cp "$work/src/tests/fuzz/corpus/$t"/* "$corpus/"
	dict=
	case $t in entry|batch) dict=-dict=$work/src/tests/fuzz/json.dict ;; esac
	TMPDIR=$tmp \
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	    "$work/build/tests/fuzz/fuzz_$t" -max_total_time="$secs" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art" $dict "$corpus" >"$work/fuzz-$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$work/fuzz-$t.log" | tail -n 1)
	crashes=$(ls "$art" | wc -l)
	[ $rc -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
	{
		echo "fuzz $t: ${execs:-0} execs, $crashes crashes"
		if [ "$crashes" -ne 0 ]; then
			for f in "$art"*; do [ -e "$f" ] && echo "  input: $f"; done
			grep -m 1 -E 'ERROR|runtime error|fuzz: |deadly signal' \
			    "$work/fuzz-$t.log" | sed 's/^/  /'
			echo "  log: $work/fuzz-$t.log"
		fi
	} >"$work/report-$t"
}

# FUZZ_PAR targets at a time (default: one per core).
: "${FUZZ_PAR:=$FUZZ_JOBS}"
status=0 running=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$FUZZ_PAR" ]; then
		wait
		running=0
	fi
done
wait
for t in $targets; do
	cat "$work/report-$t"
	grep -q ' 0 crashes$' "$work/report-$t" || status=1
done
case $FUZZ_TMP in /dev/shm/minqing-fuzz-tmp.*) rm -rf "$FUZZ_TMP" ;; esac
if [ $status -eq 0 ] && [ $keep -eq 0 ]; then
	rm -rf "$work"
else
	echo "run-fuzzers: kept $work"
fi
exit $status
