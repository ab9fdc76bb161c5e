/**
 * The TypeScript producer client against real Kafka, at the broker's limits: a batch larger than
 * the broker's max message size is sent in pieces, an event the broker refuses on its own is
 * reported and dropped while the events behind it are delivered (also when the refusal fails a
 * request for several partitions), an event over maxRecordBytes or maxFeatures is refused at the
 * call, and a logger that cannot start leaves nothing open that would keep the process alive.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { isDriftwatchError } from '../src/errors.js'
import { createPredictionLogger, type PredictionLoggerOptions } from '../src/index.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const t = Date.now() - 60_000
/**
 * Features of random text making about `bytes` of Avro, in at most 400 features (within the
 * default ingest.maxFeatures, 1,000): base64 of random bytes, of which gzip saves about a quarter.
 */
const bulkyFeatures = (bytes: number) => {
  const n = Math.min(400, Math.max(1, Math.floor(bytes / 16)))
  const each = Math.max(1, Math.floor(bytes / n) - 6)
  const features: Record<string, string> = {}
  for (let j = 0; j < n; j++) features[`f${j}`] = randomBytes(Math.ceil(each * 0.75)).toString('base64').slice(0, each)
  return features
}
const prediction = (id: string, features: Record<string, number | string> = { x: 1 }) => ({ prediction_id: id, model_id: 'm', model_version: 'v1', event_time: t, features, prediction: { score: 0.5 } })
const loggerOptions = (config: RuntimeConfig, o: Partial<PredictionLoggerOptions> = {}): PredictionLoggerOptions => ({
  brokers: config.kafka!.brokers,
  registryUrl: config.registryUrl!,
  topicPrefix: config.topics.predictions.replace(/predictions$/, ''),
  flushTimeoutMs: 20_000,
  retryBackoff: { baseMs: 50, capMs: 500 },
  ...o,
})
const stored = (app: App, like: string) => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id LIKE '${like}'`)

describe('createPredictionLogger at the broker\'s and the consumers\' limits, one partition', () => {
  const config = testConfig({ partitions: 1 })
  let app: App
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config).catch(() => undefined)
  })

  it('sends a batch larger than the broker\'s max message size in pieces: every event arrives', async () => {
    const errors: unknown[] = []
    const logger = await createPredictionLogger(loggerOptions(config, { onError: (e) => errors.push(e) }))
    // 500 events of about 6 KiB, about 3 MB in one batch on one partition: the broker takes 1 MiB per request.
    for (let i = 0; i < 500; i++) logger.logPrediction(prediction(`batch-${i}`, bulkyFeatures(6_000)))
    await logger.close()
    expect(errors).toEqual([])
    expect(logger.stats()).toMatchObject({ buffered: 0, sent: 500, dropped: 0 })
    await waitFor(() => stored(app, 'batch-%'), (c) => c === 500, { what: '500 predictions' })
  })

  it('reports and drops only an event the broker refuses; the events behind it arrive', async () => {
    const errors: unknown[] = []
    // The client's own limit above the broker's: the broker is the one to refuse.
    const logger = await createPredictionLogger(loggerOptions(config, { maxRecordBytes: 8 * 1024 * 1024, lingerMs: 60_000, onError: (e) => errors.push(e) }))
    for (let i = 0; i < 100; i++) logger.logPrediction(prediction(`around-${i}`))
    logger.logPrediction(prediction('around-huge', bulkyFeatures(2_300_000))) // about 2.3 MB, 1.7 MB gzipped
    for (let i = 100; i < 200; i++) logger.logPrediction(prediction(`around-${i}`))
    await logger.close()

    expect(errors).toHaveLength(1)
    const [refused] = errors
    expect(isDriftwatchError(refused) && refused.code).toBe('DW_RECORD_TOO_LARGE')
    expect(isDriftwatchError(refused) && refused.context).toMatchObject({ kind: 'prediction', prediction_id: 'around-huge', kafkaError: 'MESSAGE_TOO_LARGE' })
    expect(logger.stats()).toMatchObject({ buffered: 0, sent: 200, dropped: 1 })
    await waitFor(() => stored(app, 'around-%'), (c) => c === 200, { what: 'the 200 events around the refused one' })
    expect(await stored(app, 'around-huge')).toBe(0)
  })

  it('refuses an event over maxRecordBytes (default 1 MiB, as ingest.maxRecordBytes) at the call', async () => {
    const logger = await createPredictionLogger(loggerOptions(config))
    let thrown: unknown
    try {
      logger.logPrediction(prediction('limit-over', bulkyFeatures(1_200_000))) // about 1.2 MB
    } catch (e) {
      thrown = e
    }
    expect(isDriftwatchError(thrown) && thrown.code).toBe('DW_RECORD_TOO_LARGE')
    expect((thrown as Error).message).toMatch(/the limit is 1048576/)
    logger.logPrediction(prediction('limit-under'))
    await logger.close()
    expect(logger.stats()).toMatchObject({ sent: 1, dropped: 0, rejected: 0 })
  })

  const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, j) => [`f${j}`, j]))

  it('refuses a prediction over maxFeatures (default 1,000, as ingest.maxFeatures) at the call; the option raises it', async () => {
    const logger = await createPredictionLogger(loggerOptions(config))
    let thrown: unknown
    try {
      logger.logPrediction(prediction('wide-default', wide(1500)))
    } catch (e) {
      thrown = e
    }
    expect(isDriftwatchError(thrown) && thrown.code).toBe('DW_TOO_MANY_FEATURES')
    expect((thrown as Error).message).toMatch(/holds 1500 features, the limit is 1000/)
    await logger.close()
    const raised = await createPredictionLogger(loggerOptions(config, { maxFeatures: 2000, maxFeatureNameLength: 1000 }))
    raised.logPrediction(prediction('wide-raised', { ...wide(1500), [`n${'x'.repeat(500)}`]: 1 }))
    await raised.close()
    expect(raised.stats()).toMatchObject({ sent: 1, dropped: 0, rejected: 0 })
    // The consumers, at their defaults, dead-letter it: the limits must be raised on both sides.
    await waitFor(() => count(app.store, "SELECT count() AS c FROM {db}.dead_letters WHERE error_code = 'DW_TOO_MANY_FEATURES'"), (c) => c === 1, { what: 'the wide prediction dead-lettered' })
  })
})

describe('createPredictionLogger when a refusal fails a request for several partitions', () => {
  // A topic limit below the client's 512 KiB pieces: a piece is refused for the part of it that
  // goes to one partition while the broker writes the parts for the others.
  const config = testConfig({ partitions: 3 })
  let app: App
  beforeAll(async () => {
    const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [config.topics.predictions, config.topics.groundTruth].map((topic) => ({ topic, numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: '100000' }] })),
      })
    } finally {
      await admin.disconnect()
    }
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config).catch(() => undefined)
  })

  it('delivers every other event: the partitions written beside the refusal are not wedged', async () => {
    const errors: unknown[] = []
    const logger = await createPredictionLogger(loggerOptions(config, { lingerMs: 60_000, batchSize: 1000, onError: (e) => errors.push(e) }))
    for (let i = 0; i < 200; i++) {
      logger.logPrediction(prediction(`multi-${i}`, i % 10 === 0 ? bulkyFeatures(50_000) : { x: i })) // every 10th about 50 KB
      if (i === 100) logger.logPrediction(prediction('multi-huge', bulkyFeatures(180_000))) // about 180 KB
    }
    await logger.close()
    expect(errors.map((e) => isDriftwatchError(e) && [e.code, e.context['prediction_id']])).toEqual([['DW_RECORD_TOO_LARGE', 'multi-huge']])
    expect(logger.stats()).toMatchObject({ buffered: 0, sent: 200, dropped: 1 })
    await waitFor(() => stored(app, 'multi-%'), (c) => c === 200, { what: 'the 200 events beside the refused one' })
    expect(await stored(app, 'multi-huge')).toBe(0)
  })
})

describe('createPredictionLogger that cannot start', () => {
  const infra = { brokers: testConfig().kafka!.brokers.join(','), registryUrl: testConfig().registryUrl! }
  /** Runs the logger's start in a child process: what it printed, and whether it exited on its own. */
  const start = (brokers: string, registryUrl: string) =>
    new Promise<{ printed: Record<string, unknown>; exitedOnItsOwn: boolean }>((resolve, reject) => {
      const root = join(import.meta.dirname, '..')
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/prediction-logger-start-child.ts'), brokers, registryUrl, `never_${randomBytes(3).toString('hex')}.`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      // Kafka's connection retries take about 10 s; 40 s more is a process that does not exit.
      const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
      child.on('error', reject)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve({ printed: JSON.parse(out.trim().split('\n').pop() || '{}') as Record<string, unknown>, exitedOnItsOwn: code === 0 })
      })
    })

  it('with the registry down: DW_REGISTRY_UNAVAILABLE, and the producer it connected is disconnected (the process exits)', async () => {
    const { printed, exitedOnItsOwn } = await start(infra.brokers, 'http://127.0.0.1:1/apis/ccompat/v7')
    expect(printed).toMatchObject({ created: false, code: 'DW_REGISTRY_UNAVAILABLE' })
    expect(exitedOnItsOwn).toBe(true)
  })

  it('with the brokers down: DW_KAFKA_UNAVAILABLE naming them, and the process exits', async () => {
    const { printed, exitedOnItsOwn } = await start('127.0.0.1:1', infra.registryUrl)
    expect(printed).toMatchObject({ created: false, code: 'DW_KAFKA_UNAVAILABLE', message: expect.stringMatching(/cannot reach Kafka at 127\.0\.0\.1:1/) })
    expect(exitedOnItsOwn).toBe(true)
  })
})
