import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { wasserstein, wassersteinDistance } from './wasserstein.js'

type Sample = number[] | { values: number[]; counts: number[] }
interface WassersteinCase {
  kind: 'wasserstein'
  name: string
  input: { reference: Sample; current: Sample }
  expected: { distance: number; normed: number; scale: number }
}

function expand(sample: Sample): number[] {
  if (Array.isArray(sample)) return sample
  return sample.values.flatMap((v, i) => Array<number>(sample.counts[i] ?? 0).fill(v))
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter(
  (c): c is WassersteinCase => c.kind === 'wasserstein',
)

describe('wasserstein matches scipy.stats.wasserstein_distance (and / max(std, 0.001))', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const reference = expand(c.input.reference)
    const current = expand(c.input.current)
    const raw = wassersteinDistance(reference, current)
    const normed = wasserstein(reference, current)
    expect(raw.method).toBe('wasserstein_distance')
    expect(normed.method).toBe('wasserstein')
    expect(normed.pValue).toBeUndefined()
    expectClose(raw.score, c.expected.distance)
    expectClose(normed.score, c.expected.normed)
    expectClose(normed.params.scale as number, c.expected.scale)
  })
})

describe('wasserstein edge cases', () => {
  it('gives NaN for an empty side', () => {
    expect(wasserstein([], [1]).score).toBeNaN()
    expect(wasserstein([1], []).score).toBeNaN()
    expect(wassersteinDistance([], []).score).toBeNaN()
  })

  it('is |a − b| for single values', () => {
    expect(wassersteinDistance([1.5], [4]).score).toBe(2.5)
    // std of one value is 0: the scale falls back to 0.001.
    expect(wasserstein([1.5], [4]).score).toBeCloseTo(2500, 9)
  })

  it('is 0 for identical constant samples', () => {
    expect(wasserstein([2, 2, 2], [2, 2]).score).toBe(0)
    expect(wasserstein([2, 2, 2], [2, 2]).params.scale).toBe(0.001)
  })

  it('excludes NaN and ±Infinity and counts them', () => {
    const r = wasserstein([0, Number.NaN, 1, 3, -Infinity], [5, Infinity, 6, 8])
    expect(r.score).toBeCloseTo(wasserstein([0, 1, 3], [5, 6, 8]).score, 15)
    expect(r.params).toMatchObject({ excludedReference: 2, excludedCurrent: 1, nReference: 3, nCurrent: 3 })
  })

  it('the raw distance is symmetric; the normed one is scaled by the reference only', () => {
    const a = [0, 1, 1, 7]
    const b = [2, 3]
    expect(wassersteinDistance(a, b).score).toBe(wassersteinDistance(b, a).score)
    expect(wasserstein(a, b).score).not.toBe(wasserstein(b, a).score)
  })

  it('counts mass at values the reference never had (an unseen region)', () => {
    // Moving a quarter of the mass from 0 to 10 costs 10/4.
    expect(wassersteinDistance([0, 0, 0, 0], [0, 0, 0, 10]).score).toBe(2.5)
  })
})

describe('wasserstein beyond the double range', () => {
  it('values more than the largest double apart: the raw W1 overflows, the normed score does not', () => {
    const reference = [...Array<number>(21).fill(-1.5e308), -1.2e308, -1e308, 1e308, 1.2e308, ...Array<number>(21).fill(1.5e308)]
    const current = [...Array<number>(10).fill(-1.5e308), -1.3e308, -1.1e308, 1.1e308, 1.3e308, ...Array<number>(30).fill(1.5e308)]
    const r = wasserstein(reference, current)
    expect(r.params['distance']).toBe(Infinity)
    expect(Number.isFinite(r.score)).toBe(true)
    // The same samples at a scale where nothing overflows give the same normed score.
    const small = wasserstein(reference.map((x) => x / 4), current.map((x) => x / 4))
    expect(r.score).toBe(small.score)
  })
})
