// `sweep suggest NAME [-o FILE]`: the next sweep, each optimizer's learning rates
// refined around its best (runner/search/refinement.hpp).
#include "runner/cli/command.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "reports/report_json.hpp"
#include "runner/cli.hpp"
#include "runner/search/refinement.hpp"
#include "runner/search/sampler.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

int cmd_suggest(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const SweepInfo info = find_or_fail(store, args.name);
  const json stored = json::parse(info.spec_json);
  // No learning-rate advice for a setup that cannot learn: the stored spec
  // must pass today's checks (a sweep may predate them).
  parse_spec(stored, "stored spec of sweep \"" + args.name + "\"");
  const auto record = load_record(store, info);
  const Refinement refinement = refine_sweep(stored, reports::build_report(record));
  const Spec suggested =
      parse_spec(refinement.spec, "suggested spec for sweep \"" + args.name + "\"");
  const std::string text = refinement.spec.dump(2) + "\n";
  if (args.output.empty()) {
    fmt::print("{}", text);
    return kExitOk;
  }
  std::ofstream out(args.output, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + args.output + ": " + std::strerror(errno));
  fmt::print("{}: sweep \"{}\", {} trials\n", args.output, suggested.name,
             expand(suggested).size());
  for (const auto& note : refinement.notes) fmt::print("  {}\n", note);
  return kExitOk;
}

}  // namespace sweep::runner::cli
