// The steps of a pass and what each cursor reveals (static/js/steps.js), on the worksheet's graph.
import assert from "node:assert/strict";
import { test } from "node:test";

import { buildSteps, phaseEnd, phaseEnds, phaseStart, revealedKeys } from "../../static/js/steps.js";

// x → z1 → h1 → z2 → J, with weights w1 (into z1) and w2 (into z2): written out by hand.
const forward = ["z1", "h1", "z2", "J"];
const backward = ["J", "z2", "w2", "h1", "z1", "w1"];
const outOf = new Map([
  ["J", []],
  ["z2", [{ id: "z2-J" }]],
  ["w2", [{ id: "w2-z2" }]],
  ["h1", [{ id: "h1-z2" }]],
  ["z1", [{ id: "z1-h1" }]],
  ["w1", [{ id: "w1-z1" }]],
]);
const steps = buildSteps(forward, backward);
const ends = phaseEnds(steps);

test("forward nodes, then backward nodes, then one update", () => {
  assert.equal(steps.length, 4 + 6 + 1);
  assert.deepEqual(steps[0], { phase: "forward", node: "z1" });
  assert.deepEqual(steps[4], { phase: "backward", node: "J" });
  assert.deepEqual(steps[10], { phase: "update", node: null });
  assert.deepEqual(ends, { forward: 4, backward: 10, update: 11 });
});

test("nothing but what is always known is revealed before the first step", () => {
  assert.deepEqual([...revealedKeys(steps, 0, outOf, ["values.x"])], ["values.x"]);
});

test("each forward step reveals its node's value, and only that", () => {
  const two = revealedKeys(steps, 2, outOf, []);
  assert.deepEqual([...two].sort(), ["values.h1", "values.z1"]);
});

test("a backward step reveals the node's gradient and the local derivatives on its out-edges", () => {
  const keys = revealedKeys(steps, 4 + 3, outOf, []);
  for (const key of ["grads.J", "grads.z2", "grads.w2", "local.z2-J", "local.w2-z2"]) assert.ok(keys.has(key), key);
  assert.ok(!keys.has("grads.h1") && !keys.has("local.h1-z2"));
  assert.ok(!keys.has("after"));
});

test("the update reveals the weights after it", () => {
  assert.ok(revealedKeys(steps, ends.update, outOf, []).has("after"));
  assert.ok(!revealedKeys(steps, ends.update - 1, outOf, []).has("after"));
});

test("Home goes to the start of the last done step's phase", () => {
  const expected = [0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 10];
  assert.deepEqual(expected.map((_, cursor) => phaseStart(ends, cursor)), expected);
});

test("End goes to the end of the next step's phase", () => {
  const expected = [4, 4, 4, 4, 10, 10, 10, 10, 10, 10, 11, 11];
  assert.deepEqual(expected.map((_, cursor) => phaseEnd(ends, cursor)), expected);
});
