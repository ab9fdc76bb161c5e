/**
 * JSON events whose Kafka record is exactly a given size, for tests at the ingest.maxRecordBytes
 * boundary. The size is measured here as the consumer measures it (key and value bytes), from the
 * wire format's description and not with driftwatch's size rule, so a test compares the rule
 * against the consumer: key = prediction_id as UTF-8, value = 5-byte Confluent header + Avro.
 */
import { parseGroundTruthJson, parsePredictionJson } from '../../../src/ingest/json-events.js'
import { avroType } from '../../../src/ingest/schemas.js'

type Json = Record<string, unknown>

/** Key + value bytes of the record an event (JSON, with Avro defaults filled in) becomes. */
export function consumerBytes(kind: 'prediction' | 'ground-truth', json: Json, nowMs: number): number {
  const parsed = kind === 'prediction' ? parsePredictionJson(json, nowMs) : parseGroundTruthJson(json, nowMs)
  if (!parsed.ok) throw parsed.error
  return Buffer.byteLength(parsed.event.prediction_id, 'utf8') + 5 + avroType(kind).toBuffer(parsed.event).length
}

/** `make(filler)` with the filler's length chosen so that the record is exactly `bytes` long. */
export function eventOfSize(kind: 'prediction' | 'ground-truth', bytes: number, nowMs: number, make: (filler: string) => Json): Json {
  let n = 0
  for (let i = 0; i < 8; i++) {
    const size = consumerBytes(kind, make('x'.repeat(n)), nowMs)
    if (size === bytes) return make('x'.repeat(n))
    n = Math.max(0, n + bytes - size)
  }
  throw new Error(`no filler makes a ${kind} of exactly ${bytes} bytes`)
}
