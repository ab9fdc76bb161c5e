import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/stable_moments.json' with { type: 'json' }
import scaleFixture from '../../scripts/reference/fixtures/stable_moments_scale.json' with { type: 'json' }
import { wasserstein } from './drift/wasserstein.js'
import { numericalProfile } from './profile/numerical-profile.js'
import { meanAndStd, NeumaierSum } from './stable-moments.js'

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)
const sorted = (xs: readonly number[]) => Float64Array.from(xs).sort()

describe('mean and std keep every digit at large offsets (exact reference: statistics.pstdev)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { mean, std } = meanAndStd(sorted(c.input.reference))
    expect(rel(std, c.expected.std)).toBeLessThan(1e-12)
    expect(Math.abs(mean - c.expected.mean)).toBeLessThanOrEqual(1e-14 * Math.max(Math.abs(c.expected.mean), c.expected.std))
    // The order of the values does not matter.
    expect(rel(meanAndStd(c.input.reference).std, c.expected.std)).toBeLessThan(1e-12)
  })

  it('numericalProfile reports the same std', () => {
    for (const c of fixture.cases) expect(rel(numericalProfile(c.input.reference).std as number, c.expected.std)).toBeLessThan(1e-12)
  })

  it('edge cases: empty, one value, constant', () => {
    expect(meanAndStd([])).toEqual({ mean: Number.NaN, std: Number.NaN })
    expect(meanAndStd([1e15 + 3])).toEqual({ mean: 1e15 + 3, std: 0 })
    expect(meanAndStd([7, 7, 7, 7])).toEqual({ mean: 7, std: 0 })
  })

  it('NeumaierSum adds 1 + 1e100 + 1 − 1e100 to 2', () => {
    const s = new NeumaierSum()
    for (const x of [1, 1e100, 1, -1e100]) s.add(x)
    expect(s.value()).toBe(2)
  })
})

describe('normed Wasserstein at large offsets matches scipy W1 / exact std to 1e-9', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = wasserstein(c.input.reference, c.input.current)
    expect(rel(r.params['distance'] as number, c.expected.wassersteinDistance)).toBeLessThan(1e-9)
    expect(rel(r.score, c.expected.normedWasserstein)).toBeLessThan(1e-9)
  })
})

describe('squares beyond float64: finite std (numpy.std says inf) and normed Wasserstein as scipy W1 / exact std', () => {
  it.each(scaleFixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { mean, std } = meanAndStd(sorted(c.input.reference))
    expect(rel(std, c.expected.std)).toBeLessThan(1e-12)
    expect(Math.abs(mean - c.expected.mean)).toBeLessThanOrEqual(1e-14 * Math.max(Math.abs(c.expected.mean), c.expected.std))
    const r = wasserstein(c.input.reference, c.input.current)
    expect(rel(r.params['distance'] as number, c.expected.wassersteinDistance)).toBeLessThan(1e-9)
    expect(rel(r.score, c.expected.normedWasserstein)).toBeLessThan(1e-9)
  })

  it('scaling by a power of two scales mean and std exactly (bit for bit)', () => {
    const xs = sorted(fixture.cases[3]!.input.reference)
    const plain = meanAndStd(xs)
    for (const k of [-1000, -500, 500, 1000]) {
      const scaled = meanAndStd(xs.map((x) => x * 2 ** k))
      expect([scaled.mean, scaled.std]).toEqual([plain.mean * 2 ** k, plain.std * 2 ** k])
    }
  })

  it('the largest floats: mean 0 and std Number.MAX_VALUE, not inf', () => {
    const { mean, std } = meanAndStd([-Number.MAX_VALUE, Number.MAX_VALUE])
    expect(mean).toBe(0)
    expect(std).toBe(Number.MAX_VALUE)
  })
})
