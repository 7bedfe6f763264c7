// A Keras-style sequential model:
//   Sequential model;
//   model.add(make_layer({"dense", {{"units", 128.0}, {"activation", "relu"}}}));
//   model.build(features, rng);
//   model.compile(make_optimizer(...), make_loss(...), metrics);
//   History h = model.fit(train, &validation, options, rng, callbacks);
// One model belongs to one thread; many models may train concurrently on one
// shared Dataset.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/callbacks/callback.hpp"
#include "engine/datasets/dataset.hpp"
#include "engine/epoch_log.hpp"
#include "engine/history.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/metrics/metric.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/schedules/schedule.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  bool shuffle = true;
  int trace_points = 20;  // loss-trace windows per epoch
  // Keep a copy of the weights of the best epoch by this log key (e.g.
  // "val_accuracy"); empty = keep none. Restored by restore_best_weights().
  std::string best_monitor;
  bool best_maximize = true;
  // Makes this fit's learning-rate schedule (schedule_factory(component), or
  // a function of the test's own); empty = the optimizer's constant rate.
  // Each fit makes its own, so copies of these options share no state.
  ScheduleFactory schedule;
  // Keras's fit(class_weight=...): the training loss weighs each row by its
  // class's entry (one per class); empty = every row 1. Validation and
  // evaluate() stay unweighted, as in Keras.
  std::vector<float> class_weights;
};

class FitRun;

class Sequential {
 public:
  Sequential();
  ~Sequential();
  Sequential(Sequential&&) noexcept;
  Sequential& operator=(Sequential&&) noexcept;

  void add(std::unique_ptr<Layer> layer);
  // Creates and initialises the weights for inputs of `input_features`.
  void build(std::size_t input_features, Rng& rng);
  // Metrics are resolved against the loss and output width (Keras 3's "accuracy").
  void compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss,
               const std::vector<Component>& metrics);
  History fit(const Split& train, const Split* validation, const FitOptions& options, Rng& rng,
              const std::vector<Callback*>& callbacks = {});
  // Sees each batch's model output (rows x output units) beside its labels
  // during evaluate(), e.g. to count a confusion matrix in the same pass.
  using BatchOutputFn =
      std::function<void(const Matrix& output, std::span<const std::int32_t> labels)>;
  Logs evaluate(const Split& data, int batch_size = 256, const BatchOutputFn& on_batch = {});
  void predict(const Split& data, Matrix& out, int batch_size = 256);
  bool has_best_weights() const;
  void restore_best_weights();

  std::size_t output_units() const;
  std::vector<const Matrix*> weights() const;  // every trainable tensor, slot order
  // Replaces every trainable tensor (slot order, as weights() lists them) by
  // a copy of `values`, e.g. weights stored after training. Throws
  // TrainingError before changing anything when the count or a shape differs.
  void set_weights(const std::vector<Matrix>& values);

 private:
  friend class FitRun;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One fit that may pause after any epoch and go on later, bit for bit as one
// uninterrupted fit() (which is exactly FitRun, run_to(epochs), finish()):
// successive halving keeps a trial waiting at a rung this way. The model, the
// data, the rng and the callbacks must outlive it; it may go on on another
// thread than the one it paused on, one thread at a time.
class FitRun {
 public:
  // Checks as fit() does (TrainingError) and calls every on_train_begin.
  FitRun(Sequential& model, const Split& train, const Split* validation, FitOptions options,
         Rng& rng, const std::vector<Callback*>& callbacks = {});
  ~FitRun();
  FitRun(FitRun&&) noexcept;
  FitRun& operator=(FitRun&&) noexcept;

  // Trains until `epoch` epochs (1-based, at most options.epochs) are done
  // or a callback stops training; true when training may go on after it.
  bool run_to(int epoch);
  // Trains until `batches` batches in all (epochs × batches per epoch count
  // the ones before) are done, or the epochs run out, or a callback stops
  // training; true when training may go on after it. It may pause inside an
  // epoch: the next run_to or run_to_batch goes on with the same shuffled
  // order, the same running metrics and the same rng, bit for bit as if it
  // had never paused. An epoch whose last batch it trained stays open (its
  // log, validation and callbacks come when training goes on), but for the
  // fit's last epoch.
  bool run_to_batch(long long batches);
  long long batches_done() const;
  std::size_t batches_per_epoch() const;
  // The open epoch as it stands (epoch: its number; loss and the training
  // metrics over its batches so far; the loss trace so far) and val_* on the
  // validation split now, in inference mode. Changes no state of the fit:
  // training goes on as if it had not been called. After a closed epoch,
  // only val_*.
  EpochLog evaluate_now();
  int epochs_done() const;
  // The best epoch by FitOptions::best_monitor so far (0: none yet).
  int best_epoch() const;
  // The epochs so far (best_epoch is set by finish()).
  const History& history() const;
  // Ends the fit as fit() ends it (best weights, the stop's reason) and
  // returns its history; nothing may be called after it.
  History finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sweep::engine
