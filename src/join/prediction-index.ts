/**
 * The bounded in-memory side of the join: recent predictions by id, enough to route a label to
 * its window without asking ClickHouse. Insertion-ordered; past `capacity` the oldest entry is
 * evicted, and a label for an evicted prediction is resolved by a batched ClickHouse lookup.
 * Pure: no clock, no I/O.
 */
export interface JoinTarget {
  readonly modelId: string
  readonly modelVersion: string
  readonly eventTimeMs: number
}

export class PredictionIndex {
  private readonly entries = new Map<string, JoinTarget>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`index capacity must be a non-negative integer, got ${capacity}`)
  }

  get size(): number {
    return this.entries.size
  }

  add(predictionId: string, target: JoinTarget): void {
    if (this.capacity === 0) return
    this.entries.delete(predictionId)
    this.entries.set(predictionId, target)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
  }

  get(predictionId: string): JoinTarget | undefined {
    return this.entries.get(predictionId)
  }
}
