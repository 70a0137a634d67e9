// The practice page: answers are checked by the server (never here), kept per variant in
// localStorage when the browser allows it, and the score is reported to a parent page when framed.
//
// Messages to the parent, on every change of the score or the answers:
//   {type: "backprop-visualizer:score", score, right, answered, total, variant}   score from 0 to 1
//   {subject: "SPLICE.reportScoreAndState", score, state: {variant, answers}}      SPLICE's protocol
//
// A classic script, not a module: a sandboxed frame has an opaque origin, and modules are fetched
// with CORS, which the static files do not offer.

(() => {
  "use strict";

  const root = document.getElementById("practice");
  const variant = Number(root.dataset.variant);
  const total = Number(root.dataset.total);
  const answerKey = root.hasAttribute("data-answer-key");
  const storageKey = `backprop-visualizer:practice:${variant}`;

  // A sandboxed frame without allow-same-origin throws on any touch of localStorage: then the page
  // simply forgets on reload.
  const storage = {
    read() {
      try {
        const saved = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
        return saved && typeof saved.answers === "object" && saved.answers ? saved.answers : {};
      } catch {
        return {};
      }
    },
    write(answers) {
      try {
        window.localStorage.setItem(storageKey, JSON.stringify({ answers }));
      } catch {
        /* storage refused: the score still works for this visit */
      }
    },
    clear() {
      try {
        window.localStorage.removeItem(storageKey);
      } catch {
        /* nothing stored */
      }
    },
  };

  let answers = answerKey ? {} : storage.read();
  let summary = { right: 0, answered: 0, total, score: 0 };

  function forms() {
    return [...root.querySelectorAll("form.problem")];
  }

  function formOf(problemId) {
    return forms().find((form) => form.dataset.problemId === problemId);
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
    const response = await fetch(root.dataset.checkUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ variant, answers }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const first = (body.errors || [])[0];
      document.getElementById("score").textContent = first
        ? `Could not check: ${first.field}: ${first.message}`
        : `Could not check (HTTP ${response.status}).`;
      return;
    }
    const body = await response.json();
    for (const form of forms()) showResult(form, body.results[form.dataset.problemId]);
    summary = body;
    showScore();
    storage.write(answers);
    reportToParent();
    root.dataset.checks = String(Number(root.dataset.checks || 0) + 1);
  }

  function highlight(form, on) {
    const section = form.closest(".problem-section");
    const svg = section.querySelector("svg.chain");
    for (const el of svg.querySelectorAll(".is-hinted")) el.classList.remove("is-hinted");
    for (const other of section.querySelectorAll(".hint-button[aria-expanded='true']")) {
      if (other.closest("form") !== form) {
        other.setAttribute("aria-expanded", "false");
        other.closest("form").querySelector(".hint-text").hidden = true;
      }
    }
    if (!on) return;
    const ids = new Set(form.dataset.hintNodes.split(" "));
    for (const node of svg.querySelectorAll("[data-node-id]")) {
      if (ids.has(node.dataset.nodeId)) node.classList.add("is-hinted");
    }
    for (const edge of svg.querySelectorAll("[data-edge-id]")) {
      const [source, target] = edge.dataset.edgeId.split("-");
      if (ids.has(source) && ids.has(target)) edge.classList.add("is-hinted");
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
      storage.clear();
      for (const form of forms()) {
        writeAnswer(form, "");
        showResult(form, null);
      }
      checkAll();
    });
  }

  if (!answerKey) {
    for (const [problemId, value] of Object.entries(answers)) {
      const form = formOf(problemId);
      if (form) writeAnswer(form, value);
      else delete answers[problemId];
    }
    // The restored answers are checked again: feedback always comes from the server, never from storage.
    checkAll();
  }
  root.dataset.ready = "true";
})();
