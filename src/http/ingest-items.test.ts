import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { eventOfSize } from '../../test/support/unit/sized-events.js'
import { checkItems, chunks } from './ingest-items.js'
import { ingestLimits } from './limits.js'

const now = Date.UTC(2026, 10, 22)
const item = (id: string, extra: object = {}) => ({ prediction_id: id, model_id: 'm', model_version: 'v', event_time: now - 1, features: {}, prediction: { score: 0.5 }, ...extra })

describe('checkItems', () => {
  it('answers per item in request order, keeping only accepted events with their Avro sizes', () => {
    const r = checkItems('prediction', [item('a'), { ...item('b'), model_id: 7 }, item('c')], now, ingestLimits(DEFAULT_FILE_CONFIG, 10))
    expect(r.results).toEqual([
      { index: 0, status: 'accepted' },
      { index: 1, status: 'rejected', code: 'DW_VALIDATION_FAILED', path: 'model_id', reason: expect.stringContaining('model_id') },
      { index: 2, status: 'accepted' },
    ])
    expect(r.events.map((e) => e.prediction_id)).toEqual(['a', 'c'])
    expect(r.sizes.every((s) => s > 5)).toBe(true)
  })

  it('rejects an event the consumers would dead-letter as too large', () => {
    const limits = ingestLimits({ ...DEFAULT_FILE_CONFIG, ingest: { ...DEFAULT_FILE_CONFIG.ingest, maxRecordBytes: 1024 } }, 10)
    const r = checkItems('prediction', [item('big', { features: { text: 'x'.repeat(2000) } })], now, limits)
    expect(r.results[0]).toMatchObject({ status: 'rejected', code: 'DW_RECORD_TOO_LARGE', path: '(root)' })
  })

  // The consumer counts key and value (src/pipeline/event-handler.ts); an item measured without
  // its key (the prediction_id) was answered accepted and then dead-lettered as too large.
  it('accepts an event whose record (key and value) is exactly maxRecordBytes, and refuses one byte more', () => {
    const limits = ingestLimits({ ...DEFAULT_FILE_CONFIG, ingest: { ...DEFAULT_FILE_CONFIG.ingest, maxRecordBytes: 2048 } }, 10)
    const withText = (id: string) => (text: string) => item(id, { features: { text } })
    const atLimit = eventOfSize('prediction', 2048, now, withText('req-0001'))
    const over = eventOfSize('prediction', 2049, now, withText('req-0002'))
    const r = checkItems('prediction', [atLimit, over], now, limits)
    expect(r.results).toEqual([
      { index: 0, status: 'accepted' },
      { index: 1, status: 'rejected', code: 'DW_RECORD_TOO_LARGE', path: '(root)', reason: '(root): key and value are 2049 bytes, the limit is 2048 (ingest.maxRecordBytes)' },
    ])
    expect(r.sizes).toEqual([2048])
    // Labels too, with a long prediction_id: the key counts as much as the value.
    const label = (id: string) => (source: string) => ({ prediction_id: id, label: { class_label: 'a' }, label_time: now - 1, source })
    const labels = checkItems('ground-truth', [eventOfSize('ground-truth', 1024, now, label('k'.repeat(256))), eventOfSize('ground-truth', 1025, now, label('l'.repeat(256)))], now, ingestLimits({ ...DEFAULT_FILE_CONFIG, ingest: { ...DEFAULT_FILE_CONFIG.ingest, maxRecordBytes: 1024 } }, 10))
    expect(labels.results.map((x) => x.status)).toEqual(['accepted', 'rejected'])
  })

  // The consumer keeps the first model's prediction and dead-letters the other (DW_PREDICTION_ID_CONFLICT);
  // the answer said "accepted" for both.
  it('refuses a prediction whose id an earlier item of the request used for another model, as the consumer would', () => {
    const r = checkItems('prediction', [item('a'), item('a', { model_id: 'other' }), item('a'), item('b', { model_id: 'other' }), item('b', { model_id: 'other' })], now, ingestLimits(DEFAULT_FILE_CONFIG, 10))
    expect(r.results).toEqual([
      { index: 0, status: 'accepted' },
      { index: 1, status: 'rejected', code: 'DW_PREDICTION_ID_CONFLICT', path: 'prediction_id', reason: expect.stringContaining('already belongs to model "m"') },
      { index: 2, status: 'accepted' },
      { index: 3, status: 'accepted' },
      { index: 4, status: 'accepted' },
    ])
    expect(r.events.map((e) => `${e.model_id}:${e.prediction_id}`)).toEqual(['m:a', 'm:a', 'other:b', 'other:b'])
    // A refused item claims nothing: the next item with its id and model is judged against the first claim.
    const refusedFirst = checkItems('prediction', [{ ...item('c'), model_id: 7 }, item('c', { model_id: 'x' }), item('c')], now, ingestLimits(DEFAULT_FILE_CONFIG, 10))
    expect(refusedFirst.results.map((x) => x.status)).toEqual(['rejected', 'accepted', 'rejected'])
  })

  it('applies the unknownModels policy of driftwatch.yaml', () => {
    const file = { ...DEFAULT_FILE_CONFIG, ingest: { ...DEFAULT_FILE_CONFIG.ingest, unknownModels: 'reject' as const }, models: [] }
    expect(checkItems('prediction', [item('a')], now, ingestLimits(file, 10)).results[0]).toMatchObject({ code: 'DW_UNKNOWN_MODEL' })
  })
})

describe('chunks', () => {
  it('splits by count and by bytes, an oversized event alone', () => {
    expect(chunks([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], 2, 100)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunks([1, 2, 3, 4], [40, 40, 200, 10], 10, 100)).toEqual([[1, 2], [3], [4]])
    expect(chunks([], [], 2, 100)).toEqual([])
  })
})
