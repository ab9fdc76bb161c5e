/**
 * In-process source for embedded mode (no KAFKA_BROKERS): HTTP ingest and the demo publish here,
 * and the very same batch handlers as behind Kafka process the records. Each topic has a single
 * partition. Deduplication tokens are derived from offsets, so an offset must never be handed out
 * twice, across restarts too, even after the rows that carried it were deleted (erasure,
 * retention): before a batch is processed, its offsets are reserved durably (`reserve`, the
 * `source_offsets` table), in blocks of RESERVE_BLOCK so that most batches cost no extra write.
 * A restart continues after the highest reservation (`initialOffsets`); a crash leaves a gap,
 * never a reuse.
 */
import type { BatchHandler, SourceRecord } from './source.js'

export interface OutgoingMessage {
  readonly key: Buffer | null
  readonly value: Buffer
  readonly headers?: Readonly<Record<string, Buffer | string>>
}

/** Durably records that offsets below `nextOffset` of `topic` are taken. */
export type ReserveOffsets = (topic: string, nextOffset: bigint) => Promise<void>

/** Offsets reserved ahead of use per write: a restart skips at most this many. */
export const RESERVE_BLOCK = 10_000n

export class EmbeddedSource {
  private readonly nextOffset = new Map<string, bigint>()
  /** Per topic, offsets below this are durably reserved. */
  private readonly reserved = new Map<string, bigint>()
  private readonly queues = new Map<string, Promise<void>>()

  constructor(
    private readonly handlers: Readonly<Record<string, BatchHandler>>,
    initialOffsets: ReadonlyMap<string, bigint>,
    private readonly reserve: ReserveOffsets,
    private readonly now: () => number = Date.now,
  ) {
    for (const [topic, next] of initialOffsets) {
      this.nextOffset.set(topic, next)
      this.reserved.set(topic, next)
    }
  }

  /** Makes sure offsets below `end` are reserved durably before a batch that uses them runs. */
  private async reserveUpTo(topic: string, end: bigint): Promise<void> {
    if ((this.reserved.get(topic) ?? 0n) >= end) return
    const upTo = end + RESERVE_BLOCK
    await this.reserve(topic, upTo)
    this.reserved.set(topic, upTo)
  }

  /** Resolves when the batch's effect is durable, like a Kafka produce with acks=all plus processing. */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const handler = this.handlers[topic]
    if (!handler) return Promise.reject(new Error(`embedded source has no handler for topic "${topic}"`))
    if (messages.length === 0) return Promise.resolve()
    let offset = this.nextOffset.get(topic) ?? 0n
    const timestamp = String(this.now())
    const records: SourceRecord[] = messages.map((m) => ({
      topic,
      partition: 0,
      offset: (offset++).toString(),
      key: m.key,
      value: m.value,
      headers: m.headers ?? {},
      timestamp,
    }))
    this.nextOffset.set(topic, offset)
    // One batch at a time per topic, in offset order, as a Kafka partition is consumed.
    const previous = this.queues.get(topic) ?? Promise.resolve()
    const run = previous
      .catch(() => undefined)
      .then(() => this.reserveUpTo(topic, offset))
      .then(() => handler({ topic, partition: 0, records }))
    this.queues.set(topic, run)
    return run
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.queues.values()])
  }
}
