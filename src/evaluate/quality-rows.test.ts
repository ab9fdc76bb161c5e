import { describe, expect, it } from 'vitest'
import { buildProfile, type Row } from '../metrics/profile/index.js'
import { outlierAccumulator, qualityAccumulator } from '../metrics/quality/index.js'
import type { DriftRow } from './drift-rows.js'
import { emptyPartial, type Partial } from './partial-state.js'
import { boundsFromProfile, NO_BOUNDS, type QualityBounds } from './quality-bounds.js'
import { computeWindowMetrics } from './compute.js'
import { outlierKey, outlierSummary, qualityRows } from './quality-rows.js'
import { qualityRows as rowsOf } from '../../test/support/unit/quality-rows.js'

const kinds = { income: 'numerical', ratio: 'numerical', city: 'categorical', flag: 'categorical' } as const

/**
 * The outlier and range counts the SQL of ./quality-queries.ts computes, written out in
 * TypeScript over the stream's split of values (numbers vs strings): the definition the
 * integration test checks ClickHouse against.
 */
function streamPartial(rows: readonly Row[], b: QualityBounds): Partial {
  const p = emptyPartial()
  for (const r of rows) {
    let evaluated = 0
    let extreme = 0
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number') {
        const range = b.ranges[k]
        if (range) {
          p.rangeChecked[k] = (p.rangeChecked[k] ?? 0) + 1
          if (v < range[0] || v > range[1]) p.outOfRange[k] = (p.outOfRange[k] ?? 0) + 1
        }
        const tail = b.tails[k]
        if (tail) {
          evaluated++
          if (v < tail[0] || v > tail[1]) extreme++
        }
      } else if (typeof v === 'string' && b.usual[k]) {
        evaluated++
        if (!b.usual[k]!.includes(v)) extreme++
      }
    }
    const key = outlierKey(evaluated, extreme)
    p.outliers[key] = (p.outliers[key] ?? 0) + 1
    p.predictions++
  }
  return p
}

describe('stream data quality = src/metrics/quality on the same rows', () => {
  const reference = rowsOf(2000, 1)
  const current = rowsOf(800, 2, 0.4)
  const profile = buildProfile(reference, { kinds })
  const bounds = boundsFromProfile(profile)
  const partial = streamPartial(current, bounds)

  it('outlier score: counts exact, mean within float summation order', () => {
    const acc = outlierAccumulator(profile)
    const expected = acc.result(current.reduce((s, r) => acc.update(s, r), acc.create()))
    const got = outlierSummary(partial.outliers)
    expect({ ...got, meanScore: 0 }).toEqual({ ...expected, meanScore: 0 })
    expect(got.meanScore).toBeCloseTo(expected.meanScore, 14)
    expect(got.outlierRate).toBeGreaterThan(0)
  })

  it('out-of-range rate per numerical feature', () => {
    const acc = qualityAccumulator(profile)
    const q = acc.result(current.reduce((s, r) => acc.update(s, r), acc.create()))
    for (const f of ['income', 'ratio']) {
      expect(partial.outOfRange[f] ?? 0).toBe(q.features[f]!.outOfRange)
      expect((partial.outOfRange[f] ?? 0) / partial.rangeChecked[f]!).toBe(q.features[f]!.outOfRangeRate)
    }
    expect(q.features['income']!.outOfRangeRate).toBeGreaterThan(0)
  })

  it('rows: out_of_range_rate per ranged feature, outlier aggregates under feature ""', () => {
    const rows = qualityRows(partial, [], [], bounds)
    expect(rows.filter((r) => r.metric === 'out_of_range_rate').map((r) => r.feature)).toEqual(['income', 'ratio'])
    const o = outlierSummary(partial.outliers)
    expect(rows.filter((r) => r.feature === '')).toEqual([
      { feature: '', metric: 'outlier_score_mean', value: o.meanScore, n: o.scored },
      { feature: '', metric: 'outlier_rate', value: o.outlierRate, n: o.scored },
      { feature: '', metric: 'outlier_score_max', value: o.maxScore, n: o.scored },
    ])
    expect(qualityRows(partial, [], [], NO_BOUNDS)).toEqual([])
  })

  it('missing rate per feature, new-category rate from the drift rows', () => {
    const p = { ...emptyPartial(), predictions: 10, missing: { x: 2 }, categorical: { c: { a: 6, z: 4 } } }
    const drift = [
      { column: 'x', column_kind: 'numerical', n_current: 8, n_reference: 10, unseen_categories: [] },
      { column: 'c', column_kind: 'categorical', n_current: 10, n_reference: 10, unseen_categories: ['z'] },
    ] as unknown as DriftRow[]
    expect(qualityRows(p, ['x', 'c'], drift, NO_BOUNDS)).toEqual([
      { feature: 'c', metric: 'missing_rate', value: 0, n: 10 },
      { feature: 'x', metric: 'missing_rate', value: 0.2, n: 10 },
      { feature: 'c', metric: 'new_category_rate', value: 0.4, n: 10 },
    ])
  })

  it('a feature no event of the window mentions is missing from every event; one without a drift row still gets its rate', () => {
    const p = { ...emptyPartial(), predictions: 10, missing: { x: 0, nulls: 10 } }
    expect(qualityRows(p, ['gone', 'nulls', 'x'], [], NO_BOUNDS)).toEqual([
      { feature: 'gone', metric: 'missing_rate', value: 1, n: 10 },
      { feature: 'nulls', metric: 'missing_rate', value: 1, n: 10 },
      { feature: 'x', metric: 'missing_rate', value: 0, n: 10 },
    ])
  })

  it('an empty window: NaN rates; events with nothing evaluated are unscored', () => {
    expect(outlierSummary({})).toMatchObject({ events: 0, scored: 0, meanScore: Number.NaN, outlierRate: Number.NaN, maxScore: Number.NaN })
    expect(outlierSummary({ [outlierKey(0, 0)]: 3, [outlierKey(4, 1)]: 1 })).toMatchObject({ events: 4, scored: 1, unscored: 3, outliers: 1, meanScore: 0.25 })
    const rows = qualityRows(emptyPartial(), [], [], { ranges: { x: [0, 1] }, tails: {}, usual: {} })
    expect(rows).toEqual([{ feature: 'x', metric: 'out_of_range_rate', value: Number.NaN, n: 0 }])
  })
})

describe('new_category_rate of a numerical feature compared as categories', () => {
  it('a 0/1 reference flag with 40% value 2 in the window: rate 0.4, as the drift row lists 2 as unseen', () => {
    // Reference: 600 zeros, 400 ones; window: 300 zeros, 300 ones, 400 twos (fewer distinct values
    // than 6: compared as categories of the samples, ./drift-rows.ts). Bins over edges [0, 1].
    const ref = { ...emptyPartial(), predictions: 1000, numeric: { flag: [0, 600, 400] } }
    const cur = { ...emptyPartial(), predictions: 1000, numeric: { flag: [0, 300, 700] } }
    const sample = (counts: [number, number][]) => counts.flatMap(([v, n]) => new Array<number>(n).fill(v))
    const m = computeWindowMetrics(
      { partial: ref, samples: new Map([['flag', sample([[0, 600], [1, 400]])]]) },
      { partial: cur, samples: new Map([['flag', sample([[0, 300], [1, 300], [2, 400]])]]) },
      { positiveClass: '1', protectedAttributes: [], minGroupSize: 30 },
    )
    const drift = m.drift.find((r) => r.column === 'flag')!
    expect(drift).toMatchObject({ column_kind: 'categorical', unseen_categories: ['2'] })
    expect(m.quality.find((r) => r.feature === 'flag' && r.metric === 'new_category_rate')).toEqual({ feature: 'flag', metric: 'new_category_rate', value: 0.4, n: 1000 })
  })

  it('no row against a reference without values of the feature (a first window), rather than every category new', () => {
    const cur = { ...emptyPartial(), predictions: 100, categorical: { c: { a: 60, b: 40 } } }
    const m = computeWindowMetrics({ partial: emptyPartial(), samples: new Map() }, { partial: cur, samples: new Map() }, { positiveClass: '1', protectedAttributes: [], minGroupSize: 30 })
    expect(m.drift.find((r) => r.column === 'c')).toMatchObject({ n_reference: 0, status: 'insufficient' })
    expect(m.quality).toEqual([{ feature: 'c', metric: 'missing_rate', value: 0, n: 100 }])
  })

  it('a categorical-kind row with neither category counts nor a sample gets no row rather than 0', () => {
    const row = { column: 'x', column_kind: 'categorical', n_current: 10, unseen_categories: ['a'] } as unknown as DriftRow
    expect(qualityRows({ ...emptyPartial(), predictions: 10 }, [], [row], NO_BOUNDS).filter((r) => r.metric === 'new_category_rate')).toEqual([])
  })
})
