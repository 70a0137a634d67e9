// The page's graph as objects with lookups. The server sends each node's and edge's fields as rows
// under one list of field names (page.py's `client_graph`: a wide network has thousands of edges),
// with `kinds`, the kind names webapp/engine/graph.py declares (Kind): scripts compare kinds by
// `graph.kinds.WEIGHT` and the like, never by a copy of the names, and walk edges by their fields
// (source, target, partner: the other edge of a product w·a), never by an id's parts or edge order.

const objects = (fields, rows) => rows.map((row) => Object.fromEntries(fields.map((field, i) => [field, row[i]])));

// Each derivative is named by the server's pattern `partial` (webapp/presentation/notation.py says
// why ∂): a node's gradient ∂J/∂z₁, an edge's local derivative ∂z₁/∂w₁. The edge into J is the loss's
// own derivative, and says so (its number equals ∂J/∂ŷ, but it does not come from it).
function localSymbol(partial, source, target, kind, kinds) {
  const symbol = partial(target.name, source.name);
  return kind === kinds.COST ? `${symbol} (from the loss)` : symbol;
}

export function expandGraph(data) {
  // Sent as places: a kind in `kinds` ([NAME, name] pairs), source and target in the nodes, partner in the edges.
  const kinds = data.kinds.map(([, name]) => name);
  const constants = Object.fromEntries(data.kinds);
  const partial = (top, bottom) => data.partial.replace("{top}", top).replace("{bottom}", bottom);
  const rows = objects(data.nodeFields, data.nodes);
  // Every gradient is the output's derivative: ∂J/∂z₁ in a network, ∂f/∂x in an expression.
  // A node's name in equations is its label, unless the server names it otherwise: an expression's
  // unnamed operation is drawn as its gate (+) and named by its own expression, (x + y).
  const named = rows.map((node, i) => ({ ...node, name: data.names?.[i] ?? node.label }));
  const cost = named[data.output].name;
  const nodes = named.map((node) => ({ ...node, kind: kinds[node.kind], param: Boolean(node.param), gradient: partial(cost, node.name) }));
  const sent = objects(data.edgeFields, data.edges);
  const edges = sent.map(({ source, target, partner, kind, ...edge }) => ({
    ...edge,
    kind: kinds[kind],
    source: nodes[source].id,
    target: nodes[target].id,
    partner: partner === null ? null : sent[partner].id,
    symbol: localSymbol(partial, nodes[source], nodes[target], kinds[kind], constants),
  }));
  const into = new Map(nodes.map((node) => [node.id, []]));
  const outOf = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    into.get(edge.target).push(edge);
    outOf.get(edge.source).push(edge);
  }
  const node = new Map(nodes.map((n) => [n.id, n]));
  const edge = new Map(edges.map((e) => [e.id, e]));
  // The nodes the forward pass computes, in order, and those whose gradient the backward pass computes.
  const [forward, backward] = [data.forward, data.backward].map((places) => places.map((i) => nodes[i].id));
  // The node backward starts from, the nodes known before any pass (of the kinds the server names, and
  // the parameters), whether an update phase follows.
  const output = nodes[data.output].id;
  const known = nodes.filter((n) => data.knownKinds.includes(n.kind) || n.param).map((n) => n.id);
  // By node id: `worked`, an operation as text over its in-edges' sources ({n0} + {f1}); `gates`, what
  // the node does with the gradient in words.
  const byId = (places) => new Map(Object.entries(places).map(([i, text]) => [nodes[Number(i)].id, text]));
  // activations and cost: a network's text templates for the forward table's arithmetic (equations.js).
  return {
    kinds: constants, nodes, edges, node, edge, into, outOf, forward, backward, output, known, updates: data.updates,
    worked: byId(data.worked), gates: byId(data.gates), activations: data.activations, cost: data.cost,
  };
}
