/**
 * In-process source for embedded mode (no KAFKA_BROKERS): HTTP ingest and the demo publish here,
 * and the very same batch handlers as behind Kafka process the records. Each topic has a single
 * partition; offsets continue from the highest offset already stored (`initialOffsets`), so
 * deduplication tokens stay unique across restarts.
 */
import type { BatchHandler, SourceRecord } from './source.js'

export interface OutgoingMessage {
  readonly key: Buffer | null
  readonly value: Buffer
  readonly headers?: Readonly<Record<string, Buffer | string>>
}

export class EmbeddedSource {
  private readonly nextOffset = new Map<string, bigint>()
  private readonly queues = new Map<string, Promise<void>>()

  constructor(
    private readonly handlers: Readonly<Record<string, BatchHandler>>,
    initialOffsets: ReadonlyMap<string, bigint> = new Map(),
    private readonly now: () => number = Date.now,
  ) {
    for (const [topic, next] of initialOffsets) this.nextOffset.set(topic, next)
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
    const run = previous.catch(() => undefined).then(() => handler({ topic, partition: 0, records }))
    this.queues.set(topic, run)
    return run
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.queues.values()])
  }
}
