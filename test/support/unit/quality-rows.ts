/** Seeded rows for the evaluator's unit tests: two numerical and two categorical features. */
import { createRng } from '../../../src/demo/random.js'
import type { Row } from '../../../src/metrics/profile/index.js'

export function qualityRows(n: number, seed: number, shift = 0): Row[] {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const row: Record<string, string | number | null> = {
      income: Math.round(Math.exp(rng.normal(10.9 + shift, 0.45))),
      ratio: Math.round(rng.normal(0.3, 0.1) * 1000) / 1000,
      city: rng.pick(['a', 'b', 'c', 'rare1', 'rare2', ...(shift ? ['new'] : [])], [50, 30, 19.3, 0.4, 0.3, ...(shift ? [5] : [])]),
      flag: rng.next() < 0.5 ? 'true' : 'false',
    }
    if (rng.next() < 0.05) row['ratio'] = null
    return row
  })
}
