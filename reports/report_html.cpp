#include "reports/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/format.hpp"

namespace sweep::reports {
namespace {

using nlohmann::json;

constexpr std::string_view kCss = R"CSS(
:root{--fg:#1d2330;--muted:#5b6474;--line:#d8dde6;--bg:#fff;--card:#f6f8fb;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:1.7em;margin:.2em 0}
h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05em;margin:.4em 0}
.muted{color:var(--muted)}
nav{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0 0;font-size:.95em}
nav a{color:var(--accent);text-decoration:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px}
.best{border-left:6px solid #1a7f37}
.best .config{font-size:1.3em;font-weight:600;margin:.2em 0 .5em;word-break:break-word}
.scores{display:flex;flex-wrap:wrap;gap:10px 28px;margin:.4em 0}
.score .k{display:block;font-size:.8em;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.score .v{font-size:1.45em;font-weight:600}
.warnings li{margin:.2em 0}
.warnings{background:#fff8e6;border-color:#f0d48a}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.9em}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
#trial-table th{cursor:pointer;user-select:none;white-space:nowrap;position:sticky;top:0;background:#eef1f6}
#trial-table th[aria-sort=ascending]::after{content:" \25B2"}
#trial-table th[aria-sort=descending]::after{content:" \25BC"}
#trial-table td.reason{min-width:260px;color:var(--muted)}
table.heat td,table.heat th{text-align:center;border:1px solid #fff;min-width:64px}
table.heat td{font-variant-numeric:tabular-nums}
table.heat td small{display:block;font-size:.75em;opacity:.85}
table.heat td.diverged{background:#fde2e1;color:#a40e26;font-weight:600}
table.heat td.failed{background:#eee;color:#555}
table.heat td.empty{background:#fafafa}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:.8em;font-weight:600;white-space:nowrap;background:#e8ebf0;color:#333}
.b-converged{background:#dcf3e3;color:#14632d}.b-stalled{background:#e0e8f7;color:#1f4a8a}
.b-saturated{background:#efe1f7;color:#6b2a8a}.b-oscillating{background:#fff0d6;color:#8a5200}
.b-diverged{background:#fde2e1;color:#a40e26}.b-overfitting{background:#fff6c7;color:#6b5a00}
.b-failed{background:#e5e5e5;color:#333}.b-slow{background:#e3f1fb;color:#1d5a85}
.b-unstable{background:#ffe4d1;color:#8a3a00}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:14px}
.panel{border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
.chart{width:100%;min-height:60px}
.chart svg{display:block;width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:.85em;margin:4px 0}
.legend .sw{display:inline-block;width:14px;height:4px;border-radius:2px;vertical-align:middle;margin-right:4px}
svg text{font-size:12px;fill:#333}
svg .axis line,svg .axis path{stroke:#9aa3b2}
svg .grid line{stroke:#eceff4}
.lessons dt{font-weight:600;display:inline}.lessons dd{display:inline;margin:0 0 0 .3em}
.lessons div{margin:.15em 0}
input[type=search]{font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:6px;width:min(420px,100%);margin:0 0 8px}
pre{white-space:pre-wrap;word-break:break-word;font-size:.85em;background:var(--card);padding:10px;border-radius:6px}
@media (max-width:640px){main{padding:10px 10px 40px}h1{font-size:1.35em}.score .v{font-size:1.2em}.panels{grid-template-columns:1fr}}
)CSS";

constexpr std::string_view kScript = R"JS(
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('sweep-data').textContent);
  var LR_PALETTE = ['#0d0887', '#6a00a8', '#b12a90', '#e16462', '#f89540'];
  var OPT_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function tip(parent, text) { el('title', {}, parent).textContent = text; }
  function finite(v) { return typeof v === 'number' && isFinite(v); }
  function fmt(v) {
    if (!finite(v)) return '\u2013';
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
    return String(Number(v.toPrecision(3)));
  }
  function fmtLr(v) {
    if (!finite(v)) return '\u2013';
    if (v >= 1 && v < 1000) return String(Number(v.toPrecision(3)));
    var parts = v.toExponential(2).split('e');
    return parts[0].replace(/\.?0+$/, '') + 'e' + parts[1].replace('+', '');
  }
  function r1(v) { return Math.round(v * 10) / 10; }
  function hexRgb(h) { return [1, 3, 5].map(function (i) { return parseInt(h.substr(i, 2), 16); }); }
  function mix(palette, t) {
    t = Math.max(0, Math.min(1, t));
    var s = t * (palette.length - 1), i = Math.min(palette.length - 2, Math.floor(s)), f = s - i;
    var a = hexRgb(palette[i]), b = hexRgb(palette[i + 1]);
    return 'rgb(' + a.map(function (x, j) { return Math.round(x + (b[j] - x) * f); }).join(',') + ')';
  }

  var rates = data.trials.map(function (t) { return t.r; }).filter(function (r) { return finite(r) && r > 0; });
  var logLo = rates.length ? Math.log10(Math.min.apply(null, rates)) : 0;
  var logHi = rates.length ? Math.log10(Math.max.apply(null, rates)) : 1;
  function lrColour(r) {
    if (!finite(r) || r <= 0) return '#777';
    return mix(LR_PALETTE, logHi > logLo ? (Math.log10(r) - logLo) / (logHi - logLo) : 0.5);
  }
  var optimizers = [];
  data.trials.forEach(function (t) { if (optimizers.indexOf(t.o) < 0) optimizers.push(t.o); });
  function optColour(o) { return OPT_PALETTE[optimizers.indexOf(o) % OPT_PALETTE.length]; }

  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) { hi = lo + 1; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    var err = (hi - lo) / count / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  // An SVG with axes, sized to its container so text stays readable on phones.
  function frame(container, o) {
    var width = Math.max(280, Math.round(container.clientWidth || 600));
    var height = o.height || Math.round(Math.min(320, Math.max(200, width * 0.55)));
    var m = {l: 58, r: 14, t: 12, b: 44};
    var svg = el('svg', {viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img', 'class': o.cls || 'plot'});
    el('title', {}, svg).textContent = o.title;
    container.appendChild(svg);
    var pw = width - m.l - m.r, ph = height - m.t - m.b;
    var xlo = o.xlog ? Math.log10(o.xmin) : o.xmin, xhi = o.xlog ? Math.log10(o.xmax) : o.xmax;
    if (!(xhi > xlo)) { xlo -= 0.5; xhi += 0.5; }
    var ylo = o.ymin, yhi = o.ymax;
    if (!(yhi > ylo)) { ylo -= 0.5; yhi += 0.5; }
    var f = {
      svg: svg, m: m, pw: pw, ph: ph,
      x: function (v) { var u = o.xlog ? Math.log10(v) : v; return r1(m.l + (u - xlo) / (xhi - xlo) * pw); },
      y: function (v) { var c = Math.max(ylo, Math.min(yhi, v)); return r1(m.t + ph - (c - ylo) / (yhi - ylo) * ph); }
    };
    var grid = el('g', {'class': 'grid'}, svg), axis = el('g', {'class': 'axis'}, svg);
    var xt = o.xlog ? [] : niceTicks(xlo, xhi, Math.max(2, Math.floor(pw / 70)));
    if (o.integer) xt = xt.filter(function (v) { return v === Math.round(v); });
    if (o.xlog) for (var p = Math.ceil(xlo - 1e-9); p <= xhi + 1e-9; p++) xt.push(Math.pow(10, p));
    if (o.xlog && xt.length < 2) { xt = [o.xmin, o.xmax]; }
    xt.forEach(function (v) {
      var x = f.x(v);
      el('line', {x1: x, x2: x, y1: m.t, y2: m.t + ph}, grid);
      var t = el('text', {x: x, y: m.t + ph + 16, 'text-anchor': 'middle'}, axis);
      t.textContent = o.xlog ? fmtLr(v) : fmt(v);
    });
    niceTicks(ylo, yhi, Math.max(2, Math.floor(ph / 45))).forEach(function (v) {
      if (v < ylo - 1e-12 || v > yhi + 1e-12) return;
      var y = f.y(v);
      el('line', {x1: m.l, x2: m.l + pw, y1: y, y2: y}, grid);
      var t = el('text', {x: m.l - 6, y: y + 4, 'text-anchor': 'end'}, axis);
      t.textContent = fmt(v);
    });
    el('path', {d: 'M' + m.l + ' ' + m.t + 'V' + (m.t + ph) + 'H' + (m.l + pw), fill: 'none'}, axis);
    var xl = el('text', {x: m.l + pw / 2, y: height - 6, 'text-anchor': 'middle', 'class': 'xlabel'}, axis);
    xl.textContent = o.xlabel;
    var yl = el('text', {x: 0, y: 0, 'text-anchor': 'middle', 'class': 'ylabel', transform: 'translate(14 ' + (m.t + ph / 2) + ') rotate(-90)'}, axis);
    yl.textContent = o.ylabel;
    return f;
  }

  function pathOf(f, xs, ys) {
    var d = '', pen = false;
    for (var i = 0; i < xs.length; i++) {
      if (!finite(ys[i]) || !finite(xs[i])) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + f.x(xs[i]) + ' ' + f.y(ys[i]);
      pen = true;
    }
    return d;
  }

  function drawLrChart() {
    var box = document.getElementById('lr-chart');
    if (!box) return;
    box.textContent = '';
    var pts = data.points.filter(function (p) { return finite(p.r) && p.r > 0; });
    var vals = [];
    pts.forEach(function (p) { [p.m, p.lo, p.hi].forEach(function (v) { if (finite(v)) vals.push(v); }); });
    if (!pts.length) { box.textContent = 'No learning rates to plot.'; return; }
    var ymin = vals.length ? Math.min.apply(null, vals) : 0, ymax = vals.length ? Math.max.apply(null, vals) : 1;
    var pad = (ymax - ymin) * 0.08 || 0.05;
    var rs = pts.map(function (p) { return p.r; });
    var f = frame(box, {title: data.metric + ' against learning rate, one line per optimizer', xlog: true,
      xmin: Math.min.apply(null, rs) / 1.5, xmax: Math.max.apply(null, rs) * 1.5,
      ymin: ymin - pad, ymax: ymax + pad, xlabel: 'learning rate (log scale)',
      ylabel: data.metric + (data.maximize ? ' (higher is better)' : ' (lower is better)'), cls: 'plot lr-plot'});
    var legend = document.getElementById('lr-legend');
    legend.textContent = '';
    optimizers.forEach(function (o) {
      var mine = pts.filter(function (p) { return p.o === o; }).sort(function (a, b) { return a.r - b.r; });
      if (!mine.length) return;
      var colour = optColour(o), g = el('g', {'class': 'series', 'data-optimizer': o}, f.svg);
      var band = mine.filter(function (p) { return finite(p.lo) && finite(p.hi) && p.n > 1; });
      if (band.length > 1) {
        var d = band.map(function (p, i) { return (i ? 'L' : 'M') + f.x(p.r) + ' ' + f.y(p.hi); }).join('') +
          band.slice().reverse().map(function (p) { return 'L' + f.x(p.r) + ' ' + f.y(p.lo); }).join('') + 'Z';
        tip(el('path', {d: d, fill: colour, 'fill-opacity': 0.15, stroke: 'none', 'class': 'band'}, g), o + ': min\u2013max over repeats');
      }
      var ok = mine.filter(function (p) { return finite(p.m); });
      el('path', {d: pathOf(f, ok.map(function (p) { return p.r; }), ok.map(function (p) { return p.m; })),
        fill: 'none', stroke: colour, 'stroke-width': 2, 'class': 'line'}, g);
      mine.forEach(function (p) {
        var label = o + ' \u00b7 learning rate ' + fmtLr(p.r) + ' \u00b7 ' + (p.d || p.s);
        if (finite(p.m)) {
          var c = el('circle', {cx: f.x(p.r), cy: f.y(p.m), r: 4.5, fill: colour, stroke: '#fff', 'stroke-width': 1.5}, g);
          tip(c, label + ' \u00b7 ' + data.metric + ' ' + fmt(p.m) + (p.n > 1 ? ' (mean of ' + p.n + ', range ' + fmt(p.lo) + '\u2013' + fmt(p.hi) + ')' : ''));
        } else {
          var x = f.x(p.r), y = f.m.t + f.ph - 8;
          var mk = el('path', {d: 'M' + (x - 5) + ' ' + (y - 5) + 'L' + (x + 5) + ' ' + (y + 5) + 'M' + (x - 5) + ' ' + (y + 5) + 'L' + (x + 5) + ' ' + (y - 5),
            stroke: '#c81e1e', 'stroke-width': 2.5, 'class': 'diverged-mark'}, g);
          tip(mk, label + ' \u00b7 no value');
        }
      });
      var item = document.createElement('span');
      var sw = document.createElement('span');
      sw.className = 'sw'; sw.style.background = colour;
      item.appendChild(sw); item.appendChild(document.createTextNode(o));
      legend.appendChild(item);
    });
    if (pts.some(function (p) { return !finite(p.m); })) {
      var note = document.createElement('span');
      note.textContent = '\u2715 = diverged or failed (no value)';
      note.style.color = '#c81e1e';
      legend.appendChild(note);
    }
  }

  function quantile(sorted, q) { return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] : NaN; }

  function drawCurveChart(box, trials, key, label) {
    var vals = [], maxEpoch = 1;
    trials.forEach(function (t) {
      [t.c[key], t.c['val_' + key]].forEach(function (s) { (s || []).forEach(function (v) { if (finite(v)) vals.push(v); }); });
      maxEpoch = Math.max(maxEpoch, (t.e || []).length ? t.e[t.e.length - 1] : 1);
    });
    if (!vals.length) return false;
    vals.sort(function (a, b) { return a - b; });
    var lo = vals[0], hi = vals[vals.length - 1];
    if (key === 'loss') { lo = Math.min(0, lo); hi = Math.min(hi, Math.max(quantile(vals, 0.95) * 1.5, data.chance * 1.3 || 0)); }
    else if (lo >= 0 && hi <= 1) { lo = Math.min(lo, 0.5 * lo); hi = Math.min(1, hi + 0.05); }
    var f = frame(box, {title: label + ' per epoch', xmin: 1, xmax: Math.max(2, maxEpoch), ymin: lo, ymax: hi,
      xlabel: 'epoch', ylabel: label, integer: true, cls: 'plot curve-chart', height: 230});
    trials.forEach(function (t) {
      var colour = lrColour(t.r), g = el('g', {'class': 'trial', 'data-trial': t.i}, f.svg);
      var name = 'trial ' + t.i + ' \u00b7 learning rate ' + fmtLr(t.r) + ' \u00b7 ' + t.d;
      [[key, 'train', null], ['val_' + key, 'validation', '5 4']].forEach(function (s) {
        var ys = t.c[s[0]];
        if (!ys) return;
        var d = pathOf(f, t.e, ys);
        if (!d) return;
        var attrs = {d: d, fill: 'none', stroke: colour, 'stroke-width': 1.6, 'stroke-opacity': 0.9};
        if (s[2]) attrs['stroke-dasharray'] = s[2];
        var last = ys.filter(finite);
        tip(el('path', attrs, g), name + ' \u00b7 ' + s[1] + ' ' + label + ', last ' + fmt(last[last.length - 1]));
      });
    });
    return true;
  }

  function drawCurves() {
    var host = document.getElementById('curve-panels');
    if (!host) return;
    host.textContent = '';
    var pending = [];
    optimizers.forEach(function (o) {
      var mine = data.trials.filter(function (t) { return t.o === o && t.e && t.e.length; });
      var panel = document.createElement('div');
      panel.className = 'panel';
      panel.setAttribute('data-optimizer', o);
      var h = document.createElement('h3');
      h.textContent = o;
      panel.appendChild(h);
      var legend = document.createElement('div');
      legend.className = 'legend';
      var byRate = {};
      data.trials.filter(function (t) { return t.o === o; }).forEach(function (t) {
        var k = String(t.r);
        (byRate[k] = byRate[k] || {r: t.r, labels: {}}).labels[t.d] = (byRate[k].labels[t.d] || 0) + 1;
      });
      Object.keys(byRate).map(function (k) { return byRate[k]; }).sort(function (a, b) { return a.r - b.r; }).forEach(function (g) {
        var item = document.createElement('span');
        var sw = document.createElement('span');
        sw.className = 'sw'; sw.style.background = lrColour(g.r);
        item.appendChild(sw);
        item.appendChild(document.createTextNode(fmtLr(g.r) + ' '));
        Object.keys(g.labels).forEach(function (l) {
          var b = document.createElement('span');
          b.className = 'badge b-' + l;
          b.textContent = l + (g.labels[l] > 1 ? ' \u00d7' + g.labels[l] : '');
          item.appendChild(b);
        });
        legend.appendChild(item);
      });
      panel.appendChild(legend);
      var note = document.createElement('div');
      note.className = 'muted';
      note.style.fontSize = '.8em';
      note.textContent = 'solid: training, dashed: validation; colour: learning rate';
      panel.appendChild(note);
      ['loss', 'accuracy'].forEach(function (key) {
        var box = document.createElement('div');
        box.className = 'chart';
        panel.appendChild(box);
        pending.push([panel, box, mine, key]);
      });
      host.appendChild(panel);
    });
    // Drawn once every panel is in the grid, so each chart takes its final width.
    pending.forEach(function (p) { if (!drawCurveChart(p[1], p[2], p[3], p[3])) p[0].removeChild(p[1]); });
  }

  function setupTable() {
    var table = document.getElementById('trial-table');
    if (!table) return;
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var numeric = th.classList.contains('num');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          if (x === null) x = a.cells[col].textContent;
          if (y === null) y = b.cells[col].textContent;
          if (numeric) {
            var nx = parseFloat(x), ny = parseFloat(y);
            if (!isFinite(nx) && !isFinite(ny)) return 0;
            if (!isFinite(nx)) return 1;
            if (!isFinite(ny)) return -1;
            return dir === 'ascending' ? nx - ny : ny - nx;
          }
          return dir === 'ascending' ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var input = document.getElementById('trial-filter');
    var count = document.getElementById('trial-count');
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        var text = r.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        r.style.display = ok ? '' : 'none';
        if (ok) shown++;
      });
      count.textContent = shown + ' of ' + body.rows.length + ' trials';
    }
    input.addEventListener('input', apply);
    apply();
  }

  function drawAll() { drawLrChart(); drawCurves(); }
  drawAll();
  setupTable();
  var lastWidth = document.documentElement.clientWidth, timer = null;
  window.addEventListener('resize', function () {
    if (document.documentElement.clientWidth === lastWidth) return;
    lastWidth = document.documentElement.clientWidth;
    clearTimeout(timer);
    timer = setTimeout(drawAll, 150);
  });
  document.body.setAttribute('data-charts-ready', '1');
})();
)JS";

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

double number_or_nan(const json& value) {
  return value.is_number() ? value.get<double>() : std::nan("");
}

std::string value_text(const json& value) {
  return value.is_number() ? format_value(value.get<double>()) : "–";
}

std::string badge(const std::string& label) {
  return fmt::format("<span class=\"badge b-{0}\">{0}</span>", html_escape(label));
}

std::string param_text(const std::string& key, const json& value) {
  if (key == "learning_rate" && value.is_number()) return format_learning_rate(value.get<double>());
  if (value.is_number_float()) return format_value(value.get<double>());
  return text_of(value);
}

// The swept keys in spec order, then any other param key the trials carry.
std::vector<std::string> param_keys(const json& report) {
  std::vector<std::string> keys = {"optimizer", "learning_rate"};
  const json& sweep = report.at("sweep");
  if (sweep.contains("swept") && sweep.at("swept").is_array())
    for (const json& key : sweep.at("swept"))
      if (key.is_string() &&
          std::find(keys.begin(), keys.end(), key.get<std::string>()) == keys.end())
        keys.push_back(key.get<std::string>());
  for (const json& trial : report.at("trials")) {
    if (!trial.contains("params") || !trial.at("params").is_object()) continue;
    for (const auto& [key, value] : trial.at("params").items())
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

void render_header(std::string& out, const json& report) {
  const json& sweep = report.at("sweep");
  const std::string name = text_of(sweep.value("name", json("")));
  fmt::format_to(std::back_inserter(out), "<header><h1>{}</h1>", html_escape(name));
  const std::string description = text_of(sweep.value("description", json("")));
  if (!description.empty())
    fmt::format_to(std::back_inserter(out), "<p class=\"description\">{}</p>",
                   html_escape(description));
  fmt::format_to(std::back_inserter(out),
                 "<p class=\"muted\">sweep #{} · {} · {} trials · {} s on {} job{} · host {} · "
                 "sweep {} · started {}</p>",
                 html_escape(text_of(sweep.value("id", json(0)))),
                 html_escape(text_of(sweep.value("status", json("")))), report.at("trials").size(),
                 value_text(sweep.value("duration", json(nullptr))),
                 html_escape(text_of(sweep.value("jobs", json(1)))),
                 sweep.value("jobs", 1) == 1 ? "" : "s",
                 html_escape(text_of(sweep.value("host", json("")))),
                 html_escape(text_of(sweep.value("version", json("")))),
                 html_escape(text_of(sweep.value("started", json("")))));
  out +=
      "<nav><a href=\"#best\">best</a><a href=\"#heatmap\">heatmap</a><a href=\"#lr\">learning "
      "rate</a><a href=\"#curves\">curves</a><a href=\"#trials\">all trials</a><a "
      "href=\"#spec\">spec</a></nav></header>";
}

void render_best(std::string& out, const json& report) {
  const json& objective = report.at("objective");
  const std::string metric = text_of(objective.value("metric", json("")));
  const json& best = report.at("best");
  out += "<section id=\"best\" class=\"card best\"><h2>Best configuration</h2>";
  if (best.is_null()) {
    fmt::format_to(std::back_inserter(out),
                   "<p class=\"config\">none: no trial produced a value of {}</p>",
                   html_escape(metric));
  } else {
    fmt::format_to(std::back_inserter(out), "<p class=\"config\" id=\"best-config\">{}</p>",
                   html_escape(describe_config(best.at("config"))));
    out += "<div class=\"scores\">";
    const int n = best.value("n", 1);
    std::string spread;
    if (n > 1)
      spread = fmt::format(" <small>± {} over {} repeats</small>",
                           value_text(best.value("std", json(nullptr))), n);
    fmt::format_to(std::back_inserter(out),
                   "<div class=\"score\"><span class=\"k\">validation {}</span><span class=\"v\" "
                   "id=\"best-value\">{}</span>{}</div>",
                   html_escape(metric), value_text(best.value("objective", json(nullptr))), spread);
    const json tests = best.value("test_metrics", json::object());
    for (const auto& [name, value] : tests.items())
      fmt::format_to(std::back_inserter(out),
                     "<div class=\"score test\"><span class=\"k\">test {}</span><span "
                     "class=\"v\">{}</span></div>",
                     html_escape(name), value_text(value));
    if (tests.empty())
      out +=
          "<div class=\"score\"><span class=\"k\">test</span><span class=\"v muted\">no test "
          "metrics</span></div>";
    out += "</div>";
    const json at_best = best.value("best_epoch_metrics", json::object());
    if (!at_best.empty()) {
      out += "<p class=\"muted\">At its best epoch: ";
      bool first = true;
      for (const auto& [name, value] : at_best.items()) {
        fmt::format_to(std::back_inserter(out), "{}{} {}", first ? "" : ", ", html_escape(name),
                       value_text(value));
        first = false;
      }
      out += ".</p>";
    }
    fmt::format_to(std::back_inserter(out),
                   "<p><strong>How it was chosen:</strong> {}. The winner is trial #{} at epoch "
                   "{}.</p>",
                   html_escape(text_of(objective.value("rule", json("")))),
                   html_escape(text_of(best.value("trial_id", json("")))),
                   html_escape(text_of(best.value("best_epoch", json("")))));
  }
  out += "</section>";
  const json& warnings = report.at("warnings");
  if (!warnings.empty()) {
    out += "<section class=\"card warnings\" id=\"warnings\"><h3>Warnings</h3><ul>";
    for (const json& w : warnings)
      fmt::format_to(std::back_inserter(out), "<li>{}</li>", html_escape(text_of(w)));
    out += "</ul></section>";
  }
  const json advice = report.value("advice", json::array());
  if (!advice.empty()) {
    out += "<section class=\"card\" id=\"advice\"><h3>Where to look next</h3><ul>";
    for (const json& a : advice)
      fmt::format_to(std::back_inserter(out), "<li>{}</li>", html_escape(text_of(a)));
    out += "</ul></section>";
  }
}

// Optimizer x learning-rate grid of the objective. Random searches with many
// distinct rates are binned by half decades so the grid stays readable.
void render_heatmap(std::string& out, const json& report) {
  const bool maximize = report.at("objective").value("direction", "maximize") == "maximize";
  const std::string metric = text_of(report.at("objective").value("metric", json("")));
  std::set<double> all_rates;
  std::vector<std::string> optimizers;
  for (const json& trial : report.at("trials")) {
    const json params = trial.value("params", json::object());
    const std::string optimizer = text_of(params.value("optimizer", json("")));
    if (std::find(optimizers.begin(), optimizers.end(), optimizer) == optimizers.end())
      optimizers.push_back(optimizer);
    if (params.contains("learning_rate") && params.at("learning_rate").is_number())
      all_rates.insert(params.at("learning_rate").get<double>());
  }
  const bool binned = all_rates.size() > 24;
  auto column_of = [&](double rate) {
    return binned && rate > 0 ? std::round(std::log10(rate) * 2.0) / 2.0 : rate;
  };
  std::set<double> columns;
  for (double rate : all_rates) columns.insert(column_of(rate));

  struct Cell {
    double value = std::nan("");
    int n = 0;  // repeats behind the value
    int trials = 0;
    int diverged = 0;
    int failed = 0;
    std::string label;
  };
  std::map<std::pair<std::string, double>, Cell> cells;
  // Ranking entries best first: the first value seen in a cell is its best configuration's mean.
  for (const json& entry : report.at("ranking")) {
    const json& config = entry.at("config");
    if (!config.contains("learning_rate") || !config.at("learning_rate").is_number()) continue;
    Cell& cell = cells[{text_of(config.value("optimizer", json(""))),
                        column_of(config.at("learning_rate").get<double>())}];
    const double mean = number_or_nan(entry.value("mean", json(nullptr)));
    if (std::isnan(cell.value) && std::isfinite(mean)) {
      cell.value = mean;
      cell.n = entry.value("n", 0);
    }
  }
  for (const json& trial : report.at("trials")) {
    const json params = trial.value("params", json::object());
    if (!params.contains("learning_rate") || !params.at("learning_rate").is_number()) continue;
    Cell& cell = cells[{text_of(params.value("optimizer", json(""))),
                        column_of(params.at("learning_rate").get<double>())}];
    ++cell.trials;
    const std::string status = trial.value("status", "");
    if (status == "diverged") ++cell.diverged;
    if (status == "failed") ++cell.failed;
    const std::string label = trial.at("diagnosis").value("label", "");
    if (cell.label.empty() ||
        (label != "diverged" && label != "failed" && cell.label == "diverged"))
      cell.label = label;
  }
  double lo = INFINITY;
  double hi = -INFINITY;
  for (const auto& [key, cell] : cells)
    if (std::isfinite(cell.value)) {
      lo = std::min(lo, cell.value);
      hi = std::max(hi, cell.value);
    }

  fmt::format_to(std::back_inserter(out),
                 "<section id=\"heatmap\"><h2>{} by optimizer × learning rate</h2><p "
                 "class=\"muted\">Each cell: the best configuration's {} at that rate (mean over "
                 "repeats), darker is better, with its diagnosis{}. Red cells diverged.</p><div "
                 "class=\"scroll\"><table class=\"heat\"><thead><tr><th>optimizer</th>",
                 html_escape(metric), html_escape(metric),
                 binned ? "; rates grouped by half decade" : "");
  for (double column : columns)
    fmt::format_to(
        std::back_inserter(out), "<th>{}</th>",
        binned ? "≈" + format_learning_rate(std::pow(10.0, column)) : format_learning_rate(column));
  out += "</tr></thead><tbody>";
  for (const std::string& optimizer : optimizers) {
    fmt::format_to(std::back_inserter(out), "<tr><th>{}</th>", html_escape(optimizer));
    for (double column : columns) {
      const auto it = cells.find({optimizer, column});
      const std::string rate_text = binned ? "≈" + format_learning_rate(std::pow(10.0, column))
                                           : format_learning_rate(column);
      if (it == cells.end() || it->second.trials == 0) {
        out += "<td class=\"empty\"></td>";
        continue;
      }
      const Cell& cell = it->second;
      const std::string where = html_escape(optimizer) + " · learning rate " + rate_text;
      if (!std::isfinite(cell.value)) {
        const bool diverged = cell.diverged > 0;
        fmt::format_to(std::back_inserter(out),
                       "<td class=\"{0}\" title=\"{1} · {2} of {3} trials {0}\">✕ {0}</td>",
                       diverged ? "diverged" : "failed", where,
                       diverged ? cell.diverged : cell.failed, cell.trials);
        continue;
      }
      double t = hi > lo ? (cell.value - lo) / (hi - lo) : 1.0;
      if (!maximize) t = 1.0 - t;
      // Light to dark green; white text on the dark end.
      const int r = static_cast<int>(std::lround(237 - t * (237 - 20)));
      const int g = static_cast<int>(std::lround(248 - t * (248 - 110)));
      const int b = static_cast<int>(std::lround(240 - t * (240 - 60)));
      fmt::format_to(
          std::back_inserter(out),
          "<td style=\"background:rgb({},{},{});color:{}\" title=\"{} · {} {}{}\">{}"
          "<small>{}</small></td>",
          r, g, b, t > 0.55 ? "#fff" : "#111", where, html_escape(metric), format_value(cell.value),
          cell.diverged > 0 ? fmt::format(" · {} of {} diverged", cell.diverged, cell.trials) : "",
          format_value(cell.value) +
              (cell.n < cell.trials ? fmt::format(" ({} of {})", cell.n, cell.trials) : ""),
          html_escape(cell.label));
    }
    out += "</tr>";
  }
  out += "</tbody></table></div></section>";
}

void render_charts(std::string& out, const json& report) {
  const std::string metric = html_escape(text_of(report.at("objective").value("metric", json(""))));
  fmt::format_to(
      std::back_inserter(out),
      "<section id=\"lr\"><h2>{} against learning rate</h2><p class=\"muted\">One line per "
      "optimizer through the best configuration at each rate; the band spans the repeats (min to "
      "max). Too low a rate stalls, too high a rate oscillates, saturates or diverges: the best "
      "sits at the bottom of the U (the top, for a score).</p><div class=\"legend\" "
      "id=\"lr-legend\"></div><div class=\"chart\" id=\"lr-chart\"><noscript>The charts need "
      "JavaScript; the tables above and below do not.</noscript></div></section>",
      metric);
  out +=
      "<section id=\"curves\"><h2>Training curves by optimizer</h2><dl class=\"lessons\">"
      "<div><dt>converged</dt><dd>within the margin of its optimizer's best rate: trained "
      "well.</dd></div>"
      "<div><dt>overfitting</dt><dd>within the margin, but validation loss rising while "
      "training loss falls.</dd></div>"
      "<div><dt>stalled</dt><dd>clearly worse at a lower rate than the best, and barely moving "
      "at the end: too low.</dd></div>"
      "<div><dt>slow</dt><dd>clearly worse at a lower rate, still improving when training "
      "ended: too low (or too few epochs).</dd></div>"
      "<div><dt>oscillating</dt><dd>clearly worse at a higher rate; the loss jumps up and down "
      "without a trend: too high.</dd></div>"
      "<div><dt>saturated</dt><dd>clearly worse at a higher rate; flat at the chance-level loss "
      "ln K: too high, units died.</dd></div>"
      "<div><dt>unstable</dt><dd>clearly worse at a higher rate; finite, but plateaued well "
      "short of the best: too high.</dd></div>"
      "<div><dt>diverged</dt><dd>stopped: the loss became non-finite, or exploded and stayed "
      "there: too high.</dd></div></dl><div class=\"panels\" id=\"curve-panels\"></div></section>";
}

void render_table(std::string& out, const json& report) {
  const std::vector<std::string> keys = param_keys(report);
  const std::string metric = text_of(report.at("objective").value("metric", json("")));
  out +=
      "<section id=\"trials\"><h2>All trials</h2><input type=\"search\" id=\"trial-filter\" "
      "placeholder=\"filter: e.g. sgd stalled\" aria-label=\"filter trials\"> <span "
      "class=\"muted\" id=\"trial-count\"></span><div class=\"scroll\"><table "
      "id=\"trial-table\"><thead><tr><th class=\"num\">id</th>";
  for (const std::string& key : keys) {
    const bool numeric = key != "optimizer";
    fmt::format_to(std::back_inserter(out), "<th{}>{}</th>", numeric ? " class=\"num\"" : "",
                   html_escape(key));
  }
  fmt::format_to(std::back_inserter(out),
                 "<th class=\"num\">repeat</th><th>status</th><th class=\"num\">{}</th><th "
                 "class=\"num\">best epoch</th><th class=\"num\">epochs</th><th>diagnosis</th><th>"
                 "reason</th></tr></thead><tbody>",
                 html_escape(metric));
  for (const json& trial : report.at("trials")) {
    const json params = trial.value("params", json::object());
    fmt::format_to(std::back_inserter(out), "<tr data-status=\"{0}\"><td class=\"num\">{1}</td>",
                   html_escape(trial.value("status", "")),
                   html_escape(text_of(trial.value("id", json(0)))));
    for (const std::string& key : keys) {
      if (!params.contains(key)) {
        out += "<td></td>";
        continue;
      }
      const json& value = params.at(key);
      if (value.is_number())
        fmt::format_to(std::back_inserter(out), "<td class=\"num\" data-v=\"{}\">{}</td>",
                       value.dump(), html_escape(param_text(key, value)));
      else
        fmt::format_to(std::back_inserter(out), "<td>{}</td>", html_escape(param_text(key, value)));
    }
    const json objective = trial.value("objective", json(nullptr));
    const json diagnosis = trial.value("diagnosis", json::object());
    const json epochs = trial.value("curves", json::object()).value("epoch", json::array());
    fmt::format_to(std::back_inserter(out),
                   "<td class=\"num\">{}</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td><td "
                   "class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td "
                   "class=\"reason\">{}</td></tr>",
                   html_escape(text_of(trial.value("repeat", json(0)))),
                   badge(trial.value("status", "")), objective.is_number() ? objective.dump() : "",
                   value_text(objective),
                   html_escape(text_of(trial.value("best_epoch", json(nullptr)))), epochs.size(),
                   badge(diagnosis.value("label", "")), html_escape(diagnosis.value("reason", "")));
  }
  out += "</tbody></table></div></section>";
}

// What the page's script draws from: per trial its identity, diagnosis and
// four curves rounded to 4 significant digits; per (optimizer, rate) the best
// configuration's mean and repeat range.
json chart_data(const json& report) {
  json trials = json::array();
  for (const json& trial : report.at("trials")) {
    const json params = trial.value("params", json::object());
    const json curves = trial.value("curves", json::object());
    json c = json::object();
    for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"}) {
      if (!curves.contains(key)) continue;
      json values = json::array();
      bool any = false;
      for (const json& v : curves.at(key)) {
        if (v.is_number()) {
          values.push_back(json_number(round_significant(v.get<double>(), 4)));
          any = true;
        } else {
          values.push_back(nullptr);
        }
      }
      if (any) c[key] = std::move(values);
    }
    trials.push_back({{"i", trial.value("id", json(0))},
                      {"o", text_of(params.value("optimizer", json("")))},
                      {"r", params.value("learning_rate", json(nullptr))},
                      {"s", trial.value("status", "")},
                      {"d", trial.at("diagnosis").value("label", "")},
                      {"v", trial.value("objective", json(nullptr))},
                      {"e", curves.value("epoch", json::array())},
                      {"c", std::move(c)}});
  }
  // Diagnosis of a configuration: its first trial's label.
  std::map<std::int64_t, std::string> label_of;
  for (const json& trial : report.at("trials"))
    label_of[trial.value("id", std::int64_t{0})] = trial.at("diagnosis").value("label", "");
  json points = json::array();
  std::set<std::pair<std::string, double>> seen;
  for (const json& entry : report.at("ranking")) {
    const json& config = entry.at("config");
    if (!config.contains("learning_rate") || !config.at("learning_rate").is_number()) continue;
    const std::string optimizer = text_of(config.value("optimizer", json("")));
    const double rate = config.at("learning_rate").get<double>();
    if (!seen.insert({optimizer, rate}).second) continue;  // ranking is best first
    const json ids = entry.value("trial_ids", json::array());
    points.push_back({{"o", optimizer},
                      {"r", rate},
                      {"m", entry.value("mean", json(nullptr))},
                      {"lo", entry.value("min", json(nullptr))},
                      {"hi", entry.value("max", json(nullptr))},
                      {"n", entry.value("n", 0)},
                      {"s", entry.value("status", "")},
                      {"d", ids.empty() ? "" : label_of[ids.front().get<std::int64_t>()]}});
  }
  const int classes = report.at("sweep").value("classes", 0);
  return {{"metric", report.at("objective").value("metric", "")},
          {"maximize", report.at("objective").value("direction", "maximize") == "maximize"},
          {"chance", classes >= 2 ? json(std::log(static_cast<double>(classes))) : json(nullptr)},
          {"trials", std::move(trials)},
          {"points", std::move(points)}};
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string script_safe_json(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string render_html(const json& report) {
  std::string out;
  out.reserve(1 << 20);
  const std::string name = text_of(report.at("sweep").value("name", json("")));
  fmt::format_to(std::back_inserter(out),
                 "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
                 "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} — "
                 "sweep report</title><style>{}</style></head><body><main>",
                 html_escape(name), kCss);
  render_header(out, report);
  render_best(out, report);
  render_heatmap(out, report);
  render_charts(out, report);
  render_table(out, report);
  fmt::format_to(std::back_inserter(out),
                 "<section id=\"spec\"><h2>Spec</h2><details><summary>the resolved spec (hash "
                 "{})</summary><pre>{}</pre></details></section>",
                 html_escape(text_of(report.at("sweep").value("spec_hash", json("")))),
                 html_escape(report.at("sweep")
                                 .value("spec", json::object())
                                 .dump(2, ' ', false, json::error_handler_t::replace)));
  fmt::format_to(std::back_inserter(out),
                 "</main><script type=\"application/json\" id=\"sweep-data\">{}</script><script>{}"
                 "</script></body></html>\n",
                 script_safe_json(chart_data(report)), kScript);
  return out;
}

}  // namespace sweep::reports
