import { describe, expect, it } from 'vitest'
import { binCounts, referenceBinEdges } from '../metrics/drift/index.js'
import { columnDrift } from './feature-drift.js'
import { categoryDistribution, DISTRIBUTION_CATEGORIES } from './distribution.js'

const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i))

describe('feature distributions in the report', () => {
  it('numerical: the reference-decile bins and counts the binned statistics used, and the finite range', () => {
    const reference = range(200, (i) => i / 10)
    const current = [...range(150, (i) => i / 10 + 3), Number.POSITIVE_INFINITY, Number.NaN]
    const d = columnDrift('x', 'numerical', reference, current).json.distribution
    const edges = referenceBinEdges(reference)
    expect(d).toEqual({
      type: 'bins',
      edges,
      min: 0,
      max: 19.9,
      reference: binCounts(edges, reference).counts,
      current: binCounts(edges, current).counts,
    })
    if (d?.type !== 'bins') throw new Error('bins expected')
    expect(d.current.reduce((a, b) => a + b, 0)).toBe(150)
  })

  it('numerical with no finite value: no distinct value, so treated as categories, none of them', () => {
    const d = columnDrift('x', 'numerical', [null, 'a'], [Number.NaN]).json
    expect(d.treated_as).toBe('categorical')
    expect(d.distribution).toEqual({ type: 'categories', categories: [], reference: [], current: [], other: { categories: 0, reference: 0, current: 0 } })
  })

  it('numerical with at most 5 values (treated as categorical): the counts per value the statistics used, not collapsed deciles', () => {
    const d = columnDrift('x', 'numerical', [...range(95, () => 0), ...range(4, () => 1), 2], range(100, () => 2)).json.distribution
    expect(d).toEqual({ type: 'categories', categories: ['2', '0', '1'], reference: [1, 95, 4], current: [100, 0, 0], other: { categories: 0, reference: 0, current: 0 } })
  })

  it('categorical: counts over the union of categories, unseen ones included, most frequent first', () => {
    const d = columnDrift('c', 'categorical', ['a', 'b', 'b', null], ['b', 'c', 'c', 'c']).json.distribution
    expect(d).toEqual({
      type: 'categories',
      categories: ['b', 'c', 'a'],
      reference: [2, 0, 1],
      current: [1, 3, 0],
      other: { categories: 0, reference: 0, current: 0 },
    })
  })

  it(`categorical: beyond ${DISTRIBUTION_CATEGORIES} categories the rarest are summed in other (ties in text order)`, () => {
    const ref = new Map(range(DISTRIBUTION_CATEGORIES + 5, (i) => [`k${String(i).padStart(3, '0')}`, i < 3 ? 10 : 1] as const))
    const d = categoryDistribution(ref, new Map([['zz', 2]]))
    expect(d.categories.slice(0, 4)).toEqual(['k000', 'k001', 'k002', 'zz'])
    expect(d.categories).toHaveLength(DISTRIBUTION_CATEGORIES)
    expect(d.other).toEqual({ categories: 6, reference: 6, current: 0 })
    expect(d.reference.reduce((a, b) => a + b, 0) + d.other.reference).toBe(30 + DISTRIBUTION_CATEGORIES + 2)
  })
})
