/**
 * Embedded mode never reuses an offset after the newest rows were deleted (issue #12).
 *
 * The embedded source derives insert deduplication tokens from (topic, partition, offset range).
 * It used to compute its next offset at start from the rows stored, so after `erase` (or a
 * retention TTL) removed the newest rows, a restart handed out the same offsets again, the next
 * batch got the token of an earlier one, and ClickHouse discarded it without a word. Now offsets
 * are reserved in `source_offsets`, which nothing deletes: store, erase, restart, ingest again ->
 * everything stored.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'

const T = Date.UTC(2026, 10, 1, 12)

describe('embedded source offsets', () => {
  const config = testConfig({ kafka: false })
  let app: App | undefined
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })
  const start = () => startApp(config, createLogger(config.logLevel), { evaluate: false, alerts: false })
  const label = (id: string) => ({ prediction_id: id, label: { class_label: 'approve', value: null }, label_time: T + 60_000, source: 'test' })
  const ids = async (table: string) => (await queryRows<{ id: string }>(app!.store, `SELECT prediction_id AS id FROM {db}.${table} FINAL ORDER BY id`)).map((r) => r.id)

  it('stores what is ingested after erase and a restart (no token of an erased batch is reused)', async () => {
    app = await start()
    // One batch per event: offsets 0 (bob) and 1 (alice, the newest) on each topic.
    await app.publisher.publishPredictions([prediction({ prediction_id: 'p-bob', event_time: T, subject_id: 'bob' })])
    await app.publisher.publishPredictions([prediction({ prediction_id: 'p-alice', event_time: T, subject_id: 'alice' })])
    await app.publisher.publishGroundTruth([label('p-bob')])
    await app.publisher.publishGroundTruth([label('p-alice')])
    expect(await ids('predictions')).toEqual(['p-alice', 'p-bob'])

    const store = app.store
    const code = await runErase(config, { subject: 'alice' }, {
      subjectKey: pseudonymizedSubjectKey(config),
      out: () => undefined,
      openStore: () => ({ ...store, close: async () => undefined }),
    })
    expect(code).toBe(0)
    expect(await ids('predictions')).toEqual(['p-bob'])
    expect(await ids('ground_truth')).toEqual(['p-bob'])

    const marks = () => count(app!.store, `SELECT count() AS c FROM {db}.window_marks WHERE reason != 'erasure'`)
    const marksBefore = await marks()
    await app.stop()
    app = await start()
    // One batch each, as before the restart: the old code gave them offset 1 again, the token of
    // alice's erased batch, and ClickHouse dropped them.
    await app.publisher.publishPredictions([prediction({ prediction_id: 'p-carol', event_time: T, subject_id: 'carol' })])
    await app.publisher.publishGroundTruth([label('p-carol')])

    // Conservation: in (3 + 3) = stored (2 + 2) + erased (1 + 1); nothing dead-lettered.
    expect(await ids('predictions')).toEqual(['p-bob', 'p-carol'])
    expect(await ids('ground_truth')).toEqual(['p-bob', 'p-carol'])
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    const offsets = await queryRows<{ o: string }>(app.store, `SELECT toString(source_offset) AS o FROM {db}.predictions WHERE prediction_id = 'p-carol'`)
    expect(BigInt(offsets[0]!.o)).toBeGreaterThan(1n)
    // The new batch also marked its window (window_marks dedups with the same batch token).
    expect(await marks()).toBeGreaterThan(marksBefore)
  })
})
