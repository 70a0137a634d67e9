// The edges geometry.js draws, on the page's own graphs and boxes (tests/js/drawings.json, written by
// tests/test_layout.py from the server's layout), checked for what a reader needs: every edge joins
// its two boxes at their borders and crosses no other box, labels stay in the drawing and off the
// boxes, every weight shows (a box, or on its value edge), and the order of the edges does not matter.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { expandGraph } from "../../static/js/graph.js";
import { drawnEdges } from "../../static/js/geometry.js";

const drawings = JSON.parse(readFileSync(new URL("./drawings.json", import.meta.url), "utf8"));
const cases = Object.entries(drawings).flatMap(([name, data]) =>
  ["wide", "tall"].map((orientation) => ({ name: `${name} ${orientation}`, data, orientation })),
);

function draw({ data, orientation }, graphData = data.graph) {
  const drawing = data.geometry[orientation];
  const graph = expandGraph(graphData);
  const boxes = Object.entries(drawing.nodes).map(([id, [x, y]]) => ({ id, x, y, w: data.geometry.box[0], h: data.geometry.box[1] }));
  return { graph, drawing, boxes, edges: drawnEdges(graph, orientation, drawing, data.geometry.box) };
}

// Points along a path of M, L and C commands (absolute), t in steps of 1/steps.
function pointsOf(d, steps = 40) {
  const numbers = d.match(/-?\d+(\.\d+)?/g).map(Number);
  const commands = d.match(/[MLC]/g);
  let [x, y] = numbers.splice(0, 2);
  const points = [[x, y]];
  for (const command of commands.slice(1)) {
    const p = numbers.splice(0, command === "C" ? 6 : 2);
    for (let i = 1; i <= steps; i += 1) {
      const t = i / steps;
      const u = 1 - t;
      points.push(
        command === "L"
          ? [x + (p[0] - x) * t, y + (p[1] - y) * t]
          : [0, 1].map((k) => u ** 3 * [x, y][k] + 3 * u * u * t * p[k] + 3 * u * t * t * p[2 + k] + t ** 3 * p[4 + k]),
      );
    }
    [x, y] = p.slice(-2);
  }
  return points;
}

const inside = ([px, py], b, margin = 0) => Math.abs(px - b.x) < b.w / 2 - margin && Math.abs(py - b.y) < b.h / 2 - margin;
const onBorder = ([px, py], b) =>
  !inside([px, py], b, -0.11) === false &&
  (Math.abs(Math.abs(px - b.x) - b.w / 2) <= 0.11 || Math.abs(Math.abs(py - b.y) - b.h / 2) <= 0.11);

for (const c of cases) {
  test(`${c.name}: every edge between two boxes is drawn, from border to border, crossing no other box`, () => {
    const { graph, boxes, edges } = draw(c);
    const box = new Map(boxes.map((b) => [b.id, b]));
    const bias = (e) => e.kind === graph.kinds.BIAS && box.has(e.target);
    const expected = graph.edges.filter((e) => (box.has(e.source) && box.has(e.target)) || bias(e)).map((e) => e.id);
    assert.deepEqual(edges.map((e) => e.edge.id).sort(), expected.sort());
    for (const { edge, d } of edges) {
      const points = pointsOf(d);
      if (box.has(edge.source)) assert.ok(onBorder(points[0], box.get(edge.source)), `${edge.id} starts on ${edge.source}'s border`);
      assert.ok(onBorder(points.at(-1), box.get(edge.target)), `${edge.id} ends on ${edge.target}'s border`);
      for (const other of boxes) {
        if (other.id === edge.source || other.id === edge.target) continue;
        assert.ok(!points.some((p) => inside(p, other, 1)), `${edge.id} crosses ${other.id}`);
      }
    }
  });

  test(`${c.name}: labels always in view sit inside the drawing and off every box`, () => {
    const { drawing, boxes, edges } = draw(c);
    for (const { edge, label: [x, y], always, labelled } of edges) {
      if (!always) continue;
      assert.ok(labelled, `${edge.id}: only local derivatives are labelled`);
      assert.ok(x >= 0 && x <= drawing.width && y >= 0 && y <= drawing.height, `${edge.id}'s label is in the drawing`);
      for (const b of boxes) assert.ok(!inside([x, y], b), `${edge.id}'s label is on ${b.id}`);
    }
  });

  test(`${c.name}: no other edge passes through a label always in view`, () => {
    const { edges } = draw(c);
    for (const { edge, label: [x, y, anchor], always } of edges) {
      if (!always) continue;
      // The two lines of the label, about 80 px wide and 30 high, from the symbol's baseline.
      const left = anchor === "start" ? x : anchor === "end" ? x - 80 : x - 40;
      const within = ([px, py]) => px > left && px < left + 80 && py > y - 12 && py < y + 18;
      for (const other of edges) {
        if (other.edge.id !== edge.id) assert.ok(!pointsOf(other.d).some(within), `${other.edge.id} crosses ${edge.id}'s label`);
      }
    }
  });

  test(`${c.name}: every weight shows, as a box or on the one edge of the value it multiplies`, () => {
    const { graph, boxes, edges } = draw(c);
    const placed = new Set(boxes.map((b) => b.id));
    for (const weight of graph.nodes.filter((n) => n.kind === graph.kinds.WEIGHT)) {
      const carriers = edges.filter((e) => e.weight === weight.id);
      if (placed.has(weight.id)) {
        assert.deepEqual(carriers.map((e) => e.edge.source), [weight.id]);
        continue;
      }
      assert.equal(carriers.length, 1, weight.id);
      const [{ edge }] = carriers;
      assert.equal(edge.kind, graph.kinds.VALUE);
      // The value's edge feeds the node the weight feeds, from the neuron its column names.
      const [feeds] = graph.outOf.get(weight.id);
      assert.equal(edge.target, feeds.target);
    }
  });

  test(`${c.name}: every bias shows, as a box or on an edge of its own into its z`, () => {
    const { graph, boxes, edges } = draw(c);
    const placed = new Set(boxes.map((b) => b.id));
    for (const bias of graph.nodes.filter((n) => n.kind === graph.kinds.BIAS)) {
      const carriers = edges.filter((e) => e.edge.source === bias.id);
      assert.equal(carriers.length, 1, bias.id);
      assert.equal(carriers[0].edge.target, graph.outOf.get(bias.id)[0].target);
      assert.equal(carriers[0].bias, !placed.has(bias.id) || undefined, bias.id);
    }
  });

  test(`${c.name}: the drawing does not depend on the order of the edges`, () => {
    const original = c.data.graph;
    const order = original.edges.map((_, i) => i).sort((a, b) => ((a * 7919) % 97) - ((b * 7919) % 97) || a - b);
    const place = new Map(order.map((old, i) => [old, i]));
    const partner = original.edgeFields.indexOf("partner");
    const edges = order.map((old) => original.edges[old].map((v, i) => (i === partner && v !== null ? place.get(v) : v)));
    const shuffled = draw(c, { ...original, edges });
    const byId = (list) => new Map(list.map(({ edge, ...rest }) => [edge.id, { ...rest, partner: edge.partner }]));
    assert.deepEqual(byId(shuffled.edges), byId(draw(c).edges));
  });
}
