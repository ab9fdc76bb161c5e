/**
 * Dead letters: a record that failed to decode or validate, kept with its raw bytes and the reason.
 *
 * On Kafka it goes to `<topic>.dlq` with the original key and value bytes untouched (so it can be
 * replayed as is) and the reason in headers:
 *   dw.error.code, dw.error.message, dw.source.topic, dw.source.partition, dw.source.offset,
 *   dw.source.timestamp, plus the original headers.
 * Its count by code (and the first bytes of the value) is also stored in ClickHouse, in both modes.
 */
import type { DriftwatchError } from '../errors.js'
import type { SourceRecord } from '../pipeline/source.js'

export interface DeadLetter {
  readonly record: SourceRecord
  readonly error: DriftwatchError
}

export const dlqTopic = (topic: string) => `${topic}.dlq`

export interface DeadLetterMessage {
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | string>
}

export function toDeadLetterMessage({ record, error }: DeadLetter): DeadLetterMessage {
  // Null-prototype: kafkajs decodes a header named `__proto__` as an own key; assigning it to a
  // plain object would set the prototype instead and drop the header from the dead letter.
  const headers = Object.create(null) as Record<string, Buffer | string>
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined) headers[k] = v
  Object.assign(headers, {
    'dw.error.code': error.code,
    'dw.error.message': error.message,
    'dw.source.topic': record.topic,
    'dw.source.partition': String(record.partition),
    'dw.source.offset': record.offset,
    'dw.source.timestamp': record.timestamp,
  })
  return { key: record.key, value: record.value, headers }
}

/** Bytes of the raw value kept in the ClickHouse row (the full bytes are on the DLQ topic). */
export const STORED_VALUE_PREFIX_BYTES = 4096

export interface DeadLetterRow {
  source_topic: string
  source_partition: number
  source_offset: string
  error_code: string
  error_message: string
  raw_key_base64: string
  raw_value_base64: string
  raw_value_bytes: number
}

export function toDeadLetterRow({ record, error }: DeadLetter): DeadLetterRow {
  return {
    source_topic: record.topic,
    source_partition: record.partition,
    source_offset: record.offset,
    error_code: error.code,
    error_message: error.message.slice(0, 2000),
    raw_key_base64: record.key?.toString('base64') ?? '',
    raw_value_base64: record.value?.subarray(0, STORED_VALUE_PREFIX_BYTES).toString('base64') ?? '',
    raw_value_bytes: record.value?.length ?? 0,
  }
}
