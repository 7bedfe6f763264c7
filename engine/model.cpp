// Sequential: the trainer. It owns epochs, batching, shuffling, schedules,
// callbacks and every buffer; layers, the loss, the optimizer and the metrics
// only compute. Buffers are resized only when the batch shape changes (the
// last, shorter batch of an epoch), so a steady-state step allocates nothing.
#include "engine/model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "engine/activations/activation.hpp"
#include "engine/callbacks/best_epoch.hpp"
#include "engine/denormal_guard.hpp"
#include "engine/errors.hpp"
#include "engine/initializers/random.hpp"

namespace sweep::engine {
namespace {

void copy_weights(const std::vector<Matrix*>& from, std::vector<Matrix>& to) {
  to.resize(from.size());
  for (std::size_t i = 0; i < from.size(); ++i) to[i] = *from[i];
}

void paste_weights(const std::vector<Matrix>& from, const std::vector<Matrix*>& to) {
  for (std::size_t i = 0; i < to.size(); ++i) *to[i] = from[i];
}

// Fisher-Yates with our own unbiased integer draws, so that a seed shuffles
// the same way with every standard library.
void shuffle(std::vector<std::size_t>& order, Rng& rng) {
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_below(rng, i));
    std::swap(order[i - 1], order[j]);
  }
}

// The forward/loss buffers of one pass over a batch shape.
struct Pass {
  std::vector<Matrix> activations;  // [0] = input batch, [i + 1] = layer i's output
  Matrix probabilities;             // softmax of the logits when softmax is fused
  Matrix dense_targets;
  std::vector<std::int32_t> labels;
  std::vector<float> weights;  // per row, from the class weights (training only)
  std::vector<std::size_t> indices;
};

// The epoch in progress: what one epoch's loop kept in locals, so that a
// fit may pause after any batch (a rung inside an epoch) and go on.
struct OpenEpoch {
  EpochLog log;
  std::size_t batch = 0;  // batches of this epoch trained
  double loss_sum = 0.0;  // sum of batch loss * batch rows (Keras's sample weighting)
  std::size_t rows_done = 0;
  double window_sum = 0.0;
  std::size_t window_count = 0;
  double learning_rate = 0.0;
  double seconds = 0.0;  // trained so far, pauses left out
};

}  // namespace

struct Sequential::Impl {
  std::vector<std::unique_ptr<Layer>> layers;
  std::size_t input_features = 0;
  bool built = false;

  std::unique_ptr<Optimizer> optimizer;
  bool optimizer_built = false;
  std::unique_ptr<Loss> loss;
  std::vector<Component> metric_components;
  std::vector<std::unique_ptr<Metric>> metrics;
  // evaluate()'s own instances: a fit paused inside an epoch may be evaluated
  // without touching the training metrics that epoch has accumulated.
  std::vector<std::unique_ptr<Metric>> eval_metrics;
  bool fused_softmax = false;

  std::vector<Matrix*> params;
  std::vector<Matrix*> grads;
  std::vector<std::size_t> first_slots;  // [i] = layer i's first parameter slot
  std::vector<bool> updated;             // slots a fused backward already updated this step

  Pass train;
  Pass eval;
  std::vector<Matrix> grad_activations;  // [i] = dLoss/d activations[i], i >= 1
  std::vector<std::size_t> order;

  std::vector<Matrix> best_weights;
  bool has_best = false;
  std::vector<float> class_weights;  // this fit's; empty = unweighted

  std::size_t output_units() const { return layers.empty() ? 0 : layers.back()->output_width(); }

  void require_compiled(const char* what) const {
    if (!built)
      throw TrainingError(std::string{what} + ": the model is not built; call build first");
    if (!loss || !optimizer) {
      throw TrainingError(std::string{what} + ": the model is not compiled; call compile first");
    }
  }

  void check_data(const char* what, const Split& data) const {
    if (data.features() != input_features) {
      throw TrainingError(std::string{what} + ": data has " + std::to_string(data.features()) +
                          " features; the model was built for " + std::to_string(input_features));
    }
    const auto width = static_cast<std::int32_t>(output_units());
    const std::int32_t limit = width == 1 ? 2 : width;
    for (const std::int32_t label : data.labels()) {
      if (label < 0 || label >= limit) {
        throw TrainingError(std::string{what} + ": label " + std::to_string(label) +
                            " is out of range for an output of " + std::to_string(width) +
                            (width == 1 ? " unit" : " units") + "; expected 0.." +
                            std::to_string(limit - 1));
      }
    }
  }

  void check_fit(const Split& data, const Split* validation, const FitOptions& options) const {
    require_compiled("fit");
    if (options.epochs < 0) {
      throw TrainingError("fit: epochs " + std::to_string(options.epochs) +
                          " is not accepted; expected >= 0");
    }
    if (options.batch_size < 1) {
      throw TrainingError("fit: batch_size " + std::to_string(options.batch_size) +
                          " is not accepted; expected >= 1");
    }
    if (data.rows() == 0) throw TrainingError("fit: the training data has no rows");
    check_data("fit", data);
    if (validation != nullptr && validation->rows() > 0) {
      check_data("fit (validation)", *validation);
    }
  }

  // The optimizer's state, once per compile (a second fit continues it).
  void build_optimizer() {
    if (optimizer_built) return;
    std::vector<std::pair<int, int>> shapes;
    for (const Matrix* p : params) {
      shapes.emplace_back(static_cast<int>(p->rows()), static_cast<int>(p->cols()));
    }
    optimizer->build(shapes);
    optimizer_built = true;
  }

  // One training step on entries [first, first + count) of train.indices:
  // forward, loss and metrics, then backward with the update at `rate`.
  // Returns the batch's loss (L2 included), computed before the update.
  double train_batch(const Split& data, std::size_t first, std::size_t count, double rate,
                     Rng& rng) {
    const Matrix& output = forward(train, data, first, count, true, rng);
    Matrix& grad_output = grad_activations.back();
    if (!class_weights.empty()) {
      // Grows only with the batch shape, as the other buffers.
      train.weights.resize(std::max(train.weights.size(), count));
      for (std::size_t i = 0; i < count; ++i)
        train.weights[i] = class_weights[static_cast<std::size_t>(train.labels[i])];
    }
    double value = batch_loss(train, count, &grad_output, !class_weights.empty());
    value += l2_penalty();
    for (auto& metric : metrics) {
      metric->update(output, std::span<const std::int32_t>(train.labels.data(), count));
    }
    std::fill(updated.begin(), updated.end(), false);
    for (std::size_t i = layers.size(); i-- > 0;) {
      layers[i]->backward_and_update(grad_activations[i + 1],
                                     i == 0 ? nullptr : &grad_activations[i], *optimizer,
                                     first_slots[i], rate, updated);
    }
    optimizer->step(params, grads, rate, &updated);
    return value;
  }

  // Forward pass over the first `rows` entries of pass.indices (or the
  // contiguous rows from `first` when indices is empty); returns the output
  // the metrics read (probabilities when softmax is fused).
  const Matrix& forward(Pass& pass, const Split& data, std::size_t first, std::size_t rows,
                        bool training, Rng& rng) {
    auto& acts = pass.activations;
    acts.resize(layers.size() + 1);
    Matrix& x = acts[0];
    x.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(input_features));
    pass.labels.resize(std::max(pass.labels.size(), rows));
    const auto all_labels = data.labels();
    if (training) {
      const std::span<const std::size_t> batch(pass.indices.data() + first, rows);
      data.gather(batch, x);
      for (std::size_t i = 0; i < rows; ++i) pass.labels[i] = all_labels[batch[i]];
    } else {
      data.gather_range(first, rows, x);
      std::copy_n(all_labels.begin() + static_cast<std::ptrdiff_t>(first), rows,
                  pass.labels.begin());
    }
    for (std::size_t i = 0; i < layers.size(); ++i) {
      layers[i]->forward(acts[i], acts[i + 1], training, rng);
    }
    if (!fused_softmax) return acts.back();
    pass.probabilities.resize(acts.back().rows(), acts.back().cols());
    softmax_rows(acts.back(), pass.probabilities);
    return pass.probabilities;
  }

  Targets targets(Pass& pass, std::size_t rows, bool weighted) {
    const std::span<const std::int32_t> labels(pass.labels.data(), rows);
    const std::span<const float> weights =
        weighted ? std::span<const float>(pass.weights.data(), rows) : std::span<const float>();
    if (!loss->needs_dense_targets()) return {labels, nullptr, weights};
    fill_dense_targets(labels, static_cast<Eigen::Index>(output_units()), pass.dense_targets);
    return {labels, &pass.dense_targets, weights};
  }

  double batch_loss(Pass& pass, std::size_t rows, Matrix* grad, bool weighted = false) {
    const Targets t = targets(pass, rows, weighted);
    const Matrix& output = pass.activations.back();
    return fused_softmax ? loss->compute_from_logits(output, t, grad)
                         : loss->compute(output, t, grad);
  }

  double l2_penalty() const {
    double total = 0.0;
    for (const auto& layer : layers) total += layer->l2_penalty();
    return total;
  }

  // Softmax + cross-entropy fusion: the last layer emits logits and the loss
  // reads them, when both sides can.
  void update_fusion() {
    fused_softmax = false;
    for (auto& layer : layers) layer->set_logits_output(false);
    if (layers.empty() || !loss->fuses_softmax()) return;
    fused_softmax = layers.back()->set_logits_output(true);
  }

  void resolve_metrics() {
    metrics.clear();
    eval_metrics.clear();
    const MetricContext context{loss->name(), output_units(), loss->from_logits()};
    for (const auto& component : metric_components) {
      metrics.push_back(make_metric(component, context));
      eval_metrics.push_back(make_metric(component, context));
    }
  }
};

Sequential::Sequential() : impl_(std::make_unique<Impl>()) {}
Sequential::~Sequential() = default;
Sequential::Sequential(Sequential&&) noexcept = default;
Sequential& Sequential::operator=(Sequential&&) noexcept = default;

void Sequential::add(std::unique_ptr<Layer> layer) {
  if (!layer) throw TrainingError("add: the layer is null");
  if (impl_->built) throw TrainingError("add: the model is already built");
  impl_->layers.push_back(std::move(layer));
}

void Sequential::build(std::size_t input_features, Rng& rng) {
  Impl& m = *impl_;
  if (m.layers.empty()) throw TrainingError("build: the model has no layers");
  if (input_features == 0) throw TrainingError("build: 0 input features; expected at least 1");
  std::size_t width = input_features;
  for (auto& layer : m.layers) {
    layer->build(width, rng);
    width = layer->output_width();
  }
  m.input_features = input_features;
  m.params.clear();
  m.grads.clear();
  m.first_slots.clear();
  for (auto& layer : m.layers) {
    m.first_slots.push_back(m.params.size());
    for (Matrix* p : layer->params()) m.params.push_back(p);
    for (Matrix* g : layer->grads()) m.grads.push_back(g);
  }
  m.updated.assign(m.params.size(), false);
  m.built = true;
  m.optimizer_built = false;
  m.has_best = false;
  if (m.loss) {
    m.update_fusion();
    m.resolve_metrics();
  }
}

void Sequential::compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss,
                         const std::vector<Component>& metrics) {
  Impl& m = *impl_;
  if (!optimizer) throw TrainingError("compile: the optimizer is null");
  if (!loss) throw TrainingError("compile: the loss is null");
  // Resolve once against a stand-in context so that bad names fail here even
  // before build.
  for (const auto& component : metrics)
    make_metric(component, MetricContext{loss->name(), 2, false});
  m.optimizer = std::move(optimizer);
  m.optimizer_built = false;
  m.loss = std::move(loss);
  m.metric_components = metrics;
  m.metrics.clear();
  m.eval_metrics.clear();
  m.update_fusion();
  if (m.built) m.resolve_metrics();
}

// The state of one fit between epochs: what fit() kept in locals, so that a
// fit can pause after any epoch and go on later (FitRun).
struct FitRun::State {
  Sequential& model;
  Sequential::Impl& m;
  const Split& train;
  const Split* validation;
  FitOptions options;
  Rng& rng;
  bool validate = false;
  std::size_t rows = 0;
  std::size_t batch_size = 0;
  std::size_t batches = 0;
  std::size_t trace_window = 1;
  std::unique_ptr<Schedule> schedule;
  // best_monitor is one more callback that keeps best weights, first so that
  // it sees every epoch a later callback stops after; its copy becomes the
  // model's best weights (restore_best_weights()).
  std::optional<BestEpoch> best;
  std::vector<Callback*> all;
  // kept[c]: the weights of the epoch all[c]->best_epoch() named last.
  std::vector<std::vector<Matrix>> kept;
  History history;
  std::optional<std::size_t> stopper;  // index in `all` of the callback that stopped training
  std::string stop_point;              // where, for a callback that gives no reason
  int epoch = 0;                       // epochs run so far
  bool finished = false;

  State(Sequential& fitted, const Split& train_split, const Split* validation_split,
        FitOptions fit_options, Rng& random)
      : model(fitted),
        m(*fitted.impl_),
        train(train_split),
        validation(validation_split),
        options(std::move(fit_options)),
        rng(random) {}

  std::optional<OpenEpoch> open;

  long long batches_done() const {
    return static_cast<long long>(epoch) * static_cast<long long>(batches) +
           (open ? static_cast<long long>(open->batch) : 0LL);
  }

  void open_epoch() {
    for (Callback* callback : all) callback->on_epoch_begin(epoch + 1);
    auto& order = m.train.indices;
    for (std::size_t i = 0; i < rows; ++i) order[i] = i;
    if (options.shuffle) shuffle(order, rng);
    for (auto& metric : m.metrics) metric->reset();
    open.emplace();
    open->log.epoch = epoch + 1;
    open->log.loss_trace.reserve(batches / trace_window + 1);
    open->learning_rate = m.optimizer->common().learning_rate;
  }

  void train_next_batch() {
    OpenEpoch& o = *open;
    const std::size_t b = o.batch;
    const std::size_t first = b * batch_size;
    const std::size_t count = std::min(batch_size, rows - first);
    // The rate first: a layer may apply the update during its backward.
    o.learning_rate = schedule ? schedule->learning_rate(m.optimizer->iterations(), epoch)
                               : m.optimizer->common().learning_rate;
    const double value = m.train_batch(train, first, count, o.learning_rate, rng);
    o.loss_sum += value * static_cast<double>(count);
    o.rows_done += count;
    o.window_sum += value;
    if (++o.window_count == trace_window) {
      o.log.loss_trace.push_back(o.window_sum / static_cast<double>(o.window_count));
      o.window_sum = 0.0;
      o.window_count = 0;
    }
    ++o.batch;
    for (std::size_t c = 0; c < all.size() && !stopper; ++c) {
      if (!all[c]->on_batch_end(epoch + 1, static_cast<int>(b), value)) {
        stopper = c;
        stop_point = "at epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b);
      }
    }
  }

  // The training part of the open epoch's log as it stands.
  void fill_training(EpochLog& log, const OpenEpoch& o) const {
    if (o.window_count > 0)
      log.loss_trace.push_back(o.window_sum / static_cast<double>(o.window_count));
    log.learning_rate = o.learning_rate;
    log.values["loss"] = o.rows_done == 0 ? 0.0 : o.loss_sum / static_cast<double>(o.rows_done);
    for (const auto& metric : m.metrics) log.values[metric->name()] = metric->result();
  }

  // The open epoch ends: its log, validation, the callbacks, as fit() always
  // ended an epoch.
  void close_epoch(std::chrono::steady_clock::time_point since) {
    OpenEpoch o = std::move(*open);
    open.reset();
    // The epoch's log, over the rows trained; a stop after a batch cuts it
    // short, and it is kept apart, so a stopped trial's curve shows how it ended.
    EpochLog log = std::move(o.log);
    fill_training(log, o);
    if (validate && !stopper) {
      for (const auto& [key, value] : model.evaluate(*validation)) log.values["val_" + key] = value;
    }
    log.seconds =
        o.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
    ++epoch;
    if (stopper) {
      history.partial_epoch = std::move(log);
      return;
    }

    if (schedule) schedule->on_epoch_end(epoch - 1, log.values);
    history.epochs.push_back(std::move(log));
    const EpochLog& ended = history.epochs.back();
    for (std::size_t c = 0; c < all.size() && !stopper; ++c) {
      const bool go_on = all[c]->on_epoch_end(ended);
      if (all[c]->keeps_best_weights() && all[c]->best_epoch() == ended.epoch) {
        copy_weights(m.params, kept[c]);
      }
      if (!go_on) {
        stopper = c;
        stop_point = "after epoch " + std::to_string(ended.epoch);
      }
    }
  }

  // Trains until `target` batches in all are done, the epochs run out or a
  // callback stops; an epoch whose batches are all done is closed first when
  // `close_last` (run_to), else left open (run_to_batch: it closes when
  // training goes on). The time of this stretch goes to the open epoch.
  void train_until(long long target, bool close_last) {
    auto since = std::chrono::steady_clock::now();
    for (;;) {
      if (open && (open->batch == batches || stopper)) {
        if (!close_last && !stopper && batches_done() >= target) break;
        close_epoch(since);
        since = std::chrono::steady_clock::now();
        continue;
      }
      if (stopper || batches_done() >= target) break;
      if (!open) {
        if (epoch >= options.epochs) break;
        open_epoch();
      }
      train_next_batch();
    }
    if (open)
      open->seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  }
};

FitRun::FitRun(Sequential& model, const Split& train, const Split* validation, FitOptions options,
               Rng& rng, const std::vector<Callback*>& callbacks) {
  Sequential::Impl& m = *model.impl_;
  m.check_fit(train, validation, options);
  const auto classes = static_cast<std::size_t>(std::max<std::size_t>(2, m.output_units()));
  if (!options.class_weights.empty() && options.class_weights.size() != classes) {
    throw TrainingError("fit: " + std::to_string(options.class_weights.size()) +
                        " class weights for " + std::to_string(classes) +
                        " classes; expected one per class");
  }
  m.class_weights = options.class_weights;
  state_ = std::make_unique<State>(model, train, validation, std::move(options), rng);
  State& s = *state_;
  s.validate = validation != nullptr && validation->rows() > 0;
  m.build_optimizer();

  s.rows = train.rows();
  s.batch_size = static_cast<std::size_t>(s.options.batch_size);
  s.batches = (s.rows + s.batch_size - 1) / s.batch_size;
  s.trace_window = std::max<std::size_t>(
      1, s.batches / static_cast<std::size_t>(std::max(1, s.options.trace_points)));
  m.train.indices.resize(s.rows);
  m.grad_activations.resize(m.layers.size() + 1);

  // This fit's own schedule: copies of FitOptions share no state.
  if (s.options.schedule)
    s.schedule =
        s.options.schedule(m.optimizer->common().learning_rate, static_cast<long long>(s.batches));

  s.all.reserve(callbacks.size() + 1);
  if (!s.options.best_monitor.empty()) {
    s.best.emplace(s.options.best_monitor, s.options.best_maximize);
    s.all.push_back(&*s.best);
  }
  s.all.insert(s.all.end(), callbacks.begin(), callbacks.end());
  s.kept.resize(s.all.size());
  if (s.best) {
    m.has_best = false;
    s.kept.front().swap(m.best_weights);  // reuse the last fit's buffers
  }
  for (Callback* callback : s.all) callback->on_train_begin();
}

FitRun::~FitRun() = default;
FitRun::FitRun(FitRun&&) noexcept = default;
FitRun& FitRun::operator=(FitRun&&) noexcept = default;

bool FitRun::run_to(int epoch) {
  const DenormalGuard denormals;  // subnormal Adam moments would otherwise cost ~1/3 of the time
  State& s = *state_;
  if (s.finished) throw TrainingError("fit: the run is finished");
  const int until = std::min(epoch, s.options.epochs);
  s.train_until(static_cast<long long>(until) * static_cast<long long>(s.batches), true);
  return !s.stopper && s.epoch < s.options.epochs;
}

bool FitRun::run_to_batch(long long batches) {
  const DenormalGuard denormals;
  State& s = *state_;
  if (s.finished) throw TrainingError("fit: the run is finished");
  const long long all =
      static_cast<long long>(s.options.epochs) * static_cast<long long>(s.batches);
  // The fit's last batch closes its last epoch: nothing is left to go on with.
  s.train_until(std::min(batches, all), batches >= all);
  return !s.stopper && s.batches_done() < all;
}

long long FitRun::batches_done() const {
  return state_->batches_done();
}

std::size_t FitRun::batches_per_epoch() const {
  return state_->batches;
}

EpochLog FitRun::evaluate_now() {
  const DenormalGuard denormals;
  State& s = *state_;
  if (s.finished) throw TrainingError("fit: the run is finished");
  EpochLog log;
  log.epoch = s.epoch + 1;
  if (s.open) {
    log.loss_trace = s.open->log.loss_trace;
    s.fill_training(log, *s.open);
    log.seconds = s.open->seconds;
  }
  if (s.validate) {
    for (const auto& [key, value] : s.model.evaluate(*s.validation))
      log.values["val_" + key] = value;
  }
  return log;
}

int FitRun::epochs_done() const {
  return static_cast<int>(state_->history.epochs.size());
}

int FitRun::best_epoch() const {
  return state_->best ? state_->best->best_epoch() : 0;
}

const History& FitRun::history() const {
  return state_->history;
}

History FitRun::finish() {
  State& s = *state_;
  if (s.finished) throw TrainingError("fit: the run is finished");
  s.finished = true;
  Sequential::Impl& m = s.m;
  s.open.reset();  // paused inside an epoch and not resumed: that epoch is no epoch
  if (s.stopper) {
    const Callback& callback = *s.all[*s.stopper];
    s.history.stopped = true;
    s.history.stop_reason = callback.stop_reason();
    if (s.history.stop_reason.empty()) {
      s.history.stop_reason = "a callback stopped training " + s.stop_point;
    }
    if (callback.wants_best_weights_restored() && !s.kept[*s.stopper].empty()) {
      paste_weights(s.kept[*s.stopper], m.params);
    }
  }
  if (s.best) {
    s.history.best_epoch = s.best->best_epoch();
    m.has_best = s.history.best_epoch > 0;
    m.best_weights.swap(s.kept.front());
  }
  return std::move(s.history);
}

History Sequential::fit(const Split& train, const Split* validation, const FitOptions& options,
                        Rng& rng, const std::vector<Callback*>& callbacks) {
  FitRun run(*this, train, validation, options, rng, callbacks);
  run.run_to(options.epochs);
  return run.finish();
}

Logs Sequential::evaluate(const Split& data, int batch_size, const BatchOutputFn& on_batch) {
  Impl& m = *impl_;
  m.require_compiled("evaluate");
  if (batch_size < 1) {
    throw TrainingError("evaluate: batch_size " + std::to_string(batch_size) +
                        " is not accepted; expected >= 1");
  }
  m.check_data("evaluate", data);
  Rng unused;  // inference draws nothing
  for (auto& metric : m.eval_metrics) metric->reset();
  const std::size_t rows = data.rows();
  const auto step = static_cast<std::size_t>(batch_size);
  double loss_sum = 0.0;
  for (std::size_t first = 0; first < rows; first += step) {
    const std::size_t count = std::min(step, rows - first);
    const Matrix& output = m.forward(m.eval, data, first, count, false, unused);
    loss_sum += m.batch_loss(m.eval, count, nullptr) * static_cast<double>(count);
    const std::span<const std::int32_t> labels(m.eval.labels.data(), count);
    for (auto& metric : m.eval_metrics) metric->update(output, labels);
    if (on_batch) on_batch(output, labels);
  }
  Logs logs;
  logs["loss"] = rows == 0 ? 0.0 : loss_sum / static_cast<double>(rows) + m.l2_penalty();
  for (const auto& metric : m.eval_metrics) logs[metric->name()] = metric->result();
  return logs;
}

void Sequential::predict(const Split& data, Matrix& out, int batch_size) {
  Impl& m = *impl_;
  if (!m.built) throw TrainingError("predict: the model is not built; call build first");
  if (batch_size < 1) {
    throw TrainingError("predict: batch_size " + std::to_string(batch_size) +
                        " is not accepted; expected >= 1");
  }
  if (data.features() != m.input_features) {
    throw TrainingError("predict: data has " + std::to_string(data.features()) +
                        " features; the model was built for " + std::to_string(m.input_features));
  }
  Rng unused;
  const std::size_t rows = data.rows();
  out.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(m.output_units()));
  const auto step = static_cast<std::size_t>(batch_size);
  for (std::size_t first = 0; first < rows; first += step) {
    const std::size_t count = std::min(step, rows - first);
    const Matrix& output = m.forward(m.eval, data, first, count, false, unused);
    out.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count)) = output;
  }
}

bool Sequential::has_best_weights() const {
  return impl_->has_best;
}

void Sequential::restore_best_weights() {
  if (!impl_->has_best) throw TrainingError("restore_best_weights: no best weights were kept");
  paste_weights(impl_->best_weights, impl_->params);
}

std::size_t Sequential::output_units() const {
  return impl_->output_units();
}

std::vector<const Matrix*> Sequential::weights() const {
  return {impl_->params.begin(), impl_->params.end()};
}

void Sequential::set_weights(const std::vector<Matrix>& values) {
  Impl& m = *impl_;
  if (!m.built) throw TrainingError("set_weights: the model is not built; call build first");
  if (values.size() != m.params.size()) {
    throw TrainingError("set_weights: " + std::to_string(values.size()) +
                        " tensors given; the model has " + std::to_string(m.params.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Matrix& p = *m.params[i];
    if (values[i].rows() != p.rows() || values[i].cols() != p.cols()) {
      throw TrainingError("set_weights: tensor " + std::to_string(i) + " is " +
                          std::to_string(values[i].rows()) + " x " +
                          std::to_string(values[i].cols()) + "; the model's is " +
                          std::to_string(p.rows()) + " x " + std::to_string(p.cols()));
    }
  }
  paste_weights(values, m.params);
  m.has_best = false;
}

}  // namespace sweep::engine
