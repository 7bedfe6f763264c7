// report.html: escaping of hostile strings, no network reference, content, size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Every src=, href= and url( target in the page, in lower case, quotes removed.
std::vector<std::string> references(const std::string& html) {
  std::vector<std::string> found;
  const std::string text = lower(html);
  static const std::regex attribute(
      R"((?:src|href|action|poster|srcset)\s*=\s*(["']?)([^"'\s>]*))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), attribute);
       it != std::sregex_iterator(); ++it)
    found.push_back((*it)[2].str());
  static const std::regex url(R"(url\s*\(\s*(["']?)([^"')\s]*))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), url); it != std::sregex_iterator();
       ++it)
    found.push_back((*it)[2].str());
  return found;
}

SweepRecord hostile_sweep() {
  SweepRecord sweep = spirals_like_sweep();
  const std::string evil = "<script>alert(1)</script>";
  sweep.name = evil;
  sweep.description = evil + " & <!-- comment --> \"quoted\" 'single'";
  sweep.host = evil;
  sweep.spec["description"] = evil;
  sweep.trials[0].params["optimizer"] = "</script><script>alert(2)</script>";
  sweep.trials[1].params["activation"] = evil;
  sweep.trials[2].status = "failed";
  sweep.trials[2].error = "bad value " + evil;
  sweep.swept.push_back(evil);
  return sweep;
}

}  // namespace

TEST_CASE("html_escape escapes the five special characters", "[report_html]") {
  CHECK(html_escape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(html_escape("plain text") == "plain text");
}

TEST_CASE("script_safe_json cannot close the script block", "[report_html]") {
  const nlohmann::json value = {{"name", "</script><!-- x --> & y"}};
  const std::string text = script_safe_json(value);
  CHECK(text == R"({"name":"\u003c/script\u003e\u003c!-- x --\u003e \u0026 y"})");
  CHECK(nlohmann::json::parse(text) == value);
}

TEST_CASE("strings from the spec and the trials are escaped", "[report_html]") {
  const std::string html = render_html(build_report(hostile_sweep()));
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find("<script>alert(2)") == std::string::npos);
  CHECK(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; — sweep report</title>") !=
        std::string::npos);
  CHECK(html.find("bad value &lt;script&gt;") != std::string::npos);
  CHECK(html.find("&amp; &lt;!-- comment --&gt; &quot;quoted&quot; &#39;single&#39;") !=
        std::string::npos);
  // Exactly two script elements: the JSON data and the page's own code.
  CHECK(count(lower(html), "<script") == 2);
  CHECK(count(lower(html), "</script") == 2);
  // No comment opener outside the page's own markup.
  CHECK(html.find("<!--") == std::string::npos);
}

TEST_CASE("report.html holds no network reference", "[report_html]") {
  for (const SweepRecord& sweep : {spirals_like_sweep(), hostile_sweep()}) {
    const std::string html = render_html(build_report(sweep));
    for (const std::string& target : references(html)) {
      INFO("reference: " << target);
      CHECK((target.rfind("#", 0) == 0 || target.rfind("data:", 0) == 0));
    }
    // The only absolute URL is the SVG namespace, an identifier that is never fetched.
    const std::string svg_namespace = "http://www.w3.org/2000/svg";
    std::string rest = html;
    for (auto at = rest.find(svg_namespace); at != std::string::npos; at = rest.find(svg_namespace))
      rest.erase(at, svg_namespace.size());
    const std::string text = lower(rest);
    CHECK(text.find("http://") == std::string::npos);
    CHECK(text.find("https://") == std::string::npos);
    CHECK(text.find("//cdn") == std::string::npos);
    for (const char* api : {"<link", "@import", "fetch(", "xmlhttprequest", "websocket",
                            "eventsource", "sendbeacon", "import(", "<iframe", "<img"})
      CHECK(text.find(api) == std::string::npos);
  }
}

TEST_CASE("the network-reference scan catches what it must", "[report_html]") {
  // The scan above is only as good as this: each of these must be reported.
  for (const char* page : {"<img src=\"https://x/y.png\">", "<a href='http://x'>",
                           "<div style=\"background:url(http://x)\">",
                           "<link rel=stylesheet href=//cdn.example/x.css>"}) {
    const auto found = references(page);
    REQUIRE(found.size() == 1);
    CHECK_FALSE(found[0].rfind("#", 0) == 0);
  }
  CHECK(references("<a href=\"#best\">")[0] == "#best");
}

TEST_CASE("report.html shows the best configuration, heatmap, charts and table", "[report_html]") {
  const SweepRecord sweep = spirals_like_sweep();
  const std::string html = render_html(build_report(sweep));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") !=
        std::string::npos);
  CHECK(
      html.find("<p class=\"config\" id=\"best-config\">optimizer=adam, learning_rate=1e-2</p>") !=
      std::string::npos);
  CHECK(html.find("<span class=\"k\">validation val_accuracy</span><span class=\"v\" "
                  "id=\"best-value\">0.919</span>") != std::string::npos);
  CHECK(html.find("<span class=\"k\">test accuracy</span>") != std::string::npos);
  CHECK(html.find("<strong>How it was chosen:</strong> each trial is scored by the highest") !=
        std::string::npos);
  for (const char* id : {"id=\"heatmap\"", "id=\"lr-chart\"", "id=\"curve-panels\"",
                         "id=\"trial-table\"", "id=\"trial-filter\"", "id=\"sweep-data\""})
    CHECK(html.find(id) != std::string::npos);
  // The diverged sgd 10 cell is marked, the saturated adam 1e-1 cell labelled.
  CHECK(html.find("title=\"sgd · learning rate 10 · 1 of 1 trials diverged\">✕ diverged</td>") !=
        std::string::npos);
  CHECK(html.find("<small>saturated</small>") != std::string::npos);
  // One table row per trial, with its status and diagnosis.
  CHECK(count(html, "<tr data-status=") == sweep.trials.size());
  CHECK(html.find("<span class=\"badge b-stalled\">stalled</span>") != std::string::npos);
  CHECK(html.find("<li>1 of 10 trials diverged: sgd at learning_rate 10</li>") !=
        std::string::npos);
}

TEST_CASE("500 trials x 50 epochs give a report under 5 MB", "[report_html]") {
  const SweepRecord sweep = large_sweep(500, 50);
  REQUIRE(sweep.trials.size() == 500);
  REQUIRE(sweep.trials.back().epochs.size() == 50);
  const std::string html = render_html(build_report(sweep));
  CHECK(html.size() < 5'000'000);
  CHECK(count(html, "<tr data-status=") == 500);
  // 50 distinct rates per optimizer: the heatmap bins them by half decade (11 columns).
  CHECK(html.find("rates grouped by half decade") != std::string::npos);
  CHECK(html.find("<th>≈1e-5</th>") != std::string::npos);
}
