#!/bin/sh
# make install into a DESTDIR puts every file in its place, the tmpfiles.d
# line of the shared state folder too; the unit's exposure is at most 3.0;
# the manual pages have EXIT STATUS and EXAMPLES and name every command and
# daemon option that --help names; --check-config exits 78.
. "$(dirname "$0")/lib.sh"
: "${top_builddir:=$top_srcdir}"
[ -f "$top_builddir/Makefile" ] || { echo "no Makefile in $top_builddir"; exit 77; }
R=$T/root
${MAKE:-make} -s -C "$top_builddir" install DESTDIR="$R" >"$T/install.log" 2>&1 &&
    ok "make install DESTDIR" || { not_ok "make install"; sed 's/^/# /' "$T/install.log" | tail -20; finish; }
f() { find "$R" -path "*$1" -type f | head -1; }
for p in /bin/minqing /libexec/minqing/minqing-sync /sbin/minqingd /man1/minqing.1 /man8/minqingd.8 /man5/minqing.conf.5 \
    /system/minqingd.service /sysusers.d/minqing.conf /tmpfiles.d/minqing.conf \
    /completions/minqing /completions/minqingd \
    /minqing/minqing.conf.example; do
	[ -n "$(f "$p")" ] && ok "installed *$p" || not_ok "installed *$p"
done
[ -x "$(f /bin/minqing)" ] && [ -x "$(f /sbin/minqingd)" ] && ok "programs are executable" || not_ok "programs are executable"
"$(f /bin/minqing)" --version | grep -q '^minqing ' && ok "installed minqing runs" || not_ok "installed minqing runs"
# Only minqing-sync (sync now) loads libcurl: the other commands start
# without it.
if command -v ldd >/dev/null; then
	ldd "$(f /bin/minqing)" | grep -q curl && not_ok "minqing links libcurl" || ok "minqing does not link libcurl"
	ldd "$(f /libexec/minqing/minqing-sync)" | grep -q curl && ok "minqing-sync links libcurl" || not_ok "minqing-sync links libcurl"
fi
mq -d "$T/s" init --node zb-i >/dev/null
fails_with "installed sync now runs minqing-sync (no upstream yet)" 2 "no upstream" \
    env MINQING_EXEC_PATH="$(dirname "$(f /libexec/minqing/minqing-sync)")" "$(f /bin/minqing)" -d "$T/s" sync now
fails_with "sync now names a missing minqing-sync" 1 "cannot run .*minqing-sync" \
    env MINQING_EXEC_PATH="$T/nowhere" "$(f /bin/minqing)" -d "$T/s" sync now
unit=$(f /system/minqingd.service)
grep -q "^ExecStart=.*/sbin/minqingd -d /var/lib/minqing$" "$unit" && ok "unit runs the installed daemon" || not_ok "unit ExecStart: $(grep ExecStart= "$unit")"
grep -q '^Type=notify$' "$unit" && ok "unit is Type=notify" || not_ok "unit is Type=notify"
grep -q '^u minqing ' "$(f /sysusers.d/minqing.conf)" && ok "a static minqing user" || not_ok "a static minqing user"
# The state folder is there before the first init, shared with the group.
grep -q '^d /var/lib/minqing 2770 minqing minqing ' "$(f /tmpfiles.d/minqing.conf)" &&
    ok "tmpfiles.d makes /var/lib/minqing 2770" || not_ok "tmpfiles.d makes /var/lib/minqing 2770"
grep -q '^StateDirectoryMode=2770$' "$unit" && ok "unit keeps the state folder shared" || not_ok "unit StateDirectoryMode: $(grep StateDirectoryMode= "$unit")"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze security --offline=true "$unit" >"$T/sec.out" 2>&1
	score=$(sed -n 's/.*Overall exposure level for minqingd.service: \([0-9.]*\).*/\1/p' "$T/sec.out")
	echo "# exposure: $score"
	[ -n "$score" ] && awk "BEGIN { exit !($score <= 3.0) }" && ok "exposure $score <= 3.0" || not_ok "exposure '$score' <= 3.0"
else
	echo "# systemd-analyze not installed: exposure not scored"
fi
for m in /man1/minqing.1 /man8/minqingd.8 /man5/minqing.conf.5; do
	grep -q '^\.SH "\?EXAMPLES' "$(f $m)" && ok "$m has EXAMPLES" || not_ok "$m has EXAMPLES"
done
for m in /man1/minqing.1 /man8/minqingd.8 /man5/minqing.conf.5; do
	grep -q '^\.SH "\?EXIT STATUS' "$(f $m)" && ok "$m has EXIT STATUS" || not_ok "$m has EXIT STATUS"
done
missing=
for c in $(mq --help | sed -n 's/^  \([a-z]*\)$/\1/p'); do
	grep -q "fB$c" "$(f /man1/minqing.1)" || missing="$missing $c"
done
expect_eq "minqing(1) names every command --help names" "" "$missing"
missing=
for o in $("$(f /sbin/minqingd)" --help | grep -o -- '--[a-z-]*'); do
	grep -q -- "fB$o\|, $o" "$(f /man8/minqingd.8)" || missing="$missing $o"
done
expect_eq "minqingd(8) names every option --help names" "" "$missing"
bash -n "$(f /completions/minqing)" && ok "completion parses" || not_ok "completion parses"

# --check-config: the file and line of the error, exit 78.
mq -d "$T/n" init --node zb-n >/dev/null
check "good config" "$MINQINGD" -d "$T/n" --check-config
printf '[node]\nid = zb-n\n[sync]\ninterval = often\n' >"$T/n/minqing.conf"
fails_with "bad config: exit 78, file and line" 78 "minqing.conf:4: invalid value" "$MINQINGD" -d "$T/n" --check-config
finish
