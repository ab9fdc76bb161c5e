/** The batch handlers of the two topics, the same behind Kafka and behind the embedded source. */
import type { RuntimeConfig } from '../config/env.js'
import { describeError } from '../errors.js'
import type { FileConfig } from '../config/file.js'
import { Decoder, type SchemaResolver } from '../ingest/decoder.js'
import { avroType, type GroundTruthEvent, type PredictionEvent } from '../ingest/schemas.js'
import { limitsFromConfig, validateGroundTruth, validatePrediction } from '../ingest/validate.js'
import type { Joiner } from '../join/joiner.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import { groundTruthRow, predictionRow, type Privacy } from '../store/rows.js'
import type { DeadLetterSink } from './dead-letter-sink.js'
import { createEventHandler } from './event-handler.js'
import type { BatchHandler } from './source.js'

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
}

export function topicHandlers(d: HandlerDeps): Record<string, BatchHandler> {
  const limits = limitsFromConfig(d.file.ingest, d.file.models.map((m) => m.id))
  const common = {
    store: d.store,
    deadLetters: d.deadLetters,
    now: d.now,
    maxRecordBytes: d.file.ingest.maxRecordBytes,
    onBatch: (s: object) => d.logger.debug(s, 'batch stored'),
    onUnexpected: (err: unknown, r: { topic: string; partition: number; offset: string }) =>
      d.logger.error({ err: describeError(err), stack: err instanceof Error ? String(err.stack) : undefined, topic: r.topic, partition: r.partition, offset: r.offset }, 'unexpected error on one record; dead-lettered as DW_RECORD_UNPROCESSABLE'),
  }
  return {
    [d.topics.predictions]: createEventHandler<PredictionEvent>({
      ...common,
      table: 'predictions',
      decoder: new Decoder(avroType('prediction'), d.resolver),
      validate: (e, nowMs) => validatePrediction(e, nowMs, limits),
      toRow: (e, source) => predictionRow(e, source, d.privacy),
      screen: (events) => d.joiner.screenPredictions(events),
      afterStore: (events, token) => d.joiner.onPredictions(events, token),
    }),
    [d.topics.groundTruth]: createEventHandler<GroundTruthEvent>({
      ...common,
      table: 'ground_truth',
      decoder: new Decoder(avroType('ground-truth'), d.resolver),
      validate: (e, nowMs) => validateGroundTruth(e, nowMs, limits),
      toRow: groundTruthRow,
      afterStore: (events, token) => d.joiner.onLabels(events, token),
    }),
  }
}
