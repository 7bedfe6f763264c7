#include "engine/callbacks/terminate_on_nan.hpp"

#include <cmath>
#include <sstream>

namespace sweep::engine {

ComponentSpec TerminateOnNaN::spec() {
  return {.name = "terminate_on_nan",
          .params = {},
          .help = "stop at the first batch whose loss is NaN or infinite"};
}

std::unique_ptr<Callback> TerminateOnNaN::create(const ParamReader& /*reader*/) {
  return std::make_unique<TerminateOnNaN>();
}

bool TerminateOnNaN::on_batch_end(int epoch, int batch, double loss) {
  if (std::isfinite(loss)) return true;
  std::ostringstream out;
  out << "terminate on nan: loss is "
      << (std::isnan(loss) ? "nan"
          : loss > 0       ? "inf"
                           : "-inf")
      << " at epoch " << epoch << ", batch " << batch;
  reason_ = out.str();
  return false;
}

}  // namespace sweep::engine
