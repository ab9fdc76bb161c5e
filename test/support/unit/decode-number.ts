/**
 * Test helper (not part of the library API): the reference fixtures encode infinities as the
 * strings "inf" / "-inf" (JSON has none) and missing values as null.
 */
import type { FeatureValue } from '../../../src/metrics/profile/values.js'

export function decodeNumber(v: number | string | null): FeatureValue {
  if (v === 'inf') return Number.POSITIVE_INFINITY
  if (v === '-inf') return Number.NEGATIVE_INFINITY
  return v
}
