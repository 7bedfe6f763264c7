#include "reports/report_html.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

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

const json& field(const json& object, const char* key) {
  static const json empty = json::object();
  if (!object.is_object()) return empty;
  const auto it = object.find(key);
  return it == object.end() ? empty : *it;
}

json rounded(const json& values) {
  json out = json::array();
  for (const json& v : values)
    out.push_back(v.is_number_float() ? json_number(round_significant(v.get<double>(), 4)) : v);
  return out;
}

// Which trials' curves the page draws, per optimizer: every one when it has
// at most kAllCurves configurations; else the trials of its kTopConfigs best
// configurations and, for each other diagnosis label, its best-ranked trial
// with that label (too low, too high: the lesson stays visible), the rest
// drawn as one envelope per series.
constexpr std::size_t kAllCurves = 12;
constexpr std::size_t kTopConfigs = 5;
constexpr const char* kCurveSeries[] = {"loss", "val_loss", "accuracy", "val_accuracy"};

// The 10th, 50th and 90th percentiles of each epoch's values.
json envelope_of(std::map<int, std::vector<double>>& by_epoch) {
  json out = {{"epoch", json::array()},
              {"lo", json::array()},
              {"mid", json::array()},
              {"hi", json::array()}};
  for (auto& entry : by_epoch) {
    // Named, not a structured binding: clang 14 cannot capture one in a lambda.
    const int epoch = entry.first;
    std::vector<double>& values = entry.second;
    if (values.empty()) continue;
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) {
      const double v = values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
      return json_number(round_significant(v, 4));
    };
    out["epoch"].push_back(epoch);
    out["lo"].push_back(at(0.1));
    out["mid"].push_back(at(0.5));
    out["hi"].push_back(at(0.9));
  }
  return out;
}

void add_curves(json& data, const json& trials, const json& ranking,
                const std::unordered_map<std::int64_t, std::size_t>& index_of) {
  std::map<std::string, std::vector<const json*>> configs;  // per optimizer, best first
  for (const json& entry : ranking)
    configs[field(entry, "config").value("optimizer", std::string())].push_back(&entry);
  std::vector<char> shown(trials.size(), 0);
  for (const auto& [optimizer, entries] : configs) {
    const bool all = entries.size() <= kAllCurves;
    std::set<std::string> labels;
    for (std::size_t k = 0; k < entries.size(); ++k) {
      for (const json& id : field(*entries[k], "trial_ids")) {
        const auto found = index_of.find(id.is_number_integer() ? id.get<std::int64_t>() : 0);
        if (found == index_of.end()) continue;
        const std::string label =
            field(trials[found->second], "diagnosis").value("label", std::string());
        if (all || k < kTopConfigs || labels.count(label) == 0) {
          shown[found->second] = 1;
          labels.insert(label);
        }
      }
    }
  }
  json curves = json::object();
  std::map<std::string, std::map<std::string, std::map<int, std::vector<double>>>> rest;
  std::map<std::string, std::map<std::string, int>> rest_labels;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const json& t = trials[i];
    const json& c = field(t, "curves");
    if (shown[i] != 0) {
      json drawn = json::object();
      for (const auto& [name, values] : c.items())
        if (name != "learning_rate" && name != "seconds") drawn[name] = rounded(values);
      curves[std::to_string(t.value("id", std::int64_t{0}))] = std::move(drawn);
      continue;
    }
    const std::string optimizer = field(t, "params").value("optimizer", std::string());
    ++rest_labels[optimizer][field(t, "diagnosis").value("label", std::string())];
    const json& epochs = field(c, "epoch");
    for (const char* name : kCurveSeries) {
      const json& values = field(c, name);
      if (!values.is_array()) continue;
      auto& series = rest[optimizer][name];
      for (std::size_t e = 0; e < values.size() && e < epochs.size(); ++e)
        if (values[e].is_number() && epochs[e].is_number_integer())
          series[epochs[e].get<int>()].push_back(values[e].get<double>());
    }
  }
  json envelopes = json::object();
  for (auto& [optimizer, series] : rest) {
    json entry = {{"labels", rest_labels[optimizer]}};
    int count = 0;
    for (const auto& [label, n] : rest_labels[optimizer]) count += n;
    entry["trials"] = count;
    for (auto& [name, by_epoch] : series) entry[name] = envelope_of(by_epoch);
    envelopes[optimizer] = std::move(entry);
  }
  data["curves"] = std::move(curves);
  data["envelopes"] = std::move(envelopes);

  // The rung chart: each trial's best objective so far at every rung epoch it
  // reached (and at the last epoch trained).
  const json& pruning = field(data, "pruning");
  if (!pruning.contains("rungs") || !pruning["rungs"].is_array()) return;
  std::set<int> rung_epochs;
  for (const json& rung : pruning["rungs"])
    if (rung.contains("epoch") && rung["epoch"].is_number_integer())
      rung_epochs.insert(rung["epoch"].get<int>());
  if (rung_epochs.empty()) return;
  const std::string metric = field(data, "objective").value("metric", std::string());
  const bool maximize = field(data, "objective").value("direction", std::string()) != "minimize";
  int last = 0;
  for (const json& t : trials)
    for (const json& e : field(field(t, "curves"), "epoch"))
      if (e.is_number_integer()) last = std::max(last, e.get<int>());
  std::vector<int> xs(rung_epochs.begin(), rung_epochs.end());
  if (last > xs.back()) xs.push_back(last);
  json values = json::array();
  for (const json& t : trials) {
    const json& c = field(t, "curves");
    const json& epochs = field(c, "epoch");
    const json& ys = field(c, metric.c_str());
    json row = json::array();
    int reached = 0;
    for (const json& e : epochs)
      if (e.is_number_integer()) reached = std::max(reached, e.get<int>());
    for (int x : xs) {
      if (reached < x) break;
      std::optional<double> best;
      for (std::size_t i = 0; i < epochs.size() && i < ys.size(); ++i)
        if (epochs[i].is_number_integer() && epochs[i].get<int>() <= x && ys[i].is_number()) {
          const double v = ys[i].get<double>();
          if (!best || (maximize ? v > *best : v < *best)) best = v;
        }
      row.push_back(best ? json_number(round_significant(*best, 4)) : json(nullptr));
    }
    values.push_back(std::move(row));
  }
  data["rung_chart"] = {{"epochs", xs}, {"values", std::move(values)}};
}

}  // namespace

// Diagnosis reasons share most of their clauses across trials ("... while
// the best rate, 3.39e-1, reached 0.917 val_accuracy ...": one per
// optimizer): each reason goes to the page as the indices of its clauses in
// one list of distinct ones, cut before "; ", ": " and " while " (at
// 100,000 trials, 6.7 MB instead of 24 MB of a 41 MB page).
class ReasonClauses {
 public:
  json indices(const std::string& reason) {
    json out = json::array();
    std::size_t start = 0;
    while (start < reason.size()) {
      std::size_t end = reason.size();
      for (const std::string_view cut : {"; ", ": ", " while "})
        end = std::min(end, reason.find(cut, start + 1));
      const std::string_view clause(reason.data() + start, end - start);
      const auto [at, added] = index_.try_emplace(clause, clauses_.size());
      if (added) clauses_.push_back(clause);
      out.push_back(at->second);
      start = end;
    }
    return out;
  }
  json clauses() const { return json(clauses_); }

 private:
  std::unordered_map<std::string_view, std::size_t> index_;  // views into the report
  std::vector<std::string_view> clauses_;
};

json html_page_data(const json& report) {
  json data = json::object();
  // Small sections as they are.
  for (const char* key :
       {"schema_version", "sweep", "objective", "best", "pruning", "warnings", "advice"})
    if (report.contains(key)) data[key] = report[key];
  static const json empty = json::array();
  const json& trials = report.contains("trials") ? report["trials"] : empty;
  const json& ranking = report.contains("ranking") ? report["ranking"] : empty;

  // Trials as columns.
  std::unordered_map<std::int64_t, std::size_t> index_of;
  index_of.reserve(trials.size());
  json ids = json::array();
  json repeats = json::array();
  json statuses = json::array();
  json errors = json::array();
  json objectives = json::array();
  json best_epochs = json::array();
  json epochs = json::array();
  json labels = json::array();
  json directions = json::array();
  json reasons = json::array();
  ReasonClauses clauses;
  json divergences = json::array();
  json params = json::object();
  std::vector<std::string> param_keys;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const json& t = trials[i];
    index_of[t.value("id", std::int64_t{0})] = i;
    ids.push_back(t.value("id", json(nullptr)));
    repeats.push_back(t.value("repeat", json(nullptr)));
    statuses.push_back(t.value("status", json("")));
    errors.push_back(t.value("error", json("")));
    objectives.push_back(t.value("objective", json(nullptr)));
    best_epochs.push_back(t.value("best_epoch", json(nullptr)));
    const json& curves = field(t, "curves");
    epochs.push_back(curves.contains("epoch") ? curves["epoch"].size() : 0);
    const json& diagnosis = field(t, "diagnosis");
    labels.push_back(diagnosis.value("label", json("")));
    directions.push_back(diagnosis.value("direction", json(nullptr)));
    const auto reason = diagnosis.find("reason");
    reasons.push_back(reason != diagnosis.end() && reason->is_string()
                          ? clauses.indices(reason->get_ref<const std::string&>())
                          : json::array());
    divergences.push_back(t.value("divergence", json(nullptr)));
    for (const auto& [key, value] : field(t, "params").items()) {
      if (!params.contains(key)) {
        params[key] = json::array();
        param_keys.push_back(key);
      }
      json& column = params[key];
      while (column.size() < i) column.push_back(nullptr);
      column.push_back(value);
    }
  }
  for (const std::string& key : param_keys)
    while (params[key].size() < trials.size()) params[key].push_back(nullptr);
  data["trials"] = {{"count", trials.size()},
                    {"id", std::move(ids)},
                    {"repeat", std::move(repeats)},
                    {"status", std::move(statuses)},
                    {"error", std::move(errors)},
                    {"objective", std::move(objectives)},
                    {"best_epoch", std::move(best_epochs)},
                    {"epochs", std::move(epochs)},
                    {"label", std::move(labels)},
                    {"direction", std::move(directions)},
                    {"reason", std::move(reasons)},
                    {"reason_clauses", clauses.clauses()},
                    {"divergence", std::move(divergences)},
                    {"params", std::move(params)}};

  // The ranking as columns, each configuration with its trials' commonest label.
  json rank_columns = {
      {"rank", json::array()},  {"optimizer", json::array()}, {"learning_rate", json::array()},
      {"mean", json::array()},  {"min", json::array()},       {"max", json::array()},
      {"n", json::array()},     {"trials", json::array()},    {"status", json::array()},
      {"label", json::array()}, {"members", json::array()}};
  for (const json& entry : ranking) {
    const json& config = field(entry, "config");
    rank_columns["rank"].push_back(entry.value("rank", json(nullptr)));
    rank_columns["optimizer"].push_back(config.value("optimizer", json("")));
    rank_columns["learning_rate"].push_back(config.value("learning_rate", json(nullptr)));
    for (const char* key : {"mean", "min", "max", "n", "trials", "status"})
      rank_columns[key].push_back(entry.value(key, json(nullptr)));
    // Labels in the order of the trials (repeat order): a tie goes to the first.
    std::vector<std::pair<std::string, int>> counts;
    json members = json::array();
    for (const json& id : field(entry, "trial_ids")) {
      const auto found = index_of.find(id.is_number_integer() ? id.get<std::int64_t>() : 0);
      if (found == index_of.end()) continue;
      members.push_back(found->second);
      const auto& name = data["trials"]["label"][found->second].get_ref<const std::string&>();
      auto at = std::find_if(counts.begin(), counts.end(),
                             [&](const auto& count) { return count.first == name; });
      if (at == counts.end()) at = counts.insert(counts.end(), {name, 0});
      ++at->second;
    }
    std::string label;
    int most = 0;
    for (const auto& [name, n] : counts)
      if (n > most) {
        label = name;
        most = n;
      }
    rank_columns["label"].push_back(label);
    rank_columns["members"].push_back(std::move(members));  // indices into the trial columns
  }
  data["ranking"] = std::move(rank_columns);
  add_curves(data, trials, ranking, index_of);
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

namespace {

// Serializer output appended to a string with '<', '>' and '&' escaped on the
// way (script_safe_json), so the text is never copied a second time.
class ScriptSafeWriter final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit ScriptSafeWriter(std::string& out) : out_(out) {}
  void write_character(char c) override {
    switch (c) {
      case '<':
        out_ += "\\u003c";
        break;
      case '>':
        out_ += "\\u003e";
        break;
      case '&':
        out_ += "\\u0026";
        break;
      default:
        out_ += c;
    }
  }
  void write_characters(const char* s, std::size_t length) override {
    std::size_t plain = 0;  // start of the run not yet appended
    for (std::size_t i = 0; i < length; ++i) {
      if (s[i] != '<' && s[i] != '>' && s[i] != '&') continue;
      out_.append(s + plain, i - plain);
      write_character(s[i]);
      plain = i + 1;
    }
    out_.append(s + plain, length - plain);
  }

 private:
  std::string& out_;
};

}  // namespace

std::string script_safe_json(const json& value) {
  std::string out;
  nlohmann::detail::serializer<json> serializer(std::make_shared<ScriptSafeWriter>(out), ' ',
                                                json::error_handler_t::replace);
  serializer.dump(value, false, false, 0);
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
