/**
 * What an orphan label's dead letter says. A label with no stored prediction is not always one
 * whose prediction never arrived: retention.raw removes a prediction retention.raw after it was
 * stored, and `driftwatch erase` removes the subject's. The message names every cause the store
 * cannot rule out, and says which when it can (erase leaves the ids in erased_predictions).
 */
import { describe, expect, it } from 'vitest'
import { sweepOrphans } from '../src/evaluate/orphans.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { recordErased } from '../src/store/erased-ids.js'
import { storeOnlyApp } from './support/store-app.js'
import { count, queryRows } from './support/query.js'

const HOUR = 3_600_000

describe('orphan label messages', () => {
  const started = storeOnlyApp()
  const db = () => started.app.store.database
  const command = (query: string) => started.app.store.client.command({ query })
  const label = (id: string, offset: number, storedAgoMs: number) =>
    command(`INSERT INTO ${db()}.ground_truth (prediction_id, label_class, label_time, source, source_topic, source_partition, source_offset, ingested_at)
             VALUES ('${id}', 'yes', now64(3), 's', 'gt', 0, ${offset}, now64(3) - toIntervalMillisecond(${storedAgoMs}))`)

  it('does not claim a prediction never arrived when retention.raw or driftwatch erase removed it', async () => {
    const store = started.app.store
    // Stored 95 days ago: past the default retention.raw (90 days), so the TTL removes it.
    await command(`INSERT INTO ${db()}.predictions (prediction_id, model_id, model_version, event_time, source_topic, source_partition, source_offset, ingested_at)
                   VALUES ('expired-1', 'm', 'v1', now64(3) - toIntervalDay(96), 'p', 0, 1, now64(3) - toIntervalDay(95))`)
    await command(`OPTIMIZE TABLE ${db()}.predictions FINAL`)
    expect(await count(store, `SELECT count() AS c FROM {db}.predictions WHERE prediction_id = 'expired-1'`)).toBe(0)
    // Erased: the record erase leaves before it deletes the prediction. Its labels kept (they stayed
    // with another model's prediction of the id, which names another subject, since removed): a label
    // of an id whose labels were erased is deleted, never dead-lettered (test/erase-stragglers.test.ts).
    await recordErased(store, [{ modelId: 'm', predictionId: 'erased-1', labelsErased: false }], 'orphan-message-test')

    await label('expired-1', 1, 2 * HOUR)
    await label('erased-1', 2, 2 * HOUR)
    await label('never-1', 3, 2 * HOUR)
    expect(await sweepOrphans(store, createDeadLetterSink(store, null), HOUR, Date.now())).toBe(3)

    const rows = await queryRows<{ id: string; code: string; message: string }>(
      store,
      `SELECT base64Decode(raw_key_base64) AS id, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL ORDER BY source_offset`,
    )
    expect(rows.map((r) => [r.id, r.code])).toEqual([['expired-1', 'DW_ORPHAN_LABEL'], ['erased-1', 'DW_ORPHAN_LABEL'], ['never-1', 'DW_ORPHAN_LABEL']])
    const [expired, erased, never] = rows.map((r) => r.message)
    // No erase record: both causes the store cannot tell apart are named, and what the label does next.
    expect(expired).toBe('no prediction expired-1 is stored join.orphanAfter (1h) after its label: it never arrived, or retention.raw removed it; the label stays stored and counts if its prediction is stored later')
    expect(never).toBe(expired!.replace('expired-1', 'never-1'))
    expect(erased).toBe('prediction erased-1 was removed by driftwatch erase, which does not store it again: the label stays stored and joins no prediction')
  })
})
