// The chart's thinning (static/js/chart.js thinnedIndices): every point drawn is a real epoch, and the
// line keeps every peak and trough of every stretch of epochs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { thinnedIndices } from "../../static/js/chart.js";

// A cost that falls with noise, from a fixed seed (a small linear congruential generator).
function costs(count, seed = 7) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, (_, i) => 1 / (1 + i / 50) + 0.05 * random());
}

test("a short run is drawn whole", () => {
  assert.equal(thinnedIndices(costs(600)), null);
  assert.equal(thinnedIndices([]), null);
});

for (const count of [601, 1000, 10_000, 123_457]) {
  test(`${count} epochs: real, ordered epochs, at most two a stretch, the last one kept`, () => {
    const ys = costs(count);
    const kept = thinnedIndices(ys);
    assert.ok(kept.length <= 2 * 250 + 1, `${kept.length}`);
    assert.ok(kept.every((i) => Number.isInteger(i) && i >= 0 && i < count));
    assert.ok(kept.every((i, k) => k === 0 || i > kept[k - 1]), "strictly increasing");
    assert.equal(kept.at(-1), count - 1);
    assert.equal(kept[0], 0, "a falling cost is highest at the first epoch");
  });

  test(`${count} epochs: the lowest and highest cost of the run, and of every tenth of it, are drawn`, () => {
    const ys = costs(count);
    const drawn = new Set(thinnedIndices(ys).map((i) => ys[i]));
    for (let part = 0; part < 10; part++) {
      // A tenth of the run spans whole stretches (250 stretches), so its extremes are some stretch's.
      const slice = ys.slice(Math.floor((part * count) / 10), Math.floor(((part + 1) * count) / 10));
      assert.ok(drawn.has(Math.min(...slice)), `lowest of part ${part}`);
      assert.ok(drawn.has(Math.max(...slice)), `highest of part ${part}`);
    }
  });
}

test("a lone spike and a lone dip anywhere are drawn", () => {
  const ys = costs(5000).map((y) => y / 2 + 0.25);
  ys[1234] = 9;
  ys[4321] = -1;
  const kept = thinnedIndices(ys);
  assert.ok(kept.includes(1234) && kept.includes(4321));
});
