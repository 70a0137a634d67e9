// Predict, then reveal: in this mode each Step first asks for the number the step will show (a
// value going forward, a gradient going back, a new weight at the update), checks the answer, and
// only then shows it. Right answers are counted. On from the address with `predict=1`. The server's
// one answer checker reads and judges each answer (docs/answers.md).

import { postJSON } from "./api.js";
import { appUrl } from "./urls.js";

export class Predictor {
  // form: the page's prediction form; onReveal(): go on to show the step asked about.
  constructor(form, onReveal) {
    this.form = form;
    this.onReveal = onReveal;
    this.input = form.querySelector("input");
    this.label = form.querySelector("label");
    this.feedback = form.querySelector(".predict-feedback");
    this.score = form.querySelector(".predict-score");
    this.answered = new Set(); // "epoch:cursor" of the steps already predicted (or shown)
    this.right = 0;
    this.asked = 0;
    this.pending = null;
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.check();
    });
    form.querySelector("[data-predict=show]").addEventListener("click", () => this.reveal(false));
    this.showScore();
  }

  allows(where) {
    return this.answered.has(where);
  }

  // Ask for `question` ({where, name, truth}) before its step is shown.
  ask(question) {
    if (!this.pending || this.pending.where !== question.where) {
      this.pending = { ...question, tried: false };
      this.input.value = "";
      this.feedback.textContent = "";
    }
    this.label.textContent = `Predict ${question.name} =`;
    this.form.classList.add("asking");
    // The page keeps the step asked about in view (the form is in the sticky bar beside it).
    this.input.focus({ preventScroll: true });
  }

  // Withdraw the question, unscored, unless it is about the step at `where`: the page has moved on
  // (Forward, Play, Train, Reset…) and may already show the number asked for.
  withdrawUnless(where) {
    if (!this.pending || this.pending.where === where) return;
    this.pending = null;
    this.feedback.textContent = "";
    this.form.classList.remove("asking");
  }

  // After a Reset every step is asked again.
  forget() {
    this.answered.clear();
  }

  async check() {
    const question = this.pending;
    if (!question) return;
    this.feedback.textContent = "Checking…";
    const verdict = await postJSON(appUrl("checkAnswer"), { answer: this.input.value, expected: question.truth }).catch(
      (error) => ({ status: "error", message: `The answer could not be checked: ${error.message}` }),
    );
    if (this.pending !== question) return;
    const right = verdict.status === "right";
    // A readable answer counts, once: the first one given to each question.
    if (["right", "more_digits", "wrong_sign", "wrong"].includes(verdict.status) && !question.tried) {
      question.tried = true;
      this.asked += 1;
      if (right) this.right += 1;
    }
    if (right) return this.reveal(true);
    this.feedback.textContent = verdict.message;
    this.showScore();
  }

  reveal(right) {
    if (!this.pending) return;
    if (!this.pending.tried) this.asked += 1;
    this.answered.add(this.pending.where);
    this.feedback.textContent = right ? "Right!" : "Here it is.";
    this.pending = null;
    this.form.classList.remove("asking");
    this.showScore();
    this.onReveal();
  }

  showScore() {
    this.score.textContent = `Predictions right: ${this.right} of ${this.asked}`;
  }
}
