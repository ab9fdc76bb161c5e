import { describe, expect, it } from 'vitest'
import { createRng } from '../demo/random.js'
import { binCounts, referenceBinEdges } from '../metrics/drift/index.js'
import { computeWindowMetrics } from './compute.js'
import { numericalDrift } from './drift-rows.js'
import { emptyPartial, type LabelingContext, type Partial as WindowPartial } from './partial-state.js'

const rng = createRng(11)
// Ages 18..75, uniform, as the report fixture's age column (scripts/reference/report.py).
const ages = (n: number) => Array.from({ length: n }, () => 18 + Math.floor(rng.next() * 58))
const referenceAges = ages(5000)
const edges = referenceBinEdges(referenceAges)
const side = (values: number[]) => ({ counts: binCounts(edges, values).counts, sample: values.slice(0, 2000) })

describe('small windows: the method is chosen by both sizes, and no verdict below the minimum', () => {
  it("200-row windows drawn like the reference are flagged on age at the test's 5 % rate, not the distance's", () => {
    // Judged by the normed Wasserstein distance (the reference alone is large), 28 of these
    // 100 windows were flagged; the KS test's p-value accounts for the window's size.
    const rows = Array.from({ length: 100 }, () => numericalDrift('feature', 'age', side(referenceAges), side(ages(200))))
    expect(new Set(rows.map((r) => r.method))).toEqual(new Set(['ks']))
    expect(rows.filter((r) => r.drift_detected === 1).length).toBeLessThanOrEqual(8)
  })

  it('large windows still use the normed Wasserstein distance (Evidently)', () => {
    expect(numericalDrift('feature', 'age', side(referenceAges), side(ages(3000))).method).toBe('wasserstein')
  })

  it('fewer than 30 rows on a side: statistics but no verdict', () => {
    const row = numericalDrift('feature', 'age', side(referenceAges), side(ages(29).map((a) => a + 30)))
    expect(row).toMatchObject({ status: 'insufficient', drift_detected: null, method: 'ks' })
    expect(row.statistics['ks']).toBeGreaterThan(0.5)
  })
})

const ctx = (extra: Partial<LabelingContext> = {}): LabelingContext => ({ positiveClass: '1', protectedAttributes: [], minGroupSize: 30, ...extra })
/** Ten categorical features of 200 rows a side (chi2 decides); f0 differs a little (scipy chi2_contingency: p = 0.0293). */
function windowPair(): { ref: WindowPartial; cur: WindowPartial } {
  const ref = emptyPartial()
  const cur = emptyPartial()
  for (let f = 0; f < 10; f++) {
    ref.categorical[`f${f}`] = { a: 100, b: 60, c: 40 }
    cur.categorical[`f${f}`] = f === 0 ? { a: 74, b: 72, c: 54 } : { a: 100, b: 60, c: 40 }
  }
  ref.predictions = cur.predictions = 200
  return { ref, cur }
}
const sides = ({ ref, cur }: { ref: WindowPartial; cur: WindowPartial }) => [{ partial: ref, samples: new Map() }, { partial: cur, samples: new Map() }] as const

describe('one corrected p-value decides everywhere', () => {
  it('a feature significant only before the correction is not drifted in its row, as in the drift share', () => {
    const m = computeWindowMetrics(...sides(windowPair()), ctx())
    const f0 = m.drift.find((r) => r.column === 'f0')!
    expect(f0.method).toBe('chi2')
    expect(f0.p_value).toBeCloseTo(0.02928919879959821, 12)
    // Benjamini–Hochberg over 10 tests, f0 the smallest: 10·p.
    expect(f0.p_value_adjusted).toBeCloseTo(Math.min(1, 10 * f0.p_value!), 12)
    expect(f0.drift_detected).toBe(0)
    expect(m.dataset).toMatchObject({ drift_share: 0, n_drifted: 0 })
    for (const r of m.drift.filter((d) => d.target === 'feature')) expect(r.drift_detected === 1).toBe(m.dataset.drifted_features.includes(r.column))
  })

  it("correction: none decides on the raw p-value, in both the row and the share (Evidently's behaviour)", () => {
    const m = computeWindowMetrics(...sides(windowPair()), ctx({ correction: 'none' }))
    const f0 = m.drift.find((r) => r.column === 'f0')!
    expect(f0.p_value_adjusted).toBe(f0.p_value)
    expect(f0.drift_detected).toBe(1)
    expect(m.dataset).toMatchObject({ n_drifted: 1, drifted_features: ['f0'] })
  })

  it('features without enough rows are counted as insufficient, not as undrifted', () => {
    const { ref, cur } = windowPair()
    cur.categorical['f1'] = { a: 10, b: 5 }
    const m = computeWindowMetrics(...sides({ ref, cur }), ctx())
    expect(m.drift.find((r) => r.column === 'f1')).toMatchObject({ status: 'insufficient', drift_detected: null, p_value_adjusted: null })
    expect(m.dataset).toMatchObject({ n_features: 10, n_insufficient: 1, status: 'ok' })
  })
})

describe("the model's thresholds decide the stored verdicts (driftwatch.yaml, the report's syntax)", () => {
  it('a number sets the default method’s threshold; { method, threshold } both', () => {
    const m = computeWindowMetrics(...sides(windowPair()), ctx({ thresholds: { f0: 0.5, f1: { method: 'psi', threshold: 0.2 } } }))
    const f0 = m.drift.find((r) => r.column === 'f0')!
    expect(f0).toMatchObject({ method: 'chi2', threshold: 0.5, drift_detected: 1 })
    expect(m.drift.find((r) => r.column === 'f1')).toMatchObject({ method: 'psi', threshold: 0.2, drift_detected: 0, p_value: null })
  })

  it('a method that does not apply to the column gives no verdict, with a status that says why', () => {
    const m = computeWindowMetrics(...sides(windowPair()), ctx({ thresholds: { f0: { method: 'ks', threshold: 0.05 } } }))
    expect(m.drift.find((r) => r.column === 'f0')).toMatchObject({ status: 'method_not_applicable', drift_detected: null, method: 'chi2' })
  })
})
