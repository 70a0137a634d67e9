// The address's epoch, step, sample and display flags (static/js/state.js), and the one action in progress.
import assert from "node:assert/strict";
import { test } from "node:test";

import { locationFor, PageState, readLocation } from "../../static/js/state.js";

const limits = { maxEpoch: 20, steps: 11, samples: 3 };

test("an address without these keys starts at the beginning", () => {
  assert.deepEqual(readLocation("?preset=xor", limits), {
    found: { epoch: 1, cursor: 0, row: 0, log: false, largeText: false },
    errors: [],
  });
});

test("each key in range is read", () => {
  const { found, errors } = readLocation("?epoch=20&step=11&sample=3&log=1&text=large", limits);
  assert.deepEqual(errors, []);
  assert.deepEqual(found, { epoch: 20, cursor: 11, row: 2, log: true, largeText: true });
});

for (const [query, field] of [
  ["epoch=abc", "epoch"],
  ["epoch=0", "epoch"],
  ["epoch=21", "epoch"],
  ["epoch=1.5", "epoch"],
  ["epoch=-1", "epoch"],
  ["epoch=1e3", "epoch"],
  ["step=12", "step"],
  ["step=99", "step"],
  ["sample=0", "sample"],
  ["sample=4", "sample"],
  ["epoch=9999999999", "epoch"],
]) {
  test(`${query} is dropped with a message naming ${field}`, () => {
    const { found, errors } = readLocation(`?${query}`, limits);
    assert.equal(errors.length, 1);
    assert.match(errors[0], new RegExp(`^${field} in the address`));
    assert.deepEqual(found, { epoch: 1, cursor: 0, row: 0, log: false, largeText: false });
  });
}

for (const [query, field] of [
  ["log=yes", "log"],
  ["log=0", "log"],
  ["text=huge", "text"],
]) {
  test(`${query} is dropped with a message naming ${field}`, () => {
    const { errors } = readLocation(`?${query}`, limits);
    assert.equal(errors.length, 1);
    assert.match(errors[0], new RegExp(`^${field} in the address must be`));
  });
}

test("a bad key is dropped and the good ones kept", () => {
  const { found, errors } = readLocation("?epoch=3&step=abc&sample=2", limits);
  assert.equal(errors.length, 1);
  assert.deepEqual(found, { epoch: 3, cursor: 0, row: 1, log: false, largeText: false });
});

test("the address of a state keeps the settings and reads back as that state", () => {
  const state = { epoch: 7, cursor: 5, row: 1, log: true, largeText: true };
  const search = locationFor("?preset=xor&epoch=2&step=3", state);
  const query = new URLSearchParams(search);
  assert.equal(query.get("preset"), "xor");
  assert.deepEqual(readLocation(search, limits), { found: state, errors: [] });
});

test("the first state's address leaves every key out", () => {
  const search = locationFor("?preset=xor&epoch=2", { epoch: 1, cursor: 0, row: 0, log: false, largeText: false });
  assert.equal(search, "?preset=xor");
});

test("a new action aborts the one before and hands back the step it was animating", () => {
  const state = new PageState();
  const first = state.begin();
  state.pending = { epoch: 1, cursor: 3, step: "z2" };
  const second = state.begin();
  assert.ok(first.signal.aborted);
  assert.ok(!second.signal.aborted);
  assert.deepEqual(second.pending, { epoch: 1, cursor: 3, step: "z2" });
  assert.equal(state.pending, null);
});

test("a step animated in another epoch is dropped, not landed", () => {
  const state = new PageState();
  state.begin();
  state.pending = { epoch: 1, cursor: 3, step: "z2" };
  state.epoch = 2;
  assert.equal(state.cancel(), null);
});
