/**
 * A model, version or variant that a read filter names must exist: every read route answers 404
 * DW_NOT_FOUND for one the store does not have, as the path routes do for an unknown model
 * (regression: GET /v1/alerts?model=nope answered 200 with no items, which a script reads as "no
 * firing alerts"; windows?version=v9, comparisons?version=v9 an empty list; windows?variant=bogus
 * windows with performance null). Known stays answered: a configured model, one with evaluated
 * windows, and, where the route lists them, one with alerts, stored predictions or dead letters.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { parseFileConfig } from '../src/config/file.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries } from '../src/read/index.js'
import { withDatabase } from '../src/store/query.js'
import { storeOnlyApp } from './support/store-app.js'

const file = parseFileConfig('models:\n  - id: configured-model\n', 'test.yaml')
const START = Date.UTC(2026, 10, 10)
const DAY = 86_400_000

/** A prediction's value in the Confluent wire format as far as the dead-letter model is read: magic byte, schema id, prediction_id, model_id. */
function wirePrediction(predictionId: string, model: string): string {
  const str = (s: string) => [Buffer.from([Buffer.byteLength(s) * 2]), Buffer.from(s)]
  return Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), ...str(predictionId), ...str(model), Buffer.from([0])]).toString('base64')
}

describe('read filters name what exists: an unknown model, version or variant is 404', () => {
  const ctx = storeOnlyApp()
  let http: ReturnType<typeof createHttpServer>

  beforeAll(async () => {
    const store = ctx.app.store
    const run = (sql: string) => store.client.command({ query: withDatabase(sql, store.database) })
    const ts = (ms: number) => `fromUnixTimestamp64Milli(${ms})`
    await run(`INSERT INTO {db}.window_summary (model_id, model_version, window_start, window_end, predictions, labeled, closed, reference, eval_version)
               VALUES ('m', 'v1', ${ts(START)}, ${ts(START + DAY)}, 100, 50, 1, 'previous 1 window(s)', ${START + 2 * DAY})`)
    await run(`INSERT INTO {db}.performance (model_id, model_version, variant, window_start, window_end, metric, kind, value, n, eval_version)
               VALUES ('m', 'v1', 'all', ${ts(START)}, ${ts(START + DAY)}, 'roc_auc', 'realized', 0.8, 50, ${START + 2 * DAY}),
                      ('m', 'v1', 'champion', ${ts(START)}, ${ts(START + DAY)}, 'roc_auc', 'realized', 0.7, 30, ${START + 2 * DAY})`)
    // A model whose only trace is an alert (its windows expired, it left driftwatch.yaml).
    await run(`INSERT INTO {db}.alerts (alert_key, rule, model_id, status, transition_id, window_start, changed_at)
               VALUES ('k-old', 'feature-drift-psi', 'alerted-model', 'resolved', 't1', ${ts(START)}, ${ts(START + DAY)})`)
    // Models known to the dead letters only: by a stored prediction, by a dead letter.
    await run("INSERT INTO {db}.predictions (model_id, prediction_id) VALUES ('accepted-model', 'p1')")
    await run(`INSERT INTO {db}.dead_letters (source_topic, source_partition, source_offset, error_code, error_message, raw_value_base64, dead_lettered_at)
               VALUES ('x.predictions', 0, 7, 'DW_UNKNOWN_MODEL', 'not configured', '${wirePrediction('p-9', 'rejected-model')}', ${ts(START)})`)
    http = createHttpServer({
      publisher: { publishPredictions: () => Promise.reject(new Error('not used')), publishGroundTruth: () => Promise.reject(new Error('not used')) },
      limits: ingestLimits(file, 100), security: { auth: 'open' }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
      read: createReadQueries({ store, file, now: () => START + 3 * DAY }),
    })
    return () => http.close()
  })

  const get = async (url: string) => {
    const r = await http.inject({ url })
    return { status: r.statusCode, body: r.json<{ error?: { code: string; message: string; retriable: boolean }; items?: unknown[] }>() }
  }
  const expect404 = async (url: string, message: RegExp) => {
    const r = await get(url)
    expect([url, r.status, r.body.error?.code, r.body.error?.retriable]).toEqual([url, 404, 'DW_NOT_FOUND', false])
    expect(r.body.error!.message, url).toMatch(message)
  }
  const expect200 = async (url: string) => {
    const r = await get(url)
    expect([url, r.status], JSON.stringify(r.body)).toEqual([url, 200])
    return r.body
  }

  it('an unknown model in the alerts and dead-letters filters is 404, as in the path routes', async () => {
    await expect404('/v1/alerts?since=0&status=all&model=nope', /^no model "nope": it is not in driftwatch\.yaml and has no evaluated windows or alerts$/)
    await expect404('/v1/alerts?status=firing&model=nope', /^no model "nope"/)
    await expect404('/v1/dead-letters?from=0&model=nope', /^no model "nope": it is not in driftwatch\.yaml and has no evaluated windows or predictions or dead letters$/)
    await expect404('/v1/models/nope/windows', /^no model "nope"/)
    await expect404('/v1/models/nope/comparisons', /^no model "nope"/)
  })

  it('a known model with nothing to list is 200 and empty: configured, evaluated, with alerts, predictions or dead letters only', async () => {
    for (const model of ['configured-model', 'm', 'alerted-model']) {
      expect((await expect200(`/v1/alerts?status=firing&model=${model}`)).items, model).toEqual([])
    }
    expect((await expect200('/v1/alerts?since=0&status=all&model=alerted-model')).items).toHaveLength(1)
    for (const model of ['configured-model', 'm', 'accepted-model']) await expect200(`/v1/dead-letters?from=0&model=${model}`)
    // Outside the range of its dead letter, and inside it.
    await expect200(`/v1/dead-letters?from=${START + DAY}&model=rejected-model`)
    expect((await expect200('/v1/dead-letters?from=0&model=rejected-model')) as unknown).toMatchObject({ total: 1 })
    // '' is the dead letters without a model (labels, records that did not decode).
    await expect200('/v1/dead-letters?from=0&model=')
  })

  it('an unknown version of a known model is 404 in windows, comparisons and the window detail', async () => {
    await expect404('/v1/models/m/windows?version=v9', /^model "m" has no version "v9": it has evaluated windows of versions "v1"$/)
    await expect404('/v1/models/m/comparisons?version=v9', /^model "m" has no version "v9"/)
    await expect404(`/v1/models/m/windows/${START}?version=v9`, /^model "m" has no version "v9"/)
    await expect404('/v1/models/configured-model/windows?version=v1', /^model "configured-model" has no version "v1": it has no evaluated window yet$/)
    expect((await expect200('/v1/models/m/windows?version=v1')).items).toHaveLength(1)
    // A known version with nothing in the range or no comparison stays an empty answer.
    expect((await expect200(`/v1/models/m/windows?version=v1&from=${START + DAY}`)).items).toEqual([])
    expect((await expect200('/v1/models/m/comparisons?version=v1')).items).toEqual([])
  })

  it("an unknown variant of a known model is 404; 'all' and a variant with performance rows are answered", async () => {
    await expect404('/v1/models/m/windows?variant=bogus', /^model "m" has no variant "bogus": its variants are "all", "champion"$/)
    await expect404('/v1/models/m/windows?variant=canary', /no variant "canary"/)
    const champion = (await expect200('/v1/models/m/windows?variant=champion')).items as { performance: { realized: number } | null }[]
    expect(champion.map((w) => w.performance?.realized)).toEqual([0.7])
    expect(((await expect200('/v1/models/m/windows?variant=all')).items as { performance: { realized: number } | null }[]).map((w) => w.performance?.realized)).toEqual([0.8])
    await expect200('/v1/models/configured-model/windows?variant=all')
  })

  it('the OpenAPI document lists the 404 of every read route that takes these names, saying what it looks up', async () => {
    const doc = (await http.inject({ url: '/openapi.json' })).json<{ paths: Record<string, { get: { responses: Record<string, { description: string }> } }> }>()
    for (const [path, names] of [
      ['/v1/alerts', /model.*alerts/], ['/v1/dead-letters', /model.*dead letters/], ['/v1/models/{model}/windows', /model.*version.*variant/],
      ['/v1/models/{model}/windows/{start}', /model.*version.*window/], ['/v1/models/{model}/comparisons', /model.*version/],
    ] as const) {
      expect(doc.paths[path]!.get.responses['404']?.description, path).toMatch(names)
    }
  })
})
