#include "reports/format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace sweep::reports {
namespace {

// "1.5e-05" -> "1.5e-5", "1e+01" -> "1e1": the exponent without padding.
std::string tidy_exponent(std::string text) {
  const auto e = text.find('e');
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e);
  std::string exponent = text.substr(e + 1);
  bool negative = false;
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    negative = exponent[0] == '-';
    exponent.erase(0, 1);
  }
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  return mantissa + "e" + (negative ? "-" : "") + exponent;
}

}  // namespace

std::string format_value(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return tidy_exponent(fmt::format("{:.3g}", value));
}

std::string format_learning_rate(double rate, int digits) {
  if (!std::isfinite(rate)) return format_value(rate);
  if (rate == 0.0) return "0";
  if (std::fabs(rate) >= 1.0 && std::fabs(rate) < 1000.0)
    return fmt::format("{:.{}g}", rate, digits);
  // "1.00e-03" -> "1e-3", "3.50e-04" -> "3.5e-4".
  const std::string text = tidy_exponent(fmt::format("{:.{}e}", rate, digits - 1));
  const auto e = text.find('e');
  std::string mantissa = text.substr(0, e);
  while (mantissa.back() == '0') mantissa.pop_back();
  if (mantissa.back() == '.') mantissa.pop_back();
  return mantissa + text.substr(e);
}

std::vector<std::string> format_learning_rates_apart(const std::vector<double>& rates) {
  std::vector<std::string> texts;
  // 17 significant digits tell any two doubles apart.
  for (int digits = 3; digits <= 17; ++digits) {
    texts.clear();
    for (const double rate : rates) texts.push_back(format_learning_rate(rate, digits));
    bool apart = true;
    for (std::size_t i = 0; i < rates.size() && apart; ++i)
      for (std::size_t j = i + 1; j < rates.size() && apart; ++j)
        apart = rates[i] == rates[j] || texts[i] != texts[j];
    if (apart) break;
  }
  return texts;
}

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return format_value(fraction);
  return fmt::format("{:.0f} %", fraction * 100.0);
}

nlohmann::json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

double round_significant(double value, int digits) {
  if (!std::isfinite(value) || value == 0.0) return value;
  const double magnitude = std::floor(std::log10(std::fabs(value)));
  const double scale = std::pow(10.0, digits - 1 - magnitude);
  return std::round(value * scale) / scale;
}

}  // namespace sweep::reports

namespace sweep::reports {

std::string describe_config(const nlohmann::json& params) {
  if (!params.is_object()) return params.dump();
  std::string text;
  auto add = [&](const std::string& key, const nlohmann::json& value) {
    if (!text.empty()) text += ", ";
    std::string shown;
    if (value.is_string()) {
      shown = value.get<std::string>();
    } else if (value.is_number() && key == "learning_rate") {
      shown = format_learning_rate(value.get<double>());
    } else if (value.is_number_float()) {
      shown = format_value(value.get<double>());
    } else {
      shown = value.dump();
    }
    text += key + "=" + shown;
  };
  for (const char* first : {"optimizer", "learning_rate"})
    if (params.contains(first)) add(first, params.at(first));
  for (const auto& [key, value] : params.items())
    if (key != "optimizer" && key != "learning_rate") add(key, value);
  return text;
}

}  // namespace sweep::reports
