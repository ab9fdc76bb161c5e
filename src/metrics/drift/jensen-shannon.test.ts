import { describe, expect, it } from 'vitest'
import evidently from '../../../scripts/reference/fixtures/evidently_js.json' with { type: 'json' }
import { categoricalJensenShannon } from './categorical-distances.js'
import { jensenShannon } from './jensen-shannon.js'
import { describeBinnedStatistic } from '../../../test/support/unit/binned-statistic.js'

describeBinnedStatistic('jensenShannon', jensenShannon, 'jensenshannon', 'jensenShannon')

describe('jensenShannon edge cases', () => {
  it('needs no epsilon: disjoint supports give exactly sqrt(ln 2), an unseen bin a finite value', () => {
    expect(jensenShannon([3, 0], [0, 5]).score).toBeCloseTo(Math.sqrt(Math.LN2), 15)
    // p = [1, 0], q = [1/2, 1/2], m = [3/4, 1/4]
    const js = Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)
    expect(jensenShannon([2, 0], [1, 1]).score).toBeCloseTo(Math.sqrt(js / 2), 14)
  })

  it('is symmetric and reports its base', () => {
    expect(jensenShannon([5, 3, 0], [1, 4, 4]).score).toBeCloseTo(jensenShannon([1, 4, 4], [5, 3, 0]).score, 15)
    expect(jensenShannon([1], [1]).params).toEqual({ bins: 1, base: Math.E })
  })
})

interface EvidentlyCase {
  kind: 'categorical' | 'numerical'
  name: string
  input: { reference?: Record<string, number>; current?: Record<string, number>; referenceCounts?: number[]; currentCounts?: number[] }
  expected: { jensenshannon: number; driftDetected: boolean; threshold: number }
}
const evidentlyCases = evidently.cases as unknown as EvidentlyCase[]

describe("jensenShannon is Evidently 0.7's jensenshannon stattest (natural log, threshold 0.1)", () => {
  it.each(evidentlyCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const score =
      c.kind === 'categorical'
        ? categoricalJensenShannon(c.input.reference ?? {}, c.input.current ?? {}).score
        : jensenShannon(c.input.referenceCounts ?? [], c.input.currentCounts ?? []).score
    expect(Math.abs(score - c.expected.jensenshannon)).toBeLessThanOrEqual(1e-12)
    expect(score >= c.expected.threshold).toBe(c.expected.driftDetected)
  })
})
