// Downloads: the run as JSON (the API's own answer) and CSV, the shown epoch's tables as LaTeX (both
// made by the server), the graph as a standalone SVG file and the chart as PNG (made here).

import { aborted, postFile, superseding } from "./api.js";
import { appUrl } from "./urls.js";

// Properties an SVG file needs inline to look as it does on the page without the page's CSS.
const SVG_STYLES = [
  "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "stroke-linecap", "paint-order", "marker-end",
  "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "display",
];

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

function graphSvg() {
  const shown = [...document.querySelectorAll("svg.graph")].find((svg) => svg.getClientRects().length);
  const copy = shown.cloneNode(true);
  const sources = shown.querySelectorAll("*");
  copy.querySelectorAll("*").forEach((el, i) => {
    const style = getComputedStyle(sources[i]);
    el.setAttribute("style", SVG_STYLES.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
  });
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("style", `background:${getComputedStyle(document.body).backgroundColor}`);
  return new XMLSerializer().serializeToString(copy);
}

// `current()` gives the run's settings, how many epochs are known, and the epoch shown.
export function wireExports(section, current, plotlyReady) {
  if (!section) return;
  const status = section.querySelector("#export-status");
  const nextSignal = superseding(); // a second click cancels a file still being made
  const actions = {
    async json({ config, epochs }, signal) {
      save(await postFile(appUrl("train"), { ...config, epochs }, { signal }), "backprop-run.json");
    },
    async csv({ config, epochs }, signal) {
      save(await postFile(appUrl("export"), { ...config, epochs, format: "csv" }, { signal }), "backprop-run.csv");
    },
    async latex({ config, epochs, epoch }, signal) {
      save(await postFile(appUrl("export"), { ...config, epochs, epoch, format: "latex" }, { signal }), `backprop-epoch-${epoch}.tex`);
    },
    async svg() {
      save(new Blob([graphSvg()], { type: "image/svg+xml" }), "backprop-graph.svg");
    },
    async png() {
      const Plotly = await plotlyReady();
      await Plotly.downloadImage(document.getElementById("cost-chart"), { format: "png", filename: "backprop-cost", width: 900, height: 520 });
    },
  };
  section.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-export]");
    if (!button) return;
    status.textContent = "Preparing the file…";
    try {
      await actions[button.dataset.export](current(), nextSignal());
      status.textContent = "Downloaded.";
    } catch (error) {
      if (!aborted(error)) status.textContent = `The file could not be made: ${error.message}`;
    }
  });
}
