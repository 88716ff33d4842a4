#!/bin/sh
# A shared store (a folder with the setgid bit): a clerk, another user in the
# folder's group, writes and reads it like its owner, and what the clerk
# makes stays the group's; a user outside the group is refused in one line.
# The key is 0640 there, never more; an ordinary store still refuses a key
# file others can read.  Runs as root, acting as the other users.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "not root: cannot act as other users"; exit 77; }
command -v setpriv >/dev/null || { echo "setpriv not installed"; exit 77; }
# Numbers no account uses: the group, its owner, a clerk, an outsider.
G=64100 OWNER=64101 CLERK=64102 OUT=64103
as_owner() { setpriv --reuid=$OWNER --regid=$G --groups=$G "$@"; }
as_clerk() { setpriv --reuid=$CLERK --regid=$CLERK --groups=$G "$@"; }
as_out() { setpriv --reuid=$OUT --regid=$OUT --clear-groups "$@"; }
as_out "$MINQING" --version >/dev/null 2>&1 ||
    { echo "$MINQING cannot be run by another user"; exit 77; }
# A umask of 022 is what shut the group out of data.mdb before.
umask 022
chmod 755 "$T"
mkdir "$T/home"; chown $OWNER:$G "$T/home"
S=$T/home/s
mode() { stat -c %a "$1"; }
group() { stat -c %g "$1"; }

check "owner: init --shared" as_owner "$MINQING" -d "$S" init --shared --node zb-sh
[ -f "$S/data.mdb" ] || finish
expect_eq "shared folder is 2770" 2770 "$(mode "$S")"
expect_eq "shared key is 640" 640 "$(mode "$S/node.key")"
for f in data.mdb lock.mdb minqing.conf; do
	expect_eq "shared $f is 660" 660 "$(mode "$S/$f")"
done
expect_eq "every file is the folder's group" "$G" \
    "$(stat -c %g "$S"/* | sort -u | tr '\n' ' ' | sed 's/ $//')"

# The clerk's work, under the clerk's own uid and primary group.
check "clerk: member add" as_clerk "$MINQING" -d "$S" member add m1 --name 王芳 --group B12
expect_eq "clerk: member add prints the id" "zb-sh:m1" "$(cat "$T/out")"
check "clerk: household add" as_clerk "$MINQING" -d "$S" household add H1 --address "共和新路1号101室" --group B12 --people 3
check "clerk: visit add" as_clerk "$MINQING" -d "$S" visit add H1 --team m1 --date 2026-11-02
check "clerk: report" as_clerk "$MINQING" -d "$S" --json report --from 2026-01-01 --to 2026-12-31
expect_eq "clerk: report counts the visit" "1 1" "$(jq -r '"\(.total.households) \(.total.visited)"' "$T/out")"
check "clerk: member list" as_clerk "$MINQING" -d "$S" member list
grep -q "^zb-sh:m1 " "$T/out" && ok "clerk: member list shows m1" || not_ok "clerk: member list shows m1"
check "clerk: id" as_clerk "$MINQING" -d "$S" id
check "clerk: sync status" as_clerk "$MINQING" -d "$S" sync status
check "owner: member add after the clerk" as_owner "$MINQING" -d "$S" member add m2 --name 李强 --group B12
check "owner: verify" as_owner "$MINQING" -d "$S" verify
grep -q "^ok: " "$T/out" && ok "verify says ok" || { not_ok "verify says ok"; sed 's/^/# /' "$T/out"; }

# Files the clerk makes: a rotated key and a rewritten minqing.conf.
check "clerk: key rotate" as_clerk "$MINQING" -d "$S" key rotate
expect_eq "rotated key: the clerk's, the folder's group, 640" "$CLERK $G 640" \
    "$(stat -c '%u %g %a' "$S/node.key")"
pub=$(cat "$S/node.pub")
check "clerk: upstream set" as_clerk "$MINQING" -d "$S" upstream set https://127.0.0.1:1 --key "$pub"
expect_eq "rewritten minqing.conf: the folder's group, 660" "$G 660" \
    "$(stat -c '%g %a' "$S/minqing.conf")"
for f in data.mdb lock.mdb minqing.conf; do
	[ -n "$(find "$S/$f" -perm -g+rw)" ] && ok "$f still group-writable" || not_ok "$f group-writable: $(mode "$S/$f")"
done
check "owner: visit add with the clerk's key" as_owner "$MINQING" -d "$S" visit add H1 --team m2 --date 2026-11-03
check "owner: verify after the rotation" as_owner "$MINQING" -d "$S" verify

# minqingd, as the owner, signs with the key the clerk made.
as_owner "$MINQINGD" -d "$S" -v >"$T/daemon.out" 2>&1 &
dpid=$!
wait_until 10 grep -q "started" "$T/daemon.out" && ok "owner: minqingd starts with the clerk's key" ||
    { not_ok "owner: minqingd starts with the clerk's key"; sed 's/^/# /' "$T/daemon.out" | head -5; }
kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null

# Outside the group: one line naming the file.
before=$(digest "$S")
fails_with "outsider: member list" 1 "data.mdb: Permission denied" as_out "$MINQING" -d "$S" member list
fails_with "outsider: member add" 1 "data.mdb: Permission denied" as_out "$MINQING" -d "$S" member add z --name z --group z
fails_with "outsider: report" 1 "Permission denied" as_out "$MINQING" -d "$S" report

# The key may be read by the folder's group, and by no one else.  Since
# the rotation the key file is the clerk's: the owner reads it through the
# group.
chmod 644 "$S/node.key"
fails_with "shared: key the world can read" 1 "readable by others \\(mode 644\\)" as_clerk "$MINQING" -d "$S" member add z --name z --group z
chmod 660 "$S/node.key"
fails_with "shared: key the group can write" 1 "writable by its group \\(mode 660\\)" as_clerk "$MINQING" -d "$S" member add z --name z --group z
chmod 640 "$S/node.key"; chgrp $OUT "$S/node.key"
fails_with "shared: key of another group" 1 "group $OUT is not the shared store folder's group $G" as_clerk "$MINQING" -d "$S" member add z --name z --group z
chgrp $G "$S/node.key"; chmod 600 "$S/node.key"
fails_with "shared: a 600 key the group cannot read" 1 "node.key: Permission denied \\(in a shared store" as_owner "$MINQING" -d "$S" member add z --name z --group z
chmod 640 "$S/node.key"
expect_eq "store unchanged after the refusals" "$before" "$(digest "$S")"
check "clerk: member add again" as_clerk "$MINQING" -d "$S" member add m3 --name 张伟 --group B14

# A folder made setgid beforehand (install -d -m 2770, the tmpfiles.d
# line) is shared without --shared.
install -d -o $OWNER -g $G -m 2770 "$T/pre"
check "owner: init in a 2770 folder" as_owner "$MINQING" -d "$T/pre" init --node zb-pre
expect_eq "pre-made folder: key 640, data.mdb 660" "640 660" \
    "$(mode "$T/pre/node.key") $(mode "$T/pre/data.mdb")"
check "clerk: member add in the pre-made folder" as_clerk "$MINQING" -d "$T/pre" member add m1 --name 王芳 --group B12

# init --shared by an owner outside the folder's group: the kernel keeps
# no setgid bit, so init refuses and leaves the folder as it was.
install -d -o $OWNER -g $G -m 750 "$T/home/x"
fails_with "init --shared outside the folder's group" 1 "cannot make it a shared folder" \
    setpriv --reuid=$OWNER --regid=$OWNER --clear-groups "$MINQING" -d "$T/home/x" init --shared --node zb-x
expect_eq "that folder keeps its mode, holds nothing" "750 " "$(mode "$T/home/x") $(ls "$T/home/x")"

# An ordinary store: the folder 750, the key 600, and a 640 key refused
# with the message of old, whoever the group is.
O=$T/home/o
check "owner: init an ordinary store" as_owner "$MINQING" -d "$O" init --node zb-o
expect_eq "ordinary: folder 750, key 600, data.mdb 640" "750 600 640" \
    "$(mode "$O") $(mode "$O/node.key") $(mode "$O/data.mdb")"
chmod 640 "$O/node.key"
fails_with "ordinary: a 640 key is refused" 1 "key file is readable by others \\(mode 640\\); chmod 600 it" \
    as_owner "$MINQING" -d "$O" member add z --name z --group z
chmod 600 "$O/node.key"
fails_with "ordinary: the clerk is refused" 1 "Permission denied" as_clerk "$MINQING" -d "$O" member list
finish
