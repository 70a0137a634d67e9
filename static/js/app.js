// The visualizer's controller: a state (epoch, cursor, the action in progress), a store (the run),
// a view (the DOM), and the actions that move the state, each ending in one render.

import { formatNumber } from "./format.js";
import { Equations, complete } from "./equations.js";
import { buildSteps, phaseEnds, revealedKeys } from "./steps.js";
import { PageState } from "./state.js";
import { RunStore } from "./store.js";
import { View, expandGraph, linkHighlights } from "./view.js";
import { CostChart } from "./chart.js";
import { wireSettings } from "./settings.js";

const initial = JSON.parse(document.getElementById("initial-state").textContent);
const graph = expandGraph(initial.graph); // sent compact: a wide network has thousands of edges
const labels = Object.fromEntries(graph.nodes.map((n) => [n.id, n.label]));
const params = graph.nodes.filter((n) => n.param).map((n) => n.id);
// Known before any pass: the data and the starting parameters.
const alwaysKnown = graph.nodes.filter((n) => n.kind === "input" || n.kind === "target" || n.param).map((n) => `values.${n.id}`);
const symbols = new Map(graph.edges.map((e) => [e.id, e.symbol]));
const outEdges = new Map();
for (const edge of graph.edges) {
  if (!outEdges.has(edge.source)) outEdges.set(edge.source, []);
  outEdges.get(edge.source).push(edge);
}
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const store = new RunStore(initial.config, initial.run, initial.limits.maxEpochs);
const equations = new Equations(graph, initial.samples);
equations.setSamples(store.samples);
const steps = buildSteps(initial.forwardOrder, initial.backwardOrder);
const ends = phaseEnds(steps);
const main = document.querySelector("main");
const view = new View(main, { labels, params, chains: initial.tables.chains, batchSize: initial.samples });
const announcer = document.getElementById("announcer");
const runStatus = document.getElementById("run-status");
const buttons = Object.fromEntries(
  [...document.querySelectorAll("[data-action]")].map((button) => [button.dataset.action, button]),
);
const state = new PageState();

function animated() {
  return initial.animate && !reducedMotion.matches;
}

function stepDuration() {
  return animated() ? Number(document.getElementById("speed").value) : 0;
}

function epochData() {
  return store.details.get(state.epoch);
}

function render() {
  const revealed = revealedKeys(steps, state.cursor, graph.edges, alwaysKnown);
  const active = state.cursor > 0 ? steps[state.cursor - 1] : null;
  view.render({
    epoch: epochData(),
    row: state.row,
    revealed,
    active,
    learningRate: store.config.learning_rate,
    equations,
  });
  document.getElementById("epoch-label").textContent = `Epoch ${state.epoch}`;
  document.getElementById("phase-label").textContent = phaseText();
  document.getElementById("what-is-backpropagated").classList.toggle("active", active && active.phase === "backward");
  renderStatus();
}

function phaseText() {
  if (!store.available) return "no epoch could be computed";
  if (state.cursor === 0) return "nothing computed yet";
  if (state.cursor < ends.forward) return "forward pass";
  if (state.cursor === ends.forward) return "forward pass done";
  if (state.cursor < ends.backward) return "backward pass";
  if (state.cursor === ends.backward) return "backward pass done";
  return "weights updated";
}

function renderStatus() {
  const { status, message, divergedAt, stuckAt } = store.status;
  // Said once the student has reached the epoch where it happens, not before.
  const relevant =
    (status === "dead" && state.reached >= stuckAt) || (status === "diverged" && state.reached >= divergedAt - 1);
  runStatus.hidden = !(relevant && message);
  runStatus.textContent = relevant ? message : "";
  runStatus.className = `run-status ${status}`;
}

// What a step revealed, in words and numbers for the live region; every equation in it is true.
function narrate(step) {
  const epoch = epochData();
  const num = (value) => formatNumber(value);
  const label = step.node && labels[step.node];
  if (step.phase === "forward") {
    if (step.node === "J" && state.epoch > 1) {
      const before = num(store.costs[state.epoch - 2]);
      const change = store.costs[state.epoch - 1] < store.costs[state.epoch - 2] ? "fell" : "rose";
      return `J = ${num(epoch.values.J)}: the cost ${change} from ${before} at epoch ${state.epoch - 1}`;
    }
    const value = epoch.values[step.node];
    const shown = num(Array.isArray(value) ? value[state.row] : value);
    const worked = equations.worked(step.node, epoch, state.row);
    return complete(worked) ? `${label} = ${worked}` : `${label} = ${shown}`;
  }
  if (step.phase === "backward") {
    if (step.node === "J") return "Backward starts at J: dJ/dJ = 1";
    const terms = outEdges.get(step.node).map((e) => `dJ/d${labels[e.target]} · ${symbols.get(e.id)}`);
    const batch = params.includes(step.node) && initial.samples > 1;
    const formula = batch ? `Σ over the ${initial.samples} samples of ${terms.join(" + ")}` : terms.join(" + ");
    const numbers = equations.accumulation(step.node, epoch, state.row);
    const total = epoch.grads[step.node];
    const result = complete(numbers) ? numbers : num(Array.isArray(total) ? total[state.row] : total);
    return `dJ/d${label} = ${formula} = ${result}`;
  }
  const updates = params.slice(0, 4).map((id) => `${labels[id]} ≔ ${equations.update(id, epoch, store.config.learning_rate)}`);
  return `Update: ${updates.join("; ")}${params.length > 4 ? "; …" : ""}`;
}

function announce(text) {
  announcer.textContent = text;
}

function refreshChart() {
  const costs = store.costs.slice(0, state.reached);
  const weights = {};
  const history = store.history;
  for (const [id, values] of Object.entries(history.params).slice(0, 8)) {
    weights[labels[id]] = history.epochs
      .map((epoch, i) => [epoch, values[i]])
      .filter(([epoch]) => epoch <= state.updated);
  }
  return chart.update(costs, weights, state.epoch);
}

// Note how far the student has got: the chart shows costs and weights up to there.
function markReached(step) {
  if (step.phase === "forward" && step.node === "J") state.reached = Math.max(state.reached, state.epoch);
  if (step.phase === "update") state.updated = Math.max(state.updated, state.epoch);
}

// Move to `target` steps into the current epoch, one step at a time, animating each; without
// animation in one jump, so a wide network's thousand steps cost one render.
async function advanceTo(target, signal) {
  if (!stepDuration() && target > state.cursor) {
    const passed = steps.slice(state.cursor, target);
    passed.forEach(markReached);
    state.cursor = target;
    render();
    announce(narrate(passed[passed.length - 1]));
    if (passed.some((s) => s.node === "J" || s.phase === "update")) refreshChart();
    return;
  }
  while (state.cursor < target) {
    const step = steps[state.cursor];
    await view.pulse(step, stepDuration() * 0.6);
    if (signal.aborted) return;
    state.cursor += 1;
    markReached(step);
    render();
    announce(narrate(step));
    // While playing, the chart waits for the end of the epoch: a redraw mid-animation drops frames.
    if ((step.node === "J" || step.phase === "update") && !state.playing) refreshChart();
    if (state.cursor < target && stepDuration()) await pause(stepDuration() * 0.4, signal);
    if (signal.aborted) return;
  }
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function loadEpoch(epoch, signal) {
  await store.ensure(epoch, signal);
  if (signal.aborted || epoch > store.available) return false;
  await store.detail(epoch, signal);
  return !signal.aborted;
}

// After an update, the next forward pass belongs to the next epoch.
async function nextEpoch(signal) {
  const next = state.epoch + 1;
  if (!(await loadEpoch(next, signal))) {
    if (!signal.aborted) {
      announce(`Training stopped at epoch ${state.epoch}: ${store.status.message || "no further epochs"}`);
      renderStatus();
    }
    return false;
  }
  state.epoch = next;
  state.cursor = 0;
  render();
  refreshChart();
  return true;
}

// Run an action as the one in progress: the previous one is cancelled, and a cancelled action's
// error (an aborted request) is not an error.
async function run(action) {
  const signal = state.begin();
  view.cancelPulses();
  try {
    await action(signal);
  } catch (error) {
    if (signal.aborted) return;
    announce(`Something went wrong: ${error.message}`);
    console.error(error); // a bug, or the server out of reach: either way, on the record
  }
}

function noEpochs() {
  if (store.available) return false;
  announce(store.status.message || "This run has no epochs.");
  renderStatus();
  return true;
}

const actions = {
  async forward(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update && !(await nextEpoch(signal))) return;
    if (state.cursor >= ends.forward) return announce(`The forward pass of epoch ${state.epoch} is done: press Backward.`);
    await advanceTo(ends.forward, signal);
  },
  async backward(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update) return announce("The weights are updated: press Forward for the next epoch.");
    await advanceTo(ends.backward, signal);
  },
  async update(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update) return announce("Already updated: press Forward for the next epoch.");
    await advanceTo(ends.update, signal);
  },
  async step(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update && !(await nextEpoch(signal))) return;
    await advanceTo(state.cursor + 1, signal);
  },
  async reset() {
    state.reset();
    render();
    refreshChart();
    announce("Reset: epoch 1, nothing computed yet.");
  },
  async train(signal) {
    const input = document.getElementById("train-epochs");
    const count = Number(input.value);
    const error = document.getElementById("error-train");
    const most = store.maxEpochs;
    if (!Number.isInteger(count) || count < 1 || count > most) {
      error.textContent = `Epochs to train: a whole number from 1 to ${most}.`;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    if (noEpochs()) return;
    const done = state.cursor === ends.update ? state.epoch : state.epoch - 1;
    const target = Math.min(done + count, most);
    announce(`Training ${target - done} epochs…`);
    await store.ensure(target + 1, signal);
    if (signal.aborted) return;
    const last = Math.min(target, store.available);
    await store.detail(last, signal);
    if (signal.aborted) return;
    state.epoch = last;
    state.cursor = ends.update;
    state.reached = Math.max(state.reached, last);
    state.updated = Math.max(state.updated, last);
    render();
    await refreshChart();
    const cost = formatNumber(store.costs[last - 1]);
    announce(`Trained to epoch ${last}: J = ${cost}.${last < target ? ` ${store.status.message}` : ""}`);
  },
};

function showEpoch(epoch) {
  setPlaying(false);
  return run(async (signal) => {
    if (!(await loadEpoch(epoch, signal))) return;
    state.epoch = epoch;
    state.cursor = ends.update;
    render();
    refreshChart();
    announce(`Showing epoch ${epoch}: J = ${formatNumber(store.costs[epoch - 1])}.`);
  });
}

function setPlaying(on) {
  state.playing = on;
  buttons.play.textContent = on ? "Pause" : "Play";
  buttons.play.setAttribute("aria-pressed", String(on));
}

async function play() {
  if (state.playing) {
    setPlaying(false);
    state.cancel();
    view.cancelPulses();
    return;
  }
  setPlaying(true);
  await run(async (signal) => {
    if (noEpochs()) return;
    if (state.cursor === ends.update && !(await nextEpoch(signal))) return;
    await advanceTo(ends.update, signal);
  });
  if (state.playing) setPlaying(false);
  refreshChart();
}

const chart = new CostChart(
  document.getElementById("cost-chart"),
  document.getElementById("cost-figure"),
  initial.weightTrace,
  (epoch) => showEpoch(epoch),
);

for (const [name, button] of Object.entries(buttons)) {
  button.addEventListener("click", () => {
    if (name === "play") return play();
    setPlaying(false);
    return run(actions[name]);
  });
}

document.getElementById("log-scale").addEventListener("change", (event) => chart.setLogScale(event.target.checked));
document.getElementById("sample-select")?.addEventListener("change", (event) => {
  state.row = Number(event.target.value);
  render();
});

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea, button, a") || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === " ") {
    event.preventDefault();
    play();
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    setPlaying(false);
    run(actions.step);
  }
});

// Crossing the narrow-screen breakpoint swaps the drawing: its labels are fitted anew.
matchMedia("(max-width: 600px)").addEventListener("change", render);
const scroller = document.querySelector(".graph-scroll");
new ResizeObserver(() => {
  document.getElementById("scroll-hint").hidden = scroller.scrollWidth <= scroller.clientWidth + 1;
}).observe(scroller);

linkHighlights(main);
wireSettings(document.getElementById("settings"));
view.fillSamplePicker(store.samples, store.config.x, state.row);
render();
if (!store.available) noEpochs();
refreshChart();
chart.start();
