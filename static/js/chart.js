// The Plotly chart of cost (and weights) per epoch. plotly.js is large (its evaluation alone is one
// task of about 400 ms on a desktop CPU and 1.5 s on a mid-range phone, which cannot be split), so it
// is evaluated only once the chart comes near the viewport: the graph, the tables and the controls
// answer first, and a placeholder (app.css's .chart min-height) holds the chart's space. When the page
// is idle the script is only fetched into the cache, not run. After plotly.js is evaluated, the first
// drawing waits for a task of its own. Redraws wait for the next frame and take the newest data then,
// so a burst of updates costs one drawing.

import { formatNumber } from "./format.js";

function themeColors() {
  const style = getComputedStyle(document.body);
  return {
    fg: style.getPropertyValue("--fg").trim(),
    grid: style.getPropertyValue("--grid").trim(),
    value: style.getPropertyValue("--value").trim(),
    active: style.getPropertyValue("--active").trim(),
    series: style.getPropertyValue("--series").match(/rgba?\([^)]*\)/g),
  };
}

function themed(layout) {
  const { fg, grid } = themeColors();
  const axis = { gridcolor: grid, linecolor: grid, tickcolor: grid, color: fg };
  return {
    ...layout,
    font: { ...layout.font, color: fg },
    xaxis: { ...layout.xaxis, ...axis },
    xaxis2: { ...layout.xaxis2, ...axis },
    yaxis: { ...layout.yaxis, ...axis },
    yaxis2: { ...layout.yaxis2, ...axis },
    annotations: (layout.annotations || []).map((a) => ({ ...a, font: { ...(a.font || {}), color: fg } })),
  };
}

function loadPlotly(src) {
  return new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error("plotly.js did not load"));
    document.head.append(script);
  });
}

// How near the viewport the chart must come for plotly.js to be evaluated: far enough ahead that a
// student scrolling down rarely sees the placeholder, near enough that a page whose chart starts
// below the first screen (every layout but the embed's) does not evaluate it while loading.
const NEAR = "150px 0px";

// Resolves when any of `elements` comes within NEAR of the viewport.
function near(elements) {
  let observer;
  return new Promise((resolve) => {
    observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && resolve(), { rootMargin: NEAR });
    for (const element of elements) observer.observe(element);
  }).then(() => observer.disconnect());
}

// When the page is idle, fetch plotly.js into the cache without running it (a prefetch): network
// only, no main-thread work, so the chart draws sooner once it comes near.
function prefetchWhenIdle(src) {
  (window.requestIdleCallback || setTimeout)(() => {
    if (window.Plotly || document.querySelector(`link[rel="prefetch"][href="${src}"]`)) return;
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.as = "script";
    link.href = src;
    document.head.append(link);
  }, { timeout: 4000 });
}

// A task of its own: what follows runs after the browser has had a chance to handle input and paint.
export const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// Past this many points a trace is drawn as a line alone: thousands of markers cost a long task per redraw.
const MARKERS_UP_TO = 300;

// Past this many points a trace is thinned for drawing: in each of BUCKETS equal stretches of
// epochs only its lowest and highest points are drawn. Every point drawn is a real epoch's number
// and the line keeps every peak and trough; a chart a few hundred pixels wide shows no more.
const THIN_ABOVE = 600;
const BUCKETS = 250;

export function thinnedIndices(ys) {
  const count = ys.length;
  if (count <= THIN_ABOVE) return null;
  const kept = [];
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const start = Math.floor((bucket * count) / BUCKETS);
    const end = Math.floor(((bucket + 1) * count) / BUCKETS);
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      if (ys[i] < ys[low]) low = i;
      if (ys[i] > ys[high]) high = i;
    }
    if (low === high) kept.push(low);
    else kept.push(Math.min(low, high), Math.max(low, high));
  }
  if (kept[kept.length - 1] !== count - 1) kept.push(count - 1);
  return kept;
}

function forDrawing(trace) {
  if (trace.x.length <= MARKERS_UP_TO) return trace;
  const kept = thinnedIndices(trace.y);
  if (!kept) return { ...trace, mode: "lines" };
  const pick = (values) => values && kept.map((i) => values[i]);
  return { ...trace, mode: "lines", x: pick(trace.x), y: pick(trace.y), customdata: pick(trace.customdata) };
}

// A log scale has no 0: a cost of exactly 0 is drawn a decade below the smallest positive cost
// shown (1 when none is), and its hover and the chart's hint say so.
export function logFloor(costs) {
  let smallest = Infinity;
  for (const cost of costs) if (cost > 0 && cost < smallest) smallest = cost;
  return Number.isFinite(smallest) ? smallest / 10 : 1;
}

// Below this width the mode bar would cover the panel titles, and touch zooming fights scrolling.
const NARROW_PX = 520;

export class CostChart {
  constructor(container, figureElement, weightTrace, onPick) {
    this.container = container;
    this.figure = JSON.parse(figureElement.textContent);
    this.src = figureElement.dataset.plotlySrc;
    this.weightTrace = weightTrace;
    this.onPick = onPick;
    this.logScale = false;
    this.series = { costs: [], weights: {}, totalWeights: 0 };
    this.ready = null;
  }

  // Load plotly.js once the chart (or one of `alsoNear`, other views that draw with it) is near, and
  // draw in the task after; later calls share the first call's promise.
  start(alsoNear = []) {
    if (!this.ready) {
      prefetchWhenIdle(this.src);
      this.ready = near([this.container, ...alsoNear])
        .then(() => this.load());
    }
    return this.ready;
  }

  // Load plotly.js and draw now, wherever the chart is (an export needs Plotly); shared with start().
  load() {
    if (!this.loaded) {
      this.loaded = loadPlotly(this.src)
        .then(async (Plotly) => {
          await nextTask();
          return this.draw(Plotly);
        });
    }
    return this.loaded;
  }

  traces() {
    const style = this.weightTrace;
    const colors = themeColors().series;
    const costStyle = this.figure.data[0];
    const color = themeColors().value;
    const costs = this.series.costs;
    const zeros = this.logScale && costs.includes(0);
    const floor = zeros ? logFloor(costs) : 0;
    const cost = {
      ...costStyle,
      x: costs.map((_, i) => i + 1),
      y: zeros ? costs.map((c) => (c === 0 ? floor : c)) : costs,
      customdata: costs.map((c) => [c, c === 0 && zeros ? ` exactly (drawn at ${formatNumber(floor, { compact: true })} on the log scale)` : ""]),
      line: { ...costStyle.line, color },
      marker: { ...costStyle.marker, color },
    };
    // θ after k updates is where epoch k + 1 starts: each epoch's weights are drawn above its J,
    // the weights that J was computed with (the API's epochs[k].values).
    const weights = Object.entries(this.series.weights).map(([name, points], i) => ({
      ...style,
      name,
      x: points.map((p) => p[0] + 1),
      y: points.map((p) => p[1]),
      customdata: points.map((p) => [p[1], ""]),
      line: { ...style.line, color: colors[i % colors.length] },
      marker: { ...style.marker, color: colors[i % colors.length] },
    }));
    // Mini-batches: each step's cost on its batch, a thin line between the epochs' costs over every sample.
    const steps = this.stepCosts && this.stepCosts.per > 1 ? [this.stepTrace(costs.length, color)] : [];
    // Hovers write each number as the page does: formatted after thinning, for the points drawn only.
    const hovers = (trace) => ({ ...trace, customdata: trace.customdata.map(([n, note]) => [formatNumber(n), note]) });
    // Plotly draws NaN paths for an empty trace beside a filled one on the shared x axis.
    const filled = [cost, ...steps, ...weights].filter((trace) => trace.x.length).map(forDrawing).map(hovers);
    return filled.length ? filled : [cost];
  }

  // Step k of an epoch e (from 0) is drawn at e + k/per: where its θ lies between the epoch's start and the next.
  stepTrace(epochs, color) {
    const { per, costs } = this.stepCosts;
    const shown = costs.slice(0, epochs * per);
    const kept = shown.map((c, i) => i).filter((i) => shown[i] != null);
    return {
      type: "scatter",
      mode: "lines",
      name: "J of each step's batch",
      x: kept.map((i) => 1 + i / per),
      y: kept.map((i) => shown[i]),
      customdata: kept.map((i) => [shown[i], ` (step ${i + 1}, its batch)`]),
      line: { color, width: 1, dash: "dot" },
      hovertemplate: "J = %{customdata[0]}%{customdata[1]}<extra></extra>",
    };
  }

  // Each step's cost when an epoch holds several (`per` steps; costs by step, from the run's first).
  setStepCosts(costs, per) {
    this.stepCosts = { costs, per };
  }

  layout() {
    const layout = themed(this.figure.layout);
    const epochs = this.series.costs.length;
    // The weights may run one epoch ahead of the costs: after an update, the next epoch's start is known.
    const last = Math.max(epochs, 1, ...Object.values(this.series.weights).map((points) => (points.at(-1)?.[0] ?? 0) + 1));
    // Epochs are whole numbers, from 1: few of them get a tick each, many get Plotly's own spacing.
    const ticks =
      last <= 12
        ? { dtick: 1, tick0: 1, range: [0.6, last + 0.4], autorange: false }
        : { dtick: undefined, autorange: true };
    layout.xaxis = { ...layout.xaxis, ...ticks };
    layout.xaxis2 = { ...layout.xaxis2, ...ticks };
    layout.yaxis = {
      ...layout.yaxis,
      type: this.logScale ? "log" : "linear",
      autorange: true,
      rangemode: this.logScale ? "normal" : "tozero",
    };
    const { active, fg } = themeColors();
    const { totalWeights } = this.series;
    const shownWeights = Object.keys(this.series.weights).length;
    // A phone's chart has room for short panel titles only.
    const narrow = this.container.clientWidth < NARROW_PX;
    layout.annotations = layout.annotations.map((a) => {
      if (!a.text.startsWith("Weights")) return narrow ? { ...a, text: "Cost J" } : a;
      const text = narrow ? "Weights at each epoch's start" : a.text;
      const count = `${shownWeights} of ${totalWeights}${narrow ? "" : " parameters"}`;
      return { ...a, text: totalWeights > shownWeights ? `${text}: ${count}` : text };
    });
    if (!epochs) {
      // An empty cost panel says how to fill it rather than look broken.
      layout.annotations = [
        ...layout.annotations,
        { text: "No cost yet: press Forward, Step or Train", xref: "paper", yref: "paper", x: 0.5,
          y: (layout.yaxis.domain[0] + layout.yaxis.domain[1]) / 2, showarrow: false, font: { size: 14, color: fg } },
      ];
    }
    // The marker lives on the cost panel's axis, which Plotly cannot place while that panel is empty.
    layout.shapes = this.shownEpoch && epochs
      ? [{ type: "line", xref: "x", yref: "paper", x0: this.shownEpoch, x1: this.shownEpoch, y0: 0, y1: 1,
           line: { color: active, width: 2, dash: "dot" } }]
      : [];
    return layout;
  }

  async draw(Plotly) {
    // Only buttons that do something here: save the chart, zoom and pan, back to the whole run.
    await Plotly.newPlot(this.container, this.traces(), this.layout(), {
      responsive: true,
      displaylogo: false,
      displayModeBar: this.container.clientWidth < NARROW_PX ? false : "hover",
      showSendToCloud: false,
      showEditInChartStudio: false,
      // Autoscale, not "Reset axes": that goes back to the axes of the first drawing, before any epoch.
      modeBarButtons: [["toImage"], ["zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]],
      // SVG: a PNG is drawn through a blob: image, which the page's Content-Security-Policy refuses.
      toImageButtonOptions: { filename: "backprop-cost-per-epoch", format: "svg" },
    });
    // Only a drawn chart may be redrawn: a react() during newPlot leaves NaN paths behind.
    this.Plotly = Plotly;
    this.container.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && point.x >= 1) this.onPick(point.x);
    });
    this.container.classList.add("drawn");
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.refresh());
    return this.refresh(); // catch up with what changed while plotly.js loaded
  }

  // Show costs for epochs 1..costs.length, each weight's value per epoch, and mark the shown epoch.
  // `totalWeights`: how many parameters the network has, when `weights` holds only some of them.
  update(costs, weights, shownEpoch, totalWeights = Object.keys(weights).length) {
    this.series = { costs, weights, totalWeights };
    this.shownEpoch = shownEpoch;
    return this.refresh();
  }

  setLogScale(on) {
    this.logScale = on;
    return this.refresh();
  }

  // What the hint below the chart should add to its own words, or "" when nothing.
  note() {
    const notes = [];
    const { costs, weights, totalWeights } = this.series;
    if (this.logScale && costs.includes(0)) {
      notes.push(`A cost of exactly 0 has no place on a log scale: it is drawn at ${formatNumber(logFloor(costs), { compact: true })}, a decade below the smallest positive cost.`);
    }
    if (costs.length > THIN_ABOVE) {
      notes.push(`With ${costs.length} epochs, each line is drawn through the lowest and highest point of every stretch of epochs (each a real epoch); the epoch slider reaches every one.`);
    }
    const names = Object.keys(weights);
    if (totalWeights > names.length) {
      notes.push(`The weights panel shows ${names.length} of ${totalWeights} parameters (${names.join(", ")}).`);
    }
    return notes.join(" ");
  }

  // Redraws run one after another, at most one a frame, each with the newest data.
  refresh() {
    if (this.noteElement) this.noteElement.textContent = this.note();
    if (!this.Plotly) return Promise.resolve();
    if (!this.waiting) {
      this.waiting = (this.queue || Promise.resolve())
        .then(() => new Promise((resolve) => requestAnimationFrame(resolve)))
        .then(() => {
          this.waiting = null;
          return this.Plotly.react(this.container, this.traces(), this.layout());
        });
      this.queue = this.waiting;
    }
    return this.waiting;
  }
}
