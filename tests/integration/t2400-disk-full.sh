#!/bin/sh
# T8, a full disk: on a small tmpfs, writes fail with one clear line, the
# store stays whole (verify passes, nothing half-written), and writing
# resumes once there is space.  Needs root to mount (else skipped).
. "$(dirname "$0")/lib.sh"
S=$T/small
mkdir "$S"
mount -t tmpfs -o size=4m tmpfs "$S" 2>/dev/null || { echo "cannot mount a tmpfs (not root?)"; exit 77; }
trap 'umount -l "$S" 2>/dev/null; cleanup' EXIT
B=$S/b
mq -d "$B" init --node zb-full >/dev/null && ok "a store on a 4 MiB tmpfs" || not_ok "init on tmpfs"
mq -d "$B" member add m1 --name x --group G >/dev/null
# Leave about 1 MiB free.
avail=$(df -k --output=avail "$S" | tail -1)
dd if=/dev/zero of="$S/filler" bs=1k count=$((avail - 1024)) 2>/dev/null

# Imports of 1000 rows, each one transaction, until the disk is full.
i=0 failed=
while [ $i -lt 40 ]; do
	{ echo "id,address,group,people,tags"
	  seq $((i * 1000 + 1)) $((i * 1000 + 1000)) | sed 's/.*/H&,"共和新路&号, 一个很长的地址",G,3,elderly-alone;low-income/'; } >"$T/part.csv"
	before=$(mq -d "$B" log | sha256sum)
	if ! mq -d "$B" household import "$T/part.csv" >/dev/null 2>"$T/err"; then
		failed=$i; break
	fi
	i=$((i + 1))
done
[ -n "$failed" ] && ok "an import failed once the disk was full (after $i)" || not_ok "no import failed"
echo "# imports before the disk filled: $i"
expect_eq "with one line on stderr" 1 "$(grep -c '' "$T/err")"
grep -q "no space left" "$T/err" && ok "naming the problem: $(cat "$T/err")" || not_ok "naming the problem: $(cat "$T/err")"
expect_eq "the failed import left the log as it was" "$before" "$(mq -d "$B" log | sha256sum)"
check "the store verifies on a full disk" mq -d "$B" verify
expect_eq "only whole imports are there" $((i * 1000)) "$(mq -d "$B" --json household list | jq length)"

# Single writes: those that fit in pages LMDB holds succeed, then one fails.
long=$(printf '满%.0s' $(seq 1 1300))
j=0 failed=
while [ $j -lt 400 ]; do
	before=$(mq -d "$B" log | sha256sum)
	if ! mq -d "$B" member add "f$j" --name "$long" --group G >/dev/null 2>"$T/err"; then
		failed=$j; break
	fi
	j=$((j + 1))
done
[ -n "$failed" ] && ok "a single write failed on the full disk (after $j)" || not_ok "no single write failed"
grep -q "no space left" "$T/err" && ok "naming the problem" || not_ok "naming the problem: $(cat "$T/err")"
expect_eq "it left the log as it was" "$before" "$(mq -d "$B" log | sha256sum)"

rm -f "$S/filler"
mount -o remount,size=64m "$S" && ok "the disk grows" || not_ok "remount"
check "a single write works again" mq -d "$B" member add "f$j" --name y --group G
check "an import works again" mq -d "$B" household import "$T/part.csv"
check "verify after recovery" mq -d "$B" verify
expect_eq "every household there" $(((i + 1) * 1000)) "$(mq -d "$B" --json household list | jq length)"
expect_eq "every member there" $((j + 2)) "$(mq -d "$B" --json member list | jq length)"
umount "$S" && ok "unmounted" || not_ok "unmounted"
finish
