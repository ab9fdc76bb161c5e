import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/evidently_psi.json' with { type: 'json' }

const evidently = fixture as unknown as { cases: { name: string; input: { reference: Record<string, number>; current: Record<string, number> }; expected: { psi: number; kl: number } }[] }
import { psi } from './psi.js'
import { categoricalPsi } from './categorical-distances.js'
import { describeBinnedStatistic } from '../../../test/support/unit/binned-statistic.js'

describeBinnedStatistic('psi', psi, 'psi', 'psi')

describe("psi matches Evidently 0.7's psi stattest, empty-bin epsilon included", () => {
  it.each(evidently.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const score = categoricalPsi(c.input.reference, c.input.current).score
    expect(Math.abs(score - c.expected.psi)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.expected.psi))
  })
})

describe('psi edge cases', () => {
  it('replaces empty proportions by epsilon (a bin unseen in the reference)', () => {
    // reference [1, 0] → r = [1, 1e-4]; current [1, 1] → c = [0.5, 0.5]
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4)
    expect(psi([4, 0], [1, 1]).score).toBeCloseTo(expected, 14)
    expect(psi([4, 0], [1, 1]).params).toEqual({ bins: 2, epsilonReference: 1e-4, epsilonCurrent: 1e-4 })
  })

  it("fills a side's empty bins with its rarest share / 1e6 when that share is <= 1e-4 (Evidently's rule, per side)", () => {
    // reference a 12000, b 7999, rare 1 (share 5e-5), new 0; current a 1200, b 760, rare 0, new 40.
    const reference = [12000, 7999, 1, 0]
    const current = [1200, 760, 0, 40]
    const r = [0.6, 7999 / 20000, 5e-5, 5e-5 / 1e6]
    const c = [0.6, 0.38, 1e-4, 0.02]
    const expected = r.reduce((sum, ri, i) => sum + (c[i]! - ri) * Math.log(c[i]! / ri), 0)
    const result = psi(reference, current)
    expect(result.score).toBeCloseTo(expected, 12)
    expect(result.score).toBeCloseTo(0.3971949657872836, 12) // Evidently 0.7.23 (fixtures/evidently_psi.json)
    expect(result.params).toEqual({ bins: 4, epsilonReference: 5e-11, epsilonCurrent: 1e-4 })
    // A share of exactly 1e-4 is rare too (<=).
    expect(psi([9999, 1, 0], [5000, 0, 5000]).params).toMatchObject({ epsilonReference: 1e-10, epsilonCurrent: 1e-4 })
  })

  it('uses the epsilon it is given', () => {
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.01) * Math.log(0.5 / 0.01)
    const r = psi([4, 0], [1, 1], { epsilon: 0.01 })
    expect(r.score).toBeCloseTo(expected, 14)
    expect(r.params).toMatchObject({ epsilonReference: 0.01, epsilonCurrent: 0.01 })
    expect(() => psi([1], [1], { epsilon: 0 })).toThrow(RangeError)
  })

  it('is symmetric in reference and current', () => {
    expect(psi([5, 3, 0, 2], [1, 4, 4, 1]).score).toBeCloseTo(psi([1, 4, 4, 1], [5, 3, 0, 2]).score, 14)
  })
})
