import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/evidently_psi.json' with { type: 'json' }

const evidently = fixture as unknown as { cases: { name: string; input: { reference: Record<string, number>; current: Record<string, number> }; expected: { psi: number; kl: number } }[] }
import { kl } from './kl.js'
import { alignCategories } from './categories.js'
import { describeBinnedStatistic } from '../../../test/support/unit/binned-statistic.js'

describeBinnedStatistic('kl', kl, 'kl_div', 'kl')

describe("kl matches Evidently 0.7's kl_div stattest, empty-bin epsilon included", () => {
  it.each(evidently.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const aligned = alignCategories(c.input.reference, c.input.current)
    const score = kl(aligned.reference, aligned.current).score
    expect(Math.abs(score - c.expected.kl)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.expected.kl))
  })
})

describe('kl edge cases', () => {
  it('is KL(reference ‖ current) with epsilon for empty bins, renormalised', () => {
    // reference [1, 0] → [1, 1e-4]/1.0001; current [1, 1] → [0.5, 0.5]
    const r = [1 / 1.0001, 1e-4 / 1.0001]
    const expected = r.reduce((sum, ri) => sum + ri * Math.log(ri / 0.5), 0)
    const result = kl([3, 0], [1, 1])
    expect(result.score).toBeCloseTo(expected, 14)
    expect(result.params).toMatchObject({ direction: 'reference||current', epsilonReference: 1e-4, epsilonCurrent: 1e-4, base: 'e' })
  })

  it('is asymmetric, and an empty current bin is capped by epsilon', () => {
    expect(kl([3, 0], [1, 1]).score).not.toBeCloseTo(kl([1, 1], [3, 0]).score, 3)
    expect(Number.isFinite(kl([1, 1], [3, 0]).score)).toBe(true)
    expect(kl([1, 1], [3, 0], { epsilon: 1e-2 }).score).toBeLessThan(kl([1, 1], [3, 0]).score)
  })
})
