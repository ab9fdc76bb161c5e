/**
 * Mergeable category counts, after OpenTelemetry's Aggregator: each window or partition
 * keeps one, and merging adds counts per category, so N consumers give the same counts as
 * one. The result feeds ./chi-square.ts, ./z-test.ts and ./categorical-distances.ts.
 *
 * A missing value (null or undefined) is counted in `missing` and never becomes a category,
 * the categorical counterpart of excluding NaN from numerical samples (./sample.ts).
 * The empty string is a category like any other.
 *
 * `update` adds to the state it is given and returns it; `merge` returns a new state (the rule
 * of ../types.ts).
 */
import type { Accumulator } from '../types.js'
import { checkWeight } from '../weight.js'

export interface CategoryState {
  counts: Map<string, number>
  missing: number
}

export type CategoryValue = string | null | undefined

export const categoryAccumulator: Accumulator<CategoryState, CategoryValue, CategoryState> = {
  create: () => ({ counts: new Map(), missing: 0 }),
  update(state, x, weight = 1) {
    if (checkWeight(weight) === 0) return state // no category without an observation
    if (x === null || x === undefined) state.missing += weight
    else state.counts.set(x, (state.counts.get(x) ?? 0) + weight)
    return state
  },
  merge(a, b) {
    const counts = new Map(a.counts)
    for (const [k, c] of b.counts) counts.set(k, (counts.get(k) ?? 0) + c)
    return { counts, missing: a.missing + b.missing }
  },
  result: (state) => state,
}
