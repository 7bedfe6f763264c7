// The registry template on a family of the test's own: lookup, the one
// unknown-name message, parameter checks before any factory runs, order.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/registry.hpp"

using namespace sweep::engine;

namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
};

struct Square : Shape {
  explicit Square(double length) : side(length) {}
  double area() const override { return side * side; }
  double side;
};

struct Circle : Shape {
  explicit Circle(double r) : radius(r) {}
  double area() const override { return 3.0 * radius * radius; }
  double radius;
};

// Shapes scaled by a factor the caller passes: the Args of the template.
using ShapeRegistry = Registry<std::unique_ptr<Shape>, double>;

ParamSpec size_param(std::string name) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.default_value = 1.0;
  spec.min = 0.0;
  spec.min_exclusive = true;
  return spec;
}

const ShapeRegistry& shapes() {
  static const ShapeRegistry registry{
      "shape",
      {
          {{"square", {size_param("side")}, "four equal sides"},
           [](const ParamReader& reader, double scale) -> std::unique_ptr<Shape> {
             return std::make_unique<Square>(reader.number("side") * scale);
           }},
          {{"circle", {size_param("radius")}, "round"},
           [](const ParamReader& reader, double scale) -> std::unique_ptr<Shape> {
             return std::make_unique<Circle>(reader.number("radius") * scale);
           }},
          {{"point", {}, "no size"},
           [](const ParamReader&, double) -> std::unique_ptr<Shape> {
             return std::make_unique<Square>(0.0);
           }},
      }};
  return registry;
}

}  // namespace

TEST_CASE("a registry keeps its entries in order with their specs", "[registry]") {
  CHECK(shapes().family() == "shape");
  CHECK(shapes().names() == std::vector<std::string>{"square", "circle", "point"});
  REQUIRE(shapes().specs().size() == 3);
  CHECK(shapes().specs()[1].help == "round");
  CHECK(shapes().spec("circle").params.at(0).name == "radius");
  CHECK(shapes().contains("square"));
  CHECK_FALSE(shapes().contains("squar"));
}

TEST_CASE("make checks the parameters, fills defaults and passes the arguments", "[registry]") {
  CHECK(shapes().make({"square", {}}, 1.0)->area() == 1.0);
  CHECK(shapes().make({"square", {{"side", 3.0}}}, 2.0)->area() == 36.0);
  CHECK(dynamic_cast<Circle&>(*shapes().make({"circle", {{"radius", 2.0}}}, 1.0)).radius == 2.0);
  CHECK_THROWS_WITH(shapes().make({"square", {{"side", 0.0}}}, 1.0),
                    "square.side: 0 is not accepted; expected a number > 0");
  CHECK_THROWS_WITH(shapes().make({"square", {{"sid", 1.0}}}, 1.0),
                    "square: unknown parameter \"sid\"; did you mean \"side\"? known: side");
  CHECK_THROWS_WITH(shapes().make({"point", {{"side", 1.0}}}, 1.0),
                    "point: unknown parameter \"side\"; it takes none");
}

TEST_CASE("an unknown name gets the one message", "[registry]") {
  CHECK_THROWS_AS(shapes().make({"cirle", {}}, 1.0), ConfigError);
  CHECK_THROWS_WITH(
      shapes().make({"cirle", {}}, 1.0),
      "unknown shape \"cirle\"; did you mean \"circle\"? known: square, circle, point");
  CHECK_THROWS_WITH(shapes().spec("hexagon"),
                    "unknown shape \"hexagon\"; known: square, circle, point");
  CHECK(unknown_name_message("optimizer", "adamm", {"adagrad", "adam"}) ==
        "unknown optimizer \"adamm\"; did you mean \"adam\"? known: adagrad, adam");
  CHECK(unknown_name_hint("x", {}).empty());
}

TEST_CASE("did you mean suggests only plausible typos", "[registry]") {
  const std::vector<std::string> known{"adam", "adamax", "sgd", "rmsprop"};
  CHECK(did_you_mean("adamm", known) == "adam");
  CHECK(did_you_mean("rmsprp", known) == "rmsprop");
  CHECK(did_you_mean("sdg", known) == "sgd");
  CHECK_FALSE(did_you_mean("lbfgs", known).has_value());
}

TEST_CASE("a registry refuses an empty or repeated name", "[registry]") {
  const auto factory = [](const ParamReader&) { return 1; };
  CHECK_THROWS_AS(
      (Registry<int>{"number", {{{"one", {}, ""}, factory}, {{"one", {}, ""}, factory}}}),
      std::invalid_argument);
  CHECK_THROWS_WITH((Registry<int>{"number", {{{"", {}, ""}, factory}}}),
                    "number registry: entry \"\" is empty");
  CHECK_THROWS_WITH((Registry<int>{"number", {{{"one", {}, ""}, nullptr}}}),
                    "number registry: entry \"one\" is without a factory");
  const Registry<int> numbers{"number", {{{"one", {}, ""}, factory}}};
  CHECK(numbers.make({"one", {}}) == 1);
}
