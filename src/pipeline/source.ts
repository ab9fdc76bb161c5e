/**
 * What every source (Kafka consumer group, or the embedded in-process source) hands to the
 * processing code. The same handlers run behind both, so there is one implementation of the logic.
 */
import { createHash } from 'node:crypto'

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

/**
 * Idempotency token of a batch's effect: `<purpose>:<topic>:<partition>:<first>-<last>:<records>`.
 * The same records always give the same token. Other records at the same offsets give another:
 * a topic deleted and created again (or a new cluster behind the same name) starts again at
 * offset 0, and a token of offsets alone would be that of a batch of the old topic, which
 * ClickHouse drops as a duplicate, without an error, for as long as the token is in its
 * deduplication window (non_replicated_deduplication_window, 10,000 inserts).
 *
 * <records> is recordsDigest: of the first and last records only, so the token costs the same for
 * a batch of one record as for one of 10,000 (about 4 µs; it is made for every batch, on the
 * ingest path). A caller making several tokens of one batch passes the digest it computed once.
 */
export function batchToken(batch: SourceBatch, purpose: string, digest = recordsDigest(batch.records[0], batch.records.at(-1))): string {
  const first = batch.records[0]?.offset ?? 'none'
  const last = batch.records.at(-1)?.offset ?? 'none'
  return `${purpose}:${batch.topic}:${batch.partition}:${first}-${last}:${digest}`
}

/**
 * 16 hex digits of SHA-1 over two records' timestamps, keys and values (each length-prefixed, a
 * null key or value as length -1), '' for none. A record's bytes and timestamp are fixed once the
 * broker appended it, so a replay reads the same ones. Two records at the same offsets with
 * equal first and last records in all of that are taken for the same batch.
 */
export function recordsDigest(first: SourceRecord | undefined, last: SourceRecord | undefined): string {
  if (!first || !last) return ''
  const hash = createHash('sha1')
  for (const r of first === last ? [first] : [first, last]) {
    hash.update(`${r.timestamp}:${r.key?.length ?? -1}:${r.value?.length ?? -1}:`)
    if (r.key) hash.update(r.key)
    if (r.value) hash.update(r.value)
  }
  return hash.digest('hex').slice(0, 16)
}
