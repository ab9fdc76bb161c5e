import { describe, expect, it } from 'vitest'
import { categoricalDrift, numericalDrift } from './drift-rows.js'

describe('drift rows decide as Evidently does', () => {
  it("Jensen-Shannon in natural log: the issue's example (1000/1000 vs 1250/750) is 0.0892, no drift", () => {
    const row = categoricalDrift('feature', 'channel', { web: 1000, app: 1000 }, { web: 1250, app: 750 })
    expect(row.method).toBe('jensenshannon')
    // Evidently 0.7: 0.08921321604725714 (scripts/reference/fixtures/evidently_js.json).
    expect(row.score).toBeCloseTo(0.08921321604725714, 12)
    expect(row.drift_detected).toBe(0)
  })
})

describe('a row without a verdict never says ok', () => {
  // 1500 values a side (normed Wasserstein decides), magnitude 1e150: squares beyond float64.
  const base = Array.from({ length: 1500 }, (_, i) => (i * 7919) % 1500)
  const side = (xs: number[]) => ({ counts: [xs.length], sample: xs })

  it('normed Wasserstein of features of magnitude 1e150 is the score at magnitude 1 (scipy W1 / exact std: 0.8654482458371028), with a verdict', () => {
    const row = numericalDrift('feature', 'x', side(base.map((k) => k * 1e150)), side(base.map((k) => k * 1.5e150)))
    expect(row).toMatchObject({ method: 'wasserstein', status: 'ok', drift_detected: 1 })
    expect(row.score).toBeCloseTo(0.8654482458371028, 12)
    expect(row.statistics['wasserstein']).toBe(row.score)
  })

  it('enough rows but a NaN deciding statistic: status not_computable and no verdict', () => {
    // Sizes from the window's counts with no sampled category on either side: nothing to compare.
    const row = categoricalDrift('feature', 'c', {}, {}, undefined, { reference: 2000, current: 2000 })
    expect(row.score).toBeNaN()
    expect(row).toMatchObject({ status: 'not_computable', drift_detected: null })
  })
})
