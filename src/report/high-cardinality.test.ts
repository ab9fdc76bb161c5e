import { describe, expect, it } from 'vitest'
import { jensenShannon, psi } from '../metrics/drift/index.js'
import { createRng } from '../demo/random.js'
import { columnDrift } from './feature-drift.js'
import { expectedNoise, highCardinalityNotes } from './high-cardinality.js'

/** Counts of `n` draws over categories of the given weights, from a seeded generator (mulberry32). */
function drawCounts(weights: readonly number[], n: number, next: () => number): number[] {
  const cumulative: number[] = []
  let total = 0
  for (const w of weights) cumulative.push((total += w))
  const counts = new Array<number>(weights.length).fill(0)
  for (let i = 0; i < n; i++) {
    const u = next() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] as number) > u) hi = mid
      else lo = mid + 1
    }
    counts[lo] = (counts[lo] as number) + 1
  }
  return counts
}

/** A column of `n` values drawn uniformly from `categories` categories `k0`, `k1`, ... */
function uniformColumn(categories: number, n: number, next: () => number): string[] {
  return drawCounts(new Array<number>(categories).fill(1), n, next).flatMap((c, k) => new Array<string>(c).fill(`k${k}`))
}

/** The mean of `stat` over `trials` pairs of samples of one distribution. */
function meanByChance(stat: (r: number[], c: number[]) => number, weights: readonly number[], nReference: number, nCurrent: number, trials: number, seed: number): number {
  const next = createRng(seed).next
  let sum = 0
  for (let t = 0; t < trials; t++) sum += stat(drawCounts(weights, nReference, next), drawCounts(weights, nCurrent, next))
  return sum / trials
}

const uniform = (k: number) => new Array<number>(k).fill(1)
const zipf = (k: number) => Array.from({ length: k }, (_, i) => 1 / (i + 1))
const js = (r: number[], c: number[]) => jensenShannon(r, c).score
const psiScore = (r: number[], c: number[]) => psi(r, c).score

describe('expectedNoise: the distance two samples of one distribution show by chance (seeded simulation)', () => {
  // Sparse categories (a few values expected per category on the smaller side) add terms past
  // the second order: the estimate is then up to ~10% below the measured mean, a floor.
  const cases = [
    { name: 'uniform over 10,000, 50,000 rows a side', weights: uniform(10_000), nReference: 50_000, nCurrent: 50_000 },
    { name: 'uniform over 10,000, 200,000 rows a side', weights: uniform(10_000), nReference: 200_000, nCurrent: 200_000 },
    { name: 'uniform over 2,000, reference 10x the current', weights: uniform(2_000), nReference: 100_000, nCurrent: 10_000 },
    { name: 'zipf over 1,000, current 4x the reference', weights: zipf(1_000), nReference: 5_000, nCurrent: 20_000 },
    { name: 'zipf over 1,000, current 4x the reference, 10x the rows', weights: zipf(1_000), nReference: 50_000, nCurrent: 200_000 },
  ]
  for (const { name, weights, nReference, nCurrent } of cases) {
    it(`jensenshannon, ${name}: the mean of 10 seeded pairs is the estimate, up to 12% above it`, () => {
      const measured = meanByChance(js, weights, nReference, nCurrent, 10, 7)
      const estimated = expectedNoise('jensenshannon', weights.length, nReference, nCurrent) as number
      expect(measured / estimated).toBeGreaterThan(0.97)
      expect(measured / estimated).toBeLessThan(1.12)
    })
  }

  it('psi, zipf over 50, every category filled on both sides: within 10% of the mean of 50 seeded pairs', () => {
    const measured = meanByChance(psiScore, zipf(50), 20_000, 5_000, 50, 11)
    const estimated = expectedNoise('psi', 50, 20_000, 5_000) as number
    expect(Math.abs(measured / estimated - 1)).toBeLessThan(0.1)
  })

  it('no estimate for a test or linf', () => {
    for (const method of ['chi2', 'z', 'linf']) expect(expectedNoise(method, 10_000, 50_000, 50_000)).toBeUndefined()
  })
})

describe('a categorical column with many categories, unchanged between the files (regression: read as drifted, unnoted)', () => {
  const noteOf = (categories: number, rows: number, seed: number) => {
    const next = createRng(seed).next
    const reference = uniformColumn(categories, rows, next)
    const current = uniformColumn(categories, rows, next)
    const d = columnDrift('c', 'categorical', reference, current)
    const notes = highCardinalityNotes('c', { ...d.json, drift_detected: d.selected.score >= d.threshold }, reference, current)
    return { d, notes }
  }

  it.each([
    [10_000, 50_000, '0.2236'],
    [10_000, 200_000, '0.1118'],
  ] as const)('%i categories, %i rows a side: jensenshannon over its threshold, chi2 no drift, and the note says so', (categories, rows, noise) => {
    const { d, notes } = noteOf(categories, rows, 42)
    expect(d.json.method).toBe('jensenshannon')
    expect(d.selected.score).toBeGreaterThanOrEqual(d.threshold)
    expect(d.json.chi2?.p_value).toBeGreaterThan(0.05)
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatch(new RegExp(`^feature "c" has many categories for its rows \\(reference [\\d,]+ in ${rows.toLocaleString('en-US')} values, current [\\d,]+ in ${rows.toLocaleString('en-US')} values\\): its jensenshannon over the categories is dominated by sampling noise, about ${noise} between two samples of one distribution, at least half its threshold 0.1, so identical distributions can read as drifted; read its verdict with care: the chi-square p-value in the JSON \\(chi2.p_value\\) is the better reading there$`))
  })

  it('1,000 categories, 200,000 rows a side: noise 0.0354, under half the threshold, no note', () => {
    const { d, notes } = noteOf(1_000, 200_000, 42)
    expect(d.json.method).toBe('jensenshannon')
    expect(notes).toEqual([])
  })

  it('a test deciding (chi2, 1,000 rows a side) accounts for the sizes: no note', () => {
    const { d, notes } = noteOf(500, 1_000, 42)
    expect(d.json.method).toBe('chi2')
    expect(notes).toEqual([])
  })
})
