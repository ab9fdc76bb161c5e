/**
 * What every source (Kafka consumer group, or the embedded in-process source) hands to the
 * processing code. The same handlers run behind both, so there is one implementation of the logic.
 */
export interface SourceRecord {
  readonly topic: string
  readonly partition: number
  /** Kafka offset as a decimal string (int64). */
  readonly offset: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** A header key repeated on the record arrives as an array; a header without a value is null (kafkajs). */
  readonly headers: Readonly<Record<string, Buffer | string | null | (Buffer | string | null)[] | undefined>>
  /** Broker or producer timestamp, ms since the epoch, as a decimal string (kafkajs convention). */
  readonly timestamp: string
}

/** Records of one topic-partition, in offset order. */
export interface SourceBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly SourceRecord[]
}

/**
 * Processes one batch. It resolves only when the batch's effect is durable (rows written, dead
 * letters stored); only then may the source commit the offsets. A rejection with a retriable
 * DriftwatchError is retried by the source; any other rejection stops the process (the event
 * handler rejects so only when no piece of the batch escapes the failure: event-handler.ts).
 */
export type BatchHandler = (batch: SourceBatch) => Promise<void>

/** Idempotency token of a batch's effect: the same records always give the same token. */
export function batchToken(batch: SourceBatch, purpose: string): string {
  const first = batch.records[0]?.offset ?? 'none'
  const last = batch.records.at(-1)?.offset ?? 'none'
  return `${purpose}:${batch.topic}:${batch.partition}:${first}-${last}`
}
