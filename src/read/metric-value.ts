/**
 * Stored metric values on their way to the API (pure). Stored metrics use ±∞ for a figure that
 * overflowed or divided by zero (docs/evaluation.md) and NaN for one that is not defined; JSON has
 * neither, so the API sends ±∞ as the strings "Infinity" / "-Infinity" and NaN as null.
 */
import { float64 } from '../store/float64.js'
import type { MetricValue } from './types.js'

/** A stored Float64 (quoted denormals allowed) as a number: ±Infinity kept, NaN and NULL null. */
export function storedNumber(x: unknown): number | null {
  const v = float64(x)
  return v === null || Number.isNaN(v) ? null : v
}

/** A stored Float64 (quoted denormals allowed) as the API sends it. */
export function metricValue(x: unknown): MetricValue {
  const v = storedNumber(x)
  if (v === Number.POSITIVE_INFINITY) return 'Infinity'
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity'
  return v
}
