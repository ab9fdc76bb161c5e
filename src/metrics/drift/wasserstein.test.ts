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

// Relative: the fixture holds features of magnitude 1e-320 and 1e300 alike.
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected))
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter(
  (c): c is WassersteinCase => c.kind === 'wasserstein',
)

describe('wasserstein matches scipy.stats.wasserstein_distance (normed: / std(ref), or the mixture std for a constant reference)', () => {
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
    expect(normed.params['distance']).toBe(raw.score)
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
    // One value is a constant reference: normed by the mixture std |a − b|/2.
    expect(wasserstein([1.5], [4]).score).toBe(2)
    expect(wasserstein([1.5], [4]).params.scale).toBe(1.25)
  })

  it('is 0 for identical constant samples', () => {
    expect(wasserstein([2, 2, 2], [2, 2]).score).toBe(0)
    expect(wasserstein([2, 2, 2], [2, 2]).params.scale).toBe(0)
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
  it('values more than the largest double apart: W1 and the normed score stay finite (scipy: inf)', () => {
    const reference = [...Array<number>(21).fill(-1.5e308), -1.2e308, -1e308, 1e308, 1.2e308, ...Array<number>(21).fill(1.5e308)]
    const current = [...Array<number>(10).fill(-1.5e308), -1.3e308, -1.1e308, 1.1e308, 1.3e308, ...Array<number>(30).fill(1.5e308)]
    const r = wasserstein(reference, current)
    const small = wasserstein(reference.map((x) => x / 4), current.map((x) => x / 4))
    // The same samples at a scale where no difference overflows: the same score, W1 a quarter.
    expect(r.score).toBe(small.score)
    expect(r.params['distance']).toBe(4 * (small.params['distance'] as number))
    expect(wassersteinDistance(reference, current).score).toBe(r.params['distance'])
  })

  it('a W1 beyond the largest double is +Infinity; its normed score is finite', () => {
    const r = wasserstein([-1.5e308, -1.4e308], [1.4e308, 1.5e308])
    expect(r.params['distance']).toBe(Infinity)
    // W1 = 2.9e308 over std 0.05e308.
    expect(r.score).toBeCloseTo(58, 9)
  })
})

/** A seeded normal sample (Box–Muller over a linear congruential generator). */
function normals(n: number, mean: number, sd: number, seed: number): number[] {
  let state = seed
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return (state + 0.5) / 2147483648
  }
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
}

describe('the normed score does not depend on the unit', () => {
  // A rate with a spread of 5e-5, the current one standard deviation higher.
  const rate = { reference: normals(5000, 5e-4, 5e-5, 1), current: normals(5000, 5.5e-4, 5e-5, 2) }
  const perMille = { reference: rate.reference.map((x) => x * 1000), current: rate.current.map((x) => x * 1000) }

  it('a column with std below 0.001 and the same column times 1000 score alike (one std apart: ≈ 1)', () => {
    const a = wasserstein(rate.reference, rate.current)
    const b = wasserstein(perMille.reference, perMille.current)
    expect(Math.abs(a.score - b.score)).toBeLessThanOrEqual(1e-12 * b.score)
    expect(a.score).toBeGreaterThan(0.9)
    expect(a.score).toBeLessThan(1.1)
    expect(a.params.scale).toBeCloseTo(5e-5, 5)
  })

  it('times a power of two the score is bit for bit the same, down to subnormal values', () => {
    const reference = [1000, 2000, 2000, 3500, 7000, 9000]
    const current = [1500, 2500, 4000, 9000, 10000]
    const unit = wasserstein(reference, current).score
    for (const e of [-1074, -1060, -1022, -500, 10, 500, 1000]) {
      const f = (x: number): number => x * 2 ** Math.max(e, -1000) * 2 ** Math.min(0, e + 1000)
      const r = wasserstein(reference.map(f), current.map(f))
      expect(r.score, `2^${e}`).toBe(unit)
    }
  })

  it('subnormal features score what they score in ordinary units', () => {
    const tiny = 2 ** -1074
    const r = wasserstein([1000, 2000, 3000, 4000].map((k) => k * tiny), [1500, 2500, 3500, 4500].map((k) => k * tiny))
    // W1 = 500 units, std = sqrt(1.25e6) units.
    expect(r.score).toBeCloseTo(500 / Math.sqrt(1.25e6), 14)
    expect(r.params['distance']).toBe(500 * tiny)
  })

  it('a constant reference is normed by the mixture std: free of the unit and of the origin', () => {
    const current = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]
    const base = wasserstein([0, 0, 0], current).score
    // 2 of 20 moved (mean 0.15, var 0.2275): W1 = 0.15, mixture std = sqrt(0.2275/2 + 0.15²/4).
    expect(base).toBeCloseTo(0.15 / Math.sqrt(0.2275 / 2 + 0.0225 / 4), 12)
    expect(wasserstein([0, 0, 0], current.map((x) => x * 1e-6)).score).toBeCloseTo(base, 12)
    expect(wasserstein([0, 0, 0], current.map((x) => x * 1e6)).score).toBeCloseTo(base, 12)
    expect(wasserstein([273.15, 273.15], current.map((x) => x + 273.15)).score).toBeCloseTo(base, 9)
  })

  it('a constant reference against another constant scores 2, whatever the distance', () => {
    expect(wasserstein([5, 5], [5.000001]).score).toBeCloseTo(2, 6)
    expect(wasserstein([0], [1e300, 1e300]).score).toBe(2)
  })
})
