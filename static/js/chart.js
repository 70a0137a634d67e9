// The Plotly chart of cost (and weights) per epoch. plotly.js is large, so it loads after the
// graph and the controls are ready and never holds them up; until then the chart just waits.

function themeColors() {
  const style = getComputedStyle(document.body);
  return {
    fg: style.getPropertyValue("--fg").trim(),
    grid: style.getPropertyValue("--grid").trim(),
    value: style.getPropertyValue("--value").trim(),
    active: style.getPropertyValue("--active").trim(),
  };
}

function themed(layout) {
  const { fg, grid } = themeColors();
  const axis = { gridcolor: grid, linecolor: grid, tickcolor: grid, color: fg };
  return {
    ...layout,
    font: { ...layout.font, color: fg },
    xaxis: { ...layout.xaxis, ...axis },
    xaxis2: { ...layout.xaxis2, ...axis },
    yaxis: { ...layout.yaxis, ...axis },
    yaxis2: { ...layout.yaxis2, ...axis },
    annotations: (layout.annotations || []).map((a) => ({ ...a, font: { ...(a.font || {}), color: fg } })),
  };
}

function loadPlotly(src) {
  return new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error("plotly.js did not load"));
    document.head.append(script);
  });
}

export class CostChart {
  constructor(container, figureElement, weightTrace, onPick) {
    this.container = container;
    this.figure = JSON.parse(figureElement.textContent);
    this.src = figureElement.dataset.plotlySrc;
    this.weightTrace = weightTrace;
    this.onPick = onPick;
    this.logScale = false;
    this.series = { costs: [], weights: {} };
    this.ready = null;
  }

  // Load plotly.js once the page has painted; later calls share the same promise.
  start() {
    if (!this.ready) {
      this.ready = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
        .then(() => loadPlotly(this.src))
        .then((Plotly) => this.draw(Plotly));
    }
    return this.ready;
  }

  traces() {
    const { colors, ...style } = this.weightTrace;
    const costStyle = this.figure.data[0];
    const color = themeColors().value;
    const cost = {
      ...costStyle,
      x: this.series.costs.map((_, i) => i + 1),
      y: this.series.costs,
      line: { ...costStyle.line, color },
      marker: { ...costStyle.marker, color },
    };
    const weights = Object.entries(this.series.weights).map(([name, points], i) => ({
      ...style,
      name,
      x: points.map((p) => p[0]),
      y: points.map((p) => p[1]),
      line: { ...style.line, color: colors[i % colors.length] },
      marker: { ...style.marker, color: colors[i % colors.length] },
    }));
    // Plotly draws NaN paths for an empty trace beside a filled one on the shared x axis.
    const filled = [cost, ...weights].filter((trace) => trace.x.length);
    return filled.length ? filled : [cost];
  }

  layout() {
    const layout = themed(this.figure.layout);
    const epochs = this.series.costs.length;
    // Epochs are whole numbers: few of them get a tick each, many get Plotly's own spacing.
    const ticks =
      epochs <= 12
        ? { dtick: 1, tick0: 0, range: [-0.4, Math.max(epochs, 1) + 0.4], autorange: false }
        : { dtick: undefined, autorange: true };
    layout.xaxis = { ...layout.xaxis, ...ticks };
    layout.xaxis2 = { ...layout.xaxis2, ...ticks };
    layout.yaxis = {
      ...layout.yaxis,
      type: this.logScale ? "log" : "linear",
      autorange: true,
      rangemode: this.logScale ? "normal" : "tozero",
    };
    const { active, fg } = themeColors();
    if (!epochs) {
      // An empty cost panel says how to fill it rather than look broken.
      layout.annotations = [
        ...layout.annotations,
        { text: "No cost yet: press Forward, Step or Train", xref: "paper", yref: "paper", x: 0.5,
          y: (layout.yaxis.domain[0] + layout.yaxis.domain[1]) / 2, showarrow: false, font: { size: 14, color: fg } },
      ];
    }
    // The marker lives on the cost panel's axis, which Plotly cannot place while that panel is empty.
    layout.shapes = this.shownEpoch && epochs
      ? [{ type: "line", xref: "x", yref: "paper", x0: this.shownEpoch, x1: this.shownEpoch, y0: 0, y1: 1,
           line: { color: active, width: 2, dash: "dot" } }]
      : [];
    return layout;
  }

  async draw(Plotly) {
    await Plotly.newPlot(this.container, this.traces(), this.layout(), {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
    // Only a drawn chart may be redrawn: a react() during newPlot leaves NaN paths behind.
    this.Plotly = Plotly;
    this.container.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && point.x >= 1) this.onPick(point.x);
    });
    this.container.classList.add("drawn");
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.refresh());
    return this.refresh(); // catch up with what changed while plotly.js loaded
  }

  // Show costs for epochs 1..costs.length, each weight's value per epoch, and mark the shown epoch.
  update(costs, weights, shownEpoch) {
    this.series = { costs, weights };
    this.shownEpoch = shownEpoch;
    return this.refresh();
  }

  setLogScale(on) {
    this.logScale = on;
    return this.refresh();
  }

  // Redraws run one after another, each with the newest data.
  refresh() {
    if (!this.Plotly) return Promise.resolve();
    this.queue = (this.queue || Promise.resolve()).then(() =>
      this.Plotly.react(this.container, this.traces(), this.layout()),
    );
    return this.queue;
  }
}
