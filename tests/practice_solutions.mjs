// Writes the practice page's worked equations as the page does (static/practice/solutions.js, with
// the main page's equation builder), for tests/test_practice.py to check with tests/equations.py.
// stdin: [{data, steps: [{build, node, epoch}]}], the page's data and its steps; stdout: the texts.

import { readFileSync } from "node:fs";
import { equationsFor, solutionText } from "../static/practice/solutions.js";

const pages = JSON.parse(readFileSync(0, "utf8"));
const texts = pages.map(({ data, steps }) => {
  const equations = equationsFor(data);
  return steps.map((step) => solutionText(equations, data, step));
});
process.stdout.write(JSON.stringify(texts));
