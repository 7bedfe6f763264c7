#!/bin/sh
# Browser test of report.html: writes a synthetic report with MAKE_REPORT,
# opens it in headless Chromium with every network request refused, and checks
# the DOM after the scripts ran (charts drawn, best configuration shown, spec
# strings escaped). Fails on any uncaught script error in the console log.
# Saves screenshots at 1280 px and 390 px (phone) width next to the report.
# Usage: render_report.sh MAKE_REPORT OUT_DIR [--inject-error]
#   --inject-error appends a throwing script, to prove the detector works.
set -u
make_report=$1
out=$2
inject=${3:-}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "FAIL: chromium not found on PATH; scripts/setup installs it (apt-get install chromium)"
  exit 1
fi

mkdir -p "$out" || exit 1
rm -f "$out/report.html" "$out/report.json" "$out/dom.html" "$out/console.log" \
  "$out/report-1280.png" "$out/report-390.png"
"$make_report" "$out" || { echo "FAIL: make_report could not write the report"; exit 1; }
html="$out/report.html"
if [ "$inject" = "--inject-error" ]; then
  sed -i 's#</body>#<script>null.injected_error();</script></body>#' "$html"
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=5000 --enable-logging=stderr \
    --v=0 --user-data-dir="$profile" "$@" "file://$html"
}

chrome --dump-dom >"$out/dom.html" 2>"$out/console.log"
status=$?
failed=0
fail() { echo "FAIL: $*"; failed=1; }

if grep 'CONSOLE' "$out/console.log" | grep -q 'Uncaught'; then
  echo "FAIL: uncaught script error detected:"
  grep 'CONSOLE' "$out/console.log" | grep 'Uncaught'
  exit 1
fi
[ "$status" -eq 0 ] || fail "chromium exited with status $status (log: $out/console.log)"
if grep -q 'net::ERR' "$out/console.log"; then
  fail "the page tried a network request:"
  grep 'net::ERR' "$out/console.log"
fi

dom="$out/dom.html"
expect() {  # expect DESCRIPTION FIXED-STRING
  grep -qF -- "$2" "$dom" || fail "$1: '$2' not in the rendered DOM ($dom)"
}
expect "scripts ran to the end" 'data-charts-ready="1"'
expect "learning-rate chart drawn" 'class="plot lr-plot"'
expect "curve charts drawn" 'class="plot curve-chart"'
expect "points with hover values" '<circle'
expect "diagnosis badges drawn by the script" '<span class="badge b-saturated">saturated</span>'
expect "best configuration shown" '<p class="config" id="best-config">optimizer=adam, learning_rate=1e-2</p>'
expect "trial table" 'id="trial-table"'
expect "filter count written by the script" '10 of 10 trials'
expect "description escaped" '&lt;b&gt;not bold&lt;/b&gt; &amp; "quoted"'
if grep -qF '<b>not bold</b>' "$dom"; then fail "the description was rendered as markup"; fi
charts=$(grep -o 'class="plot curve-chart"' "$dom" | wc -l)
[ "$charts" -ge 4 ] || fail "expected a loss and an accuracy chart per optimizer (4), found $charts"

chrome --screenshot="$out/report-1280.png" --window-size=1280,2000 >/dev/null 2>&1
[ -s "$out/report-1280.png" ] || fail "no screenshot at 1280 px"
chrome --screenshot="$out/report-390.png" --window-size=390,2400 >/dev/null 2>&1
[ -s "$out/report-390.png" ] || fail "no screenshot at 390 px"

[ "$failed" -eq 0 ] || exit 1
echo "ok: report rendered in $chromium; screenshots in $out"
