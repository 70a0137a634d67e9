// The visualizer's controller: one state (epoch, cursor), actions that move it, one render.

import { formatNumber, plainName } from "./format.js";
import { buildSteps, phaseEnds, revealedKeys } from "./steps.js";
import { RunStore } from "./store.js";
import { View, linkHighlights, numberFor } from "./view.js";
import { CostChart } from "./chart.js";
import { wireSettings } from "./settings.js";

const initial = JSON.parse(document.getElementById("initial-state").textContent);
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const store = new RunStore(initial.config, initial.run);
const steps = buildSteps(initial.forwardOrder, initial.backwardOrder);
const ends = phaseEnds(steps);
const alwaysKnown = initial.known.map((id) => `values.${id}`);
// dJ/dnode = Σ over the node's out-edges of dJ/dtarget · local derivative: the terms of each node.
const terms = new Map();
for (const edge of initial.edges) {
  if (!terms.has(edge.source)) terms.set(edge.source, []);
  terms.get(edge.source).push({ grad: edge.target, edge: edge.id });
}
const symbols = new Map(initial.edges.map((e) => [e.id, e.symbol]));

const view = new View(document.querySelector("main"), initial.labels);
const announcer = document.getElementById("announcer");
const runStatus = document.getElementById("run-status");
const buttons = Object.fromEntries(
  [...document.querySelectorAll("[data-action]")].map((button) => [button.dataset.action, button]),
);

const state = { epoch: 1, cursor: 0, reached: 0, updated: 0, sample: 0, playing: false };
let token = 0; // bumped by every new action, so an older animation stops where it is

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
  const epoch = epochData();
  const revealed = revealedKeys(steps, state.cursor, initial.edges, alwaysKnown);
  const active = state.cursor > 0 ? steps[state.cursor - 1] : null;
  view.render({
    epoch,
    sample: state.sample,
    revealed,
    active,
    learningRate: store.config.learning_rate,
    params: initial.params,
  });
  document.getElementById("epoch-label").textContent = `Epoch ${state.epoch}`;
  document.getElementById("phase-label").textContent = phaseText();
  document.getElementById("what-is-backpropagated").classList.toggle("active", active && active.phase === "backward");
  renderStatus();
}

function phaseText() {
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

// What a step revealed, in words for the live region.
function narrate(step) {
  const num = (key) => formatNumber(numberFor(key, epochData(), state.sample, store.config.learning_rate));
  const name = step.node && plainName(step.node);
  if (step.phase === "forward" && step.node === "J" && state.epoch > 1) {
    const before = formatNumber(store.costs[state.epoch - 2]);
    const change = store.costs[state.epoch - 1] < store.costs[state.epoch - 2] ? "fell" : "rose";
    return `J = ${num("values.J")}: the cost ${change} from ${before} at epoch ${state.epoch - 1}`;
  }
  if (step.phase === "forward") return `${name} = ${num(`values.${step.node}`)}`;
  if (step.phase === "backward") {
    if (step.node === "J") return "Backward starts at J: dJ/dJ = 1";
    const nodeTerms = terms.get(step.node);
    const formula = nodeTerms.map((t) => `dJ/d${plainName(t.grad)} · ${symbols.get(t.edge)}`).join(" + ");
    if (initial.params.includes(step.node) && store.samples.length > 1) {
      return `dJ/d${name} = ${formula}, summed over the samples = ${num(`grads.${step.node}`)}`;
    }
    const numbers = nodeTerms.map((t) => `${num(`grads.${t.grad}`)} · ${num(`local.${t.edge}`)}`).join(" + ");
    return `dJ/d${name} = ${formula} = ${numbers} = ${num(`grads.${step.node}`)}`;
  }
  const updates = initial.params
    .slice(0, 4)
    .map((id) => `${plainName(id)} := ${num(`values.${id}`)} - ${num("lr")} · (${num(`grads.${id}`)}) = ${num(`after.${id}`)}`);
  return `Update: ${updates.join("; ")}${initial.params.length > 4 ? "; …" : ""}`;
}

function announce(text) {
  announcer.textContent = text;
}

async function refreshChart() {
  const costs = store.costs.slice(0, state.reached);
  const weights = {};
  const history = store.history;
  for (const [id, values] of Object.entries(history.params).slice(0, 8)) {
    weights[plainName(id)] = history.epochs
      .map((epoch, i) => [epoch, values[i]])
      .filter(([epoch]) => epoch <= state.updated);
  }
  await chart.update(costs, weights, state.epoch);
}

// Note how far the student has got: the chart shows costs and weights up to there.
function markReached(step) {
  if (step.phase === "forward" && step.node === "J") state.reached = Math.max(state.reached, state.epoch);
  if (step.phase === "update") state.updated = Math.max(state.updated, state.epoch);
}

// Move to `target` steps into the current epoch, one step at a time, animating each; without
// animation in one jump, so a wide network's thousand steps cost one render.
async function advanceTo(target, myToken) {
  if (!stepDuration() && target > state.cursor) {
    const passed = steps.slice(state.cursor, target);
    passed.forEach(markReached);
    state.cursor = target;
    render();
    announce(narrate(passed[passed.length - 1]));
    if (passed.some((s) => s.node === "J" || s.phase === "update")) refreshChart();
    return true;
  }
  while (state.cursor < target) {
    if (myToken !== token) return false;
    const step = steps[state.cursor];
    await view.pulse(step, stepDuration() * 0.6);
    if (myToken !== token) return false;
    state.cursor += 1;
    markReached(step);
    render();
    announce(narrate(step));
    // While playing, the chart waits for the end of the epoch: a redraw mid-animation drops frames.
    if ((step.node === "J" || step.phase === "update") && !state.playing) refreshChart();
    if (state.cursor < target && stepDuration()) await pause(stepDuration() * 0.4);
  }
  return true;
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function loadEpoch(epoch) {
  await store.ensure(epoch);
  if (epoch > store.available) return false;
  await store.detail(epoch);
  return true;
}

// After an update, the next forward pass belongs to the next epoch.
async function nextEpoch() {
  const next = state.epoch + 1;
  if (!(await loadEpoch(next))) {
    announce(`Training stopped at epoch ${state.epoch}: ${store.status.message || "no further epochs"}`);
    renderStatus();
    return false;
  }
  state.epoch = next;
  state.cursor = 0;
  render();
  refreshChart();
  return true;
}

async function run(action) {
  const myToken = ++token;
  view.cancelPulses();
  try {
    await action(myToken);
  } catch (error) {
    announce(`Something went wrong: ${error.message}`);
    console.error(error); // a bug, or the server out of reach: either way, on the record
  }
}

const actions = {
  async forward(t) {
    if (state.cursor === ends.update && !(await nextEpoch())) return;
    if (state.cursor >= ends.forward) return announce(`The forward pass of epoch ${state.epoch} is done: press Backward.`);
    await advanceTo(ends.forward, t);
  },
  async backward(t) {
    if (state.cursor === ends.update) return announce("The weights are updated: press Forward for the next epoch.");
    await advanceTo(ends.backward, t);
  },
  async update(t) {
    if (state.cursor === ends.update) return announce("Already updated: press Forward for the next epoch.");
    await advanceTo(ends.update, t);
  },
  async step(t) {
    if (state.cursor === ends.update && !(await nextEpoch())) return;
    await advanceTo(state.cursor + 1, t);
  },
  async reset() {
    state.epoch = 1;
    state.cursor = 0;
    state.reached = 0;
    state.updated = 0;
    render();
    refreshChart();
    announce("Reset: epoch 1, nothing computed yet.");
  },
  async train() {
    const input = document.getElementById("train-epochs");
    const count = Number(input.value);
    const error = document.getElementById("error-train");
    if (!Number.isInteger(count) || count < 1 || count > 10000) {
      error.textContent = "Epochs to train: a whole number from 1 to 10000.";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    const done = state.cursor === ends.update ? state.epoch : state.epoch - 1;
    const target = Math.min(done + count, 10000);
    announce(`Training ${target - done} epochs…`);
    await store.ensure(target + 1);
    const last = Math.min(target, store.available);
    if (last < 1) return announce(store.status.message);
    await store.detail(last);
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

async function showEpoch(epoch) {
  await run(async () => {
    setPlaying(false);
    if (!(await loadEpoch(epoch))) return;
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
    token++;
    return;
  }
  setPlaying(true);
  await run(async (t) => {
    if (state.cursor === ends.update && !(await nextEpoch())) return;
    await advanceTo(ends.update, t);
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
  state.sample = Number(event.target.value);
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

linkHighlights(document.querySelector("main"));
wireSettings(document.getElementById("settings"));
render();
refreshChart();
chart.start();
