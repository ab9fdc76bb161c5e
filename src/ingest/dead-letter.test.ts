import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { SourceRecord } from '../pipeline/source.js'
import { fitDeadLetter, KAFKA_DEFAULT_MAX_MESSAGE_BYTES, sendBudgetBytes } from './dead-letter-fit.js'
import { deadLetterHeaders, MAX_ERROR_MESSAGE_CHARS, originalHeaders, toDeadLetterRow, type DeadLetter } from './dead-letter.js'

describe('the dead letter published to the DLQ topic', () => {
  it('keeps every original header, one named __proto__ included, next to the dw.* headers', () => {
    // kafkajs builds record headers with computed keys, so `__proto__` arrives as an own key.
    const headers = { ['__proto__']: Buffer.from('p'), trace: 'abc' } as Record<string, Buffer | string>
    expect(Object.keys(headers)).toEqual(['__proto__', 'trace'])
    const { message: m } = fitDeadLetter(
      {
        record: { topic: 't', partition: 0, offset: '5', timestamp: '1', key: null, value: Buffer.from('v'), headers },
        error: new DriftwatchError('DW_DECODE_NOT_AVRO', 'bad'),
      },
      sendBudgetBytes(KAFKA_DEFAULT_MAX_MESSAGE_BYTES),
    )
    expect(Object.keys(m.headers)).toEqual(['__proto__', 'trace', 'dw.error.code', 'dw.error.message', 'dw.source.topic', 'dw.source.partition', 'dw.source.offset', 'dw.source.timestamp'])
    expect(m.headers['__proto__']).toEqual(Buffer.from('p'))
  })
})

const record = (over: Partial<SourceRecord> = {}): SourceRecord => ({ topic: 't', partition: 2, offset: '7', timestamp: '1', key: null, value: Buffer.from('v'), headers: {}, ...over })
const dead = (message: string, over: Partial<SourceRecord> = {}): DeadLetter => ({ record: record(over), error: new DriftwatchError('DW_VALIDATION_FAILED', message) })
/** A UTF-16 code unit of a surrogate pair with no partner. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe('the error message of a dead letter', () => {
  /** What ClickHouse is sent for the row: JSON, where a lone surrogate becomes an escape it refuses. */
  const json = (d: DeadLetter) => JSON.stringify(toDeadLetterRow(d))

  it('is cut before a surrogate pair the limit would split (a message quoting a long name ending in an emoji)', () => {
    const message = `${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 1)}🙂 is not a known feature`
    const d = dead(message)
    const row = toDeadLetterRow(d)
    expect(row.error_message).toBe('x'.repeat(MAX_ERROR_MESSAGE_CHARS - 1))
    expect(deadLetterHeaders(d)['dw.error.message']).toBe(row.error_message)
    expect(json(d)).not.toMatch(/\\ud[89a-f]/i)
  })

  it('keeps a surrogate pair that ends right at the limit', () => {
    const message = `${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 2)}🙂 and more`
    expect(toDeadLetterRow(dead(message)).error_message).toBe(`${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 2)}🙂`)
  })

  it('has a lone surrogate inside it (text an earlier cut split) replaced by U+FFFD, in the row and the header', () => {
    for (const message of ['feature "ab\ud83d" unknown', 'a\udc00b', 'ends \ud83d', '\ude42 starts']) {
      const d = dead(message)
      const row = toDeadLetterRow(d)
      expect(row.error_message).toBe(message.replace(LONE_SURROGATE, '\ufffd'))
      expect(row.error_message).not.toMatch(LONE_SURROGATE)
      expect(deadLetterHeaders(d)['dw.error.message']).toBe(row.error_message)
      expect(json(d)).not.toMatch(/\\ud[89a-f]/i)
    }
    expect(toDeadLetterRow(dead('é ü 中文 🙂')).error_message).toBe('é ü 中文 🙂')
  })
})

describe('originalHeaders', () => {
  it('drops null and undefined values, in a repeated header’s array too, and a header left with none', () => {
    const headers = {
      trace: [Buffer.from('a'), null],
      gone: [null, undefined],
      empty: [],
      none: null,
      missing: undefined,
      both: ['x', Buffer.from('y')],
      one: 'z',
    } as unknown as SourceRecord['headers']
    expect({ ...originalHeaders(record({ headers })) }).toEqual({ trace: [Buffer.from('a')], both: ['x', Buffer.from('y')], one: 'z' })
  })

  it('drops values that are not text or bytes (kafkajs’ own decoder puts inherited ones in the header named toString)', () => {
    const headers = { toString: [Object.prototype.toString, Buffer.from('t')], n: 5, o: {} } as unknown as SourceRecord['headers']
    expect({ ...originalHeaders(record({ headers })) }).toEqual({ toString: [Buffer.from('t')] })
  })
})
