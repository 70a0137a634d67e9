// The gradient check: the shown epoch's gradients by backpropagation beside central differences,
// both computed by the server (POST /api/gradient-check), laid out in a table.

import { formatNumber } from "./format.js";
import { aborted, postJSON, superseding } from "./api.js";
import { appUrl } from "./urls.js";

// `current()` gives the run's settings and the epoch shown when the button is pressed.
export function wireGradientCheck(section, current) {
  if (!section) return;
  const button = section.querySelector("#gradient-check-button");
  const status = section.querySelector("#gradient-check-status");
  const table = section.querySelector("#gradient-check-table");
  const nextSignal = superseding(); // a second click cancels the first check
  button.addEventListener("click", async () => {
    const { config, epoch } = current();
    status.textContent = `Checking epoch ${epoch}…`;
    try {
      const data = await postJSON(appUrl("gradientCheck"), { ...config, epoch }, { signal: nextSignal() });
      const rows = data.params.map((p) => {
        const row = document.createElement("tr");
        row.dataset.nodeId = p.id;
        for (const text of [p.label, formatNumber(p.backprop), formatNumber(p.numeric), formatNumber(p.relative_error, { compact: true })]) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.append(cell);
        }
        return row;
      });
      table.tBodies[0].replaceChildren(...rows);
      table.hidden = false;
      const worst = Math.max(...data.params.map((p) => p.relative_error ?? 0));
      status.textContent = `Epoch ${data.epoch}: the largest relative difference is ${formatNumber(worst, { compact: true })}.`;
    } catch (error) {
      if (!aborted(error)) status.textContent = `The check could not run: ${error.message}`;
    }
  });
}
