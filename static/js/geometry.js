// The edges of the graph's drawing, without a DOM: which edges join the boxes the server placed
// (webapp/presentation/layout.py), each one's path, where its label sits, and the weight it shows.

// Coordinates to 0.1 px: short, since a wide graph has a thousand paths.
const n = (v) => String(Math.round(v * 10) / 10);

// One edge from box centre s to box centre t, boxes [W, H]: a path, its label's [x, y, anchor], and
// whether the label is always in view. Wide: left to right, from the band above down into the node.
// Tall: top to bottom, from the band on the left across into the node.
export function edgeShape(orientation, s, t, fromBand, roomy, [W, H]) {
  if (orientation === "wide") {
    if (fromBand && Math.abs(s.x - t.x) < W) {
      const [x1, y1] = [s.x, s.y + H / 2];
      const x2 = Math.abs(s.x - t.x) < 1 ? s.x : t.x + (s.x - t.x) / 3;
      const y2 = t.y - H / 2;
      return { d: `M${n(x1)},${n(y1)} L${n(x2)},${n(y2)}`, label: [x1 + 8, y1 + 16, "start"], always: x1 === x2 };
    }
    let [x1, y1] = [s.x + W / 2, s.y];
    const [x2, y2] = [t.x - W / 2, t.y];
    if (fromBand) [x1, y1] = [s.x, s.y + H / 2]; // a target y above J, further right
    const bend = (x2 - x1) / 2;
    return {
      d: `M${n(x1)},${n(y1)} C${n(x1 + bend)},${n(y1)} ${n(x2 - bend)},${n(y2)} ${n(x2)},${n(y2)}`,
      // Above the boxes' top edge, so a label never sits on a box whatever its width.
      label: [(x1 + x2) / 2, Math.min(y1, y2) - H / 2 - 18, "middle"],
      always: y1 === y2 && roomy,
    };
  }
  if (fromBand) {
    const [x1, y1] = [s.x + W / 2, s.y];
    const [x2, y2] = [t.x - W / 2, t.y + (s.y - t.y) / 3];
    return {
      d: `M${n(x1)},${n(y1)} L${n(x2)},${n(y2)}`,
      // Above the band's box, ending at its edge: labels between stages sit further right.
      label: [x1, Math.min(s.y, t.y) - H / 2 - 18, "end"],
      always: Math.abs(y1 - y2) < 1 && roomy,
    };
  }
  const [x1, y1] = [s.x, s.y + H / 2];
  const [x2, y2] = [t.x, t.y - H / 2];
  const bend = (y2 - y1) / 2;
  return {
    d: `M${n(x1)},${n(y1)} C${n(x1)},${n(y1 + bend)} ${n(x2)},${n(y2 - bend)} ${n(x2)},${n(y2)}`,
    // Left of a straight edge, towards the band, where nothing else is drawn between two stages.
    label: [(x1 + x2) / 2 - 8, (y1 + y2) / 2 - 4, "end"],
    always: x1 === x2 && roomy,
  };
}

// A bias not drawn as a box (a layer wider than one neuron) comes in on a short edge of its own, into
// the top of its z left of the middle, where no other edge arrives; its name sits at the start, clear
// of the label of the edge out of z, which reaches over the box's right end.
function biasShape(t, [W, H]) {
  const [x, y] = [t.x - W / 4, t.y - H / 2];
  return { d: `M${n(x)},${n(y - 24)} L${n(x)},${n(y)}`, label: [x + 5, y - 13, "start"], always: false };
}

// Every edge drawn between two placed boxes of `drawing` ({nodes: {id: [x, y, in the band]}, roomy}),
// and every bias's edge, in `graph`'s order: a weight or a bias not drawn as a box rides on an edge
// (a weight on its value edge, its partner). `labelled`: a local derivative belongs on it (not on an
// edge from the data x or y). `bias`: a bias edge with no box at its start.
export function drawnEdges(graph, orientation, drawing, box) {
  const { kinds } = graph;
  const places = drawing.nodes;
  const at = (id) => ({ x: places[id][0], y: places[id][1] });
  // A local derivative belongs on an edge whose source gets a gradient: not a network's data x or y,
  // not a number in an expression.
  const flowsBack = new Set(graph.backward);
  return graph.edges
    .filter((edge) => edge.target in places && (edge.source in places || edge.kind === kinds.BIAS))
    .map((edge) => {
      if (!(edge.source in places)) return { edge, weight: edge.source, labelled: true, bias: true, ...biasShape(at(edge.target), box) };
      const carried = edge.kind === kinds.VALUE && edge.partner !== null ? graph.edge.get(edge.partner).source : null;
      const weight = edge.kind === kinds.WEIGHT ? edge.source : carried in places ? null : carried;
      const labelled = flowsBack.has(edge.source);
      const shape = edgeShape(orientation, at(edge.source), at(edge.target), Boolean(places[edge.source][2]), drawing.roomy, box);
      // Where several values flow into one node their edges cross between the stages: their labels
      // show on hover or focus only (the pin), never under a crossing edge.
      const dense = edge.kind === kinds.VALUE && graph.into.get(edge.target).filter((e) => e.kind === kinds.VALUE).length > 1;
      return { edge, weight, labelled, ...shape, always: labelled && shape.always && !dense };
    });
}
