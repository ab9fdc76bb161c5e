import { describe, expect, it } from 'vitest'
import { categoricalPsi, chiSquare, DISTANCE_THRESHOLD, ks, psi, binCounts, referenceBinEdges } from '../metrics/drift/index.js'
// The stream's drift row: the report must give the same numbers for the same column.
import { numericalDrift } from '../evaluate/drift-rows.js'
import { cellCounts } from './csv-report.js'
import { countedColumn } from './counted-column.js'
import { columnDrift } from './feature-drift.js'

const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i))

describe('columnDrift: numerical', () => {
  const reference = range(200, (i) => i / 10)
  const current = range(150, (i) => i / 10 + 3)

  it('every numerical statistic, ks deciding for a small reference', () => {
    const d = columnDrift('x', 'numerical', reference, current)
    const k = ks(reference, current)
    const edges = referenceBinEdges(reference)
    expect(d.json).toMatchObject({ kind: 'numerical', treated_as: 'numerical', method: 'ks', threshold: 0.05, threshold_kind: 'p_value' })
    expect(d.json.ks).toEqual({ statistic: k.score, p_value: k.pValue })
    expect(d.json.drift_score).toBe(k.score)
    expect(d.json.psi).toBe(psi(binCounts(edges, reference).counts, binCounts(edges, current).counts).score)
    expect(Object.keys(d.json)).not.toContain('chi2')
    expect(d.selected.method).toBe('ks')
  })

  it('large reference and current: normed Wasserstein decides, against 0.1', () => {
    const d = columnDrift('x', 'numerical', range(1500, (i) => i % 97), range(1200, (i) => i % 89))
    expect(d.json).toMatchObject({ method: 'wasserstein', threshold: 0.1, threshold_kind: 'score' })
    expect(d.json).not.toHaveProperty('p_value')
  })

  it('a large reference but a small current: the KS test decides (the method is chosen by both sizes)', () => {
    const d = columnDrift('x', 'numerical', range(1500, (i) => i % 97), range(300, (i) => i % 89))
    expect(d.json).toMatchObject({ method: 'ks', threshold: 0.05, threshold_kind: 'p_value' })
    expect(d.status).toBe('ok')
  })

  it('fewer than 30 rows on a side: no verdict (status insufficient)', () => {
    expect(columnDrift('x', 'numerical', reference, current.slice(0, 29)).status).toBe('insufficient')
    expect(columnDrift('x', 'numerical', reference, current.slice(0, 30)).status).toBe('ok')
  })

  it('NaN, ±Infinity, missing and type violations are left out', () => {
    const d = columnDrift('x', 'numerical', [...reference, Number.NaN, null, 'text'], [...current, Number.POSITIVE_INFINITY, undefined])
    expect([d.json.reference_count, d.json.current_count]).toEqual([200, 150])
    expect(d.json.ks?.statistic).toBe(ks(reference, current).score)
  })

  it('few values: also compared as categories, chi2 or z decides', () => {
    const d = columnDrift('x', 'numerical', range(60, (i) => i % 3), range(60, (i) => (i % 4 === 0 ? 0 : 1)))
    expect(d.json).toMatchObject({ treated_as: 'categorical', method: 'chi2' })
    expect(d.json.chi2?.statistic).toBe(chiSquare({ '0': 20, '1': 20, '2': 20 }, { '0': 15, '1': 45 }).score)
    expect(d.json).toHaveProperty('ks')
    const binary = columnDrift('x', 'numerical', [0, 1, 0, 1], [1, 1, 1, 0])
    expect(binary.json.method).toBe('z')
  })

  describe('treated as categorical: distances over the categories, as the stream computes them (decile bins collapse)', () => {
    // 95×0, 4×1, 1×2 against 100×2: the reference deciles are all 0, so every bin-based
    // distance was 0 while chi² was 196 (p = 2.7e-43).
    const ref = [...range(95, () => 0), ...range(4, () => 1), 2]
    const cur = range(100, () => 2)
    const setting = { method: 'psi', threshold: 0.2 } as const
    const stream = numericalDrift('feature', 'x', { counts: [ref.length], sample: ref }, { counts: [cur.length], sample: cur }, setting)

    it('psi, Jensen–Shannon and L∞ are the stream\'s categorical values; the configured psi decides', () => {
      const d = columnDrift('x', 'numerical', ref, cur, setting)
      expect(d.json).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'psi', threshold: 0.2, threshold_kind: 'score' })
      expect(d.json.psi).toBe(categoricalPsi({ '0': 95, '1': 4, '2': 1 }, { '2': 100 }).score)
      expect(d.json.psi).toBeCloseTo(13.5, 1)
      expect(d.json.psi).toBe(stream.statistics['psi'])
      expect(d.json.drift_score).toBe(stream.score)
      expect(d.json.jensen_shannon).toBe(stream.statistics['jensenshannon'])
      expect(d.json.linf).toBe(stream.statistics['linf'])
      expect(d.json.chi2).toEqual({ statistic: stream.statistics['chi2'], p_value: stream.statistics['chi2_p_value'] })
      expect(d.json.unseen_categories).toEqual({ count: 0, observations: 0, categories: [] })
      expect(d.status).toBe('ok')
      expect(d.selected.score).toBeGreaterThanOrEqual(d.threshold)
    })

    it('no bin-based value is left: no hellinger or kl, the distribution is the category counts', () => {
      const d = columnDrift('x', 'numerical', ref, cur, setting)
      for (const k of ['hellinger', 'kl']) expect(d.json).not.toHaveProperty(k)
      expect(d.json.distribution).toEqual({ type: 'categories', categories: ['2', '0', '1'], reference: [1, 95, 4], current: [100, 0, 0], other: { categories: 0, reference: 0, current: 0 } })
      // A method that only exists over bins does not apply to the column as treated (the stream: method_not_applicable).
      for (const method of ['hellinger', 'kl'] as const) {
        expect(() => columnDrift('x', 'numerical', ref, cur, { method, threshold: 0.1 })).toThrow(/does not apply to this categorical column/)
      }
      expect(Object.keys(stream.statistics).filter((k) => ['hellinger', 'kl'].includes(k))).toEqual([])
    })

    it('every default method as the stream too (z for two values, Jensen–Shannon for large samples)', () => {
      const big = (n: number, f: (i: number) => number) => range(n, f)
      const cases: [number[], number[]][] = [
        [range(60, (i) => i % 2), range(60, (i) => (i % 5 === 0 ? 0 : 1))],
        [big(1500, (i) => i % 3), big(1200, (i) => (i % 4 === 0 ? 0 : 2))],
      ]
      for (const [r, c] of cases) {
        const s = numericalDrift('feature', 'x', { counts: [r.length], sample: r }, { counts: [c.length], sample: c })
        const d = columnDrift('x', 'numerical', r, c)
        expect([d.json.method, d.json.drift_score, d.json.psi, d.json.jensen_shannon, d.json.linf]).toEqual([
          s.method, s.score, s.statistics['psi'], s.statistics['jensenshannon'], s.statistics['linf'],
        ])
      }
    })

    it('a counted column (the engine\'s path) gives the same JSON', () => {
      const counted = (xs: number[]) => countedColumn(cellCounts(xs.map(String)), 'number')
      expect(columnDrift('x', 'numerical', counted(ref), counted(cur), setting)).toEqual(columnDrift('x', 'numerical', ref, cur, setting))
    })
  })

  it('an empty side: NaN scores, reported as null', () => {
    const d = columnDrift('x', 'numerical', reference, [])
    expect(d.json.drift_score).toBeNull()
    expect(d.json.ks).toEqual({ statistic: null, p_value: null })
    expect(Number.isNaN(d.selected.score)).toBe(true)
  })

  it('a single value and constant columns do not crash', () => {
    expect(columnDrift('x', 'numerical', [5], [5]).json.method).toBe('z')
    const constant = columnDrift('x', 'numerical', range(20, () => 2), range(20, () => 2))
    expect(constant.json).toMatchObject({ drift_score: 0, p_value: 1, psi: 0 })
  })
})

describe('columnDrift: a heavy tie in the reference (src/metrics/drift/reference-bins.ts, range closure)', () => {
  // 85 % zeros, the rest 1..19; the current's rest moved to 1000..1897. The deciles collapse to
  // [0, 7]: with open outer bins only, the moved values shared [7, +∞) with the reference's top
  // tenth and every binned distance stayed below 0.1 (psi 0.02).
  const reference = [...range(1700, () => 0), ...range(300, (i) => (i % 19) + 1)]
  const current = [...range(1700, () => 0), ...range(300, (i) => 1000 + 3 * i)]

  it.each(['psi', 'jensenshannon', 'hellinger', 'kl'] as const)('values off the tie moved far outside the reference range: %s at the default threshold reads drift', (method) => {
    const d = columnDrift('x', 'numerical', reference, current, { method, threshold: DISTANCE_THRESHOLD })
    expect(d.json).toMatchObject({ treated_as: 'numerical', method })
    expect(d.status).toBe('ok')
    expect(d.selected.score).toBeGreaterThanOrEqual(DISTANCE_THRESHOLD)
  })

  it('the distribution\'s top bin starts at the reference\'s maximum and holds it beside the moved values', () => {
    const d = columnDrift('x', 'numerical', reference, current, { method: 'psi', threshold: DISTANCE_THRESHOLD })
    expect(d.json.distribution).toMatchObject({ type: 'bins', edges: [0, 7, 19], reference: [0, 1796, 189, 15], current: [0, 1700, 0, 300] })
  })
})

describe('columnDrift: categorical', () => {
  const reference = range(90, (i) => ['a', 'b', 'c'][i % 3] as string)
  const current = [...range(60, (i) => ['a', 'b'][i % 2] as string), 'new', 'new', 'other']

  it('chi2, psi, Jensen–Shannon, L∞ and the unseen categories', () => {
    const d = columnDrift('c', 'categorical', reference, current)
    expect(d.json).toMatchObject({ kind: 'categorical', method: 'chi2', unseen_categories: { count: 2, observations: 3, categories: ['new', 'other'] } })
    expect(d.json.chi2?.statistic).toBe(chiSquare({ a: 30, b: 30, c: 30 }, { a: 30, b: 30, new: 2, other: 1 }).score)
    expect(d.json.linf).toBeCloseTo(1 / 3, 15) // category c: 1/3 of the reference, absent now
    for (const k of ['ks', 'wasserstein', 'hellinger', 'kl']) expect(d.json).not.toHaveProperty(k)
  })

  it('thresholds: a number keeps the method, an object picks one', () => {
    expect(columnDrift('c', 'categorical', reference, current, 0.01).json).toMatchObject({ method: 'chi2', threshold: 0.01 })
    const d = columnDrift('c', 'categorical', reference, current, { method: 'psi', threshold: 0.3 })
    expect(d.json).toMatchObject({ method: 'psi', threshold: 0.3, threshold_kind: 'score', drift_score: d.json.psi })
    expect(() => columnDrift('c', 'categorical', reference, current, { method: 'ks', threshold: 0.05 })).toThrow(/does not apply/)
    expect(() => columnDrift('c', 'categorical', reference, current, { method: 'z', threshold: 0.05 })).toThrow(/does not apply/)
  })

  it('booleans and numbers are categories as text; missing values are not categories', () => {
    const d = columnDrift('c', 'categorical', [true, false, true, null], ['true', 'false', Number.NaN])
    expect([d.json.reference_count, d.json.current_count]).toEqual([3, 2])
    expect(d.json.unseen_categories?.count).toBe(0)
  })
})

describe('columnDrift: two categories, one of them rare', () => {
  it('a tenfold rise of a 0.01 % class is decided by the z-test, as the stream decides it, not missed by Jensen–Shannon', () => {
    const side = (positives: number, n: number) => range(n, (i) => (i < positives ? 'yes' : 'no'))
    const d = columnDrift('label', 'categorical', side(20, 200_010), side(100, 100_010))
    expect(d.json).toMatchObject({ method: 'z', threshold: 0.05, threshold_kind: 'p_value', status: 'ok' })
    // scipy.stats.chi2_contingency([[20, 199990], [100, 99910]], correction=False).pvalue (the pooled z-test's p): 3.2265e-31
    expect(d.json.p_value).toBeCloseTo(3.2265e-31, 34)
  })
})
