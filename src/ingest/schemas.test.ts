import { describe, expect, it } from 'vitest'
import avro from 'avsc'
import { avroType, rawSchema } from './schemas.js'

// Keys that are also names on Object.prototype. avsc's own map decoding assigns val[key], so
// `__proto__` hit the prototype setter and vanished.
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']
const mapOf = <V>(v: (i: number) => V) => JSON.parse(JSON.stringify(Object.fromEntries(KEYS.map((k, i) => [k === '__proto__' ? '@@proto' : k, v(i)]))).replace('@@proto', '__proto__')) as Record<string, V>

const event = () => ({
  prediction_id: 'p1', model_id: 'm', model_version: 'v1', event_time: Date.UTC(2026, 10, 1),
  features: mapOf((i) => i + 0.5), prediction: { class_label: null, score: null, probabilities: mapOf((i) => i / 10), value: null },
  segments: mapOf((i) => `s${i}`), deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
})

describe('avroType decodes maps with every key verbatim', () => {
  it('keeps __proto__, constructor and the like as own keys of features, segments and probabilities', () => {
    const input = event()
    expect(Object.keys(input.features)).toEqual(KEYS)
    const decoded = avroType('prediction').fromBuffer(avroType('prediction').toBuffer(input)) as ReturnType<typeof event>
    for (const map of [decoded.features, decoded.segments, decoded.prediction.probabilities]) expect(Object.keys(map)).toEqual(KEYS)
    expect(Object.getPrototypeOf(decoded.features)).toBeNull()
    expect(decoded.features['__proto__']).toBe(0.5)
    expect(decoded.segments['constructor']).toBe('s1')
  })

  it('does the same through schema resolution (a writer schema that differs from ours)', () => {
    const schema = rawSchema('prediction') as { fields: object[] }
    const writer = avro.Type.forSchema({ ...schema, fields: [...schema.fields, { name: 'extra', type: 'int', default: 0 }] } as avro.Schema, { wrapUnions: false })
    const reader = avroType('prediction')
    const decoded = reader.fromBuffer(writer.toBuffer({ ...event(), extra: 1 }), reader.createResolver(writer)) as ReturnType<typeof event>
    expect(Object.keys(decoded.features)).toEqual(KEYS)
  })

  it('shows the avsc default that it replaces loses __proto__ (so this test can fail)', () => {
    const plain = avro.Type.forSchema(rawSchema('prediction') as avro.Schema, { wrapUnions: false })
    expect(Object.keys((plain.fromBuffer(plain.toBuffer(event())) as ReturnType<typeof event>).features)).not.toContain('__proto__')
  })
})
