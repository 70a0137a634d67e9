// The page's state: which epoch is shown, how far into it (the cursor over the steps), how far the
// student has got, the sample shown, and the one action in progress. Starting an action cancels
// the one before it (its animation stops, its requests are aborted, its results are dropped).

export class PageState {
  constructor() {
    this.epoch = 1;
    this.cursor = 0;
    this.reached = 0; // the last epoch whose cost the student has seen
    this.updated = 0; // the last epoch whose update the student has seen
    this.row = 0; // the shown sample's place in the detail's samples
    this.playing = false;
    this.controller = null;
  }

  // A fresh AbortSignal for a new action; the previous action's signal fires.
  begin() {
    this.cancel();
    this.controller = new AbortController();
    return this.controller.signal;
  }

  cancel() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }

  reset() {
    this.epoch = 1;
    this.cursor = 0;
    this.reached = 0;
    this.updated = 0;
  }
}
