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

  // A product of factors: "−0.8 · 1 · (−0.5)": negative factors in parentheses, after the first or
  // all of them when the product is a later term of a sum ("+ (−1.085576151) · 0").
  static product(factors, inSum = false) {
    return factors.map((v, i) => (i || inSum ? formatFactor(v) : formatNumber(v))).join(" · ");
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
    const factorsOf = (row) => edges.map((edge) => at(epoch.local[edge], row));
    return this.batchSum(factorsOf, (epoch.terms || {})[param], epoch.grads[param]);
  }

  // Solution 4: dJ/dnode = Σ over its out-edges of dJ/dtarget · dtarget/dnode.
  accumulation(node, epoch, row) {
    const edges = this.graph.outOf.get(node) || [];
    if (this.isParam(node)) {
      const [edge] = edges;
      const factorsOf = (r) => [at(epoch.grads[edge.target], r), at(epoch.local[edge.id], r)];
      return this.batchSum(factorsOf, (epoch.terms || {})[node], epoch.grads[node]);
    }
    const sum = edges.map((e, i) => Equations.product([at(epoch.grads[e.target], row), at(epoch.local[e.id], row)], i > 0));
    return `${sum.join(" + ")} = ${formatNumber(at(epoch.grads[node], row))}`;
  }

  // The optimizer the run's answer describes (its `optimizer`: equations, constants, state labels).
  setOptimizer(optimizer) {
    this.optimizer = optimizer;
  }

  // Whether the update is plain gradient descent, whose one equation the page names by its parameter.
  plain() {
    return !this.optimizer || this.optimizer.name === "sgd";
  }

  // Gradient descent for one parameter: "0.5 − 0.1 · (−1.92) = 0.692". Another optimizer: each of its
  // equations (the server's templates) with the step's numbers, named by what it gives:
  // "v₁ ≔ 0.9 · 0 + (−1.92) = −1.92; w₁ ≔ 0.5 − 0.1 · (−1.92) = 0.692".
  update(param, epoch, learningRate) {
    if (this.plain()) {
      const before = formatNumber(epoch.values[param]);
      return `${before} − ${formatNumber(learningRate)} · ${formatFactor(epoch.grads[param])} = ${formatNumber(epoch.after[param])}`;
    }
    const { equations, constants, symbols, subscripts } = this.optimizer;
    const state = epoch.state || { before: {}, after: {} };
    const t = epoch.step ?? epoch.epoch;
    const number = (name) => {
      if (name === "theta") return epoch.values[param];
      if (name === "g") return epoch.grads[param];
      if (name === "alpha") return learningRate;
      if (name.endsWith("^t")) return constants[name.slice(0, -2)] ** t;
      if (name.endsWith("'")) return (state.after[name.slice(0, -1)] || {})[param];
      if (name in constants) return constants[name];
      return (state.before[name] || {})[param];
    };
    return equations
      .map(({ gives, numbers, assigns }) => {
        let first = true;
        const filled = numbers.replace(/\{([^}]+)\}/g, (_, name) => {
          const text = first ? formatNumber(number(name)) : formatFactor(number(name));
          first = false;
          return text;
        });
        const result = gives === "theta" ? epoch.after[param] : (state.after[gives] || {})[param];
        const name = gives === "theta" ? this.label(param) : symbols[gives] + subscripts[param];
        return `${name} ${assigns ? "≔" : "="} ${filled} = ${formatNumber(result)}`;
      })
      .join("; ");
  }

  // The update named by its parameter: "w₁ ≔ 0.5 − 0.1 · (−1.92) = 0.692" (other optimizers name their own).
  namedUpdate(param, epoch, learningRate) {
    const update = this.update(param, epoch, learningRate);
    return this.plain() ? `${this.label(param)} ≔ ${update}` : update;
  }

  // A row of the forward table with its numbers substituted, for the selected sample: a weighted sum
  // "0.5 · 3 + 0.1 = 1.6", an activation "ReLU(1.5) = 1.5", the cost "(2 − 1.2)²/2 = 0.32". Only short
  // ones are written out: a wide layer's sum, or a cost over more terms than the detail holds, would not.
  worked(node, epoch, row) {
    const { kinds, into, edge: edges, activations, worked } = this.graph;
    const { kind, layer } = this.graph.node.get(node);
    const value = (id) => at(epoch.values[id], row);
    const result = ` = ${formatNumber(value(node))}`;
    // An operation the graph writes as text over its in-edges' sources: {n0} a number, {f1} a factor.
    if (worked?.has(node)) {
      const sources = into.get(node).map((edge) => value(edge.source));
      const fill = (_, how, i) => (how === "n" ? formatNumber : formatFactor)(sources[Number(i)]);
      return worked.get(node).replace(/\{([nf])(\d)\}/g, fill) + result;
    }
    if (kind === kinds.ACTIVATION) return activations[layer - 1].replace("{z}", formatNumber(value(into.get(node)[0].source))) + result;
    if (kind === kinds.COST) return this.cost(node, epoch, result);
    if (kind !== kinds.SUM || into.get(node).length > 9) return null;
    const terms = [];
    for (const edge of into.get(node)) {
      // A weight times the value it multiplies (its edge's partner's source), or a bias.
      if (edge.kind === kinds.WEIGHT) terms.push([epoch.values[edge.source], value(edges.get(edge.partner).source)]);
      else if (edge.kind === kinds.BIAS) terms.push([epoch.values[edge.source]]);
    }
    return terms.map((factors, i) => Equations.product(factors, i > 0)).join(" + ") + result;
  }

  // J as the sum of every sample's and output's share over divisor · N, when the detail holds them all.
  cost(node, epoch, result) {
    const { text, divisor } = this.graph.cost;
    const sources = this.graph.into.get(node).map((edge) => this.graph.node.get(edge.source));
    const targets = new Map(sources.filter((n) => n.kind === this.graph.kinds.TARGET).map((n) => [n.row, n.id]));
    const outputs = sources.filter((n) => n.kind !== this.graph.kinds.TARGET);
    if (!this.allSamples() || this.total * outputs.length > 9) return null;
    const shares = [];
    for (const row of this.samples.keys()) {
      for (const output of outputs) {
        const [yhat, y] = [at(epoch.values[output.id], row), at(epoch.values[targets.get(output.row)], row)];
        if (text.includes("ln(") && !(yhat > 0 && yhat < 1)) return null; // a logarithm of 0 is no number
        shares.push(text.replaceAll("{y}", formatFactor(y)).replaceAll("{yhat}", formatFactor(yhat)));
      }
    }
    const sum = shares.length > 1 ? `(${shares.join(" + ")})` : shares[0];
    const over = divisor * this.total;
    return `${over === 1 ? sum : `${sum}/${over}`}${result}`;
  }
}

// "both samples", "all 3 samples".
export function allSamples(count) {
  return count === 2 ? "both samples" : `all ${count} samples`;
}

// Whether every number an equation needs is in the epoch (a null marks one too large to show).
export function complete(text) {
  return text !== null && !text.includes("?");
}
