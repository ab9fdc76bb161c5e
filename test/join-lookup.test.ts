/**
 * The join's lookups in the engine (src/join/lookup.ts), on stored rows: a label's prediction is
 * the newest copy of its id within the horizon before the batch's oldest label, and the id screen
 * names every model holding an id. The ids reach the engine as the store's string set (a file in
 * embedded mode).
 */
import { describe, expect, it } from 'vitest'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { lookupModelsById, lookupOlderPredictions, lookupPredictions } from '../src/join/lookup.js'
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

  it('a label finds the newest copy of its id within the horizon, and the screen every model of an id', async () => {
    const stored = [
      prediction('lk-a', 'm1', 'v1', T0 - 5 * HOUR),
      prediction('lk-a', 'm1', 'v2', T0 - 2 * HOUR), // re-sent later: the newest copy
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
      'lk-a': { modelId: 'm1', modelVersion: 'v2', eventTimeMs: T0 - 2 * HOUR },
      'lk-tab\tid': { modelId: 'm2', modelVersion: 'v1', eventTimeMs: T0 - HOUR },
    })
    // A wider horizon reaches the older prediction.
    expect((await lookupPredictions(started.app.store, labels, 48 * HOUR)).get('lk-old')).toEqual({ modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - 30 * HOUR })
    // The ids not found within the horizon are looked up among the older predictions (the joiner's second lookup).
    const older = await lookupOlderPredictions(started.app.store, labels.filter((l) => !found.has(l.prediction_id)), 24 * HOUR)
    expect(Object.fromEntries(older)).toEqual({ 'lk-old': { modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - 30 * HOUR } })

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
    expect([...found]).toEqual([['lk-many-0', { modelId: 'm1', modelVersion: 'v1', eventTimeMs: T0 - HOUR }]])
  })
})
