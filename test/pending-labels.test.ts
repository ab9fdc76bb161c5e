/**
 * The pending-labels gauge counts the labels held (stored, no prediction, not dead-lettered) and
 * merges only the labels stored since the orphan sweep's cursor: the ones stored before were
 * joined or dead-lettered when the sweep looked at them. Before, it merged every label ever
 * stored once a minute (7–9 s at 5M labels on chDB, holding the engine from ingest).
 */
import { describe, expect, it } from 'vitest'
import { sweepOrphans } from '../src/evaluate/orphans.js'
import { countPendingLabels, pendingLabelsQuery } from '../src/observability/pending-labels.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { withDatabase } from '../src/store/query.js'
import { readCursor } from '../src/evaluate/cursor.js'
import { storeOnlyApp } from './support/store-app.js'

const JOINED = 20_000

describe('pending labels', () => {
  const started = storeOnlyApp()

  const db = () => started.app.store.database
  const labels = (from: number, n: number, idPrefix: string, storedAgoMs: number) =>
    started.app.store.client.command({
      query: `INSERT INTO ${db()}.ground_truth (prediction_id, label_class, label_time, source, source_topic, source_partition, source_offset, ingested_at)
              SELECT concat('${idPrefix}', toString(number)), 'yes', now64(3), 's', 'gt', 0, number, now64(3) - toIntervalMillisecond(${storedAgoMs}) FROM numbers(${from}, ${n})`,
    })
  const predictions = (n: number, idPrefix: string) =>
    started.app.store.client.command({
      query: `INSERT INTO ${db()}.predictions (prediction_id, model_id, model_version, event_time, source_topic, source_partition, source_offset)
              SELECT concat('${idPrefix}', toString(number)), 'm', 'v1', now64(3), 'p', 0, number FROM numbers(${n})`,
    })

  it('counts the held labels, and after a sweep merges only the labels stored since its cursor', async () => {
    const hour = 3_600_000
    // Two hours ago: 20,000 labels with their predictions, and 3 whose prediction never came.
    await predictions(JOINED, 'joined-')
    await labels(0, JOINED, 'joined-', 2 * hour)
    await labels(JOINED, 3, 'orphan-', 2 * hour)
    // Just now: 2 labels waiting for their predictions.
    await labels(JOINED + 3, 2, 'waiting-', 0)
    expect(await countPendingLabels(started.app.store)).toBe(5)

    // The sweep dead-letters the labels held for over an hour and moves its cursor to an hour ago.
    const swept = await sweepOrphans(started.app.store, createDeadLetterSink(started.app.store, null), hour, Date.now())
    expect(swept).toBe(3)
    expect(await readCursor(started.app.store, 'orphan_sweep')).toBeGreaterThan(Date.now() - hour - 60_000)
    expect(await countPendingLabels(started.app.store)).toBe(2)

    // Rows read: one column of each label to find the recent ones (20,005), then the few recent
    // labels merged; merging them all read every label of ground_truth twice and each prediction.
    const rowsRead = async (sweptUntil: number) => {
      const { sql, params } = pendingLabelsQuery(sweptUntil)
      const result = await started.app.store.client.query({ query: withDatabase(sql, db()), query_params: params, format: 'JSON' })
      const body = await result.json<{ c: string }>()
      return { count: Number(body.data[0]!.c), rows: Number(body.statistics?.rows_read) }
    }
    const bounded = await rowsRead(await readCursor(started.app.store, 'orphan_sweep'))
    const everything = await rowsRead(0)
    expect(bounded.count).toBe(2)
    expect(everything.count).toBe(2)
    expect(bounded.rows).toBeLessThan(JOINED * 1.2)
    expect(everything.rows).toBeGreaterThan(JOINED * 2.5)
  })
})
