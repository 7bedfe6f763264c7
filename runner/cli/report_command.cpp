// `sweep report NAME [--out DIR]`: rebuilds report.json and report.html from the
// database alone.
#include "runner/cli/command.hpp"

#include <fmt/core.h>

#include <string>

#include "reports/writer.hpp"
#include "runner/cli.hpp"

namespace sweep::runner::cli {

using nlohmann::json;

int cmd_report(const Args& args) {
  const auto store_owned = open_storage(args.db, Storage::Mode::read_only);
  Storage& store = *store_owned;
  const auto record = load_record(store, find_or_fail(store, args.name));
  const std::string out_dir = args.out.empty() ? default_report_dir(args.name) : args.out;
  reports::write_reports(record, out_dir);
  fmt::print("reports: {}/report.html, {}/report.json\n", out_dir, out_dir);
  return kExitOk;
}

}  // namespace sweep::runner::cli
