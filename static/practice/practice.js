// The practice page: answers are checked by the server (never here), kept per exercise in
// localStorage when the browser allows it, and the score is reported to a parent page when framed.
// The drawing is the main page's (view.js); the worked equations are written by its equation builder.
//
// Messages to the parent, on every change of the score or the answers:
//   {type: "backprop-visualizer:score", score, right, answered, total, variant}   score from 0 to 1
//   {subject: "SPLICE.reportScoreAndState", score, state: {variant, answers}}      SPLICE's protocol

import { postJSON } from "../js/api.js";
import { expandGraph } from "../js/graph.js";
import { View } from "../js/view.js";
import { equationsFor, solutionText } from "./solutions.js";

const root = document.getElementById("practice");
const variant = Number(root.dataset.variant);
const total = Number(root.dataset.total);
const answerKey = root.hasAttribute("data-answer-key");
const data = JSON.parse(document.getElementById("practice-data").textContent);
// Answers are kept per network (or worksheet) and variant.
const storageKey = `backprop-visualizer:practice:${JSON.stringify(data.check)}:${variant}`;

// A sandboxed frame without allow-same-origin throws on any touch of localStorage: then the page
// simply forgets on reload (and the score still works for this visit).
function stored(use) {
  try {
    return use(window.localStorage);
  } catch {
    return null;
  }
}

const labels = Object.fromEntries(data.graph.nodes.map((node) => [node.id, node.label]));
new View(root, { graph: expandGraph(data.drawing), geometry: data.geometry, labels, params: data.graph.nodes.filter((n) => n.param).map((n) => n.id), chains: [], batchSize: data.total });
const svg = root.querySelector("svg.graph");
const narrow = matchMedia("(max-width: 1099px)");
const equations = equationsFor(data);
for (const el of root.querySelectorAll("[data-build]")) el.textContent = solutionText(equations, data, el.dataset);

const saved = answerKey ? null : stored((storage) => JSON.parse(storage.getItem(storageKey) || "{}"));
let answers = saved && typeof saved.answers === "object" && saved.answers ? saved.answers : {};
let summary = { right: 0, answered: 0, total, score: 0 };

function forms() {
  return [...root.querySelectorAll("form.problem")];
}

function readAnswer(form) {
  const text = form.querySelector('input[type="text"][name="answer"]');
  if (text) return text.value;
  const chosen = form.querySelector('input[type="radio"][name="answer"]:checked');
  return chosen ? chosen.value : "";
}

function writeAnswer(form, value) {
  const text = form.querySelector('input[type="text"][name="answer"]');
  if (text) {
    text.value = value;
    return;
  }
  for (const radio of form.querySelectorAll('input[type="radio"][name="answer"]')) radio.checked = radio.value === value;
}

const MARKS = { right: "✓ ", wrong: "✗ ", wrong_sign: "✗ ", more_digits: "≈ ", unreadable: "? " };

function showResult(form, result) {
  const feedback = form.querySelector(".feedback");
  form.dataset.status = result ? result.status : "";
  feedback.dataset.status = result ? result.status : "";
  feedback.textContent = result && result.message ? `${MARKS[result.status] || ""}${result.message}` : "";
}

function showScore() {
  document.getElementById("score-right").textContent = String(summary.right);
  document.getElementById("score-answered").textContent = String(summary.answered);
}

function reportToParent() {
  if (window.parent === window) return;
  const score = summary.right / total;
  const messages = [
    { type: "backprop-visualizer:score", score, right: summary.right, answered: summary.answered, total, variant },
    { subject: "SPLICE.reportScoreAndState", score, state: { variant, answers } },
  ];
  // The score is no secret, and the framing page's origin is not known in advance.
  for (const message of messages) window.parent.postMessage(message, "*");
}

async function checkAll() {
  let body;
  try {
    body = await postJSON(root.dataset.checkUrl, { ...data.check, variant, answers });
  } catch (error) {
    document.getElementById("score").textContent = `Could not check: ${error.message}`;
    return;
  }
  for (const form of forms()) showResult(form, body.results[form.dataset.problemId]);
  summary = body;
  showScore();
  stored((storage) => storage.setItem(storageKey, JSON.stringify({ answers })));
  reportToParent();
  root.dataset.checks = String(Number(root.dataset.checks || 0) + 1);
}

// A hint lights its nodes and edges on the drawing, by the ids the server listed for it.
function highlight(form, on) {
  for (const el of svg.querySelectorAll(".highlight")) el.classList.remove("highlight");
  for (const other of root.querySelectorAll(".hint-button[aria-expanded='true']")) {
    if (other.closest("form") !== form) {
      other.setAttribute("aria-expanded", "false");
      other.closest("form").querySelector(".hint-text").hidden = true;
    }
  }
  if (!on) return;
  // On a narrow screen the drawing comes to the hint, below it.
  if (narrow.matches) form.querySelector(".hint-text").after(svg.closest(".practice-graph"));
  const lit = new Set([...form.dataset.hintNodes.split(" "), ...form.dataset.hintEdges.split(" ")]);
  for (const el of svg.querySelectorAll("[data-node-id], [data-edge-id]")) {
    if (lit.has(el.dataset.nodeId || el.dataset.edgeId)) el.classList.add("highlight");
  }
}

for (const form of forms()) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (answerKey) return;
    const value = readAnswer(form).trim();
    if (value) answers[form.dataset.problemId] = value;
    else delete answers[form.dataset.problemId];
    if (!value) showResult(form, { status: "unanswered", message: "Write an answer first." });
    checkAll();
  });
  const hintButton = form.querySelector(".hint-button");
  hintButton.addEventListener("click", () => {
    const open = hintButton.getAttribute("aria-expanded") !== "true";
    hintButton.setAttribute("aria-expanded", String(open));
    form.querySelector(".hint-text").hidden = !open;
    highlight(form, open);
  });
}

document.getElementById("print-button").addEventListener("click", () => window.print());
const startOver = document.getElementById("start-over");
if (startOver) {
  startOver.addEventListener("click", () => {
    answers = {};
    stored((storage) => storage.removeItem(storageKey));
    for (const form of forms()) {
      writeAnswer(form, "");
      showResult(form, null);
    }
    checkAll();
  });
}

if (!answerKey) {
  for (const [problemId, value] of Object.entries(answers)) {
    const form = forms().find((f) => f.dataset.problemId === problemId);
    if (form) writeAnswer(form, value);
    else delete answers[problemId];
  }
  // The restored answers are checked again: feedback always comes from the server, never from storage.
  checkAll();
}
root.dataset.ready = "true";
