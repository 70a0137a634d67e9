// Numbers as the page shows them, the twin of webapp/presentation/notation.py (both tested against
// tests/data/number_format.json): up to 10 significant digits (4 on the graph), halves rounded away
// from zero (toPrecision's rule), trailing zeros trimmed (0.692, not 0.6920000000000001); the true
// minus sign; a power of ten written as ×10⁻⁷ where a plain decimal would be too long.

export const DIGITS = 10;
export const COMPACT_DIGITS = 4;
// On the graph, below this size a plain decimal would spend its few characters on zeros.
const COMPACT_SMALLEST_PLAIN = 1e-3;

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

function trimZeros(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

function scientific(value, digits) {
  const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
  const power = String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPTS[c]);
  return `${trimZeros(mantissa)}×10${power}`;
}

// `compact` (the graph's small boxes) keeps 4 significant digits; the tables, equations and the
// full numbers on hover keep 10.
export function formatNumber(value, { compact = false } = {}) {
  if (value === null || value === undefined) return "?";
  if (value === 0) return "0";
  const digits = compact ? COMPACT_DIGITS : DIGITS;
  const text = value.toPrecision(digits);
  const plain = !text.includes("e") && !(compact && Math.abs(value) < COMPACT_SMALLEST_PLAIN);
  return (plain ? trimZeros(text) : scientific(value, digits)).replace(/^-/, "−");
}

// A factor of a product: negative numbers in parentheses, so "1 · (−0.8)" never reads as "1 · −0.8".
export function formatFactor(value, options) {
  const text = formatNumber(value, options);
  return text.startsWith("−") ? `(${text})` : text;
}
