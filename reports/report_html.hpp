// report.html: one self-contained page rendered from report.json (the value
// build_report returns). Inline CSS, inline SVG drawn by a little vanilla
// JavaScript from one embedded JSON blob, no network reference of any kind
// (no src, href or url() other than "#..."). Every string from the spec or the
// trials is HTML-escaped; the embedded JSON has '<', '>' and '&' written as
// \u003c, \u003e and \u0026 so "</script>" and "<!--" cannot end the block.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sweep::reports {

std::string render_html(const nlohmann::json& report);

// & < > " ' as character references; safe in text and quoted attributes.
std::string html_escape(std::string_view text);

// JSON text safe inside <script type="application/json">: '<', '>' and '&'
// escaped as \u003c, \u003e, \u0026 (they only occur inside JSON strings);
// invalid UTF-8 replaced by U+FFFD.
std::string script_safe_json(const nlohmann::json& value);

}  // namespace sweep::reports
