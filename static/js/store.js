// The store owns the data: the run from the API, pieced together from its answers. A run is
// deterministic, so any epoch's detail can be fetched again on demand, and a request continues
// the run from parameters the API gave exactly (`from_epoch`) instead of training it again from
// the start: the server's work per click stays that click's epochs. Every request takes the
// caller's AbortSignal, so an action that was cancelled never writes into the store.

import { postJSON } from "./api.js";
import { appUrl } from "./urls.js";

// At most this many parameter values are kept for the weight chart and for continuing from.
const KEPT_NUMBERS = 200_000;

export class RunStore {
  constructor(config, initialRun, maxEpochs) {
    this.config = config;
    this.maxEpochs = maxEpochs;
    this.details = new Map();
    this.costs = [];
    // θ after an epoch, by parameter id, wherever an answer gave it (0: the starting parameters).
    this.thetas = new Map();
    // The optimizer's state (momentum's v, Adam's m and v) after an epoch, wherever an answer gave it:
    // a run with such an optimizer continues only from where both θ and the state are known.
    this.states = new Map();
    this.stepCosts = [];
    this.status = null;
    this.absorb(initialRun);
  }

  absorb(run) {
    const kept = ["v", "m"];
    for (const epoch of run.epochs) {
      this.costs[epoch.epoch - 1] = epoch.cost;
      if (!epoch.detail) continue;
      this.details.set(epoch.epoch, epoch);
      // Where an epoch ends: its last step's parameters and optimizer state (an epoch of one step is that step).
      const last = epoch.steps ? epoch.steps[epoch.steps.length - 1] : epoch;
      if (Object.values(last.after).every(Number.isFinite)) this.thetas.set(epoch.epoch, last.after);
      if (last.state) this.states.set(epoch.epoch, Object.fromEntries(kept.filter((k) => k in last.state.after).map((k) => [k, last.state.after[k]])));
    }
    const lastEpoch = run.epochs.length ? run.epochs[run.epochs.length - 1].epoch : 0;
    if (run.optimizer_state && run.diverged_at == null) this.states.set(lastEpoch, run.optimizer_state);
    // A run without an optimizer (an expression's one pass) is one step of plain descent's shape.
    const optimizer = run.optimizer ?? { name: "sgd", steps_per_epoch: 1 };
    this.stateful = optimizer.name !== "sgd";
    this.stepsPerEpoch = optimizer.steps_per_epoch;
    // Each step's cost on its batch, by step (0: the run's first), wherever an answer gave it.
    const firstStep = run.epochs.length ? (run.epochs[0].epoch - 1) * this.stepsPerEpoch : 0;
    (run.step_costs || []).forEach((cost, i) => {
      this.stepCosts[firstStep + i] = cost;
    });
    this.batched = optimizer.steps_per_epoch > 1;
    const ids = Object.keys(run.history.params);
    run.history.epochs.forEach((epoch, i) => {
      const theta = Object.fromEntries(ids.map((id) => [id, run.history.params[id][i]]));
      if (Object.values(theta).every(Number.isFinite)) this.thetas.set(epoch, theta);
    });
    this.thin(ids.length);
    this.history = this.historyOf(ids);
    this.status = this.mergedStatus(run);
    this.samples = run.detail_samples;
  }

  // What happened to the run: a divergence ends it; of the epochs where every gradient is 0, the
  // earliest any answer found (a continuation sees only its own epochs); a cost found oscillating.
  mergedStatus(run) {
    const next = { status: run.status, message: run.message, divergedAt: run.diverged_at, stuckAt: run.stuck_at };
    const now = this.status;
    if (!now || next.divergedAt != null || (now.status === "ok" && next.status === "oscillating")) return next;
    if (next.stuckAt != null && (now.stuckAt == null || next.stuckAt < now.stuckAt)) return next;
    return now;
  }

  // Every other kept θ goes (never the first or the last two) once they pass KEPT_NUMBERS.
  thin(params) {
    if (this.thetas.size * params <= KEPT_NUMBERS) return;
    const epochs = [...this.thetas.keys()].sort((a, b) => a - b);
    epochs.slice(1, -2).forEach((epoch, i) => i % 2 === 0 && this.thetas.delete(epoch));
  }

  historyOf(ids) {
    const epochs = [...this.thetas.keys()].sort((a, b) => a - b);
    return { epochs, params: Object.fromEntries(ids.map((id) => [id, epochs.map((e) => this.thetas.get(e)[id])])) };
  }

  // Detail for other samples from now on (a sample picked among many), starting with epoch `epoch`'s: the
  // details held, for the old samples, go once it has come (false, and nothing changed, if cancelled).
  async showSamples(samples, epoch, signal) {
    const from = this.startBefore(epoch);
    const body = { epochs: epoch, detail_epochs: [epoch], detail_samples: samples };
    if (from > 0) Object.assign(body, { from_epoch: from, params: this.thetas.get(from) });
    const run = await postJSON(appUrl("train"), { ...this.config, ...body, include_graph: false }, { signal });
    if (signal && signal.aborted) return false;
    this.details.clear();
    this.absorb(run);
    return true;
  }

  get available() {
    return this.costs.length;
  }

  // Whether the run stopped before `epochs`: it diverged, so later epochs do not exist.
  get ended() {
    return this.status.divergedAt !== null && this.status.divergedAt !== undefined;
  }

  // The latest epoch before `epoch` whose θ is known (0: the run's start, from the config).
  startBefore(epoch) {
    let best = 0;
    for (const known of this.thetas.keys()) {
      if (this.stateful && !this.states.has(known)) continue;
      if (known < epoch && known > best) best = known;
    }
    return best;
  }

  // Make sure the costs of `epochs` epochs are known and the full detail of epoch `detailed`, in at
  // most one request, which trains only from the latest known θ before both. It starts at least
  // one epoch before the last known one, so whatever it finds is news about later epochs only.
  async load(epochs, detailed, signal) {
    const wanted = this.ended ? this.available : Math.min(epochs, this.maxEpochs);
    const needDetail = detailed >= 1 && detailed <= Math.max(wanted, this.available) && !this.details.has(detailed);
    if (wanted <= this.available && !needDetail) return;
    const end = Math.max(wanted, needDetail ? detailed : 0);
    const from = this.startBefore(Math.min(needDetail ? detailed : end, this.available));
    const body = { epochs: end, detail_epochs: needDetail ? [detailed] : [] };
    // A step of a smaller batch shows its own samples; a whole-batch epoch the ones the page chose.
    if (!this.batched) body.detail_samples = this.samples;
    if (from > 0) Object.assign(body, { from_epoch: from, params: this.thetas.get(from) });
    if (from > 0 && this.stateful) body.optimizer_state = this.states.get(from);
    const run = await postJSON(appUrl("train"), { ...this.config, ...body, include_graph: false }, { signal });
    if (signal && signal.aborted) return;
    this.absorb(run);
  }
}
