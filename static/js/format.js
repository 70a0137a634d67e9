// Numbers as the page shows them: up to 10 significant digits, trailing zeros trimmed, so the
// worksheet's figures read exactly (0.692, not 0.6920000000000001), with the true minus sign.

export const DIGITS = 10;
export const COMPACT_DIGITS = 4;

function trimZeros(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

// `compact` (for the graph's small boxes) keeps 4 digits of a number too large or small for
// plain notation; no worksheet number needs that.
export function formatNumber(value, { compact = false } = {}) {
  if (value === null || value === undefined) return "?";
  if (value === 0) return "0";
  const text = value.toPrecision(DIGITS);
  let out;
  if (text.includes("e")) {
    const [mantissa, exponent] = (compact ? value.toPrecision(COMPACT_DIGITS) : text).split("e");
    out = `${trimZeros(mantissa)}e${exponent}`;
  } else {
    out = trimZeros(text);
  }
  return out.replace(/^-/, "−").replace("e-", "e−");
}

// A factor of a product: negative numbers in parentheses, so "1 · (−0.8)" never reads as "1 · −0.8".
export function formatFactor(value, options) {
  const text = formatNumber(value, options);
  return text.startsWith("−") ? `(${text})` : text;
}
