#include "engine/callbacks/terminate_on_nan.hpp"

#include <cmath>
#include <sstream>

namespace sweep::engine {

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
