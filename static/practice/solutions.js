// A worked solution's equation, written by the main page's equation builder (../js/equations.js)
// from the run's numbers: `build` is worked (a weighted sum), accumulation (a gradient, backward) or
// update, of `node`, in `epoch` 0 (the update's) or 1 (the forward pass after it). Pure: no DOM.

import { Equations, complete } from "../js/equations.js";
import { expandGraph } from "../js/graph.js";

export function equationsFor(data) {
  const equations = new Equations(expandGraph(data.drawing), data.total);
  equations.setSamples(data.samples);
  equations.setOptimizer(data.optimizer);
  return equations;
}

export function solutionText(equations, data, { build, node, epoch }) {
  const numbers = data.epochs[Number(epoch)];
  const text = build === "update" ? equations.update(node, numbers, data.learningRate) : equations[build](node, numbers, 0);
  return complete(text) ? text : "";
}
