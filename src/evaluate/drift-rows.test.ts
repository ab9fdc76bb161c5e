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

describe('the normed Wasserstein verdict does not depend on the unit', () => {
  // 1500 values a side: a rate with std ≈ 4.3e-5 (below 0.001), the current one std higher.
  const base = Array.from({ length: 1500 }, (_, i) => 5e-4 + ((i * 7919) % 1500) * 1e-7)
  const side = (xs: number[]) => ({ counts: [xs.length], sample: xs })
  const rate = { reference: base, current: base.map((x) => x + 4.33e-5) }

  it('a rate and the same rate per mille get one score and one verdict (drift: one std apart)', () => {
    const asRate = numericalDrift('feature', 'rate', side(rate.reference), side(rate.current))
    const perMille = numericalDrift('feature', 'rate_per_mille', side(rate.reference.map((x) => x * 1000)), side(rate.current.map((x) => x * 1000)))
    expect(asRate).toMatchObject({ method: 'wasserstein', status: 'ok', drift_detected: 1 })
    expect(perMille).toMatchObject({ method: 'wasserstein', status: 'ok', drift_detected: 1 })
    expect(asRate.score).toBeCloseTo(perMille.score, 9)
    expect(asRate.score).toBeGreaterThan(0.9)
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

describe('a numerical column with few values is compared as categories on its exact counts', () => {
  // A 0/1 flag: 4201 / 1799 in the reference, 591 / 309 in the window. The samples (2000 of the
  // reference's, and the window's 900) hold other proportions than the whole sides.
  const reference = { counts: [4201, 1799], sample: [...Array<number>(1450).fill(0), ...Array<number>(550).fill(1)], values: { 0: 4201, 1: 1799 } }
  const current = { counts: [591, 309], sample: [...Array<number>(591).fill(0), ...Array<number>(309).fill(1)], values: { 0: 591, 1: 309 } }

  it('same test and p-value as the flag sent as a string (scipy chi2_contingency on the full data: 0.008244150574127064)', () => {
    const asNumber = numericalDrift('feature', 'flag', reference, current)
    const asString = categoricalDrift('feature', 'flag', { 0: 4201, 1: 1799 }, { 0: 591, 1: 309 })
    expect(asNumber).toMatchObject({ method: 'z', column_kind: 'categorical', n_reference: 6000, n_current: 900 })
    expect(asNumber.p_value).toBeCloseTo(0.008244150574127064, 12)
    expect(asNumber.p_value).toBe(asString.p_value)
  })

  it('the distinct values that choose the path are the exact ones: more than 5 on either side is numerical, whatever the samples hold', () => {
    const wide = numericalDrift('feature', 'x', { ...reference, values: null }, current)
    expect(wide.column_kind).toBe('numerical')
    const sixTogether = numericalDrift('feature', 'x', { ...reference, values: { 0: 1, 1: 1, 2: 1, 3: 1, 4: 1 } }, { ...current, values: { 5: 900 } })
    expect(sixTogether.column_kind).toBe('numerical')
  })

  it('uncounted values (undefined) fall back to the samples', () => {
    const { values: _r, ...refSample } = reference
    const { values: _c, ...curSample } = current
    const row = numericalDrift('feature', 'flag', refSample, curSample)
    expect(row.method).toBe('z')
    expect(row.p_value).not.toBeCloseTo(0.008244150574127064, 4)
  })
})

describe('categoricalDrift: two categories, one of them rare', () => {
  it('a tenfold rise of a 0.01 % label is decided by the z-test and detected (Jensen–Shannon 0.0146 would read ok)', () => {
    const row = categoricalDrift('label', 'label', { 0: 199_990, 1: 20 }, { 0: 99_910, 1: 100 })
    expect(row).toMatchObject({ method: 'z', drift_detected: 1, status: 'ok' })
    expect(row.p_value).toBeCloseTo(3.2265e-31, 34) // scipy chi2_contingency([[20, 199990], [100, 99910]], correction=False)
  })
})
