/**
 * Sizing dead letters to what the broker accepts on `<topic>.dlq`.
 *
 * The broker refuses (MESSAGE_TOO_LARGE) a produce whose record batch for one partition exceeds
 * the topic's `max.message.bytes` (default: the broker's `message.max.bytes`, 1048588), measured
 * after compression; kafkajs puts all messages of one send for a partition into one batch. So:
 *   1. every DLQ send is gzip-compressed (the TopicPublisher contract);
 *   2. each message's size is estimated: raw when the raw size already fits, else its gzip size
 *      (level 1, which compresses no better than the producer's level 6);
 *   3. messages are grouped into sends whose estimated sizes add up to at most the budget, 90% of
 *      the limit less 1 KiB (batch header, per-record framing, and the difference between
 *      compressing records together or one by one);
 *   4. a message over the budget on its own is cut, measured raw so it fits however its bytes
 *      compress: the original headers go when they are large, then the key and the value keep a
 *      prefix. The cut message says so (dw.truncated: what was cut, dw.original.*.bytes: the full
 *      sizes, dw.full.record: topic/partition/offset of the full record on the source topic, kept
 *      there for the source topic's retention).
 */
import { gzipSync } from 'node:zlib'
import { deadLetterHeaders, originalHeaders, type DeadLetter, type DeadLetterMessage, type HeaderValue } from './dead-letter.js'

/** Kafka's default `message.max.bytes`, used when the topic's limit cannot be read. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588

/** Bytes one DLQ send may carry (estimated) under a topic limit of `maxMessageBytes`. */
export const sendBudgetBytes = (maxMessageBytes: number) => Math.max(1024, Math.floor(maxMessageBytes * 0.9) - 1024)

const RECORD_OVERHEAD_BYTES = 32
const HEADER_OVERHEAD_BYTES = 16

function headerParts(headers: Record<string, HeaderValue>): Buffer[] {
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(Buffer.from(k, 'utf8'), Buffer.isBuffer(one) ? one : Buffer.from(String(one), 'utf8'))
  }
  return parts
}

const sumLength = (parts: readonly Buffer[]) => parts.reduce((s, p) => s + p.length, 0)

export function headersBytes(headers: Record<string, HeaderValue>): number {
  const parts = headerParts(headers)
  return sumLength(parts) + (parts.length / 2) * HEADER_OVERHEAD_BYTES
}

/** Uncompressed size of the message as a record, framing included (an upper bound). */
export function rawMessageBytes(m: DeadLetterMessage): number {
  return RECORD_OVERHEAD_BYTES + (m.key?.length ?? 0) + (m.value?.length ?? 0) + headersBytes(m.headers)
}

/** Estimated size on the wire: raw when that fits the budget, else the gzip size. */
export function estimatedMessageBytes(m: DeadLetterMessage, budget: number): number {
  const raw = rawMessageBytes(m)
  if (raw <= budget) return raw
  const parts = [m.key ?? Buffer.alloc(0), m.value ?? Buffer.alloc(0), ...headerParts(m.headers)]
  return RECORD_OVERHEAD_BYTES + (parts.length / 2) * HEADER_OVERHEAD_BYTES + gzipSync(Buffer.concat(parts), { level: 1 }).length
}

export interface FittedDeadLetter {
  readonly message: DeadLetterMessage
  /** What was cut, in this order: 'headers', 'key', 'value'; empty when the message is whole. */
  readonly truncated: readonly string[]
  /** Estimated bytes on the wire, for grouping into sends. */
  readonly sizeBytes: number
}

/** Room kept for the dw.truncated, dw.original.*.bytes and dw.full.record headers of a cut message. */
const TRUNCATION_HEADERS_BYTES = 512

export function fitDeadLetter(d: DeadLetter, budget: number): FittedDeadLetter {
  const dw = deadLetterHeaders(d)
  const original = originalHeaders(d.record)
  const whole: DeadLetterMessage = { key: d.record.key, value: d.record.value, headers: { ...original, ...dw } }
  const estimate = estimatedMessageBytes(whole, budget)
  if (estimate <= budget) return { message: whole, truncated: [], sizeBytes: estimate }

  const truncated: string[] = []
  let room = budget - RECORD_OVERHEAD_BYTES - headersBytes(dw) - TRUNCATION_HEADERS_BYTES
  let kept: Record<string, HeaderValue> = original
  const originalBytes = headersBytes(original)
  if (originalBytes > room / 8) {
    kept = {}
    truncated.push('headers')
  } else room -= originalBytes
  let key = d.record.key
  if (key && key.length > Math.floor(room / 8)) {
    key = key.subarray(0, Math.max(0, Math.floor(room / 8)))
    truncated.push('key')
  }
  room -= key?.length ?? 0
  let value = d.record.value
  if (value && value.length > room) {
    value = value.subarray(0, Math.max(0, room))
    truncated.push('value')
  }
  if (truncated.length === 0) {
    // Raw, it fits after all (its bytes do not compress): send it whole.
    return { message: whole, truncated, sizeBytes: rawMessageBytes(whole) }
  }
  const { topic, partition, offset } = d.record
  const message: DeadLetterMessage = {
    key,
    value,
    headers: {
      ...kept,
      ...dw,
      'dw.truncated': truncated.join(','),
      'dw.original.key.bytes': String(d.record.key?.length ?? 0),
      'dw.original.value.bytes': String(d.record.value?.length ?? 0),
      'dw.full.record': `${topic}/${partition}/${offset}`,
    },
  }
  return { message, truncated, sizeBytes: rawMessageBytes(message) }
}

/** Consecutive groups, in order, whose sizes add up to at most `budget` (an item larger alone is a group alone). */
export function groupBySize<T>(items: readonly T[], sizeOf: (item: T) => number, budget: number): T[][] {
  const groups: T[][] = []
  let current: T[] = []
  let used = 0
  for (const item of items) {
    const size = sizeOf(item)
    if (current.length > 0 && used + size > budget) {
      groups.push(current)
      current = []
      used = 0
    }
    current.push(item)
    used += size
  }
  if (current.length > 0) groups.push(current)
  return groups
}
