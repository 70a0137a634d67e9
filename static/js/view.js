// Draws a state onto the server-rendered graph and tables: fills numbers, sets classes, runs pulses.

import { formatNumber } from "./format.js";

const PARAM_ID = /^([wb])(\d+)(?:_(\d+))?(?:_(\d+))?$/;

// A parameter's value after the update, from the API's nested weights_after / biases_after.
function afterValue(epoch, id) {
  const [, kind, layer, first, second] = id.match(PARAM_ID);
  const k = Number(layer) - 1;
  if (kind === "w") return epoch.weights_after[k][first ? Number(first) - 1 : 0][second ? Number(second) - 1 : 0];
  return epoch.biases_after[k][first ? Number(first) - 1 : 0];
}

export function numberFor(key, epoch, sample, learningRate) {
  if (key === "lr") return learningRate;
  const dot = key.indexOf(".");
  const kind = key.slice(0, dot);
  const id = key.slice(dot + 1);
  if (kind === "after") return afterValue(epoch, id);
  const value = epoch[kind] && epoch[kind][id];
  if (value === undefined) return null;
  return Array.isArray(value) ? value[sample] : value;
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

export class View {
  constructor(root, labels) {
    this.root = root;
    this.labels = labels;
    // Every drawing of the graph (wide and tall) shows the same state.
    this.nodes = [...root.querySelectorAll("svg.graph .node")].map((el) => [el.dataset.nodeId, el]);
    this.edges = [...root.querySelectorAll("svg.graph .edge")].map((el) => [el.dataset.edgeId, el]);
    this.fills = [...root.querySelectorAll("[data-fill]")];
    this.rows = [...root.querySelectorAll(".tables-panel [data-node-id]")];
  }

  // Everything shown follows from: the epoch's numbers, which keys are revealed, the active step.
  render({ epoch, sample, revealed, active, learningRate, params }) {
    const shown = (key) => revealed.has(key) || (key.startsWith("after.") && revealed.has("after"));
    const value = (key) => numberFor(key, epoch, sample, learningRate);
    for (const el of this.fills) {
      const key = el.dataset.fill;
      const known = key === "lr" || shown(key);
      el.textContent = known ? formatNumber(value(key)) : "?";
      el.classList.toggle("unknown", !known);
    }
    const dead = new Set(epoch.dead || []);
    const changed = [];
    for (const [id, el] of this.nodes) {
      const isParam = params.includes(id);
      const valueText = el.querySelector(".node-value");
      if (isParam && revealed.has("after")) {
        const before = compact(value(`values.${id}`));
        const after = compact(value(`after.${id}`));
        // Both fit for short numbers (0.5 → 0.692); otherwise the new value alone.
        valueText.textContent = before.length + after.length <= 12 ? `${before} → ${after}` : `→ ${after}`;
      } else {
        valueText.textContent = shown(`values.${id}`) ? `= ${compact(value(`values.${id}`))}` : "";
      }
      const gradText = shown(`grads.${id}`) ? compact(value(`grads.${id}`)) : null;
      const gradEl = el.querySelector(".node-grad");
      gradEl.textContent = gradText === null ? "" : `← ${gradText}`;
      changed.push(valueText, gradEl);
      // Focusing a node reads out what it shows.
      const label = this.labels[id];
      const spoken = valueText.textContent ? `, value ${valueText.textContent.replace(/^= /, "")}` : "";
      el.setAttribute("aria-label", `${label}${spoken}${gradText === null ? "" : `, gradient dJ/d${label} ${gradText}`}`);
      const isDead = dead.has(id) && shown(`values.${id}`);
      el.classList.toggle("dead", isDead);
      el.querySelector(".node-badge").textContent = isDead ? "dead ReLU" : "";
      el.classList.toggle("computed", shown(`values.${id}`));
      el.classList.toggle("has-grad", shown(`grads.${id}`));
      el.classList.toggle("updated", isParam && revealed.has("after"));
      el.classList.toggle("active", active !== null && active.node === id);
    }
    for (const [id, el] of this.edges) {
      const label = el.querySelector(".edge-local");
      const known = shown(`local.${id}`);
      if (label) {
        label.textContent = known ? `= ${compact(value(`local.${id}`))}` : "";
        changed.push(label);
      }
      el.classList.toggle("has-local", known);
      const activeNode = active && active.node;
      const forwardActive = active && active.phase === "forward" && el.dataset.target === activeNode;
      const backwardActive = active && active.phase === "backward" && el.dataset.source === activeNode;
      el.classList.toggle("active", Boolean(forwardActive || backwardActive));
    }
    for (const row of this.rows) {
      row.classList.toggle("active", active !== null && row.dataset.nodeId === active.node);
    }
    this.root.querySelector("#update-equations")?.classList.toggle("active", active !== null && active.phase === "update");
    fitTexts(changed);
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
