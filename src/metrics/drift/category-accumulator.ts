/**
 * Mergeable category counts, after OpenTelemetry's Aggregator: each window or partition
 * keeps one, and merging adds counts per category, so N consumers give the same counts as
 * one. The result feeds ./chi-square.ts, ./z-test.ts and ./categorical-distances.ts.
 *
 * A missing value (null or undefined) is counted in `missing` and never becomes a category,
 * the categorical counterpart of excluding NaN from numerical samples (./sample.ts).
 * The empty string is a category like any other.
 *
 * State is immutable: `update` and `merge` return new states (a copy of the map: fine for
 * the tens to hundreds of categories a monitored feature has).
 */
import type { Accumulator } from '../types.js'

export interface CategoryState {
  readonly counts: ReadonlyMap<string, number>
  readonly missing: number
}

export type CategoryValue = string | null | undefined

export const categoryAccumulator: Accumulator<CategoryState, CategoryValue, CategoryState> = {
  create: () => ({ counts: new Map(), missing: 0 }),
  update(state, x) {
    if (x === null || x === undefined) return { counts: state.counts, missing: state.missing + 1 }
    const counts = new Map(state.counts)
    counts.set(x, (counts.get(x) ?? 0) + 1)
    return { counts, missing: state.missing }
  },
  merge(a, b) {
    const counts = new Map(a.counts)
    for (const [k, c] of b.counts) counts.set(k, (counts.get(k) ?? 0) + c)
    return { counts, missing: a.missing + b.missing }
  },
  result: (state) => state,
}
