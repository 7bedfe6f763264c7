#include "runner/execution/mpi_wire.hpp"

#include <array>
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

json metrics_to_wire(const std::map<std::string, double>& metrics) {
  json out = json::object();
  for (const auto& [name, value] : metrics) out[name] = value;
  return out;
}

std::map<std::string, double> metrics_from_wire(const json& wire) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : wire.items()) out[name] = value.get<double>();
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
              {"lr", epoch.learning_rate},
              {"seconds", epoch.seconds},
              {"metrics", metrics_to_wire(epoch.metrics)},
              {"trace", epoch.loss_trace}};
}

reports::EpochRecord epoch_from_wire(const json& wire) {
  reports::EpochRecord epoch;
  epoch.epoch = wire.at("epoch").get<int>();
  epoch.learning_rate = wire.at("lr").get<double>();
  epoch.seconds = wire.at("seconds").get<double>();
  epoch.metrics = metrics_from_wire(wire.at("metrics"));
  epoch.loss_trace = wire.at("trace").get<std::vector<double>>();
  return epoch;
}

json result_to_wire(const TrialResult& result) {
  const TrialOutcome& outcome = result.outcome;
  json out{{"status", std::string{to_string(outcome.status)}},
           {"error", outcome.error},
           {"best_epoch", outcome.best_epoch},
           {"test", metrics_to_wire(outcome.test_metrics)},
           {"seconds", outcome.seconds},
           {"epochs", result.epochs}};
  if (outcome.divergence) {
    out["divergence"] = {{"epoch", outcome.divergence->epoch},
                         {"batch", outcome.divergence->batch},
                         {"loss", outcome.divergence->loss}};
  }
  if (outcome.objective) out["objective"] = *outcome.objective;
  if (outcome.final_epoch) out["final_epoch"] = epoch_to_wire(*outcome.final_epoch);
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
  outcome.seconds = wire.at("seconds").get<double>();
  result.epochs = wire.at("epochs").get<int>();
  if (wire.contains("divergence")) {
    const json& d = wire["divergence"];
    outcome.divergence = reports::Divergence{d.at("epoch").get<int>(), d.at("batch").get<int>(),
                                             d.at("loss").get<double>()};
  }
  if (wire.contains("objective")) outcome.objective = wire["objective"].get<double>();
  if (wire.contains("final_epoch")) outcome.final_epoch = epoch_from_wire(wire["final_epoch"]);
  return result;
}

}  // namespace sweep::runner
