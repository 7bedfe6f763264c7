// Name -> factory registries, one per family of components (the engine's
// layers, activations, initializers, optimizers, losses, metrics, schedules,
// callbacks and datasets; the runner's samplers and pruners). Each entry
// carries the parameters it accepts with their defaults and a one-line
// description, so the spec parser, `sweep datasets` and the README tables
// read the table the factories use. The lookup, its "did you mean" and the
// one message for a name that is not registered are written here once:
//   unknown optimizer "adamm"; did you mean "adam"? known: adam, adamax, ...
//   unknown optimizer "lbfgs"; known: adam, adamax, ...
// A registry is built once (a function-local static) and only read after, so
// any number of threads may use it at once.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/errors.hpp"
#include "engine/params.hpp"

namespace sweep::engine {

// The closest of `known` to `word` by edit distance, when close enough to be a
// plausible typo ("adamm" -> "adam"); nullopt otherwise.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& known);

// What follows a name that is not in `known`: `; did you mean "adam"? known:
// adam, adamax, ...`, or `; known: ...` without a close name; empty when
// `known` is empty (the caller says what that means: "it takes none").
std::string unknown_name_hint(std::string_view name, const std::vector<std::string>& known);

// `unknown <what> "<name>"` and its hint: the message of every registry.
std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& known);

// Product is what a factory returns: std::unique_ptr<Interface> for most
// families, std::shared_ptr<const Dataset> where the product is shared, or a
// plain value (an Activation, an initializer function). Args are what a
// factory needs beyond the entry's own parameters (a schedule's base rate, a
// metric's context); a factory gets the parameters through a ParamReader that
// has already checked them against the entry's spec.
template <class Product, class... Args>
class Registry {
 public:
  using Factory = std::function<Product(const ParamReader&, Args...)>;
  struct Entry {
    ComponentSpec spec;  // name, accepted parameters with defaults, one-line help
    Factory create;
  };

  // `family` names the kind of entry in messages ("optimizer"). Entries keep
  // their order, the order of every listing. Throws std::invalid_argument on
  // an empty or repeated name or a missing factory: a registry is written by
  // hand, so that is a bug.
  Registry(std::string family, std::vector<Entry> entries);

  const std::string& family() const { return family_; }
  const std::vector<ComponentSpec>& specs() const { return specs_; }
  const std::vector<std::string>& names() const { return names_; }
  bool contains(std::string_view name) const { return find(name) < names_.size(); }
  // Throws ConfigError with unknown_name_message for a name not registered.
  const ComponentSpec& spec(std::string_view name) const { return specs_[index(name)]; }
  // Throws what make() would for the name and parameters, without making.
  void check(const Component& component) const {
    [[maybe_unused]] const ParamReader reader(specs_[index(component.name)], component.params);
  }
  // Looks the name up, checks the parameters against its spec and calls its
  // factory. Throws ConfigError for an unknown name or a bad parameter.
  Product make(const Component& component, Args... args) const {
    const std::size_t i = index(component.name);
    const ParamReader reader(specs_[i], component.params);
    return factories_[i](reader, std::forward<Args>(args)...);
  }

 private:
  std::size_t find(std::string_view name) const;  // names_.size() when absent
  std::size_t index(std::string_view name) const;

  std::string family_;
  std::vector<ComponentSpec> specs_;
  std::vector<std::string> names_;
  std::vector<Factory> factories_;
};

namespace detail {
// Throws std::invalid_argument naming the registry and the entry.
[[noreturn]] void bad_registry_entry(const std::string& family, const std::string& name,
                                     const char* problem);
}  // namespace detail

template <class Product, class... Args>
Registry<Product, Args...>::Registry(std::string family, std::vector<Entry> entries)
    : family_(std::move(family)) {
  for (auto& entry : entries) {
    if (entry.spec.name.empty()) detail::bad_registry_entry(family_, entry.spec.name, "empty");
    if (contains(entry.spec.name)) detail::bad_registry_entry(family_, entry.spec.name, "repeated");
    if (!entry.create) detail::bad_registry_entry(family_, entry.spec.name, "without a factory");
    names_.push_back(entry.spec.name);
    specs_.push_back(std::move(entry.spec));
    factories_.push_back(std::move(entry.create));
  }
}

template <class Product, class... Args>
std::size_t Registry<Product, Args...>::find(std::string_view name) const {
  std::size_t i = 0;
  while (i < names_.size() && names_[i] != name) ++i;
  return i;
}

template <class Product, class... Args>
std::size_t Registry<Product, Args...>::index(std::string_view name) const {
  const std::size_t i = find(name);
  if (i == names_.size()) throw ConfigError(unknown_name_message(family_, name, names_));
  return i;
}

}  // namespace sweep::engine
