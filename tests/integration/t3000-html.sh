#!/bin/sh
# report --html: one self-contained page (no script, no fetch), every
# outside string escaped; rendered by headless Chromium without console
# errors.  On a district fed through a street office, the page has the
# streets too.  MINQING_SCREENSHOT=DIR keeps the pictures.
. "$(dirname "$0")/lib.sh"
export MINQING_TODAY=2026-11-30
B=$T/b
make_branch "$B" >/dev/null && ok "branch made" || not_ok "branch made"
run() { mq -d "$B" "$@" >/dev/null || not_ok "setup: $*"; }
run visit add H1 --team m1 --date 2026-03-01
run visit add H3 --team m3 --date 2026-06-01
run visit add H4 --team m3 --date 2026-07-01
run request open H1 --category property --summary "楼道灯 <script>alert(1)</script> & \"x\"" --date 2026-10-01
run request open H2 --category livelihood --summary "水压低" --date 2026-09-01
run request reply R2 --text "已修" --date 2026-09-10
run request open H3 --category renovation --summary "旧区改造" --date 2026-08-01
run request escalate R3 --to street
run request escalate R3 --to district
run request reply R3 --text "已列入计划" --from district --date 2026-09-15
run request open H4 --category special-group --summary "助餐" --date 2026-11-10
run student add S1 --name 陈晨 --university 复旦大学 --since 2026-09-01
run donation add --student S1 --amount 150000 --from 支部党员 --date 2026-09-10
run eval add --year 2026 --kind resident-team --subject m1 --score 93
run eval add --year 2026 --kind branch-member --subject m2 --score 88

check "report --html" mq -d "$B" report --by group --html "$T/report.html"
expect_eq "says where" "report written to $T/report.html" "$(cat "$T/out")"
H=$T/report.html
grep -q '^<!DOCTYPE html>' "$H" && ok "an HTML document" || not_ok "an HTML document"
expect_eq "four goal cards" 4 "$(grep -o 'class="card"' "$H" | wc -l)"
expect_eq "three charts and a ladder as inline SVG" 3 "$(grep -o '<svg ' "$H" | wc -l)"
expect_eq "no script" 0 "$(grep -ci '<script' "$H")"
expect_eq "nothing fetched" 0 "$(grep -Eci '(src|href)=|url\(|@import|https?://' "$H")"
grep -q '楼道灯 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;' "$H" && ok "outside text escaped" || not_ok "outside text escaped"
grep -q 'zb-bs-0301-R1' "$H" && ok "overdue R1 listed" || not_ok "overdue R1 listed"
grep -q '33.3% (1/3)\|50.0% (1/2)' "$H" && ok "coverage figures" || not_ok "coverage figures"
fails_with "unwritable path" 1 "report.html.new" mq -d "$B" report --html "$T/none/report.html"
expect_eq "no half-written file left" "" "$(ls "$T/none" 2>/dev/null)"
expect_eq "a branch's page has no streets" 0 "$(grep -c 'id="streets"' "$H")"

# Branch b and a second branch push through a street office to a district.
DH=
if command -v curl >/dev/null && command -v openssl >/dev/null; then
	mkdir "$T/certs"
	make_certs "$T/certs" || not_ok "certificates"
	pd=$(free_port); ps=$(free_port)
	while [ "$ps" = "$pd" ]; do ps=$(free_port); done
	D=$T/district S=$T/street B2=$T/b2
	make_hub "$D" zb-district "$pd" "$T/certs"
	make_hub "$S" zb-street "$ps" "$T/certs"
	make_branch "$B2" zb-bs-0302 >/dev/null || not_ok "second branch made"
	mq -d "$B2" visit add H1 --team m1 --date 2026-05-01 >/dev/null
	mq -d "$D" peer add zb-street --key "$(cat "$S.key")" --role relay >/dev/null
	for n in "$B" "$B2"; do
		mq -d "$S" peer add "$(mq -d "$n" --json id | jq -r .node)" \
		    --key "$(mq -d "$n" --json id | jq -r .key)" >/dev/null
		sed -i 's/^interval = .*/interval = 1s/; s/^max_backoff = .*/max_backoff = 2s/' "$n/minqing.conf"
		mq -d "$n" upstream set "https://127.0.0.1:$ps" --key "$(cat "$S.key")" --key "$(cat "$D.key")" --cacert "$T/certs/ca.crt" >/dev/null
	done
	mq -d "$S" upstream set "https://127.0.0.1:$pd" --key "$(cat "$D.key")" --cacert "$T/certs/ca.crt" >/dev/null
	for n in "$D" "$S" "$B" "$B2"; do start_daemon "$n"; done
	both() { [ "$(mq -d "$D" --json report | jq -c '[.rows[].unit]')" = '["zb-bs-0301","zb-bs-0302"]' ]; }
	wait_until 30 both && ok "both branches reached the district" || not_ok "both branches reached the district"
	for n in "$B" "$B2" "$S" "$D"; do stop_daemon "$n"; done
	DH=$T/district.html
	check "district report --html" mq -d "$D" report --html "$DH"
	grep -q '<section id="streets">' "$DH" && ok "the district's page has the streets" || not_ok "the district's page has the streets"
	expect_eq "the street's coverage, from both branches" 1 "$(grep -c '<text x="0" y="17">zb-street</text>.*50.0% (4/8)' "$DH")"
	expect_eq "street charts, then the branches' and the ladder" 5 "$(grep -o '<svg ' "$DH" | wc -l)"
	grep -q '<td>zb-bs-0302</td><td>zb-street</td>' "$DH" && ok "a branch under its street" || not_ok "a branch under its street"
	expect_eq "no script on the district's page" 0 "$(grep -ci '<script' "$DH")"
	expect_eq "nothing fetched by the district's page" 0 "$(grep -Eci '(src|href)=|url\(|@import|https?://' "$DH")"
	grep -q '楼道灯 &lt;script&gt;' "$DH" && ok "escaped on the district's page" || not_ok "escaped on the district's page"
else
	echo "# curl or openssl not installed: no district page"
fi

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	echo "# chromium not installed: the page is not rendered"
	finish
fi
# render HTML NAME: a screenshot NAME.png of the page, by headless Chromium.
render() {
	local rc
	rm -rf "$T/profile" && mkdir "$T/profile"
	timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update --disable-sync \
	    --user-data-dir="$T/profile" --enable-logging=stderr --v=0 --window-size=1000,1500 \
	    --screenshot="$T/$2.png" "file://$1" >"$T/$2.log" 2>&1
	rc=$?
	expect_eq "$2: chromium exits 0" 0 "$rc"
	case $(od -An -tx1 -N8 "$T/$2.png" 2>/dev/null | tr -d ' \n') in
	89504e470d0a1a0a) ok "$2: a PNG screenshot";; *) not_ok "$2: a PNG screenshot"; tail -5 "$T/$2.log" | sed 's/^/# /';; esac
	[ "$(stat -c %s "$T/$2.png" 2>/dev/null || echo 0)" -gt 20000 ] && ok "$2: the picture has content" || not_ok "$2: the picture has content"
	expect_eq "$2: no console errors" "" "$(grep -E 'CONSOLE|Uncaught|ERR_' "$T/$2.log")"
}
render "$H" report
[ -n "$DH" ] && render "$DH" district
# MINQING_SCREENSHOT=DIR keeps the pictures the README shows.
if [ -n "${MINQING_SCREENSHOT:-}" ]; then
	cp "$T/report.png" "$MINQING_SCREENSHOT/report.png"
	[ -n "$DH" ] && cp "$T/district.png" "$MINQING_SCREENSHOT/report-district.png"
fi
finish
