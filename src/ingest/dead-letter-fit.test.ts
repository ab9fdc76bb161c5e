import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { SourceRecord } from '../pipeline/source.js'
import { estimatedMessageBytes, fitDeadLetter, groupBySize, KAFKA_DEFAULT_MAX_MESSAGE_BYTES, rawMessageBytes, sendBudgetBytes } from './dead-letter-fit.js'
import { toDeadLetterRow, type DeadLetter, type DeadLetterMessage } from './dead-letter.js'
import { decodeRecord, kafkajsRecordDecoder, type KafkajsDecoder } from '../kafka/record-decoder.js'

const require = createRequire(import.meta.url)

const record = (over: Partial<SourceRecord> = {}): SourceRecord => ({
  topic: 'p.predictions',
  partition: 3,
  offset: '41',
  key: Buffer.from('k-1'),
  value: Buffer.from('v'),
  headers: {},
  timestamp: '1700000000000',
  ...over,
})
const dead = (r: SourceRecord): DeadLetter => ({ record: r, error: new DriftwatchError('DW_RECORD_TOO_LARGE', 'too large') })
const budget = sendBudgetBytes(KAFKA_DEFAULT_MAX_MESSAGE_BYTES)

describe('fitDeadLetter', () => {
  it('keeps a record that fits whole, with the original headers and the dw.* headers', () => {
    const fitted = fitDeadLetter(dead(record({ headers: { trace: 'abc', dw: undefined } })), budget)
    expect(fitted.truncated).toEqual([])
    expect(fitted.message.value).toEqual(Buffer.from('v'))
    expect(fitted.message.headers).toMatchObject({ trace: 'abc', 'dw.error.code': 'DW_RECORD_TOO_LARGE', 'dw.source.offset': '41' })
    expect(fitted.message.headers['dw.truncated']).toBeUndefined()
  })

  it('keeps a compressible record whole when its gzip size fits (a gzip-compressed source record unpacked past the limit)', () => {
    const value = Buffer.alloc(5 * 1024 * 1024, 'abcdefgh')
    const fitted = fitDeadLetter(dead(record({ value })), budget)
    expect(fitted.truncated).toEqual([])
    expect(fitted.message.value).toBe(value)
    expect(fitted.sizeBytes).toBeLessThan(budget)
    expect(fitted.sizeBytes).toBeGreaterThanOrEqual(gzipSync(value, { level: 1 }).length)
  })

  it('cuts an incompressible value to a prefix under the budget and says where the full record is', () => {
    const value = randomBytes(2 * 1024 * 1024)
    const d = dead(record({ value }))
    const fitted = fitDeadLetter(d, budget)
    expect(fitted.truncated).toEqual(['value'])
    expect(rawMessageBytes(fitted.message)).toBeLessThanOrEqual(budget)
    expect(value.subarray(0, fitted.message.value!.length).equals(fitted.message.value!)).toBe(true)
    expect(fitted.message.value!.length).toBeGreaterThan(budget * 0.9)
    expect(fitted.message.headers).toMatchObject({
      'dw.truncated': 'value',
      'dw.original.value.bytes': String(value.length),
      'dw.full.record': 'p.predictions/3/41',
      'dw.error.code': 'DW_RECORD_TOO_LARGE',
    })
    // The row says the same.
    expect(toDeadLetterRow(d, fitted.truncated)).toMatchObject({ dlq_truncated: 'value', raw_value_bytes: value.length, error_code: 'DW_RECORD_TOO_LARGE' })
  })

  it('cuts a huge key and drops huge original headers, keeping the dw.* headers whole', () => {
    const key = randomBytes(900_000)
    const fitted = fitDeadLetter(dead(record({ key, value: randomBytes(400_000), headers: { big: randomBytes(300_000), many: [Buffer.from('a'), 'b'] } })), budget)
    expect(fitted.truncated).toEqual(['headers', 'key'])
    expect(fitted.message.headers['big']).toBeUndefined()
    expect(fitted.message.key!.length).toBeLessThan(key.length)
    expect(rawMessageBytes(fitted.message)).toBeLessThanOrEqual(budget)
    expect(fitted.message.headers['dw.original.key.bytes']).toBe('900000')
  })

  it('fits a topic with a small limit', () => {
    const small = sendBudgetBytes(64 * 1024)
    const fitted = fitDeadLetter(dead(record({ value: randomBytes(200_000), key: null })), small)
    expect(fitted.truncated).toEqual(['value'])
    expect(rawMessageBytes(fitted.message)).toBeLessThanOrEqual(small)
  })

  it('drops truncation headers a replayed dead letter carried, so the message and its row agree', () => {
    const fitted = fitDeadLetter(dead(record({ headers: { 'dw.truncated': 'value', 'dw.full.record': 'x/0/1', keep: 'me' } })), budget)
    expect(fitted.truncated).toEqual([])
    expect(fitted.message.headers['dw.truncated']).toBeUndefined()
    expect(fitted.message.headers['dw.full.record']).toBeUndefined()
    expect(fitted.message.headers['keep']).toBe('me')
  })

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string>
    const fitted = fitDeadLetter(dead(record({ headers })), budget)
    expect(Object.entries(fitted.message.headers)).toEqual(expect.arrayContaining([['__proto__', 'x'], ['a', 'b']]))
  })

  it('handles a tombstone (null value) and a null key', () => {
    const fitted = fitDeadLetter(dead(record({ value: null, key: null })), budget)
    expect(fitted.truncated).toEqual([])
    expect(fitted.message.value).toBeNull()
    expect(toDeadLetterRow(dead(record({ value: null, key: null })))).toMatchObject({ raw_value_bytes: 0, raw_key_bytes: 0, raw_key_base64: '', dlq_truncated: '' })
  })
})

describe('estimatedMessageBytes', () => {
  it('is the raw size when that fits, the gzip size otherwise', () => {
    const small = { key: null, value: Buffer.alloc(100), headers: {} }
    expect(estimatedMessageBytes(small, budget)).toBe(rawMessageBytes(small))
    const big = { key: null, value: Buffer.alloc(3_000_000), headers: {} }
    expect(estimatedMessageBytes(big, budget)).toBeLessThan(20_000)
  })
})

describe('groupBySize', () => {
  it('splits in order so that no group exceeds the budget (several 150 KB dead letters in one batch)', () => {
    const sizes = Array.from({ length: 20 }, () => 150_000)
    const groups = groupBySize(sizes, (s) => s, budget)
    expect(groups.flat()).toEqual(sizes)
    expect(groups.length).toBe(Math.ceil(20 / Math.floor(budget / 150_000)))
    for (const g of groups) expect(g.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget)
  })
  it('puts an item larger than the budget in a group of its own', () => {
    expect(groupBySize([1, 10, 1], (s) => s, 5)).toEqual([[1], [10], [1]])
    expect(groupBySize([], (s: number) => s, 5)).toEqual([])
  })
})

describe('a dead letter kafkajs’ producer encodes', () => {
  interface Encoder {
    buffer: Buffer
    writeInt8(v: number): Encoder
    writeVarInt(v: number): Encoder
    writeVarLong(v: number): Encoder
    writeVarIntString(v: string): Encoder
    writeVarIntBytes(v: Buffer | null): Encoder
    writeVarIntArray(items: Encoder[]): Encoder
  }
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => Encoder
  const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder
  /** kafkajs' encoder of one record of a produce request: what a send of the message runs. */
  const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (m: DeadLetterMessage) => Encoder

  /** A record as Kafka stores it, with these headers (a null value is Kafka's -1 length). */
  function recordBytes(headers: [string, Buffer | null][]): Buffer {
    const out = new Encoder().writeInt8(0).writeVarLong(0).writeVarInt(0).writeVarIntBytes(Buffer.from('k')).writeVarIntBytes(Buffer.from('v'))
    return out.writeVarIntArray(headers.map(([k, v]) => new Encoder().writeVarIntString(k).writeVarIntBytes(v))).buffer
  }
  const context = { firstOffset: '41', firstTimestamp: '1700000000000' }
  const headers: [string, Buffer | null][] = [
    ['trace', Buffer.from('a')],
    ['trace', null],
    ['lonely', null],
    ['nulls', null],
    ['nulls', null],
    ['toString', Buffer.from('t')],
    ['__proto__', Buffer.from('p')],
  ]

  it.each([
    ['driftwatch’s record decoder', decodeRecord],
    ['kafkajs’ own record decoder', kafkajsRecordDecoder()],
  ])('from a record whose headers have null values, in a repeated key too, decoded by %s', (_, decode) => {
    const decoded = decode(new Decoder(recordBytes(headers)), context)
    const d = dead(record({ key: decoded.key, value: decoded.value, headers: decoded.headers as unknown as SourceRecord['headers'] }))
    for (const fitted of [fitDeadLetter(d, budget), fitDeadLetter({ ...d, record: { ...d.record, value: randomBytes(80_000) } }, sendBudgetBytes(64 * 1024))]) {
      expect(() => encodeRecord(fitted.message)).not.toThrow()
      expect(fitted.message.headers).toMatchObject({ trace: [Buffer.from('a')], toString: expect.anything() })
      for (const gone of ['lonely', 'nulls']) expect(Object.keys(fitted.message.headers)).not.toContain(gone)
    }
  })
})
