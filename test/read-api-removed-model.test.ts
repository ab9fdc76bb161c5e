/**
 * A model removed from driftwatch.yaml, whose windows are stored, is read with the task its stored
 * rows tell, not the defaults' binary: a regression model's headline is its stored mae, a
 * multiclass model's its stored accuracy, in GET /v1/models, GET /v1/models/{model} and the
 * windows series alike; a model whose stored rows tell nothing (class predictions, no labels) is
 * 'unknown', not binary. Real Kafka and chDB: evaluated with the models configured, then read with
 * a driftwatch.yaml that no longer lists them.
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createRng } from '../src/demo/random.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type ModelSummary, type Page, type WindowSeries } from '../src/read/index.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * 24 * HOUR
const N = 120
const CLASSES = ['cat', 'dog', 'fish']

/** Two hourly windows of a regression ('rg'), multiclass ('mc') or unlabeled multiclass ('nl') model, every prediction labeled but 'nl's. */
function traffic(model: 'rg' | 'mc' | 'nl', seed: number) {
  const rng = createRng(seed)
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (const w of [0, 1]) {
    for (let i = 0; i < N; i++) {
      const id = `${model}-${w}-${i}`
      const t = h0 + w * HOUR + Math.floor(rng.next() * HOUR)
      const yTrue = model === 'rg' ? 50 + rng.normal(0, 8) : rng.pick(CLASSES, [50, 30, 20])
      const yPred = model === 'rg' ? (yTrue as number) + rng.normal(1, 3) : rng.next() < 0.7 ? yTrue : rng.pick(CLASSES, [1, 1, 1])
      predictions.push(prediction({
        prediction_id: id, model_id: model, model_version: 'v1', event_time: t, segments: {}, features: { x: rng.normal(w, 1) },
        prediction: { class_label: model === 'rg' ? null : String(yPred), score: null, probabilities: null, value: model === 'rg' ? Number(yPred) : null },
      }))
      if (model === 'nl') continue
      labels.push({
        prediction_id: id, source: 'test', label_time: t + 60_000,
        label: model === 'rg' ? { class_label: null, value: Number(yTrue) } : { class_label: String(yTrue), value: null },
      })
    }
  }
  return { predictions, labels }
}

describe('a model removed from driftwatch.yaml, with stored windows', () => {
  const config = testConfig()
  const configured = parseFileConfig(
    'models:\n' +
      '  - id: rg\n    task: regression\n    window: 1h\n    allowedLateness: 1h\n' +
      '  - id: mc\n    task: multiclass\n    window: 1h\n    allowedLateness: 1h\n' +
      '  - id: nl\n    task: multiclass\n    window: 1h\n    allowedLateness: 1h\n',
    'test.yaml',
  )
  // The same deployment after the models were taken out of driftwatch.yaml.
  const removed = parseFileConfig('models: []\n', 'removed.yaml')
  const events = [traffic('rg', 1), traffic('mc', 2), traffic('nl', 3)]
  let app: App
  let http: FastifyInstance

  const ok = async <T>(url: string): Promise<T> => {
    const r = await http.inject({ url })
    expect(r.statusCode, `${url}: ${r.body}`).toBe(200)
    return r.json<T>()
  }
  /** The stored realized figure of the newest window's 'all' variant. */
  const stored = async (model: string, metric: string) =>
    (await queryRows<{ value: number }>(app.store,
      `SELECT value FROM {db}.performance FINAL WHERE model_id = {m:String} AND metric = {metric:String} AND variant = 'all' AND kind = 'realized'
       ORDER BY window_start DESC LIMIT 1`, { m: model, metric }))[0]!.value

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: configured, evaluate: false })
    const predictions = events.flatMap((e) => e.predictions)
    const labels = events.flatMap((e) => e.labels)
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(labels)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === labels.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
    http = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(removed, 1000), security: { auth: 'open' }, bodyLimitBytes: 1024 * 1024,
      logger: createLogger('silent'), read: createReadQueries({ store: app.store, file: removed, now: Date.now }),
    })
  }, 240_000)

  afterAll(async () => {
    await http?.close()
    await app?.stop()
    await dropTestResources(config)
  })

  it('GET /v1/models: a regression model is regression with its stored mae, a multiclass one multiclass with its accuracy, not binary with no performance', async () => {
    const { items } = await ok<Page<ModelSummary>>('/v1/models')
    const by = new Map(items.map((m) => [m.model, m]))
    expect([...by.keys()].sort()).toEqual(['mc', 'nl', 'rg'])
    expect(items.every((m) => !m.configured)).toBe(true)
    expect(by.get('rg')!.task).toBe('regression')
    expect(by.get('rg')!.latest!.performance).toMatchObject({ metric: 'mae', realized: await stored('rg', 'mae') })
    expect(by.get('mc')!.task).toBe('multiclass')
    expect(by.get('mc')!.latest!.performance).toMatchObject({ metric: 'accuracy', realized: await stored('mc', 'accuracy') })
  })

  it('a model whose stored rows tell no task (class predictions, no label) is unknown, not binary', async () => {
    expect((await ok<ModelSummary>('/v1/models/nl')).task).toBe('unknown')
  })

  it('GET /v1/models/{model} answers the same summary as the list, and the windows series the same headline', async () => {
    const { items } = await ok<Page<ModelSummary>>('/v1/models')
    for (const m of items) expect(await ok<ModelSummary>(`/v1/models/${m.model}`)).toEqual(m)
    const series = await ok<WindowSeries>('/v1/models/rg/windows')
    expect(series.items).toHaveLength(2)
    expect(series.items.every((w) => w.performance?.metric === 'mae' && typeof w.performance.realized === 'number')).toBe(true)
  })

  it('GET /v1/models/{model} of an unknown model is 404 DW_NOT_FOUND, as the windows route answers', async () => {
    const one = await http.inject({ url: '/v1/models/nope' })
    const windows = await http.inject({ url: '/v1/models/nope/windows' })
    expect([one.statusCode, one.json().error.code]).toEqual([404, 'DW_NOT_FOUND'])
    expect(one.json().error.message).toBe(windows.json().error.message)
  })
})
