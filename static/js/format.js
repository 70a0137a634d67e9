// Numbers as the page shows them: up to 10 significant digits, trailing zeros trimmed, so the
// worksheet's figures read exactly (0.692, not 0.6920000000000001).

function trimZeros(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

// `compact` (for the graph's small boxes) keeps 4 digits of a number too large or small for
// plain notation; no worksheet number needs that.
export function formatNumber(value, { compact = false } = {}) {
  if (value === null || value === undefined) return "?";
  if (value === 0) return "0";
  const text = value.toPrecision(10);
  if (text.includes("e")) {
    const [mantissa, exponent] = (compact ? value.toPrecision(4) : text).split("e");
    return `${trimZeros(mantissa)}e${exponent}`;
  }
  return trimZeros(text);
}

// Ids as words for narration: "yhat" reads as ŷ.
export function plainName(id) {
  return id.replace("yhat", "ŷ");
}
