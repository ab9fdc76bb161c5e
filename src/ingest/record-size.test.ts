import { describe, expect, it } from 'vitest'
import { consumerBytes } from '../../test/support/unit/sized-events.js'
import { embeddedPublisher } from '../pipeline/publisher.js'
import type { EmbeddedSource, OutgoingMessage } from '../pipeline/embedded-source.js'
import { eventRecordBytes, recordBytes, recordSizeProblem } from './record-size.js'
import type { GroundTruthEvent, PredictionEvent } from './schemas.js'

const now = Date.UTC(2026, 10, 22)
const prediction = (id: string): PredictionEvent => ({
  prediction_id: id, model_id: 'm', model_version: 'v', event_time: now - 1, features: { text: 'é'.repeat(40), x: 1.5 },
  prediction: { class_label: null, score: 0.5, probabilities: null, value: null }, segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
})
const label = (id: string): GroundTruthEvent => ({ prediction_id: id, label: { class_label: 'ü', value: null }, label_time: now - 1, source: 'review' })

describe('the record size rule', () => {
  it('passes a record of exactly the limit and refuses one byte more, at path (root)', () => {
    expect(recordSizeProblem(1_048_576, 1_048_576)).toBeNull()
    expect(recordSizeProblem(1_048_577, 1_048_576)).toMatchObject({ code: 'DW_RECORD_TOO_LARGE', retriable: false, context: { path: '(root)' }, message: '(root): key and value are 1048577 bytes, the limit is 1048576 (ingest.maxRecordBytes)' })
  })

  it('counts key and value as the consumer does, a missing one as 0', () => {
    expect(recordBytes(Buffer.from('req-0001'), Buffer.alloc(1_048_570))).toBe(1_048_578)
    expect(recordBytes(null, Buffer.alloc(10))).toBe(10)
    expect(recordBytes(Buffer.alloc(3), null)).toBe(3)
  })

  it('measures an event as exactly the record the publisher makes of it, key bytes in UTF-8', async () => {
    const sent: OutgoingMessage[] = []
    const source = { publish: async (_topic: string, messages: readonly OutgoingMessage[]) => void sent.push(...messages) } as unknown as EmbeddedSource
    const publisher = embeddedPublisher(source, { predictions: 'p', groundTruth: 'g' })
    const ids = ['req-0001', 'ünïcödé-✓', 'i'.repeat(256)]
    await publisher.publishPredictions(ids.map(prediction))
    await publisher.publishGroundTruth(ids.map(label))
    const measured = [...ids.map((id) => eventRecordBytes('prediction', prediction(id))), ...ids.map((id) => eventRecordBytes('ground-truth', label(id)))]
    expect(measured).toEqual(sent.map((m) => recordBytes(m.key, m.value)))
    // The key is the prediction_id's UTF-8 bytes, not its characters.
    expect(sent[1]!.key!.length).toBe(Buffer.byteLength('ünïcödé-✓'))
    expect(eventRecordBytes('prediction', prediction('req-0001'))).toBe(consumerBytes('prediction', prediction('req-0001') as unknown as Record<string, unknown>, now))
  })
})
