/**
 * An erased subject is not stored again when the topics are read again. The consumer subscribes
 * from the earliest offset, so a group without committed offsets (the broker deleted an idle
 * group's offsets after offsets.retention.minutes, an operator reset it, a new KAFKA_GROUP_ID)
 * reads every event the topics still hold: alice's prediction, her label and a record keyed by
 * her prediction id that fails to decode come back, and must be neither stored nor dead-lettered,
 * while everyone else's are. An erase run while the service runs reaches its screen too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { Kafka, logLevel } from 'kafkajs'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { loadFileConfig } from '../src/config/file.js'
import { ERASED_RELOAD_MS } from '../src/pipeline/erased-screen.js'
import { createMetrics } from '../src/observability/metrics.js'
import { testConfig, dropTestResources } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR

describe('erase, then the topics are read again from the earliest offset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-replay-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: loan-approval\n    window: 1h\n    positiveClass: approve\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 1 }), configFile }
  const kafka = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  const logs: { msg: string; [k: string]: unknown }[] = []
  const logText: string[] = []
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) logText.push(l), logs.push(JSON.parse(l) as { msg: string })
      done()
    },
  }))
  let app: App
  let metrics = createMetrics()
  const start = async () => (app = await startApp(config, logger, { file: loadFileConfig(configFile), evaluate: false, alerts: false, metrics: (metrics = createMetrics()) }))
  const erase = async (subject: string) => {
    // The app holds the chDB directory: erase shares its client (and must not close it).
    const code = await runErase(config, { subject }, {
      subjectKey: pseudonymizedSubjectKey(config), out: () => undefined, err: () => undefined,
      openStore: () => ({ ...app.store, close: async () => undefined }),
    })
    expect(code).toBe(0)
  }
  const ids = async (table: string, final = true) =>
    (await queryRows<{ id: string }>(app.store, `SELECT prediction_id AS id FROM {db}.${table} ${final ? 'FINAL' : ''} ORDER BY id`)).map((r) => r.id)
  const deadKeys = async () => (await queryRows<{ k: string }>(app.store, 'SELECT base64Decode(raw_key_base64) AS k FROM {db}.dead_letters ORDER BY k')).map((r) => r.k)
  const label = (id: string) => ({ prediction_id: id, label: { class_label: 'approve', value: null }, label_time: t0 + HOUR, source: 'test' })
  const notAvro = async (key: string) => {
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: config.topics.groundTruth, acks: -1, messages: [{ key, value: Buffer.from('not avro') }] })
    await producer.disconnect()
  }
  /** Publishes a prediction and a label of `id` after everything else and waits for both: each topic's earlier records are then handled. */
  const through = async (id: string) => {
    await app.publisher.publishPredictions([prediction({ prediction_id: id, event_time: t0 + 30 * 60_000, subject_id: `s-${id}` })])
    await app.publisher.publishGroundTruth([label(id)])
    await waitFor(() => ids('ground_truth'), (l) => l.includes(id), { what: `the label of ${id}` })
    await waitFor(() => ids('predictions'), (l) => l.includes(id), { what: `the prediction ${id}` })
  }

  beforeAll(async () => {
    await start()
    await app.publisher.publishPredictions([
      prediction({ prediction_id: 'a-1', event_time: t0, subject_id: 'alice' }),
      prediction({ prediction_id: 'b-1', event_time: t0, subject_id: 'bob' }),
    ])
    await app.publisher.publishGroundTruth([label('a-1'), label('b-1')])
    await notAvro('a-1')
    await notAvro('b-1')
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters'), (c) => c === 2, { what: 'the dead letters stored' })
    await through('c-1')
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it("after the group's offsets are gone, alice's prediction, label and dead letter are not stored again; everyone else's are", async () => {
    await erase('alice')
    expect(await ids('predictions')).toEqual(['b-1', 'c-1'])
    expect(await ids('ground_truth')).toEqual(['b-1', 'c-1'])
    expect(await deadKeys()).toEqual(['b-1'])

    await app.stop()
    const admin = kafka.admin()
    await admin.connect()
    await admin.deleteGroups([config.kafka!.groupId]) // what offsets.retention.minutes does to an idle group
    await admin.disconnect()
    await start()
    await through('d-1')

    // The whole topics were read again (the log below counts alice's records among them); bob's
    // rows were found stored by their offsets and kept.
    expect(await ids('predictions', false)).not.toContain('a-1')
    expect(await ids('predictions')).toEqual(['b-1', 'c-1', 'd-1'])
    expect(await ids('ground_truth', false)).not.toContain('a-1')
    expect(await ids('ground_truth')).toEqual(['b-1', 'c-1', 'd-1'])
    expect(await deadKeys()).toEqual(['b-1'])

    // Counted, in a log line without ids: the prediction, its label and its dead letter.
    const skipped = logs.filter((l) => l.msg.startsWith('records of erased predictions'))
    expect(skipped.reduce((n, l) => n + Number(l['skipped']), 0)).toBe(3)
    expect(skipped.map((l) => l['topic']).sort()).toEqual([config.topics.groundTruth, config.topics.predictions])
    for (const line of logText.filter((l) => l.includes('records of erased predictions'))) expect(line).not.toMatch(/a-1|alice/)
    const counted = (await metrics.erasedSkipped.get()).values
    expect(counted.reduce((n, v) => n + v.value, 0)).toBe(3)
  })

  it('an erase run while the service runs reaches its screen within the reload interval', async () => {
    await erase('bob')
    expect(await ids('predictions')).not.toContain('b-1')
    await new Promise((r) => setTimeout(r, ERASED_RELOAD_MS + 1000))
    // Bob's prediction and label sent again (a producer's retry, or a replay).
    await app.publisher.publishPredictions([prediction({ prediction_id: 'b-1', event_time: t0, subject_id: 'bob' })])
    await app.publisher.publishGroundTruth([label('b-1')])
    await through('e-1')
    expect(await ids('predictions', false)).not.toContain('b-1')
    expect(await ids('ground_truth', false)).not.toContain('b-1')
    expect(await ids('predictions')).toEqual(expect.arrayContaining(['c-1', 'd-1', 'e-1']))
  })

  it('the record of what was erased holds ids, no subject and no event data', async () => {
    const rows = await queryRows<Record<string, unknown>>(app.store, 'SELECT * EXCEPT erased_at FROM {db}.erased_predictions ORDER BY prediction_id')
    expect(rows).toEqual([
      { model_id: 'loan-approval', prediction_id: 'a-1', labels_erased: 1 },
      { model_id: 'loan-approval', prediction_id: 'b-1', labels_erased: 1 },
    ])
  })
})
