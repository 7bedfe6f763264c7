// Number formatting shared by the JSON and HTML reports and the diagnosis
// sentences: short, human numbers ("0.87", "1e-3", "42 %"), and JSON numbers
// that turn non-finite values into null so a NaN loss never breaks report.json.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sweep::reports {

// Three significant digits ("0.873", "12.4", "1.5e-05" -> "1.5e-5"); "nan", "inf".
std::string format_value(double value);

// Learning rates the way people write them: "1e-3", "3e-4", "0.5" is "5e-1";
// rates from 1 to 999 as plain numbers ("1", "10"). `digits` significant
// digits at most (trailing zeros dropped).
std::string format_learning_rate(double rate, int digits = 3);

// The rates as format_learning_rate writes them, with the fewest significant
// digits (3 at least) at which rates that differ print differently: a
// random search's neighbours 0.020213 and 0.020241 are "2.021e-2" and
// "2.024e-2", not "2.02e-2" twice.
std::vector<std::string> format_learning_rates_apart(const std::vector<double>& rates);

// A fraction as a rounded percentage: 0.034 -> "3 %".
std::string format_percent(double fraction);

// The value as a JSON number, or null when it is NaN or infinite.
nlohmann::json json_number(double value);

// The value rounded to `digits` significant digits (non-finite values unchanged);
// keeps the embedded data of the HTML report small.
double round_significant(double value, int digits);

}  // namespace sweep::reports

namespace sweep::reports {

// The swept params as one line: "optimizer=sgd, learning_rate=1e-1, batch_size=32";
// optimizer and learning_rate first, then the rest in key order.
std::string describe_config(const nlohmann::json& params);

}  // namespace sweep::reports
