// The store owns the data: the run from the API. A run is deterministic, so any epoch's detail
// can be fetched again on demand; every request takes the caller's AbortSignal, so an action
// that was cancelled never writes into the store.

import { appUrl } from "./urls.js";

export class RunStore {
  constructor(config, initialRun, maxEpochs) {
    this.config = config;
    this.maxEpochs = maxEpochs;
    this.details = new Map();
    this.absorb(initialRun);
  }

  absorb(run) {
    this.costs = run.epochs.map((e) => e.cost);
    for (const epoch of run.epochs) if (epoch.detail) this.details.set(epoch.epoch, epoch);
    this.history = run.history;
    this.status = { status: run.status, message: run.message, divergedAt: run.diverged_at, stuckAt: run.stuck_at };
    this.samples = run.detail_samples;
  }

  get available() {
    return this.costs.length;
  }

  // Whether the run stopped before `epochs`: it diverged, so later epochs do not exist.
  get ended() {
    return this.status.divergedAt !== null && this.status.divergedAt !== undefined;
  }

  async post(extra, signal) {
    const response = await fetch(appUrl("train"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...this.config, ...extra, include_graph: false }),
      signal,
    });
    const data = await response.json();
    if (!response.ok) {
      const first = data.errors && data.errors[0];
      throw new Error(first ? `${first.field}: ${first.message}` : data.error);
    }
    return data;
  }

  // Make sure the costs of `epochs` epochs are known (fetching ahead, so stepping on is instant) and
  // the full detail of epoch `detailed`, in one request when both are missing. Only that epoch is
  // detailed: the costs alone are a small fraction of the work and of the answer.
  async load(epochs, detailed, signal) {
    const wanted = Math.min(epochs, this.maxEpochs);
    if (wanted > this.available && !this.ended) {
      const target = Math.min(this.maxEpochs, Math.max(wanted, 2 * this.available));
      const detail = detailed <= target && !this.details.has(detailed) ? [detailed] : [];
      const run = await this.post({ epochs: target, detail_epochs: detail, detail_samples: this.samples }, signal);
      if (signal && signal.aborted) return;
      this.absorb(run);
    }
    if (detailed <= this.available) await this.detail(detailed, signal);
  }

  async detail(epoch, signal) {
    if (!this.details.has(epoch)) {
      const run = await this.post({ epochs: epoch, detail_epochs: [epoch], detail_samples: this.samples }, signal);
      if (signal && signal.aborted) return undefined;
      this.details.set(epoch, run.epochs[epoch - 1]);
    }
    return this.details.get(epoch);
  }
}
