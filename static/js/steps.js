// The animation as a list of steps: the forward nodes, the backward nodes, then the update (when the
// graph has one: an expression's ends with its backward pass).
// What the page shows is a pure function of (epoch, cursor): the steps before the cursor are done.

export function buildSteps(forwardOrder, backwardOrder, updates = true) {
  return [
    ...forwardOrder.map((node) => ({ phase: "forward", node })),
    ...backwardOrder.map((node) => ({ phase: "backward", node })),
    ...(updates ? [{ phase: "update", node: null }] : []),
  ];
}

export function phaseEnds(steps) {
  const forward = steps.filter((s) => s.phase === "forward").length;
  const backward = forward + steps.filter((s) => s.phase === "backward").length;
  return { forward, backward, update: steps.length };
}

// Keys ("values.z1", "grads.w1", "local.w1-z1", "after.w1") revealed once `cursor` steps are done.
// outOf: each node's out-edges (graph.js).
export function revealedKeys(steps, cursor, outOf, alwaysKnown) {
  const keys = new Set(alwaysKnown);
  for (const step of steps.slice(0, cursor)) {
    if (step.phase === "forward") keys.add(`values.${step.node}`);
    if (step.phase === "backward") {
      keys.add(`grads.${step.node}`);
      // dJ/dnode = Σ dJ/dtarget · dtarget/dnode: the local derivatives on the node's out-edges.
      for (const edge of outOf.get(step.node)) keys.add(`local.${edge.id}`);
    }
    if (step.phase === "update") keys.add("after");
  }
  return keys;
}

// Where Home goes: the start of the phase the last done step belongs to (the cursor stays at 0).
export function phaseStart(ends, cursor) {
  if (cursor <= ends.forward) return 0;
  if (cursor <= ends.backward) return ends.forward;
  return ends.backward;
}

// Where End goes: the end of the phase the next step belongs to (the cursor stays at the update).
export function phaseEnd(ends, cursor) {
  if (cursor < ends.forward) return ends.forward;
  if (cursor < ends.backward) return ends.backward;
  return ends.update;
}
