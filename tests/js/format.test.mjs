// format.js against the table of cases notation.py is tested against too (tests/test_notation.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { formatFactor, formatNumber } from "../../static/js/format.js";

const table = JSON.parse(readFileSync(new URL("../data/number_format.json", import.meta.url), "utf8"));

test("every number of the shared table is written as the table says", () => {
  for (const [value, full, compact] of table.numbers) {
    assert.equal(formatNumber(value), full, `${value}`);
    assert.equal(formatNumber(value, { compact: true }), compact, `${value}, compact`);
  }
});

test("a negative factor is put in parentheses", () => {
  for (const [value, text] of table.factors) assert.equal(formatFactor(value), text, `${value}`);
});

test("a number not known yet is a question mark", () => {
  assert.equal(formatNumber(null), "?");
  assert.equal(formatNumber(undefined), "?");
});
