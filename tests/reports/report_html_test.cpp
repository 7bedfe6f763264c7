// report.html: the template filled, report.json embedded as the one data
// source, escaping of hostile strings, no network reference, size. What the
// page's script draws is checked in a browser (tests/browser/render_report.sh).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

#include "reports/assets/assets.hpp"
#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/synthetic_helpers.hpp"

using namespace sweep::reports;
using namespace sweep::reports::testing;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t count(std::string_view text, std::string_view needle) {
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

constexpr std::string_view kDataOpen = "<script type=\"application/json\" id=\"report-data\">";

// The text of the embedded data block.
std::string embedded_data(const std::string& html) {
  const auto open = html.find(kDataOpen);
  REQUIRE(open != std::string::npos);
  const auto start = open + kDataOpen.size();
  const auto close = html.find("</script>", start);
  REQUIRE(close != std::string::npos);
  return html.substr(start, close - start);
}

// The page without its data block: what the template and the C++ wrote.
std::string markup_of(const std::string& html) {
  const auto open = html.find(kDataOpen);
  const auto close = html.find("</script>", open);
  return html.substr(0, open) + html.substr(close);
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

TEST_CASE("the embedded assets fit the template", "[report_html]") {
  const std::string_view page = assets::report_html();
  REQUIRE_FALSE(page.empty());
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* placeholder :
       {"{{title}}", "{{style}}", "{{noscript}}", "{{data}}", "{{script}}"}) {
    INFO(placeholder);
    CHECK(count(page, placeholder) == 1);
  }
  CHECK(count(page, "{{") == 5);
  // Inlined, the style and the script must not end their own element early.
  CHECK(lower(assets::report_css()).find("</") == std::string::npos);
  CHECK(lower(assets::report_js()).find("</") == std::string::npos);
  CHECK(assets::report_js().find("<!--") == std::string::npos);
  // Text from the data reaches the page through textContent only: no API that parses markup.
  for (const char* api : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                          "new Function", "DOMParser", "createContextualFragment"}) {
    INFO(api);
    CHECK(assets::report_js().find(api) == std::string::npos);
  }
}

TEST_CASE("report.html embeds report.json as the page's data", "[report_html]") {
  const nlohmann::json report = build_report(spirals_like_sweep());
  const std::string html = render_html(report);
  const nlohmann::json data = nlohmann::json::parse(embedded_data(html));
  CHECK(data == html_page_data(report));
  // The small sections as they are; the trials and the ranking as columns.
  CHECK(data.at("best") == report.at("best"));
  CHECK(data.at("warnings") == report.at("warnings"));
  CHECK(data.at("advice") == report.at("advice"));
  const nlohmann::json& trials = data.at("trials");
  REQUIRE(trials.at("count") == report.at("trials").size());
  std::size_t clause_uses = 0;
  for (std::size_t i = 0; i < report.at("trials").size(); ++i) {
    const nlohmann::json& full = report.at("trials").at(i);
    CHECK(trials.at("id").at(i) == full.at("id"));
    CHECK(trials.at("status").at(i) == full.at("status"));
    CHECK(trials.at("objective").at(i) == full.at("objective"));
    CHECK(trials.at("label").at(i) == full.at("diagnosis").at("label"));
    std::string reason;
    for (const nlohmann::json& k : trials.at("reason").at(i))
      reason += trials.at("reason_clauses").at(k.get<std::size_t>()).get<std::string>();
    CHECK(reason == full.at("diagnosis").at("reason"));
    clause_uses += trials.at("reason").at(i).size();
    CHECK(trials.at("params").at("learning_rate").at(i) == full.at("params").at("learning_rate"));
    CHECK(trials.at("epochs").at(i) == full.at("curves").at("epoch").size());
    // 10 configurations of at most 12 per optimizer: every trial's curves drawn,
    // to 4 significant digits, without the loss traces.
    const nlohmann::json& page = data.at("curves").at(std::to_string(full.at("id").get<int>()));
    CHECK_FALSE(page.contains("loss_trace"));
    CHECK(page.at("epoch") == full.at("curves").at("epoch"));
    const nlohmann::json& loss = full.at("curves").at("loss");
    for (std::size_t e = 0; e < loss.size(); ++e) {
      if (!loss.at(e).is_number()) {
        CHECK(page.at("loss").at(e).is_null());
        continue;
      }
      CHECK(page.at("loss").at(e).get<double>() ==
            Approx(loss.at(e).get<double>()).epsilon(5e-4));  // 4 significant digits
    }
  }
  // Clauses that trials share ("... while the best rate, ...") are listed once.
  CHECK(trials.at("reason_clauses").size() < clause_uses);
  CHECK(data.at("envelopes").empty());
  const nlohmann::json& ranking = data.at("ranking");
  REQUIRE(ranking.at("rank").size() == report.at("ranking").size());
  for (std::size_t k = 0; k < report.at("ranking").size(); ++k) {
    const nlohmann::json& entry = report.at("ranking").at(k);
    CHECK(ranking.at("mean").at(k) == entry.at("mean"));
    CHECK(ranking.at("optimizer").at(k) == entry.at("config").at("optimizer"));
    CHECK(ranking.at("members").at(k).size() == entry.at("trial_ids").size());
  }
}

TEST_CASE("a large random search's page holds columns, its best curves and envelopes",
          "[report_html]") {
  const nlohmann::json report = build_report(random_search_sweep(3000, 2, 3));
  const nlohmann::json data = html_page_data(report);
  CHECK(data.at("trials").at("id").size() == 3000);
  // Per optimizer its 5 best configurations and one trial of each other label.
  const auto drawn = data.at("curves").size();
  CHECK(drawn >= 15);
  CHECK(drawn <= std::size_t{3} * (5 + 10));
  int rest = 0;
  for (const auto& [optimizer, envelope] : data.at("envelopes").items()) {
    INFO(optimizer);
    rest += envelope.at("trials").get<int>();
    const nlohmann::json& loss = envelope.at("loss");
    REQUIRE(loss.at("epoch") == nlohmann::json({1, 2}));
    for (std::size_t e = 0; e < 2; ++e) {
      CHECK(loss.at("lo").at(e).get<double>() <= loss.at("mid").at(e).get<double>());
      CHECK(loss.at("mid").at(e).get<double>() <= loss.at("hi").at(e).get<double>());
    }
  }
  CHECK(rest + static_cast<int>(drawn) == 3000);
  // A fraction of report.json: no configs, traces or per-trial keys.
  CHECK(data.dump().size() * 3 < report.dump().size());
}

TEST_CASE("strings from the spec and the trials are escaped", "[report_html]") {
  const std::string html = render_html(build_report(hostile_sweep()));
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find("<script>alert(2)") == std::string::npos);
  // In the data, as JSON escapes the script reads back; in the markup, as character references.
  CHECK(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)") != std::string::npos);
  CHECK(html.find("bad value \\u003cscript\\u003e") != std::string::npos);
  CHECK(html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; — sweep report</title>") !=
        std::string::npos);
  CHECK(html.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>") != std::string::npos);
  CHECK(html.find("&amp; &lt;!-- comment --&gt; &quot;quoted&quot; &#39;single&#39;") !=
        std::string::npos);
  // Exactly two script elements: the data and the page's own code.
  CHECK(count(lower(html), "<script") == 2);
  CHECK(count(lower(html), "</script") == 2);
  // No comment opener anywhere: none in the template, none in the data.
  CHECK(html.find("<!--") == std::string::npos);
  // The data still reads back to the hostile strings.
  const nlohmann::json data = nlohmann::json::parse(embedded_data(html));
  CHECK(data.at("sweep").at("name") == "<script>alert(1)</script>");
  CHECK(data.at("trials").at("params").at("optimizer").at(0) ==
        "</script><script>alert(2)</script>");
}

TEST_CASE("report.html holds no network reference", "[report_html]") {
  for (const SweepRecord& sweep : {spirals_like_sweep(), hostile_sweep()}) {
    const std::string html = render_html(build_report(sweep));
    for (const std::string& target : references(html)) {
      INFO("reference: " << target);
      CHECK((target.rfind('#', 0) == 0 || target.rfind("data:", 0) == 0));
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
                            "eventsource", "sendbeacon", "import(", "<iframe", "<img",
                            "src=", "url(", ".src", "location", "window.open", "worker("}) {
      INFO(api);
      CHECK(text.find(api) == std::string::npos);
    }
  }
}

TEST_CASE("the network-reference scan catches what it must", "[report_html]") {
  // The scan above is only as good as this: each of these must be reported.
  for (const char* page : {"<img src=\"https://x/y.png\">", "<a href='http://x'>",
                           "<div style=\"background:url(http://x)\">",
                           "<link rel=stylesheet href=//cdn.example/x.css>"}) {
    const auto found = references(page);
    REQUIRE(found.size() == 1);
    CHECK_FALSE(found[0].rfind('#', 0) == 0);
  }
  CHECK(references("<a href=\"#best\">")[0] == "#best");
}

TEST_CASE("report.html: the template filled, a noscript card with the best configuration",
          "[report_html]") {
  const std::string html = render_html(build_report(spirals_like_sweep()));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") !=
        std::string::npos);
  CHECK(html.find("<title>spirals_lr — sweep report</title>") != std::string::npos);
  const std::string markup = markup_of(html);
  CHECK(markup.find("{{") == std::string::npos);
  // The style and the script inlined whole.
  CHECK(html.find(std::string(assets::report_css())) != std::string::npos);
  CHECK(html.find(std::string(assets::report_js())) != std::string::npos);

  // Rendered here, for a reader without JavaScript: the best configuration only.
  const auto noscript = html.find("<noscript>");
  const auto noscript_end = html.find("</noscript>");
  REQUIRE(noscript != std::string::npos);
  REQUIRE(noscript_end != std::string::npos);
  const std::string card = html.substr(noscript, noscript_end - noscript);
  CHECK(card.find("<p class=\"config\">optimizer=adam, learning_rate=1e-2</p>") !=
        std::string::npos);
  CHECK(
      card.find("<span class=\"k\">validation val_accuracy</span><span class=\"v\">0.919</span>") !=
      std::string::npos);
  CHECK(card.find("<span class=\"k\">test accuracy</span>") != std::string::npos);
  CHECK(card.find("<strong>How it was chosen:</strong> each trial is scored by the highest") !=
        std::string::npos);
  CHECK(card.find("The winner is trial #9 at epoch 5.") != std::string::npos);

  // The containers the script fills, and the legend of labels (static, in the template).
  for (const char* id :
       {"id=\"best-body\"", "id=\"heatmap-table\"", "id=\"lr-chart\"", "id=\"curve-panels\"",
        "id=\"trial-table\"", "id=\"trial-filter\"", "id=\"label-legend\"", "id=\"spec-text\""}) {
    INFO(id);
    CHECK(count(markup, id) == 1);
  }
  for (const char* label : {"converged", "overfitting", "stalled", "slow", "oscillating",
                            "saturated", "unstable", "diverged"}) {
    INFO(label);
    CHECK(markup.find(std::string("<dt><span class=\"badge b-") + label + "\">" + label +
                      "</span></dt>") != std::string::npos);
  }
  CHECK(markup.find("<dd>clearly worse at a higher rate; flat at the chance-level loss ln K: too "
                    "high, units died.</dd>") != std::string::npos);
}

TEST_CASE("report.html without a best configuration says so", "[report_html]") {
  SweepRecord sweep = spirals_like_sweep();
  for (TrialRecord& trial : sweep.trials) {
    trial.status = "failed";
    trial.error = "boom";
  }
  const nlohmann::json report = build_report(sweep);
  REQUIRE(report.at("best").is_null());
  const std::string html = render_html(report);
  CHECK(html.find("<p class=\"config\">none: no trial produced a value of val_accuracy</p>") !=
        std::string::npos);
}

TEST_CASE("500 trials x 50 epochs give a report under 5 MB", "[report_html]") {
  const SweepRecord sweep = large_sweep(500, 50);
  REQUIRE(sweep.trials.size() == 500);
  REQUIRE(sweep.trials.back().epochs.size() == 50);
  const std::string html = render_html(build_report(sweep));
  CHECK(html.size() < 5'000'000);
  const nlohmann::json data = nlohmann::json::parse(embedded_data(html));
  CHECK(data.at("trials").at("count") == 500);
  REQUIRE_FALSE(data.at("curves").empty());
  CHECK(data.at("curves").begin()->at("val_loss").size() == 50);
}
