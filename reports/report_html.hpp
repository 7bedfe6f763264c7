// report.html: one self-contained page, the template reports/assets/report.html
// with its style (report.css) and script (report.js) inlined and report.json
// embedded as the script's one data source (<script type="application/json"
// id="report-data">). The script draws every section from that data, writing
// text through textContent only. The one part rendered here is a <noscript>
// card with the best configuration, HTML-escaped. No network reference of any
// kind (no src, href or url() other than "#...").
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sweep::reports {

std::string render_html(const nlohmann::json& report);

// The data embedded in the page, shaped for 100,000 trials: report.json's
// small sections (sweep, objective, best, pruning, warnings, advice) as they
// are; the trials and the ranking as columns (trials: id, repeat, status,
// error, objective, best_epoch, epochs, label, direction, reason (the indices
// of its clauses in reason_clauses, which joined give the diagnosis's
// reason), divergence and params{key}; ranking: rank, optimizer, learning_rate, mean, min, max,
// n, trials, status, label (its trials' commonest), members (indices into
// the trial columns)); `curves` (by trial id, 4 significant digits) for the
// trials the page draws: per optimizer all of them up to 12 configurations,
// else its 5 best configurations and the best-ranked trial of each other
// diagnosis label; `envelopes` (per optimizer and series, the 10th, 50th and
// 90th percentile of the other trials at each epoch, and their labels); and
// with pruning, `rung_chart` (each trial's best objective so far at every
// rung epoch it reached). No loss traces, no configs.
nlohmann::json html_page_data(const nlohmann::json& report);

// & < > " ' as character references; safe in text and quoted attributes.
std::string html_escape(std::string_view text);

// JSON text safe inside <script type="application/json">: '<', '>' and '&'
// escaped as \u003c, \u003e, \u0026 (they only occur inside JSON strings), so
// neither "</script>" nor "<!--" can end the block; invalid UTF-8 replaced by
// U+FFFD.
std::string script_safe_json(const nlohmann::json& value);

}  // namespace sweep::reports
