/**
 * Dead letters: a record that failed to decode or validate, kept with its raw bytes and the reason.
 *
 * On Kafka it goes to `<topic>.dlq` with the original key and value bytes untouched (so it can be
 * replayed as is) and the reason in headers:
 *   dw.error.code, dw.error.message, dw.source.topic, dw.source.partition, dw.source.offset,
 *   dw.source.timestamp, plus the original headers.
 * A record too large for the DLQ topic even compressed is cut to fit (dead-letter-fit.ts) and
 * says so in dw.truncated; the `dead_letters` row records the same cut in `dlq_truncated`.
 * Its count by code (and the first bytes of key and value) is also stored in ClickHouse, in both modes.
 */
import type { DriftwatchError } from '../errors.js'
import type { SourceRecord } from '../pipeline/source.js'

export interface DeadLetter {
  readonly record: SourceRecord
  readonly error: DriftwatchError
}

export const dlqTopic = (topic: string) => `${topic}.dlq`

/** Header values as kafkajs carries them: a header key repeated on the record arrives as an array. */
export type HeaderValue = Buffer | string | (Buffer | string)[]

export interface DeadLetterMessage {
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, HeaderValue>
}

/** Characters of the error message kept, on the DLQ header and in the row alike. */
export const MAX_ERROR_MESSAGE_CHARS = 2000

export const boundedErrorMessage = (error: DriftwatchError) => String(error.message).slice(0, MAX_ERROR_MESSAGE_CHARS)

/** The dw.* headers; they are never cut. */
export function deadLetterHeaders({ record, error }: DeadLetter): Record<string, string> {
  return {
    'dw.error.code': error.code,
    'dw.error.message': boundedErrorMessage(error),
    'dw.source.topic': record.topic,
    'dw.source.partition': String(record.partition),
    'dw.source.offset': String(record.offset),
    'dw.source.timestamp': String(record.timestamp),
  }
}

/** Headers that say how this dead letter was cut: only ours may carry them (a replayed dead letter's are dropped). */
const TRUNCATION_HEADERS = new Set(['dw.truncated', 'dw.original.key.bytes', 'dw.original.value.bytes', 'dw.full.record'])

/** The record's own headers (undefined dropped), which the dw.* headers override on a clash. */
export function originalHeaders(record: SourceRecord): Record<string, HeaderValue> {
  // Null-prototype: kafkajs decodes a header named `__proto__` as an own key; assigning it to a
  // plain object would set the prototype instead and drop the header from the dead letter.
  const headers = Object.create(null) as Record<string, HeaderValue>
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined && v !== null && !TRUNCATION_HEADERS.has(k)) headers[k] = v as HeaderValue
  return headers
}

/** Bytes of the raw key and value kept in the ClickHouse row (the full bytes are on the DLQ topic). */
export const STORED_VALUE_PREFIX_BYTES = 4096

export interface DeadLetterRow {
  source_topic: string
  source_partition: number
  source_offset: string
  error_code: string
  error_message: string
  raw_key_base64: string
  raw_key_bytes: number
  raw_value_base64: string
  raw_value_bytes: number
  /** What the `.dlq` record had to leave out to fit the topic ('' when it is whole): e.g. 'value' or 'headers,key,value'. */
  dlq_truncated: string
}

export function toDeadLetterRow({ record, error }: DeadLetter, dlqTruncated: readonly string[] = []): DeadLetterRow {
  return {
    source_topic: record.topic,
    source_partition: record.partition,
    source_offset: String(record.offset),
    error_code: error.code,
    error_message: boundedErrorMessage(error),
    raw_key_base64: record.key?.subarray(0, STORED_VALUE_PREFIX_BYTES).toString('base64') ?? '',
    raw_key_bytes: record.key?.length ?? 0,
    raw_value_base64: record.value?.subarray(0, STORED_VALUE_PREFIX_BYTES).toString('base64') ?? '',
    raw_value_bytes: record.value?.length ?? 0,
    dlq_truncated: dlqTruncated.join(','),
  }
}
