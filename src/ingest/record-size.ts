/**
 * The one size rule for a record (ingest.maxRecordBytes): its Kafka key and value together, in
 * bytes, as the consumer sees them. Every way in measures with these functions: the consumer on
 * the record it fetched (src/pipeline/event-handler.ts), HTTP ingest and the label backfill on the
 * record the publisher will make of an event (src/pipeline/publisher.ts, which takes the key from
 * `recordKey`), so an event accepted there is not dead-lettered as DW_RECORD_TOO_LARGE later.
 *
 *   key    prediction_id, UTF-8
 *   value  Confluent wire format: magic byte + 4-byte schema id (HEADER_LENGTH), then Avro binary
 *
 * Headers are not counted (driftwatch's producers set none, and the consumer does not count them).
 */
import { DriftwatchError } from '../errors.js'
import { avroType, type EventKind, type GroundTruthEvent, type PredictionEvent } from './schemas.js'
import { HEADER_LENGTH } from './wire-format.js'

/** The Kafka key of an event: its prediction_id, so that a prediction and its label share a partition. */
export const recordKey = (event: { readonly prediction_id: string }): Buffer => Buffer.from(event.prediction_id, 'utf8')

/** What the consumer counts against ingest.maxRecordBytes. */
export const recordBytes = (key: Buffer | null | undefined, value: Buffer | null | undefined): number => (key?.length ?? 0) + (value?.length ?? 0)

const types = new Map<EventKind, ReturnType<typeof avroType>>()
const typeOf = (kind: EventKind) => types.get(kind) ?? types.set(kind, avroType(kind)).get(kind)!

/** recordBytes of the record the publisher makes of `event`, without making it. */
export function eventRecordBytes(kind: 'prediction', event: PredictionEvent): number
export function eventRecordBytes(kind: 'ground-truth', event: GroundTruthEvent): number
export function eventRecordBytes(kind: EventKind, event: PredictionEvent | GroundTruthEvent): number
export function eventRecordBytes(kind: EventKind, event: PredictionEvent | GroundTruthEvent): number {
  return Buffer.byteLength(event.prediction_id, 'utf8') + HEADER_LENGTH + typeOf(kind).toBuffer(event).length
}

/**
 * DW_RECORD_TOO_LARGE when `bytes` (recordBytes) is over `maxRecordBytes`, else null: a record of
 * exactly the limit passes. Path `(root)`, the same on every way in.
 */
export function recordSizeProblem(bytes: number, maxRecordBytes: number): DriftwatchError | null {
  if (bytes <= maxRecordBytes) return null
  return new DriftwatchError('DW_RECORD_TOO_LARGE', `(root): key and value are ${bytes} bytes, the limit is ${maxRecordBytes} (ingest.maxRecordBytes)`, { path: '(root)' })
}
