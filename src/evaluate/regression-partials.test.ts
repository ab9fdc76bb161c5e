/**
 * regressionSums, the JS definition of the regression partial's SQL sums (./regression-partials.ts):
 * Σ(y − ȳ)² by the corrected two-pass algorithm, exact to rounding at a large target offset where
 * a one-pass Welford update is off by 1e-4. The SQL itself is tested on chDB in
 * test/regression-offset-precision.test.ts, on the same pairs and expected values.
 */
import { describe, expect, it } from 'vitest'
import { regressionAccumulator } from '../metrics/performance/index.js'
import { regressionStateFromSums, regressionSums } from './regression-partials.js'

/** 300 pairs around `offset` (test/regression-offset-precision.test.ts offsetPairs). */
function offsetPairs(offset: number) {
  let state = 12345
  const uniform = () => (state = (state * 48271) % 2147483647) / 2147483647
  const normal = () => (uniform() + uniform() + uniform() + uniform() - 2) * Math.sqrt(3)
  return Array.from({ length: 300 }, () => {
    const yTrue = offset + normal()
    return { yTrue, yPred: yTrue + normal() / 2 }
  })
}

// Exact rational arithmetic (Python fractions.Fraction) on the same float64 pairs, rounded once;
// scikit-learn 1.9.1's r2_score gives 0.7317853864348254 at 1e13.
const EXACT = {
  1e9: { ssTot: 288.7423537733979, r2: 0.7318553507433818 },
  1e13: { ssTot: 288.74551975250245, r2: 0.7317844670138401 },
} as const

describe('regressionSums at large target offsets', () => {
  it('Σ(y − ȳ)² and R² equal the exact values to 1e-12 at offsets 1e9 and 1e13', () => {
    for (const offset of [1e9, 1e13] as const) {
      const sums = regressionSums(offsetPairs(offset))
      expect(Math.abs(sums.m2_y / EXACT[offset].ssTot - 1), `offset ${offset}`).toBeLessThan(1e-12)
      const r2 = regressionAccumulator().result(regressionStateFromSums(sums)).r2.score
      expect(Math.abs(r2 - EXACT[offset].r2), `offset ${offset}`).toBeLessThan(1e-12)
    }
  })

  it('leaves out non-finite pairs, gives 0 for one pair and for none', () => {
    const ps = [{ yTrue: 1e13 + 1, yPred: 0 }, { yTrue: Number.NaN, yPred: 1 }, { yTrue: 1e13 + 3, yPred: Infinity }, { yTrue: 1e13 + 2, yPred: 1 }]
    expect(regressionSums(ps)).toMatchObject({ n: 2, labeled: 4, m2_y: 0.5, min_y: 1e13 + 1, max_y: 1e13 + 2 })
    expect(regressionSums(ps.slice(0, 1)).m2_y).toBe(0)
    expect(regressionSums([])).toMatchObject({ n: 0, m2_y: 0 })
  })
})
