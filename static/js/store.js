// Runs from the API. A run is deterministic, so any epoch's detail can be fetched again on demand.

const MAX_EPOCHS = 10000;

export class RunStore {
  constructor(config, initialRun) {
    this.config = config;
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

  async post(extra) {
    const response = await fetch("/api/train", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...this.config, ...extra }),
    });
    const data = await response.json();
    if (!response.ok) {
      const first = data.errors && data.errors[0];
      throw new Error(first ? `${first.field}: ${first.message}` : data.error);
    }
    return data;
  }

  // Make sure the costs of `epochs` epochs are known (fetching ahead, so stepping on is instant).
  async ensure(epochs) {
    const wanted = Math.min(epochs, MAX_EPOCHS);
    if (wanted <= this.available || this.status.divergedAt) return;
    this.absorb(await this.post({ epochs: Math.min(MAX_EPOCHS, Math.max(wanted, 2 * this.available)) }));
  }

  async detail(epoch) {
    if (!this.details.has(epoch)) {
      const run = await this.post({ epochs: epoch, detail_epochs: [epoch], detail_samples: this.samples });
      this.details.set(epoch, run.epochs[epoch - 1]);
    }
    return this.details.get(epoch);
  }
}
