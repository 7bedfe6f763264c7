#include "runner/execution/mpi_wire.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>

namespace sweep::runner {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<MessageType, std::string_view>, 10> kNames{{
    {MessageType::spec, "spec"},
    {MessageType::hello, "hello"},
    {MessageType::go, "go"},
    {MessageType::bye, "bye"},
    {MessageType::next, "next"},
    {MessageType::started, "started"},
    {MessageType::epoch, "epoch"},
    {MessageType::finished, "finished"},
    {MessageType::reply, "reply"},
    {MessageType::done, "done"},
}};

// A double is a CBOR float (exact: float32 when that holds it, else
// float64), but a NaN travels as its 8 bytes, little-endian: CBOR writes
// every NaN as one canonical NaN, and a diverged trial's loss trace must
// keep the sign and payload its arithmetic gave it.
json double_to_wire(double value) {
  if (!std::isnan(value)) return value;
  const auto bits = std::bit_cast<std::uint64_t>(value);
  json::binary_t bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  return json::binary(std::move(bytes));
}

double double_from_wire(const json& wire) {
  if (!wire.is_binary()) return wire.get<double>();
  const auto& bytes = wire.get_binary();
  if (bytes.size() != 8)
    throw WireError("sent a NaN of " + std::to_string(bytes.size()) + " bytes");
  std::uint64_t bits = 0;
  for (int i = 0; i < 8; ++i)
    bits |= static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(i)]) << (8 * i);
  return std::bit_cast<double>(bits);
}

json doubles_to_wire(const std::vector<double>& values) {
  json out = json::array();
  for (const double value : values) out.push_back(double_to_wire(value));
  return out;
}

std::vector<double> doubles_from_wire(const json& wire) {
  std::vector<double> out;
  out.reserve(wire.size());
  for (const auto& value : wire) out.push_back(double_from_wire(value));
  return out;
}

json metrics_to_wire(const std::map<std::string, double>& metrics) {
  json out = json::object();
  for (const auto& [name, value] : metrics) out[name] = double_to_wire(value);
  return out;
}

std::map<std::string, double> metrics_from_wire(const json& wire) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : wire.items()) out[name] = double_from_wire(value);
  return out;
}

}  // namespace

WireError::~WireError() = default;

std::string_view to_string(MessageType type) {
  for (const auto& [known, name] : kNames)
    if (known == type) return name;
  return "unknown";
}

std::vector<std::uint8_t> encode(const WireMessage& message) {
  json object = message.body;
  object["v"] = kWireVersion;
  object["t"] = std::string{to_string(message.type)};
  return json::to_cbor(object);
}

WireMessage decode(std::span<const std::uint8_t> bytes) {
  json object;
  try {
    object = json::from_cbor(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw WireError(std::string{"sent a message that is not sweep's wire format ("} + e.what() +
                    ")");
  }
  if (!object.is_object() || !object.contains("v") || !object["v"].is_number_integer())
    throw WireError("sent a message without a wire format version");
  const int version = object["v"].get<int>();
  if (version != kWireVersion)
    throw WireError("speaks wire format " + std::to_string(version) + "; this sweep speaks " +
                    std::to_string(kWireVersion) + " (run the same sweep build on every node)");
  const std::string type = object.value("t", "");
  for (const auto& [known, name] : kNames) {
    if (name != type) continue;
    object.erase("v");
    object.erase("t");
    return {known, std::move(object)};
  }
  throw WireError("sent a message of unknown type \"" + type + "\"");
}

json epoch_to_wire(const reports::EpochRecord& epoch) {
  return json{{"epoch", epoch.epoch},
              {"lr", double_to_wire(epoch.learning_rate)},
              {"seconds", double_to_wire(epoch.seconds)},
              {"metrics", metrics_to_wire(epoch.metrics)},
              {"trace", doubles_to_wire(epoch.loss_trace)}};
}

reports::EpochRecord epoch_from_wire(const json& wire) {
  reports::EpochRecord epoch;
  epoch.epoch = wire.at("epoch").get<int>();
  epoch.learning_rate = double_from_wire(wire.at("lr"));
  epoch.seconds = double_from_wire(wire.at("seconds"));
  epoch.metrics = metrics_from_wire(wire.at("metrics"));
  epoch.loss_trace = doubles_from_wire(wire.at("trace"));
  return epoch;
}

// float32 values as one byte string, 4 little-endian bytes each: bit for bit.
json floats_to_wire(const std::vector<float>& values) {
  json::binary_t bytes;
  bytes.reserve(values.size() * 4);
  for (const float value : values) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  }
  return json::binary(std::move(bytes));
}

std::vector<float> floats_from_wire(const json& wire) {
  if (!wire.is_binary()) throw WireError("sent float32 values that are not a byte string");
  const auto& bytes = wire.get_binary();
  if (bytes.size() % 4 != 0)
    throw WireError("sent " + std::to_string(bytes.size()) + " bytes of float32 values");
  std::vector<float> values(bytes.size() / 4);
  for (std::size_t v = 0; v < values.size(); ++v) {
    std::uint32_t bits = 0;
    for (std::size_t i = 0; i < 4; ++i)
      bits |= static_cast<std::uint32_t>(bytes[v * 4 + i]) << (8 * i);
    values[v] = std::bit_cast<float>(bits);
  }
  return values;
}

json weights_to_wire(const TrialWeights& weights) {
  json tensors = json::array();
  for (const WeightTensor& tensor : weights.tensors) {
    tensors.push_back({{"name", tensor.name},
                       {"shape", tensor.shape},
                       {"values", floats_to_wire(tensor.values)}});
  }
  const InputPreprocessing& p = weights.preprocessing;
  return {{"epoch", weights.epoch},
          {"tensors", std::move(tensors)},
          {"dataset", p.dataset},
          {"input", p.input},
          {"features", p.features},
          {"classes", p.classes},
          {"class_names", p.class_names},
          {"offset", floats_to_wire(p.offset)},
          {"scale", floats_to_wire(p.scale)}};
}

TrialWeights weights_from_wire(const json& wire) {
  TrialWeights weights;
  weights.epoch = wire.at("epoch").get<int>();
  for (const json& tensor : wire.at("tensors")) {
    weights.tensors.push_back({tensor.at("name").get<std::string>(),
                               tensor.at("shape").get<std::vector<std::int64_t>>(),
                               floats_from_wire(tensor.at("values"))});
  }
  InputPreprocessing& p = weights.preprocessing;
  p.dataset = wire.at("dataset").get<std::string>();
  p.input = wire.at("input").get<std::string>();
  p.features = wire.at("features").get<std::size_t>();
  p.classes = wire.at("classes").get<std::size_t>();
  p.class_names = wire.at("class_names").get<std::vector<std::string>>();
  p.offset = floats_from_wire(wire.at("offset"));
  p.scale = floats_from_wire(wire.at("scale"));
  return weights;
}

json result_to_wire(const TrialResult& result) {
  const TrialOutcome& outcome = result.outcome;
  json out{{"status", std::string{to_string(outcome.status)}},
           {"error", outcome.error},
           {"best_epoch", outcome.best_epoch},
           {"test", metrics_to_wire(outcome.test_metrics)},
           {"seconds", double_to_wire(outcome.seconds)},
           {"epochs", result.epochs}};
  if (outcome.divergence) {
    out["divergence"] = {{"epoch", outcome.divergence->epoch},
                         {"batch", outcome.divergence->batch},
                         {"loss", double_to_wire(outcome.divergence->loss)}};
  }
  if (outcome.objective) out["objective"] = double_to_wire(*outcome.objective);
  if (outcome.final_epoch) out["final_epoch"] = epoch_to_wire(*outcome.final_epoch);
  if (outcome.weights) out["weights"] = weights_to_wire(*outcome.weights);
  return out;
}

TrialResult result_from_wire(const json& wire) {
  TrialResult result;
  TrialOutcome& outcome = result.outcome;
  const std::string status = wire.at("status").get<std::string>();
  const auto parsed = parse_trial_status(status);
  if (!parsed) throw WireError("sent a trial status \"" + status + "\" this sweep does not know");
  outcome.status = *parsed;
  outcome.error = wire.at("error").get<std::string>();
  outcome.best_epoch = wire.at("best_epoch").get<int>();
  outcome.test_metrics = metrics_from_wire(wire.at("test"));
  outcome.seconds = double_from_wire(wire.at("seconds"));
  result.epochs = wire.at("epochs").get<int>();
  if (wire.contains("divergence")) {
    const json& d = wire["divergence"];
    outcome.divergence = reports::Divergence{d.at("epoch").get<int>(), d.at("batch").get<int>(),
                                             double_from_wire(d.at("loss"))};
  }
  if (wire.contains("objective")) outcome.objective = double_from_wire(wire["objective"]);
  if (wire.contains("final_epoch")) outcome.final_epoch = epoch_from_wire(wire["final_epoch"]);
  if (wire.contains("weights"))
    outcome.weights = std::make_shared<const TrialWeights>(weights_from_wire(wire["weights"]));
  return result;
}

}  // namespace sweep::runner
