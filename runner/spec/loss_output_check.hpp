// Whether the loss fits the model's output layer, judged on a resolved config
// before anything trains: a mismatch such as categorical_crossentropy on one
// unit trains without complaint (its loss is 0 everywhere), and the sweep would
// then give learning-rate advice for a setup that cannot learn. What Keras
// warns about stays a warning; what cannot learn at all is an error.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "runner/errors.hpp"

namespace sweep::runner {

struct LossOutputFindings {
  std::vector<SpecProblem> errors;    // the setup cannot learn: refuse the spec
  std::vector<SpecProblem> warnings;  // it trains, but probably not as meant
};

// `config` is a resolved {model, training} (resolve_config's output); parts
// that did not resolve (null) are skipped, their problems reported elsewhere.
// Paths are those of the config: "training.loss", "model.layers[1].activation".
LossOutputFindings check_loss_output(const nlohmann::json& config);

}  // namespace sweep::runner
