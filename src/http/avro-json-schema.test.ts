import { Ajv2020 } from 'ajv/dist/2020.js'
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

  it('accepts for timestamp-millis the forms ingest reads: integer ms, ms as digits, ISO 8601 with a zone or a bare date', () => {
    const s = avroToJsonSchema({ type: 'long', logicalType: 'timestamp-millis' })
    expect((s['anyOf'] as object[]).map((b) => ({ ...b, description: undefined, pattern: undefined }))).toEqual([
      { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description: undefined, pattern: undefined },
      { type: 'string', description: undefined, pattern: undefined },
      { type: 'string', description: undefined, pattern: undefined },
    ])
    const valid = new Ajv2020({ strict: true }).compile(s)
    const accepted = [1795341600000, '1795341600000', '2026-11-21', '2026-11-21T10:00:00Z', '2026-11-21T10:00:00.123+01:00', '2026-11-21T10:00-0500', '2026-11-21 10:00:00z']
    const refused = [1.5, '2026-11-21T10:00:00', '2026-11-21T10Z', '1.7e12', 'yesterday', '', '2026-11-21T10:00:00Z trailing']
    expect(accepted.map((v) => [v, valid(v)])).toEqual(accepted.map((v) => [v, true]))
    expect(refused.map((v) => [v, valid(v)])).toEqual(refused.map((v) => [v, false]))
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
