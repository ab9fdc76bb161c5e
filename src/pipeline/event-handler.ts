/**
 * One topic's records: decode -> validate -> rows in ClickHouse; bad records -> dead letters.
 * The same handler serves predictions and ground truth, behind Kafka or the embedded source.
 *
 * Effects are idempotent, so a replay after a crash counts nothing twice: inserts carry a
 * deduplication token derived from (topic, partition, offset range), and the tables collapse a
 * prediction_id to one row (ReplacingMergeTree).
 */
import { DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { Decoder } from '../ingest/decoder.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import type { DeadLetterSink } from './dead-letter-sink.js'
import { batchToken, type BatchHandler, type SourceRecord } from './source.js'

export interface BatchStats {
  readonly topic: string
  readonly partition: number
  readonly accepted: number
  readonly deadLettered: number
}

export interface EventHandlerDeps<T> {
  readonly store: Store
  readonly table: string
  readonly decoder: Decoder<T>
  /** Returns the first problem with the event, or null. `nowMs` is the batch's processing time. */
  readonly validate: (event: T, nowMs: number) => DriftwatchError | null
  readonly toRow: (event: T, source: SourceRecord) => object
  /**
   * Rules that need stored state (a prediction_id already used by another model), over the
   * batch's valid events in order, before anything is stored: one problem or null per event.
   * Infrastructure failures reject retriable and the batch is retried.
   */
  readonly screen?: (events: readonly T[]) => Promise<readonly (DriftwatchError | null)[]>
  readonly deadLetters: DeadLetterSink
  readonly now: () => number
  readonly maxRecordBytes: number
  /**
   * Runs after the batch's rows and dead letters are durable and before its offsets commit,
   * with the accepted events (the join routes them to windows here).
   */
  readonly afterStore?: (events: readonly T[], token: string) => Promise<unknown>
  /** Called after each durable batch, for self-monitoring. */
  readonly onBatch?: (stats: BatchStats) => void
  /** Called when a record made the code throw something other than a DriftwatchError (a bug), before it is dead-lettered. */
  readonly onUnexpected?: (error: unknown, record: SourceRecord) => void
}

/**
 * One record that makes decoding, validation or row mapping throw something unexpected (a bug,
 * e.g. a TypeError on a value nobody foresaw) is dead-lettered as DW_RECORD_UNPROCESSABLE with
 * its raw bytes instead of stopping the consumer: stopping would replay the same record after the
 * restart and stop again, a crash loop that blocks the whole partition. Infrastructure failures
 * are retriable DriftwatchErrors and still propagate.
 */
function unexpected(e: unknown): DriftwatchError {
  return new DriftwatchError('DW_RECORD_UNPROCESSABLE', `unexpected failure processing this record: ${describeError(e).slice(0, 500)}`, { cause: e })
}

export function createEventHandler<T>(deps: EventHandlerDeps<T>): BatchHandler {
  return async (batch) => {
    const rows: object[] = []
    const accepted: T[] = []
    const dead: DeadLetter[] = []
    const nowMs = deps.now()
    const valid: { record: SourceRecord; event: T }[] = []
    // Bad input is data; infrastructure trouble (retriable) propagates; a record that makes the
    // code throw anything else is dead-lettered too (see unexpected()).
    const badInput = (record: SourceRecord, e: unknown) => {
      if (isDriftwatchError(e) && e.retriable) throw e
      if (isDriftwatchError(e)) return void dead.push({ record, error: e })
      try {
        deps.onUnexpected?.(e, record)
      } catch {
        // reporting must not be what stops the consumer
      }
      dead.push({ record, error: unexpected(e) })
    }
    for (const record of batch.records) {
      try {
        const size = (record.key?.length ?? 0) + (record.value?.length ?? 0)
        if (size > deps.maxRecordBytes) {
          throw new DriftwatchError('DW_RECORD_TOO_LARGE', `key and value are ${size} bytes, the limit is ${deps.maxRecordBytes}`)
        }
        const decoded = deps.decoder.decode(record.value)
        const event = decoded instanceof Promise ? await decoded : decoded
        const problem = deps.validate(event, nowMs)
        if (problem) dead.push({ record, error: problem })
        else valid.push({ record, event })
      } catch (e) {
        badInput(record, e)
      }
    }
    const screened = deps.screen && valid.length > 0 ? await deps.screen(valid.map((v) => v.event)) : []
    valid.forEach(({ record, event }, i) => {
      const problem = screened[i]
      if (problem) return dead.push({ record, error: problem })
      try {
        rows.push(deps.toRow(event, record))
        accepted.push(event)
      } catch (e) {
        badInput(record, e)
      }
    })
    await Promise.all([
      insertRows(deps.store, deps.table, rows, batchToken(batch, deps.table)),
      deps.deadLetters.write(dead, batchToken(batch, 'dead_letters')),
    ])
    if (deps.afterStore && accepted.length > 0) await deps.afterStore(accepted, batchToken(batch, deps.table))
    deps.onBatch?.({ topic: batch.topic, partition: batch.partition, accepted: rows.length, deadLettered: dead.length })
  }
}
