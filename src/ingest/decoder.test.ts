import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { DriftwatchError, type ErrorCode } from '../errors.js'
import { Decoder, UNKNOWN_SCHEMA_MEMORY_MS } from './decoder.js'
import { avroType, guardedTypes, rawSchema, type PredictionEvent } from './schemas.js'
import { frame } from './wire-format.js'

const failing = (code: ErrorCode, retriable = false) => {
  const calls = { n: 0 }
  const clock = { ms: 0 }
  const resolver = async (schemaId: number) => {
    calls.n++
    throw new DriftwatchError(code, `schema ${schemaId}: ${code}`, { retriable })
  }
  return { calls, clock, decoder: new Decoder(avroType('ground-truth'), resolver, () => clock.ms) }
}
const record = frame(42, Buffer.from([0]))

describe('Decoder', () => {
  it('remembers a schema id that can never be used, instead of asking the registry once per record', async () => {
    const { calls, decoder } = failing('DW_DECODE_UNSUPPORTED_SCHEMA')
    for (let i = 0; i < 3; i++) {
      await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_DECODE_UNSUPPORTED_SCHEMA' })
    }
    expect(calls.n).toBe(1)
  })

  it('asks again after a registry outage', async () => {
    const { calls, decoder } = failing('DW_REGISTRY_UNAVAILABLE', true)
    for (let i = 0; i < 2; i++) await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true })
    expect(calls.n).toBe(2)
  })

  it('answers an id the registry does not know from memory for a while, then asks again', async () => {
    const { calls, clock, decoder } = failing('DW_DECODE_UNKNOWN_SCHEMA')
    const attempt = () => expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA' })
    for (let i = 0; i < 1000; i++) await attempt()
    expect(calls.n).toBe(1)
    clock.ms += UNKNOWN_SCHEMA_MEMORY_MS - 1
    await attempt()
    expect(calls.n).toBe(1)
    clock.ms += 1
    await attempt()
    expect(calls.n).toBe(2)
  })

  it('reads an id registered after the registry did not know it, once the memory of that ran out', async () => {
    let registered = false
    const type = avroType('ground-truth')
    const decoder = new Decoder(type, async (id) => {
      if (!registered) throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema id ${id} is not in the registry`)
      return type
    }, () => clock.ms)
    const clock = { ms: 0 }
    const label = { prediction_id: 'p', label_time: 1_800_000_000_000, label: { class_label: 'a', value: null } }
    const value = frame(42, type.toBuffer(label))
    await expect(Promise.resolve().then(() => decoder.decode(value))).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA' })
    registered = true
    await expect(Promise.resolve().then(() => decoder.decode(value))).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA' })
    clock.ms += UNKNOWN_SCHEMA_MEMORY_MS
    expect(await decoder.decode(value)).toMatchObject({ prediction_id: 'p' })
  })

  it('shares one registry request among the records of a new id that arrive together', async () => {
    let calls = 0
    const type = avroType('ground-truth')
    const decoder = new Decoder(type, async () => {
      calls++
      await new Promise((r) => setTimeout(r, 10))
      return type
    })
    const value = frame(7, type.toBuffer({ prediction_id: 'p', label_time: 1_800_000_000_000, label: { class_label: 'a', value: null } }))
    const decoded = await Promise.all(Array.from({ length: 50 }, () => decoder.decode(value)))
    expect(decoded).toHaveLength(50)
    expect(calls).toBe(1)
  })

  it('remembers a writer schema that cannot be read as the reader schema', async () => {
    let calls = 0
    const decoder = new Decoder(avroType('ground-truth'), async () => {
      calls++
      return avroType('prediction')
    })
    for (let i = 0; i < 3; i++) await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: expect.stringMatching(/^DW_(DECODE_UNKNOWN_SCHEMA|MISSING_FIELD)$/) })
    expect(calls).toBe(1)
  })

  it('turns anything else a resolver throws into a retriable registry error whose message cannot throw', async () => {
    const decoder = new Decoder(avroType('ground-truth'), async () => {
      throw Symbol('odd')
    })
    await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true })
  })

  it('reports a tombstone (null value) as not Avro', () => {
    const { decoder } = failing('DW_DECODE_UNSUPPORTED_SCHEMA')
    expect(() => decoder.decode(null)).toThrow(expect.objectContaining({ code: 'DW_DECODE_NOT_AVRO', message: expect.stringMatching(/tombstone/) }))
  })
})

describe('Decoder: writer schemas a producer evolved', () => {
  const base = () => rawSchema('prediction') as { namespace: string; fields: { name: string; type: any; default?: unknown }[] }
  const field = (s: ReturnType<typeof base>, name: string) => s.fields.find((f) => f.name === name)!
  const writerOf = (schema: object) => avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'auto', typeHook: guardedTypes })
  const event = (o: object = {}) => ({
    prediction_id: 'p', model_id: 'm', model_version: 'v', event_time: 1_800_000_000_000, features: { income: 1.5 },
    prediction: { class_label: 'a', score: 0.5, probabilities: null, value: null }, segments: { g: 'A' },
    deployment: { environment: 'production', variant: 'champion' }, subject_id: null, ...o,
  })
  const decoderFor = (writer: avro.Type) => new Decoder<PredictionEvent>(avroType('prediction'), async () => writer)
  const decode = (decoder: Decoder<PredictionEvent>, writer: avro.Type, e: object) => Promise.resolve().then(() => decoder.decode(frame(7, writer.toBuffer(e))))

  it('reads a writer schema whose records are in another namespace: Avro matches names unqualified', async () => {
    const schema = base()
    schema.namespace = 'com.acme.ml'
    const writer = writerOf(schema)
    expect(writer.name).toBe('com.acme.ml.PredictionEvent')
    expect(await decode(decoderFor(writer), writer, event())).toMatchObject({ prediction_id: 'p', prediction: { score: 0.5 }, deployment: { variant: 'champion' } })
  })

  it('dead-letters a record whose variant the writer added, on its own, and reads the writer\'s other records', async () => {
    const schema = base()
    field(schema, 'deployment').type.fields[1].type.symbols.push('blue')
    const writer = writerOf(schema)
    const decoder = decoderFor(writer)
    await expect(decode(decoder, writer, event({ deployment: { environment: 'production', variant: 'blue' } }))).rejects.toMatchObject({
      code: 'DW_VALIDATION_FAILED',
      message: expect.stringMatching(/^deployment\.variant: "blue" is not one of champion, challenger, shadow, canary/),
      context: expect.objectContaining({ path: 'deployment.variant' }),
    })
    expect(await decode(decoder, writer, event({ deployment: { environment: 'production', variant: 'canary' } }))).toMatchObject({ deployment: { variant: 'canary' } })
  })

  it('names the field where a nullable record cannot be read, not the TypeError avsc throws there', async () => {
    const schema = base()
    const prediction = field(schema, 'prediction')
    prediction.type = ['null', prediction.type]
    prediction.default = null
    const writer = writerOf(schema)
    const failure = decode(decoderFor(writer), writer, event())
    await expect(failure).rejects.toMatchObject({
      code: 'DW_DECODE_UNKNOWN_SCHEMA',
      message: expect.stringMatching(/: prediction: the writer's "null" cannot be read as record io\.driftwatch\.v1\.Prediction$/),
      context: expect.objectContaining({ path: 'prediction' }),
    })
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringMatching(/Cannot read properties/) })
  })

  it('names the map whose values became nullable', async () => {
    const schema = base()
    field(schema, 'segments').type.values = ['null', 'string']
    const writer = writerOf(schema)
    await expect(decode(decoderFor(writer), writer, event())).rejects.toMatchObject({
      code: 'DW_DECODE_UNKNOWN_SCHEMA',
      message: expect.stringMatching(/: segments\.\(values\): the writer's "null" cannot be read as "string"$/),
    })
  })

  it('reads records of the bundled schema natively (the fast path), also when written with an enum default', async () => {
    const withDefault = base()
    field(withDefault, 'deployment').type.fields[1].type.default = 'champion'
    for (const writer of [avroType('prediction'), writerOf(withDefault)]) {
      const decoder = decoderFor(writer)
      await decode(decoder, writer, event())
      expect(decoder.readsNatively(7)).toBe(true)
    }
  })
})
