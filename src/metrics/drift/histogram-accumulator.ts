/**
 * Mergeable histogram over fixed reference bins (./reference-bins.ts), after OpenTelemetry's
 * Aggregator: windows and partitions each keep one, and merging them gives exactly the
 * histogram of the pooled values (counts add), so N consumers give the same answer as one.
 *
 * `update` adds to the state it is given and returns it; `merge` returns a new state (the rule of
 * ../types.ts). Non-finite values are counted
 * in `nonFinite`, never binned. Merging states built over different edges is a bug and
 * throws a RangeError (only the number of bins can be checked; keep edges with the state).
 */
import type { Accumulator } from '../types.js'
import { checkWeight } from '../weight.js'
import { type BinCounts, checkEdges } from './reference-bins.js'
import { countAtMost } from './sample.js'

/** BinCounts that updates add to. */
export interface HistogramState extends BinCounts {
  counts: number[]
  nonFinite: number
}

export function histogramAccumulator(edges: readonly number[]): Accumulator<HistogramState, number, HistogramState> {
  checkEdges(edges)
  const sortedEdges = Float64Array.from(edges)
  const size = edges.length + 1
  return {
    create: () => ({ counts: new Array<number>(size).fill(0), nonFinite: 0 }),
    update(state, x, weight = 1) {
      checkSize(state, size)
      if (checkWeight(weight) === 0) return state
      if (!Number.isFinite(x)) state.nonFinite += weight
      else state.counts[countAtMost(sortedEdges, x)]! += weight
      return state
    },
    merge(a, b) {
      checkSize(a, size)
      checkSize(b, size)
      return { counts: a.counts.map((c, i) => c + (b.counts[i] as number)), nonFinite: a.nonFinite + b.nonFinite }
    },
    result: (state) => state,
  }
}

function checkSize(state: HistogramState, size: number): void {
  if (state.counts.length !== size) {
    throw new RangeError(`histogram state has ${state.counts.length} bins, these edges make ${size}`)
  }
}
