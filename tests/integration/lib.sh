# Shared by the integration tests: a scratch folder, the minqing binary, and
# assertions that count.  Each test sources this, runs its checks and ends
# with `finish`, which exits 1 if any check failed.

set -u
: "${MINQING:=$(cd "$(dirname "$0")/../.." && pwd)/tools/minqing}"
: "${MINQINGD:=$(cd "$(dirname "$0")/../.." && pwd)/daemon/minqingd}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export LC_ALL=C.UTF-8
export MINQING_BY=clerk
unset MINQING_DIR MINQING_TODAY
T=$(mktemp -d "${TMPDIR:-/tmp}/minqing-test.XXXXXX")
cleanup() {
	for p in "$T"/*/daemon.pid; do
		[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
checks=0
fails=0

mq() { "$MINQING" "$@"; }

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fails=$((fails + 1)); echo "not ok $checks - $*"; }

# check DESCRIPTION COMMAND...: the command succeeds.
check() {
	local what=$1; shift
	if "$@" >"$T/out" 2>"$T/err"; then ok "$what"; else
		not_ok "$what (exit $?)"; sed 's/^/# /' "$T/err" | head -5; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; echo "#   expected: $2"; echo "#   actual:   $3"; fi
}

# fails_with DESCRIPTION CODE PATTERN COMMAND...: exits CODE with one line
# on stderr that matches PATTERN.
fails_with() {
	local what=$1 code=$2 pat=$3 rc; shift 3
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	if [ "$rc" != "$code" ]; then
		not_ok "$what: exit $rc, wanted $code"; sed 's/^/# /' "$T/err" | head -3; return
	fi
	if [ "$(grep -c '' "$T/err")" != 1 ]; then
		not_ok "$what: stderr is not one line"; sed 's/^/# /' "$T/err" | head -5; return
	fi
	if ! grep -Eq -- "$pat" "$T/err"; then
		not_ok "$what: stderr does not match /$pat/"; sed 's/^/# /' "$T/err"; return
	fi
	ok "$what"
}

# A digest of everything the store holds that a user can see.
digest() {
	{ mq -d "$1" log; mq -d "$1" --json report --from 2000-01-01 --to 2099-12-31
	  for w in households members visits requests students donations evaluations peers; do
		mq -d "$1" export --what "$w" --format jsonl; done; } 2>&1 | sha256sum
}

# unchanged DESCRIPTION DIR COMMAND...: the command fails and the store's
# digest is the same before and after.
unchanged() {
	local what=$1 dir=$2 before after; shift 2
	before=$(digest "$dir")
	"$@" >/dev/null 2>&1 && { not_ok "$what: succeeded"; return; }
	after=$(digest "$dir")
	expect_eq "$what: store unchanged" "$before" "$after"
}

finish() {
	local f
	# Daemons write sanitizer reports to their logs, not to the test.
	for f in "$T"/*/daemon.log; do
		[ -f "$f" ] || continue
		if grep -qE "Sanitizer|runtime error" "$f"; then
			not_ok "sanitizer report in $(basename "$(dirname "$f")")'s log"
			grep -E -A12 "Sanitizer|runtime error" "$f" | head -30 | sed 's/^/# /'
		fi
	done
	echo "# $checks checks, $fails failed"
	[ "$fails" = 0 ] || exit 1
	exit 0
}

# A small branch: node zb-bs-0301, two groups, members and households.
make_branch() {
	local d=$1
	mq -d "$d" init --node "${2:-zb-bs-0301}" >/dev/null || return 1
	mq -d "$d" member add m1 --name 王芳 --group B12 >/dev/null &&
	mq -d "$d" member add m2 --name 李强 --group B12 >/dev/null &&
	mq -d "$d" member add m3 --name 张伟 --group B14 >/dev/null &&
	mq -d "$d" household add H1 --address "共和新路1号101室" --group B12 --people 3 >/dev/null &&
	mq -d "$d" household add H2 --address "共和新路1号102室" --group B12 --people 1 --tags elderly-alone >/dev/null &&
	mq -d "$d" household add H3 --address "共和新路3号201室" --group B14 --people 4 >/dev/null &&
	mq -d "$d" household add H4 --address "共和新路3号202室" --group B14 --people 2 --tags disabled,low-income >/dev/null
}

# --- Nodes talking over loopback -----------------------------------------

# make_certs DIR: a throwaway CA, and a certificate for 127.0.0.1 signed by it.
make_certs() {
	command -v openssl >/dev/null || { echo "openssl not installed"; exit 77; }
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$1/ext"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -days 2 -subj "/CN=minqing test CA" -keyout "$1/ca.key" -out "$1/ca.crt" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=127.0.0.1" -keyout "$1/tls.key" -out "$1/tls.csr" 2>/dev/null &&
	openssl x509 -req -in "$1/tls.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" \
	    -CAcreateserial -days 2 -extfile "$1/ext" -out "$1/tls.crt" 2>/dev/null
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local i p
	for i in 1 2 3 4 5 6 7 8 9 10; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 20000 ))
		ss -ltn 2>/dev/null | grep -q ":$p " || { echo "$p"; return; }
	done
	echo 0
}

# make_hub DIR NODE PORT CERTDIR: a hub listening with TLS on 127.0.0.1:PORT.
make_hub() {
	mq -d "$1" init --node "$2" --hub >"$1.key" || return 1
	sed -i "s|^address = .*|address = 127.0.0.1:$3\ntls_cert = $4/tls.crt\ntls_key = $4/tls.key|; /^;tls_/d" "$1/minqing.conf"
	sed -i 's/^interval = .*/interval = 1s/; s/^max_backoff = .*/max_backoff = 2s/' "$1/minqing.conf"
}

# make_node DIR NODE: a node with a fast sync interval; its key in DIR.key.
make_node() {
	mq -d "$1" init --node "$2" >"$1.key" || return 1
	sed -i 's/^interval = .*/interval = 1s/; s/^max_backoff = .*/max_backoff = 2s/' "$1/minqing.conf"
}

# start_daemon DIR: minqingd in the background; its log in DIR/daemon.log.
start_daemon() {
	"$MINQINGD" -d "$1" -v >>"$1/daemon.log" 2>&1 &
	echo $! >"$1/daemon.pid"
}

stop_daemon() {
	[ -f "$1/daemon.pid" ] || return 0
	kill "$(cat "$1/daemon.pid")" 2>/dev/null
	wait "$(cat "$1/daemon.pid")" 2>/dev/null
	rm -f "$1/daemon.pid"
}

kill9_daemon() {
	[ -f "$1/daemon.pid" ] || return 0
	kill -9 "$(cat "$1/daemon.pid")" 2>/dev/null
	wait "$(cat "$1/daemon.pid")" 2>/dev/null
	rm -f "$1/daemon.pid"
}

# wait_health PORT CA: until the hub answers (at most 10 s).
wait_health() {
	local i=0
	while [ $i -lt 100 ]; do
		curl -sf --cacert "$2" "https://127.0.0.1:$1/v1/health" >/dev/null 2>&1 && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# wait_until SECONDS COMMAND...: polls every 0.2 s until the command succeeds.
wait_until() {
	local n=$(($1 * 5)) i=0; shift
	while [ $i -lt $n ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2; i=$((i + 1))
	done
	return 1
}

# pending DIR: entries not yet acknowledged upstream.
pending() { mq -d "$1" --json sync status | jq -r .pending; }
synced() { [ "$(pending "$1")" = 0 ]; }
