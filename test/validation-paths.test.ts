/**
 * One validation rule set on the three ways in: Kafka (Avro through the real registry, consumed by
 * startApp's consumer group into chDB), HTTP ingest (the fastify API publishing through
 * startApp's publisher) and the label backfill (runBackfillLabels, the command's own function).
 * The same bad inputs get the same code and field path on every path; a poison record does not
 * stop the records behind it on its partition (one partition here, so they are behind it);
 * records in = stored + dead-lettered. Also: map keys that are Object.prototype names are stored
 * verbatim, and a prediction_id used by a second model is dead-lettered, so a label counts once.
 * The size limit (ingest.maxRecordBytes, key and value) draws the same line on every path too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { ingestLimits } from '../src/http/limits.js'
import { parsePredictionJson } from '../src/ingest/json-events.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { eventOfSize } from './support/unit/sized-events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

type Json = Record<string, unknown>
const now = Date.now()
const recent = now - 3_600_000
const quiet = () => ({ increment() {}, stop() {} })

/** One bad input: the JSON item (HTTP body item and JSONL line) and/or the Avro event (Kafka). */
interface Case {
  readonly name: string
  readonly json: Json | null
  readonly avro: Json | null
  readonly code: string
  readonly path: string
}

const label = (over: Json = {}): Json => ({ prediction_id: 'x', label: { class_label: 'approve', value: null }, label_time: recent, source: 'review', ...over })
const labelJson = (over: Json = {}): Json => ({ prediction_id: 'x', label: { class_label: 'approve' }, label_time: recent, ...over })

const LABEL_CASES: Case[] = [
  { name: 'label_time past the JavaScript Date range', json: labelJson({ label_time: 9e15 }), avro: label({ label_time: 9e15 }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'label_time' },
  { name: 'label_time past DateTime64', json: labelJson({ label_time: Date.UTC(2400, 0, 1) }), avro: label({ label_time: Date.UTC(2400, 0, 1) }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'label_time' },
  { name: 'label_time before 2000', json: labelJson({ label_time: Date.UTC(1999, 11, 31) }), avro: label({ label_time: Date.UTC(1999, 11, 31) }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'label_time' },
  { name: 'label_time two days ahead', json: labelJson({ label_time: now + 2 * 86_400_000 }), avro: label({ label_time: now + 2 * 86_400_000 }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'label_time' },
  { name: 'empty prediction_id', json: labelJson({ prediction_id: '' }), avro: label({ prediction_id: '' }), code: 'DW_BAD_PREDICTION_ID', path: 'prediction_id' },
  { name: '257-character prediction_id', json: labelJson({ prediction_id: 'i'.repeat(257) }), avro: label({ prediction_id: 'i'.repeat(257) }), code: 'DW_BAD_PREDICTION_ID', path: 'prediction_id' },
  { name: 'neither class nor value', json: labelJson({ label: {} }), avro: label({ label: { class_label: null, value: null } }), code: 'DW_MISSING_FIELD', path: 'label' },
  { name: 'zone-less label_time', json: labelJson({ label_time: '2026-11-01T12:00:00' }), avro: null, code: 'DW_VALIDATION_FAILED', path: 'label_time' },
  { name: 'undeclared field', json: labelJson({ colour: 'red' }), avro: null, code: 'DW_VALIDATION_FAILED', path: 'colour' },
  { name: 'undeclared label field', json: labelJson({ label: { class_label: 'a', colour: 'red' } }), avro: null, code: 'DW_VALIDATION_FAILED', path: 'label.colour' },
  { name: 'non-finite value', json: null, avro: label({ label: { class_label: null, value: Number.NaN } }), code: 'DW_NON_FINITE_NUMBER', path: 'label.value' },
]

const predictionJson = (over: Json = {}, p: Json = {}): Json => ({
  prediction_id: 'x', model_id: 'loan-approval', model_version: 'v1', event_time: recent, features: { income: 1.5 }, prediction: { score: 0.5, ...p }, ...over,
})
const predictionAvro = (over: Json = {}, p: Json = {}): Json => ({ ...prediction({ event_time: recent }), ...over, prediction: { class_label: null, score: 0.5, probabilities: null, value: null, ...p } })

const PREDICTION_CASES: Case[] = [
  { name: 'event_time past the JavaScript Date range', json: predictionJson({ event_time: 9e15 }), avro: predictionAvro({ event_time: 9e15 }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'event_time' },
  { name: 'event_time negative past the range', json: predictionJson({ event_time: -9e15 }), avro: predictionAvro({ event_time: -9e15 }), code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'event_time' },
  { name: 'score above 1', json: predictionJson({}, { score: 1.5 }), avro: predictionAvro({}, { score: 1.5 }), code: 'DW_VALIDATION_FAILED', path: 'prediction.score' },
  { name: 'score below 0', json: predictionJson({}, { score: -0.25 }), avro: predictionAvro({}, { score: -0.25 }), code: 'DW_VALIDATION_FAILED', path: 'prediction.score' },
  { name: 'probability above 1', json: predictionJson({}, { score: null, probabilities: { a: 1.25 } }), avro: predictionAvro({}, { score: null, probabilities: { a: 1.25 } }), code: 'DW_VALIDATION_FAILED', path: 'prediction.probabilities.a' },
  { name: 'empty model_id', json: predictionJson({ model_id: '' }), avro: predictionAvro({ model_id: '' }), code: 'DW_MISSING_FIELD', path: 'model_id' },
  { name: 'zone-less event_time', json: predictionJson({ event_time: '2026-11-01T12:00:00' }), avro: null, code: 'DW_VALIDATION_FAILED', path: 'event_time' },
  { name: 'undeclared prediction field', json: predictionJson({}, { colour: 'red' }), avro: null, code: 'DW_VALIDATION_FAILED', path: 'prediction.colour' },
]

/** Messages start with the field path: `label_time: 9000000000000000 is after ...`. */
const pathOf = (message: string) => message.slice(0, message.indexOf(': '))

describe('one validation rule set for Kafka, HTTP and backfill', () => {
  const config = testConfig({ partitions: 1 })
  const logger = createLogger(config.logLevel)
  let app: App
  let http: ReturnType<typeof createHttpServer>
  let producer: Producer
  let registry: SchemaRegistry
  let dir: string

  beforeAll(async () => {
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, evaluate: false })
    http = createHttpServer({ publisher: app.publisher, limits: ingestLimits(DEFAULT_FILE_CONFIG, 1000), security: { auth: 'open' }, bodyLimitBytes: 5 << 20, logger })
    producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    registry = new SchemaRegistry({ host: config.registryUrl! })
    dir = mkdtempSync(join(tmpdir(), 'dw-validation-it-'))
  })
  afterAll(async () => {
    await http?.close()
    await producer?.disconnect()
    await app?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  const post = async (url: string, body: unknown) => {
    const res = await http.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) })
    return { status: res.statusCode, body: res.json() as Json }
  }
  const encode = async (topic: string, event: Json) => registry.encode(await registry.getLatestSchemaId(`${topic}-value`), event)
  const deadLetters = (topic: string) =>
    queryRows<{ key: string; code: string; message: string }>(app.store, `SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL WHERE source_topic = {t:String} ORDER BY key`, { t: topic })
  const stored = (table: string, prefix: string) => count(app.store, `SELECT count() AS c FROM {db}.${table} FINAL WHERE startsWith(prediction_id, {p:String})`, { p: prefix })

  /** Produces each case's Avro event followed by a valid one on the one partition; returns code and path per case. */
  async function overKafka(topic: string, table: string, cases: readonly Case[], valid: (id: string) => Json, prefix: string) {
    const kafkaCases = cases.filter((c) => c.avro)
    const messages = []
    for (const [i, c] of kafkaCases.entries()) {
      const id = `${prefix}bad-${i}`
      messages.push({ key: id, value: await encode(topic, { ...c.avro, prediction_id: c.avro!['prediction_id'] === 'x' ? id : c.avro!['prediction_id'] }) })
      messages.push({ key: `${prefix}ok-${i}`, value: await encode(topic, valid(`${prefix}ok-${i}`)) })
    }
    await producer.send({ topic, messages })
    await waitFor(() => stored(table, `${prefix}ok-`), (n) => n === kafkaCases.length, { what: `valid records behind the poison ones on ${topic}` })
    // A batch's rows and its dead letters are written in parallel (both before its offsets are
    // committed), so the rows may be visible first: wait for the dead letters too.
    const bad = async () => (await deadLetters(topic)).filter((d) => d.key.startsWith(`${prefix}bad-`))
    await waitFor(async () => (await stored(table, prefix)) + (await bad()).length, (n) => n >= messages.length, { what: `every record on ${topic} stored or dead-lettered` })
    const dead = await bad()
    // Conservation: every record produced is stored or dead-lettered, none twice.
    expect((await stored(table, prefix)) + dead.length).toBe(messages.length)
    const byKey = new Map(dead.map((d) => [d.key, { code: d.code, path: pathOf(d.message) }]))
    return new Map(kafkaCases.map((c, i) => [c.name, byKey.get(`${prefix}bad-${i}`) ?? null]))
  }

  async function overHttp(route: string, cases: readonly Case[]) {
    const httpCases = cases.filter((c) => c.json)
    const res = await post(route, httpCases.map((c) => c.json))
    expect(res.status).toBe(200)
    const results = res.body['results'] as { status: string; code?: string; path?: string }[]
    return new Map(httpCases.map((c, i) => [c.name, results[i]!.status === 'rejected' ? { code: results[i]!.code, path: results[i]!.path } : null]))
  }

  const expectAll = (cases: readonly Case[], path: string, got: Map<string, { code?: string; path?: string } | null>) => {
    // Every case against the table, so one report lists every disagreement.
    const actual = cases.map((c) => ({ case: c.name, path, got: got.get(c.name) ?? null }))
    expect(actual).toEqual(cases.map((c) => ({ case: c.name, path, got: { code: c.code, path: c.path } })))
  }

  // HTTP and the backfill first: they need no consumer for their answers, and the backfill's valid
  // labels are then stored by a consumer that no poison record has stopped yet.
  it('labels: HTTP and the backfill command give the table\'s code and path', async () => {
    const jsonCases = LABEL_CASES.filter((c) => c.json)
    expectAll(jsonCases, 'http', await overHttp('/v1/labels', LABEL_CASES))

    // A JSON Lines file of the same items, each followed by a valid label.
    const lines = jsonCases.flatMap((c, i) => [JSON.stringify(c.json), JSON.stringify(labelJson({ prediction_id: `lb-ok-${i}` }))])
    const file = join(dir, 'labels.jsonl')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const err: string[] = []
    const exit = await runBackfillLabels(config, { file, skipInvalid: true, maxErrors: '100' }, { out: () => undefined, err: (l) => err.push(l), progress: quiet })
    expect(exit).toBe(0)
    const problems = new Map(
      err.flatMap((l) => {
        const m = /^line (\d+): (DW_\w+) (.*)$/.exec(l)
        return m ? [[Number(m[1]), { code: m[2], path: pathOf(m[3]!) }] as const] : []
      }),
    )
    expectAll(jsonCases, 'backfill', new Map(jsonCases.map((c, i) => [c.name, problems.get(2 * i + 1) ?? null])))
    expect(problems.size).toBe(jsonCases.length)
    await waitFor(() => stored('ground_truth', 'lb-ok-'), (n) => n === jsonCases.length, { what: 'the backfilled valid labels' })
    // Rejected HTTP items and invalid backfill rows are stored nowhere, not even as dead letters.
    expect(await stored('ground_truth', 'x')).toBe(0)
    expect(await deadLetters(config.topics.groundTruth)).toEqual([])
  })

  it('predictions: HTTP gives the table\'s code and path', async () => {
    expectAll(PREDICTION_CASES.filter((c) => c.json), 'http', await overHttp('/v1/predictions', PREDICTION_CASES))
    expect(await stored('predictions', 'x')).toBe(0)
  })

  it('labels: Kafka gives the table\'s code and path, and stores the valid labels behind each poison one', async () => {
    const kafka = await overKafka(config.topics.groundTruth, 'ground_truth', LABEL_CASES, (id) => label({ prediction_id: id }), 'lk-')
    expectAll(LABEL_CASES.filter((c) => c.avro), 'kafka', kafka)
  })

  it('predictions: Kafka gives the table\'s code and path, and stores the valid predictions behind each poison one', async () => {
    const kafka = await overKafka(config.topics.predictions, 'predictions', PREDICTION_CASES, (id) => predictionAvro({ prediction_id: id }), 'pk-')
    expectAll(PREDICTION_CASES.filter((c) => c.avro), 'kafka', kafka)
  })

  // Regression: HTTP and the backfill measured the value alone, the consumer key and value: an
  // event up to its id's length over the limit was accepted there and dead-lettered here.
  it('draws the size limit (key and value, 1 MiB by default) at the same byte on Kafka, HTTP and the backfill', async () => {
    const limit = DEFAULT_FILE_CONFIG.ingest.maxRecordBytes
    const bigPrediction = (id: string, bytes: number) => eventOfSize('prediction', bytes, now, (text) => predictionJson({ prediction_id: id, features: { income: 1.5, text } }))
    const bigLabel = (id: string, bytes: number) => eventOfSize('ground-truth', bytes, now, (source) => labelJson({ prediction_id: id, source }))
    const tooLarge = { code: 'DW_RECORD_TOO_LARGE', path: '(root)' }

    // HTTP: the answer per item, then what the consumer made of the accepted one.
    const http = await post('/v1/predictions', [bigPrediction('size-http-at', limit), bigPrediction('size-http-over', limit + 1)])
    expect(http.body['results']).toEqual([{ index: 0, status: 'accepted' }, { index: 1, status: 'rejected', ...tooLarge, reason: `(root): key and value are ${limit + 1} bytes, the limit is ${limit} (ingest.maxRecordBytes)` }])
    const labels = await post('/v1/labels', [bigLabel('size-lh-at', limit), bigLabel('size-lh-over', limit + 1)])
    expect((labels.body['results'] as Json[]).map((r) => r['status'])).toEqual(['accepted', 'rejected'])

    // The backfill: the row at the limit is sent, the one over it refused with the same code and path.
    const file = join(dir, 'big-labels.jsonl')
    writeFileSync(file, `${JSON.stringify(bigLabel('size-lb-at', limit))}\n${JSON.stringify(bigLabel('size-lb-over', limit + 1))}\n`)
    const err: string[] = []
    expect(await runBackfillLabels(config, { file, skipInvalid: true }, { out: () => undefined, err: (l) => err.push(l), progress: quiet })).toBe(0)
    expect(err.filter((l) => /^line \d+: DW_/.test(l))).toEqual([`line 2: DW_RECORD_TOO_LARGE (root): key and value are ${limit + 1} bytes, the limit is ${limit} (ingest.maxRecordBytes)`])

    // Kafka: the same two sizes produced directly (compressed, as a producer must to fit the
    // broker's message.max.bytes with a record this large).
    const avro = async (id: string, bytes: number) => {
      const parsed = parsePredictionJson(bigPrediction(id, bytes), now)
      if (!parsed.ok) throw parsed.error
      return { key: id, value: await encode(config.topics.predictions, parsed.event as unknown as Json) }
    }
    const kafka = [await avro('size-kafka-at', limit), await avro('size-kafka-over', limit + 1)]
    expect(kafka.map((m) => Buffer.byteLength(m.key) + m.value.length)).toEqual([limit, limit + 1])
    await producer.send({ topic: config.topics.predictions, compression: CompressionTypes.GZIP, messages: kafka })

    const what = { what: 'the records at the limit stored, the one over it dead-lettered' }
    await waitFor(async () => [await stored('predictions', 'size-'), await stored('ground_truth', 'size-'), (await deadLetters(config.topics.predictions)).filter((d) => d.key.startsWith('size-')).length], (n) => n[0] === 2 && n[1] === 2 && n[2] === 1, what)
    const rows = async (table: string) => (await queryRows<{ id: string }>(app.store, `SELECT prediction_id AS id FROM {db}.${table} FINAL WHERE startsWith(prediction_id, 'size-') ORDER BY id`)).map((r) => r.id)
    expect(await rows('predictions')).toEqual(['size-http-at', 'size-kafka-at'])
    expect(await rows('ground_truth')).toEqual(['size-lb-at', 'size-lh-at'])
    const dead = (await deadLetters(config.topics.predictions)).filter((d) => d.key.startsWith('size-'))
    expect(dead.map((d) => ({ key: d.key, code: d.code, path: pathOf(d.message) }))).toEqual([{ key: 'size-kafka-over', ...tooLarge }])
    expect((await deadLetters(config.topics.groundTruth)).filter((d) => d.key.startsWith('size-'))).toEqual([])
  })

  it('HTTP refuses an empty array with 400', async () => {
    const res = await post('/v1/predictions', [])
    expect(res.status).toBe(400)
    expect((res.body['error'] as Json)['code']).toBe('DW_VALIDATION_FAILED')
  })

  it('stores feature, segment and class names such as __proto__ and constructor verbatim, over Kafka and over HTTP', async () => {
    const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
    // JSON.parse makes `__proto__` an own key, as any JSON producer would send it.
    const map = (v: (i: number) => unknown) => `{${keys.map((k, i) => `"${k}": ${JSON.stringify(v(i))}`).join(', ')}}`
    const event = (id: string) =>
      `{"prediction_id": "${id}", "model_id": "loan-approval", "model_version": "v1", "event_time": ${recent},
        "features": ${map((i) => (i % 2 ? i + 0.5 : `c${i}`))}, "segments": ${map((i) => `s${i}`)},
        "prediction": {"class_label": "__proto__", "score": null, "value": null, "probabilities": ${map((i) => (i + 1) / 10)}},
        "deployment": {"environment": "production", "variant": "champion"}, "subject_id": null}`
    const rowsOf = (id: string) =>
      queryRows<Json>(
        app.store,
        `SELECT prediction_id, arraySort(mapKeys(features_num)) AS num, features_cat['__proto__'] AS proto, arraySort(mapKeys(features_cat)) AS cat, arraySort(mapKeys(segments)) AS seg,
                arraySort(mapKeys(probabilities)) AS probs FROM {db}.predictions FINAL WHERE prediction_id = {id:String}`,
        { id },
      )
    const sorted = [...keys].sort()
    const expected = (id: string) => [{ prediction_id: id, num: ['constructor', 'hasOwnProperty'], proto: 'c0', cat: ['__proto__', 'toString'], seg: sorted, probs: sorted }]

    const fromKafka = JSON.parse(event('proto-kafka')) as Json
    expect(Object.keys(fromKafka['features'] as Json)).toEqual(keys)
    await producer.send({ topic: config.topics.predictions, messages: [{ key: 'proto-kafka', value: await encode(config.topics.predictions, fromKafka) }] })
    await waitFor(() => stored('predictions', 'proto-kafka'), (n) => n === 1, { what: 'the prediction from Kafka' })
    expect(await rowsOf('proto-kafka')).toEqual(expected('proto-kafka'))

    const res = await post('/v1/predictions', `[${event('proto-http')}]`)
    expect(res).toMatchObject({ status: 200, body: { accepted: 1, rejected: 0 } })
    await waitFor(() => stored('predictions', 'proto-http'), (n) => n === 1, { what: 'the prediction from HTTP' })
    expect(await rowsOf('proto-http')).toEqual(expected('proto-http'))

    // The evaluator builds its partials with those names as keys: counted, and nothing else touched.
    await app.evaluator.evaluateNow()
    expect(Object.keys(Object.prototype)).toEqual([])
    const states = await queryRows<{ state: string }>(app.store, `SELECT state FROM {db}.partial_aggregates FINAL WHERE model_id = 'loan-approval'`)
    const categorical = states.map((r) => (JSON.parse(r.state) as { categorical: Record<string, Record<string, number>> }).categorical)
    expect(categorical.some((c) => Object.hasOwn(c, '__proto__') && Object.hasOwn(c, 'toString'))).toBe(true)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.dead_letters FINAL WHERE startsWith(base64Decode(raw_key_base64), 'proto-')`)).toBe(0)
  })

  it('dead-letters a prediction_id reused by another model, so its label counts in one model only', async () => {
    const p = (id: string, model: string) => encode(config.topics.predictions, predictionAvro({ prediction_id: id, model_id: model }))
    await producer.send({
      topic: config.topics.predictions,
      messages: [
        { key: 'shared-1', value: await p('shared-1', 'model-a') },
        { key: 'shared-1', value: await p('shared-1', 'model-b') }, // same batch: the first use claims the id
        { key: 'shared-1', value: await p('shared-1', 'model-a') }, // the owner again: idempotent
        { key: 'shared-ok', value: await p('shared-ok', 'model-b') },
      ],
    })
    await waitFor(() => stored('predictions', 'shared-ok'), (n) => n === 1, { what: 'the prediction behind the conflict' })
    // A later batch, and HTTP: the id is taken in the store by then.
    await producer.send({ topic: config.topics.predictions, messages: [{ key: 'shared-1', value: await p('shared-1', 'model-c') }] })
    const res = await post('/v1/predictions', [predictionJson({ prediction_id: 'shared-1', model_id: 'model-d' })])
    expect(res.body).toMatchObject({ accepted: 1 }) // HTTP cannot know the store: the conflict is dead-lettered downstream
    await producer.send({ topic: config.topics.groundTruth, messages: [{ key: 'shared-1', value: await encode(config.topics.groundTruth, label({ prediction_id: 'shared-1' })) }] })
    await waitFor(() => stored('ground_truth', 'shared-1'), (n) => n === 1, { what: 'the label' })

    const conflicts = () => count(app.store, `SELECT count() AS c FROM {db}.dead_letters FINAL WHERE error_code = 'DW_PREDICTION_ID_CONFLICT'`)
    await waitFor(conflicts, (n) => n === 3, { what: 'three conflicts (model-b, model-c, model-d)' })
    const rows = await queryRows<{ model_id: string }>(app.store, `SELECT model_id FROM {db}.predictions FINAL WHERE prediction_id = 'shared-1'`)
    expect(rows).toEqual([{ model_id: 'model-a' }])
    // The label joins one prediction, as the evaluator joins them (INNER JOIN ... USING prediction_id).
    expect(await count(app.store, `SELECT count() AS c FROM (SELECT prediction_id FROM {db}.predictions FINAL) AS p INNER JOIN (SELECT prediction_id FROM {db}.ground_truth FINAL) AS g USING prediction_id WHERE prediction_id = 'shared-1'`)).toBe(1)
    const messages = await queryRows<{ message: string }>(app.store, `SELECT error_message AS message FROM {db}.dead_letters FINAL WHERE error_code = 'DW_PREDICTION_ID_CONFLICT'`)
    expect(messages.map((m) => pathOf(m.message))).toEqual(['prediction_id', 'prediction_id', 'prediction_id'])
    // Conservation: 6 records = 2 stored rows + 3 dead letters + the owner's idempotent resend (collapses into its row).
    expect((await stored('predictions', 'shared-')) + (await conflicts())).toBe(5)
  })
})
