import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { createRng, type Rng } from '../demo/random.js'
import type { Privacy } from '../store/privacy.js'
import { PREDICTION_ROW, predictionRow } from '../store/rows.js'
import { readRows, typesOf } from '../../test/support/unit/row-binary.js'
import { RowBuffer } from '../store/row-buffer.js'
import { PredictionReader } from './prediction-reader.js'
import { avroType, InvalidUtf8Error, type PredictionEvent } from './schemas.js'
import { DEFAULT_LIMITS as INGEST_LIMITS, validatePrediction } from './validate.js'

/** The ingest limits but the width: these maps of up to 200,000 names test the reader, not ingest.maxFeatures. */
const DEFAULT_LIMITS = { ...INGEST_LIMITS, maxFeatures: Number.MAX_SAFE_INTEGER }

const type = avroType('prediction')
const source = { topic: 'preds', partition: 3, offset: '12345' }
const privacy: Privacy = { pseudonymize: (s) => `h(${s})`, piiFeatures: (m) => new Set(m === 'pii-model' ? ['zip', 'age'] : []) }
const NOW = Date.UTC(2026, 10, 29)

/** The avsc path's row of an event, as hex. */
function rowOf(event: PredictionEvent): string {
  const out = new RowBuffer(16)
  predictionRow(out, event, source, privacy)
  return out.buf.toString('hex', 0, out.pos)
}

/** A row (hex) read back column by column. */
const columnsOf = (row: string) => readRows(Buffer.from(row, 'hex'), typesOf(PREDICTION_ROW))[0]!

/** What the avsc path gives: the decoded event, its validation, and its row (hex) when valid. */
function slow(payload: Buffer) {
  const event = type.fromBuffer(payload) as PredictionEvent
  const problem = validatePrediction(event, NOW, DEFAULT_LIMITS)
  return { problem: problem?.message ?? null, line: problem ? null : rowOf(event), key: [event.prediction_id, event.model_id, event.model_version, event.event_time] }
}

function fast(payload: Buffer) {
  const out = new RowBuffer(16)
  out.copy(Buffer.from('previous row'), 0, 12)
  const read = new PredictionReader(privacy).read(payload, 0, source, out)
  if (!read) {
    expect(out.pos).toBe(12)
    return null
  }
  const problem = validatePrediction(read.event, NOW, DEFAULT_LIMITS)
  return { problem: problem?.message ?? null, line: problem ? null : out.buf.toString('hex', ...read.row), key: [read.event.prediction_id, read.event.model_id, read.event.model_version, read.event.event_time] }
}

// No lone surrogate: avsc writes one as bytes that are not UTF-8, which both paths refuse (below).
const NASTY = ['', 'plain', "it's", 'tab\there', 'new\nline', 'back\\slash', 'nul\0', 'é ü 中文 🙂', '\ufffd as sent', '__proto__', 'constructor', 'a,b:c{d}[e]', '\b\f\r']

function randomString(rng: Rng): string {
  return rng.next() < 0.5 ? rng.pick(NASTY) : `s${Math.floor(rng.next() * 1000)}`
}

function randomNumber(rng: Rng): number {
  const r = rng.next()
  if (r < 0.05) return rng.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 5e-324, 1e21, -1.7976931348623157e308])
  if (r < 0.3) return Math.round(rng.normal(0, 1e6))
  return rng.normal(0, 100)
}

function randomEvent(rng: Rng, i: number): PredictionEvent {
  const features: PredictionEvent['features'] = Object.create(null)
  const n = Math.floor(rng.next() * 25)
  for (let f = 0; f < n; f++) {
    const name = rng.next() < 0.2 ? rng.pick([...NASTY.filter((s) => s !== ''), 'zip', 'age', '__score__', '_x']) : `f${f}`
    const kind = rng.next()
    features[name] = kind < 0.15 ? null : kind < 0.6 ? randomNumber(rng) : kind < 0.85 ? randomString(rng) : rng.next() < 0.5
  }
  const score = rng.next() < 0.5 ? (rng.next() < 0.05 ? 1.5 : rng.next()) : null
  const probabilities = rng.next() < 0.2 ? { yes: rng.next(), [randomString(rng)]: rng.next() < 0.05 ? -0.5 : rng.next() } : null
  return {
    prediction_id: rng.next() < 0.05 ? '' : `${randomString(rng)}-${i}`,
    model_id: rng.pick(['loan', 'pii-model', "o'brien\tmodel"]),
    model_version: randomString(rng) || 'v1',
    event_time: rng.next() < 0.05 ? rng.pick([0, -5, Date.UTC(1999, 0, 1), NOW + 3 * 86_400_000]) : NOW - Math.floor(rng.next() * 86_400_000),
    features,
    prediction: { class_label: rng.next() < 0.5 ? randomString(rng) : null, score, probabilities, value: rng.next() < 0.3 ? randomNumber(rng) : null },
    segments: rng.next() < 0.7 ? { group: randomString(rng), [randomString(rng)]: randomString(rng) } : {},
    deployment: { environment: randomString(rng), variant: rng.pick(['champion', 'challenger', 'shadow', 'canary'] as const) },
    subject_id: rng.next() < 0.3 ? randomString(rng) : null,
  }
}

describe('PredictionReader', () => {
  it('gives the avsc path’s row, validation and join key for 5,000 random events', () => {
    const rng = createRng(20261129)
    let fastCount = 0
    let underscored = 0
    let emptyClasses = 0
    for (let i = 0; i < 5000; i++) {
      const event = randomEvent(rng, i)
      const payload = type.toBuffer(event)
      const f = fast(payload)
      if (f) fastCount++
      if (f && event.prediction.class_label === '') emptyClasses++
      if (Object.keys(event.features).some((k) => k.startsWith('__'))) underscored++
      expect(f ?? slow(payload), `event ${i}`).toEqual(slow(payload))
    }
    // Integer-like names do not occur in these events: all but those with a feature whose name
    // begins with two underscores, which validation reads on the avsc path, take the fast path.
    expect(underscored).toBeGreaterThan(100)
    expect(fastCount).toBe(5000 - underscored)
    // Empty predicted classes, refused by validation, are among the events both paths agree on.
    expect(emptyClasses).toBeGreaterThan(20)
  })

  it('reads an empty predicted class on the fast path, and validation refuses it there as on the avsc path', () => {
    const event = randomEvent(createRng(7), 7)
    const payload = type.toBuffer({ ...event, prediction_id: 'p-7', event_time: NOW - 1000, features: { x: 1 }, prediction: { class_label: '', score: 0.5, probabilities: null, value: null } })
    const f = fast(payload)
    expect(f).not.toBeNull()
    expect(f!.problem).toBe('prediction.class_label: must not be empty: leave class_label out, or send null, when there is no class')
    expect(f).toEqual(slow(payload))
  })

  it('pseudonymizes the pii features of their model only, as the avsc path does', () => {
    const event = randomEvent(createRng(1), 1)
    const payload = type.toBuffer({ ...event, model_id: 'pii-model', features: { zip: '75011', age: 42, other: 'x', missing: null } })
    expect(columnsOf(fast(payload)!.line!)).toMatchObject({ features_num: {}, features_cat: { zip: 'h(75011)', age: 'h(42)', other: 'x' }, features_missing: ['missing'] })
    expect(fast(payload)).toEqual(slow(payload))
  })

  /** The payload of `event` with its feature map replaced by raw map bytes. */
  function withFeatureBytes(event: PredictionEvent, mapBytes: Buffer): Buffer {
    const head = avro.Type.forSchema({
      type: 'record',
      name: 'Head',
      fields: [
        { name: 'prediction_id', type: 'string' },
        { name: 'model_id', type: 'string' },
        { name: 'model_version', type: 'string' },
        { name: 'event_time', type: 'long' },
      ],
    }).toBuffer(event)
    const whole = type.toBuffer({ ...event, features: {} })
    return Buffer.concat([head, mapBytes, whole.subarray(head.length + 1)])
  }
  const entries = avro.Type.forSchema({ type: 'map', values: ['null', 'double', 'string', 'boolean'] }, { wrapUnions: false })

  it('leaves a name given twice to the avsc path, where the last value wins', () => {
    const event = randomEvent(createRng(2), 2)
    const first = entries.toBuffer({ a: 1, b: 'x' })
    const second = entries.toBuffer({ a: 'now a string' })
    // Two blocks: the first map's entries (without its end marker), then the second map's.
    const payload = withFeatureBytes(event, Buffer.concat([first.subarray(0, first.length - 1), second]))
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(columnsOf(slow(payload).line!)['features_cat']).toEqual({ a: 'now a string', b: 'x' })
  })

  it.each([['__score__'], ['__class__'], ['__value__']])('refuses a feature named %s, the name of a column of the prediction, on both paths', (name) => {
    const event = { ...randomEvent(createRng(4), 4), prediction_id: 'p-1', model_id: 'loan', model_version: 'v1', event_time: NOW }
    const payload = type.toBuffer({ ...event, features: { z: 1, [name]: name === '__value__' ? 2 : 'x' } })
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(slow(payload).problem).toBe(`features.${name}: is a name driftwatch reserves for the prediction's own columns (__score__, __class__, __value__)`)
  })

  it.each([['10'], ['2'], ['0']])('leaves an integer-like name (%s) to the avsc path, which lists it first like an object does', (name) => {
    const event = randomEvent(createRng(3), 3)
    const payload = type.toBuffer({ ...event, features: { z: 1, [name]: 2 } })
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
  })

  it.each([['10'], ['0']])('leaves an integer-like segment name (%s) to the avsc path, which lists it first like an object does', (name) => {
    // A model and version validation accepts (no control characters), so that the avsc path gives a row.
    const event = { ...randomEvent(createRng(8), 8), model_id: 'loan', model_version: 'v1' }
    const payload = type.toBuffer({ ...event, segments: { z: 'a', [name]: 'b' } })
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(Object.keys(columnsOf(slow(payload).line!)['segments'] as object)).toEqual([name, 'z'])
  })

  it('leaves a segment name given twice to the avsc path, where the last value wins', () => {
    const event = randomEvent(createRng(9), 9)
    const segments = avro.Type.forSchema({ type: 'map', values: 'string' })
    const first = segments.toBuffer({ a: 'first', b: 'x' })
    const twice = Buffer.concat([first.subarray(0, first.length - 1), segments.toBuffer({ a: 'last' })])
    const plain = type.toBuffer({ ...event, segments: { a: 'first', b: 'x' } })
    const at = plain.indexOf(first)
    const payload = Buffer.concat([plain.subarray(0, at), twice, plain.subarray(at + first.length)])
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(columnsOf(slow(payload).line!)['segments']).toEqual({ a: 'last', b: 'x' })
    expect(fast(plain)).toEqual(slow(plain))
  })

  it('reads a name like 01 or -1, which an object keeps in place, on the fast path', () => {
    const event = randomEvent(createRng(4), 4)
    const payload = type.toBuffer({ ...event, features: { z: 1, '01': 2, '-1': 3 } })
    expect(fast(payload)).toEqual(slow(payload))
  })

  it('gives the avsc path’s row for each event when one reader reads a model’s events in turn, its scratch sections reused (names as before, reordered, fewer, more, named twice, integer-like)', () => {
    const reader = new PredictionReader(privacy)
    const rng = createRng(7)
    const base = (i: number) => ({ ...randomEvent(rng, i), model_id: i % 7 === 0 ? 'pii-model' : 'loan' })
    const names = ['f0', 'tab\there', 'é ü', 'zip', 'age', "it's", 'f6', 'f7']
    const features = (order: string[]) => Object.fromEntries(order.map((n, k) => [n, k % 3 === 0 ? rng.normal(0, 10) : k % 3 === 1 ? `v${k}` : null]))
    const twice = (event: PredictionEvent, name: string) => {
      const first = entries.toBuffer(features(names))
      const again = entries.toBuffer({ [name]: 'again' })
      return withFeatureBytes(event, Buffer.concat([first.subarray(0, first.length - 1), again]))
    }
    const payloads: Buffer[] = []
    for (let i = 0; i < 400; i++) {
      const event = base(i)
      const step = i % 8
      if (step === 5) payloads.push(twice(event, names[i % names.length]!)) // a name of the template, named again after it
      else {
        const order = step === 1 ? [...names].reverse() : step === 2 ? names.slice(0, 3) : step === 3 ? [...names, 'extra'] : step === 4 ? [...names, '7'] : names
        payloads.push(type.toBuffer({ ...event, features: features(order) }))
      }
    }
    let fastPath = 0
    for (const [i, payload] of payloads.entries()) {
      const out = new RowBuffer(16)
      // Half of them read from within a larger buffer, as a record's value after its header.
      const read = i % 2 === 0 ? reader.read(payload, 0, source, out) : reader.read(Buffer.concat([Buffer.alloc(5, 0xee), payload]), 5, source, out)
      const want = slow(payload)
      if (!read) continue
      fastPath++
      const problem = validatePrediction(read.event, NOW, DEFAULT_LIMITS)
      const key = [read.event.prediction_id, read.event.model_id, read.event.model_version, read.event.event_time]
      expect({ problem: problem?.message ?? null, line: problem ? null : out.buf.toString('hex', ...read.row), key }).toEqual({ problem: want.problem, line: want.line, key: want.key })
    }
    // Everything but the names given twice and the integer-like one is read on the fast path.
    expect(fastPath).toBe(payloads.length - 100)
  })

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['trailing bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([0])])],
    ['a bad union index', (b: Buffer) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from([0x08])])],
  ])('leaves a malformed payload (%s) to the avsc path, which reports it', (_, mangle) => {
    const payload = mangle(type.toBuffer(randomEvent(createRng(5), 5)))
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(() => type.fromBuffer(payload)).toThrow()
  })

  it.each([
    ['0xff', [0xff]],
    ['an overlong slash (c0 af)', [0xc0, 0xaf]],
    ['a truncated sequence (c3 then ASCII)', [0xc3, 0x28]],
    ['a surrogate (ed a0 80, as avsc writes a lone \\ud800)', [0xed, 0xa0, 0x80]],
  ])('refuses a string that is not UTF-8 (%s) in every field, on both paths', (_, bad) => {
    // Each field in turn holds a marker of the bad bytes' length, then the bytes replace it.
    const marker = 'Q'.repeat(bad.length)
    const fields: [string, (m: string) => PredictionEvent][] = [
      ['prediction_id', (m) => ({ ...valid, prediction_id: `p-${m}` })],
      ['model_id', (m) => ({ ...valid, model_id: `loan${m}` })],
      ['model_version', (m) => ({ ...valid, model_version: `v${m}` })],
      ['a feature name', (m) => ({ ...valid, features: { [`a${m}`]: 1, b: 2 } })],
      ['a feature value', (m) => ({ ...valid, features: { a: `x${m}` } })],
      ['a pii feature value', (m) => ({ ...valid, model_id: 'pii-model', features: { zip: `7${m}` } })],
      ['the class label', (m) => ({ ...valid, prediction: { ...valid.prediction, class_label: `yes${m}` } })],
      ['a probability key', (m) => ({ ...valid, prediction: { ...valid.prediction, probabilities: { [`yes${m}`]: 0.5 } } })],
      ['a segment name', (m) => ({ ...valid, segments: { [`g${m}`]: 'x' } })],
      ['a segment value', (m) => ({ ...valid, segments: { g: `x${m}` } })],
      ['the environment', (m) => ({ ...valid, deployment: { ...valid.deployment, environment: `prod${m}` } })],
      ['the subject id', (m) => ({ ...valid, subject_id: `s${m}` })],
    ]
    for (const [field, event] of fields) {
      const written = type.toBuffer(event(marker))
      const at = written.indexOf(marker)
      expect(at, field).toBeGreaterThan(0)
      const payload = Buffer.concat([written.subarray(0, at), Buffer.from(bad), written.subarray(at + bad.length)])
      expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer()), field).toBeNull()
      expect(() => type.fromBuffer(payload), field).toThrow(InvalidUtf8Error)
      // The same event with UTF-8 there takes the fast path.
      expect(fast(type.toBuffer(event('é'))), field).not.toBeNull()
    }
  })

  it('keeps two names that differ only in bytes that are not UTF-8 apart: both paths refuse them', () => {
    // Decoded with U+FFFD, "a\xff" and "a\xfe" were one name: one value replaced the other.
    const map = Buffer.concat([Buffer.from([0x04]), Buffer.from([0x04, 0x61, 0xff, 0x02]), Buffer.alloc(8), Buffer.from([0x04, 0x61, 0xfe, 0x02]), Buffer.alloc(8), Buffer.from([0x00])])
    const payload = withFeatureBytes(valid, map)
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(() => type.fromBuffer(payload)).toThrow(InvalidUtf8Error)
  })

  it('leaves a length that decodes to no number (a varint of 155 bytes) to the avsc path, which reports it', () => {
    const length = Buffer.concat([Buffer.alloc(154, 0x80), Buffer.from([0x00])])
    const map = Buffer.concat([Buffer.from([0x02, 0x02, 0x66, 0x04]), length, Buffer.from([0x00])])
    const payload = withFeatureBytes(valid, map)
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect(() => type.fromBuffer(payload)).toThrow(/truncated/)
  })

  /** `count` distinct names of three characters, none integer-like (a 1 MB prediction holds 200,000 of them). */
  function shortNames(count: number): string[] {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.:~!é中'
    const names: string[] = []
    for (let i = 0; i < count; i++) names.push(alphabet[i % 60]! + alphabet[Math.floor(i / 60) % 60]! + alphabet[Math.floor(i / 3600) % 60]!)
    // Names that begin with two underscores take the avsc path (the reserved names' check): '·' is not in the alphabet, so these stay distinct.
    return names.map((n) => (n.startsWith('__') ? `·${n.slice(1)}` : n))
  }
  /** An event that validation accepts, so that its row is compared. */
  const valid: PredictionEvent = {
    prediction_id: 'p-1',
    model_id: 'loan',
    model_version: 'v1',
    event_time: NOW - 60_000,
    features: {},
    prediction: { class_label: 'yes', score: 0.5, probabilities: null, value: null },
    segments: {},
    deployment: { environment: 'prod', variant: 'champion' },
    subject_id: null,
  }
  const manyFeatures = (names: readonly string[]): PredictionEvent['features'] =>
    Object.fromEntries(names.map((n, i) => [n, i % 5 === 0 ? i / 7 : i % 5 === 1 ? `v${i % 13}` : i % 5 === 2 ? i % 2 === 0 : null]))

  it('reads a prediction of 200,000 distinct feature names and 20,000 segments on the fast path, as the avsc path does', () => {
    const names = shortNames(200_000)
    expect(new Set(names).size).toBe(names.length)
    const event = valid
    const segments = Object.fromEntries(names.slice(0, 20_000).map((n, i) => [`s${n}`, `g${i % 9}`]))
    const payload = type.toBuffer({ ...event, features: manyFeatures(names), segments })
    const f = fast(payload)
    expect(f).not.toBeNull()
    expect(f).toEqual(slow(payload))
    expect(f!.problem).toBeNull()
  })

  it('leaves a feature name given twice, 100,000 names apart, to the avsc path, where the last value wins', () => {
    const names = shortNames(100_000)
    const event = valid
    const first = entries.toBuffer(manyFeatures(names))
    const again = entries.toBuffer({ [names[0]!]: 'again' })
    const payload = withFeatureBytes(event, Buffer.concat([first.subarray(0, first.length - 1), again]))
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    const cat = columnsOf(slow(payload).line!)['features_cat'] as Record<string, string>
    expect(cat[names[0]!]).toBe('again')
  })

  it('leaves a segment name given twice, 50,000 names apart, to the avsc path', () => {
    const names = shortNames(50_000)
    const event = valid
    const segments = avro.Type.forSchema({ type: 'map', values: 'string' })
    const first = segments.toBuffer(Object.fromEntries(names.map((n) => [n, 'x'])))
    const twice = Buffer.concat([first.subarray(0, first.length - 1), segments.toBuffer({ [names[1]!]: 'last' })])
    const plain = type.toBuffer({ ...event, segments: Object.fromEntries(names.map((n) => [n, 'x'])) })
    const at = plain.indexOf(first)
    const payload = Buffer.concat([plain.subarray(0, at), twice, plain.subarray(at + first.length)])
    expect(new PredictionReader(privacy).read(payload, 0, source, new RowBuffer())).toBeNull()
    expect((columnsOf(slow(payload).line!)['segments'] as Record<string, string>)[names[1]!]).toBe('last')
    expect(fast(plain)).toEqual(slow(plain))
  })

  it('gives the avsc path’s row when one reader reads maps of a few names and of many in turn, a name given twice found only when it is', () => {
    const reader = new PredictionReader(privacy)
    const event = valid
    const names = shortNames(70_000)
    const sizes = [20, 33, 200, 20, 70_000, 40, 1000, 32, 5000, 64]
    for (const [k, size] of sizes.entries()) {
      // Each map other names than the last one of its size, so that a stale table entry would read as a name given twice.
      const mine = names.slice(k % 2, size + (k % 2))
      const payload = type.toBuffer({ ...event, features: manyFeatures(mine), segments: Object.fromEntries(mine.slice(0, 40).map((n) => [n, 's'])) })
      const out = new RowBuffer(16)
      const read = reader.read(payload, 0, source, out)
      expect(read, `map of ${size}`).not.toBeNull()
      expect(out.buf.toString('hex', ...read!.row), `map of ${size}`).toBe(slow(payload).line)
      const twice = withFeatureBytes(event, Buffer.concat([entries.toBuffer(manyFeatures(mine)).subarray(0, -1), entries.toBuffer({ [mine[size - 1]!]: 1 })]))
      expect(reader.read(twice, 0, source, new RowBuffer()), `map of ${size}, its last name again`).toBeNull()
    }
  })

  it('reads a boolean byte other than 0 and 1 as avsc does (true)', () => {
    const event = randomEvent(createRng(7), 7)
    const payload = withFeatureBytes(event, Buffer.from([0x02, 0x02, 0x62, 0x06, 0x02, 0x00]))
    expect(columnsOf(fast(payload)!.line!)['features_cat']).toEqual({ b: 'true' })
    expect(fast(payload)).toEqual(slow(payload))
  })
})
