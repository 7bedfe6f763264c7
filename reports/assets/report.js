// The sweep report's script: draws every section of report.html from the one
// data source, the report.json embedded in #report-data (schema in the
// README). Text reaches the page only through textContent and attributes only
// through setAttribute: nothing from the data is ever parsed as markup.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const trials = data.trials || [];
  const ranking = data.ranking || [];
  const metric = String(data.objective.metric);
  const maximize = data.objective.direction !== 'minimize';
  const trialById = new Map(trials.map((t) => [t.id, t]));

  // ---- small helpers ---------------------------------------------------------

  function byId(id) { return document.getElementById(id); }
  function str(v) { return v === null || v === undefined ? '' : String(v); }
  function finite(v) { return typeof v === 'number' && isFinite(v); }

  // An HTML element; children are nodes or strings (added as text).
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const k of Object.keys(attrs || {})) e.setAttribute(k, attrs[k]);
    for (const c of children) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }
  function svg(tag, attrs, parent) {
    const e = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function tip(parent, text) { svg('title', {}, parent).textContent = text; }
  function badge(label) { return h('span', {class: 'badge b-' + label}, label); }

  // The colours come from report.css, the page's one colour scheme.
  const rootStyle = getComputedStyle(document.documentElement);
  function colour(name) { return rootStyle.getPropertyValue('--' + name).trim(); }
  function rgbOf(hex) {
    const full = hex.length === 4 ? '#' + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3] : hex;
    return [1, 3, 5].map((i) => parseInt(full.substr(i, 2), 16));
  }
  // The colour at t in [0, 1] along the stops.
  function ramp(stops, t) {
    t = Math.max(0, Math.min(1, finite(t) ? t : 0));
    const s = t * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(s));
    const f = s - i;
    const a = rgbOf(stops[i]);
    const b = rgbOf(stops[i + 1]);
    return 'rgb(' + a.map((x, j) => Math.round(x + (b[j] - x) * f)).join(',') + ')';
  }
  const RATE_STOPS = [0, 1, 2, 3, 4].map((i) => colour('rate-' + i));
  const OPTIMIZER_COLOURS = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => colour('optimizer-' + i));

  // Numbers as the C++ side writes them (reports/format.cpp): three
  // significant digits, exponents without padding ("1.5e-5").
  function stripZeros(m) { return m.indexOf('.') < 0 ? m : m.replace(/0+$/, '').replace(/\.$/, ''); }
  function fmt(v) {
    if (!finite(v)) return '\u2013';
    if (v === 0) return '0';
    const parts = v.toExponential(2).split('e');
    const exponent = Number(parts[1]);
    if (exponent < -4 || exponent >= 3) return stripZeros(parts[0]) + 'e' + exponent;
    return stripZeros(v.toFixed(2 - exponent));
  }
  // Learning rates the way people write them: "1e-3", "3e-4"; 1 to 999 plain.
  function fmtRate(r) {
    if (!finite(r)) return '\u2013';
    if (r === 0) return '0';
    if (Math.abs(r) >= 1 && Math.abs(r) < 1000) return fmt(r);
    const parts = r.toExponential(2).split('e');
    return stripZeros(parts[0]) + 'e' + Number(parts[1]);
  }
  function paramText(key, v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (key === 'learning_rate') return fmtRate(v);
      return Number.isInteger(v) ? String(v) : fmt(v);
    }
    return JSON.stringify(v);
  }
  // "optimizer=adam, learning_rate=1e-3, batch_size=32": the C++ describe_config.
  function describe(config) {
    const keys = Object.keys(config || {}).sort();
    const first = ['optimizer', 'learning_rate'].filter((k) => keys.indexOf(k) >= 0);
    const rest = keys.filter((k) => first.indexOf(k) < 0);
    return first.concat(rest).map((k) => k + '=' + paramText(k, config[k])).join(', ');
  }

  function paramsOf(t) { return t.params || {}; }
  function rateOf(params) { return finite(params.learning_rate) ? params.learning_rate : null; }
  function labelOf(t) { return (t.diagnosis && t.diagnosis.label) || ''; }

  // Optimizers in the order the trials first name them; each keeps its colour.
  const optimizers = [];
  for (const t of trials) {
    const o = str(paramsOf(t).optimizer);
    if (optimizers.indexOf(o) < 0) optimizers.push(o);
  }
  function optimizerColour(o) {
    return OPTIMIZER_COLOURS[Math.max(0, optimizers.indexOf(o)) % OPTIMIZER_COLOURS.length];
  }

  // The label of a configuration (a ranking entry): its trials' commonest.
  function configLabel(entry) {
    const counts = new Map();
    for (const id of entry.trial_ids || []) {
      const t = trialById.get(id);
      if (t) counts.set(labelOf(t), (counts.get(labelOf(t)) || 0) + 1);
    }
    let best = '';
    let most = 0;
    for (const [label, n] of counts) if (n > most) { best = label; most = n; }
    return best;
  }

  const positiveRates = trials.map((t) => rateOf(paramsOf(t))).filter((r) => r !== null && r > 0);
  const logLo = positiveRates.length ? Math.log10(Math.min(...positiveRates)) : 0;
  const logHi = positiveRates.length ? Math.log10(Math.max(...positiveRates)) : 1;
  function rateColour(r) {
    if (!finite(r) || r <= 0) return colour('other');
    return ramp(RATE_STOPS, logHi > logLo ? (Math.log10(r) - logLo) / (logHi - logLo) : 0.5);
  }

  // ---- header, best configuration, warnings, advice --------------------------

  function renderHeader() {
    const sweep = data.sweep;
    byId('sweep-name').textContent = str(sweep.name);
    if (sweep.description) {
      byId('sweep-description').textContent = str(sweep.description);
      byId('sweep-description').hidden = false;
    }
    const jobs = finite(sweep.jobs) ? sweep.jobs : 1;
    byId('sweep-meta').textContent = [
      'sweep #' + str(sweep.id), str(sweep.status), trials.length + ' trials',
      fmt(sweep.duration) + ' s on ' + jobs + ' job' + (jobs === 1 ? '' : 's'),
      'host ' + str(sweep.host), 'sweep ' + str(sweep.version), 'started ' + str(sweep.started)
    ].join(' \u00b7 ');
    for (const e of document.querySelectorAll('.metric-name')) e.textContent = metric;
  }

  function score(key, value, cls, id) {
    const v = h('span', {class: 'v'}, value);
    if (id) v.id = id;
    return h('div', {class: cls || 'score'}, h('span', {class: 'k'}, key), v);
  }

  function renderBest() {
    const box = byId('best-body');
    const best = data.best;
    if (!best) {
      box.append(h('p', {class: 'config'}, 'none: no trial produced a value of ' + metric));
      return;
    }
    box.append(h('p', {class: 'config', id: 'best-config'}, describe(best.config)));
    const scores = h('div', {class: 'scores'});
    const main = score('validation ' + metric, fmt(best.objective), 'score', 'best-value');
    if (best.n > 1) main.append(' ', h('small', {}, '\u00b1 ' + fmt(best.std) + ' over ' + best.n + ' repeats'));
    scores.append(main);
    const tests = Object.keys(best.test_metrics || {});
    for (const name of tests) scores.append(score('test ' + name, fmt(best.test_metrics[name]), 'score test'));
    if (!tests.length) {
      const none = score('test', 'no test metrics');
      none.lastChild.classList.add('muted');
      scores.append(none);
    }
    box.append(scores);
    const atBest = Object.keys(best.best_epoch_metrics || {});
    if (atBest.length) {
      box.append(h('p', {class: 'muted'}, 'At its best epoch: ' +
        atBest.map((k) => k + ' ' + fmt(best.best_epoch_metrics[k])).join(', ') + '.'));
    }
    const names = Array.isArray(data.sweep.class_names) ? data.sweep.class_names : [];
    const classText = (i) => (i < names.length ? str(names[i]) : String(i));
    if (names.length) {
      box.append(h('p', {class: 'muted', id: 'class-names'}, 'Classes: ' +
        names.map((n, i) => i + ' = ' + str(n)).join(', ') + '.'));
    }
    const weights = data.sweep.class_weight;
    if (weights && Array.isArray(weights.weights)) {
      box.append(h('p', {class: 'muted', id: 'class-weights'}, 'Class weights in the training loss' +
        (typeof weights.given === 'string' ? ' (' + weights.given + ')' : '') + ': ' +
        weights.weights.map((w, i) => classText(i) + ' ' + fmt(w)).join(', ') + '.'));
    }
    const perClass = Array.isArray(best.test_per_class) ? best.test_per_class : [];
    if (perClass.length) {
      const table = h('table', {id: 'test-per-class'},
        h('caption', {}, 'Test set, per class (the winner\u2019s best-epoch weights)'),
        h('tr', {}, ...['class', 'precision', 'recall', 'F1', 'support'].map((k) => h('th', {}, k))));
      for (const c of perClass) {
        table.append(h('tr', {}, h('td', {}, str(c.name)), h('td', {}, fmt(c.precision)),
          h('td', {}, fmt(c.recall)), h('td', {}, fmt(c.f1_score)), h('td', {}, fmt(c.support))));
      }
      box.append(h('div', {class: 'scroll'}, table));
    }
    const confusion = best.test_confusion;
    if (confusion && Array.isArray(confusion.matrix) && Array.isArray(confusion.classes)) {
      const table = h('table', {id: 'test-confusion', class: 'heat'},
        h('caption', {}, 'Test confusion matrix: rows the true class, columns the predicted one'),
        h('tr', {}, h('th', {}, ''), ...confusion.classes.map((c) => h('th', {}, str(c)))));
      confusion.matrix.forEach((row, i) => {
        table.append(h('tr', {}, h('th', {}, str(confusion.classes[i])),
          ...row.map((n) => h('td', {}, fmt(n)))));
      });
      box.append(h('div', {class: 'scroll'}, table));
    }
    box.append(h('p', {}, h('strong', {}, 'How it was chosen:'),
      ' ' + str(data.objective.rule) + '. The winner is trial #' + str(best.trial_id) +
      ' at epoch ' + str(best.best_epoch) + '.'));
  }

  function renderList(sectionId, listId, items) {
    if (!items || !items.length) return;
    const list = byId(listId);
    for (const item of items) list.append(h('li', {}, str(item)));
    byId(sectionId).hidden = false;
  }

  // ---- heatmap: optimizer x learning rate --------------------------------------

  function renderHeatmap() {
    const table = byId('heatmap-table');
    table.textContent = '';
    const rates = [...new Set(trials.map((t) => rateOf(paramsOf(t))).filter((r) => r !== null))];
    // A random search tries many rates: group them by half decade to keep the grid readable.
    const binned = rates.length > 24;
    const columnOf = (r) => (binned && r > 0 ? Math.round(Math.log10(r) * 2) / 2 : r);
    const columnText = (c) => (binned ? '\u2248' + fmtRate(Math.pow(10, c)) : fmtRate(c));
    const columns = [...new Set(rates.map(columnOf))].sort((a, b) => a - b);
    byId('heatmap-binned').hidden = !binned;
    if (!columns.length) {
      table.append(h('caption', {}, 'No trial has a learning rate: nothing to map.'));
      return;
    }

    const cells = new Map();
    const cellOf = (o, r) => {
      const key = o + '\u0000' + columnOf(r);
      if (!cells.has(key)) cells.set(key, {entry: null, trials: 0, diverged: 0, failed: 0});
      return cells.get(key);
    };
    // The ranking is best first: a cell shows its first configuration with a value.
    for (const entry of ranking) {
      const r = rateOf(entry.config || {});
      if (r === null) continue;
      const cell = cellOf(str(entry.config.optimizer), r);
      if (!cell.entry || (!finite(cell.entry.mean) && finite(entry.mean))) cell.entry = entry;
    }
    for (const t of trials) {
      const r = rateOf(paramsOf(t));
      if (r === null) continue;
      const cell = cellOf(str(paramsOf(t).optimizer), r);
      cell.trials++;
      if (t.status === 'diverged') cell.diverged++;
      if (t.status === 'failed') cell.failed++;
    }
    const values = [...cells.values()].filter((c) => c.entry && finite(c.entry.mean)).map((c) => c.entry.mean);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const heatStops = [colour('heat-lo'), colour('heat-hi')];

    const head = h('tr', {}, h('th', {}, 'optimizer'));
    for (const c of columns) head.append(h('th', {}, columnText(c)));
    table.append(h('thead', {}, head));
    const body = h('tbody');
    for (const o of optimizers) {
      const sw = h('span', {class: 'sw'});
      sw.style.background = optimizerColour(o);
      const row = h('tr', {}, h('th', {}, sw, o));
      for (const c of columns) {
        const cell = cells.get(o + '\u0000' + c);
        if (!cell || !cell.trials) {
          row.append(h('td', {class: 'empty'}));
          continue;
        }
        const where = o + ' \u00b7 learning rate ' + columnText(c);
        const entry = cell.entry;
        if (!entry || !finite(entry.mean)) {
          const kind = cell.diverged > 0 ? 'diverged' : 'failed';
          const k = kind === 'diverged' ? cell.diverged : cell.failed;
          row.append(h('td', {class: kind, 'data-label': kind,
            title: where + ' \u00b7 ' + k + ' of ' + cell.trials + ' trials ' + kind}, '\u2715 ' + kind));
          continue;
        }
        let t = hi > lo ? (entry.mean - lo) / (hi - lo) : 1;
        if (!maximize) t = 1 - t;
        const label = configLabel(entry);
        const counted = entry.n < entry.trials ? ' (' + entry.n + ' of ' + entry.trials + ')' : '';
        const td = h('td', {'data-label': label,
          title: where + ' \u00b7 ' + metric + ' ' + fmt(entry.mean) + counted +
            (cell.diverged ? ' \u00b7 ' + cell.diverged + ' of ' + cell.trials + ' diverged' : '')},
        fmt(entry.mean) + counted, h('small', {}, label));
        td.style.background = ramp(heatStops, t);
        td.style.color = t > 0.55 ? colour('bg') : colour('fg');
        row.append(td);
      }
      body.append(row);
    }
    table.append(body);
  }

  // ---- charts ------------------------------------------------------------------

  function r1(v) { return Math.round(v * 10) / 10; }
  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) hi = lo + 1;
    let step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    const err = (hi - lo) / count / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  // An SVG with axes, sized to its container so the text stays readable on phones.
  function frame(container, o) {
    const width = Math.max(280, Math.round(container.clientWidth || 600));
    const height = o.height || Math.round(Math.min(320, Math.max(200, width * 0.55)));
    const m = {l: 58, r: 14, t: 12, b: 44};
    const root = svg('svg', {viewBox: '0 0 ' + width + ' ' + height, width: width, height: height,
      role: 'img', class: o.cls});
    svg('title', {}, root).textContent = o.title;
    container.appendChild(root);
    const pw = width - m.l - m.r;
    const ph = height - m.t - m.b;
    let xlo = o.xlog ? Math.log10(o.xmin) : o.xmin;
    let xhi = o.xlog ? Math.log10(o.xmax) : o.xmax;
    if (!(xhi > xlo)) { xlo -= 0.5; xhi += 0.5; }
    let ylo = o.ymin;
    let yhi = o.ymax;
    if (!(yhi > ylo)) { ylo -= 0.5; yhi += 0.5; }
    const f = {
      svg: root, m: m, pw: pw, ph: ph,
      x: (v) => r1(m.l + ((o.xlog ? Math.log10(v) : v) - xlo) / (xhi - xlo) * pw),
      y: (v) => r1(m.t + ph - (Math.max(ylo, Math.min(yhi, v)) - ylo) / (yhi - ylo) * ph)
    };
    const grid = svg('g', {class: 'grid'}, root);
    const axis = svg('g', {class: 'axis'}, root);
    let xt = o.xlog ? [] : niceTicks(xlo, xhi, Math.max(2, Math.floor(pw / 70)));
    if (o.integer) xt = xt.filter((v) => v === Math.round(v));
    if (o.xlog) for (let p = Math.ceil(xlo - 1e-9); p <= xhi + 1e-9; p++) xt.push(Math.pow(10, p));
    if (o.xlog && xt.length < 2) xt = [o.xmin, o.xmax];
    for (const v of xt) {
      const x = f.x(v);
      svg('line', {x1: x, x2: x, y1: m.t, y2: m.t + ph}, grid);
      svg('text', {x: x, y: m.t + ph + 16, 'text-anchor': 'middle'}, axis).textContent = o.xlog ? fmtRate(v) : fmt(v);
    }
    for (const v of niceTicks(ylo, yhi, Math.max(2, Math.floor(ph / 45)))) {
      if (v < ylo - 1e-12 || v > yhi + 1e-12) continue;
      const y = f.y(v);
      svg('line', {x1: m.l, x2: m.l + pw, y1: y, y2: y}, grid);
      svg('text', {x: m.l - 6, y: y + 4, 'text-anchor': 'end'}, axis).textContent = fmt(v);
    }
    svg('path', {d: 'M' + m.l + ' ' + m.t + 'V' + (m.t + ph) + 'H' + (m.l + pw), fill: 'none'}, axis);
    svg('text', {x: m.l + pw / 2, y: height - 6, 'text-anchor': 'middle', class: 'xlabel'}, axis).textContent = o.xlabel;
    svg('text', {x: 0, y: 0, 'text-anchor': 'middle', class: 'ylabel',
      transform: 'translate(14 ' + (m.t + ph / 2) + ') rotate(-90)'}, axis).textContent = o.ylabel;
    return f;
  }

  // A polyline through the finite points; a missing value lifts the pen.
  function pathOf(f, xs, ys) {
    let d = '';
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (!finite(ys[i]) || !finite(xs[i])) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + f.x(xs[i]) + ' ' + f.y(ys[i]);
      pen = true;
    }
    return d;
  }
  function cross(f, x, y, attrs, parent) {
    const d = 'M' + (x - 5) + ' ' + (y - 5) + 'L' + (x + 5) + ' ' + (y + 5) +
      'M' + (x - 5) + ' ' + (y + 5) + 'L' + (x + 5) + ' ' + (y - 5);
    return svg('path', Object.assign({d: d, stroke: colour('diverged'), 'stroke-width': 2.5}, attrs), parent);
  }

  // The objective against the learning rate, one line per optimizer through
  // the best configuration at each rate: the lesson's U.
  function drawRateChart() {
    const box = byId('lr-chart');
    const legend = byId('lr-legend');
    box.textContent = '';
    legend.textContent = '';
    const seen = new Set();
    const points = [];
    for (const entry of ranking) {  // best first: the first entry at a rate is its best configuration
      const r = rateOf(entry.config || {});
      if (r === null || r <= 0) continue;
      const o = str(entry.config.optimizer);
      if (seen.has(o + '\u0000' + r)) continue;
      seen.add(o + '\u0000' + r);
      points.push({o: o, r: r, m: entry.mean, lo: entry.min, hi: entry.max, n: entry.n,
        label: configLabel(entry) || entry.status});
    }
    if (!points.length) { box.textContent = 'No learning rates to plot.'; return; }
    const values = [];
    for (const p of points) for (const v of [p.m, p.lo, p.hi]) if (finite(v)) values.push(v);
    const ymin = values.length ? Math.min(...values) : 0;
    const ymax = values.length ? Math.max(...values) : 1;
    const pad = (ymax - ymin) * 0.08 || 0.05;
    const rates = points.map((p) => p.r);
    const f = frame(box, {title: metric + ' against learning rate, one line per optimizer', xlog: true,
      xmin: Math.min(...rates) / 1.5, xmax: Math.max(...rates) * 1.5, ymin: ymin - pad, ymax: ymax + pad,
      xlabel: 'learning rate (log scale)',
      ylabel: metric + (maximize ? ' (higher is better)' : ' (lower is better)'), cls: 'plot lr-plot'});
    for (const o of optimizers) {
      const mine = points.filter((p) => p.o === o).sort((a, b) => a.r - b.r);
      if (!mine.length) continue;
      const c = optimizerColour(o);
      const g = svg('g', {class: 'series', 'data-optimizer': o}, f.svg);
      const band = mine.filter((p) => finite(p.lo) && finite(p.hi) && p.n > 1);
      if (band.length > 1) {
        const d = band.map((p, i) => (i ? 'L' : 'M') + f.x(p.r) + ' ' + f.y(p.hi)).join('') +
          band.slice().reverse().map((p) => 'L' + f.x(p.r) + ' ' + f.y(p.lo)).join('') + 'Z';
        tip(svg('path', {d: d, fill: c, 'fill-opacity': 0.15, stroke: 'none', class: 'band'}, g),
          o + ': min\u2013max over repeats');
      }
      const valued = mine.filter((p) => finite(p.m));
      svg('path', {d: pathOf(f, valued.map((p) => p.r), valued.map((p) => p.m)), fill: 'none', stroke: c,
        'stroke-width': 2, class: 'line'}, g);
      for (const p of mine) {
        const what = o + ' \u00b7 learning rate ' + fmtRate(p.r) + ' \u00b7 ' + p.label;
        if (finite(p.m)) {
          const dot = svg('circle', {cx: f.x(p.r), cy: f.y(p.m), r: 4.5, fill: c, stroke: colour('bg'),
            'stroke-width': 1.5, 'data-label': p.label}, g);
          tip(dot, what + ' \u00b7 ' + metric + ' ' + fmt(p.m) +
            (p.n > 1 ? ' (mean of ' + p.n + ', range ' + fmt(p.lo) + '\u2013' + fmt(p.hi) + ')' : ''));
        } else {
          tip(cross(f, f.x(p.r), f.m.t + f.ph - 8, {class: 'diverged-mark'}, g), what + ' \u00b7 no value');
        }
      }
      const sw = h('span', {class: 'sw'});
      sw.style.background = c;
      legend.append(h('span', {}, sw, o));
    }
    if (points.some((p) => !finite(p.m))) legend.append(h('span', {class: 'no-value'}, '\u2715 = diverged or failed (no value)'));
  }

  function quantile(sorted, q) {
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] : NaN;
  }

  // Training (solid) and validation (dashed) `key` per epoch, one line per
  // trial, coloured by its learning rate. False when no trial has the metric.
  function drawCurveChart(box, mine, key) {
    const values = [];
    let maxEpoch = 1;
    for (const t of mine) {
      const c = t.curves || {};
      for (const s of [c[key], c['val_' + key]]) for (const v of s || []) if (finite(v)) values.push(v);
      const epochs = c.epoch || [];
      if (epochs.length) maxEpoch = Math.max(maxEpoch, epochs[epochs.length - 1]);
    }
    if (!values.length) return false;
    values.sort((a, b) => a - b);
    let lo = values[0];
    let hi = values[values.length - 1];
    const chance = data.sweep.classes >= 2 ? Math.log(data.sweep.classes) : 0;
    // An exploded loss would flatten every other curve: clip the axis, keep the shape.
    if (key === 'loss') { lo = Math.min(0, lo); hi = Math.min(hi, Math.max(quantile(values, 0.95) * 1.5, chance * 1.3)); }
    else if (lo >= 0 && hi <= 1) { lo = Math.min(lo, 0.5 * lo); hi = Math.min(1, hi + 0.05); }
    const f = frame(box, {title: key + ' per epoch', xmin: 1, xmax: Math.max(2, maxEpoch), ymin: lo, ymax: hi,
      integer: true, xlabel: 'epoch', ylabel: key, cls: 'plot curve-chart', height: 210});
    // The rungs of successive halving: where pruned curves end.
    for (const e of rungEpochs()) {
      if (e > Math.max(2, maxEpoch)) continue;
      tip(svg('line', {x1: f.x(e), x2: f.x(e), y1: f.m.t, y2: f.m.t + f.ph, class: 'rung-line',
        stroke: colour('muted') || '#888', 'stroke-dasharray': '2 3'}, f.svg), 'rung at epoch ' + e);
    }
    for (const t of mine) {
      const c = t.curves || {};
      const epochs = c.epoch || [];
      const rate = rateOf(paramsOf(t));
      const stroke = rateColour(rate);
      const name = 'trial #' + t.id + ' \u00b7 learning rate ' + fmtRate(rate) + ' \u00b7 ' + labelOf(t);
      const g = svg('g', {class: 'trial', 'data-trial': t.id, 'data-label': labelOf(t)}, f.svg);
      for (const [series, dash, what] of [[key, null, 'training'], ['val_' + key, '5 4', 'validation']]) {
        const ys = c[series];
        if (!ys) continue;
        const d = pathOf(f, epochs, ys);
        const attrs = {d: d, fill: 'none', stroke: stroke, 'stroke-width': 1.6, class: series.indexOf('val_') === 0 ? 'val' : 'train'};
        if (dash) attrs['stroke-dasharray'] = dash;
        if (d.indexOf('L') >= 0) tip(svg('path', attrs, g), name + ' \u00b7 ' + what + ' ' + key);
        // A single point (a trial stopped in its first epochs) is a dot, not an invisible path.
        ys.forEach((v, i) => {
          const alone = finite(v) && !finite(ys[i - 1]) && !finite(ys[i + 1]);
          if (alone && finite(epochs[i])) {
            tip(svg('circle', {cx: f.x(epochs[i]), cy: f.y(v), r: 2.5, fill: stroke}, g),
              name + ' \u00b7 ' + what + ' ' + key + ' ' + fmt(v) + ' at epoch ' + epochs[i]);
          }
        });
      }
      // A diverged trial's last epoch was cut short: mark where its loss left the chart.
      const loss = c.loss || [];
      if (key === 'loss' && t.status === 'diverged' && epochs.length) {
        const last = loss[loss.length - 1];
        const at = epochs[epochs.length - 1];
        const y = finite(last) ? f.y(last) : f.m.t + 6;
        const dv = t.divergence || {};
        tip(cross(f, f.x(at), y, {class: 'diverged-mark'}, g), name + ' \u00b7 diverged at epoch ' + str(dv.epoch || at) +
          (dv.batch ? ', batch ' + dv.batch : '') + ', loss ' + (finite(dv.loss) ? fmt(dv.loss) : 'not finite'));
      }
    }
    return true;
  }

  function drawCurves() {
    const host = byId('curve-panels');
    host.textContent = '';
    const pending = [];
    for (const o of optimizers) {
      const mine = trials.filter((t) => str(paramsOf(t).optimizer) === o);
      const sw = h('span', {class: 'sw'});
      sw.style.background = optimizerColour(o);
      const panel = h('div', {class: 'panel', 'data-optimizer': o}, h('h3', {}, sw, o));
      // Per learning rate: its colour and the labels of its trials.
      const byRate = new Map();
      for (const t of mine) {
        const r = rateOf(paramsOf(t));
        if (!byRate.has(r)) byRate.set(r, new Map());
        const labels = byRate.get(r);
        labels.set(labelOf(t), (labels.get(labelOf(t)) || 0) + 1);
      }
      const legend = h('div', {class: 'legend'});
      for (const r of [...byRate.keys()].sort((a, b) => a - b)) {
        const rsw = h('span', {class: 'sw'});
        rsw.style.background = rateColour(r);
        const item = h('span', {}, rsw, fmtRate(r) + ' ');
        for (const [label, n] of byRate.get(r)) {
          const b = badge(label);
          if (n > 1) b.textContent = label + ' \u00d7' + n;
          item.append(b);
        }
        legend.append(item);
      }
      panel.append(legend);
      for (const key of ['loss', 'accuracy']) {
        const box = h('div', {class: 'chart'});
        panel.append(box);
        pending.push([box, mine, key]);
      }
      host.append(panel);
    }
    // Drawn once every panel is in the grid, so that each chart takes its final width.
    for (const [box, mine, key] of pending) if (!drawCurveChart(box, mine, key)) box.remove();
  }

  // ---- the table of all trials -------------------------------------------------

  // The swept keys in spec order, then any other param a trial carries.
  function paramKeys() {
    const keys = ['optimizer', 'learning_rate'];
    for (const k of data.sweep.swept || []) if (typeof k === 'string' && keys.indexOf(k) < 0) keys.push(k);
    for (const t of trials) for (const k of Object.keys(paramsOf(t))) if (keys.indexOf(k) < 0) keys.push(k);
    return keys;
  }

  const DIRECTION_TEXT = {low: 'the learning rate was too low', high: 'the learning rate was too high',
    ok: 'within the margin of the best rate'};

  function renderTable() {
    const table = byId('trial-table');
    const keys = paramKeys();
    const numericKey = (k) => trials.some((t) => k in paramsOf(t)) &&
      trials.every((t) => !(k in paramsOf(t)) || typeof paramsOf(t)[k] === 'number');
    const columns = [['id', true]].concat(keys.map((k) => [k, numericKey(k)]),
      [['repeat', true], ['status', false], [metric, true], ['best epoch', true], ['epochs', true],
        ['diagnosis', false], ['direction', false], ['reason', false]]);
    const headRow = table.tHead.rows[0];
    for (const [name, numeric] of columns) headRow.append(h('th', numeric ? {class: 'num'} : {}, name));
    const body = table.tBodies[0];
    const num = (v, text) => {
      const td = h('td', {class: 'num'}, text === undefined ? str(v) : text);
      if (finite(v)) td.setAttribute('data-v', String(v));
      return td;
    };
    for (const t of trials) {
      const params = paramsOf(t);
      const diagnosis = t.diagnosis || {};
      const row = h('tr', {'data-status': str(t.status), 'data-label': str(diagnosis.label)}, num(t.id));
      for (const k of keys) {
        if (!(k in params)) row.append(h('td'));
        else if (typeof params[k] === 'number') row.append(num(params[k], paramText(k, params[k])));
        else row.append(h('td', {}, paramText(k, params[k])));
      }
      const direction = str(diagnosis.direction);
      row.append(num(t.repeat), h('td', t.status === 'pruned' && t.error ? {title: t.error} : {}, badge(str(t.status))), num(t.objective, fmt(t.objective)),
        num(t.best_epoch), num(((t.curves || {}).epoch || []).length),
        h('td', {}, badge(str(diagnosis.label))),
        h('td', direction ? {class: 'direction', title: DIRECTION_TEXT[direction] || ''} : {}, direction),
        h('td', {class: 'reason'}, str(diagnosis.reason)));
      body.append(row);
    }

    const heads = headRow.cells;
    Array.prototype.forEach.call(heads, (th, col) => {
      th.addEventListener('click', () => {
        const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        for (const other of heads) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', dir);
        const numeric = th.classList.contains('num');
        const sign = dir === 'ascending' ? 1 : -1;
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          if (numeric) {  // rows without a value go last either way
            const x = parseFloat(a.cells[col].getAttribute('data-v'));
            const y = parseFloat(b.cells[col].getAttribute('data-v'));
            if (!isFinite(x) || !isFinite(y)) return (isFinite(x) ? 0 : 1) - (isFinite(y) ? 0 : 1);
            return sign * (x - y);
          }
          return sign * a.cells[col].textContent.localeCompare(b.cells[col].textContent);
        });
        for (const r of rows) body.appendChild(r);
      });
    });
    const input = byId('trial-filter');
    const count = byId('trial-count');
    const apply = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const r of body.rows) {
        const text = r.textContent.toLowerCase();
        const ok = words.every((w) => text.indexOf(w) >= 0);
        r.hidden = !ok;
        if (ok) shown++;
      }
      count.textContent = shown + ' of ' + body.rows.length + ' trials';
    };
    input.addEventListener('input', apply);
    apply();
  }

  // ---- pruning: the rungs --------------------------------------------------------

  function rungEpochs() {
    const p = data.pruning;
    if (!p || !Array.isArray(p.rungs)) return [];
    return [...new Set(p.rungs.map((r) => r.epoch))].sort((a, b) => a - b);
  }
  function renderPruning() {
    const p = data.pruning;
    if (!p) return;
    byId('pruning').hidden = false;
    byId('pruning-link').hidden = false;
    const share = p.epochs_full > 0 ? Math.round(100 * p.epochs_run / p.epochs_full) : 0;
    byId('pruning-summary').textContent = str(p.method).replace('_', ' ') + ', min_epochs ' +
      str(p.min_epochs) + ', reduction_factor ' + str(p.reduction_factor) + ': ' + str(p.epochs_run) +
      ' epochs trained of ' + str(p.epochs_full) + ' without pruning (' + share + ' %).';
    const body = byId('rung-table').tBodies[0];
    for (const r of p.rungs || []) {
      body.append(h('tr', {}, h('td', {}, str(r.bracket)), h('td', {class: 'num'}, str(r.rung)),
        h('td', {class: 'num'}, str(r.epoch)), h('td', {class: 'num'}, str(r.trials)),
        h('td', {class: 'num'}, str(r.kept)), h('td', {class: 'num'}, fmt(r.cut))));
    }
  }
  // The objective of every trial at each rung epoch it reached: the field
  // narrowing rung by rung.
  function drawRungChart() {
    const p = data.pruning;
    const box = byId('rung-chart');
    box.textContent = '';
    const epochs = rungEpochs();
    if (!p || !epochs.length) return;
    const last = Math.max(...trials.map((t) => ((t.curves || {}).epoch || []).slice(-1)[0] || 0));
    const xs = epochs.concat(last > epochs[epochs.length - 1] ? [last] : []);
    const best = (t, e) => {
      const c = t.curves || {};
      const ys = c[metric] || [];
      let v = null;
      (c.epoch || []).forEach((x, i) => {
        if (x <= e && finite(ys[i]) && (v === null || (maximize ? ys[i] > v : ys[i] < v))) v = ys[i];
      });
      return v;
    };
    const values = [];
    for (const t of trials) for (const e of xs) { const v = best(t, e); if (v !== null) values.push(v); }
    if (!values.length) return;
    const f = frame(box, {title: metric + ' at each rung', xmin: 1, xmax: Math.max(2, xs[xs.length - 1]),
      ymin: Math.min(...values), ymax: Math.max(...values), integer: true, xlabel: 'epoch',
      ylabel: metric + ' so far', cls: 'plot rung-chart', height: 240});
    for (const t of trials) {
      const reached = xs.filter((e) => ((t.curves || {}).epoch || []).some((x) => x >= e));
      const ys = reached.map((e) => best(t, e));
      const stroke = t.status === 'pruned' ? colour('muted') || '#999' : optimizerColour(str(paramsOf(t).optimizer));
      const g = svg('g', {class: 'trial', 'data-trial': t.id}, f.svg);
      const name = 'trial #' + t.id + ' · ' + describe(paramsOf(t)) + ' · ' + str(t.status);
      const d = pathOf(f, reached, ys);
      if (d.indexOf('L') >= 0) tip(svg('path', {d: d, fill: 'none', stroke: stroke, 'stroke-width': 1.2}, g), name);
      reached.forEach((e, i) => {
        if (finite(ys[i])) tip(svg('circle', {cx: f.x(e), cy: f.y(ys[i]), r: 2.2, fill: stroke}, g), name + ' · ' + fmt(ys[i]) + ' at epoch ' + e);
      });
    }
  }

  function renderSpec() {
    byId('spec-hash').textContent = str(data.sweep.spec_hash);
    byId('spec-text').textContent = JSON.stringify(data.sweep.spec || {}, null, 2);
  }

  // ---- putting it together -----------------------------------------------------

  // A section that fails says so where it stands and lets the others draw; the
  // error is still thrown (uncaught) so the browser test and the console see it.
  function section(id, draw) {
    try {
      draw();
    } catch (e) {
      const box = byId(id);
      if (box) box.append(h('p', {class: 'error'}, 'This section could not be drawn: ' + e.message));
      setTimeout(() => { throw e; }, 0);
    }
  }
  function drawCharts() {
    section('lr', drawRateChart);
    section('curves', drawCurves);
    section('pruning', drawRungChart);
  }

  byId('report').hidden = false;
  section('best', renderHeader);
  section('best', renderBest);
  section('warnings', () => renderList('warnings', 'warning-list', data.warnings));
  section('advice', () => renderList('advice', 'advice-list', data.advice));
  section('heatmap', renderHeatmap);
  section('pruning', renderPruning);
  drawCharts();
  section('trials', renderTable);
  section('spec', renderSpec);
  let lastWidth = document.documentElement.clientWidth;
  let timer = null;
  window.addEventListener('resize', () => {
    if (document.documentElement.clientWidth === lastWidth) return;
    lastWidth = document.documentElement.clientWidth;
    clearTimeout(timer);
    timer = setTimeout(drawCharts, 150);
  });
  document.body.setAttribute('data-charts-ready', '1');
})();
