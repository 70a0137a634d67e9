// Mini-batches on the page: an epoch of several steps (the API's `steps`) is shown one step at a time.
// A step is shaped like a one-step epoch (values, gradients, update) with its own samples, so every
// other module reads it as it reads an epoch.

// The step of `epoch` at `index` (clamped), as the epoch the page shows; an epoch of one step as it is.
export function shownStep(epoch, index) {
  if (!epoch || !epoch.steps) return epoch;
  const step = epoch.steps[Math.max(0, Math.min(index, epoch.steps.length - 1))];
  return { ...step, epoch: epoch.epoch, epochCost: epoch.cost, stepCount: epoch.steps.length, stepIndex: epoch.steps.indexOf(step) };
}

// "Step 4 (2 of 3 in epoch 2): samples 2 and 5": samples counted from 1, as the sample picker does.
export function stepTitle(step) {
  const samples = step.samples.map((s) => s + 1);
  const listed = samples.length === 1 ? `sample ${samples[0]}` : `samples ${samples.slice(0, -1).join(", ")} and ${samples.at(-1)}`;
  return `Step ${step.step} (${step.stepIndex + 1} of ${step.stepCount} in epoch ${step.epoch}): ${listed}`;
}
