#!/bin/sh
# A process killed while it sets up lock.mdb.  The first process to open a
# store takes lock.mdb alone, zeroes the transaction id kept there and sets
# it from data.mdb's meta page at the end; another process waits for it.
# If the first dies in between and the other goes on, the other's first
# write is based on the wrong meta page, commits, exits 0, and is lost
# (found by T1's kill -9 at random instants).  minqing queues every opener
# on a flock of the store folder, so the next one sets lock.mdb up afresh.
# Then: a lock.mdb left half set up by a program that does not queue (its
# transaction id zeroed while another program holds the store open) is
# refused in one line, without a write, until that program is gone.
. "$(dirname "$0")/lib.sh"
N=zb-bs-0301
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
STALL=$top_builddir/tests/powerloss/stall.so
for tool in od dd cksum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed"; exit 77; }
done

S=$T/s
make_branch "$S" >/dev/null && ok "branch made" || not_ok "branch made"
{ echo "id,address,group"; seq 1 2000 | awk '{ printf "K%d,\"共和新路%d号\",B12\n", $1, $1 }'; } >"$T/k.csv"
check "import 2000 households" mq -d "$S" household import "$T/k.csv"

# 1. The first opener killed while it sets lock.mdb up (stall.so stops it
# there), a second writer waiting behind it.
if [ ! -f "$STALL" ]; then
	echo "# no $STALL (make check builds it): part 1 skipped"
elif ldd "$MINQING" 2>/dev/null | grep -q libasan; then
	echo "# an ASan build refuses a library preloaded before its runtime: part 1 skipped"
else
	MINQING_STALL_READY=$T/ready MINQING_STALL_S=30 LD_PRELOAD=$STALL \
	    "$MINQING" -d "$S" household add VICTIM --address a --group B12 >/dev/null 2>&1 &
	apid=$!
	wait_until 10 test -f "$T/ready" && ok "the first opener stops while it holds lock.mdb alone" ||
	    not_ok "the first opener stops while it holds lock.mdb alone"
	"$MINQING" -d "$S" household add ACKED --address b --group B12 >"$T/b.out" 2>"$T/b.err" &
	bpid=$!
	sleep 1
	kill -9 "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
	wait "$bpid"; rc=$?
	expect_eq "the waiting writer acknowledges its record" "0 $N:ACKED" "$rc $(cat "$T/b.out")"
	mq -d "$S" --json household list >"$T/list.json"
	grep -q "\"id\":\"$N:ACKED\"" "$T/list.json" && ok "the acknowledged record is there" ||
	    not_ok "the acknowledged record is there (lost to a half set-up lock.mdb)"
	mq -d "$S" log | tail -n 1 | grep -q "\"id\":\"$N:ACKED\"" && ok "it is the log's last entry" ||
	    not_ok "it is the log's last entry"
	check "a write after it" mq -d "$S" household add AFTER --address c --group B12
	mq -d "$S" --json household list | grep -o "\"id\":\"$N:\(ACKED\|AFTER\)\"" | wc -l >"$T/n"
	expect_eq "both are there" 2 "$(cat "$T/n")"
	check "the store verifies" mq -d "$S" verify
fi

# 2. lock.mdb half set up while another program holds the store open:
# `minqing log` blocked on a full pipe holds it.  The transaction id sits
# after the magic, the format and the readers' mutex (48 bytes on this
# platform); the test checks that it finds it there before it zeroes it.
"$MINQING" -d "$S" log | sleep 60 &
hold=$!
# A reader with a transaction open, in lock.mdb's table.
held() { mdb_stat -r "$S" | grep -Eq '^ +[0-9]+ +[0-9a-f]+ +[0-9]+$'; }
command -v mdb_stat >/dev/null 2>&1 && { wait_until 10 held || echo "# no reader seen in lock.mdb"; }
at48=$(od -An -tu8 -j 48 -N 8 "$S/lock.mdb" | tr -d ' ')
txn=""
command -v mdb_stat >/dev/null 2>&1 &&
	txn=$(mdb_stat -e "$S" | sed -n 's/^ *Last transaction ID: *//p')
if [ -z "$txn" ] || [ "$at48" != "$txn" ]; then
	echo "# lock.mdb's transaction id is not at byte 48 here ($at48, data.mdb: ${txn:-?}): part 2 skipped"
else
	sum0=$(cksum <"$S/data.mdb")
	printf '\0\0\0\0\0\0\0\0' | dd of="$S/lock.mdb" bs=1 seek=48 conv=notrunc 2>/dev/null
	fails_with "a write, lock.mdb half set up" 1 "lock.mdb was left half set up" \
	    mq -d "$S" household add HALF --address d --group B12
	fails_with "a list, lock.mdb half set up" 1 "lock.mdb was left half set up" \
	    mq -d "$S" household list
	expect_eq "data.mdb untouched" "$sum0" "$(cksum <"$S/data.mdb")"
	kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null
	sleep 0.2
	check "once the other program is gone, a write works" mq -d "$S" household add HALF --address d --group B12
	mq -d "$S" --json household list | grep -q "\"id\":\"$N:HALF\"" && ok "and its record is there" ||
	    not_ok "and its record is there"
	check "the store verifies" mq -d "$S" verify
fi
kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null
finish
