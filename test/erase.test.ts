/**
 * Right to erasure on real Kafka and ClickHouse: a subject's predictions (stored pseudonymized),
 * their labels and the dead letters keyed by their prediction ids are deleted and counted per
 * table; other subjects' rows stay; the windows that counted the subject are re-marked, and
 * their next evaluation no longer counts it. A second run finds nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { loadFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig, dropTestResources } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const d1 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY
const d2 = d1 + DAY

describe('driftwatch erase --subject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: loan-approval\n    window: 1d\n    positiveClass: approve\n    reference: { previousWindows: 1 }\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 2 }), configFile }
  const kafka = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  let app: App
  const erase = async (subject: string, dryRun = false) => {
    const out: string[] = []
    const err: string[] = []
    // The app holds the chDB directory: erase shares its client (and must not close it).
    const code = await runErase(config, { subject, dryRun }, {
      subjectKey: pseudonymizedSubjectKey(config),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      openStore: () => ({ ...app.store, close: async () => undefined }),
    })
    return { code, out, err }
  }
  const ids = async (table: string) => (await queryRows<{ id: string }>(app.store, `SELECT prediction_id AS id FROM {db}.${table} FINAL ORDER BY id`)).map((r) => r.id)
  const deadKeys = async () => (await queryRows<{ k: string }>(app.store, 'SELECT raw_key_base64 AS k FROM {db}.dead_letters ORDER BY k')).map((r) => Buffer.from(r.k, 'base64').toString())
  const summary = async () =>
    (
      await queryRows<{ ws: string; predictions: string }>(
        app.store,
        'SELECT toUnixTimestamp64Milli(window_start) AS ws, predictions FROM {db}.window_summary FINAL ORDER BY window_start',
      )
    ).map((r) => [Number(r.ws), Number(r.predictions)])

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false })
    await app.publisher.publishPredictions([
      prediction({ prediction_id: 'a-1', event_time: d1 + 3_600_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'a-2', event_time: d1 + 7_200_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'b-1', event_time: d1 + 3_600_000, subject_id: 'bob' }),
      prediction({ prediction_id: 'n-1', event_time: d1 + 3_600_000, subject_id: null }),
      prediction({ prediction_id: 'a-3', event_time: d2 + 3_600_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'b-2', event_time: d2 + 3_600_000, subject_id: 'bob' }),
    ])
    await app.publisher.publishGroundTruth(
      ['a-1', 'a-3', 'b-1'].map((id) => ({ prediction_id: id, label: { class_label: 'approve', value: null }, label_time: d2 + 7_200_000, source: 'test' })),
    )
    // Records that fail to decode, keyed by an id of each subject: dead letters with raw_key_base64.
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: config.topics.groundTruth, acks: -1, messages: ['a-2', 'b-2'].map((key) => ({ key, value: Buffer.from('not avro') })) })
    await producer.disconnect()
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 6, { what: 'the predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 3, { what: 'the labels stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters'), (c) => c === 2, { what: 'the dead letters stored' })
    await app.evaluator.evaluateNow()
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores subject ids pseudonymized, and the evaluation counted alice', async () => {
    expect(await count(app.store, "SELECT count() AS c FROM {db}.predictions WHERE subject_id IN ('alice', 'bob')")).toBe(0)
    expect(await summary()).toEqual([
      [d1, 4],
      [d2, 2],
    ])
  })

  it('--dry-run counts per table and deletes nothing', async () => {
    const { code, out } = await erase('alice', true)
    expect(code).toBe(0)
    expect(out.slice(1)).toEqual([
      '  predictions   would delete 3 row(s)', '  ground_truth  would delete 2 row(s)', '  dead_letters  would delete 1 row(s)',
      expect.stringMatching(/^ {2}derived {7}would delete [1-9]\d* partial aggregate row\(s\); would rewrite 0 baseline profile\(s\) and 0 drift row\(s\)/),
      '  2 window(s) would be marked for re-evaluation',
    ])
    expect(out.join('\n')).not.toContain('alice')
    expect(await ids('predictions')).toHaveLength(6)
  })

  it("deletes every row of the subject in every table, reports the counts, and keeps everyone else's", async () => {
    const { code, out } = await erase('alice')
    expect(code).toBe(0)
    expect(out[0]).toMatch(/^subject with 3 prediction id\(s\) in /)
    expect(out.slice(1, 4)).toEqual(['  predictions   deleted 3 row(s)', '  ground_truth  deleted 2 row(s)', '  dead_letters  deleted 1 row(s)'])
    expect(await ids('predictions')).toEqual(['b-1', 'b-2', 'n-1'])
    expect(await ids('ground_truth')).toEqual(['b-1'])
    expect(await deadKeys()).toEqual(['b-2'])
    // Not hidden behind FINAL only: no stored copy is left.
    expect(await count(app.store, "SELECT count() AS c FROM {db}.predictions WHERE prediction_id LIKE 'a-%'")).toBe(0)
  })

  it('re-marks the windows that counted the subject, and their next evaluation no longer does', async () => {
    const marks = await queryRows<{ ws: string; window_ms: string }>(app.store, "SELECT toUnixTimestamp64Milli(window_start) AS ws, window_ms FROM {db}.window_marks WHERE reason = 'erasure' ORDER BY ws")
    expect(marks.map((m) => [Number(m.ws), Number(m.window_ms)])).toEqual([
      [d1, DAY],
      [d2, DAY],
    ])
    const { evaluated } = await app.evaluator.evaluateNow()
    expect(evaluated).toBe(2)
    expect(await summary()).toEqual([
      [d1, 2],
      [d2, 1],
    ])
  })

  it('is idempotent: a second run finds nothing and succeeds', async () => {
    const { code, out } = await erase('alice')
    expect(code).toBe(0)
    expect(out.slice(0, 4)).toEqual([expect.stringMatching(/^subject with 0 prediction id\(s\)/), '  predictions   deleted 0 row(s)', '  ground_truth  deleted 0 row(s)', '  dead_letters  deleted 0 row(s)'])
  })

  it('refuses an empty subject (exit 2)', async () => {
    const { code, err } = await erase('  ')
    expect(code).toBe(2)
    expect(err).toEqual(['driftwatch: DW_CONFIG_INVALID: --subject must not be empty'])
  })
})
