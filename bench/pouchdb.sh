#!/usr/bin/env bash
# bench/pouchdb.sh [N]: the "Peer" baseline, PouchDB replicating N household
# documents (default 100000) from a local PouchDB (leveldb adapter, on disk)
# to pouchdb-server (leveldb on disk) on 127.0.0.1 at a free port.  The
# documents are those of bench/run's ingest row; they are loaded into the
# source first (bulkDocs, not timed), then one PouchDB.replicate(source,
# remote) is timed until it completes, and the remote must hold exactly N.
# npm installs pinned versions into a temporary folder, removed at the end.
# Progress goes to stderr; the last line on stdout is "pouchdb: <R> docs/s".
#
#   POUCHDB_BATCH_SIZE  documents per replication batch (1000; PouchDB's
#                       default is 100)
#   POUCHDB_TIMEOUT     seconds the replication may take (1800)
#   NPM_TIMEOUT         seconds npm install may take (900)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pouchdb_version=9.0.0
server_version=4.2.0
n=${1:-100000}
batch=${POUCHDB_BATCH_SIZE:-1000}
rep_timeout=${POUCHDB_TIMEOUT:-1800}
npm_timeout=${NPM_TIMEOUT:-900}

msg() {
	echo "bench/pouchdb.sh: $*" >&2
}
fail() {
	msg "$*"
	exit 1
}

for v in "$n" "$batch" "$rep_timeout" "$npm_timeout"; do
	case $v in
	''|*[!0-9]*|0*) fail "usage: bench/pouchdb.sh [N]; N, POUCHDB_BATCH_SIZE," \
	    "POUCHDB_TIMEOUT and NPM_TIMEOUT are positive integers" ;;
	esac
done
for c in node npm timeout; do
	command -v "$c" >/dev/null || fail "$c not found"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/minqing-pouchdb.XXXXXX")
server_pid=
child=
cleanup() {
	# npm or the loader, under timeout(1), which passes the signal on.
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs "$@" in the background and waits for it: a signal to this script
# then runs the traps at once, not when "$@" is done.  The exit status is
# in rc.
run() {
	rc=0
	"$@" &
	child=$!
	wait "$child" || rc=$?
	child=
}

# npm into the temporary folder, pinned; --ignore-scripts: leveldown loads
# its prebuilt binary, and sqlite3 (pulled in by pouchdb-server, unused
# here) is not compiled.
msg "npm install pouchdb@$pouchdb_version pouchdb-server@$server_version" \
    "into $work/npm"
mkdir "$work/npm"
echo '{ "name": "minqing-bench-pouchdb", "private": true }' \
    >"$work/npm/package.json"
t0=$(date +%s)
run timeout "$npm_timeout" npm install --prefix "$work/npm" --no-audit \
    --no-fund --ignore-scripts --save-exact --loglevel=error \
    "pouchdb@$pouchdb_version" "pouchdb-server@$server_version" \
    >"$work/npm.log" 2>&1
if [ "$rc" -ne 0 ]; then
	if [ "$rc" -eq 124 ]; then
		why="not done in $npm_timeout s (NPM_TIMEOUT)"
	else
		why=$(grep -m 1 -i 'error' "$work/npm.log" | cut -c 1-160 ||
		    true)
	fi
	fail "npm could not install pouchdb@$pouchdb_version and" \
	    "pouchdb-server@$server_version${why:+: $why}"
fi
mods=$work/npm/node_modules
# What the pinned packages resolved to, for the record.
versions=$(cd "$work/npm" && node -e '
	// The version of the last package of a chain, each resolved from the
	// one before, as node would load it.
	const { createRequire } = require("module");
	const v = (...chain) => {
		let from = process.cwd() + "/x.js";
		try {
			for (const p of chain)
				from = createRequire(from).resolve(p + "/package.json");
			return chain.join(">") + "@" + require(from).version;
		} catch (e) { return chain.join(">") + "@?"; }
	};
	console.log([v("pouchdb"), v("pouchdb", "leveldown"),
	    v("pouchdb-server"), v("pouchdb-server", "express-pouchdb"),
	    v("pouchdb-server", "pouchdb-core"),
	    v("pouchdb-server", "pouchdb-adapter-leveldb", "leveldown"),
	    v("pouchdb-server", "express")].join(" "));
')
msg "installed in $(($(date +%s) - t0)) s: $versions" \
    "(node $(node --version))"

# A free port, from the kernel; if pouchdb-server cannot have it after all,
# another one.
free_port() {
	node -e 'const s = require("net").createServer();
	    s.listen(0, "127.0.0.1", () => {
		console.log(s.address().port); s.close(); });'
}
# True when the server at port $1 answers / as express-pouchdb does.
answers() {
	node -e 'const req = require("http").get(
	    "http://127.0.0.1:" + process.argv[1] + "/", { timeout: 2000 },
	    (res) => { let b = ""; res.on("data", (d) => b += d);
		res.on("end", () => process.exit(res.statusCode === 200 &&
		    b.includes("express-pouchdb") ? 0 : 1)); });
	    req.on("error", () => process.exit(1));
	    req.on("timeout", () => { req.destroy(); process.exit(1); });' "$1"
}

mkdir "$work/server" "$work/server/db"
started=
for try in 1 2 3 4 5; do
	port=$(free_port)
	: >"$work/server.out"
	# cwd: pouchdb-server writes its log.txt there.
	(cd "$work/server" && exec node "$mods/pouchdb-server/bin/pouchdb-server" \
	    --no-stdout-logs --host 127.0.0.1 --port "$port" \
	    --dir "$work/server/db" --config "$work/server/config.json") \
	    >"$work/server.out" 2>&1 &
	server_pid=$!
	for _ in $(seq 150); do
		if answers "$port"; then
			started=1
			break
		fi
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$started" ] && break
	msg "pouchdb-server did not start on port $port (try $try)"
	kill -9 "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
done
if [ -z "$started" ]; then
	sed 's/^/  pouchdb-server: /' "$work/server.out" >&2
	tail -n 5 "$work/server/log.txt" 2>/dev/null |
	    sed 's/^/  log.txt: /' >&2 || true
	fail "pouchdb-server did not start"
fi
msg "pouchdb-server (pid $server_pid) on http://127.0.0.1:$port/"

# The loader's own time-out bounds the replication; this one, everything.
run timeout $((rep_timeout + 900)) node "$here/pouchdb-load.js" "$work/npm" \
    "$n" "$work/source" "http://127.0.0.1:$port/households" "$batch" \
    "$rep_timeout" >"$work/out"
if [ "$rc" -ne 0 ]; then
	tail -n 5 "$work/server/log.txt" 2>/dev/null |
	    sed 's/^/  log.txt: /' >&2 || true
	kill -0 "$server_pid" 2>/dev/null ||
	    sed 's/^/  pouchdb-server: /' "$work/server.out" >&2
	fail "the replication of $n docs failed"
fi
figure=$(tail -n 1 "$work/out")
case $figure in
"pouchdb: "[0-9]*" docs/s") ;;
*) fail "pouchdb-load.js printed '$figure'" ;;
esac
kill -0 "$server_pid" 2>/dev/null || fail "pouchdb-server died"
echo "$figure"
