// The page's state: which epoch is shown, how far into it (the cursor over the steps), how far the
// student has got, the sample shown, and the one action in progress. Starting an action cancels
// the one before it (its animation stops, its requests are aborted, its results are dropped); a
// step it was animating is landed rather than dropped, so every press moves exactly one node.

export class PageState {
  constructor() {
    this.epoch = 1;
    this.cursor = 0;
    this.reached = 0; // the last epoch whose cost the student has seen
    this.updated = 0; // the last epoch whose update the student has seen
    this.row = 0; // the shown sample's place in the detail's samples
    this.playing = false;
    this.controller = null;
    this.pending = null; // the step being animated: { epoch, cursor it lands at, step }
  }

  // A fresh AbortSignal for a new action; the previous action's signal fires. Returns the step the
  // previous action was animating, if any, for the caller to land at once.
  begin() {
    const pending = this.cancel();
    this.controller = new AbortController();
    return { signal: this.controller.signal, pending };
  }

  cancel() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    const pending = this.pending;
    this.pending = null;
    return pending && pending.epoch === this.epoch ? pending : null;
  }

  reset() {
    Object.assign(this, { epoch: 1, cursor: 0, reached: 0, updated: 0, pending: null });
  }
}

// What the address says about the page beyond its settings: the epoch and cursor shown, the sample,
// the chart's scale and the text size. Anything out of range is dropped with a message naming its field.
export const LOCATION_KEYS = ["epoch", "step", "sample", "log", "text"];

function wholeNumber(text, low, high) {
  if (!/^\s*\d{1,9}\s*$/.test(text)) return null;
  const number = Number(text);
  return number >= low && number <= high ? number : null;
}

export function readLocation(search, { maxEpoch, steps, samples }) {
  const query = new URLSearchParams(search);
  const found = { epoch: 1, cursor: 0, row: 0, log: false, largeText: false };
  const errors = [];
  const number = (field, low, high, key) => {
    const text = query.get(field);
    if (text === null) return;
    const value = wholeNumber(text, low, high);
    if (value === null) errors.push(`${field} in the address must be a whole number from ${low} to ${high}`);
    else found[key] = value;
  };
  number("epoch", 1, Math.max(maxEpoch, 1), "epoch");
  number("step", 0, steps, "cursor");
  number("sample", 1, Math.max(samples, 1), "sample");
  found.row = (found.sample || 1) - 1;
  delete found.sample;
  const flag = (field, on, key) => {
    const text = query.get(field);
    if (text === null) return;
    if (text === on || text === "") found[key] = text === on;
    else errors.push(`${field} in the address must be ${on} or left out`);
  };
  flag("log", "1", "log");
  flag("text", "large", "largeText");
  return { found, errors };
}

// The address for a shown state: the settings as they were, these keys as they are now.
export function locationFor(search, { epoch, cursor, row, log, largeText }) {
  const query = new URLSearchParams(search);
  for (const key of LOCATION_KEYS) query.delete(key);
  if (epoch !== 1) query.set("epoch", String(epoch));
  if (cursor !== 0) query.set("step", String(cursor));
  if (row !== 0) query.set("sample", String(row + 1));
  if (log) query.set("log", "1");
  if (largeText) query.set("text", "large");
  const text = query.toString();
  return text ? `?${text}` : location.pathname;
}
