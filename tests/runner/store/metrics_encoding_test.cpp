// Test metrics are stored as a JSON object (encode_metrics_json) and read
// back by decode_metrics_json, which reads the encoder's own output without
// the JSON parser and hands anything else to it. Both ways must agree.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>

#include <fmt/format.h>

#include "runner/store/sqlite/detail/encoding.hpp"
#include "runner/store/sqlite/detail/sqlite_failure.hpp"

using sweep::runner::detail::decode_metrics_json;
using sweep::runner::detail::encode_metrics_json;
using sweep::runner::detail::SqliteFailure;

namespace {

// Equal as stored values: NaN equals NaN, and bit for bit otherwise.
bool same(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  if (a.size() != b.size()) return false;
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
    if (x->first != y->first) return false;
    if (std::isnan(x->second)
            ? !std::isnan(y->second)
            : std::bit_cast<std::uint64_t>(x->second) != std::bit_cast<std::uint64_t>(y->second))
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("test metrics: what is encoded decodes to the same values", "[store]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::map<std::string, double> metrics = {{"accuracy", 0.31666666666666665},
                                                 {"confusion[0][0]", 2.0},
                                                 {"confusion[10][2]", 0.0},
                                                 {"loss", std::numeric_limits<double>::quiet_NaN()},
                                                 {"max", std::numeric_limits<double>::max()},
                                                 {"min", std::numeric_limits<double>::denorm_min()},
                                                 {"minus zero", -0.0},
                                                 {"negative", -1.5e-7},
                                                 {"plus", inf},
                                                 {"minus", -inf},
                                                 {"big", 9007199254740993.0},
                                                 {"name \"quoted\" \\ and\ttab", 1.0},
                                                 {"", 3.0}};
  CHECK(same(decode_metrics_json(encode_metrics_json(metrics)), metrics));
  CHECK(decode_metrics_json("").empty());
  CHECK(decode_metrics_json("{}").empty());

  // Seeded random values: the plain reading gives what the JSON parser gives
  // (the same text with a space in front goes to the parser).
  std::mt19937_64 random(17);
  std::uniform_real_distribution<double> exponent(-300.0, 300.0);
  for (int round = 0; round < 200; ++round) {
    std::map<std::string, double> values;
    for (int i = 0; i < 12; ++i)
      values[fmt::format("m{}", i)] = (random() % 2 ? 1.0 : -1.0) *
                                      std::pow(10.0, exponent(random)) *
                                      std::uniform_real_distribution<double>(1.0, 10.0)(random);
    values["count"] = static_cast<double>(random() % 100000);
    const std::string text = encode_metrics_json(values);
    const auto plain = decode_metrics_json(text);
    const auto parsed = decode_metrics_json(fmt::format(" {}", text));
    REQUIRE(same(plain, values));
    REQUIRE(same(parsed, values));
  }
}

TEST_CASE("test metrics: text that is not a stored object of numbers is refused", "[store]") {
  CHECK(decode_metrics_json(R"({"a": 1, "b":"nan"})").size() == 2);  // spaces: still JSON
  CHECK(decode_metrics_json(R"({"a":1,"a":2})").at("a") == 2.0);     // the last one counts
  CHECK_THROWS_WITH(decode_metrics_json(R"({"a":"x"})"), "test metric \"a\" is not a number");
  CHECK_THROWS_WITH(decode_metrics_json(R"({"a":{"b":1}})"), "test metric \"a\" is not a number");
  for (const char* corrupt :
       {R"([1,2])", R"({"a":01})", R"({"a":1.})", R"({"a":.5})", R"({"a":-inf})", R"({"a":1)",
        R"({"a":1,})", R"({"a" 1})", R"({"a":1}x)", "{\"a\nb\":1}", R"({"a":1e})", "nan"})
    CHECK_THROWS_WITH(decode_metrics_json(corrupt), "test metrics are not a json object");
  int code = 0;
  try {
    decode_metrics_json(R"({"a":01})");
  } catch (const SqliteFailure& failure) {
    code = failure.code();
  }
  CHECK(code == 11);  // SQLITE_CORRUPT
}
