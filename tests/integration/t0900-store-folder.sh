#!/bin/sh
# The store folder: missing, not a store, read-only for the user, a key file
# others can read, a broken configuration.
. "$(dirname "$0")/lib.sh"
fails_with "folder does not exist" 1 "No such file" mq -d "$T/nowhere" member list
mkdir "$T/empty"
fails_with "folder is not a store" 1 "not a minqing store" mq -d "$T/empty" member list
echo hello >"$T/file"
fails_with "a file, not a folder" 1 "not a folder" mq -d "$T/file" member list
make_branch "$T/b" >/dev/null
before=$(digest "$T/b")

# Read-only for a user who cannot write the folder.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 755 "$T" "$T/b"; chmod 644 "$T/b/data.mdb" "$T/b/lock.mdb" "$T/b/minqing.conf"
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	fails_with "read-only store: a write" 1 "store|ermission" as_nobody "$MINQING" -d "$T/b" member add z --name z --group z
	fails_with "read-only store: a read" 1 "store|ermission" as_nobody "$MINQING" -d "$T/b" member list
	chmod 600 "$T/b/data.mdb" "$T/b/lock.mdb"
elif [ "$(id -u)" != 0 ]; then
	chmod 555 "$T/b"; chmod 444 "$T/b/data.mdb" "$T/b/lock.mdb"
	fails_with "read-only store: a write" 1 "store|ermission" mq -d "$T/b" member add z --name z --group z
	chmod 755 "$T/b"; chmod 644 "$T/b/data.mdb" "$T/b/lock.mdb"
else
	echo "# setpriv missing: read-only case not run"
fi
expect_eq "store unchanged after read-only attempts" "$before" "$(digest "$T/b")"

chmod 640 "$T/b/node.key"
fails_with "key file others can read" 1 "readable by others" mq -d "$T/b" member add z --name z --group z
chmod 600 "$T/b/node.key"
rm "$T/b/node.key"
fails_with "key file missing" 1 "node.key" mq -d "$T/b" member add z --name z --group z
expect_eq "store unchanged after key refusals" "$before" "$(digest "$T/b")"

make_branch "$T/c" >/dev/null
cp "$T/c/minqing.conf" "$T/conf.orig"
printf '[node]\nid = zb-bs-0301\n[report]\nreply_days = soon\n' >"$T/c/minqing.conf"
fails_with "bad config value" 1 "minqing.conf:4: invalid value" mq -d "$T/c" member list
printf '[node]\nid = zb-bs-0301\n[nodes]\nid = x\n' >"$T/c/minqing.conf"
fails_with "unknown config section" 1 "minqing.conf:4: unknown setting \\[nodes\\] id" mq -d "$T/c" member list
printf '[report]\nreply_days = 30\n' >"$T/c/minqing.conf"
fails_with "no node id" 1 "\\[node\\] id is required" mq -d "$T/c" member list
{ printf '[node]\nid = zb-bs-0301\n[upstream]\ncacert = /'; head -c 300 /dev/zero | tr '\0' a; printf '\n'; } >"$T/c/minqing.conf"
fails_with "line over 200 bytes" 1 "minqing.conf:4: line longer than 199 bytes" mq -d "$T/c" member list
cp "$T/conf.orig" "$T/c/minqing.conf"
check "good config again" mq -d "$T/c" member list

# A schema newer than this program.
if command -v mdb_load >/dev/null; then
	printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n schema\n 9\nDATA=END\n' | mdb_load -s meta "$T/c" 2>/dev/null
	fails_with "store from a newer program" 1 "newer" mq -d "$T/c" member list
fi
finish
