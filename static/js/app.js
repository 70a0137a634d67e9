// The visualizer's controller: a state (epoch, cursor, the action in progress), a store (the run),
// a view (the DOM), and the actions that move the state, each ending in one render.

import { formatNumber } from "./format.js";
import { Equations, complete } from "./equations.js";
import { buildSteps, phaseEnd, phaseEnds, phaseStart, revealedKeys } from "./steps.js";
import { PageState, locationFor, readLocation } from "./state.js";
import { shownStep, stepTitle } from "./batches.js";
import { RunStore } from "./store.js";
import { View, linkHighlights } from "./view.js";
import { expandGraph } from "./graph.js";
import { CostChart } from "./chart.js";
import { Landscape } from "./landscape.js";
import { InputSpace, wireThumbnails } from "./input-space.js";
import { sampleUrl } from "./added-sample.js";
import { wireGradientCheck } from "./gradient-check.js";
import { wireExports } from "./exports.js";
import { Predictor } from "./predict.js";
import { wireSettings } from "./settings.js";

const initial = JSON.parse(document.getElementById("initial-state").textContent);
const graph = expandGraph(initial.graph);
const labels = Object.fromEntries(graph.nodes.map((n) => [n.id, n.name]));
const gradients = Object.fromEntries(graph.nodes.map((n) => [n.id, n.gradient]));
const params = graph.nodes.filter((n) => n.param).map((n) => n.id);
// Known before any pass: the data and the starting parameters (an expression's variables and numbers).
const alwaysKnown = graph.known.map((id) => `values.${id}`);
// Where the backward pass starts: J, or an expression's f.
const output = graph.output;
const scroller = document.querySelector(".graph-scroll");
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const store = new RunStore(initial.config, initial.run, initial.limits.maxEpochs);
const equations = new Equations(graph, initial.samples);
equations.setSamples(store.samples);
equations.setOptimizer(initial.run.optimizer);
const steps = buildSteps(graph.forward, graph.backward, graph.updates);
const ends = phaseEnds(steps);
const main = document.querySelector("main");
const view = new View(main, { graph, geometry: initial.geometry, labels, params, chains: initial.tables.chains, batchSize: initial.samples });
const announcer = document.getElementById("announcer");
const runStatus = document.getElementById("run-status");
// The buttons there are: an embed may leave some out (its `controls`), and then their keys do nothing.
const buttons = Object.fromEntries(
  [...document.querySelectorAll("[data-action]")].filter((b) => !b.closest("[hidden]")).map((b) => [b.dataset.action, b]),
);
const state = new PageState();
const scrubber = document.getElementById("epoch-scrubber");
const largerText = document.getElementById("larger-text");
const logScale = document.getElementById("log-scale");

function animated() {
  return initial.animate && !reducedMotion.matches;
}

function stepDuration() {
  return animated() ? Number(document.getElementById("speed").value) : 0;
}

// The step shown of an epoch of several (mini-batches): the step picker's, and the next after an update.
let stepIndex = 0;
let stepEpoch = null;

function epochData() {
  if (stepEpoch !== state.epoch) [stepIndex, stepEpoch] = [0, state.epoch];
  return shownStep(store.details.get(state.epoch), stepIndex);
}

// A step of a mini-batch sees its own samples: the equations, the sample picker and the step picker follow it.
let shownKey = null;
function followStep(data) {
  if (!data || data.stepCount === undefined || shownKey === `${data.epoch}:${data.step}`) return;
  shownKey = `${data.epoch}:${data.step}`;
  equations.total = data.samples.length;
  equations.setSamples(data.detail_samples);
  view.batchSize = data.samples.length;
  state.row = Math.min(state.row, data.detail_samples.length - 1);
  view.fillSamplePicker(data.detail_samples, store.config.x, state.row);
  const picker = document.getElementById("step-select");
  const epoch = store.details.get(data.epoch);
  picker?.replaceChildren(
    ...epoch.steps.map((_, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = stepTitle(shownStep(epoch, i));
      option.selected = i === data.stepIndex;
      return option;
    }),
  );
  const note = document.getElementById("batch-note");
  if (note) note.textContent = `${stepTitle(data)}. Its cost J is over its batch; the chart's cost per epoch is over every sample.`;
}

function render() {
  followStep(epochData());
  const revealed = revealedKeys(steps, state.cursor, graph.outOf, alwaysKnown);
  const active = state.cursor > 0 ? steps[state.cursor - 1] : null;
  view.render({
    epoch: epochData(),
    row: state.row,
    revealed,
    active,
    learningRate: store.config.learning_rate,
    equations,
  });
  document.getElementById("epoch-label").textContent = shownEpoch();
  document.getElementById("phase-label").textContent = phaseText();
  document.getElementById("what-is-backpropagated").classList.toggle("active", active && active.phase === "backward");
  renderStatus();
  renderScrubber();
  // A question is about the step after the cursor: once the page has moved, it is withdrawn unscored.
  predictor?.withdrawUnless(`${state.epoch}:${state.cursor}`);
  bringIntoView(active);
  recordLocation();
}

// Where the page is: an epoch, or (a graph without an update, which has one pass) the pass.
function shownEpoch(capital = true) {
  if (graph.updates) return `${capital ? "E" : "e"}poch ${state.epoch}`;
  return `${capital ? "T" : "t"}he one pass`;
}

function renderScrubber() {
  const last = Math.max(state.reached, state.updated, state.epoch, 1);
  scrubber.max = String(last);
  scrubber.value = String(state.epoch);
  scrubber.disabled = last === 1;
  const text = `Epoch ${state.epoch} of ${last}`;
  scrubber.setAttribute("aria-valuetext", text);
  document.getElementById("scrubber-value").textContent = text;
}

// The node being computed stays on screen (above the sticky controls); a page scrolled on past the
// graph, to the tables or the chart, is left where it is.
let lastBrought = null;
function bringIntoView(active, where = `${state.epoch}:${state.cursor}`) {
  if (!active || !active.node || where === lastBrought) return;
  lastBrought = where;
  const node = [...main.querySelectorAll(`svg.graph [data-node-id="${CSS.escape(active.node)}"]`)].find(
    (el) => el.getClientRects().length,
  );
  const drawing = node && node.closest("svg").getBoundingClientRect();
  if (!drawing || drawing.bottom < 0) return;
  node.scrollIntoView({ block: "nearest", inline: "nearest" });
  const bar = document.querySelector(".step-bar").getBoundingClientRect();
  const bottom = node.getBoundingClientRect().bottom;
  if (bar.bottom >= innerHeight - 1 && bottom > bar.top - 8) scrollBy(0, bottom - bar.top + 8);
}

// The address follows the page: replaced while stepping (at most a few times a second, which is all
// a browser allows), a new history entry when the epoch changes, so Back and Forward move by epoch.
let replaceTimer = null;
let pendingUrl = null;
let lastPush = -Infinity;
function shownLocation() {
  return locationFor(location.search, {
    epoch: state.epoch,
    cursor: state.cursor,
    row: store.samples[state.row] ?? 0, // the address names the sample itself, whichever the detail holds
    log: Boolean(logScale?.checked),
    largeText: document.documentElement.classList.contains("text-large"),
  });
}

function flushReplace() {
  clearTimeout(replaceTimer);
  replaceTimer = null;
  if (pendingUrl === null) return;
  const { url, epoch } = pendingUrl;
  pendingUrl = null;
  if (url !== location.pathname + location.search || history.state?.epoch !== epoch) {
    history.replaceState({ epoch }, "", url);
  }
}

function recordLocation() {
  if (restoring) return;
  const url = shownLocation();
  const now = performance.now();
  const entryEpoch = (pendingUrl || history.state || {}).epoch;
  // Scrubbing through many epochs in a second makes one entry, not one per epoch.
  if (entryEpoch !== undefined && entryEpoch !== state.epoch && now - lastPush > 1000) {
    flushReplace();
    lastPush = now;
    history.pushState({ epoch: state.epoch }, "", url);
    return;
  }
  pendingUrl = { url, epoch: state.epoch };
  if (!replaceTimer) replaceTimer = setTimeout(flushReplace, 150);
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
    (["dead", "stuck", "oscillating"].includes(status) && state.reached >= stuckAt) || (status === "diverged" && state.reached >= divergedAt - 1);
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
    if (step.node === output && state.epoch > 1) {
      const [now, before] = [store.costs[state.epoch - 1], store.costs[state.epoch - 2]];
      const change = now < before ? `fell from ${num(before)}` : now > before ? `rose from ${num(before)}` : "is the same as";
      return `J = ${num(epoch.values.J)}: the cost ${change} at epoch ${state.epoch - 1}`;
    }
    const value = epoch.values[step.node];
    const shown = num(Array.isArray(value) ? value[state.row] : value);
    const worked = equations.worked(step.node, epoch, state.row);
    return complete(worked) ? `${label} = ${worked}` : `${label} = ${shown}`;
  }
  if (step.phase === "backward") {
    if (step.node === output) return `Backward starts at ${labels[output]}: ${gradients[output]} = 1`;
    const terms = graph.outOf.get(step.node).map((e) => `${gradients[e.target]} · ${e.symbol}`);
    // What the gates it feeds do with the gradient (and that a variable used twice adds its branches).
    const gates = [...new Set([step.node, ...graph.outOf.get(step.node).map((e) => e.target)])]
      .map((id) => graph.gates.get(id))
      .filter((text, i) => text && (i > 0 || graph.outOf.get(step.node).length > 1));
    const pattern = gates.length ? `${gates.join(" ")} ` : "";
    const batch = params.includes(step.node) && equations.total > 1;
    const formula = batch ? `Σ over the ${equations.total} samples of ${terms.join(" + ")}` : terms.join(" + ");
    const numbers = equations.accumulation(step.node, epoch, state.row);
    const total = epoch.grads[step.node];
    const result = complete(numbers) ? numbers : num(Array.isArray(total) ? total[state.row] : total);
    return `${pattern}${gradients[step.node]} = ${formula} = ${result}`;
  }
  const shown = equations.plain() ? 4 : 1; // another optimizer writes several equations a parameter
  const updates = params.slice(0, shown).map((id) => equations.namedUpdate(id, epoch, store.config.learning_rate));
  return `Update: ${updates.join("; ")}${params.length > shown ? "; …" : ""}`;
}

// What a step will show, as a question for predict-then-reveal: a value forward, a gradient back,
// the first parameter's new value at the update.
function questionFor(step, where) {
  const epoch = epochData();
  const at = (value) => (Array.isArray(value) ? value[state.row] : value);
  if (step.phase === "forward") return { where, name: labels[step.node], truth: at(epoch.values[step.node]) };
  if (step.phase === "backward") return { where, name: gradients[step.node], truth: at(epoch.grads[step.node]) };
  if (equations.plain() || !epoch.state) return { where, name: `the new ${labels[params[0]]}`, truth: epoch.after[params[0]] };
  // Momentum or Adam: the number students get wrong is the optimizer's own, v (or m) after the step.
  const { symbols, subscripts } = equations.optimizer;
  const key = Object.keys(epoch.state.before)[0];
  return { where, name: `the new ${symbols[key]}${subscripts[params[0]]}`, truth: epoch.state.after[key][params[0]] };
}

function announce(text) {
  announcer.textContent = text;
}

// `text`, then which of `actions`' buttons to press, naming only the buttons the page has.
function advise(text, ...actions) {
  const names = actions.filter((a) => buttons[a]).map((a) => buttons[a].textContent.trim());
  return names.length ? `${text}: press ${names.join(" or ")}.` : `${text}.`;
}

// What the page says before anything is computed: how to start, with the controls it has.
function startHint() {
  if (buttons.forward && buttons.step) return "Press Forward, or Step to go one node at a time.";
  const start = ["forward", "step", "play", "train"].find((a) => buttons[a]);
  if (start) return `Press ${buttons[start].textContent.trim()} to compute the network.`;
  return "The network with its data and starting weights: nothing computed yet.";
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
  refreshLandscape();
  refreshInputSpace();
  chart.setStepCosts(store.stepCosts, store.stepsPerEpoch);
  return chart.update(costs, weights, state.epoch, Object.keys(history.params).length);
}

// Showing (epoch, cursor) means the student has seen everything up to it.
function noteSeen() {
  state.reached = Math.max(state.reached, state.cursor >= ends.forward ? state.epoch : state.epoch - 1);
  state.updated = Math.max(state.updated, state.cursor === ends.update ? state.epoch : state.epoch - 1);
}

// The surface is fetched for the run up to the next power of two of the epochs known, so that it
// is fetched again a few times over a run rather than at every epoch (the path shows only as far as
// the student has got; the surface's span takes in some of the path ahead).
function landscapeEpochs() {
  return Math.min(store.maxEpochs, 2 ** Math.ceil(Math.log2(Math.max(2, store.available))));
}

// The cost surface follows the run: the path as far as the student has got, the shown epoch's
// point, and its step direction once the backward pass has computed it.
function refreshLandscape() {
  if (!landscape) return;
  const epoch = epochData();
  landscape
    .update({
      config: store.config,
      epochs: landscapeEpochs(),
      epoch: state.epoch,
      updated: state.updated,
      values: epoch && epoch.values,
      grads: epoch && state.cursor >= ends.backward ? arrowOf(epoch) : null,
    })
    .catch((error) => console.error(error));
}

// The input space follows the epoch shown and the sample picked, continuing the run from the latest θ known.
function refreshInputSpace() {
  if (!inputSpace) return;
  const from = store.startBefore(state.epoch);
  const row = store.samples[state.row] ?? 0; // the shown sample: its place in the detail is state.row
  const update = { config: store.config, epoch: Math.max(1, state.epoch), from, params: store.thetas.get(from), row };
  inputSpace.update(update).catch((error) => console.error(error));
}

// The surface's arrow points along −dJ/dθ; with momentum or Adam, once updated, along the step taken
// (given as minus the step, the arrow's convention), which is where those optimizers differ.
function arrowOf(epoch) {
  if (equations.plain() || state.cursor < ends.update || !epoch.after) return epoch.grads;
  return Object.fromEntries(Object.keys(epoch.after).map((id) => [id, epoch.values[id] - epoch.after[id]]));
}

// Clicking the surface starts a run from that point: the page's URL, with the two parameters set.
function startFrom(u, v, axes) {
  const url = new URL(window.location.href);
  for (const key of ["epoch", "step", "phase"]) url.searchParams.delete(key);
  url.searchParams.set(axes[0], String(Number(u.toPrecision(4))));
  url.searchParams.set(axes[1], String(Number(v.toPrecision(4))));
  window.location.assign(url);
}

// Note how far the student has got: the chart shows costs and weights up to there.
function markReached(step) {
  if (step.phase === "forward" && step.node === output) state.reached = Math.max(state.reached, state.epoch);
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
    if (passed.some((s) => s.node === output || s.phase === "update")) refreshChart();
    return;
  }
  while (state.cursor < target) {
    const step = steps[state.cursor];
    state.pending = { epoch: state.epoch, cursor: state.cursor + 1, step };
    await view.pulse(step, stepDuration() * 0.6);
    // Cancelled: the new action has landed this step already.
    if (signal.aborted) return;
    state.pending = null;
    state.cursor += 1;
    markReached(step);
    render();
    announce(narrate(step));
    // While playing, the chart waits for the end of the epoch: a redraw mid-animation drops frames.
    if ((step.node === output || step.phase === "update") && !state.playing) refreshChart();
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
  await store.load(epoch, epoch, signal);
  return !signal.aborted && epoch <= store.available && store.details.has(epoch);
}

// What the last step finished, and what may come next: an epoch's update, then the next epoch; or, in a
// graph without an update (an expression), its backward pass, and nothing more.
function finished(text = "The weights are updated, the epoch is done") {
  if (graph.updates) return advise(text, "forward", "step");
  return advise(`The backward pass is done: every gradient of ${labels[output]} is known`, "reset");
}

// After an update, the next forward pass belongs to the next epoch; a graph without one has no next epoch.
async function nextEpoch(signal) {
  if (!graph.updates) {
    announce(finished());
    return false;
  }
  const steps = store.details.get(state.epoch)?.steps;
  if (steps && stepIndex < steps.length - 1) {
    // The epoch's next step: the same epoch, the next batch.
    stepIndex += 1;
    state.cursor = 0;
    render();
    return true;
  }
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
  const { signal, pending } = state.begin();
  view.cancelPulses();
  land(pending);
  try {
    await action(signal);
  } catch (error) {
    if (signal.aborted) return;
    announce(`Something went wrong: ${error.message}`);
    console.error(error); // a bug, or the server out of reach: either way, on the record
  }
}

// A step whose animation was cut short by a new action counts as done, so no press is lost.
function land(pending) {
  if (!pending) return;
  state.cursor = pending.cursor;
  markReached(pending.step);
  render();
  if (pending.step.node === output || pending.step.phase === "update") refreshChart();
}

// Show `epoch` at `cursor`, fetching its detail if needed; false if it does not exist.
async function showAt(epoch, cursor, signal) {
  if (!(await loadEpoch(epoch, signal))) return false;
  state.epoch = epoch;
  state.cursor = cursor;
  noteSeen();
  render();
  refreshChart();
  return true;
}

function describeCursor() {
  if (state.cursor === 0) return `${shownEpoch()}: nothing computed yet.`;
  return narrate(steps[state.cursor - 1]);
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
    if (state.cursor >= ends.forward) return announce(advise(`The forward pass of epoch ${state.epoch} is done`, "backward"));
    await advanceTo(ends.forward, signal);
  },
  async backward(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update) return announce(finished());
    if (state.cursor >= ends.backward) return announce(advise(`The backward pass of epoch ${state.epoch} is done`, "update"));
    const forwardFirst = state.cursor < ends.forward;
    await advanceTo(ends.backward, signal);
    if (forwardFirst && !signal.aborted) announce(`Ran the forward pass first, as backward needs its values. ${describeCursor()}`);
  },
  async update(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update) return announce(finished("Already updated, the epoch is done"));
    await advanceTo(ends.update, signal);
  },
  async back(signal) {
    if (noEpochs()) return;
    if (state.cursor > 0) {
      state.cursor -= 1;
      render();
      return announce(`Back: ${describeCursor()}`);
    }
    if (state.epoch === 1) return announce(`Already at the start: ${shownEpoch(false)}, nothing computed yet.`);
    if (await showAt(state.epoch - 1, ends.update, signal)) announce(`Back to epoch ${state.epoch}: weights updated.`);
  },
  async phaseStart() {
    if (noEpochs()) return;
    state.cursor = phaseStart(ends, state.cursor);
    render();
    announce(`Start of the phase: ${describeCursor()}`);
  },
  async phaseEnd(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update) return announce(finished("Already updated, the epoch is done"));
    await advanceTo(phaseEnd(ends, state.cursor), signal);
  },
  async step(signal) {
    if (noEpochs()) return;
    if (state.cursor === ends.update && !(await nextEpoch(signal))) return;
    const where = `${state.epoch}:${state.cursor}`;
    if (predictor && !predictor.allows(where)) {
      predictor.ask(questionFor(steps[state.cursor], where));
      return bringIntoView(steps[state.cursor], `asked ${where}`);
    }
    await advanceTo(state.cursor + 1, signal);
  },
  async reset() {
    state.reset();
    predictor?.forget();
    render();
    refreshChart();
    announce(`Reset: ${shownEpoch(false)}, nothing computed yet.`);
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
    if (done >= most) {
      announce(advise(`Epoch ${done} is the last this network may train (at most ${most} epochs)`, "reset"));
      return;
    }
    const target = Math.min(done + count, most);
    announce(`Training ${target - done} epochs…`);
    await store.load(target + 1, target, signal);
    if (signal.aborted) return;
    const last = Math.min(target, store.available);
    await store.load(last, last, signal);
    if (signal.aborted) return;
    state.epoch = last;
    state.cursor = ends.update;
    state.reached = Math.max(state.reached, last);
    state.updated = Math.max(state.updated, last);
    render();
    await refreshChart();
    const cost = formatNumber(store.costs[last - 1]);
    const limited = done + count > most ? ` That is the last epoch this network may train (at most ${most}).` : "";
    announce(`Trained to epoch ${last}: J = ${cost}.${last < target ? ` ${store.status.message}` : limited}`);
  },
};

function showEpoch(epoch) {
  setPlaying(false);
  return run(async (signal) => {
    if (await showAt(epoch, ends.update, signal)) announce(`Showing epoch ${epoch}: J = ${formatNumber(store.costs[epoch - 1])}.`);
  });
}

function setPlaying(on) {
  state.playing = on;
  buttons.play?.replaceChildren(on ? "Pause" : "Play");
  buttons.play?.setAttribute("aria-pressed", String(on));
}

async function play() {
  if (state.playing) {
    setPlaying(false);
    const pending = state.cancel();
    view.cancelPulses();
    land(pending);
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
chart.noteElement = document.getElementById("chart-note");
const predictor =
  new URLSearchParams(window.location.search).get("predict") === "1"
    ? new Predictor(document.getElementById("predict"), () => run(actions.step))
    : null;
const landscapeElement = document.getElementById("landscape-chart");
const landscape =
  landscapeElement && !landscapeElement.closest("[hidden]")
    ? new Landscape(
        landscapeElement,
        params.map((id) => [id, labels[id]]),
        Promise.resolve().then(() => chart.start()).then(() => window.Plotly),
        // A locked embed keeps its settings: the surface is there to look at, not to start runs from.
        main.hasAttribute("data-locked") ? () => announce("The settings are fixed by the page this is part of.") : startFrom,
      )
    : null;

const inputSpaceElement = document.getElementById("input-space-chart");
const inputNodes = graph.nodes.filter((n) => n.kind === graph.kinds.INPUT).map((n) => [n.id, n.label]);
const inputSpace =
  inputSpaceElement && !inputSpaceElement.closest("[hidden]")
    ? new InputSpace(
        inputSpaceElement,
        inputNodes,
        Promise.resolve().then(() => chart.start()).then(() => window.Plotly),
        main.hasAttribute("data-locked") || store.config.y[0].length !== 1 ? null : (x, y) => location.assign(sampleUrl(location.href, store.config, x, y)),
      )
    : null;
const activationNodes = graph.nodes.filter((n) => n.kind === graph.kinds.ACTIVATION);
const outputLayer = Math.max(...activationNodes.map((n) => n.layer));
const hiddenNeurons = new Set(activationNodes.filter((n) => n.layer < outputLayer).map((n) => n.id));
if (inputSpace) wireThumbnails(main, inputSpace, hiddenNeurons);

for (const [name, button] of Object.entries(buttons)) {
  button.addEventListener("click", () => {
    if (name === "play") return play();
    setPlaying(false);
    return run(actions[name]);
  });
}

logScale?.addEventListener("change", () => {
  chart.setLogScale(logScale.checked);
  recordLocation();
});
document.getElementById("step-select")?.addEventListener("change", (event) => {
  stepIndex = Number(event.target.value);
  render();
});
// The detail's samples with `sample` in place of the last one.
function withSample(sample) {
  return [...new Set([...store.samples.slice(0, -1), sample])].sort((a, b) => a - b);
}

// Any sample can be picked: one the detail lacks replaces the detail's last sample, and the epoch shown is
// fetched again with it (the tables and the graph show one sample at a time).
document.getElementById("sample-select")?.addEventListener("change", (event) => {
  const sample = Number(event.target.value);
  // The samples shown: a mini-batch step's own, or the detail's.
  const shownSamples = epochData()?.detail_samples ?? store.samples;
  if (shownSamples.includes(sample)) {
    state.row = shownSamples.indexOf(sample);
    render();
    refreshInputSpace();
    return;
  }
  if (store.batched) {
    event.target.value = String(shownSamples[state.row]);
    announce(`Sample ${sample + 1} is not in this step's batch: the step picker shows which step has it.`);
    return;
  }
  setPlaying(false);
  run(async (signal) => {
    const shown = await store.showSamples(withSample(sample), Math.max(1, state.epoch), signal).catch((error) => {
      if (error.name !== "AbortError") throw error;
      return false;
    });
    if (!shown) {
      event.target.value = String(store.samples[state.row]); // cancelled: the picker says what is shown
      return;
    }
    equations.setSamples(store.samples);
    state.row = store.samples.indexOf(sample);
    render();
    refreshInputSpace();
  });
});
scrubber.addEventListener("input", () => showEpoch(Number(scrubber.value)));

function setLargeText(on) {
  document.documentElement.classList.toggle("text-large", on);
  largerText.setAttribute("aria-pressed", String(on));
}
largerText.addEventListener("click", () => {
  setLargeText(largerText.getAttribute("aria-pressed") !== "true");
  render();
});

const KEY_ACTIONS = { ArrowRight: "step", ArrowLeft: "back", Home: "phaseStart", End: "phaseEnd" };

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  // Fields and links keep their keys; a button keeps Space and Enter but has no use for arrows.
  const field = event.target.closest("input, select, textarea, a, .js-plotly-plot");
  if (field || (event.target.closest("button") && !KEY_ACTIONS[event.key])) return;
  if (!buttons[event.key === " " ? "play" : KEY_ACTIONS[event.key]]) return;
  if (event.key === " ") {
    event.preventDefault();
    play();
  } else if (KEY_ACTIONS[event.key]) {
    event.preventDefault();
    setPlaying(false);
    run(actions[KEY_ACTIONS[event.key]]);
  }
});

// Crossing the narrow-screen breakpoint swaps the drawing: its labels are fitted anew.
matchMedia("(max-width: 600px)").addEventListener("change", render);
new ResizeObserver(() => {
  document.getElementById("scroll-hint").hidden = scroller.scrollWidth <= scroller.clientWidth + 1;
}).observe(scroller);

// Put the page where the address says; false (with the reason said) when an epoch it names does not exist.
let restoring = false;
async function restore(signal) {
  const { found, errors } = readLocation(location.search, {
    maxEpoch: store.maxEpochs,
    steps: ends.update,
    samples: initial.samples,
  });
  restoring = true;
  try {
    setLargeText(found.largeText);
    if (logScale) logScale.checked = found.log;
    chart.setLogScale(found.log);
    // found.row is the sample the address names; one the detail lacks is fetched into it first.
    if (!store.samples.includes(found.row) && store.available) {
      const epoch = Math.max(1, Math.min(found.epoch, store.available));
      if (!(await store.showSamples(withSample(found.row), epoch, signal))) return;
    }
    equations.setSamples(store.samples);
    shownKey = null; // a mini-batch step's own samples come back with the next render
    state.row = Math.max(0, store.samples.indexOf(found.row));
    const select = document.getElementById("sample-select");
    if (select) select.value = String(store.samples[state.row]);
    const moved = found.epoch !== state.epoch || found.cursor !== state.cursor;
    if (moved && store.available && !(await showAt(found.epoch, found.cursor, signal))) {
      if (!signal.aborted) errors.push(`epoch in the address: the run has no epoch ${found.epoch} (${store.status.message || "it ended before"})`);
    }
    render();
    refreshInputSpace();
  } finally {
    restoring = false;
  }
  if (!signal.aborted) history.replaceState({ epoch: state.epoch }, "", shownLocation());
  if (errors.length) announce(`Ignored: ${errors.join("; ")}.`);
  else if (found.epoch !== 1 || found.cursor !== 0) announce(describeCursor());
}

window.addEventListener("popstate", () => {
  // A replace still waiting belongs to the entry just left.
  clearTimeout(replaceTimer);
  replaceTimer = null;
  pendingUrl = null;
  setPlaying(false);
  run(restore);
});

linkHighlights(main);
wireGradientCheck(document.getElementById("gradient-check"), () => ({
  config: store.config,
  epoch: state.epoch,
  backwardShown: state.cursor >= ends.backward,
}));
wireExports(
  document.getElementById("exports"),
  // What the page has shown: every epoch whose cost it has shown (as the chart does), at least the first.
  () => ({ config: store.config, epochs: Math.max(1, state.reached), epoch: state.epoch }),
  () => chart.load().then(() => window.Plotly),
);
wireSettings(document.getElementById("settings"));
view.fillSamplePicker(store.samples, store.config.x, state.row);
announce(startHint());
render();
if (!store.available) noEpochs();
refreshChart();
// A page may leave the chart out (an embed's `view`): then plotly.js is never fetched.
if (!document.querySelector(".chart-panel")?.hidden) chart.start([landscape && landscapeElement, inputSpace && inputSpaceElement].filter(Boolean));
history.replaceState({ epoch: state.epoch }, "", location.pathname + location.search);
// Marked once the controls answer and the page is where its address says.
run(restore).then(() => main.setAttribute("data-ready", ""));
