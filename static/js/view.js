// The view owns the DOM: it draws a state onto the server-rendered graph and tables (numbers,
// classes, written-out equations) and runs the pulses along the edges.

import { formatNumber } from "./format.js";
import { complete } from "./equations.js";

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

// Shrink graph labels whose numbers are wider than their room, rather than let them spill over
// a box. All writes, then all reads, then all writes: one layout however many labels change.
function fitTexts(elements) {
  const filled = elements.filter((el) => {
    el.style.fontSize = "";
    return el.textContent !== "";
  });
  const sizes = filled.map((el) => {
    const room = Number(el.dataset.fit);
    const width = el.getComputedTextLength();
    return width > room ? Math.max(8, Math.floor((parseFloat(getComputedStyle(el).fontSize) * room) / width)) : null;
  });
  filled.forEach((el, i) => {
    if (sizes[i]) el.style.fontSize = `${sizes[i]}px`;
  });
}

const compact = (v) => formatNumber(v, { compact: true });
const TOO_LARGE = "too large";

function byData(root, attribute) {
  return [...root.querySelectorAll(`[data-${attribute}]`)].map((el) => [el.dataset[camel(attribute)], el]);
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

export class View {
  constructor(root, { labels, params, chains, batchSize }) {
    this.root = root;
    this.labels = labels;
    this.params = new Set(params);
    this.chains = new Map(chains.map((c) => [c.param, c.edges]));
    this.batchSize = batchSize;
    // Every drawing of the graph (wide and tall) shows the same state.
    this.nodes = [...root.querySelectorAll("svg.graph .node")].map((el) => [el.dataset.nodeId, el]);
    this.edges = [...root.querySelectorAll("svg.graph .edge")].map((el) => [el.dataset.edgeId, el]);
    this.fills = [...root.querySelectorAll("[data-fill]")];
    this.rows = [...root.querySelectorAll(".tables-panel [data-node-id]")];
    this.worked = byData(root, "worked");
    this.chainNumbers = byData(root, "chain-numbers");
    this.accumulations = byData(root, "accumulation");
    this.updates = byData(root, "update-numbers");
  }

  // Everything shown follows from: the epoch's numbers, which keys are revealed, the active step.
  render({ epoch, row, revealed, active, learningRate, equations }) {
    const shown = (key) => Boolean(epoch) && (revealed.has(key) || (key.startsWith("after.") && revealed.has("after")));
    const value = (key) => numberFor(key, epoch, row, learningRate);
    const tooLarge = (epoch && epoch.unrepresentable) || {};
    // A number revealed but too large for a float reads as such, with the server's reason on hover.
    const text = (key, format) => {
      const number = value(key);
      return number === null && tooLarge[key] ? TOO_LARGE : format(number);
    };
    for (const el of this.fills) {
      const key = el.dataset.fill;
      const known = key === "lr" || shown(key);
      el.textContent = known ? text(key, formatNumber) : "?";
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
      const valueText = el.querySelector(".node-value");
      if (isParam && shown(`after.${id}`)) {
        const before = compact(value(`values.${id}`));
        const after = compact(value(`after.${id}`));
        // Both fit for short numbers (0.5 → 0.692); otherwise the new value alone.
        valueText.textContent = before.length + after.length <= 12 ? `${before} → ${after}` : `→ ${after}`;
      } else {
        valueText.textContent = shown(`values.${id}`) ? `= ${compact(value(`values.${id}`))}` : "";
      }
      const gradText = shown(`grads.${id}`) ? text(`grads.${id}`, compact) : null;
      const gradEl = el.querySelector(".node-grad");
      // A parameter's gradient is a batch total: marked Σ when there is more than one sample.
      const total = isParam && batch;
      gradEl.textContent = gradText === null ? "" : `← ${total ? "Σ " : ""}${gradText}`;
      changed.push(valueText, gradEl);
      // Focusing a node reads out what it shows.
      const label = this.labels[id];
      const spoken = valueText.textContent ? `, value ${valueText.textContent.replace(/^= /, "")}` : "";
      const gradSpoken =
        gradText === null ? "" : `, gradient dJ/d${label} ${gradText}${total ? `, the total over all ${this.batchSize} samples` : ""}`;
      el.setAttribute("aria-label", `${label}${spoken}${gradSpoken}`);
      const isDead = dead.has(id) && shown(`values.${id}`);
      el.classList.toggle("dead", isDead);
      el.querySelector(".node-badge").textContent = isDead ? "dead ReLU" : "";
      el.classList.toggle("computed", shown(`values.${id}`));
      el.classList.toggle("has-grad", shown(`grads.${id}`));
      el.classList.toggle("updated", isParam && shown(`after.${id}`));
      el.classList.toggle("active", active !== null && active.node === id);
    }
    for (const [id, el] of this.edges) {
      const label = el.querySelector(".edge-local");
      const known = shown(`local.${id}`);
      if (label) {
        label.textContent = known ? `= ${text(`local.${id}`, compact)}` : "";
        changed.push(label);
      }
      el.classList.toggle("has-local", known);
      const activeNode = active && active.node;
      const forwardActive = active && active.phase === "forward" && el.dataset.target === activeNode;
      const backwardActive = active && active.phase === "backward" && el.dataset.source === activeNode;
      el.classList.toggle("active", Boolean(forwardActive || backwardActive));
    }
    for (const tableRow of this.rows) {
      tableRow.classList.toggle("active", active !== null && tableRow.dataset.nodeId === active.node);
    }
    this.root.querySelector("#update-equations")?.classList.toggle("active", active !== null && active.phase === "update");
    fitTexts(changed);
  }

  renderEquations(epoch, row, shown, learningRate, equations) {
    const write = (el, visible, build) => {
      const text = visible ? build() : null;
      el.textContent = complete(text) ? text : "";
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
    return `the sum of all ${this.batchSize} samples' terms = ${formatNumber(epoch.grads[param])}`;
  }

  // A pulse travels along the edges into a node (forward) or out of it, backwards (backward).
  pulse(step, duration) {
    if (!duration || !step.node) return Promise.resolve();
    const edges = this.edges.map(([, el]) => el).filter((el) =>
      step.phase === "forward" ? el.dataset.target === step.node : el.dataset.source === step.node,
    );
    const frames =
      step.phase === "forward"
        ? [{ strokeDashoffset: 14, opacity: 1 }, { strokeDashoffset: -100, opacity: 1 }]
        : [{ strokeDashoffset: -100, opacity: 1 }, { strokeDashoffset: 14, opacity: 1 }];
    const animations = edges.map((el) => {
      const pulse = el.querySelector(".edge-pulse");
      pulse.classList.toggle("backward", step.phase === "backward");
      return pulse.animate(frames, { duration, easing: "ease-in-out" });
    });
    return Promise.all(animations.map((a) => a.finished.catch(() => {})));
  }

  cancelPulses() {
    for (const [, el] of this.edges) el.querySelector(".edge-pulse").getAnimations().forEach((a) => a.cancel());
  }

  // The sample picker lists the samples the run's detail holds, as the server said.
  fillSamplePicker(samples, inputs, selected) {
    const select = this.root.querySelector("#sample-select");
    if (!select) return;
    select.replaceChildren(
      ...samples.map((sample, row) => {
        const option = document.createElement("option");
        option.value = String(row);
        option.textContent = `${sample + 1}: x = ${inputs[sample].map((v) => formatNumber(v)).join(" ")}`;
        option.selected = row === selected;
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
