// The sweep report's script: draws every section of report.html from the one
// data source, the report.json embedded in #report-data (schema in the
// README). Text reaches the page only through textContent and attributes only
// through setAttribute: nothing from the data is ever parsed as markup.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  // The trials and the ranking come as columns (reports/report_html.hpp):
  // trial i is T.id[i], T.status[i], ..., its params P[key][i]; ranking
  // entry k is R.mean[k], ... with its trials' indices R.members[k].
  const T = data.trials || {};
  const N = T.count || 0;
  const P = T.params || {};
  const R = data.ranking || {};
  const RN = (R.rank || []).length;
  const metric = String(data.objective.metric);
  const maximize = data.objective.direction !== 'minimize';
  const curvesById = data.curves || {};
  const envelopes = data.envelopes || {};
  // A trial's reason comes as the indices of its clauses in T.reason_clauses.
  const clauses = T.reason_clauses || [];
  const reasons = new Array(N);
  function reasonAt(i) {
    let text = reasons[i];
    if (text === undefined) {
      text = '';
      for (const k of T.reason[i] || []) text += clauses[k];
      reasons[i] = text;
    }
    return text;
  }
  const indexById = new Map();
  for (let i = 0; i < N; i++) indexById.set(T.id[i], i);

  // ---- small helpers ---------------------------------------------------------

  function byId(id) { return document.getElementById(id); }
  function str(v) { return v === null || v === undefined ? '' : String(v); }
  function finite(v) { return typeof v === 'number' && isFinite(v); }
  // Whether a character code is white space as /\s/ has it.
  function isSpace(c) {
    return c === 32 || (c >= 9 && c <= 13) || (c >= 160 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) ||
      c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
  }

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

  const rateColumn = P.learning_rate || [];
  const optimizerColumn = P.optimizer || [];
  function rateAt(i) { return finite(rateColumn[i]) ? rateColumn[i] : null; }
  function optimizerAt(i) { return str(optimizerColumn[i]); }
  function labelAt(i) { return str(T.label[i]); }
  function paramsAt(i) {
    const out = {};
    for (const k of Object.keys(P)) if (P[k][i] !== null && P[k][i] !== undefined) out[k] = P[k][i];
    return out;
  }
  // Smallest and largest of an array without spreading it into arguments
  // (V8 refuses a call with ~100,000 of them).
  function extent(values) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }

  // Optimizers in the order the trials first name them; each keeps its colour.
  const optimizers = [];
  {
    const seen = new Set();
    for (let i = 0; i < N; i++) {
      const o = optimizerAt(i);
      if (!seen.has(o)) { seen.add(o); optimizers.push(o); }
    }
  }
  function optimizerColour(o) {
    return OPTIMIZER_COLOURS[Math.max(0, optimizers.indexOf(o)) % OPTIMIZER_COLOURS.length];
  }

  let logLo = 0;
  let logHi = 1;
  {
    const positive = [];
    for (let i = 0; i < N; i++) { const r = rateAt(i); if (r !== null && r > 0) positive.push(r); }
    if (positive.length) { const [lo, hi] = extent(positive); logLo = Math.log10(lo); logHi = Math.log10(hi); }
  }
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
      'sweep #' + str(sweep.id), str(sweep.status), N + ' trials',
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
    const rateSet = new Set();
    for (let i = 0; i < N; i++) { const r = rateAt(i); if (r !== null) rateSet.add(r); }
    // A random search tries many rates: group them by half decade to keep the grid readable.
    const binned = rateSet.size > 24;
    const columnOf = (r) => (binned && r > 0 ? Math.round(Math.log10(r) * 2) / 2 : r);
    const columnText = (c) => (binned ? '\u2248' + fmtRate(Math.pow(10, c)) : fmtRate(c));
    const columnSet = new Set();
    for (const r of rateSet) columnSet.add(columnOf(r));
    const columns = Array.from(columnSet).sort((a, b) => a - b);
    byId('heatmap-binned').hidden = !binned;
    if (!columns.length) {
      table.append(h('caption', {}, 'No trial has a learning rate: nothing to map.'));
      return;
    }

    const cells = new Map();
    const cellOf = (o, r) => {
      const key = o + '\u0000' + columnOf(r);
      if (!cells.has(key)) cells.set(key, {entry: -1, trials: 0, diverged: 0, failed: 0});
      return cells.get(key);
    };
    // The ranking is best first: a cell shows its first configuration with a value.
    for (let k = 0; k < RN; k++) {
      const r = finite(R.learning_rate[k]) ? R.learning_rate[k] : null;
      if (r === null) continue;
      const cell = cellOf(str(R.optimizer[k]), r);
      if (cell.entry < 0 || (!finite(R.mean[cell.entry]) && finite(R.mean[k]))) cell.entry = k;
    }
    for (let i = 0; i < N; i++) {
      const r = rateAt(i);
      if (r === null) continue;
      const cell = cellOf(optimizerAt(i), r);
      cell.trials++;
      if (T.status[i] === 'diverged') cell.diverged++;
      if (T.status[i] === 'failed') cell.failed++;
    }
    const values = [];
    for (const c of cells.values()) if (c.entry >= 0 && finite(R.mean[c.entry])) values.push(R.mean[c.entry]);
    const [lo, hi] = extent(values);
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
        const k = cell.entry;
        if (k < 0 || !finite(R.mean[k])) {
          const kind = cell.diverged > 0 ? 'diverged' : 'failed';
          const count = kind === 'diverged' ? cell.diverged : cell.failed;
          row.append(h('td', {class: kind, 'data-label': kind,
            title: where + ' \u00b7 ' + count + ' of ' + cell.trials + ' trials ' + kind}, '\u2715 ' + kind));
          continue;
        }
        let t = hi > lo ? (R.mean[k] - lo) / (hi - lo) : 1;
        if (!maximize) t = 1 - t;
        const label = str(R.label[k]);
        const counted = R.n[k] < R.trials[k] ? ' (' + R.n[k] + ' of ' + R.trials[k] + ')' : '';
        const td = h('td', {'data-label': label,
          title: where + ' \u00b7 ' + metric + ' ' + fmt(R.mean[k]) + counted +
            (binned ? ' (the best of ' + cell.trials + ' trials here)' : '') +
            (cell.diverged ? ' \u00b7 ' + cell.diverged + ' of ' + cell.trials + ' diverged' : '')},
        fmt(R.mean[k]) + counted, h('small', {}, label));
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

  // The objective against the learning rate: the lesson's U. With a few rates
  // per optimizer (a grid), one line per optimizer through the best
  // configuration at each rate, a band over the repeats; with many (a random
  // search), every configuration a point and a line through the median of
  // each bin of rates, so the U shows instead of a zig-zag.
  function drawRateChart() {
    const box = byId('lr-chart');
    const legend = byId('lr-legend');
    box.textContent = '';
    legend.textContent = '';
    const seen = new Map();  // optimizer -> its rates seen (numbers: no string per entry)
    const points = [];
    for (let k = 0; k < RN; k++) {  // best first: the first entry at a rate is its best configuration
      const r = R.learning_rate[k];
      if (!finite(r) || r <= 0) continue;
      const o = str(R.optimizer[k]);
      if (!seen.has(o)) seen.set(o, new Set());
      const rates = seen.get(o);
      if (rates.has(r)) continue;
      rates.add(r);
      points.push({k: k, o: o, r: r, m: R.mean[k], lo: R.min[k], hi: R.max[k], n: R.n[k]});
    }
    if (!points.length) { box.textContent = 'No learning rates to plot.'; return; }
    let ymin = Infinity;
    let ymax = -Infinity;
    const include = (v) => { if (finite(v)) { if (v < ymin) ymin = v; if (v > ymax) ymax = v; } };
    for (const p of points) { include(p.m); include(p.lo); include(p.hi); }
    if (ymin > ymax) { ymin = 0; ymax = 1; }
    const pad = (ymax - ymin) * 0.08 || 0.05;
    const [rlo, rhi] = extent(points.map((p) => p.r));
    const perOptimizer = new Map();
    for (const p of points) {
      if (!perOptimizer.has(p.o)) perOptimizer.set(p.o, []);
      perOptimizer.get(p.o).push(p);
    }
    let most = 0;
    for (const mine of perOptimizer.values()) most = Math.max(most, mine.length);
    const scatter = most > 24;
    byId('lr-note').textContent = scatter
      ? 'Each point is one configuration; the line runs through the median of each bin of rates, the band from its 10th to its 90th percentile. '
      : 'One line per optimizer through the best configuration at each rate; the band spans the repeats (min to max). ';
    const f = frame(box, {title: metric + ' against learning rate, by optimizer', xlog: true,
      xmin: rlo / 1.5, xmax: rhi * 1.5, ymin: ymin - pad, ymax: ymax + pad,
      xlabel: 'learning rate (log scale)',
      ylabel: metric + (maximize ? ' (higher is better)' : ' (lower is better)'), cls: 'plot lr-plot'});
    let noValue = 0;
    for (const o of optimizers) {
      const mine = (perOptimizer.get(o) || []).sort((a, b) => a.r - b.r);
      if (!mine.length) continue;
      const c = optimizerColour(o);
      const g = svg('g', {class: 'series', 'data-optimizer': o}, f.svg);
      const sw = h('span', {class: 'sw'});
      sw.style.background = c;
      if (scatter) {
        drawScatter(f, g, o, c, mine);
        const missing = mine.filter((p) => !finite(p.m)).length;
        noValue += missing;
        legend.append(h('span', {}, sw, o + ' (' + mine.length + ' configurations' +
          (missing ? ', ' + missing + ' without a value' : '') + ')'));
        continue;
      }
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
        const label = str(R.label[p.k]) || str(R.status[p.k]);
        const what = o + ' \u00b7 learning rate ' + fmtRate(p.r) + ' \u00b7 ' + label;
        if (finite(p.m)) {
          const dot = svg('circle', {cx: f.x(p.r), cy: f.y(p.m), r: 4.5, fill: c, stroke: colour('bg'),
            'stroke-width': 1.5, 'data-label': label}, g);
          tip(dot, what + ' \u00b7 ' + metric + ' ' + fmt(p.m) +
            (p.n > 1 ? ' (mean of ' + p.n + ', range ' + fmt(p.lo) + '\u2013' + fmt(p.hi) + ')' : ''));
        } else {
          noValue++;
          tip(cross(f, f.x(p.r), f.m.t + f.ph - 8, {class: 'diverged-mark'}, g), what + ' \u00b7 no value');
        }
      }
      legend.append(h('span', {}, sw, o));
    }
    if (noValue) legend.append(h('span', {class: 'no-value'}, '\u2715 = diverged or failed (no value)'));
  }

  // Many configurations of one optimizer: a point each (one path, not an
  // element each), the median of each of ~40 bins of log rate as a line with
  // its 10th-90th percentile band, and the ones without a value as one row
  // of small crosses along the bottom.
  function drawScatter(f, g, o, c, mine) {
    let dots = '';
    let crosses = '';
    const bins = new Map();
    const [lo, hi] = extent(mine.map((p) => Math.log10(p.r)));
    const width = Math.max((hi - lo) / 40, 1e-9);
    const bottom = f.m.t + f.ph - 6;
    for (const p of mine) {
      const x = f.x(p.r);
      // Coordinates to a tenth of a pixel: short numbers, quick to write and to parse.
      if (!finite(p.m)) { crosses += 'M' + r1(x - 2) + ' ' + r1(bottom - 2) + 'l4 4m0 -4l-4 4'; continue; }
      dots += 'M' + r1(x - 1.2) + ' ' + r1(f.y(p.m) - 1.2) + 'h2.4v2.4h-2.4z';
      const b = Math.floor((Math.log10(p.r) - lo) / width);
      if (!bins.has(b)) bins.set(b, []);
      bins.get(b).push(p);
    }
    if (dots) tip(svg('path', {d: dots, fill: c, 'fill-opacity': 0.35, class: 'points'}, g), o + ': one point per configuration');
    const line = [];
    for (const b of Array.from(bins.keys()).sort((x, y) => x - y)) {
      const members = bins.get(b);
      const ms = members.map((p) => p.m).sort((x, y) => x - y);
      const rs = members.map((p) => p.r).sort((x, y) => x - y);
      line.push({r: quantile(rs, 0.5), m: quantile(ms, 0.5), lo: quantile(ms, 0.1), hi: quantile(ms, 0.9), n: ms.length});
    }
    if (line.length > 1) {
      const d = line.map((p, i) => (i ? 'L' : 'M') + f.x(p.r) + ' ' + f.y(p.hi)).join('') +
        line.slice().reverse().map((p) => 'L' + f.x(p.r) + ' ' + f.y(p.lo)).join('') + 'Z';
      tip(svg('path', {d: d, fill: c, 'fill-opacity': 0.15, stroke: 'none', class: 'band'}, g),
        o + ': 10th\u201390th percentile of each bin');
    }
    tip(svg('path', {d: pathOf(f, line.map((p) => p.r), line.map((p) => p.m)), fill: 'none', stroke: c,
      'stroke-width': 2.2, class: 'line'}, g), o + ': median of each bin of rates');
    if (crosses) {
      tip(svg('path', {d: crosses, stroke: colour('diverged'), 'stroke-width': 1, class: 'diverged-mark'}, g),
        o + ': ' + (mine.length - line.reduce((n, p) => n + p.n, 0)) + ' configurations diverged or failed (no value)');
    }
  }

  function quantile(sorted, q) {
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] : NaN;
  }

  // Training (solid) and validation (dashed) `key` per epoch, one line per
  // drawn trial (`mine`: trial indices whose curves the page holds), coloured
  // by its learning rate; the optimizer's other trials as a grey band (10th to
  // 90th percentile per epoch) with their median dotted. False when nothing
  // has the metric.
  function drawCurveChart(box, mine, envelope, key) {
    const values = [];
    let maxEpoch = 1;
    for (const i of mine) {
      const c = curvesById[T.id[i]] || {};
      for (const s of [c[key], c['val_' + key]]) for (const v of s || []) if (finite(v)) values.push(v);
      const epochs = c.epoch || [];
      if (epochs.length) maxEpoch = Math.max(maxEpoch, epochs[epochs.length - 1]);
    }
    const bands = [];
    for (const name of [key, 'val_' + key]) {
      const e = envelope && envelope[name];
      if (!e || !e.epoch || !e.epoch.length) continue;
      bands.push([name, e]);
      for (const v of e.lo.concat(e.hi)) if (finite(v)) values.push(v);
      maxEpoch = Math.max(maxEpoch, e.epoch[e.epoch.length - 1]);
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
    for (const [name, e] of bands) {
      const validation = name.indexOf('val_') === 0;
      const d = e.epoch.map((x, j) => (j ? 'L' : 'M') + f.x(x) + ' ' + f.y(e.hi[j])).join('') +
        e.epoch.slice().reverse().map((x, j) => 'L' + f.x(x) + ' ' + f.y(e.lo[e.lo.length - 1 - j])).join('') + 'Z';
      const g = svg('g', {class: 'envelope'}, f.svg);
      tip(svg('path', {d: d, fill: colour('muted'), 'fill-opacity': validation ? 0.1 : 0.18, stroke: 'none'}, g),
        'the other ' + envelope.trials + ' trials: ' + (validation ? 'validation' : 'training') + ' ' + key +
        ', 10th to 90th percentile per epoch');
      svg('path', {d: pathOf(f, e.epoch, e.mid), fill: 'none', stroke: colour('muted'), 'stroke-width': 1,
        'stroke-dasharray': validation ? '5 4' : '1 3'}, g);
    }
    // The rungs of successive halving: where pruned curves end.
    for (const e of rungEpochs()) {
      if (e > Math.max(2, maxEpoch)) continue;
      tip(svg('line', {x1: f.x(e), x2: f.x(e), y1: f.m.t, y2: f.m.t + f.ph, class: 'rung-line',
        stroke: colour('muted') || '#888', 'stroke-dasharray': '2 3'}, f.svg), 'rung at epoch ' + e);
    }
    for (const i of mine) {
      const c = curvesById[T.id[i]] || {};
      const epochs = c.epoch || [];
      const rate = rateAt(i);
      const stroke = rateColour(rate);
      const name = 'trial #' + T.id[i] + ' \u00b7 learning rate ' + fmtRate(rate) + ' \u00b7 ' + labelAt(i);
      const g = svg('g', {class: 'trial', 'data-trial': T.id[i], 'data-label': labelAt(i)}, f.svg);
      for (const [series, dash, what] of [[key, null, 'training'], ['val_' + key, '5 4', 'validation']]) {
        const ys = c[series];
        if (!ys) continue;
        const d = pathOf(f, epochs, ys);
        const attrs = {d: d, fill: 'none', stroke: stroke, 'stroke-width': 1.6, class: series.indexOf('val_') === 0 ? 'val' : 'train'};
        if (dash) attrs['stroke-dasharray'] = dash;
        if (d.indexOf('L') >= 0) tip(svg('path', attrs, g), name + ' \u00b7 ' + what + ' ' + key);
        // A single point (a trial stopped in its first epochs) is a dot, not an invisible path.
        ys.forEach((v, j) => {
          const alone = finite(v) && !finite(ys[j - 1]) && !finite(ys[j + 1]);
          if (alone && finite(epochs[j])) {
            tip(svg('circle', {cx: f.x(epochs[j]), cy: f.y(v), r: 2.5, fill: stroke}, g),
              name + ' \u00b7 ' + what + ' ' + key + ' ' + fmt(v) + ' at epoch ' + epochs[j]);
          }
        });
      }
      // A diverged trial's last epoch was cut short: mark where its loss left the chart.
      const loss = c.loss || [];
      if (key === 'loss' && T.status[i] === 'diverged' && epochs.length) {
        const last = loss[loss.length - 1];
        const at = epochs[epochs.length - 1];
        const y = finite(last) ? f.y(last) : f.m.t + 6;
        const dv = T.divergence[i] || {};
        tip(cross(f, f.x(at), y, {class: 'diverged-mark'}, g), name + ' \u00b7 diverged at epoch ' + str(dv.epoch || at) +
          (dv.batch ? ', batch ' + dv.batch : '') + ', loss ' + (finite(dv.loss) ? fmt(dv.loss) : 'not finite'));
      }
    }
    return true;
  }

  function labelCounts(counts) {
    const item = h('span', {});
    for (const label of Object.keys(counts).sort((a, b) => counts[b] - counts[a])) {
      const b = badge(label);
      if (counts[label] > 1) b.textContent = label + ' \u00d7' + counts[label];
      item.append(b, ' ');
    }
    return item;
  }

  // One panel per optimizer: its drawn trials (every one for a small grid;
  // else its best configurations and one trial of each other diagnosis, so
  // the lesson stays in view) and the envelope of the rest. The legend lists
  // the drawn rates, each with its trials' labels, and the rest by label.
  function drawCurves() {
    const host = byId('curve-panels');
    host.textContent = '';
    const pending = [];
    const drawn = new Map();
    for (const id of Object.keys(curvesById)) {
      const i = indexById.get(Number(id));
      if (i === undefined) continue;
      const o = optimizerAt(i);
      if (!drawn.has(o)) drawn.set(o, []);
      drawn.get(o).push(i);
    }
    for (const o of optimizers) {
      const mine = drawn.get(o) || [];
      const envelope = envelopes[o];
      const sw = h('span', {class: 'sw'});
      sw.style.background = optimizerColour(o);
      const panel = h('div', {class: 'panel', 'data-optimizer': o}, h('h3', {}, sw, o));
      // Per learning rate: its colour and the labels of its trials.
      const byRate = new Map();
      for (const i of mine) {
        const r = rateAt(i);
        if (!byRate.has(r)) byRate.set(r, {});
        const labels = byRate.get(r);
        labels[labelAt(i)] = (labels[labelAt(i)] || 0) + 1;
      }
      const legend = h('div', {class: 'legend'});
      for (const r of Array.from(byRate.keys()).sort((a, b) => a - b)) {
        const rsw = h('span', {class: 'sw'});
        rsw.style.background = rateColour(r);
        legend.append(h('span', {}, rsw, fmtRate(r) + ' ', labelCounts(byRate.get(r))));
      }
      if (envelope) {
        const gsw = h('span', {class: 'sw envelope-swatch'});
        gsw.style.background = colour('muted');
        legend.append(h('span', {class: 'envelope-legend'}, gsw,
          'grey band: the other ' + envelope.trials + ' trials ', labelCounts(envelope.labels || {})));
      }
      panel.append(legend);
      for (const key of ['loss', 'accuracy']) {
        const box = h('div', {class: 'chart'});
        panel.append(box);
        pending.push([box, mine, envelope, key]);
      }
      host.append(panel);
    }
    // Drawn once every panel is in the grid, so that each chart takes its final width.
    for (const [box, mine, envelope, key] of pending) if (!drawCurveChart(box, mine, envelope, key)) box.remove();
  }

  // ---- the table of all trials -------------------------------------------------

  // The swept keys in spec order, then any other param a trial carries.
  function paramKeys() {
    const keys = ['optimizer', 'learning_rate'];
    for (const k of data.sweep.swept || []) if (typeof k === 'string' && keys.indexOf(k) < 0) keys.push(k);
    for (const k of Object.keys(P)) if (keys.indexOf(k) < 0) keys.push(k);
    return keys;
  }

  const DIRECTION_TEXT = {low: 'the learning rate was too low', high: 'the learning rate was too high',
    ok: 'within the margin of the best rate'};
  const ROW_HEIGHT = 30;  // px, fixed (report.css) so that the table is a window on the rows
  const OVERSCAN = 20;

  // The rows with a value (not NaN) of KEY, ascending (SIGN 1) or
  // descending (-1), ties in row order: a stable LSD radix sort, 16 bits a
  // pass, of each double mapped to an unsigned integer that orders as it
  // does (four passes over the rows instead of ~N log N comparator calls).
  function sortByKey(key, sign) {
    const n = key.length;
    const rows = [];
    for (let i = 0; i < n; i++) if (key[i] === key[i]) rows.push(i);
    const m = rows.length;
    // The key's four 16-bit digits, least significant first.
    const digits = [new Uint16Array(m), new Uint16Array(m), new Uint16Array(m), new Uint16Array(m)];
    const value = new Float64Array(1);
    const word = new Uint32Array(value.buffer);
    for (let j = 0; j < m; j++) {
      value[0] = key[rows[j]] === 0 ? 0 : key[rows[j]];  // -0 as 0
      let lo = word[0];
      let hi = word[1];
      if (hi & 0x80000000) { lo = ~lo; hi = ~hi; } else { hi |= 0x80000000; }
      if (sign < 0) { lo = ~lo; hi = ~hi; }
      digits[0][j] = lo & 0xffff;
      digits[1][j] = lo >>> 16;
      digits[2][j] = hi & 0xffff;
      digits[3][j] = hi >>> 16;
    }
    let from = new Int32Array(m);
    for (let j = 0; j < m; j++) from[j] = j;
    let to = new Int32Array(m);
    const count = new Int32Array(65537);
    for (const d of digits) {
      count.fill(0);
      for (let j = 0; j < m; j++) count[d[j] + 1]++;
      if (m === 0 || count[d[0] + 1] === m) continue;  // one digit: nothing moves
      for (let v = 0; v < 65536; v++) count[v + 1] += count[v];
      for (let j = 0; j < m; j++) {
        const r = from[j];
        to[count[d[r]]++] = r;
      }
      const swap = from;
      from = to;
      to = swap;
    }
    const out = new Array(m);
    for (let j = 0; j < m; j++) out[j] = rows[from[j]];
    return out;
  }

  // The table of every trial, virtualised: the rows live in the data's
  // columns; sorting reorders an index array, the filter keeps the indices
  // whose text matches, and only the rows in view (plus OVERSCAN) exist as
  // elements. Each sort and filter writes its time (ms, performance.now())
  // into body[data-sort-ms] and body[data-filter-ms].
  function renderTable() {
    const table = byId('trial-table');
    const win = byId('trial-window');
    const pad = byId('trial-pad');
    const keys = paramKeys();
    const column = (k) => P[k] || [];
    const numericKey = (k) => {
      let any = false;
      for (const v of column(k)) {
        if (v === null || v === undefined) continue;
        if (typeof v !== 'number') return false;
        any = true;
      }
      return any;
    };
    const epochs = T.epochs || [];
    // Each column: its header, whether numeric, its value and its text for row i.
    const columns = [{name: 'id', numeric: true, value: (i) => T.id[i], text: (i) => str(T.id[i])}];
    for (const k of keys) {
      const values = column(k);
      columns.push({name: k, numeric: numericKey(k), value: (i) => values[i],
        text: (i) => (values[i] === null || values[i] === undefined ? '' : paramText(k, values[i]))});
    }
    columns.push(
      {name: 'repeat', numeric: true, value: (i) => T.repeat[i], text: (i) => str(T.repeat[i])},
      {name: 'status', value: (i) => str(T.status[i]), text: (i) => str(T.status[i]), badge: true},
      {name: metric, numeric: true, value: (i) => T.objective[i], text: (i) => fmt(T.objective[i])},
      {name: 'best epoch', numeric: true, value: (i) => T.best_epoch[i], text: (i) => str(T.best_epoch[i])},
      {name: 'epochs', numeric: true, value: (i) => epochs[i], text: (i) => str(epochs[i])},
      {name: 'diagnosis', value: (i) => labelAt(i), text: (i) => labelAt(i), badge: true},
      {name: 'direction', value: (i) => str(T.direction[i]), text: (i) => str(T.direction[i])},
      {name: 'reason', value: (i) => reasonAt(i), text: (i) => reasonAt(i)});
    const headRow = table.tHead.rows[0];
    for (const c of columns) headRow.append(h('th', c.numeric ? {class: 'num'} : {}, c.name));
    const body = table.tBodies[0];

    // What the filter searches: the words of every row's cells' text, lower
    // case. A word typed (no white space in it) is in a row's text when it is
    // inside one of the row's words, so the index holds each distinct word
    // once, in one string (each ended by a line feed, word t starting at
    // wordStart[t]), and each word's rows (rowsOf[first[t]] to
    // rowsOf[first[t + 1] - 1]). A typed word is then one indexOf pass over
    // the distinct words (~1 MB at 100,000 trials, where the rows' text is
    // ~27 MB) and a walk over the rows of the words it matched, however many
    // rows those are. Built once, when the page has been drawn (a task of its
    // own queued at the end of this one), or by the first filter that comes
    // before it.
    let index = null;
    const searchIndex = () => {
      if (index !== null) return index;
      const started = performance.now();
      // A column at a time, each cell's text read a character at a time;
      // each word is looked up in a hash table of the distinct words (open
      // addressing, FNV-1a) without a string made for it, and its (word, row)
      // pair kept. A row may be listed twice for a word (two cells); the
      // filter counts it once.
      const words = [];
      const hashes = [];
      let slots = new Int32Array(1 << 12).fill(-1);
      const idOf = (text, from, to, hash) => {
        let mask = slots.length - 1;
        let s = hash & mask;
        for (let id = slots[s]; id >= 0; id = slots[s]) {
          const w = words[id];
          if (hashes[id] === hash && w.length === to - from) {
            let k = 0;
            while (k < w.length && w.charCodeAt(k) === text.charCodeAt(from + k)) k++;
            if (k === w.length) return id;
          }
          s = (s + 1) & mask;
        }
        const id = words.length;
        words.push(text.slice(from, to));
        hashes.push(hash);
        slots[s] = id;
        if (2 * words.length > slots.length) {
          slots = new Int32Array(2 * slots.length).fill(-1);
          mask = slots.length - 1;
          for (let t = 0; t < words.length; t++) {
            let q = hashes[t] & mask;
            while (slots[q] >= 0) q = (q + 1) & mask;
            slots[q] = t;
          }
        }
        return id;
      };
      let pairs = new Int32Array(1 << 20);
      let n = 0;
      const add = (id, row) => {
        if (n + 2 > pairs.length) {
          const grown = new Int32Array(2 * pairs.length);
          grown.set(pairs);
          pairs = grown;
        }
        pairs[n++] = id;
        pairs[n++] = row;
      };
      // The words of text[from, to): their ids, each passed to emit.
      const scan = (text, from, to, emit) => {
        let start = -1;
        let hash = 0;
        for (let p = from; p <= to; p++) {
          const ch = p < to ? text.charCodeAt(p) : 32;
          if (ch > 32 && ch < 160 ? false : isSpace(ch)) {
            if (start >= 0) emit(idOf(text, start, p, hash));
            start = -1;
          } else {
            if (start < 0) {
              start = p;
              hash = 0x811c9dc5;
            }
            hash = Math.imul(hash ^ ch, 0x01000193);
          }
        }
      };
      for (const c of columns) {
        const cells = new Array(N);
        for (let i = 0; i < N; i++) cells[i] = c.text(i);
        // A column of few distinct texts (optimizer, status, diagnosis, ...):
        // each text's words read once.
        const distinct = new Map();
        for (let i = 0; i < N && distinct.size <= 256; i++) {
          if (distinct.has(cells[i])) continue;
          const ids = [];
          const lower = cells[i].toLowerCase();
          scan(lower, 0, lower.length, (id) => ids.push(id));
          distinct.set(cells[i], ids);
        }
        if (distinct.size <= 256) {
          for (let i = 0; i < N; i++) for (const id of distinct.get(cells[i])) add(id, i);
          continue;
        }
        // Otherwise all of its cells in one lower-case string, between line
        // feeds.
        let text = cells.join('\n').toLowerCase();
        let total = N - 1;
        for (let i = 0; i < N; i++) total += cells[i].length;
        if (text.length !== total) {
          // A character whose lower case is longer (rare): each cell's own.
          for (let i = 0; i < N; i++) cells[i] = cells[i].toLowerCase();
          text = cells.join('\n');
        }
        let from = 0;
        for (let i = 0; i < N; i++) {
          const to = from + cells[i].length;
          scan(text, from, to, (id) => add(id, i));
          from = to + 1;
        }
      }
      const wordStart = new Int32Array(words.length + 1);
      for (let t = 0; t < words.length; t++) wordStart[t + 1] = wordStart[t] + words[t].length + 1;
      const first = new Int32Array(words.length + 1);
      for (let k = 0; k < n; k += 2) first[pairs[k] + 1]++;
      for (let t = 0; t < words.length; t++) first[t + 1] += first[t];
      const rowsOf = new Int32Array(n / 2);
      const fill = first.slice(0, words.length);
      for (let k = 0; k < n; k += 2) rowsOf[fill[pairs[k]]++] = pairs[k + 1];
      index = {text: words.join('\n') + '\n', wordStart, first, rowsOf};
      document.body.setAttribute('data-haystack-ms', (performance.now() - started).toFixed(0));
      return index;
    };
    setTimeout(searchIndex, 0);
    let order = new Array(N);
    for (let i = 0; i < N; i++) order[i] = i;
    let shown = order;

    const cell = (c, i) => {
      const text = c.text(i);
      if (c.numeric) return h('td', {class: 'num'}, text);
      if (c.name === 'status') {
        return h('td', T.status[i] === 'pruned' && T.error[i] ? {title: str(T.error[i])} : {}, badge(text));
      }
      if (c.badge) return h('td', {}, badge(text));
      if (c.name === 'direction') return h('td', text ? {class: 'direction', title: DIRECTION_TEXT[text] || ''} : {}, text);
      if (c.name === 'reason') return h('td', {class: 'reason', title: text}, text);
      return h('td', {}, text);
    };
    let first = -1;
    let last = -1;
    const draw = (force) => {
      const top = win.scrollTop;
      const height = win.clientHeight || 600;
      const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
      const to = Math.min(shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
      if (!force && from === first && to === last) return;
      first = from;
      last = to;
      pad.style.paddingTop = (from * ROW_HEIGHT) + 'px';
      pad.style.paddingBottom = ((shown.length - to) * ROW_HEIGHT) + 'px';
      const rows = document.createDocumentFragment();
      for (let n = from; n < to; n++) {
        const i = shown[n];
        const row = h('tr', {'data-status': str(T.status[i]), 'data-label': labelAt(i)});
        for (const c of columns) row.append(cell(c, i));
        rows.append(row);
      }
      body.textContent = '';
      body.append(rows);
    };
    win.addEventListener('scroll', () => draw(false));

    const input = byId('trial-filter');
    const count = byId('trial-count');
    const filter = () => {
      const started = performance.now();
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) {
        shown = order;
      } else {
        // Per row, how many of the typed words it holds.
        const {text, wordStart, first, rowsOf} = searchIndex();
        const hits = new Int32Array(N);
        const last = new Int32Array(N).fill(-1);  // the typed word that last counted the row
        words.forEach((typed, k) => {
          let t = 0;
          let at = text.indexOf(typed);
          while (at >= 0) {
            while (wordStart[t + 1] <= at) t++;
            for (let r = first[t]; r < first[t + 1]; r++) {
              const row = rowsOf[r];
              if (last[row] !== k) {
                last[row] = k;
                hits[row]++;
              }
            }
            at = text.indexOf(typed, wordStart[t + 1]);
          }
        });
        const need = words.length;
        shown = [];
        for (const i of order) if (hits[i] === need) shown.push(i);
      }
      count.textContent = shown.length + ' of ' + N + ' trials';
      draw(true);
      document.body.setAttribute('data-filter-ms', (performance.now() - started).toFixed(1));
    };

    // Sort keys: numbers as they are (rows without a value last either way),
    // strings by their rank among the column's distinct values (code-unit
    // order), computed once per column.
    const ranks = new Map();
    const keyOf = (col) => {
      if (ranks.has(col)) return ranks.get(col);
      const c = columns[col];
      const out = new Float64Array(N);
      if (c.numeric) {
        for (let i = 0; i < N; i++) { const v = c.value(i); out[i] = finite(v) ? v : NaN; }
      } else {
        const distinct = new Map();
        for (let i = 0; i < N; i++) distinct.set(c.value(i), 0);
        const sorted = Array.from(distinct.keys()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        sorted.forEach((v, k) => distinct.set(v, k));
        for (let i = 0; i < N; i++) out[i] = distinct.get(c.value(i));
      }
      ranks.set(col, out);
      return out;
    };
    const heads = headRow.cells;
    Array.prototype.forEach.call(heads, (th, col) => {
      th.addEventListener('click', () => {
        const started = performance.now();
        const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        for (const other of heads) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', dir);
        const sign = dir === 'ascending' ? 1 : -1;
        const k = keyOf(col);
        // Rows without a value (NaN) go last either way, in their present
        // order; the others by value, ties by row, in a stable radix sort.
        const missing = [];
        for (const i of order) if (k[i] !== k[i]) missing.push(i);
        const valued = sortByKey(k, sign);
        order = valued.concat(missing);
        filter();
        document.body.setAttribute('data-sort-ms', (performance.now() - started).toFixed(1));
      });
    });
    input.addEventListener('input', filter);
    filter();
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
  // narrowing rung by rung. Up to 2,000 trials a line each; beyond, one path
  // of points for the trials that went on and one for the pruned.
  function drawRungChart() {
    const chart = data.rung_chart;
    const box = byId('rung-chart');
    box.textContent = '';
    if (!chart || !Array.isArray(chart.epochs) || !chart.epochs.length) return;
    const xs = chart.epochs;
    const rows = chart.values || [];
    const values = [];
    for (const row of rows) for (const v of row) if (finite(v)) values.push(v);
    if (!values.length) return;
    const [ymin, ymax] = extent(values);
    const f = frame(box, {title: metric + ' at each rung', xmin: 1, xmax: Math.max(2, xs[xs.length - 1]),
      ymin: ymin, ymax: ymax, integer: true, xlabel: 'epoch',
      ylabel: metric + ' so far', cls: 'plot rung-chart', height: 240});
    const lines = N <= 2000;
    const paths = {pruned: '', kept: ''};
    for (let i = 0; i < N && i < rows.length; i++) {
      const ys = rows[i];
      const reached = xs.slice(0, ys.length);
      const pruned = T.status[i] === 'pruned';
      if (!lines) {
        ys.forEach((v, j) => {
          if (finite(v)) paths[pruned ? 'pruned' : 'kept'] += 'M' + (f.x(reached[j]) - 1.5) + ' ' + (f.y(v) - 1.5) + 'h3v3h-3z';
        });
        continue;
      }
      const stroke = pruned ? colour('muted') || '#999' : optimizerColour(optimizerAt(i));
      const g = svg('g', {class: 'trial', 'data-trial': T.id[i]}, f.svg);
      const name = 'trial #' + T.id[i] + ' \u00b7 ' + describe(paramsAt(i)) + ' \u00b7 ' + str(T.status[i]);
      const d = pathOf(f, reached, ys);
      if (d.indexOf('L') >= 0) tip(svg('path', {d: d, fill: 'none', stroke: stroke, 'stroke-width': 1.2}, g), name);
      reached.forEach((e, j) => {
        if (finite(ys[j])) tip(svg('circle', {cx: f.x(e), cy: f.y(ys[j]), r: 2.2, fill: stroke}, g), name + ' \u00b7 ' + fmt(ys[j]) + ' at epoch ' + e);
      });
    }
    if (!lines) {
      if (paths.kept) tip(svg('path', {d: paths.kept, fill: colour('accent'), 'fill-opacity': 0.4}, f.svg), 'trials kept at their rung');
      if (paths.pruned) tip(svg('path', {d: paths.pruned, fill: colour('muted'), 'fill-opacity': 0.3}, f.svg), 'trials pruned at their rung');
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
  // From the start of navigation to here: the page read, its data parsed and
  // every section drawn (the browser test reads it).
  document.body.setAttribute('data-load-ms', performance.now().toFixed(0));
})();
