// What the network computes at the epoch shown, over its input space: ŷ along one input (a curve), or
// over a plane of two (a heatmap with the 0.5 contour of a sigmoid output), the samples on it, drawn
// with Plotly once the chart has loaded plotly.js. The server computes every number
// (POST /api/input-space); this module fetches them for the epoch shown (continuing the run from the
// latest parameters the page knows), draws them, shows a hidden neuron's own output as a thumbnail
// beside its node, and turns a click on the plot into a sample added to the page's URL.

import { formatNumber } from "./format.js";
import { aborted, postJSON, superseding } from "./api.js";
import { appUrl } from "./urls.js";

const short = (value) => formatNumber(value, { compact: true });
const REFETCH_MS = 200;
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

function colors() {
  const style = getComputedStyle(document.body);
  const read = (name) => style.getPropertyValue(name).trim();
  return { fg: read("--fg"), grid: read("--grid"), value: read("--value"), grad: read("--grad"), panel: read("--panel") };
}

// Class 0 and 1 (or low and high) in the colours of the heatmap's ends.
const SCALE = "RdBu";
const SCALE_ENDS = ["rgb(5,10,172)", "rgb(178,10,28)"]; // Plotly's RdBu: low (blue) … high (red)

export class InputSpace {
  // inputs: [id, label] of every input; plotlyReady: a promise of window.Plotly; onAdd(x, y): the student
  // clicked the plot at inputs x with target y (null when the panel cannot add samples).
  constructor(container, inputs, plotlyReady, onAdd) {
    this.container = container;
    this.caption = document.getElementById("input-space-caption");
    this.target = document.getElementById("input-space-target");
    this.plotlyReady = plotlyReady;
    this.onAdd = onAdd;
    this.inputs = inputs;
    this.space = null;
    this.key = null;
    this.nextSignal = superseding(); // a request for another epoch or other inputs cancels the one before
    const pickers = ["input-space-u", "input-space-v"].map((id) => document.getElementById(id));
    this.pickers = pickers.every(Boolean) ? pickers : null;
    if (this.pickers) {
      this.pickers.forEach((picker, axis) => {
        picker.replaceChildren(...inputs.map(([id, label], i) => new Option(label, id, i === axis, i === axis)));
        picker.addEventListener("change", () => this.refresh());
      });
    }
    this.thumbnail = document.getElementById("neuron-thumbnail");
    // A plane shows one output at a time: a network with several gets a picker (redrawn, not refetched).
    this.outputPicker = document.getElementById("input-space-output");
    this.outputPicker?.addEventListener("change", () => this.space && this.plotlyReady.then((Plotly) => this.draw(Plotly)));
  }

  // The output a plane shows: its index among the answer's outputs.
  shownOutput() {
    return Math.min(Number(this.outputPicker?.value || 0), this.space.outputs.length - 1);
  }

  chosen() {
    if (!this.pickers) return this.inputs.slice(0, 2).map(([id]) => id);
    const [u, v] = this.pickers.map((p) => p.value);
    return u === v ? [u] : [u, v];
  }

  // Show the epoch `epoch` of the run: `config` is the run's request, `from` and `params` the latest
  // parameters known before it (to continue from), `row` the sample shown.
  update({ config, epoch, from, params, row }) {
    this.config = config;
    this.shown = { epoch, from, params, row };
    return this.refresh();
  }

  async refresh() {
    if (this.container.closest("[hidden]") || !this.config) return;
    // Nothing is fetched before the panel is near the viewport or the page idle (plotly.js loads then).
    const Plotly = await this.plotlyReady;
    const { epoch, from, params, row } = this.shown;
    const inputs = this.chosen();
    const key = JSON.stringify([epoch, inputs, row]);
    if (key === this.key) return;
    this.key = key;
    const body = { ...this.config, epoch, inputs, sample: row, neurons: true, include_graph: false };
    if (from > 0 && params) Object.assign(body, { from_epoch: from, params });
    delete body.epochs;
    const signal = this.nextSignal();
    const pause = this.space ? REFETCH_MS : 0;
    const fetching = new Promise((resolve) => setTimeout(resolve, pause)).then(() => {
      if (signal.aborted) throw signal.reason;
      return postJSON(appUrl("inputSpace"), body, { signal });
    });
    const space = await fetching.catch((error) => {
      if (!aborted(error)) throw error;
      return null;
    });
    if (!space || signal.aborted) return;
    this.space = space;
    await frame();
    if (signal.aborted) return;
    return this.draw(Plotly);
  }

  narrow() {
    return this.container.clientWidth < 520;
  }

  traces() {
    const s = this.space;
    const { value, grad, fg } = colors();
    const row = this.shown.row;
    const xs = s.samples.x;
    const columns = s.axes.map((a) => this.inputs.findIndex(([id]) => id === a.id));
    if (s.axes.length === 1) {
      const c = columns[0];
      const u = s.axes[0].values;
      const traces = [];
      s.outputs.forEach((output, j) => {
        traces.push({
          type: "scatter", mode: "lines", x: u, y: output.values, name: output.label,
          line: { color: j ? grad : value, width: 2.5 },
          customdata: u.map((x, i) => `${s.axes[0].label} = ${short(x)}<br>${output.label} = ${formatNumber(output.values[i])}`),
          hovertemplate: "%{customdata}<extra></extra>",
        }); // prettier-ignore
        traces.push({
          type: "scatter", mode: "markers", x: xs.map((x) => x[c]), y: s.samples.y.map((y) => y[j]),
          name: `targets ${j + 1}`, marker: { color: fg, size: 7, symbol: "x" },
          customdata: xs.map((x, i) => `sample ${i + 1}: ${s.axes[0].label} = ${short(x[c])}, target ${formatNumber(s.samples.y[i][j])}, ${output.label} = ${formatNumber(s.samples.yhat[i][j])}`),
          hovertemplate: "%{customdata}<extra></extra>",
        }); // prettier-ignore
      });
      if (xs[row]) {
        traces.push({
          type: "scatter", mode: "markers", x: [xs[row][c]], y: [s.samples.yhat[row][0]], name: "shown sample",
          marker: { size: 14, color: "rgba(0,0,0,0)", line: { color: value, width: 3 } },
          hovertemplate: `sample ${row + 1}: ${s.axes[0].label} = ${short(xs[row][c])}, ŷ = ${formatNumber(s.samples.yhat[row][0])}<extra></extra>`,
        }); // prettier-ignore
      }
      return traces;
    }
    const [u, v] = s.axes;
    const k = this.shownOutput();
    const output = s.outputs[k];
    const values = output.values.flat().filter((z) => z !== null);
    const range = s.boundary !== null ? [0, 1] : [Math.min(...values), Math.max(...values)];
    const traces = [
      {
        type: "heatmap", x: u.values, y: v.values, z: output.values, colorscale: SCALE,
        zmin: range[0], zmax: range[1], zsmooth: "fast", // "best" costs a long task on every redraw
        colorbar: {
          title: { text: output.label, side: "top" }, thickness: 12, tickfont: { color: fg },
          ...(this.narrow() ? { orientation: "h", y: -0.32, yanchor: "top", title: { text: "" }, thickness: 10 } : { x: this.squareDomain()[1] + 0.02 }),
        },
        customdata: output.values.map((row, j) => row.map((z, i) => `${u.label} = ${short(u.values[i])}<br>${v.label} = ${short(v.values[j])}<br>${output.label} = ${formatNumber(z)}`)),
        hovertemplate: "%{customdata}<extra></extra>",
      },
    ]; // prettier-ignore
    if (s.boundary !== null) {
      traces.push({
        type: "contour", x: u.values, y: v.values, z: output.values, showscale: false, hoverinfo: "skip",
        contours: { start: s.boundary, end: s.boundary, size: 1, coloring: "none" }, line: { color: fg, width: 2.5 },
        name: "boundary",
      }); // prettier-ignore
    }
    const targets = s.samples.y.map((y) => y[k]);
    traces.push({
      type: "scatter", mode: "markers", x: xs.map((x) => x[columns[0]]), y: xs.map((x) => x[columns[1]]), name: "samples",
      marker: {
        size: xs.length > 60 ? 7 : 10, color: targets, colorscale: [[0, SCALE_ENDS[0]], [1, SCALE_ENDS[1]]],
        cmin: range[0], cmax: range[1], line: { color: "white", width: 1.2 },
      },
      customdata: xs.map((_, i) => `sample ${i + 1}: target ${formatNumber(targets[i])}, ${output.label} = ${formatNumber(s.samples.yhat[i][k])}`),
      hovertemplate: "%{customdata}<extra></extra>",
    }); // prettier-ignore
    if (xs[row]) {
      traces.push({
        type: "scatter", mode: "markers", x: [xs[row][columns[0]]], y: [xs[row][columns[1]]], name: "shown sample",
        marker: { size: 18, color: "rgba(0,0,0,0)", line: { color: value, width: 3 } }, hoverinfo: "skip",
      }); // prettier-ignore
    }
    return traces;
  }

  layout() {
    const s = this.space;
    const { fg, grid } = colors();
    const axis = { gridcolor: grid, linecolor: grid, color: fg, zeroline: true, zerolinecolor: grid, automargin: true };
    const one = s.axes.length === 1;
    const [u, v] = s.axes;
    return {
      margin: { l: 56, r: 16, t: 16, b: this.narrow() && !one ? 96 : 48 },
      height: one ? 340 : 420,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, sans-serif", size: 13, color: fg },
      xaxis: { ...axis, title: { text: u.label }, range: [u.values[0], u.values[u.values.length - 1]], ...(one ? {} : { constrain: "domain", domain: this.squareDomain() }) },
      yaxis: one ? { ...axis, title: { text: s.outputs.map((o) => o.label).join(", ") } } : { ...axis, title: { text: v.label }, range: [v.values[0], v.values[v.values.length - 1]], ...this.sameScale() },
      showlegend: false,
      hovermode: "closest",
      dragmode: false,
      uirevision: JSON.stringify(s.axes.map((a) => a.id)),
    };
  }

  // The plane's share of the width when one unit is as long on both axes, centred, the colour bar just after it
  // (Plotly would otherwise keep the bar at the far right of a wide panel).
  squareDomain() {
    if (this.narrow() || !Object.keys(this.sameScale()).length) return [0, 1];
    const [u, v] = this.space.axes.map((a) => a.values[a.values.length - 1] - a.values[0]);
    const share = Math.min(1, ((420 - 64) * (u / v)) / Math.max(1, this.container.clientWidth - 72 - 90));
    return [(1 - share) / 2, (1 + share) / 2];
  }

  // A plane of two inputs of about the same span keeps one unit the same length on both axes: a circle stays round.
  sameScale() {
    const [u, v] = this.space.axes.map((a) => a.values[a.values.length - 1] - a.values[0]);
    return u / v < 3 && v / u < 3 ? { scaleanchor: "x", scaleratio: 1, constrain: "domain" } : {};
  }

  async draw(Plotly) {
    const s = this.space;
    await Plotly.react(this.container, this.traces(), this.layout(), { responsive: true, displayModeBar: false });
    if (!this.listening) {
      this.listening = true;
      this.container.addEventListener("click", (event) => this.clicked(event));
    }
    const held = s.caption ? ` ${s.caption}` : "";
    const what = s.axes.length === 1 ? `${s.outputs.map((o) => o.label).join(", ")} along ${s.axes[0].label}` : `${s.outputs[this.shownOutput()].label} over ${s.axes[0].label} and ${s.axes[1].label}`;
    if (this.caption) this.caption.textContent = `Epoch ${s.epoch}: ${what}, with the parameters at the epoch's start.${held}`;
    this.container.dataset.epoch = String(s.epoch);
    this.container.dataset.samples = String(s.samples.x.length);
    this.container.dataset.sample = String(this.shown.row);
    this.container.classList.add("drawn");
    this.container.setAttribute("aria-label", `${what} at epoch ${s.epoch}.${held}`);
    this.showNeuron(this.neuron);
  }

  // A click inside the plot area: the inputs there (the plane's two, or the curve's one with the click's
  // height as the target), the other inputs as the shown sample's.
  clicked(event) {
    if (!this.onAdd || !this.space) return;
    const area = this.container.querySelector(".nsewdrag");
    const full = this.container._fullLayout;
    if (!area || !full) return;
    const box = area.getBoundingClientRect();
    const fx = (event.clientX - box.left) / box.width;
    const fy = (box.bottom - event.clientY) / box.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    const at = (range, f) => range[0] + f * (range[1] - range[0]);
    const s = this.space;
    const x = [...s.samples.x[this.shown.row]];
    const columns = s.axes.map((a) => this.inputs.findIndex(([id]) => id === a.id));
    x[columns[0]] = at(full.xaxis.range, fx);
    let target;
    if (columns.length === 2) {
      x[columns[1]] = at(full.yaxis.range, fy);
      target = Number(this.target?.value ?? 1);
    } else {
      target = at(full.yaxis.range, fy);
    }
    this.onAdd(x.map((value) => Number(value.toPrecision(3))), Number(target.toPrecision(3)));
  }

  // A hidden neuron's own output over the same space, small, beside its node (or hidden for null).
  showNeuron(neuron) {
    this.neuron = neuron;
    const box = this.thumbnail;
    if (!box) return;
    const found = neuron && this.space?.neurons?.find((n) => n.id === neuron.id);
    if (!found) {
      box.hidden = true;
      return;
    }
    const canvas = box.querySelector("canvas");
    paint(canvas, found.values, this.space.axes.length);
    box.querySelector(".thumbnail-label").textContent = `${found.label} over ${this.space.axes.map((a) => a.label).join(", ")}`;
    box.hidden = false;
    const node = neuron.element.getBoundingClientRect();
    const width = box.offsetWidth;
    const left = Math.min(Math.max(4, node.left + node.width / 2 - width / 2), document.documentElement.clientWidth - width - 4);
    box.style.left = `${left + scrollX}px`;
    box.style.top = `${node.bottom + scrollY + 6}px`;
  }
}

// One neuron's values as pixels: a plane's rows from the bottom up (the second input grows upward), or
// a curve along one input. Low is blue, high red, on the neuron's own range.
function paint(canvas, values, dims) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const flat = values.flat().filter((v) => v !== null);
  const [low, high] = [Math.min(...flat), Math.max(...flat)];
  const unit = (v) => (high > low ? (v - low) / (high - low) : 0.5);
  if (dims === 2) {
    const rows = values.length;
    const cols = values[0].length;
    const image = context.createImageData(cols, rows);
    values.forEach((row, j) =>
      row.forEach((v, i) => {
        const t = v === null ? 0.5 : unit(v);
        const at = ((rows - 1 - j) * cols + i) * 4;
        image.data.set([Math.round(5 + 173 * t), 10, Math.round(172 - 144 * t), 255], at);
      }),
    );
    const scratch = new OffscreenCanvas(cols, rows);
    scratch.getContext("2d").putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(scratch, 0, 0, width, height);
    return;
  }
  context.strokeStyle = getComputedStyle(document.body).getPropertyValue("--value");
  context.lineWidth = 2;
  context.beginPath();
  values.forEach((v, i) => {
    const px = (i / (values.length - 1)) * width;
    const py = height - 2 - unit(v ?? low) * (height - 4);
    if (i) context.lineTo(px, py);
    else context.moveTo(px, py);
  });
  context.stroke();
}

// A hidden neuron's thumbnail on hover, focus or tap of its node in the graph.
export function wireThumbnails(root, inputSpace, hidden) {
  const nodeOf = (event) => {
    const element = event.target.closest?.("svg.graph [data-node-id]");
    return element && hidden.has(element.dataset.nodeId) ? { id: element.dataset.nodeId, element } : null;
  };
  const show = (event) => {
    const neuron = nodeOf(event);
    if (neuron) inputSpace.showNeuron(neuron);
  };
  // A finger leaves the node as it lifts: a tapped thumbnail stays until the next tap elsewhere.
  const hide = (event) => event.pointerType !== "touch" && nodeOf(event) && inputSpace.showNeuron(null);
  root.addEventListener("pointerover", show);
  root.addEventListener("focusin", show);
  root.addEventListener("pointerout", hide);
  root.addEventListener("focusout", hide);
  root.addEventListener("pointerdown", (event) => event.pointerType === "touch" && !nodeOf(event) && inputSpace.showNeuron(null));
}
