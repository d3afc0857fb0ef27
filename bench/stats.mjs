// Small order statistics on arrays of numbers (nearest-rank percentiles, no interpolation).

/**
 * @param {readonly number[]} values
 * @returns {number[]} a sorted copy
 */
export function sorted(values) {
  return Array.from(Float64Array.from(values).sort()); // typed-array sort is numeric
}

/**
 * Nearest-rank percentile of an already sorted array.
 * @param {readonly number[]} sortedValues
 * @param {number} p  0..100
 */
export function percentile(sortedValues, p) {
  if (sortedValues.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedValues.length);
  return sortedValues[Math.min(sortedValues.length - 1, Math.max(0, rank - 1))];
}

/** @param {readonly number[]} values */
export function median(values) {
  return percentile(sorted(values), 50);
}

/**
 * @param {readonly number[]} values
 * @returns {{count: number, p50: number, p90: number, p99: number, max: number}}
 */
export function latencySummary(values) {
  const s = sorted(values);
  return { count: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : Number.NaN };
}
