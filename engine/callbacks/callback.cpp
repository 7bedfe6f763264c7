// The callback registry: name -> spec and factory.
#include "engine/callbacks/callback.hpp"

#include "engine/callbacks/early_stopping.hpp"
#include "engine/callbacks/terminate_on_nan.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

using CallbackRegistry = Registry<std::unique_ptr<Callback>>;

const CallbackRegistry& registry() {
  static const CallbackRegistry callbacks{"callback",
                                          {
                                              {EarlyStopping::spec(), &EarlyStopping::create},
                                              {TerminateOnNaN::spec(), &TerminateOnNaN::create},
                                          }};
  return callbacks;
}

}  // namespace

const std::vector<ComponentSpec>& callback_specs() {
  return registry().specs();
}

std::vector<std::string> callback_names() {
  return registry().names();
}

std::unique_ptr<Callback> make_callback(const Component& component) {
  return registry().make(component);
}

}  // namespace sweep::engine
