/**
 * Which partitions are stuck: a batch in progress (failing and backing off, or just not
 * finishing) for longer than `stuckAfterMs` (DRIFTWATCH_STUCK_PARTITION_MS). The source reports
 * each batch's start, retriable failures and end; /readyz and the driftwatch_partition_stuck
 * gauges read the result. The clock is injected.
 */
export interface PartitionState {
  readonly topic: string
  readonly partition: number
  /** Seconds the current batch has been in progress without success; 0 when idle. */
  readonly blockedSeconds: number
  readonly stuck: boolean
  /** Retriable failures of the current batch so far. */
  readonly failures: number
  /** DW_* code of the last failure of the current batch, or null. */
  readonly lastCode: string | null
}

interface Entry {
  topic: string
  partition: number
  since: number | null
  failures: number
  lastCode: string | null
}

export class PartitionProgress {
  private readonly entries = new Map<string, Entry>()

  constructor(
    readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private entry(topic: string, partition: number): Entry {
    const id = `${topic}\u0000${partition}`
    let e = this.entries.get(id)
    if (!e) this.entries.set(id, (e = { topic, partition, since: null, failures: 0, lastCode: null }))
    return e
  }

  started(topic: string, partition: number): void {
    Object.assign(this.entry(topic, partition), { since: this.now(), failures: 0, lastCode: null })
  }

  failed(topic: string, partition: number, code: string): void {
    const e = this.entry(topic, partition)
    e.since ??= this.now()
    e.failures++
    e.lastCode = code
  }

  /** The batch is done (committed), or was given up (rebalanced away, stopping). */
  finished(topic: string, partition: number): void {
    Object.assign(this.entry(topic, partition), { since: null, failures: 0, lastCode: null })
  }

  /** Every partition seen, idle ones with 0 seconds (so a gauge returns to 0 on recovery). */
  states(): PartitionState[] {
    const now = this.now()
    return [...this.entries.values()].map((e) => {
      const blockedMs = e.since === null ? 0 : Math.max(0, now - e.since)
      return { topic: e.topic, partition: e.partition, blockedSeconds: blockedMs / 1000, stuck: e.since !== null && blockedMs > this.stuckAfterMs, failures: e.failures, lastCode: e.lastCode }
    })
  }

  stuck(): PartitionState[] {
    return this.states().filter((s) => s.stuck)
  }
}
