// The cost surface J(p, q) over two parameters with gradient descent's path across it, drawn with
// Plotly once the chart has loaded plotly.js, and fetched only then. The server computes the surface
// (POST /api/landscape); this module only fetches it for the run's length and draws the part of the path the student has
// reached, the shown epoch's point and its step direction. Refetches wait for a pause in the clicks
// (REFETCH_MS), and each redraw waits for the next frame, so a burst of clicks costs one drawing.

import { formatNumber } from "./format.js";
import { aborted, postJSON, superseding } from "./api.js";
import { appUrl } from "./urls.js";

const short = (value) => formatNumber(value, { compact: true });
const REFETCH_MS = 250;
// Past this many points the path is drawn as a line alone (every point kept, each still hovered):
// thousands of SVG markers cost a long task per redraw, the line a few milliseconds.
const MARKERS_UP_TO = 300;
// The next frame, then a task of its own: the surface is never drawn in the same task as the chart,
// whose redraws also wait for a frame.
const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

// A click on the surface goes to `onPick`: the controller decides what it does (a locked embed only says why it starts nothing).

function colors() {
  const style = getComputedStyle(document.body);
  const read = (name) => style.getPropertyValue(name).trim();
  return { fg: read("--fg"), grid: read("--grid"), value: read("--value"), grad: read("--grad"), dead: read("--dead"), deadBg: read("--dead-bg") };
}

export class Landscape {
  // params: [id, label] of every parameter, for the axis pickers; plotlyReady: a promise of
  // window.Plotly; onPick(u, v, axes): the student clicked the surface.
  constructor(container, params, plotlyReady, onPick) {
    this.container = container;
    this.status = document.getElementById("landscape-status");
    this.plotlyReady = plotlyReady;
    this.onPick = onPick;
    this.surface = null;
    this.key = null;
    this.fetching = null;
    this.nextSignal = superseding(); // a request for other axes or epochs cancels the one before
    this.shown = { epoch: 1, updated: 0, point: null, gradient: null };
    const pickers = ["landscape-u", "landscape-v"].map((id) => document.getElementById(id));
    this.pickers = pickers.every(Boolean) ? pickers : null;
    if (this.pickers) {
      // Filled here rather than in the page: a wide network has hundreds of parameters.
      this.pickers.forEach((picker, axis) => {
        picker.replaceChildren(...params.map(([id, label], i) => new Option(label, id, i === axis, i === axis)));
        picker.addEventListener("change", () => this.refresh());
      });
      // One parameter cannot be both axes: each picker offers every parameter but the other's choice.
      const exclude = () => this.pickers.forEach((picker, axis) => {
        const other = this.pickers[1 - axis].value;
        for (const option of picker.options) option.disabled = option.value === other;
      });
      this.pickers.forEach((picker) => picker.addEventListener("change", exclude));
      exclude();
    }
  }

  axes() {
    return this.pickers ? this.pickers.map((p) => p.value) : null;
  }

  // Show the run as far as the student has got: `updated` epochs of path, the `epoch` shown, whose
  // parameters and gradients (by id) are `values` and `grads` when known.
  async update({ config, epochs, epoch, updated, values, grads }) {
    this.config = config;
    this.epochs = Math.max(1, epochs);
    this.shown = { epoch, updated, values, grads };
    return this.refresh();
  }

  async refresh() {
    if (this.container.closest("[hidden]") || !this.config) return;
    // Nothing is fetched before the surface can be drawn: plotly.js is there once the chart or the
    // surface has come near the viewport, so a student who never scrolls to it costs the server nothing.
    if (!this.plotly) this.plotly = await this.plotlyReady;
    const axes = this.axes();
    const key = JSON.stringify([this.epochs, axes]);
    if (key !== this.key) {
      this.key = key;
      const body = { ...this.config, epochs: this.epochs, include_graph: false, ...(axes ? { axes } : {}) };
      const signal = this.nextSignal();
      const pause = this.surface ? REFETCH_MS : 0; // the first surface at once, later ones after the clicks stop
      this.fetching = new Promise((resolve) => setTimeout(resolve, pause)).then(() => {
        if (signal.aborted) throw signal.reason;
        return postJSON(appUrl("landscape"), body, { signal });
      });
    }
    const fetching = this.fetching;
    const [surface, Plotly] = await Promise.all([fetching, this.plotlyReady]).catch((error) => {
      if (!aborted(error)) throw error;
      return [];
    });
    if (fetching !== this.fetching || !surface) return; // a newer request is on its way
    this.surface = surface;
    await frame();
    if (fetching !== this.fetching) return;
    return this.draw(Plotly);
  }

  narrow() {
    return this.container.clientWidth < 520;
  }

  // What a surface alone decides, worked out once per surface: redraws for the shown epoch reuse it.
  derived() {
    const s = this.surface;
    if (this.derivedFor === s) return this.derivedData;
    const [u, v] = s.axes.map((a) => a.label);
    // Colours follow log J, so both the steep walls and the valley floor show; hover gives J itself.
    const positive = s.cost.flat().filter((c) => c !== null && c > 0);
    const floor = positive.length ? Math.min(...positive) : 1e-12;
    const logCost = s.cost.map((row) => row.map((c) => (c === null ? null : Math.log10(Math.max(c, floor)))));
    // The colour bar's ticks: whole decades of J, at most about seven of them.
    const logs = logCost.flat().filter((c) => c !== null);
    const [low, high] = [Math.ceil(Math.min(...logs)), Math.floor(Math.max(...logs))];
    const decades = [];
    for (let n = low; n <= high; n += Math.max(1, Math.ceil((high - low) / 6))) decades.push(n);
    const [us, vs] = [s.u.map((a) => `${u} = ${short(a)}<br>`), s.v.map((b) => `${v} = ${short(b)}<br>J = `)];
    const hovers = s.cost.map((row, j) => row.map((c, i) => us[i] + vs[j] + formatNumber(c)));
    const flatPoints = s.flat.flatMap((row, j) => row.flatMap((isFlat, i) => (isFlat ? [[s.u[i], s.v[j]]] : [])));
    // The hatch: one short rising stroke across each flat cell, all in one shape's SVG path (a marker
    // or a line segment per cell costs a long task on a surface that is mostly flat).
    const [du, dv] = [(s.u[s.u.length - 1] - s.u[0]) / (s.u.length - 1 || 1), (s.v[s.v.length - 1] - s.v[0]) / (s.v.length - 1 || 1)];
    const hatch = flatPoints.map(([a, b]) => `M${a - 0.3 * du},${b - 0.3 * dv}L${a + 0.3 * du},${b + 0.3 * dv}`).join("");
    this.derivedFor = s;
    this.derivedData = { u, v, logCost, decades, hovers, hatch };
    return this.derivedData;
  }

  traces() {
    const s = this.surface;
    const { fg, grid, value, grad, deadBg } = colors();
    const { u, v, logCost, decades, hovers } = this.derived();
    const ticks = decades.filter((n, k) => k % 2 === 0); // room for every other decade on a phone
    // A diverged run's path ends where its cost passes a float's range: the rest is off the plot (the note says so).
    const reached = s.path.epochs.map((e, i) => i).filter((i) => s.path.epochs[i] <= this.shown.updated && s.path.cost[i] !== null);
    const traces = [
      {
        type: "contour",
        x: s.u,
        y: s.v,
        z: logCost,
        customdata: hovers,
        colorscale: "Viridis",
        ncontours: 24,
        colorbar: {
          title: { text: "J", side: "top" },
          tickvals: decades,
          ticktext: decades.map((n) => short(10 ** n)),
          tickfont: { color: fg },
          outlinecolor: grid,
          thickness: 14,
          // A phone's plot keeps its width: the colour bar goes below it.
          ...(this.narrow() ? { orientation: "h", y: -0.3, yanchor: "top", title: { text: "J", side: "left" }, thickness: 10, tickangle: 0, tickvals: ticks, ticktext: ticks.map((n) => short(10 ** n)) } : {}),
        },
        hovertemplate: "%{customdata}<extra></extra>",
      },
      {
        // Flat: no colour of the cost scale, but the panel's grey, hatched.
        type: "contour",
        x: s.u,
        y: s.v,
        z: s.flat.map((row) => row.map(Number)),
        contours: { start: 0.5, end: 1.5, size: 1, coloring: "fill", showlines: false },
        zmin: 0,
        zmax: 1,
        colorscale: [[0, "rgba(0,0,0,0)"], [0.5, "rgba(0,0,0,0)"], [0.5, deadBg], [1, deadBg]],
        showscale: false,
        hoverinfo: "skip",
        name: "flat",
      },
      {
        type: "scatter",
        mode: reached.length > MARKERS_UP_TO ? "lines" : "lines+markers",
        x: reached.map((i) => s.path.u[i]),
        y: reached.map((i) => s.path.v[i]),
        customdata: reached.map((i) => `start of epoch ${s.path.epochs[i] + 1}<br>${u} = ${short(s.path.u[i])}, ${v} = ${short(s.path.v[i])}<br>J = ${formatNumber(s.path.cost[i])}`),
        line: { color: grad, width: 2 },
        marker: { color: grad, size: 5 },
        name: "gradient descent",
        hovertemplate: "%{customdata}<extra></extra>",
      },
    ];
    if (s.path.steps) traces.push(this.stepTrace(grad));
    const point = this.point();
    if (point) {
      traces.push({
        type: "scatter",
        mode: "markers",
        x: [point.u],
        y: [point.v],
        marker: { size: 14, color: "rgba(0,0,0,0)", line: { color: value, width: 3 } },
        name: `epoch ${this.shown.epoch}`,
        hovertemplate: `epoch ${this.shown.epoch}: ${u} = ${short(point.u)}, ${v} = ${short(point.v)}<extra></extra>`,
      });
    }
    return traces;
  }

  // Mini-batches: the path step by step, thin, from the start to the last step of the epochs updated.
  stepTrace(color) {
    const { path } = this.surface;
    const [u, v] = this.surface.axes.map((axis) => axis.label);
    const last = this.shown.updated * path.steps_per_epoch;
    const kept = path.steps.map((step, i) => i).filter((i) => path.steps[i] <= last && path.step_u[i] !== null && path.step_v[i] !== null);
    return {
      type: "scatter",
      mode: "lines",
      x: [path.u[0], ...kept.map((i) => path.step_u[i])],
      y: [path.v[0], ...kept.map((i) => path.step_v[i])],
      customdata: ["start", ...kept.map((i) => `after step ${path.steps[i]}<br>${u} = ${short(path.step_u[i])}, ${v} = ${short(path.step_v[i])}`)],
      line: { color, width: 1, dash: "dot" },
      name: "steps",
      hovertemplate: "%{customdata}<extra></extra>",
    };
  }

  // The shown epoch's parameters (where it starts) and its step direction, −dJ/dθ, if known.
  point() {
    const { values, grads } = this.shown;
    const [a, b] = this.surface.axes.map((axis) => axis.id);
    if (!values || values[a] == null || values[b] == null) return null;
    const step = grads && grads[a] != null && grads[b] != null ? [-grads[a], -grads[b]] : null;
    return { u: values[a], v: values[b], step };
  }

  layout() {
    const s = this.surface;
    const { fg, grid, value, dead } = colors();
    const { hatch } = this.derived();
    const axis = { gridcolor: grid, linecolor: grid, color: fg, zeroline: true, zerolinecolor: grid };
    const annotations = [];
    const point = this.point();
    if (point && point.step && (point.step[0] || point.step[1])) {
      // The arrow's length is a tenth of the view, whatever the gradient's size: it shows the direction.
      const width = s.u[s.u.length - 1] - s.u[0];
      const height = s.v[s.v.length - 1] - s.v[0];
      const norm = Math.hypot(point.step[0] / width, point.step[1] / height);
      annotations.push({
        x: point.u + (0.1 * point.step[0]) / norm,
        y: point.v + (0.1 * point.step[1]) / norm,
        ax: point.u,
        ay: point.v,
        xref: "x",
        yref: "y",
        axref: "x",
        ayref: "y",
        showarrow: true,
        arrowhead: 3,
        arrowwidth: 2.5,
        arrowcolor: value,
        text: "",
      });
    }
    return {
      margin: { l: 56, r: 16, t: 16, b: this.narrow() ? 100 : 48 },
      height: 420,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, sans-serif", size: 13, color: fg },
      // automargin: a diverged run's plot spans huge values, whose tick labels are wide.
      xaxis: { ...axis, automargin: true, exponentformat: "power", title: { text: s.axes[0].label } },
      yaxis: { ...axis, automargin: true, exponentformat: "power", title: { text: s.axes[1].label } },
      showlegend: false,
      hovermode: "closest",
      annotations,
      // The flat region's hatch, over the grey of the "flat" trace.
      shapes: hatch ? [{ type: "path", name: "flat hatch", path: hatch, xref: "x", yref: "y", layer: "above", line: { color: dead, width: 1 } }] : [],
      uirevision: JSON.stringify(s.axes),
    };
  }

  async draw(Plotly) {
    if (this.status) this.status.textContent = this.surface.note;
    // No mode bar: a click on the surface starts a run from there, and zooming would only get in its way.
    const traces = this.traces();
    await Plotly.react(this.container, traces, this.layout(), { responsive: true, displayModeBar: false });
    if (!this.listening) {
      this.listening = true;
      this.container.on("plotly_click", (event) => {
        const hit = event.points && event.points.find((p) => p.curveNumber === 0);
        if (hit) this.onPick(hit.x, hit.y, this.surface.axes.map((a) => a.id));
      });
    }
    this.container.classList.add("drawn");
    this.container.dataset.pathPoints = String(traces.find((t) => t.name === "gradient descent").x.length);
    this.container.setAttribute("aria-label", this.describe());
  }

  // The surface in words for a screen reader.
  describe() {
    const s = this.surface;
    const point = this.point();
    const where = point ? ` Its ring is at ${s.axes[0].label} = ${formatNumber(point.u)}, ${s.axes[1].label} = ${formatNumber(point.v)}.` : "";
    return `Cost surface over ${s.axes[0].label} and ${s.axes[1].label}.${where}`;
  }
}
