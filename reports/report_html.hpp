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

// The data embedded in the page: report.json less each trial's loss_trace (the
// page does not draw it, and it is most of report.json's size), with the
// curves' real numbers rounded to 4 significant digits. The same keys
// otherwise, so the page reads report.json's documented schema.
nlohmann::json html_page_data(const nlohmann::json& report);

// & < > " ' as character references; safe in text and quoted attributes.
std::string html_escape(std::string_view text);

// JSON text safe inside <script type="application/json">: '<', '>' and '&'
// escaped as \u003c, \u003e, \u0026 (they only occur inside JSON strings), so
// neither "</script>" nor "<!--" can end the block; invalid UTF-8 replaced by
// U+FFFD.
std::string script_safe_json(const nlohmann::json& value);

}  // namespace sweep::reports
