#!/bin/sh
# minqing init: store, key pair, configuration; refusals.
. "$(dirname "$0")/lib.sh"

check "init" mq -d "$T/b" init --node zb-bs-0301
key=$(cat "$T/out")
expect_eq "prints a base64 public key" 44 "${#key}"
expect_eq "node.pub holds it" "$key" "$(cat "$T/b/node.pub")"
expect_eq "secret key is 0600" 600 "$(stat -c %a "$T/b/node.key")"
check "id" mq -d "$T/b" id
expect_eq "id prints node and key" "zb-bs-0301 $key" "$(cat "$T/out")"
check "id --json" mq -d "$T/b" --json id
expect_eq "id --json" "{\"node\":\"zb-bs-0301\",\"key\":\"$key\"}" "$(cat "$T/out")"
check "MINQING_DIR" env MINQING_DIR="$T/b" "$MINQING" id
grep -q '^id = zb-bs-0301$' "$T/b/minqing.conf" && ok "config names the node" || not_ok "config names the node"

fails_with "init twice" 1 "already a minqing store" mq -d "$T/b" init --node other
fails_with "bad node id" 2 "not a node id" mq -d "$T/c" init --node "Bad_Node"
fails_with "init without --node" 2 "usage" mq -d "$T/c" init
fails_with "unknown command" 2 "unknown command" mq -d "$T/b" frobnicate
fails_with "unknown option" 2 "unknown option|bad" mq -d "$T/b" member list --bogus
check "--help on a command" mq member --help
grep -q "member add" "$T/out" && ok "--help shows usage" || not_ok "--help shows usage"
for c in init id peer member household visit request student donation eval report export log verify; do
	if mq "$c" --help >/dev/null 2>&1; then ok "$c --help"; else not_ok "$c --help"; fi
done

chmod 644 "$T/b/node.key"
fails_with "key readable by others" 1 "readable by others" mq -d "$T/b" member add m1 --name A --group G
chmod 600 "$T/b/node.key"
check "key 0600 again" mq -d "$T/b" member add m1 --name A --group G

check "hub init" mq -d "$T/h" init --node zb-hub --hub
grep -q '^\[listen\]' "$T/h/minqing.conf" && ok "hub config listens" || not_ok "hub config listens"
finish
