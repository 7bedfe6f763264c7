#!/bin/sh
# Browser test of report.html: writes a synthetic report with MAKE_REPORT,
# opens it in headless Chromium with every network request refused, and checks
# the DOM after the page's script drew it from the embedded report.json (best
# configuration, warnings, heatmap, charts, table, spec; strings escaped).
# Fails on any uncaught script error in the console log. Then clicks and types
# in a copy (a test script appended) to check the table's sorting and filter.
# Saves screenshots at 1280 px and 390 px (phone) width next to the report
# (--huge: 1280 px only, and one load for the DOM, the sorting and the filter).
# Usage: render_report.sh MAKE_REPORT OUT_DIR [--inject-error | --large | --huge]
#   --inject-error appends a throwing script, to prove the detector works;
#   --large renders the 500-trial x 50-epoch sweep;
#   --huge a 100,000-trial random search: no script error, and the times the
#   page measured itself (performance.now()) to open, sort and filter, printed
#   and held to limits (HUGE_LOAD_MS, HUGE_SORT_MS, HUGE_FILTER_MS; generous
#   by default, so that a loaded 2-core machine does not fail it: the goal is
#   3000, 100 and 100 ms).
set -u
make_report=$1
out=$2
mode=${3:-}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "FAIL: chromium not found on PATH; scripts/setup installs it (apt-get install chromium)"
  exit 1
fi

mkdir -p "$out" || exit 1
rm -f "$out/report.html" "$out/report.json" "$out/dom.html" "$out/console.log" \
  "$out/interact.html" "$out/interact-dom.html" "$out/interact.log" \
  "$out/report-1280.png" "$out/report-390.png"
if [ "$mode" = "--large" ] || [ "$mode" = "--huge" ]; then
  "$make_report" "$out" "$mode" || { echo "FAIL: make_report could not write the report"; exit 1; }
else
  "$make_report" "$out" || { echo "FAIL: make_report could not write the report"; exit 1; }
fi
html="$out/report.html"
if [ "$mode" = "--inject-error" ]; then
  sed -i 's#</body>#<script>null.injected_error();</script></body>#' "$html"
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {  # chrome PAGE ARGS...
  page=$1
  shift
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=5000 --enable-logging=stderr \
    --v=0 --user-data-dir="$profile" "$@" "file://$page"
}

failed=0
fail() { echo "FAIL: $*"; failed=1; }
# check_log LOG: no uncaught script error (fatal at once), no network request.
check_log() {
  if grep 'CONSOLE' "$1" | grep -q 'Uncaught'; then
    echo "FAIL: uncaught script error detected:"
    grep 'CONSOLE' "$1" | grep 'Uncaught'
    exit 1
  fi
  if grep -q 'net::ERR' "$1"; then
    fail "the page tried a network request:"
    grep 'net::ERR' "$1"
  fi
}

# --huge: one load of the 100,000-trial page does it all (each takes seconds):
# a script appended to a copy sorts and filters it in a task queued after the
# page's own (which build the filter's search index), after noting what the
# page drew first (the trial count, the table rows).
page=$html
if [ "$mode" = "--huge" ]; then
  page="$out/interact.html"
  cp "$html" "$page"
  sed -i 's#</body>#<script>setTimeout(function () {\
document.body.setAttribute("data-first-count", document.getElementById("trial-count").textContent);\
document.body.setAttribute("data-first-rows", document.querySelectorAll("\#trial-table tbody tr[data-status]").length);\
var th = Array.from(document.querySelectorAll("\#trial-table th")).find(function (e) { return e.textContent === "val_accuracy"; });\
th.click(); var first = document.body.getAttribute("data-sort-ms"); th.click();\
document.body.setAttribute("data-sort-first-ms", first);\
var rows = document.querySelectorAll("\#trial-table tbody tr");\
document.body.setAttribute("data-sorted", rows[0].cells[0].textContent);\
var input = document.getElementById("trial-filter");\
input.value = "adam stalled"; input.dispatchEvent(new Event("input"));\
document.body.setAttribute("data-filtered", document.getElementById("trial-count").textContent);\
}, 0);</script></body>#' "$page"
fi
chrome "$page" --dump-dom >"$out/dom.html" 2>"$out/console.log"
status=$?
check_log "$out/console.log"
[ "$status" -eq 0 ] || fail "chromium exited with status $status (log: $out/console.log)"

dom="$out/dom.html"
expect() {  # expect DESCRIPTION FIXED-STRING [FILE]
  grep -qF -- "$2" "${3:-$dom}" || fail "$1: '$2' not in the rendered DOM (${3:-$dom})"
}
count() { grep -oF -- "$1" "${2:-$dom}" | wc -l; }

expect "scripts ran to the end" 'data-charts-ready="1"'
if grep -qF '<p class="error">' "$dom"; then fail "a section reported an error"; fi
expect "the report is shown" '<div id="report">'
expect "learning-rate chart drawn" 'class="plot lr-plot"'
expect "trial table" 'id="trial-table"'

# ms_of NAME FILE: the page's own measurement body[data-NAME-ms], in ms.
ms_of() { grep -o "data-$1-ms=\"[0-9.]*\"" "$2" | head -1 | grep -o '[0-9.]*'; }
# within NAME VALUE LIMIT: fails when the value is missing or above the limit.
within() {
  if [ -z "$2" ]; then fail "the page did not record its $1 time"; return; fi
  awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }' || fail "$1 took $2 ms (limit $3 ms)"
}

if [ "$mode" = "--huge" ]; then
  expect "every trial counted" 'data-first-count="100000 of 100000 trials"'
  rows=$(grep -o 'data-first-rows="[0-9]*"' "$dom" | grep -o '[0-9]*')
  { [ "${rows:-0}" -ge 20 ] && [ "${rows:-0}" -lt 100 ]; } || fail "expected 20 to 99 table rows drawn of 100000, found ${rows:-none}"
  expect "learning-rate points" 'class="points"'
  expect "envelope of the other trials" 'grey band: the other'
  expect "diverged trials summarised" 'trials, every one from learning_rate'
  heatmap_binned=$(count '<th>≈')
  [ "$heatmap_binned" -le 14 ] || fail "expected the heatmap binned by half decade, found $heatmap_binned columns"
  # Sorting (the objective column, twice: ascending then descending) and
  # filtering, each measured by the page itself.
  load=$(ms_of load "$dom")
  sort_first=$(ms_of sort-first "$dom")
  sort_again=$(ms_of sort "$dom")
  filter=$(ms_of filter "$dom")
  index=$(ms_of haystack "$dom")
  echo "100000 trials: open ${load} ms, then the filter's search index ${index} ms; sort ${sort_first} ms (then ${sort_again} ms), filter ${filter} ms (measured in the page; goal 3000, 100, 100)"
  within open "$load" "${HUGE_LOAD_MS:-15000}"
  within sort "$sort_first" "${HUGE_SORT_MS:-1000}"
  within sort "$sort_again" "${HUGE_SORT_MS:-1000}"
  within filter "$filter" "${HUGE_FILTER_MS:-1000}"
  grep -q 'data-filtered="[0-9]* of 100000 trials"' "$dom" || fail "the filter wrote no count"
elif [ "$mode" = "--large" ]; then
  expect "every trial in the table" '500 of 500 trials'
  # The table is a window on the rows: only those in view (and a margin) are elements.
  rows=$(count '<tr data-status=')
  { [ "$rows" -ge 20 ] && [ "$rows" -lt 100 ]; } || fail "expected 20 to 99 table rows drawn of 500, found $rows"
  # 50 rates per optimizer: a point per configuration, a median line per bin of rates.
  expect "learning-rate points" 'class="points"'
  # 250 trials per optimizer: the best configurations drawn, the rest a band.
  expect "envelope of the other trials" 'grey band: the other'
  # 50 distinct rates per optimizer: the heatmap bins them by half decade (11 columns).
  expect "heatmap binned" '<span id="heatmap-binned">; rates grouped by half decade</span>'
  expect "binned column" '<th>≈1e-5</th>'
  charts=$(count 'class="plot curve-chart"')
  [ "$charts" -eq 4 ] || fail "expected a loss and an accuracy chart per optimizer (4), found $charts"
else
  # The best configuration card, drawn by the script (the noscript copy has no id).
  expect "best configuration shown" '<p class="config" id="best-config">optimizer=adam, learning_rate=1e-2</p>'
  expect "best value shown" '<span class="v" id="best-value">0.919</span>'
  expect "warnings from report.json" '<li>2 of 11 trials diverged: sgd at learning_rate 1, 10</li>'
  expect "advice from report.json" '<li>the optimum for adam lies between 1e-3 and 1e-1 (best tried: 1e-2); refine the grid there</li>'
  expect "description escaped" '<p class="description" id="sweep-description">learning rates for sgd and adam &lt;b&gt;not bold&lt;/b&gt; &amp; "quoted"</p>'
  if grep -qF '<b>not bold</b>' "$dom"; then fail "the description was rendered as markup"; fi
  # Heatmap: a red all-diverged cell, a labelled cell, and a mean on 1 of 2 repeats.
  expect "diverged heatmap cell" 'title="sgd · learning rate 10 · 1 of 1 trials diverged">✕ diverged</td>'
  expect "heatmap cell labelled" '>0.502<small>saturated</small></td>'
  expect "heatmap mean of 1 of 2 repeats" '>0.882 (1 of 2)<small>unstable</small></td>'
  expect "points with hover values" '<circle'
  expect "no value marked on the learning-rate chart" '<title>sgd · learning rate 10 · diverged · no value</title>'
  # Curves: train solid, validation dashed; a diverged trial marked where it stopped.
  charts=$(count 'class="plot curve-chart"')
  [ "$charts" -eq 4 ] || fail "expected a loss and an accuracy chart per optimizer (4), found $charts"
  expect "validation dashed" 'class="val" stroke-dasharray="5 4"'
  expect "diverged trial marked" 'trial #11 · learning rate 1 · diverged · diverged at epoch 3, batch 7, loss not finite</title>'
  # Table: a row per trial with its diagnosis label, direction and reason.
  rows=$(count '<tr data-status=')
  [ "$rows" -eq 11 ] || fail "expected 11 table rows, found $rows"
  expect "filter count written by the script" '11 of 11 trials'
  expect "diagnosis badge in the table" '<td><span class="badge b-saturated">saturated</span></td><td class="direction" title="the learning rate was too high">high</td><td class="reason" title="the loss sits flat at 0.694'
  expect "status badge in the table" '<td><span class="badge b-diverged">diverged</span></td>'
  expect "spec shown" '<span id="spec-hash">00112233aabbccdd</span>'

  # Sorting and filtering, in a copy with a script that clicks and types at
  # once, before the page's queued task: the filter builds its search index.
  cp "$html" "$out/interact.html"
  sed -i 's#</body>#<script>(function () {\
var th = Array.from(document.querySelectorAll("\#trial-table th")).find(function (e) { return e.textContent === "val_accuracy"; });\
th.click(); th.click();\
var rows = document.querySelectorAll("\#trial-table tbody tr");\
document.body.setAttribute("data-sorted", rows[0].cells[0].textContent + "," + rows[1].cells[0].textContent + "," + rows[rows.length - 1].cells[0].textContent);\
var input = document.getElementById("trial-filter");\
input.value = "adam saturated"; input.dispatchEvent(new Event("input"));\
document.body.setAttribute("data-filtered", document.getElementById("trial-count").textContent);\
})();</script></body>#' "$out/interact.html"
  chrome "$out/interact.html" --dump-dom >"$out/interact-dom.html" 2>"$out/interact.log"
  check_log "$out/interact.log"
  # Descending val_accuracy: adam 1e-2 (#9), then sgd 1e-1 (#4); trials without a value last.
  expect "table sorted by the objective" 'data-sorted="9,4,' "$out/interact-dom.html"
  expect "filter applied" 'data-filtered="1 of 11 trials"' "$out/interact-dom.html"
fi

chrome "$html" --screenshot="$out/report-1280.png" --window-size=1280,2000 >/dev/null 2>&1
[ -s "$out/report-1280.png" ] || fail "no screenshot at 1280 px"
# The phone's width for every report but the 100,000-trial one (a load of it
# takes seconds; its layout is the same page's).
if [ "$mode" != "--huge" ]; then
  chrome "$html" --screenshot="$out/report-390.png" --window-size=390,2400 >/dev/null 2>&1
  [ -s "$out/report-390.png" ] || fail "no screenshot at 390 px"
fi

[ "$failed" -eq 0 ] || exit 1
echo "ok: report rendered in $chromium; screenshots in $out"
