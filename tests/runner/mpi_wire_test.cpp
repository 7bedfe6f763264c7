// The MPI wire format: every field of an epoch and a trial's result
// round-trips bit for bit (a NaN's sign and payload, infinities, -0.0); a
// message of another wire version or of no known type is refused with one
// line.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

#include "runner/execution/mpi_wire.hpp"

using nlohmann::json;
using sweep::runner::decode;
using sweep::runner::encode;
using sweep::runner::MessageType;
using sweep::runner::WireError;
using sweep::runner::WireMessage;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
// x86's "indefinite" NaN (sign bit set), what 0/0 and inf - inf give there.
const double kNegativeNan = std::bit_cast<double>(0xFFF8000000000000ULL);
constexpr double kInf = std::numeric_limits<double>::infinity();

sweep::reports::EpochRecord awkward_epoch() {
  sweep::reports::EpochRecord epoch;
  epoch.epoch = 3;
  epoch.learning_rate = 0.1;  // not a float32
  epoch.seconds = 1.5;        // a float32, sent as one
  epoch.metrics = {
      {"loss", kNan}, {"accuracy", 1.0 / 3.0}, {"val_loss", kInf}, {"val_accuracy", -0.0}};
  epoch.loss_trace = {2.302585092994046, -kInf, 5e-324, 1.7976931348623157e308};
  return epoch;
}

// Bit for bit: a NaN's sign and payload count, -0.0 differs from 0.0.
bool same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

void check_same(const sweep::reports::EpochRecord& a, const sweep::reports::EpochRecord& b) {
  CHECK(a.epoch == b.epoch);
  CHECK(same(a.learning_rate, b.learning_rate));
  CHECK(same(a.seconds, b.seconds));
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (const auto& [name, value] : a.metrics) CHECK(same(value, b.metrics.at(name)));
  REQUIRE(a.loss_trace.size() == b.loss_trace.size());
  for (std::size_t i = 0; i < a.loss_trace.size(); ++i)
    CHECK(same(a.loss_trace[i], b.loss_trace[i]));
}

WireMessage round_trip(const WireMessage& message) {
  return decode(encode(message));
}

}  // namespace

TEST_CASE("mpi wire: an epoch arrives bit for bit", "[mpi][wire]") {
  const auto epoch = awkward_epoch();
  const WireMessage sent{MessageType::epoch,
                         json{{"trial", 42}, {"epoch", sweep::runner::epoch_to_wire(epoch)}}};
  const WireMessage got = round_trip(sent);
  CHECK(got.type == MessageType::epoch);
  CHECK(got.body.at("trial") == 42);
  check_same(sweep::runner::epoch_from_wire(got.body.at("epoch")), epoch);
}

TEST_CASE("mpi wire: a trial's result arrives whole", "[mpi][wire]") {
  sweep::runner::TrialResult result;
  result.epochs = 4;
  auto& outcome = result.outcome;
  outcome.status = sweep::runner::TrialStatus::diverged;
  outcome.error = "loss=nan, \"quoted\"";
  outcome.divergence = sweep::reports::Divergence{4, 17, kNegativeNan};
  outcome.best_epoch = 2;
  outcome.objective = 0.8125;
  outcome.test_metrics = {{"accuracy", 0.1}, {"loss", kInf}};
  outcome.seconds = 0.25;
  outcome.final_epoch = awkward_epoch();
  const auto got = sweep::runner::result_from_wire(
      round_trip({MessageType::finished, json{{"result", sweep::runner::result_to_wire(result)}}})
          .body.at("result"));
  CHECK(got.epochs == 4);
  CHECK(got.outcome.status == sweep::runner::TrialStatus::diverged);
  CHECK(got.outcome.error == outcome.error);
  REQUIRE(got.outcome.divergence);
  CHECK(got.outcome.divergence->epoch == 4);
  CHECK(got.outcome.divergence->batch == 17);
  CHECK(same(got.outcome.divergence->loss, kNegativeNan));
  CHECK(got.outcome.best_epoch == 2);
  CHECK(got.outcome.objective == 0.8125);
  CHECK(got.outcome.test_metrics.at("accuracy") == 0.1);
  CHECK(got.outcome.test_metrics.at("loss") == kInf);
  CHECK(got.outcome.seconds == 0.25);
  REQUIRE(got.outcome.final_epoch);
  check_same(*got.outcome.final_epoch, awkward_epoch());

  // Optional parts stay absent.
  const auto plain =
      sweep::runner::result_from_wire(sweep::runner::result_to_wire(sweep::runner::TrialResult{}));
  CHECK_FALSE(plain.outcome.divergence);
  CHECK_FALSE(plain.outcome.objective);
  CHECK_FALSE(plain.outcome.final_epoch);
  CHECK_FALSE(plain.outcome.weights);
}

TEST_CASE("mpi wire: a trial's weights arrive bit for bit", "[mpi][wire][weights]") {
  sweep::runner::TrialWeights weights;
  weights.epoch = 3;
  weights.tensors.push_back(
      {"dense/kernel", {2, 2}, {-0.0f, std::numeric_limits<float>::quiet_NaN(), 1e-45f, 3.5f}});
  weights.tensors.push_back({"dense/bias", {2}, {0.25f, -std::numeric_limits<float>::infinity()}});
  weights.preprocessing = {"csv", "float32", 2, 3, {"a", "b", "c"}, {0.5f, -1.0f}, {2.0f, 0.1f}};
  sweep::runner::TrialResult result;
  result.outcome.weights = std::make_shared<const sweep::runner::TrialWeights>(weights);
  const auto got = sweep::runner::result_from_wire(
      round_trip({MessageType::finished, json{{"result", sweep::runner::result_to_wire(result)}}})
          .body.at("result"));
  REQUIRE(got.outcome.weights);
  const auto& back = *got.outcome.weights;
  CHECK(back.epoch == 3);
  REQUIRE(back.tensors.size() == 2);
  CHECK(back.tensors[0].name == "dense/kernel");
  CHECK(back.tensors[0].shape == std::vector<std::int64_t>{2, 2});
  const auto bits = [](const std::vector<float>& values) {
    std::vector<std::uint32_t> out;
    out.reserve(values.size());
    for (const float value : values) out.push_back(std::bit_cast<std::uint32_t>(value));
    return out;
  };
  for (std::size_t i = 0; i < 2; ++i)
    CHECK(bits(back.tensors[i].values) == bits(weights.tensors[i].values));
  CHECK(back.preprocessing == weights.preprocessing);
}

TEST_CASE("mpi wire: an epoch message stays small", "[mpi][wire]") {
  // A 20-point loss trace and 4 metrics: what rank 0 receives per epoch.
  sweep::reports::EpochRecord epoch;
  epoch.epoch = 1;
  epoch.learning_rate = 0.001;
  epoch.seconds = 0.0123456789;
  epoch.metrics = {{"loss", 0.51234567891},
                   {"accuracy", 0.81234567891},
                   {"val_loss", 0.61234567891},
                   {"val_accuracy", 0.71234567891}};
  epoch.loss_trace.assign(20, 0.41234567891);
  const auto bytes =
      encode({MessageType::epoch, json{{"trial", 123456},
                                       {"epoch", sweep::runner::epoch_to_wire(epoch)},
                                       {"r", 100},
                                       {"i", false}}});
  CHECK(bytes.size() < 400);
}

TEST_CASE("mpi wire: another version or type is refused with one line", "[mpi][wire]") {
  auto other = json::to_cbor(json{{"v", 2}, {"t", "epoch"}});
  CHECK_THROWS_MATCHES(decode(other), WireError,
                       Catch::Message("speaks wire format 2; this sweep speaks 1 (run the same "
                                      "sweep build on every node)"));
  auto unknown = json::to_cbor(json{{"v", 1}, {"t", "gossip"}});
  CHECK_THROWS_MATCHES(decode(unknown), WireError,
                       Catch::Message("sent a message of unknown type \"gossip\""));
  const std::vector<std::uint8_t> garbage{0xff, 0x00, 0x13};
  CHECK_THROWS_AS(decode(garbage), WireError);
  CHECK_THROWS_MATCHES(decode(json::to_cbor(json{{"t", "go"}})), WireError,
                       Catch::Message("sent a message without a wire format version"));
}
