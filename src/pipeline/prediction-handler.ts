/**
 * Predictions topic: decode -> validate -> rows in ClickHouse, bad records -> dead letters.
 *
 * Effects are idempotent, so a replay after a crash counts nothing twice: inserts carry a
 * deduplication token derived from (topic, partition, offset range), and the predictions table
 * collapses a prediction_id to one row (ReplacingMergeTree).
 */
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { Decoder } from '../ingest/decoder.js'
import type { PredictionEvent } from '../ingest/schemas.js'
import { validatePrediction, type ValidationLimits, DEFAULT_LIMITS } from '../ingest/validate.js'
import { insertRows } from '../store/insert.js'
import type { Store } from '../store/clickhouse.js'
import { predictionRow, type PredictionRow } from '../store/rows.js'
import type { DeadLetterSink } from './dead-letter-sink.js'
import { batchToken, type BatchHandler } from './source.js'

export interface PredictionHandlerDeps {
  readonly store: Store
  readonly decoder: Decoder<PredictionEvent>
  readonly deadLetters: DeadLetterSink
  readonly now: () => number
  readonly maxRecordBytes: number
  readonly limits?: ValidationLimits
  /** Called after each durable batch, for self-monitoring. */
  readonly onBatch?: (stats: { topic: string; partition: number; accepted: number; deadLettered: number }) => void
}

export function createPredictionHandler(deps: PredictionHandlerDeps): BatchHandler {
  const limits = deps.limits ?? DEFAULT_LIMITS
  return async (batch) => {
    const rows: PredictionRow[] = []
    const dead: DeadLetter[] = []
    const nowMs = deps.now()
    for (const record of batch.records) {
      try {
        if ((record.value?.length ?? 0) > deps.maxRecordBytes) {
          throw new DriftwatchError('DW_RECORD_TOO_LARGE', `value is ${record.value!.length} bytes, the limit is ${deps.maxRecordBytes}`)
        }
        const decoded = deps.decoder.decode(record.value)
        const event = decoded instanceof Promise ? await decoded : decoded
        const problem = validatePrediction(event, nowMs, limits)
        if (problem) dead.push({ record, error: problem })
        else rows.push(predictionRow(event, record))
      } catch (e) {
        // Bad input is data; infrastructure trouble (retriable) and bugs propagate.
        if (isDriftwatchError(e) && !e.retriable) dead.push({ record, error: e })
        else throw e
      }
    }
    await Promise.all([
      insertRows(deps.store, 'predictions', rows, batchToken(batch, 'predictions')),
      deps.deadLetters.write(dead, batchToken(batch, 'dead-letters')),
    ])
    deps.onBatch?.({ topic: batch.topic, partition: batch.partition, accepted: rows.length, deadLettered: dead.length })
  }
}
