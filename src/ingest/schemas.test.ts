import { describe, expect, it } from 'vitest'
import avro from 'avsc'
import { avroType, guardedTypes, rawSchema } from './schemas.js'

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

/** Avro's zig-zag varint of `n`. */
function long(n: number): Buffer {
  let z = n >= 0 ? 2 * n : -2 * n - 1
  const out: number[] = []
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80)
    z = Math.floor(z / 0x80)
  }
  out.push(z)
  return Buffer.from(out)
}

describe('block counts of maps and arrays', () => {
  // A prediction's head, then a map block announcing 2^45 entries and no bytes for them. avsc's
  // own loops run once per announced entry, past the end of the buffer: days for this one record.
  const head = Buffer.concat([long(2), Buffer.from('p1'), long(1), Buffer.from('m'), long(2), Buffer.from('v1'), long(Date.UTC(2026, 10, 1))])
  const huge = 2 ** 45

  it.each([
    ['a count', long(huge)],
    ['a negative count with its byte size', Buffer.concat([long(-huge), long(10)])],
    ['a count of one more entry than bytes left', Buffer.concat([long(4), long(1), Buffer.from('a'), long(0)])],
  ])('refuses a map whose block announces more entries than there are bytes left (%s), at once', (_, block) => {
    const started = performance.now()
    expect(() => avroType('prediction').fromBuffer(Buffer.concat([head, block]))).toThrow(/truncated/)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('still reads a map split into blocks, negative counts and sizes included', () => {
    const type = avroType('prediction')
    const whole = type.toBuffer({ ...event(), features: { a: 1 } })
    const empty = type.toBuffer({ ...event(), features: {} })
    // Replace the one-entry map with two blocks: {a: 1} as a block of -1 with its size, then {b: 2}.
    const entry = (name: string, x: number) => Buffer.concat([long(1), Buffer.from(name), long(1), Buffer.from(new Float64Array([x]).buffer)])
    const at = whole.indexOf(entry('a', 1).subarray(1)) - 1
    const blocks = Buffer.concat([long(-1), long(entry('a', 1).length), entry('a', 1), long(1), entry('b', 2), long(0)])
    const payload = Buffer.concat([whole.subarray(0, at - 1), blocks, empty.subarray(at)])
    expect((type.fromBuffer(payload) as ReturnType<typeof event>).features).toEqual({ a: 1, b: 2 })
  })

  it('bounds the items of a whole decode: blocks of blocks of nulls cannot cost the square of the payload', () => {
    // Each inner array announces half the payload's size in nulls (no bytes each), within the
    // bytes left block by block: 80 KB were 400M steps, 200 KB 2.5G, a 1 MiB record minutes.
    const schema = rawSchema('prediction') as { fields: object[] }
    const writer = avro.Type.forSchema({ ...schema, fields: [{ name: 'extra', type: { type: 'array', items: { type: 'array', items: 'null' } } }, ...schema.fields] } as avro.Schema, { typeHook: guardedTypes })
    const reader = avroType('prediction')
    const size = 200_000
    const inner = Buffer.concat([long(size / 2), long(0)])
    const arrays = Math.floor(size / 2 / inner.length)
    const payload = Buffer.concat([long(arrays), ...new Array<Buffer>(arrays).fill(inner), long(0), Buffer.alloc(size / 2)])
    const started = performance.now()
    expect(() => reader.fromBuffer(payload, reader.createResolver(writer))).toThrow(/truncated/)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('refuses the same in a field of a writer schema the reader skips (a map, an array), with the registry client’s options', () => {
    const schema = rawSchema('prediction') as { fields: object[] }
    for (const extra of [{ type: 'map', values: 'string' }, { type: 'array', items: 'null' }, { type: 'array', items: 'long' }]) {
      const writerSchema = { ...schema, fields: [{ name: 'extra', type: extra }, ...schema.fields] } as avro.Schema
      // src/registry/client.ts gives the registry client these options for the schemas it parses.
      const writer = avro.Type.forSchema(writerSchema, { typeHook: guardedTypes })
      const reader = avroType('prediction')
      const started = performance.now()
      expect(() => reader.fromBuffer(Buffer.concat([long(huge), Buffer.alloc(40)]), reader.createResolver(writer))).toThrow(/truncated/)
      expect(performance.now() - started).toBeLessThan(1_000)
    }
  })
})
