/** The batch handlers of the two topics, the same behind Kafka and behind the embedded source. */
import type { RuntimeConfig } from '../config/env.js'
import { describeError } from '../errors.js'
import type { FileConfig } from '../config/file.js'
import { Decoder, type SchemaResolver } from '../ingest/decoder.js'
import { avroType, type GroundTruthEvent, type PredictionEvent } from '../ingest/schemas.js'
import { limitsFromConfig, validateGroundTruth, validatePrediction, type ValidationLimits } from '../ingest/validate.js'
import { labelKey, predictionKey, type Joiner, type LabelKey, type PredictionKey } from '../join/joiner.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import { GROUND_TRUTH_ROW, groundTruthRow, PREDICTION_ROW, predictionRow, type Privacy } from '../store/rows.js'
import type { DeadLetterSink } from './dead-letter-sink.js'
import { createEventHandler, type OffsetsReused, type Replacing } from './event-handler.js'
import type { ReplayGuard } from './replay-guard.js'
import type { BatchHandler, SourceRecord } from './source.js'
import { PredictionReader, type FastPrediction } from '../ingest/prediction-reader.js'
import { framedSchemaId, HEADER_LENGTH } from '../ingest/wire-format.js'
import type { RowBuffer } from '../store/row-buffer.js'
import { readErased } from '../store/erased-ids.js'
import { ErasedScreen, type SkippedRecords } from './erased-screen.js'

/**
 * schemas/clickhouse/0001_predictions.sql: ReplacingMergeTree(ingested_at) ORDER BY (model_id,
 * prediction_id), PARTITION BY toYYYYMM(event_time). The rows of one insert share ingested_at.
 * (The engine replaces within each block it writes, tens of thousands of rows or more: above a
 * batch, whose fetch is bounded in bytes.)
 */
const monthKey = (eventTimeMs: number, modelId: string, predictionId: string) => {
  const t = new Date(eventTimeMs)
  return `${t.getUTCFullYear()}-${t.getUTCMonth()}\u0000${modelId}\u0000${predictionId}`
}
const PREDICTION_REPLACING: Replacing<PredictionKey> = {
  key: (k) => monthKey(k.event_time, k.model_id, k.prediction_id),
  version: () => 0,
  id: (k) => k.prediction_id,
  stored: {
    columns: 'model_id, prediction_id, toString(toUnixTimestamp64Milli(event_time)) AS event_time',
    key: (r) => monthKey(Number(r['event_time']), r['model_id']!, r['prediction_id']!),
    version: () => 0,
  },
}

/** schemas/clickhouse/0003_ground_truth.sql: ReplacingMergeTree(label_time) ORDER BY prediction_id. */
const LABEL_REPLACING: Replacing<LabelKey> = {
  key: (k) => k.prediction_id,
  version: (k) => k.label_time,
  id: (k) => k.prediction_id,
  stored: {
    columns: 'prediction_id, toString(toUnixTimestamp64Milli(label_time)) AS label_time',
    key: (r) => r['prediction_id']!,
    version: (r) => Number(r['label_time']),
  },
}

export interface HandlerDeps {
  readonly store: Store
  readonly file: FileConfig
  readonly topics: RuntimeConfig['topics']
  readonly joiner: Joiner
  readonly deadLetters: DeadLetterSink
  readonly resolver: SchemaResolver
  readonly now: () => number
  readonly logger: Logger
  readonly privacy: Privacy
  /** Shared by both topics' handlers and the source (src/pipeline/replay-guard.ts). */
  readonly replayGuard?: ReplayGuard
  /** The screen of erased predictions (src/pipeline/erased-screen.ts); one reading the store by default. */
  readonly erasedScreen?: ErasedScreen
  /** Counts the records of erased predictions left unstored (a metric); they are logged either way. */
  readonly onErasedSkipped?: (s: SkippedRecords) => void
}

/**
 * The prediction fast path (src/ingest/prediction-reader.ts) for records written with the reader
 * schema; null for anything else, which the decoder then reads (and reports when it cannot).
 */
function fastPredictions(decoder: Decoder<PredictionEvent>, privacy: Privacy, limits: ValidationLimits): (record: SourceRecord, out: RowBuffer) => FastPrediction | null {
  const reader = new PredictionReader(privacy, limits)
  return (record, out) => {
    const schemaId = framedSchemaId(record.value)
    return schemaId !== null && decoder.readsNatively(schemaId) ? reader.read(record.value!, HEADER_LENGTH, record, out) : null
  }
}

export function topicHandlers(d: HandlerDeps): Record<string, BatchHandler> {
  const predictionDecoder = new Decoder<PredictionEvent>(avroType('prediction'), d.resolver)
  const limits = limitsFromConfig(d.file.ingest, d.file.models.map((m) => m.id))
  // Events of predictions `driftwatch erase` deleted are neither stored nor dead-lettered, both
  // topics alike: counted and logged, without ids (docs/operations.md, "Erasing a data subject").
  const erased = d.erasedScreen ?? new ErasedScreen((sinceMs) => readErased(d.store, sinceMs))
  const deadLetters = erased.deadLetters(d.deadLetters, (s) => {
    d.logger.info(s, 'records of erased predictions read again: not stored, not dead-lettered')
    d.onErasedSkipped?.(s)
  })
  const common = {
    store: d.store,
    deadLetters,
    now: d.now,
    maxRecordBytes: d.file.ingest.maxRecordBytes,
    ...(d.replayGuard ? { replayGuard: d.replayGuard } : {}),
    onBatch: (s: object) => d.logger.debug(s, 'batch stored'),
    onOffsetsReused: (r: OffsetsReused) =>
      d.logger.warn(r, 'records of an earlier topic of this name are stored at these offsets: the topic was deleted and created again, truncated, or another cluster serves it; the new records are stored (docs/operations.md)'),
    onUnexpected: (err: unknown, r: { topic: string; partition: number; offset: string }, outcome: 'dead-lettered' | 'stored') =>
      d.logger.error(
        { err: describeError(err), stack: err instanceof Error ? String(err.stack) : undefined, topic: r.topic, partition: r.partition, offset: r.offset },
        outcome === 'dead-lettered'
          ? 'unexpected error on one record; dead-lettered as DW_RECORD_UNPROCESSABLE'
          : 'unexpected error on one record after its row was stored; kept, but the windows it changes may not be marked for evaluation',
      ),
  }
  return {
    [d.topics.predictions]: createEventHandler({
      ...common,
      table: 'predictions',
      layout: PREDICTION_ROW,
      decoder: predictionDecoder,
      fastRead: fastPredictions(predictionDecoder, d.privacy, limits),
      validate: (e, nowMs) => validatePrediction(e, nowMs, limits),
      toRow: (e, source, out) => predictionRow(out, e, source, d.privacy),
      keyOf: predictionKey,
      replacing: PREDICTION_REPLACING,
      screen: (events) => erased.screenPredictions(events, (rest) => d.joiner.screenPredictions(rest)),
      afterStore: (events, token) => d.joiner.onPredictions(events, token),
      // Rows stored by an attempt that failed before onPredictions are not in the id filter.
      onFailedAttempt: () => d.joiner.rereadStoredIds(),
      // The ids the screen held for a batch of another partition screened meanwhile (src/join/in-flight-ids.ts).
      afterScreened: (events, stored) => d.joiner.settleScreened(events, stored),
    }),
    [d.topics.groundTruth]: createEventHandler({
      ...common,
      table: 'ground_truth',
      layout: GROUND_TRUTH_ROW,
      decoder: new Decoder<GroundTruthEvent>(avroType('ground-truth'), d.resolver),
      validate: (e, nowMs) => validateGroundTruth(e, nowMs, limits),
      toRow: (e, source, out) => groundTruthRow(out, e, source),
      keyOf: labelKey,
      replacing: LABEL_REPLACING,
      screen: (events) => erased.screenLabels(events),
      afterStore: (events, token) => d.joiner.onLabels(events, token),
    }),
  }
}
