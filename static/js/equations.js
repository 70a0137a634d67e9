// Every equation the page writes out with numbers, built from the graph and one epoch's numbers.
// Each is true with the numbers it shows: a weight's gradient over several samples is the sum of
// each sample's term, with each term's chain multiplied out. An equation that cannot be written in
// full (more samples than the detail holds) says so in words instead of showing a false sum.

import { formatFactor, formatNumber } from "./format.js";

// One sample's number: per-sample numbers are lists over the detail's samples, the rest one number.
function at(value, row) {
  return Array.isArray(value) ? value[row] : value;
}

export class Equations {
  // graph: as graph.js expands it; total: N, every sample.
  constructor(graph, total) {
    this.graph = graph;
    this.total = total;
    this.samples = [0];
  }

  setSamples(samples) {
    this.samples = samples;
  }

  label(id) {
    const node = this.graph.node.get(id);
    return node ? node.label : id;
  }

  isParam(id) {
    const node = this.graph.node.get(id);
    return Boolean(node && node.param);
  }

  // Whether the detail holds every sample, so a batch total can be written as its sum.
  allSamples() {
    return this.samples.length === this.total;
  }

  // A product of factors: "−0.8 · 1 · (−0.5)": negative factors after the first in parentheses.
  static product(factors) {
    return factors.map((v, i) => (i ? formatFactor(v) : formatNumber(v))).join(" · ");
  }

  // A batch total as the sum of each sample's term: "(a · b) + (c · d) = t₁ + t₂ = total".
  // `factorsOf(row)` gives one sample's factors; `terms` each sample's product, as the server computed it.
  batchSum(factorsOf, terms, total) {
    if (!this.allSamples()) return null;
    if (this.total === 1) return `${Equations.product(factorsOf(0))} = ${formatNumber(total)}`;
    const products = this.samples.map((_, row) => `(${Equations.product(factorsOf(row))})`).join(" + ");
    const sums = terms.map((t, i) => (i ? formatFactor(t) : formatNumber(t))).join(" + ");
    return `${products} = ${sums} = ${formatNumber(total)}`;
  }

  // dJ/dp along its one path to J (one-neuron-wide networks), multiplied out.
  chain(param, edges, epoch) {
    const factorsOf = (row) => edges.map((edge) => epoch.local[edge][row]);
    return this.batchSum(factorsOf, (epoch.terms || {})[param], epoch.grads[param]);
  }

  // Solution 4: dJ/dnode = Σ over its out-edges of dJ/dtarget · dtarget/dnode.
  accumulation(node, epoch, row) {
    const edges = this.graph.outOf.get(node) || [];
    if (this.isParam(node)) {
      const [edge] = edges;
      const factorsOf = (r) => [at(epoch.grads[edge.target], r), epoch.local[edge.id][r]];
      return this.batchSum(factorsOf, (epoch.terms || {})[node], epoch.grads[node]);
    }
    const sum = edges.map((e) => Equations.product([at(epoch.grads[e.target], row), epoch.local[e.id][row]]));
    return `${sum.join(" + ")} = ${formatNumber(at(epoch.grads[node], row))}`;
  }

  // Gradient descent for one parameter: "0.5 − 0.1 · (−1.92) = 0.692".
  update(param, epoch, learningRate) {
    const before = formatNumber(epoch.values[param]);
    return `${before} − ${formatNumber(learningRate)} · ${formatFactor(epoch.grads[param])} = ${formatNumber(epoch.after[param])}`;
  }

  // A weighted sum with its numbers substituted, for the selected sample: "0.5 · 3 + 0.1 = 1.6".
  // Only short sums are written out; a wide layer's would not fit a line.
  worked(node, epoch, row) {
    const { kinds, into, edge: edges } = this.graph;
    if (this.graph.node.get(node).kind !== kinds.SUM || into.get(node).length > 9) return null;
    const parts = [];
    for (const edge of into.get(node)) {
      if (edge.kind === kinds.WEIGHT) {
        const value = edges.get(edge.partner).source; // the value this weight multiplies
        parts.push(Equations.product([epoch.values[edge.source], at(epoch.values[value], row)]));
      } else if (edge.kind === kinds.BIAS) {
        parts.push(formatFactor(epoch.values[edge.source]));
      }
    }
    return `${parts.join(" + ")} = ${formatNumber(at(epoch.values[node], row))}`;
  }
}

// Whether every number an equation needs is in the epoch (a null marks one too large to show).
export function complete(text) {
  return text !== null && !text.includes("?");
}
