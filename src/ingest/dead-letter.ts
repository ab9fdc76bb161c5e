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

/** Characters (UTF-16 code units) of the error message kept, on the DLQ header and in the row alike. */
export const MAX_ERROR_MESSAGE_CHARS = 2000

/** The first `max` UTF-16 code units of `text`, one fewer where the cut would split a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text
  const last = text.charCodeAt(max - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}

/**
 * The error message as the dead letter carries it, on the DLQ header and in the row alike: cut
 * to MAX_ERROR_MESSAGE_CHARS without splitting a surrogate pair, and well-formed (a lone
 * surrogate an earlier cut left inside becomes U+FFFD). Messages quote input cut by UTF-16
 * length; JSON.stringify writes a lone surrogate as an escape ClickHouse refuses, and kafkajs
 * writes it as U+FFFD, so the two would differ.
 */
export const boundedErrorMessage = (error: DriftwatchError) => cutText(String(error.message), MAX_ERROR_MESSAGE_CHARS).toWellFormed()

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

/**
 * A header value kafkajs' producer can write. It sizes each value with `Buffer.byteLength`, which
 * throws on anything but a string or bytes, and the send fails (retried forever) for the whole
 * batch. A record's headers can hold more than SourceRecord's type says: kafkajs decodes a header
 * without a value as null, in a repeated key's array too, and its own decoder (which stays in
 * place for another kafkajs version) puts inherited Object.prototype values in the array of a
 * header named `toString` or `__proto__` (src/kafka/record-decoder.ts).
 */
const encodable = (v: unknown): v is Buffer | string => typeof v === 'string' || Buffer.isBuffer(v)

/**
 * The record's own headers, which the dw.* headers override on a clash: only values kafkajs can
 * write (`encodable`) are kept, in an array as in a single value, and a header left with none is
 * dropped.
 */
export function originalHeaders(record: SourceRecord): Record<string, HeaderValue> {
  // Null-prototype: kafkajs decodes a header named `__proto__` as an own key; assigning it to a
  // plain object would set the prototype instead and drop the header from the dead letter.
  const headers = Object.create(null) as Record<string, HeaderValue>
  for (const [k, v] of Object.entries(record.headers as Readonly<Record<string, unknown>>)) {
    if (TRUNCATION_HEADERS.has(k)) continue
    if (Array.isArray(v)) {
      const kept = v.filter(encodable)
      if (kept.length > 0) headers[k] = kept
    } else if (encodable(v)) headers[k] = v
  }
  return headers
}

/** Bytes of the raw key and value kept in the ClickHouse row (the full bytes are on the DLQ topic). */
export const STORED_VALUE_PREFIX_BYTES = 4096

/** The first STORED_VALUE_PREFIX_BYTES of a key or value, base64, as a dead letter's row keeps them ('' for none). */
export const storedPrefix = (bytes: Buffer | null) => bytes?.subarray(0, STORED_VALUE_PREFIX_BYTES).toString('base64') ?? ''

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
    raw_key_base64: storedPrefix(record.key),
    raw_key_bytes: record.key?.length ?? 0,
    raw_value_base64: storedPrefix(record.value),
    raw_value_bytes: record.value?.length ?? 0,
    dlq_truncated: dlqTruncated.join(','),
  }
}
