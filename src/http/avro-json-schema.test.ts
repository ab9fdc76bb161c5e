import { describe, expect, it } from 'vitest'
import { avroToJsonSchema } from './avro-json-schema.js'

describe('avroToJsonSchema', () => {
  it.each([
    ['string', { type: 'string' }],
    ['boolean', { type: 'boolean' }],
    ['double', { type: 'number' }],
    ['null', { type: 'null' }],
    [{ type: 'string' }, { type: 'string' }],
    [['null', 'string'], { type: ['null', 'string'] }],
    [['null', 'double', 'float'], { type: ['null', 'number'] }],
    [{ type: 'enum', name: 'V', symbols: ['a', 'b'] }, { type: 'string', enum: ['a', 'b'] }],
    [{ type: 'map', values: 'double' }, { type: 'object', additionalProperties: { type: 'number' } }],
  ])('%j -> %j', (avro, json) => {
    expect(avroToJsonSchema(avro)).toEqual(json)
  })

  it('keeps longs in the safe-integer range avsc accepts', () => {
    expect(avroToJsonSchema('long')).toEqual({ type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })
  })

  it('accepts integer ms or an ISO date-time for timestamp-millis', () => {
    const s = avroToJsonSchema({ type: 'long', logicalType: 'timestamp-millis' })
    expect((s['anyOf'] as object[]).map((b) => ({ ...b, description: undefined }))).toEqual([
      { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description: undefined },
      { type: 'string', format: 'date-time', description: undefined },
    ])
  })

  it('uses anyOf for a union with a branch that is more than a bare type', () => {
    expect(avroToJsonSchema(['null', { type: 'map', values: 'string' }])).toEqual({
      anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: { type: 'string' } }],
    })
  })

  it('makes a record closed, with fields without a default required, doc and default carried over', () => {
    const record = {
      type: 'record',
      name: 'R',
      doc: 'a record',
      fields: [
        { name: 'a', type: 'string', doc: 'the a' },
        { name: 'b', type: ['null', 'double'], default: null },
      ],
    }
    expect(avroToJsonSchema(record)).toEqual({
      description: 'a record',
      type: 'object',
      properties: { a: { type: 'string', description: 'the a' }, b: { type: ['null', 'number'], default: null } },
      required: ['a'],
      additionalProperties: false,
    })
  })

  it.each([['bytes'], ['io.driftwatch.v1.Named'], [{ type: 'array', items: 'string' }], [{ type: 'fixed', size: 4, name: 'F' }]])('refuses %j: a type our contracts do not use is a bug', (avro) => {
    expect(() => avroToJsonSchema(avro as never)).toThrow(TypeError)
  })
})
