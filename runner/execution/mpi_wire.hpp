// The messages the ranks of an MPI job exchange, and their wire format: each
// message is one JSON object encoded as CBOR (RFC 8949), holding the wire
// format's version "v", the message type "t" and the type's fields. A
// double is a CBOR float (float32 when that holds it exactly, else float64;
// infinities included), a NaN its 8 IEEE 754 bytes as a byte string (CBOR
// has one canonical NaN, and a diverged trial's loss trace must keep the
// sign and payload its arithmetic gave): an epoch's numbers reach rank 0 bit
// for bit. A rank that speaks another version is refused with one line.
//
// The conversation (rank 0 is the coordinator, every other rank a worker):
//   rank 0 -> worker  spec     {spec, hash, source, jobs, cwd}
//   worker -> rank 0  hello    {host, version, fingerprint, jobs} or {host, version, error}
//   rank 0 -> worker  go | bye {code}
//   worker -> rank 0  next | started {trial} | epoch {trial, epoch} |
//                     finished {trial, result, next}; each with its reply tag "r"
//                     and "i" (this rank was interrupted)
//   rank 0 -> worker  reply    {ok, error, stop, task {id, hash, repeat}}
//   worker -> rank 0  done     {error, cpu_seconds, calls, wait_seconds, bytes}
//   rank 0 -> worker  bye      {code}
// No MPI here: runner/mpi/ moves the bytes.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/records.hpp"
#include "runner/trial_runner.hpp"

namespace sweep::runner {

inline constexpr int kWireVersion = 1;

enum class MessageType { spec, hello, go, bye, next, started, epoch, finished, reply, done };

std::string_view to_string(MessageType type);

struct WireMessage {
  MessageType type = MessageType::reply;
  nlohmann::json body = nlohmann::json::object();  // the fields, without "v" and "t"
};

// A message that is not one of ours: another wire version, bad bytes.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~WireError() override;
};

std::vector<std::uint8_t> encode(const WireMessage& message);
// Throws WireError: "speaks wire format 2; this sweep speaks 1 (run the same
// sweep build on every node)", or what is wrong with the bytes.
WireMessage decode(std::span<const std::uint8_t> bytes);

nlohmann::json epoch_to_wire(const reports::EpochRecord& epoch);
reports::EpochRecord epoch_from_wire(const nlohmann::json& wire);
nlohmann::json result_to_wire(const TrialResult& result);
TrialResult result_from_wire(const nlohmann::json& wire);

}  // namespace sweep::runner
