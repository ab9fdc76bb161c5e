/**
 * The join's lookups in the engine (src/join/lookup.ts), on stored rows: a label's prediction is
 * every stored copy of its id, found within the horizon before the batch's oldest label or among
 * the older predictions, and the id screen names every model holding an id. The ids reach the
 * engine as the store's string set (a file in embedded mode). And the joiner (src/join/joiner.ts)
 * on them: a label marks the window of every copy of a re-sent prediction, from the index or
 * from the lookups.
 */
import { describe, expect, it } from 'vitest'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { parseFileConfig } from '../src/config/file.js'
import { Joiner, predictionKey } from '../src/join/joiner.js'
import { lookupModelsById, lookupOlderPredictions, lookupPredictions, lookupStoredCopies } from '../src/join/lookup.js'
import { queryRows } from './support/query.js'
import { insertBinaryRows } from '../src/store/insert.js'
import { RowBuffer } from '../src/store/row-buffer.js'
import { PREDICTION_ROW, predictionRow } from '../src/store/rows.js'
import { storeOnlyApp } from './support/store-app.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 20, 12)

function prediction(id: string, model: string, version: string, eventTime: number): PredictionEvent {
  return {
    prediction_id: id,
    model_id: model,
    model_version: version,
    event_time: eventTime,
    features: { x: 1 },
    prediction: { class_label: 'yes', score: 0.5, probabilities: {}, value: null },
    segments: {},
    deployment: { environment: 'test', variant: 'champion' },
    subject_id: null,
  }
}

describe('join lookups in the engine', () => {
  const started = storeOnlyApp()
  const privacy = { pseudonymize: (s: string) => s, piiFeatures: () => new Set<string>() }

  it('a label finds every copy of its id within the horizon, and the screen every model of an id', async () => {
    const stored = [
      prediction('lk-a', 'm1', 'v1', T0 - 5 * HOUR),
      // Re-sent in the same month partition and insert: the two rows share the sorting key and
      // collapse into the later one (ReplacingMergeTree), as any two would once their parts merge.
      prediction('lk-a', 'm1', 'v2', T0 - 2 * HOUR),
      prediction('lk-old', 'm1', 'v1', T0 - 30 * HOUR), // before the horizon
      prediction('lk-tab\tid', 'm2', 'v1', T0 - HOUR),
      prediction('lk-shared', 'm1', 'v1', T0 - HOUR),
      prediction('lk-shared', 'm2', 'v1', T0 - HOUR),
    ]
    const rows = new RowBuffer()
    stored.forEach((e, i) => predictionRow(rows, e, { topic: 'lookup-topic', partition: 0, offset: String(i) }, privacy))
    await insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, rows.buf.subarray(0, rows.pos), 'join-lookup')

    const labels = ['lk-a', 'lk-old', 'lk-tab\tid', 'lk-absent'].map((prediction_id) => ({ prediction_id, label_time: T0 }))
    const found = await lookupPredictions(started.app.store, labels, 24 * HOUR)
    expect(Object.fromEntries(found)).toEqual({
      'lk-a': [{ modelId: 'm1', modelVersion: 'v2', eventTimeMs: T0 - 2 * HOUR }],
      'lk-tab\tid': [{ modelId: 'm2', modelVersion: 'v1', eventTimeMs: T0 - HOUR }],
    })
    // A wider horizon reaches the older prediction.
    expect((await lookupPredictions(started.app.store, labels, 48 * HOUR)).get('lk-old')).toEqual([{ modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - 30 * HOUR }])
    // The older predictions (the joiner's second lookup).
    const older = await lookupOlderPredictions(started.app.store, labels, 24 * HOUR)
    expect(Object.fromEntries(older)).toEqual({ 'lk-old': [{ modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - 30 * HOUR }] })
    // The screen's lookup: every copy, whatever its time.
    const copies = await lookupStoredCopies(started.app.store, ['lk-shared', 'lk-old', 'lk-absent'])
    expect(Object.fromEntries(copies)).toEqual({
      'lk-shared': [
        { modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - HOUR },
        { modelId: 'm2', modelVersion: 'v1', eventTimeMs: T0 - HOUR },
      ],
      'lk-old': [{ modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - 30 * HOUR }],
    })

    const models = await lookupModelsById(started.app.store, ['lk-shared', 'lk-a', 'lk-old', 'lk-absent', 'lk-a'])
    expect(Object.fromEntries(models)).toEqual({ 'lk-shared': ['m1', 'm2'], 'lk-a': ['m1'], 'lk-old': ['m1'] })
  })

  it('answers a lookup of 300,000 labels at once, a backfill batch whose predictions left the index', async () => {
    // The oldest label time was taken with Math.min(...labels), which throws RangeError ("Maximum
    // call stack size exceeded") past ~100,000 arguments: the batch failed on every retry.
    const stored = prediction('lk-many-0', 'm1', 'v1', T0 - HOUR)
    const rows = new RowBuffer()
    predictionRow(rows, stored, { topic: 'lookup-topic', partition: 1, offset: '0' }, privacy)
    await insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, rows.buf.subarray(0, rows.pos), 'join-lookup-many')
    const labels = Array.from({ length: 300_000 }, (_, i) => ({ prediction_id: `lk-many-${i}`, label_time: T0 + (i % 1000) }))
    const found = await lookupPredictions(started.app.store, labels, 24 * HOUR)
    expect([...found]).toEqual([['lk-many-0', [{ modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - HOUR }]]])
  })

  /** Stores predictions as rows (not through the joiner: as stored before this process started). */
  async function store(events: readonly PredictionEvent[], token: string): Promise<void> {
    const rows = new RowBuffer()
    events.forEach((e, i) => predictionRow(rows, e, { topic: 'lookup-topic', partition: 2, offset: String(i) }, privacy))
    await insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, rows.buf.subarray(0, rows.pos), token)
  }
  const joinFile = parseFileConfig('models: []\njoin: { horizon: 30d }\n', 'test.yaml')
  /** The windows (1 h, the default) the joiner marked for a model's labels: "version@hours after T0". */
  const labelMarks = async (model: string) =>
    (
      await queryRows<{ v: string; h: number }>(
        started.app.store,
        `SELECT DISTINCT model_version AS v, toInt64((toUnixTimestamp64Milli(window_start) - {t0:Int64}) / 3600000) AS h
         FROM {db}.window_marks WHERE model_id = {m:String} AND reason = 'labels' ORDER BY h, v`,
        { m: model, t0: T0 },
      )
    ).map((r) => `${r.v}@${r.h}`)

  // Copies of one id and model in one month partition collapse when their parts merge
  // (ReplacingMergeTree), so the stored copies below are a month or more apart.
  it('a label marks the window of every stored copy of a re-sent prediction within the horizon, and an older one when none is', async () => {
    // rs-1: copies within the horizon of the label (two months, two versions) and one 60 days
    // before it, which is not looked up since copies were found; rs-1b: only a copy 60 days old.
    await store(
      [
        prediction('rs-1', 'rs-store', 'v1', T0 - HOUR + 1),
        prediction('rs-1', 'rs-store', 'v2', T0 - 600 * HOUR + 1),
        prediction('rs-1', 'rs-store', 'v1', T0 - 1440 * HOUR + 1),
        prediction('rs-1b', 'rs-store', 'v3', T0 - 1440 * HOUR + 2),
      ],
      'rs-store',
    )
    const joiner = new Joiner(started.app.store, joinFile, { minIdFilterCapacity: 1024 })
    const stats = await joiner.onLabels([{ prediction_id: 'rs-1', label_time: T0 }, { prediction_id: 'rs-1b', label_time: T0 }], 'rs-store-labels')
    expect(stats).toEqual({ fromIndex: 0, fromStore: 2, pending: 0 })
    expect(await labelMarks('rs-store')).toEqual(['v3@-1440', 'v2@-600', 'v1@-1'])
    // The copies are indexed, newest first: the next label is answered from the index.
    expect(joiner.index.targets('rs-1')?.map((t) => t.eventTimeMs)).toEqual([T0 - HOUR + 1, T0 - 600 * HOUR + 1])
    expect(await joiner.onLabels([{ prediction_id: 'rs-1', label_time: T0 + 1 }], 'rs-store-labels-2')).toEqual({ fromIndex: 1, fromStore: 0, pending: 0 })
  })

  it('a prediction re-sent to a process that did not hold it: the screen finds its stored copy, and its label marks both windows from the index', async () => {
    await store([prediction('rs-2', 'rs-screen', 'v1', T0 - 960 * HOUR + 1)], 'rs-screen')
    const joiner = new Joiner(started.app.store, joinFile, { minIdFilterCapacity: 1024 })
    const keys = [predictionKey(prediction('rs-2', 'rs-screen', 'v1', T0 - HOUR + 1)), predictionKey(prediction('rs-new', 'rs-screen', 'v1', T0 - HOUR + 2))]
    expect(await joiner.screenPredictions(keys)).toEqual([null, null])
    await store([prediction('rs-2', 'rs-screen', 'v1', T0 - HOUR + 1), prediction('rs-new', 'rs-screen', 'v1', T0 - HOUR + 2)], 'rs-screen-2')
    await joiner.onPredictions(keys, 'rs-screen-predictions')
    expect(joiner.index.targets('rs-new')).toEqual([{ modelId: 'rs-screen', modelVersion: 'v1', eventTimeMs: T0 - HOUR + 2 }])
    const stats = await joiner.onLabels([{ prediction_id: 'rs-2', label_time: T0 }], 'rs-screen-labels')
    expect(stats).toEqual({ fromIndex: 1, fromStore: 0, pending: 0 })
    expect(await labelMarks('rs-screen')).toEqual(['v1@-960', 'v1@-1'])
  })

  it('a prediction re-sent through one process: the index keeps both copies', async () => {
    const joiner = new Joiner(started.app.store, joinFile, { minIdFilterCapacity: 1024 })
    for (const [i, t] of [T0 - 5 * HOUR + 1, T0 - HOUR + 1].entries()) {
      const keys = [predictionKey(prediction('rs-3', 'rs-index', 'v1', t))]
      expect(await joiner.screenPredictions(keys)).toEqual([null])
      await store([prediction('rs-3', 'rs-index', 'v1', t)], `rs-index-${i}`)
      await joiner.onPredictions(keys, `rs-index-predictions-${i}`)
    }
    expect(await joiner.onLabels([{ prediction_id: 'rs-3', label_time: T0 }], 'rs-index-labels')).toEqual({ fromIndex: 1, fromStore: 0, pending: 0 })
    expect(await labelMarks('rs-index')).toEqual(['v1@-5', 'v1@-1'])
  })
})
