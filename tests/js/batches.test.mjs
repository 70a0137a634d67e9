import assert from "node:assert/strict";
import { test } from "node:test";

import { shownStep, stepTitle } from "../../static/js/batches.js";

const epoch = {
  epoch: 2,
  cost: 0.5,
  detail: true,
  steps: [
    { step: 4, samples: [1, 4], detail_samples: [1, 4], after: { w1: 1 } },
    { step: 5, samples: [0, 2], detail_samples: [0, 2], after: { w1: 2 } },
    { step: 6, samples: [3], detail_samples: [3], after: { w1: 3 } },
  ],
};

test("an epoch of one step is shown as it is", () => {
  const whole = { epoch: 1, cost: 1, after: {} };
  assert.equal(shownStep(whole, 3), whole);
});

test("a step is shown as an epoch, with its place in the epoch", () => {
  const step = shownStep(epoch, 1);
  assert.equal(step.step, 5);
  assert.equal(step.epoch, 2);
  assert.equal(step.epochCost, 0.5);
  assert.deepEqual([step.stepIndex, step.stepCount], [1, 3]);
  assert.equal(shownStep(epoch, 9).step, 6, "past the last step: the last");
});

test("a step's title counts samples from 1", () => {
  assert.equal(stepTitle(shownStep(epoch, 0)), "Step 4 (1 of 3 in epoch 2): samples 2 and 5");
  assert.equal(stepTitle(shownStep(epoch, 2)), "Step 6 (3 of 3 in epoch 2): sample 4");
});
