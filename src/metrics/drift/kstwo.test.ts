import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { ldexp } from './float-scaling.js'
import { kstwoSf } from './kstwo.js'
import { kolmogorovCdfDurbin } from './kstwo-durbin.js'
import { kolmogorovCdfPomeranz } from './kstwo-pomeranz.js'
import { smirnovSf } from './smirnov.js'

type Rows = [number, number, number][]
const rowsOf = (kind: string) =>
  (fixture.cases as unknown as { kind: string; input: { rows: Rows } }[]).find((c) => c.kind === kind)?.input
    .rows ?? []

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6)
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10 * expected)
}

describe('kstwoSf matches scipy.stats.kstwo.sf on every branch of _kolmogn', () => {
  it.each(rowsOf('kstwo'))('n=%d x=%f', (n, x, sf) => expectClose(kstwoSf(x, n), sf))
})

describe('smirnovSf matches scipy.special.smirnov', () => {
  it.each(rowsOf('smirnov'))('n=%d x=%f', (n, x, sf) => expectClose(smirnovSf(n, x), sf))
})

describe('Kolmogorov distribution internals', () => {
  it('Durbin matrix and Pomeranz agree where both are exact', () => {
    for (const n of [3, 10, 40, 140]) {
      for (const x of [1.5 / n, 0.2, 0.35]) {
        if (n * x > 1 && x < 0.5) {
          expect(kolmogorovCdfPomeranz(n, x)).toBeCloseTo(kolmogorovCdfDurbin(n, x), 12)
        }
      }
    }
  })

  it('rejects a non-integer or non-positive n and a NaN x', () => {
    expect(kstwoSf(0.1, 2.5)).toBeNaN()
    expect(kstwoSf(0.1, 0)).toBeNaN()
    expect(kstwoSf(Number.NaN, 5)).toBeNaN()
  })

  it('has the limits of a survival function', () => {
    expect(kstwoSf(0, 10)).toBe(1)
    expect(kstwoSf(-1, 10)).toBe(1)
    expect(kstwoSf(1, 10)).toBe(0)
    expect(kstwoSf(0.04, 10)).toBe(1)
  })

  it('ldexp scales past the double range of a single power of two', () => {
    expect(ldexp(2 ** 600, -1500)).toBe(2 ** -900)
    expect(ldexp(2 ** -600, 1500)).toBe(2 ** 900)
  })
})
