#!/bin/sh
# A demo district on this machine, over HTTPS on 127.0.0.1: a throwaway CA,
# the district hub, a street office relaying for two branches.  The branches
# record while the district is down; the district comes up; the daemons
# sync; the district's report is printed; a district reply travels back
# down to the branch that raised the request.
set -eu
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/minqing-district.XXXXXX")}
mkdir -p "$dir"
export MINQING_BY=demo
say() { printf '\n== %s\n' "$*"; }
day() { date -d "$1 days ago" +%Y-%m-%d; }
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
port() {
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 20000 ))
		ss -ltn 2>/dev/null | grep -q ":$p " || { echo "$p"; return; }
	done
}
daemon() { minqingd -d "$dir/$1" >>"$dir/$1.log" 2>&1 & pids="$pids $!"; eval "pid_$2=$!"; }
wait_for() {	# SECONDS COMMAND...
	n=$(($1 * 5)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; n=$((n - 1)); done
	echo "timed out waiting for: $*" >&2; return 1
}

say "a throwaway certificate authority and a certificate for 127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
    -subj "/CN=minqing demo CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 7 -extfile "$dir/ext" -out "$dir/tls.crt" 2>/dev/null
echo "$dir/ca.crt"

pd=$(port); ps=$(port)
listen() {	# NODE PORT
	sed -i "s|^address = .*|address = 127.0.0.1:$2\ntls_cert = $dir/tls.crt\ntls_key = $dir/tls.key|; /^;tls_/d; s/^interval = .*/interval = 2s/; s/^max_backoff = .*/max_backoff = 4s/" "$dir/$1/minqing.conf"
}
say "the district (zb-district, port $pd), the street office (zb-street, port $ps), two branches"
kd=$(minqing -d "$dir/district" init --node zb-district --hub); listen district "$pd"
ks=$(minqing -d "$dir/street" init --node zb-street --hub); listen street "$ps"
k1=$(minqing -d "$dir/b0301" init --node zb-bs-0301)
k2=$(minqing -d "$dir/b0302" init --node zb-bs-0302)
for b in b0301 b0302; do sed -i 's/^interval = .*/interval = 2s/; s/^max_backoff = .*/max_backoff = 4s/' "$dir/$b/minqing.conf"; done
minqing -d "$dir/district" peer add zb-street --key "$ks" --role relay >/dev/null
minqing -d "$dir/street" peer add zb-bs-0301 --key "$k1" >/dev/null
minqing -d "$dir/street" peer add zb-bs-0302 --key "$k2" >/dev/null
minqing -d "$dir/street" upstream set "https://127.0.0.1:$pd" --key "$kd" --cacert "$dir/ca.crt"
for b in b0301 b0302; do
	minqing -d "$dir/$b" upstream set "https://127.0.0.1:$ps" --key "$ks" --key "$kd" --cacert "$dir/ca.crt"
done

say "the street and the branches start; the district is still down"
daemon street street; daemon b0301 b1; daemon b0302 b2
record() {	# DIR: a branch's month
	d=$dir/$1
	minqing -d "$d" member add m01 --name 王芳 --group B12 >/dev/null
	minqing -d "$d" member add m02 --name 李强 --group B14 >/dev/null
	{ echo "id,address,group,people,tags"
	  for f in 1 2 3; do for r in 01 02 03 04; do
		echo "B12-$f$r,\"共和新路12弄${f}号${r}室\",B12,$(( (f + ${r#0}) % 4 + 1 )),"
		echo "B14-$f$r,\"共和新路14弄${f}号${r}室\",B14,$(( (f + ${r#0}) % 3 + 1 )),"
	  done; done; } >"$d.csv"
	minqing -d "$d" household import "$d.csv" >/dev/null
	n=0
	for h in B12-101 B12-102 B12-201 B12-202 B14-101 B14-102 B14-301; do
		n=$((n + 3)); minqing -d "$d" visit add "$h" --team m01,m02 --with 民政 --date "$(day $n)" >/dev/null
	done
	minqing -d "$d" request open B12-102 --category special-group --summary "独居老人助餐" --date "$(day 40)" >/dev/null
	minqing -d "$d" request open B14-101 --category renovation --summary "旧区改造进度" --date "$(day 20)" >/dev/null
	minqing -d "$d" request escalate R2 --to street >/dev/null
	minqing -d "$d" request escalate R2 --to district >/dev/null
	minqing -d "$d" request reply R1 --text "已安排助餐" --from community --date "$(day 35)" >/dev/null
}
record b0301; record b0302
sleep 3
minqing -d "$dir/street" sync status

say "the district comes up"
daemon district district
wait_for 30 sh -c "[ \$(minqing -d '$dir/district' log zb-bs-0302/main 2>/dev/null | wc -l) -eq \$(minqing -d '$dir/b0302' log zb-bs-0302/main | wc -l) ]"
wait_for 30 sh -c "[ \$(minqing -d '$dir/district' log zb-bs-0301/main 2>/dev/null | wc -l) -eq \$(minqing -d '$dir/b0301' log zb-bs-0301/main | wc -l) ]"
minqing -d "$dir/b0301" sync status

say "the district's report, by branch (the records came through the street office)"
minqing -d "$dir/district" report
say "the district verifies every branch's signed log, end to end"
minqing -d "$dir/district" verify

say "the district answers zb-bs-0301-R2; the answer travels down to the branch"
minqing -d "$dir/district" request reply zb-bs-0301-R2 --text "已列入明年旧改计划，书面答复居民" --from district
wait_for 30 sh -c "minqing -d '$dir/b0301' --json request show R2 | grep -q '\"status\":\"answered\"'"
minqing -d "$dir/b0301" request show R2
printf '\nthe nodes are in %s\n' "$dir"
