import { describe, expect, it } from 'vitest'
import { LOWER_QUANTILE, OUTLIER_THRESHOLD, UPPER_QUANTILE } from '../metrics/quality/index.js'
import {
  betaBinomialUpperTail, isQualityProblem, OUTLIER_EVENT_THRESHOLD, OUTLIER_TAIL_LEVELS, outlierTailShare, outOfRangePValue, qualityFeature,
  qualityProblemCount, qualityProblemPValue, qualityProblems, QUALITY_SIGNIFICANCE, referenceSizes, type ReferenceCount,
} from './quality-problems.js'

const q = (feature: string, metric: string, value: number | null, n?: number | null) => ({ feature, metric, value, n })
const sized = (sizes: Record<string, number>): ReferenceCount[] => Object.entries(sizes).map(([column, n_reference]) => ({ target: 'feature', column, n_reference }))

/** P(K >= k) by counting: every way r reference and n window values can interleave, equally likely (exchangeable, no ties). */
function enumerated(k: number, n: number, r: number): number {
  let hits = 0
  let total = 0
  const walk = (left: number, right: number, labels: string) => {
    if (left === 0 && right === 0) {
      total++
      const first = labels.indexOf('r')
      const last = labels.lastIndexOf('r')
      if (first + (labels.length - 1 - last) >= k) hits++
      return
    }
    if (left > 0) walk(left - 1, right, labels + 'r')
    if (right > 0) walk(left, right - 1, labels + 'w')
  }
  walk(r, n, '')
  return hits / total
}

/** Σ_{j>=k} C(n,j) B(j+a, n−j+b)/B(a,b) for integer a, b, as exact products (small n only). */
function betaBinomialBySum(k: number, n: number, a: number, b: number): number {
  const fact = (x: number): number => (x <= 1 ? 1 : x * fact(x - 1))
  const beta = (x: number, y: number) => (fact(x - 1) * fact(y - 1)) / fact(x + y - 1)
  const choose = (m: number, j: number) => fact(m) / (fact(j) * fact(m - j))
  let s = 0
  for (let j = k; j <= n; j++) s += (choose(n, j) * beta(j + a, n - j + b)) / beta(a, b)
  return s
}

describe('the chance of an out-of-range count under no change', () => {
  it('equals counting the interleavings of reference and window values', () => {
    for (const [n, r] of [[1, 1], [1, 2], [3, 2], [5, 5], [4, 7], [8, 3], [2, 10]] as const) {
      for (let k = 0; k <= n + 1; k++) expect(outOfRangePValue(k, n, r), `k=${k} n=${n} r=${r}`).toBeCloseTo(enumerated(k, n, r), 12)
    }
  })

  it('matches exact rational sums at the sizes of real windows', () => {
    // Σ_{j>=k} (j+1)·C(N−j−2, r−2)/C(N, r), N = r + n, in Python fractions.Fraction.
    expect(outOfRangePValue(1, 200, 200)).toBeCloseTo(0.7506265664160401, 12)
    expect(outOfRangePValue(8, 200, 200) / 0.01848331894190529).toBeCloseTo(1, 10)
    expect(outOfRangePValue(20, 200, 200) / 6.670127184775278e-6).toBeCloseTo(1, 9)
    expect(outOfRangePValue(3, 50, 1000) / 0.00039379280289127236).toBeCloseTo(1, 9)
  })

  it('is the beta-binomial BetaBinomial(n, 2, r − 1)', () => {
    for (const [n, r] of [[200, 200], [50, 1000], [1000, 50], [7, 3], [10_000, 10_000]] as const) {
      for (const k of [1, 2, 3, 5, 8, 13, 40]) {
        if (k > n) continue
        const closed = outOfRangePValue(k, n, r)
        expect(betaBinomialUpperTail(k, n, 2, r - 1) / closed, `k=${k} n=${n} r=${r}`).toBeCloseTo(1, 9)
      }
    }
  })

  it('edges: no value, all values, a reference of one value, huge samples', () => {
    expect(outOfRangePValue(0, 200, 200)).toBe(1)
    expect(outOfRangePValue(201, 200, 200)).toBe(0)
    expect(outOfRangePValue(5, 10, 1)).toBe(1)
    expect(outOfRangePValue(1, 1, 200)).toBeCloseTo(2 / 201, 15)
    // (n+1)/C(N, n): every one of n values out of range.
    expect(outOfRangePValue(3, 3, 4)).toBeCloseTo(4 / 35, 15)
    const far = outOfRangePValue(50_000, 1_000_000, 1_000_000)
    expect(far).toBe(0)
    expect(outOfRangePValue(2, 1_000_000, 1_000_000)).toBeCloseTo(0.5, 5)
  })
})

describe('the beta-binomial upper tail', () => {
  it('matches exact sums, whichever side of the mean k is', () => {
    for (const [n, a, b] of [[10, 2, 3], [12, 1, 1], [9, 4, 2], [15, 2, 13]] as const) {
      for (let k = 0; k <= n + 1; k++) expect(betaBinomialUpperTail(k, n, a, b), `k=${k} n=${n} a=${a} b=${b}`).toBeCloseTo(k > n ? 0 : betaBinomialBySum(k, n, a, b), 12)
    }
    // Python fractions over C(n,j)·B(j+a, n−j+b)/B(a,b) (scipy.stats.betabinom.sf agrees to 1e-9).
    expect(betaBinomialUpperTail(40, 200, 16, 185) / 0.0002063518144814835).toBeCloseTo(1, 9)
    expect(betaBinomialUpperTail(12, 200, 16, 185)).toBeCloseTo(0.787062161223857, 10)
  })

  it('non-integer shapes: scipy.stats.betabinom.sf(k − 1, n, a, b)', () => {
    expect(betaBinomialUpperTail(5, 10, 1.5, 0.7)).toBeCloseTo(0.7698411521240984, 10)
    expect(betaBinomialUpperTail(300, 100_000, 2.3, 400)).toBeCloseTo(0.7437804191314853, 9)
  })
})

describe('quality problems', () => {
  it('the outlier bounds are the outlier score\'s', () => {
    expect(OUTLIER_TAIL_LEVELS).toEqual([LOWER_QUANTILE, UPPER_QUANTILE])
    expect(OUTLIER_EVENT_THRESHOLD).toBe(OUTLIER_THRESHOLD)
    expect(outlierTailShare(1)).toBe(1)
    expect(outlierTailShare(200)).toBeCloseTo(0.01 + 1.98 / 201, 15)
    expect(outlierTailShare(1e9)).toBeCloseTo(0.01, 8)
  })

  it('a healthy window of 200 against 200 reference values with one value out of range has no problem', () => {
    const rows = [q('income', 'out_of_range_rate', 1 / 200, 200), q('income', 'missing_rate', 0, 200)]
    expect(qualityProblemCount(rows, sized({ income: 200 }))).toBe(0)
  })

  it('a window with 10% of its values out of range has one', () => {
    expect(qualityProblemCount([q('income', 'out_of_range_rate', 0.1, 200)], sized({ income: 200 }))).toBe(1)
  })

  it('missing and new-category rates are problems above 0, at any size', () => {
    expect(qualityProblemCount([q('a', 'missing_rate', 1e-6, 1_000_000), q('b', 'new_category_rate', 0.001, 1000)], [])).toBe(2)
    expect(qualityProblemCount([q('a', 'missing_rate', 0, 1000), q('b', 'new_category_rate', 0, 1000)], [])).toBe(0)
  })

  it('out of range over the domain: rate 0, rate 1, small and large samples, a reference of one value', () => {
    const at = (rate: number, n: number, r: number) => isQualityProblem(q('x', 'out_of_range_rate', rate, n), sized({ x: r }))
    expect(at(0, 200, 200)).toBe(false)
    // One value, out of the range of 200: 2/201 of unchanged windows do that.
    expect(at(1, 1, 200)).toBe(false)
    expect(at(1, 200, 200)).toBe(true)
    expect(at(1, 10, 1)).toBe(false)
    // Against a million reference values, one of 200 values out of range happens by chance in 4 of 10,000 windows.
    expect(at(1 / 200, 200, 1_000_000)).toBe(true)
    expect(at(2 / 1_000_000, 1_000_000, 1_000_000)).toBe(false)
    expect(at(50 / 1_000_000, 1_000_000, 1_000_000)).toBe(true)
    // The smallest count that is a problem, 200 against 200: P(K >= 13) <= 0.001 < P(K >= 12).
    expect(outOfRangePValue(13, 200, 200)).toBeLessThanOrEqual(QUALITY_SIGNIFICANCE)
    expect(outOfRangePValue(12, 200, 200)).toBeGreaterThan(QUALITY_SIGNIFICANCE)
    expect([at(12 / 200, 200, 200), at(13 / 200, 200, 200)]).toEqual([false, true])
  })

  it('without n nothing is judged; without the reference size the reference is as large as the window', () => {
    expect(isQualityProblem(q('x', 'out_of_range_rate', 0.5, null), sized({ x: 200 }))).toBe(false)
    expect(isQualityProblem(q('x', 'out_of_range_rate', 0.5), sized({ x: 200 }))).toBe(false)
    expect(isQualityProblem(q('x', 'out_of_range_rate', 0.5, 0), sized({ x: 200 }))).toBe(false)
    expect(qualityProblemPValue(q('x', 'out_of_range_rate', 3 / 200, 200), [])).toBe(outOfRangePValue(3, 200, 200))
    // Only feature rows give sizes: a prediction row of the same name does not.
    expect(qualityProblemPValue(q('x', 'out_of_range_rate', 3 / 200, 200), [{ target: 'prediction', column: 'x', n_reference: 5 }])).toBe(outOfRangePValue(3, 200, 200))
    expect(isQualityProblem(q('x', 'out_of_range_rate', Number.NaN, 200), [])).toBe(false)
  })

  it('outlier rate: against the bound no dependence between features can exceed', () => {
    const ten = sized(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 200])))
    const rate = (value: number | null, n: number | null, drift: ReferenceCount[]) => isQualityProblem(q('', 'outlier_rate', value, n), drift)
    // 200 events against 200 reference values: p0 = 4 · (0.01 + 1.98/201).
    expect(rate(0.02, 200, ten)).toBe(false)
    expect(rate(0.1, 200, ten)).toBe(false)
    expect(rate(0.3, 200, ten)).toBe(true)
    expect(rate(0, 200, ten)).toBe(false)
    expect(rate(1, 1, ten)).toBe(false)
    expect(rate(1, 200, ten)).toBe(true)
    expect(rate(0.5, null, ten)).toBe(false)
    // One feature: p0 = tail(r) alone; 10% of 2,000 events against 2,000 reference values is far beyond it.
    expect(rate(0.1, 2000, sized({ x: 2000 }))).toBe(true)
    expect(rate(0.015, 2000, sized({ x: 2000 }))).toBe(false)
    // Reference sizes unknown: the window's size, and the Markov bound alone (4 · tail).
    const p0 = 4 * outlierTailShare(200)
    expect(qualityProblemPValue(q('', 'outlier_rate', 0.1, 200), [])).toBeCloseTo(betaBinomialUpperTail(20, 200, p0 * 201, (1 - p0) * 201), 15)
    // Two features: the union bound, tail(r_1) + tail(r_2), below 4 · tail(fewest); concentration from the fewest.
    const two = sized({ a: 200, b: 5000 })
    const union = outlierTailShare(200) + outlierTailShare(5000)
    expect(qualityProblemPValue(q('', 'outlier_rate', 0.1, 200), two)).toBeCloseTo(betaBinomialUpperTail(20, 200, union * 201, (1 - union) * 201), 15)
    // A tiny reference leaves so much outside that no rate is improbable.
    expect(rate(1, 50, sized({ x: 1 }))).toBe(false)
  })

  it('a healthy model with 10 numerical features counts no problem in nearly every window (the rule, not > 0)', () => {
    // Reference and window: 200 uniform values per feature from one seeded generator (xorshift32).
    let s = 2463534242
    const u = () => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0
      return s / 4294967296
    }
    let counted = 0
    let aboveZero = 0
    const windows = 300
    for (let w = 0; w < windows; w++) {
      const rows = []
      for (let f = 0; f < 10; f++) {
        const ref = Array.from({ length: 200 }, u)
        const lo = Math.min(...ref)
        const hi = Math.max(...ref)
        const out = Array.from({ length: 200 }, u).filter((x) => x < lo || x > hi).length
        rows.push(q(`f${f}`, 'out_of_range_rate', out / 200, 200))
      }
      counted += qualityProblemCount(rows, sized(Object.fromEntries(rows.map((r) => [r.feature, 200]))))
      aboveZero += rows.filter((r) => (r.value ?? 0) > 0).length
    }
    // Rate above 0: about 7.5 of 10 features every window; the rule: at most 0.001 per feature.
    expect(aboveZero / windows).toBeGreaterThan(6)
    expect(counted).toBeLessThanOrEqual(3)
  })

  it('the count is of features with a problem (as the headline counts them), the whole event counting as one; score aggregates never', () => {
    const rows = [
      q('income', 'missing_rate', 0.02, 100), q('income', 'out_of_range_rate', 0.3, 100), q('income', 'new_category_rate', null, 100),
      q('age', 'missing_rate', 0, 100), q('age', 'out_of_range_rate', 0.01, 100), q('employment', 'new_category_rate', 0.3, 100),
      q('', 'outlier_score_mean', 0.08, 100), q('', 'outlier_rate', 0.9, 100), q('', 'outlier_score_max', 0.61, 100),
    ]
    const drift = sized({ income: 100, age: 100, employment: 100 })
    expect(qualityProblems(rows, drift).map((r) => [r.feature, r.metric])).toEqual([
      ['income', 'missing_rate'], ['income', 'out_of_range_rate'], ['employment', 'new_category_rate'], ['', 'outlier_rate'],
    ])
    expect(qualityProblemCount(rows, drift)).toBe(3)
    expect(isQualityProblem(q('', 'outlier_score_max', 0.9, 100), drift)).toBe(false)
    expect(isQualityProblem(q('x', 'missing_rate', Number.NaN, 100), drift)).toBe(false)
    expect(referenceSizes([...drift, { target: 'feature', column: 'none', n_reference: 0 }])).toMatchObject({ fewest: 100, tailSum: 3 * outlierTailShare(100) })
  })

  it("the per-event outlier figures (feature '') are named as such", () => {
    expect([qualityFeature({ feature: '', metric: 'outlier_rate' }), qualityFeature({ feature: '', metric: 'outlier_score_max' }), qualityFeature({ feature: 'income', metric: 'missing_rate' })])
      .toEqual(['(all features)', '(all features)', 'income'])
  })

  it("a feature named '' is a feature: its missing rate is not the per-event outlier rate, in the count or by name", () => {
    const rows = [q('', 'missing_rate', 0.1, 100), q('', 'outlier_rate', 0.9, 100), q('', 'outlier_score_max', 0.61, 100)]
    expect(qualityProblems(rows, []).map((r) => r.metric)).toEqual(['missing_rate', 'outlier_rate'])
    expect(qualityProblemCount(rows, [])).toBe(2)
    expect(qualityProblemCount([q('', 'missing_rate', 0.1, 100), q('', 'new_category_rate', 0.2, 100)], [])).toBe(1)
    expect(qualityFeature({ feature: '', metric: 'missing_rate' })).toBe('""')
  })
})
