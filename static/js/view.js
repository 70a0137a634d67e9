// The view owns the DOM: it draws the graph's edges from the page's data, draws a state onto the
// graph and tables (numbers, classes, written-out equations) and runs the pulses along the edges.

import { formatNumber } from "./format.js";
import { allSamples, complete } from "./equations.js";
import { drawnEdges } from "./geometry.js";

const SVG = "http://www.w3.org/2000/svg";
const NARROW = "(max-width: 600px)";
// The graph is scaled to its panel, but never below this: a wide network scrolls instead, so its
// smallest text (13 px edge labels, node numbers fitted down to 13 px) stays at least 11 px on screen.
const MIN_SCALE = 0.85;
const MIN_LABEL_PX = 13;

// A parameter's optimizer state after a step, [label, value] pairs (v₁; m₁ and v₁), as the server names them.
function optimizerState(after, id, optimizer) {
  if (!optimizer || !optimizer.symbols) return [];
  return ["m", "v"].filter((key) => after[key] && after[key][id] != null).map((key) => [optimizer.symbols[key] + optimizer.subscripts[id], after[key][id]]);
}

// A number of the shown epoch by key: "values.z1", "grads.w1", "local.w1-z1", "after.w1" or "lr".
// Per-sample numbers are lists over the detail's samples; `row` picks one.
export function numberFor(key, epoch, row, learningRate) {
  if (key === "lr") return learningRate;
  if (!epoch) return null;
  const dot = key.indexOf(".");
  const table = epoch[key.slice(0, dot)];
  const value = table ? table[key.slice(dot + 1)] : undefined;
  if (value === undefined) return null;
  return Array.isArray(value) ? value[row] : value;
}

function svgElement(name, attributes = {}) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  return el;
}

// Shrink graph labels whose numbers are wider than their room, rather than let them spill over
// a box, but never below MIN_LABEL_PX. Widths come from a canvas, not the SVG: asking the SVG would
// make the browser lay out the whole page (tables included) in the middle of every step.
const measure = document.createElement("canvas").getContext("2d");
const fonts = new Map();

// Each kind of label's font, read once (a computed style is live: reading it again costs a style pass).
function fontOf(el) {
  const kind = el.classList[0];
  if (!fonts.has(kind)) {
    el.style.fontSize = "";
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    fonts.set(kind, { font: `${style.fontStyle} ${style.fontWeight} ${size}px ${style.fontFamily}`, size });
  }
  return fonts.get(kind);
}

function fitTexts(elements) {
  for (const el of elements) {
    if (el.textContent === "") {
      el.style.fontSize = "";
      continue;
    }
    const { font, size } = fontOf(el);
    measure.font = font;
    // 4 % to spare: the SVG's tabular digits are a little wider than the canvas's.
    const width = measure.measureText(el.textContent).width * 1.04;
    const room = Number(el.dataset.fit);
    el.style.fontSize = width > room ? `${Math.max(MIN_LABEL_PX, Math.floor((size * room) / width))}px` : "";
  }
}

const compact = (v) => formatNumber(v, { compact: true });

// Writes only what changed: a wide graph has a thousand texts, and rewriting an unchanged one still
// costs the browser a layout. Returns whether the text changed.
function setText(el, text) {
  if (el.textContent === text) return false;
  el.textContent = text;
  return true;
}

function setAttribute(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}
const TOO_LARGE = "too large";

function byData(root, attribute) {
  return [...root.querySelectorAll(`[data-${attribute}]`)].map((el) => [el.dataset[camel(attribute)], el]);
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

export class View {
  // graph: as graph.js expands it; geometry: the boxes' places in both drawings (layout.py).
  constructor(root, { graph, geometry, labels, params, chains, batchSize }) {
    this.root = root;
    this.graph = graph;
    this.geometry = geometry;
    this.labels = labels;
    this.gradients = Object.fromEntries(graph.nodes.map((node) => [node.id, node.gradient]));
    this.params = new Set(params);
    this.chains = new Map(chains.map((c) => [c.param, c.edges]));
    this.batchSize = batchSize;
    this.svg = root.querySelector("svg.graph");
    this.nodes = [...this.svg.querySelectorAll(".node")].map((el) => [el.dataset.nodeId, el]);
    this.nodeParts = new Map(
      this.nodes.map(([id, el]) => [
        id,
        {
          value: el.querySelector(".node-value"),
          grad: el.querySelector(".node-grad"),
          badge: el.querySelector(".node-badge"),
          title: el.querySelector("title"),
        },
      ]),
    );
    this.fills = [...root.querySelectorAll("[data-fill]")];
    this.rows = [...root.querySelectorAll(".tables-panel [data-node-id]")];
    this.worked = byData(root, "worked");
    this.chainNumbers = byData(root, "chain-numbers");
    this.accumulations = byData(root, "accumulation");
    this.updates = byData(root, "update-numbers");
    this.last = null;
    this.pinned = null;
    this.narrow = matchMedia(NARROW);
    this.draw();
    // Before the page re-renders on the same change: the labels are then fitted to the new drawing.
    this.narrow.addEventListener("change", () => this.draw());
    addEventListener("resize", () => this.placeTables());
    this.wirePin();
  }

  // Draw the graph wide, or tall on a narrow screen: move the boxes, draw every edge between them.
  draw() {
    const orientation = this.narrow.matches ? "tall" : "wide";
    const drawing = this.geometry[orientation];
    const places = drawing.nodes;
    this.svg.setAttribute("viewBox", `0 0 ${drawing.width} ${drawing.height}`);
    this.svg.setAttribute("width", drawing.width);
    this.svg.setAttribute("height", drawing.height);
    this.svg.style.minWidth = `${Math.round(drawing.width * MIN_SCALE)}px`;
    this.svg.classList.toggle("graph-wide", orientation === "wide");
    this.svg.classList.toggle("graph-tall", orientation === "tall");
    this.placeTables();
    for (const [id, el] of this.nodes) {
      el.setAttribute("transform", `translate(${places[id][0]},${places[id][1]})`);
      for (const text of el.querySelectorAll(".node-value, .node-grad")) text.dataset.fit = this.geometry.box[0] - 8;
    }
    const fragment = document.createDocumentFragment();
    this.edgeInfo = new Map();
    const edges = drawnEdges(this.graph, orientation, drawing, this.geometry.box);
    // Each edge is a button for the keyboard too (Enter or Space pins its numbers); past a hundred, Tab
    // would walk through them for ever, so they are reached by pointer only.
    const tabindex = edges.length <= 100 ? "0" : "-1";
    for (const { edge, weight, bias, d, label: [x, y, anchor], always } of edges) {
      const group = svgElement("g", {
        class: `edge edge-${edge.kind}${always ? " label-always" : ""}`,
        "data-edge-id": edge.id,
        tabindex,
        role: "button",
        "aria-label": edge.symbol,
      });
      group.append(svgElement("path", { class: "edge-hit", d }), svgElement("path", { class: "edge-line", d }));
      if (bias && drawing.roomy) {
        const name = svgElement("text", { class: "edge-bias-name", x, y, "text-anchor": anchor });
        name.textContent = this.labels[edge.source];
        group.append(name);
      }
      let label = null;
      if (always) {
        const symbol = svgElement("text", { class: "edge-symbol", x, y, "text-anchor": anchor });
        symbol.textContent = edge.symbol;
        label = svgElement("text", { class: "edge-local", x, y: y + 15, "text-anchor": anchor, "data-fit": drawing.labelWidth });
        group.append(symbol, label);
      }
      fragment.append(group);
      this.edgeInfo.set(edge.id, { edge, group, label, weight });
    }
    this.svg.querySelector(".edges").replaceChildren(fragment);
    this.styledEpoch = undefined;
    this.unpin();
    if (this.last) this.render(this.last);
  }

  // The tables go below the graph where beside them it would scroll sideways (on a screen wide enough
  // for two columns; app.css), so ŷ and J are always in view.
  placeTables() {
    const scroller = this.svg.parentElement;
    this.root.classList.remove("tables-below");
    this.root.classList.toggle("tables-below", scroller.scrollWidth > scroller.clientWidth + 1);
  }

  // Everything shown follows from: the epoch's numbers, which keys are revealed, the active step.
  render(args) {
    this.last = args;
    const { epoch, row, revealed, active, learningRate, equations } = args;
    const shown = (key) => Boolean(epoch) && (revealed.has(key) || (key.startsWith("after.") && revealed.has("after")));
    const value = (key) => numberFor(key, epoch, row, learningRate);
    const tooLarge = (epoch && epoch.unrepresentable) || {};
    // A number revealed but too large for a float reads as such, with the server's reason on hover.
    const text = (key, format) => {
      const number = value(key);
      return number === null && tooLarge[key] ? TOO_LARGE : format(number);
    };
    this.shownNumber = (key) => (shown(key) ? text(key, formatNumber) : null);
    for (const el of this.fills) {
      const key = el.dataset.fill;
      const known = key === "lr" || shown(key);
      setText(el, known ? text(key, formatNumber) : "?");
      el.classList.toggle("unknown", !known);
      if (known && tooLarge[key]) el.title = tooLarge[key];
      else el.removeAttribute("title");
    }
    this.renderEquations(epoch, row, shown, learningRate, equations);
    const dead = new Set((epoch && epoch.dead) || []);
    const changed = [];
    const batch = this.batchSize > 1;
    for (const [id, el] of this.nodes) {
      const isParam = this.params.has(id);
      const parts = this.nodeParts.get(id);
      const valueText = parts.value;
      const updated = isParam && shown(`after.${id}`);
      if (updated) {
        const before = compact(value(`values.${id}`));
        const after = compact(value(`after.${id}`));
        // Both fit for short numbers (0.5 → 0.692); otherwise the new value alone.
        if (setText(valueText, before.length + after.length <= 12 ? `${before} → ${after}` : `→ ${after}`)) changed.push(valueText);
      } else if (setText(valueText, shown(`values.${id}`) ? `= ${compact(value(`values.${id}`))}` : "")) {
        changed.push(valueText);
      }
      const gradText = shown(`grads.${id}`) ? text(`grads.${id}`, compact) : null;
      const gradEl = parts.grad;
      // A parameter's gradient is a batch total: marked Σ when there is more than one sample.
      const total = isParam && batch;
      if (setText(gradEl, gradText === null ? "" : `← ${total ? "Σ " : ""}${gradText}`)) changed.push(gradEl);
      // The graph shows 4 digits; hovering (title) or focusing (aria-label) a node gives them all.
      const label = this.labels[id];
      const full = [];
      if (shown(`values.${id}`)) full.push(`value ${text(`values.${id}`, formatNumber)}`);
      if (updated) full.push(`after the update ${text(`after.${id}`, formatNumber)}`);
      if (gradText !== null) {
        const over = total ? `, the total over ${allSamples(this.batchSize)}` : "";
        full.push(`gradient ${this.gradients[id]} ${text(`grads.${id}`, formatNumber)}${over}`);
      }
      const spoken = [label, ...full].join(", ");
      setAttribute(el, "aria-label", spoken);
      setText(parts.title, spoken);
      const isDead = dead.has(id) && shown(`values.${id}`);
      el.classList.toggle("dead", isDead);
      // Momentum's v (Adam's m and v) after the step: in the parameter's node's full numbers (hover, focus).
      const state = isParam && updated && epoch.state ? optimizerState(epoch.state.after, id, equations.optimizer) : [];
      if (state.length) {
        full.push(...state.map(([name, v]) => `${name} ${formatNumber(v)}`));
        const spokenState = [label, ...full].join(", ");
        setAttribute(el, "aria-label", spokenState);
        setText(parts.title, spokenState);
      }
      setText(parts.badge, isDead ? "dead ReLU" : "");
      el.classList.toggle("computed", shown(`values.${id}`));
      el.classList.toggle("has-grad", shown(`grads.${id}`));
      el.classList.toggle("updated", updated);
      el.classList.toggle("active", active !== null && (active.node === id || (active.phase === "update" && isParam)));
    }
    // The active step lights its node, or the edges it flows along; a parameter drawn on an edge lights
    // that edge, and the update lights every parameter.
    const activeNode = active && active.node;
    const phase = active && active.phase;
    for (const { edge, group, label, weight } of this.edgeInfo.values()) {
      const known = shown(`local.${edge.id}`);
      const local = known ? text(`local.${edge.id}`, compact) : null;
      if (label && setText(label, local === null ? "" : `= ${local}`)) changed.push(label);
      const carried = !weight ? "" : `, carries ${this.labels[weight]}${shown(`values.${weight}`) ? ` = ${text(`values.${weight}`, compact)}` : ""}`;
      setAttribute(group, "aria-label", `${edge.symbol}${local === null ? "" : ` = ${local}`}${carried}`);
      group.classList.toggle("has-local", known);
      const lit =
        (phase === "forward" && edge.target === activeNode) ||
        (phase === "backward" && (edge.source === activeNode || weight === activeNode)) ||
        (phase === "update" && Boolean(weight));
      group.classList.toggle("active", lit);
    }
    this.styleWeights(epoch);
    for (const tableRow of this.rows) {
      tableRow.classList.toggle("active", active !== null && tableRow.dataset.nodeId === active.node);
    }
    this.root.querySelector("#update-equations")?.classList.toggle("active", active !== null && active.phase === "update");
    fitTexts(changed);
    if (this.pinned) this.showPin(this.pinned.id, this.pinned.point, true);
  }

  // Each edge that carries a weight is drawn by it: thicker for a larger |w|, solid blue when w > 0,
  // dashed purple when w < 0 (colour-blind safe, and the dashes say it without colour). Redone only
  // when the epoch shown changes: within an epoch the weights stay as they are until the next one.
  styleWeights(epoch) {
    if (epoch === this.styledEpoch) return;
    this.styledEpoch = epoch;
    const values = (epoch && epoch.values) || {};
    let largest = 0;
    let count = 0;
    for (const { weight } of this.edgeInfo.values()) {
      if (!weight) continue;
      count += 1;
      if (Number.isFinite(values[weight])) largest = Math.max(largest, Math.abs(values[weight]));
    }
    // Hundreds of edges side by side would merge into one dark band: the more edges, the thinner.
    const extra = Math.min(4.25, 24 / Math.sqrt(count || 1));
    for (const { group, weight } of this.edgeInfo.values()) {
      if (!weight) continue;
      const w = values[weight];
      const known = Number.isFinite(w) && largest > 0;
      group.classList.toggle("weight-positive", known && w > 0);
      group.classList.toggle("weight-negative", known && w < 0);
      group.style.setProperty("--weight-width", known ? (0.75 + (extra * Math.abs(w)) / largest).toFixed(2) : "");
    }
  }

  // A tap or click on an edge pins a label with its local derivative, its weight and a gradient;
  // a second tap on it, or Escape, unpins it. A mouse hovering shows the same label unpinned.
  wirePin() {
    const edgeAt = (event) => event.target.closest && event.target.closest(".edge");
    const pointIn = (event) => {
      const matrix = this.svg.getScreenCTM();
      if (!matrix) return { x: 0, y: 0 };
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      return { x: point.x, y: point.y };
    };
    const middleOf = (group) => {
      const line = group.querySelector(".edge-line");
      const { x, y } = line.getPointAtLength(line.getTotalLength() / 2);
      return { x, y };
    };
    const toggle = (group, point) => {
      const id = group.dataset.edgeId;
      if (this.pinned && this.pinned.id === id) {
        this.unpin();
        return;
      }
      this.pinned = { id, point };
      this.showPin(id, point, true);
    };
    this.svg.addEventListener("click", (event) => {
      const group = edgeAt(event);
      if (group) toggle(group, pointIn(event));
    });
    // From the keyboard: Enter or Space on a focused edge pins its numbers by the middle of the edge.
    this.svg.addEventListener("keydown", (event) => {
      const group = edgeAt(event);
      if (!group || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      event.stopPropagation();
      toggle(group, middleOf(group));
    });
    // A mouse over an edge, or the focus on it, shows its numbers unpinned.
    this.svg.addEventListener("pointerover", (event) => {
      const group = edgeAt(event);
      if (group && event.pointerType === "mouse" && !this.pinned) this.showPin(group.dataset.edgeId, pointIn(event), false);
    });
    this.svg.addEventListener("focusin", (event) => {
      const group = edgeAt(event);
      if (group && !this.pinned) this.showPin(group.dataset.edgeId, middleOf(group), false);
    });
    for (const type of ["pointerout", "focusout"]) {
      this.svg.addEventListener(type, (event) => {
        if (edgeAt(event) && !this.pinned) this.hidePin();
      });
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.pinned) this.unpin();
    });
  }

  unpin() {
    if (this.pinned) this.edgeInfo.get(this.pinned.id)?.group.classList.remove("pinned");
    this.pinned = null;
    this.hidePin();
  }

  hidePin() {
    const pin = this.svg.querySelector("#edge-pin");
    if (pin) pin.setAttribute("hidden", "");
  }

  showPin(id, point, pinned) {
    const info = this.edgeInfo.get(id);
    const pin = this.svg.querySelector("#edge-pin");
    if (!info || !pin) return;
    for (const [, other] of this.edgeInfo) if (other !== info) other.group.classList.remove("pinned");
    info.group.classList.toggle("pinned", pinned);
    const number = (key) => (this.shownNumber ? this.shownNumber(key) : null) ?? "? (not computed yet)";
    const { edge, weight } = info;
    const lines = [
      [".edge-pin-symbol", `${edge.symbol}, the local derivative`],
      [".edge-pin-local", `= ${number(`local.${edge.id}`)}`],
      [".edge-pin-weight", weight ? `${this.labels[weight]} = ${number(`values.${weight}`)}` : ""],
      [
        ".edge-pin-grad",
        weight
          ? `${this.gradients[weight]} = ${number(`grads.${weight}`)}`
          : `${this.gradients[edge.target]} = ${number(`grads.${edge.target}`)} (flows back along it)`,
      ],
    ];
    pin.removeAttribute("hidden");
    pin.classList.toggle("is-pinned", pinned);
    let y = 0;
    for (const [selector, content] of lines) {
      const line = pin.querySelector(selector);
      line.textContent = content;
      if (!content) continue;
      y += 18;
      line.setAttribute("x", "10");
      line.setAttribute("y", String(y));
    }
    const width = Math.max(...lines.map(([selector]) => pin.querySelector(selector).getComputedTextLength())) + 20;
    const height = y + 10;
    const box = pin.querySelector(".edge-pin-box");
    box.setAttribute("width", String(width));
    box.setAttribute("height", String(height));
    const [canvasWidth, canvasHeight] = this.svg.getAttribute("viewBox").split(" ").slice(2).map(Number);
    const x = Math.max(2, Math.min(point.x + 12, canvasWidth - width - 2));
    const top = Math.max(2, Math.min(point.y + 12, canvasHeight - height - 2));
    pin.setAttribute("transform", `translate(${x},${top})`);
    pin.dataset.edgeId = id;
  }

  renderEquations(epoch, row, shown, learningRate, equations) {
    const write = (el, visible, build) => {
      const text = visible ? build() : null;
      setText(el, complete(text) ? text : "");
    };
    for (const [node, el] of this.worked) write(el, shown(`values.${node}`), () => equations.worked(node, epoch, row));
    for (const [param, el] of this.chainNumbers) {
      write(el, shown(`grads.${param}`), () => equations.chain(param, this.chains.get(param), epoch) ?? this.notAll(epoch, param));
    }
    for (const [node, el] of this.accumulations) {
      write(el, shown(`grads.${node}`), () => equations.accumulation(node, epoch, row) ?? this.notAll(epoch, node));
    }
    for (const [param, el] of this.updates) write(el, shown(`after.${param}`), () => equations.update(param, epoch, learningRate));
  }

  // More samples than the detail holds: the total in words rather than a sum with missing terms.
  notAll(epoch, param) {
    return `the sum of ${allSamples(this.batchSize)}' terms = ${formatNumber(epoch.grads[param])}`;
  }

  // A pulse travels along the edges into a node (forward) or out of it, backwards (backward).
  pulse(step, duration) {
    if (!duration || !step.node) return Promise.resolve();
    const infos = [...this.edgeInfo.values()].filter(({ edge }) =>
      step.phase === "forward" ? edge.target === step.node : edge.source === step.node,
    );
    const frames =
      step.phase === "forward"
        ? [{ strokeDashoffset: 14, opacity: 1 }, { strokeDashoffset: -100, opacity: 1 }]
        : [{ strokeDashoffset: -100, opacity: 1 }, { strokeDashoffset: 14, opacity: 1 }];
    const animations = infos.map(({ group }) => {
      let pulse = group.querySelector(".edge-pulse");
      if (!pulse) {
        const line = group.querySelector(".edge-line");
        pulse = svgElement("path", { class: "edge-pulse", d: line.getAttribute("d"), pathLength: "100" });
        line.after(pulse);
      }
      pulse.classList.toggle("backward", step.phase === "backward");
      return pulse.animate(frames, { duration, easing: "ease-in-out" });
    });
    return Promise.all(animations.map((a) => a.finished.catch(() => {})));
  }

  cancelPulses() {
    for (const pulse of this.svg.querySelectorAll(".edge-pulse")) pulse.getAnimations().forEach((a) => a.cancel());
  }

  // The sample picker lists every sample (its value: the sample's index); the one shown is the detail's `selected`.
  fillSamplePicker(samples, inputs, selected) {
    const select = this.root.querySelector("#sample-select");
    if (!select) return;
    select.replaceChildren(
      ...inputs.map((x, sample) => {
        const option = document.createElement("option");
        option.value = String(sample);
        option.textContent = `${sample + 1}: x = ${x.map((v) => formatNumber(v)).join(" ")}`;
        option.selected = sample === samples[selected];
        return option;
      }),
    );
  }
}

// Hovering or focusing a node, an edge or a table row lights up everything with the same id.
export function linkHighlights(root) {
  let lit = [];
  const clear = () => {
    lit.forEach((el) => el.classList.remove("highlight"));
    lit = [];
  };
  const light = (target) => {
    const holder = target.closest && target.closest("[data-node-id], [data-edge-id]");
    clear();
    if (!holder) return;
    const selectors = [];
    if (holder.dataset.nodeId) selectors.push(`[data-node-id="${CSS.escape(holder.dataset.nodeId)}"]`);
    if (holder.dataset.edgeId) selectors.push(`[data-edge-id="${CSS.escape(holder.dataset.edgeId)}"]`);
    lit = [...root.querySelectorAll(selectors.join(","))];
    lit.forEach((el) => el.classList.add("highlight"));
  };
  root.addEventListener("pointerover", (event) => light(event.target));
  root.addEventListener("focusin", (event) => light(event.target));
  root.addEventListener("pointerleave", clear);
}
