import { describe, expect, it } from 'vitest'
import { buildProfile, profileQuantile, quantileSorted } from '../metrics/profile/index.js'
import { LOWER_QUANTILE, rareCategories, UPPER_QUANTILE } from '../metrics/quality/index.js'
import { boundsFromEdges, boundsFromProfile, quantileFromNeighbours } from './quality-bounds.js'
import type { EdgeRow } from './queries.js'
import { qualityRows } from '../../test/support/unit/quality-rows.js'

/** What edgesQuery returns for one feature: the SQL's 1-based order statistics. */
function edgeRow(k: string, values: readonly number[]): EdgeRow {
  const s = [...values].sort((a, b) => a - b)
  const n = s.length
  const at = (level: number) => {
    const i = Math.floor(level * (n - 1)) + 1
    return [s[i - 1]!, s[Math.min(i + 1, n) - 1]!]
  }
  return { k, q: [], n: String(n), lo: s[0]!, hi: s[n - 1]!, tails: [...at(LOWER_QUANTILE), ...at(UPPER_QUANTILE)] }
}

describe('quality bounds', () => {
  it('quantileFromNeighbours equals quantileSorted on the whole sample, to the bit', () => {
    for (const n of [1, 2, 3, 7, 200, 201, 1001, 14_011]) {
      const s = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1000 + i / 7).sort()
      for (const level of [0, LOWER_QUANTILE, 0.5, UPPER_QUANTILE, 1]) {
        const i = Math.min(Math.floor(level * (n - 1)), n - 1)
        expect(quantileFromNeighbours(n, level, s[i]!, s[Math.min(i + 1, n - 1)]!)).toBe(quantileSorted(s, level))
      }
    }
  })

  it('from stored rows (order statistics) and from a profile of the same rows: identical', () => {
    const rows = qualityRows(3001, 11)
    const profile = buildProfile(rows, { kinds: { income: 'numerical', ratio: 'numerical', city: 'categorical', flag: 'categorical' } })
    const fromProfile = boundsFromProfile(profile)
    const numbers = (k: string) => rows.map((r) => r[k]).filter((v): v is number => typeof v === 'number')
    const categorical = (k: string) => {
      const counts: Record<string, number> = {}
      for (const r of rows) if (typeof r[k] === 'string') counts[r[k] as string] = (counts[r[k] as string] ?? 0) + 1
      return counts
    }
    const fromEdges = boundsFromEdges(
      [edgeRow('income', numbers('income')), edgeRow('ratio', numbers('ratio')), edgeRow('__score__', [0.1, 0.2])],
      { city: categorical('city'), flag: categorical('flag'), __class__: { yes: 3 } },
    )
    expect(fromEdges).toEqual(fromProfile)
    const income = profile.features['income']!
    expect(fromProfile.tails['income']).toEqual([profileQuantile(income as never, LOWER_QUANTILE), profileQuantile(income as never, UPPER_QUANTILE)])
    expect(fromProfile.usual['city']).toEqual(['a', 'b', 'c'])
    expect([...rareCategories(categorical('city'))].sort()).toEqual(['rare1', 'rare2'])
  })

  it('a feature numerical in the reference is not also categorical; empty features have no bounds', () => {
    const b = boundsFromEdges([edgeRow('x', [1, 2, 3])], { x: { oops: 2 }, empty: { a: 0 } })
    expect(b.usual).toEqual({})
    expect(b.ranges).toEqual({ x: [1, 3] })
    const p = boundsFromProfile(buildProfile([{ x: null, c: null }], { kinds: { x: 'numerical', c: 'categorical' } }))
    expect(p).toEqual({ ranges: {}, tails: {}, usual: {} })
  })
})
