import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { DriftwatchError, type ErrorCode } from '../errors.js'
import { Decoder, UNKNOWN_SCHEMA_MEMORY_MAX_IDS, UNKNOWN_SCHEMA_MEMORY_MS } from './decoder.js'
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

  it('remembers at most UNKNOWN_SCHEMA_MEMORY_MAX_IDS ids the registry did not know: a flood of distinct ids forgets the oldest', async () => {
    const { calls, decoder } = failing('DW_DECODE_UNKNOWN_SCHEMA')
    const attempt = (id: number) => expect(Promise.resolve().then(() => decoder.decode(frame(id, Buffer.from([0]))))).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA' })
    const flood = UNKNOWN_SCHEMA_MEMORY_MAX_IDS + 500
    for (let id = 1; id <= flood; id++) await attempt(id)
    expect(calls.n).toBe(flood)
    expect(decoder.unknownIdsRemembered).toBe(UNKNOWN_SCHEMA_MEMORY_MAX_IDS)
    // The newest is answered from memory, the oldest asked for again.
    await attempt(flood)
    expect(calls.n).toBe(flood)
    await attempt(1)
    expect(calls.n).toBe(flood + 1)
    expect(decoder.unknownIdsRemembered).toBe(UNKNOWN_SCHEMA_MEMORY_MAX_IDS)
  })

  it('drops the ids whose memory ran out as new unknown ids come', async () => {
    const { clock, decoder } = failing('DW_DECODE_UNKNOWN_SCHEMA')
    const attempt = (id: number) => expect(Promise.resolve().then(() => decoder.decode(frame(id, Buffer.from([0]))))).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA' })
    for (let id = 1; id <= 100; id++) await attempt(id)
    expect(decoder.unknownIdsRemembered).toBe(100)
    clock.ms += UNKNOWN_SCHEMA_MEMORY_MS
    await attempt(1000)
    expect(decoder.unknownIdsRemembered).toBe(1)
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

  it('refuses a field the writer renamed with an alias of its own, naming it, instead of reading the default', async () => {
    const top = base()
    Object.assign(field(top, 'subject_id'), { name: 'person_id', aliases: ['subject_id'] })
    const nested = base()
    Object.assign(field(nested, 'prediction').type.fields[1], { name: 'probability', aliases: ['score'] })
    const cases: [object, object, string][] = [
      [top, event({ subject_id: undefined, person_id: 'u-1' }), 'subject_id: the writer renamed it person_id'],
      [nested, event({ prediction: { class_label: 'a', probability: 0.5, probabilities: null, value: null } }), 'prediction.score: the writer renamed it probability'],
    ]
    for (const [schema, e, why] of cases) {
      const writer = writerOf(schema)
      await expect(decode(decoderFor(writer), writer, e)).rejects.toMatchObject({
        code: 'DW_DECODE_UNKNOWN_SCHEMA',
        message: expect.stringContaining(`: ${why} (an alias on the writer's field); Avro resolves the reader's aliases only, so it would be read as its default: keep the name`),
        context: expect.objectContaining({ path: why.slice(0, why.indexOf(':')) }),
      })
    }
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

describe('Decoder: writer schemas that are not a record', () => {
  const writerOf = (schema: unknown) => avro.Type.forSchema(schema as avro.Schema, { typeHook: guardedTypes })
  const decoderFor = <T>(kind: 'prediction' | 'ground-truth', writer: avro.Type) => new Decoder<T>(avroType(kind), async () => writer)
  const decode = <T>(decoder: Decoder<T>, value: Buffer) => Promise.resolve().then(() => decoder.decode(frame(7, value)))
  const event: PredictionEvent = {
    prediction_id: 'p', model_id: 'm', model_version: 'v', event_time: 1_800_000_000_000, features: { income: 1.5 },
    prediction: { class_label: 'a', score: 0.5, probabilities: null, value: null }, segments: { g: 'A' },
    deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
  }
  const label = { prediction_id: 'p', label: { class_label: 'a', value: null }, label_time: 1_800_000_000_000, source: 's' }

  for (const kind of ['prediction', 'ground-truth'] as const) {
    const name = kind === 'prediction' ? 'io.driftwatch.v1.PredictionEvent' : 'io.driftwatch.v1.GroundTruthEvent'
    it(`dead-letters every record of a ${kind} writer schema that is a string, an array, a map or an enum as DW_DECODE_UNSUPPORTED_SCHEMA, not a missing field`, async () => {
      const cases: [unknown, unknown, string][] = [
        ['string', 'hello', 'a string'],
        [{ type: 'array', items: 'string' }, ['a'], 'an array of string'],
        [{ type: 'map', values: 'double' }, { a: 1 }, 'a map of double'],
        [{ type: 'enum', name: 'Color', namespace: 'com.acme', symbols: ['red'] }, 'red', 'an enum com.acme.Color'],
      ]
      for (const [schema, value, what] of cases) {
        const writer = writerOf(schema)
        const decoder = decoderFor(kind, writer)
        for (let i = 0; i < 2; i++) {
          await expect(decode(decoder, writer.toBuffer(value))).rejects.toMatchObject({
            code: 'DW_DECODE_UNSUPPORTED_SCHEMA',
            message: `schema 7 is ${what}, not a record: driftwatch reads ${name} records (schemas/*.avsc)`,
          })
        }
      }
    })
  }

  it('reads a prediction written as the record branch of a union writer schema, and dead-letters one written as its null branch, naming the branch', async () => {
    const writer = writerOf(['null', rawSchema('prediction')])
    const decoder = decoderFor<PredictionEvent>('prediction', writer)
    expect(await decode(decoder, writer.toBuffer(event))).toEqual(event)
    await expect(decode(decoder, writer.toBuffer(null))).rejects.toMatchObject({
      code: 'DW_DECODE_UNSUPPORTED_SCHEMA',
      message: 'schema 7 is a union of null, record io.driftwatch.v1.PredictionEvent, and this record was written as its branch 0 (null), not a record: driftwatch reads io.driftwatch.v1.PredictionEvent records (schemas/*.avsc)',
    })
    // The null record is a dead letter of its own: the schema's next records are read.
    expect(await decode(decoder, writer.toBuffer({ ...event, prediction_id: 'q' }))).toMatchObject({ prediction_id: 'q' })
    // Never the fast path, which reads a payload as the bare record.
    expect(decoder.readsNatively(7)).toBe(false)
  })

  it('reads a label written as the record branch of a union writer schema that evolved, and dead-letters one written as its null branch', async () => {
    const evolved = rawSchema('ground-truth') as { namespace: string; fields: object[] }
    evolved.namespace = 'com.acme.labels'
    evolved.fields.push({ name: 'note', type: 'string', default: '' })
    const writer = writerOf([evolved, 'null'])
    const decoder = decoderFor('ground-truth', writer)
    expect(await decode(decoder, writer.toBuffer({ ...label, note: 'x' }))).toEqual(label)
    await expect(decode(decoder, writer.toBuffer(null))).rejects.toMatchObject({ code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: expect.stringMatching(/^schema 7 is a union of record com\.acme\.labels\.GroundTruthEvent, null, and this record was written as its branch 1 \(null\), not a record/) })
  })

  it('dead-letters a record written as a union branch that is another record, with that branch\'s reason', async () => {
    const writer = writerOf(['null', rawSchema('ground-truth'), rawSchema('prediction')])
    const decoder = decoderFor<PredictionEvent>('prediction', writer)
    // Avro's union encoding: the branch index (a zig-zag long), then the value.
    const asBranch = (index: number, kind: 'prediction' | 'ground-truth', value: object) => Buffer.concat([Buffer.from([index * 2]), avroType(kind).toBuffer(value)])
    expect(await decode(decoder, asBranch(2, 'prediction', event))).toEqual(event)
    await expect(decode(decoder, asBranch(1, 'ground-truth', label))).rejects.toMatchObject({ code: 'DW_MISSING_FIELD', message: expect.stringMatching(/^schema 7's branch 1 lacks required field\(s\) model_id, /) })
  })

  it('refuses a union writer schema with no record driftwatch reads, naming the union or its record', async () => {
    const noRecord = writerOf(['null', 'string'])
    await expect(decode(decoderFor('prediction', noRecord), noRecord.toBuffer('x'))).rejects.toMatchObject({
      code: 'DW_DECODE_UNSUPPORTED_SCHEMA',
      message: 'schema 7 is a union of null, string, with no record branch: driftwatch reads io.driftwatch.v1.PredictionEvent records (schemas/*.avsc)',
    })
    const otherRecord = writerOf(['null', rawSchema('ground-truth')])
    await expect(decode(decoderFor('prediction', otherRecord), otherRecord.toBuffer(label))).rejects.toMatchObject({ code: 'DW_MISSING_FIELD', message: expect.stringMatching(/^schema 7's branch 1 lacks required field\(s\) model_id, /) })
  })

  it('reports a union branch index the writer schema does not have as a payload that does not match it', async () => {
    const writer = writerOf(['null', rawSchema('prediction')])
    const decoder = decoderFor('prediction', writer)
    await expect(decode(decoder, Buffer.from([4]))).rejects.toMatchObject({ code: 'DW_DECODE_FAILED', message: 'Avro payload does not match schema 7: invalid union index: 2' })
    await expect(decode(decoder, Buffer.from([0x80]))).rejects.toMatchObject({ code: 'DW_DECODE_FAILED', message: 'Avro payload does not match schema 7: truncated buffer' })
    await expect(decode(decoder, Buffer.concat([writer.toBuffer(event), Buffer.from([0])]))).rejects.toMatchObject({ code: 'DW_DECODE_FAILED', message: expect.stringMatching(/trailing data/) })
  })
})
