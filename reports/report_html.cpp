#include "reports/report_html.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "reports/assets/assets.hpp"
#include "reports/format.hpp"

namespace sweep::reports {
namespace {

using nlohmann::json;

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string value_text(const json& value) {
  return value.is_number() ? format_value(value.get<double>()) : "–";
}

// What a reader without JavaScript sees: the sweep's name and its best
// configuration. The page's script draws the same card (and everything else)
// from the embedded data.
std::string noscript_card(const json& report) {
  const json& sweep = report.at("sweep");
  const json& objective = report.at("objective");
  const std::string metric = html_escape(text_of(objective.value("metric", json(""))));
  std::string out;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "<header><h1>{}</h1>", html_escape(text_of(sweep.value("name", json("")))));
  const std::string description = text_of(sweep.value("description", json("")));
  if (!description.empty())
    fmt::format_to(to, "<p class=\"description\">{}</p>", html_escape(description));
  out += "</header><section class=\"card best\" id=\"best-static\"><h2>Best configuration</h2>";
  const json& best = report.at("best");
  if (best.is_null()) {
    fmt::format_to(to, "<p class=\"config\">none: no trial produced a value of {}</p>", metric);
  } else {
    fmt::format_to(to, "<p class=\"config\">{}</p><div class=\"scores\">",
                   html_escape(describe_config(best.at("config"))));
    const int n = best.value("n", 1);
    fmt::format_to(
        to,
        "<div class=\"score\"><span class=\"k\">validation {}</span><span class=\"v\">{}</span>{}",
        metric, value_text(best.value("objective", json(nullptr))),
        n > 1 ? fmt::format(" <small>± {} over {} repeats</small>",
                            value_text(best.value("std", json(nullptr))), n)
              : "");
    out += "</div>";
    const json tests = best.value("test_metrics", json::object());
    for (const auto& [name, value] : tests.items())
      fmt::format_to(to,
                     "<div class=\"score test\"><span class=\"k\">test {}</span><span "
                     "class=\"v\">{}</span></div>",
                     html_escape(name), value_text(value));
    fmt::format_to(to,
                   "</div><p><strong>How it was chosen:</strong> {}. The winner is trial #{} at "
                   "epoch {}.</p>",
                   html_escape(text_of(objective.value("rule", json("")))),
                   html_escape(text_of(best.value("trial_id", json("")))),
                   html_escape(text_of(best.value("best_epoch", json("")))));
  }
  out +=
      "</section><p class=\"muted\">The heatmap, the charts and the table of every trial are "
      "drawn by JavaScript; report.json, written with this page, holds the same data.</p>";
  return out;
}

// The template with each {{name}} replaced by its value, in one pass, so a
// value is never searched for placeholders.
std::string fill_template(
    std::string_view page,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  std::size_t size = page.size();
  for (const auto& [name, value] : values) size += value.size();
  out.reserve(size);
  std::size_t at = 0;
  for (auto open = page.find("{{"); open != std::string_view::npos; open = page.find("{{", at)) {
    const auto close = page.find("}}", open);
    if (close == std::string_view::npos) break;
    const std::string_view name = page.substr(open + 2, close - open - 2);
    const auto* value = std::find_if(values.begin(), values.end(),
                                     [&](const auto& entry) { return entry.first == name; });
    if (value == values.end())
      throw std::logic_error(
          fmt::format("report.html template: unknown placeholder {{{{{}}}}}", name));
    out.append(page.substr(at, open - at));
    out.append(value->second);
    at = close + 2;
  }
  out.append(page.substr(at));
  return out;
}

}  // namespace

json html_page_data(const json& report) {
  json data = report;
  if (!data.contains("trials")) return data;
  for (json& trial : data.at("trials")) {
    trial.erase("loss_trace");
    if (!trial.contains("curves")) continue;
    for (auto& [name, values] : trial.at("curves").items())
      for (json& v : values)
        if (v.is_number_float()) v = json_number(round_significant(v.get<double>(), 4));
  }
  return data;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string script_safe_json(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string render_html(const json& report) {
  const std::string title = html_escape(text_of(report.at("sweep").value("name", json(""))));
  const std::string noscript = noscript_card(report);
  const std::string data = script_safe_json(html_page_data(report));
  return fill_template(assets::report_html(), {{"title", title},
                                               {"style", assets::report_css()},
                                               {"noscript", noscript},
                                               {"data", data},
                                               {"script", assets::report_js()}});
}

}  // namespace sweep::reports
