# Shared by the integration tests: a scratch folder, the minqing binary, and
# assertions that count.  Each test sources this, runs its checks and ends
# with `finish`, which exits 1 if any check failed.

set -u
: "${MINQING:=$(cd "$(dirname "$0")/../.." && pwd)/tools/minqing}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export LC_ALL=C.UTF-8
export MINQING_BY=clerk
unset MINQING_DIR MINQING_TODAY
T=$(mktemp -d "${TMPDIR:-/tmp}/minqing-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
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
