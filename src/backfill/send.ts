/**
 * Phase two: stream the file again and publish its valid rows in batches, one batch in flight
 * while the next one is read. A batch counts as sent once `publish` resolves (Kafka: acks=all;
 * embedded: stored), and only then does the checkpoint move past its rows, in file order. So an
 * interruption loses no acknowledged work, and a rerun resends at most the one unacknowledged
 * batch: the same labels again, stored once per prediction_id (ground_truth keeps the newest
 * label_time; of equal ones, the last sent).
 */
import { createReadStream } from 'node:fs'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import { checkpointFor } from './checkpoint.js'
import { writeCheckpoint } from './checkpoint-file.js'
import { labelRows, type LabelLimits } from './label-file.js'
import type { BackfillPlan } from './prepare.js'
import type { BackfillSummary } from './summary.js'

export interface SendOptions {
  readonly batchSize: number
  readonly nowMs: number
  readonly limits: LabelLimits
  readonly skipInvalid: boolean
  /** Stop after this many acknowledged batches (tests; a partial run for a trial). */
  readonly maxBatches?: number
  /** Stop after the batch in flight is acknowledged (Ctrl-C). */
  readonly signal?: AbortSignal
}

export interface SendIo {
  publish(events: readonly GroundTruthEvent[]): Promise<void>
  progress(label: string, total: number): { increment(n: number): void; stop(): void }
}

/**
 * Bytes per publish call, besides the row count: the rule of HTTP ingest (src/http/ingest-items.ts,
 * `chunks`), so no produce request outgrows the broker's message.max.bytes (1 MiB by default) even
 * when every label lands on one partition. A label larger than this goes alone.
 */
export const MAX_BATCH_BYTES = 512 * 1024

const asPublishError = (e: unknown): DriftwatchError =>
  isDriftwatchError(e) ? e : new DriftwatchError('DW_KAFKA_UNAVAILABLE', `publishing labels failed: ${(e as Error).message}`, { cause: e, retriable: true })

export async function sendBackfill(plan: BackfillPlan, o: SendOptions, io: SendIo): Promise<BackfillSummary> {
  const { skipRows, labelsSentBefore } = plan.start
  let rowsDone = skipRows
  let labelsSent = labelsSentBefore
  let sent = 0
  let skippedInvalid = 0
  let batches = 0
  let failed = 0
  let batch: GroundTruthEvent[] = []
  let batchBytes = 0
  let lastRow = skipRows
  let inFlight: { readonly acked: Promise<void>; readonly size: number; readonly lastRow: number } | null = null
  let outcome: BackfillSummary['outcome'] = 'interrupted'
  let error: DriftwatchError | undefined
  const save = (completed: boolean) => writeCheckpoint(plan.checkpointPath, checkpointFor(plan.run, rowsDone, labelsSent, completed, new Date()))
  const stopRequested = () => o.signal?.aborted === true || (o.maxBatches !== undefined && batches >= o.maxBatches)
  const bar = io.progress('sending labels', plan.scan.validToSend)

  /** Waits for the batch in flight; only its acknowledgement moves the checkpoint. */
  const settle = async () => {
    if (!inFlight) return
    const { acked, size, lastRow: upTo } = inFlight
    inFlight = null
    try {
      await acked
    } catch (e) {
      failed = size
      throw (error = asPublishError(e))
    }
    sent += size
    labelsSent += size
    rowsDone = upTo
    batches++
    bar.increment(size)
    await save(false)
  }
  /** One batch in flight while the next is read and validated: reading overlaps the round trip. */
  const dispatch = () => {
    const events = batch
    batch = []
    batchBytes = 0
    const acked = Promise.resolve().then(() => io.publish(events))
    acked.catch(() => undefined) // observed in settle(); this only keeps it from being "unhandled" meanwhile
    inFlight = { acked, size: events.length, lastRow }
  }

  await save(false) // fails early, before sending, when the checkpoint cannot be written
  try {
    let stopped = stopRequested()
    if (!stopped) {
      for await (const r of labelRows(createReadStream(plan.file), plan.format, o.nowMs, o.limits, { notUtf8AsInvalidRow: o.skipInvalid })) {
        if (r.row <= skipRows) continue
        if (r.result.ok && batch.length > 0 && (batch.length >= o.batchSize || batchBytes + r.bytes > MAX_BATCH_BYTES)) {
          await settle()
          if ((stopped = stopRequested())) break
          dispatch()
        }
        lastRow = r.row
        if (r.result.ok) {
          batch.push(r.result.event)
          batchBytes += r.bytes
        } else if (o.skipInvalid) skippedInvalid++
        else throw new DriftwatchError('DW_FILE_INVALID', `${plan.file} changed while it was being sent: line ${r.line} is now invalid (${r.result.error.message})`, { path: plan.file })
      }
    }
    await settle()
    if (!stopped && (batch.length === 0 || !stopRequested())) {
      if (batch.length > 0) dispatch()
      await settle()
      rowsDone = lastRow // invalid rows after the last label are done too
      outcome = 'completed'
      await save(true)
    }
  } catch (e) {
    if (e !== error) throw e
    outcome = 'failed'
  } finally {
    bar.stop()
  }
  const elapsedMs = performance.now() - plan.startedMs
  return {
    file: plan.file,
    checkpointPath: plan.checkpointPath,
    rows: plan.scan.rows,
    sent,
    skippedInvalid,
    failed,
    alreadyAcknowledgedRows: skipRows,
    alreadySentLabels: labelsSentBefore,
    elapsedMs,
    labelsPerSecond: elapsedMs > 0 ? (sent * 1000) / elapsedMs : 0,
    outcome,
    ...(error ? { error } : {}),
  }
}
