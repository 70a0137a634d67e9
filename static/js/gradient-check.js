// The gradient check: the shown epoch's gradients by backpropagation beside central differences,
// both computed by the server (POST /api/gradient-check), laid out in a table with the server's verdict.

import { formatNumber } from "./format.js";
import { aborted, postJSON, superseding } from "./api.js";
import { appUrl } from "./urls.js";

const compact = (value) => formatNumber(value, { compact: true });

// `current()` gives the run's settings, the epoch shown and whether its backward pass has been shown.
export function wireGradientCheck(section, current) {
  if (!section) return;
  const button = section.querySelector("#gradient-check-button");
  const status = section.querySelector("#gradient-check-status");
  const table = section.querySelector("#gradient-check-table");
  const nextSignal = superseding(); // a second click cancels the first check
  button.addEventListener("click", async () => {
    const { config, epoch, backwardShown } = current();
    status.textContent = `Checking epoch ${epoch}…`;
    try {
      const data = await postJSON(appUrl("gradientCheck"), { ...config, epoch }, { signal: nextSignal() });
      const rows = data.params.map((p) => {
        const row = document.createElement("tr");
        row.dataset.nodeId = p.id;
        // A tiny gradient's relative difference compares rounding noise: its absolute one is shown instead.
        const difference = p.relative_error === null ? `${compact(p.difference)} absolute` : `${compact(p.relative_error)} relative`;
        for (const text of [p.label, formatNumber(p.backprop), formatNumber(p.numeric), difference]) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.append(cell);
        }
        return row;
      });
      table.tBodies[0].replaceChildren(...rows);
      table.hidden = false;
      const ahead = backwardShown ? "" : ` Epoch ${data.epoch}'s backward pass has not been shown yet: these are the gradients Backward will give.`;
      status.textContent = data.message + ahead;
    } catch (error) {
      if (!aborted(error)) status.textContent = `The check could not run: ${error.message}`;
    }
  });
}
