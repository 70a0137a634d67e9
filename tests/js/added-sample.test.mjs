// A click on the input space adds a sample to the page's URL (static/js/added-sample.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { sampleUrl } from "../../static/js/added-sample.js";

const dataset = { name: "circles", n: 20, noise: 0, seed: 1, added: [{ x: [0.5, -0.25], y: [1] }] };

test("a data set's sample goes after those added before, inputs then target, and the shown epoch is dropped", () => {
  const url = new URL(sampleUrl("http://h/?preset=circles&n=20&epoch=7&step=3", { dataset }, [0.1, 0.2], 0));
  assert.equal(url.searchParams.get("add"), "0.5 -0.25 1, 0.1 0.2 0");
  assert.equal(url.searchParams.get("n"), "20");
  assert.equal(url.searchParams.has("epoch") || url.searchParams.has("step"), false);
});

test("typed samples get one more x and y", () => {
  const config = { dataset: null, x: [[0, 0], [1, 1]], y: [[0], [1]] };
  const url = new URL(sampleUrl("http://h/?preset=xor", config, [0.5, 0.25], 1));
  assert.equal(url.searchParams.get("x"), "0 0, 1 1, 0.5 0.25");
  assert.equal(url.searchParams.get("y"), "0, 1, 1");
  assert.equal(url.searchParams.get("preset"), "xor");
});
