import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import { fitDeadLetter, KAFKA_DEFAULT_MAX_MESSAGE_BYTES, sendBudgetBytes } from './dead-letter-fit.js'

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
