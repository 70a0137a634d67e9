// Predict, then reveal: in this mode each Step first asks for the number the step will show (a
// value going forward, a gradient going back, a new weight at the update), checks the answer, and
// only then shows it. Right answers are counted. On from the address with `predict=1`.

// Right when the answer is the number rounded where the student stopped writing digits: within half
// a unit of its last digit, and with at least 2 significant digits unless it is exact (3, 0, 1).
export function closeEnough(text, truth) {
  const cleaned = text.trim().replace(/−/g, "-").replace(/,/g, ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return { readable: false, right: false };
  const answer = Number(cleaned);
  if (Math.abs(answer - truth) <= 1e-12 * Math.max(1, Math.abs(truth))) return { readable: true, right: true };
  const [mantissa, exponent = "0"] = cleaned.toLowerCase().split("e");
  const decimals = mantissa.includes(".") ? mantissa.split(".")[1].length : 0;
  const digits = mantissa.replace(/[-+.]/g, "").replace(/^0+/, "").length;
  const half = 0.5 * 10 ** (Number(exponent) - decimals);
  return { readable: true, right: digits >= 2 && Math.abs(answer - truth) <= half * (1 + 1e-9), digits };
}

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
    this.input.focus();
  }

  check() {
    if (!this.pending) return;
    const { readable, right, digits } = closeEnough(this.input.value, this.pending.truth);
    if (!readable) {
      this.feedback.textContent = "Write a number, e.g. 1.5 or −0.64.";
      return;
    }
    if (!this.pending.tried) {
      this.pending.tried = true;
      this.asked += 1;
      if (right) this.right += 1;
    }
    if (right) return this.reveal(true);
    this.feedback.textContent =
      digits < 2 ? "Give at least 2 significant digits." : "Not quite: try again, or press Show me.";
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
