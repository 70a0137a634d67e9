// The equations the page writes out (static/js/equations.js), on the worksheet's network as the server
// sends it (tests/js/drawings.json, "1-1-1", written by tests/test_layout.py) and the worksheet's own
// numbers (the ones tests/worksheet.py holds for the Python tests, typed in from the worksheet): each is
// the worksheet's working, and an equation that cannot be written in full is not written at all.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { expandGraph } from "../../static/js/graph.js";
import { Equations, allSamples, complete } from "../../static/js/equations.js";

const drawings = JSON.parse(readFileSync(new URL("./drawings.json", import.meta.url), "utf8"));
const graph = expandGraph(drawings["1-1-1"].graph);

// The worksheet's epoch 1: x = 3, y = 2, w1 = 0.5, w2 = 0.8, α = 0.1. Numbers of a sample are lists
// over the samples, as the API sends them; parameters are one number.
const epoch1 = {
  values: { x: [3], y: [2], w1: 0.5, w2: 0.8, z1: [1.5], a1: [1.5], z2: [1.2], yhat: [1.2], J: 0.32 },
  grads: { J: 1, yhat: [-0.8], z2: [-0.8], a1: [-0.64], z1: [-0.64], w2: -1.2, w1: -1.92 },
  local: { "yhat-J": [-0.8], "z2-yhat": [1], "a1-z2": [0.8], "w2-z2": [1.5], "z1-a1": [1], "w1-z1": [3] },
  after: { w1: 0.692, w2: 0.92 },
};

test("forward: each row of the worksheet's forward table, with its numbers", () => {
  const equations = new Equations(graph, 1);
  assert.equal(equations.worked("z1", epoch1, 0), "0.5 · 3 = 1.5");
  assert.equal(equations.worked("a1", epoch1, 0), "ReLU(1.5) = 1.5");
  assert.equal(equations.worked("z2", epoch1, 0), "0.8 · 1.5 = 1.2");
  assert.equal(equations.worked("yhat", epoch1, 0), "ReLU(1.2) = 1.2");
  assert.equal(equations.worked("J", epoch1, 0), "(2 − 1.2)²/2 = 0.32");
  // Inputs and targets are given, not worked.
  assert.equal(equations.worked("x", epoch1, 0), null);
});

test("backward: each gradient as the worksheet's chain rule, negatives in parentheses after the first factor", () => {
  const equations = new Equations(graph, 1);
  assert.equal(equations.accumulation("yhat", epoch1, 0), "1 · (−0.8) = −0.8");
  assert.equal(equations.accumulation("z2", epoch1, 0), "−0.8 · 1 = −0.8");
  assert.equal(equations.accumulation("a1", epoch1, 0), "−0.8 · 0.8 = −0.64");
  assert.equal(equations.accumulation("z1", epoch1, 0), "−0.64 · 1 = −0.64");
  assert.equal(equations.accumulation("w2", epoch1, 0), "−0.8 · 1.5 = −1.2");
  assert.equal(equations.accumulation("w1", epoch1, 0), "−0.64 · 3 = −1.92");
  assert.equal(equations.chain("w1", ["yhat-J", "z2-yhat", "a1-z2", "z1-a1", "w1-z1"], epoch1), "−0.8 · 1 · 0.8 · 1 · 3 = −1.92");
});

test("the update: gradient descent with the worksheet's α, the negative gradient in parentheses", () => {
  const equations = new Equations(graph, 1);
  assert.equal(equations.update("w1", epoch1, 0.1), "0.5 − 0.1 · (−1.92) = 0.692");
  assert.equal(equations.update("w2", epoch1, 0.1), "0.8 − 0.1 · (−1.2) = 0.92");
});

// Two samples, x = 3 and x = 1 (y = 2 both), at w1 = 0.5, w2 = 0.8: worked by hand below.
// Sample 2: z1 = a1 = 0.5, z2 = ŷ = 0.4; J = ((2 − 1.2)² + (2 − 0.4)²)/4 = (0.64 + 2.56)/4 = 0.8.
// dJ/dŷ = (ŷ − y)/N: −0.4 and −0.8; dJ/dz1 = dJ/dŷ · w2: −0.32 and −0.64; dJ/dw1 = Σ dJ/dz1 · x = −0.96 − 0.64 = −1.6.
const twoSamples = {
  values: { x: [3, 1], y: [2, 2], w1: 0.5, w2: 0.8, z1: [1.5, 0.5], a1: [1.5, 0.5], z2: [1.2, 0.4], yhat: [1.2, 0.4], J: 0.8 },
  grads: { yhat: [-0.4, -0.8], z2: [-0.4, -0.8], a1: [-0.32, -0.64], z1: [-0.32, -0.64], w1: -1.6 },
  local: { "w1-z1": [3, 1], "z1-a1": [1, 1], "a1-z2": [0.8, 0.8] },
  terms: { w1: [-0.96, -0.64] },
};

test("a batch: a weight's gradient is the sum of each sample's term, and J the sum of each sample's share", () => {
  const equations = new Equations(graph, 2);
  equations.setSamples([0, 1]);
  assert.equal(equations.accumulation("w1", twoSamples, 0), "(−0.32 · 3) + (−0.64 · 1) = −0.96 + (−0.64) = −1.6");
  assert.equal(equations.worked("J", twoSamples, 1), "((2 − 1.2)² + (2 − 0.4)²)/4 = 0.8");
  // A sample's own numbers are its row's.
  assert.equal(equations.worked("z1", twoSamples, 1), "0.5 · 1 = 0.5");
  assert.equal(equations.accumulation("a1", twoSamples, 1), "−0.8 · 0.8 = −0.64");
  assert.equal(allSamples(2), "both samples");
  assert.equal(allSamples(3), "all 3 samples");
});

test("a sum over samples the detail does not hold is not written (no false sum)", () => {
  const equations = new Equations(graph, 2);
  equations.setSamples([0]); // the detail holds one of the two samples
  assert.equal(equations.accumulation("w1", twoSamples, 0), null);
  assert.equal(equations.worked("J", twoSamples, 0), null);
  // A sample's own equations still are.
  assert.equal(equations.worked("z1", twoSamples, 0), "0.5 · 3 = 1.5");
});

test("an equation missing a number says so", () => {
  assert.equal(complete(null), false);
  assert.equal(complete("0.5 · ? = 1.5"), false);
  assert.equal(complete("0.5 · 3 = 1.5"), true);
});
