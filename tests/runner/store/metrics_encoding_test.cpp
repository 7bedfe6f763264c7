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

TEST_CASE("test metrics: a full matrix of cells is stored as one array of rows", "[store]") {
  // Ten classes' confusion counts, as a trial's test metrics hold them.
  std::map<std::string, double> metrics = {{"accuracy", 0.8634}, {"loss", 0.3921}};
  for (int t = 0; t < 10; ++t)
    for (int p = 0; p < 10; ++p)
      metrics[fmt::format("confusion[{}][{}]", t, p)] = static_cast<double>(t * 10 + p);
  const std::string text = encode_metrics_json(metrics);
  CHECK(text.starts_with(R"({"accuracy":0.8634,"confusion":[[0.0,1.0,2.0,)"));
  CHECK(text.find("],[10.0,11.0,") != std::string::npos);
  CHECK(text.ends_with(R"(98.0,99.0]],"loss":0.3921})"));
  CHECK(text.size() < 700);
  CHECK(same(decode_metrics_json(text), metrics));
  CHECK(same(decode_metrics_json(" " + text), metrics));  // the JSON parser's reading

  // Schema 5 wrote every cell as a member of its own: it reads the same.
  std::string flat = "{";
  for (const auto& [name, value] : metrics)
    flat += fmt::format("{}\"{}\":{}", flat.size() > 1 ? "," : "", name, value);
  flat += "}";
  CHECK(same(decode_metrics_json(flat), metrics));

  // NaN and infinities in a cell; a 1 x 1 and a 2 x 3 matrix.
  const std::map<std::string, double> odd = {{"m[0][0]", std::numeric_limits<double>::quiet_NaN()},
                                             {"w[0][0]", 1.0},
                                             {"w[0][1]", std::numeric_limits<double>::infinity()},
                                             {"w[0][2]", -std::numeric_limits<double>::infinity()},
                                             {"w[1][0]", -0.0},
                                             {"w[1][1]", 2.5},
                                             {"w[1][2]", 3.0}};
  CHECK(encode_metrics_json(odd) == R"({"m":[["nan"]],"w":[[1.0,"inf","-inf"],[-0.0,2.5,3.0]]})");
  CHECK(same(decode_metrics_json(encode_metrics_json(odd)), odd));
}

TEST_CASE("test metrics: cells that do not fill a matrix stay members of their own", "[store]") {
  const std::map<std::string, double> metrics = {
      {"gap[0][0]", 1.0},   {"gap[1][1]", 2.0},       // not a full rectangle
      {"late[1][0]", 3.0},                            // does not start at [0][0]
      {"own", 4.0},         {"own[0][0]", 5.0},       // the base is a metric of its own
      {"zero[01][0]", 6.0}, {"zero[0][0]", 7.0},      // "01" is no index a name writes
      {"[0][0]", 8.0},      {"flat[0]", 9.0},         // no base; one index only
      {"x[0][0]", 10.0},    {"x[0][0][0][0]", 11.0},  // a cell whose base is another's cell
  };
  const std::string text = encode_metrics_json(metrics);
  for (const char* member : {R"("gap[0][0]":1.0)", R"("late[1][0]":3.0)", R"("own[0][0]":5.0)",
                             R"("zero[01][0]":6.0)", R"("zero":[[7.0]])", R"("[0][0]":8.0)",
                             R"("flat[0]":9.0)", R"("x":[[10.0]])", R"("x[0][0][0][0]":11.0)"})
    CHECK(text.find(member) != std::string::npos);
  CHECK(same(decode_metrics_json(text), metrics));
  CHECK(same(decode_metrics_json(" " + text), metrics));
}

TEST_CASE("test metrics: a stored matrix that is not rows of numbers is refused", "[store]") {
  CHECK_THROWS_WITH(decode_metrics_json(R"({"m":[1,2]})"), "test metric \"m\" is not a matrix");
  CHECK_THROWS_WITH(decode_metrics_json(R"({"m":[[1,"x"]]})"),
                    "test metric \"m[0][1]\" is not a number");
  for (const char* corrupt : {R"({"m":[[1,2]})", R"({"m":[[1,]]})", R"({"m":[[1]],})"})
    CHECK_THROWS_WITH(decode_metrics_json(corrupt), "test metrics are not a json object");
}
