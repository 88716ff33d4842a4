#!/bin/sh
# Replays every fuzz corpus through its target, without libFuzzer: each
# input must pass without a crash, an abort or a sanitizer report.  And
# every corpus file must be listed in FUZZ_CORPUS (Makefile.inc).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
status=0
for t in entry batch conf csv; do
	prog=$top_builddir/tests/fuzz/replay_$t
	corpus=$top_srcdir/tests/fuzz/corpus/$t
	if [ ! -x "$prog" ]; then
		echo "not ok - $prog is not built"
		status=1
		continue
	fi
	out=$("$prog" "$corpus")
	rc=$?
	echo "$out"
	case $rc:$out in
	0:"replay $t: 0 inputs") echo "not ok - $t: an empty corpus"; status=1 ;;
	0:"replay $t: "*" inputs") echo "ok - $t" ;;
	*) echo "not ok - $t: exit $rc"; status=1 ;;
	esac
done
# A corpus file that Makefile.inc does not list would miss the tarball.
inc=$top_srcdir/tests/fuzz/Makefile.inc
if [ -f "$inc" ]; then
	for f in "$top_srcdir"/tests/fuzz/corpus/*/*; do
		f=tests/fuzz/corpus/${f#"$top_srcdir"/tests/fuzz/corpus/}
		grep -Fq "	$f \\" "$inc" || grep -Fxq "	$f" "$inc" ||
		    { echo "not ok - $f is not in FUZZ_CORPUS"; status=1; }
	done
fi
exit $status
