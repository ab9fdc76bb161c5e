/**
 * Producer client for TypeScript services that serve models:
 *
 *   const logger = await createPredictionLogger({ brokers: ['kafka:9092'], registryUrl: 'http://registry:8081' })
 *   logger.logPrediction({ prediction_id, model_id, model_version, event_time: Date.now(), features, prediction: { score } })
 *   logger.logGroundTruth({ prediction_id, label: { class_label: 'approve' }, label_time: Date.now() })
 *   await logger.close()   // flushes what is buffered
 *
 * Events are validated as the pipeline validates them (a bad event throws at the call, with the
 * field path; so does one whose record would be over `maxRecordBytes`, DW_RECORD_TOO_LARGE, the
 * rule of src/ingest/record-size.ts), buffered, and sent in batches (every `lingerMs`, or at
 * `batchSize`), each batch in publish calls of about 512 KiB at most (src/client/publish-pieces.ts),
 * Avro-encoded through the schema registry and keyed by prediction_id with the murmur2
 * partitioner, so a prediction and its label land on the same partition. `flush()` resolves when
 * the broker has acknowledged everything logged before it (acks=all, idempotent producer).
 *
 * Nothing is dropped silently (src/client/send-buffer.ts): an event leaves the buffer only once
 * Kafka acknowledged it, or refused it on its own (MESSAGE_TOO_LARGE, INVALID_RECORD:
 * src/client/broker-refusal.ts), which no retry would change: such an event is reported to
 * `onError` (a warning on the process without one) with its prediction_id, counted in
 * `stats().dropped`, and the events after it are sent. A failed send (broker down, restarting) is
 * retried with capped, jittered backoff and reported to `onError`; the buffer holds at most
 * `maxBufferedEvents`, and when it is full `logPrediction`/`logGroundTruth` throw DW_BUFFER_FULL
 * (counted in `stats().rejected`). `flush()`/`close()` reject with DW_KAFKA_UNAVAILABLE after
 * `flushTimeoutMs` if Kafka has not acknowledged everything by then, saying how many events are
 * still buffered. Delivery is at least once: a batch retried after a lost acknowledgement can
 * reach Kafka twice, and the pipeline collapses the copies by prediction_id. `onError` is the
 * caller's code: what it throws is swallowed, and the sending goes on.
 *
 * `close()` must be awaited before the process ends. When it gives up (flushTimeoutMs), it waits
 * up to another flushTimeoutMs for the send in flight, then rejects saying how many events were
 * not delivered and how many may have been (in flight), with their prediction_ids in the error's
 * context. A process that ends without close() is closed on its way out (Node's beforeExit), so
 * it stays up until Kafka acknowledged what is buffered, at most twice flushTimeoutMs; what is
 * lost then (or on process.exit()) is a process warning with the count, and goes to onError
 * (src/client/exit-guard.ts).
 *
 * `createPredictionLogger` fails with DW_KAFKA_UNAVAILABLE or DW_REGISTRY_UNAVAILABLE when it
 * cannot reach the brokers or register the schemas, and leaves nothing connected behind.
 */
import { Kafka, logLevel } from 'kafkajs'
import { DriftwatchError, describeError } from '../errors.js'
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../pipeline/backoff.js'
import { parseGroundTruthJson, parsePredictionJson } from '../ingest/json-events.js'
import { DEFAULT_LIMITS, type ValidationLimits } from '../ingest/validate.js'
import { DEFAULT_MAX_RECORD_BYTES } from '../ingest/limits.js'
import { eventRecordBytes, recordSizeProblem } from '../ingest/record-size.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { refusedEventError } from './broker-refusal.js'
import { guardExit } from './exit-guard.js'
import { connectProducer } from './producer-connection.js'
import { publishPieces, type Outgoing } from './publish-pieces.js'
import { SendBuffer, type SendBufferStats } from './send-buffer.js'

export { DEFAULT_MAX_RECORD_BYTES } from '../ingest/limits.js'

export interface PredictionLoggerOptions {
  readonly brokers: readonly string[]
  /** Confluent-compatible registry, e.g. http://host:8081 or Apicurio's .../apis/ccompat/v7 */
  readonly registryUrl: string
  readonly clientId?: string
  readonly topicPrefix?: string
  /** Send when this many events are buffered. Default 500. */
  readonly batchSize?: number
  /** Send buffered events at least this often. Default 100 ms. */
  readonly lingerMs?: number
  /** At most this many events wait unsent; one more throws DW_BUFFER_FULL at the call. Default 100 000. */
  readonly maxBufferedEvents?: number
  /**
   * flush() and close() reject if Kafka has not acknowledged everything within this (close() then
   * waits up to as long again for the answer to a send in flight). Default 30 000 ms.
   */
  readonly flushTimeoutMs?: number
  /** Delay between retries of a failed send: full jitter, capped. Default { baseMs: 200, capMs: 10 000 }. */
  readonly retryBackoff?: BackoffPolicy
  /**
   * An event whose record (key and value) is over this many bytes throws DW_RECORD_TOO_LARGE at
   * the call. Default 1 MiB, the default of the consumers' ingest.maxRecordBytes: set it to that
   * setting's value, or the consumers dead-letter what the client sent.
   */
  readonly maxRecordBytes?: number
  /**
   * A prediction with more features than this, or a feature name longer than
   * maxFeatureNameLength, throws DW_TOO_MANY_FEATURES / DW_FEATURE_NAME_TOO_LONG at the call.
   * Defaults 1,000 and 256, those of the consumers' ingest.maxFeatures and
   * ingest.maxFeatureNameLength: set them to those settings' values, or the consumers dead-letter
   * what the client sent.
   */
  readonly maxFeatures?: number
  readonly maxFeatureNameLength?: number
  /**
   * Called on every failed send (the events stay buffered and are retried), and once for each event
   * Kafka refused on its own (a DriftwatchError, DW_RECORD_TOO_LARGE or DW_VALIDATION_FAILED, with
   * `context.prediction_id`; the event is dropped). Without it, each dropped event is a process
   * warning (process.emitWarning). Also called when the process ends with events buffered (see
   * close()). What it throws is swallowed: the sending goes on.
   */
  readonly onError?: (error: unknown) => void
}

/** A prediction as logged: optional fields take their Avro defaults. */
export type PredictionInput = Omit<PredictionEvent, 'prediction' | 'segments' | 'deployment' | 'subject_id'> & {
  prediction: Partial<PredictionEvent['prediction']>
  segments?: PredictionEvent['segments']
  deployment?: Partial<PredictionEvent['deployment']>
  subject_id?: string | null
}

export type GroundTruthInput = Omit<GroundTruthEvent, 'label' | 'source'> & { label: Partial<GroundTruthEvent['label']>; source?: string }

export interface PredictionLogger {
  logPrediction(event: PredictionInput): void
  logGroundTruth(event: GroundTruthInput): void
  /** Resolves when Kafka acknowledged every event logged before it; rejects after flushTimeoutMs (events stay buffered). */
  flush(): Promise<void>
  /**
   * Flushes, then disconnects; rejects (after disconnecting) with DW_KAFKA_UNAVAILABLE if events
   * could not be delivered within flushTimeoutMs (plus up to flushTimeoutMs for the send in
   * flight): `context.undelivered` and `context.inFlight` list them ({ kind, prediction_id }), the
   * latter being events Kafka may have stored. Await it before the process ends.
   */
  close(): Promise<void>
  /** Buffered, sent, dropped (refused by Kafka) and rejected (buffer full) events, and failed sends. */
  stats(): SendBufferStats
}

/** The send failure behind a drain timeout (drain's own message speaks of retries, which close() ends). */
const lastError = (timeout: unknown) => {
  const cause = timeout instanceof Error ? timeout.cause : undefined
  return cause === undefined ? '; Kafka did not answer in time' : `; last error: ${describeError(cause)}`
}

type Buffered = ({ kind: 'prediction' } & Outgoing<PredictionEvent>) | ({ kind: 'label' } & Outgoing<GroundTruthEvent>)

export async function createPredictionLogger(o: PredictionLoggerOptions): Promise<PredictionLogger> {
  const prefix = o.topicPrefix ?? ''
  const topics = { predictions: `${prefix}predictions`, groundTruth: `${prefix}ground-truth` }
  const kafka = new Kafka({ clientId: o.clientId ?? 'driftwatch-logger', brokers: [...o.brokers], logLevel: logLevel.NOTHING })
  const send = await connectProducer({ kafka, brokers: o.brokers, registryUrl: o.registryUrl, topics })

  const batchSize = o.batchSize ?? 500
  const flushTimeoutMs = o.flushTimeoutMs ?? 30_000
  const maxRecordBytes = o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  const limits: ValidationLimits = {
    ...DEFAULT_LIMITS,
    maxFeatures: o.maxFeatures ?? DEFAULT_LIMITS.maxFeatures,
    maxFeatureNameLength: o.maxFeatureNameLength ?? DEFAULT_LIMITS.maxFeatureNameLength,
  }
  // Every call into the caller's onError is guarded: what it throws must neither stop the
  // sending nor reject a promise nobody awaits (the buffer guards its own calls too).
  const onError = (e: unknown) => {
    try {
      o.onError?.(e)
    } catch {
      // The caller's handler failed: the failure is counted (stats()) and the sending goes on.
    }
  }
  const reportDropped = (e: DriftwatchError) => {
    if (o.onError) onError(e)
    else process.emitWarning(e)
  }
  let closed = false
  const buffer = new SendBuffer<Buffered>({
    batchSize,
    maxBuffered: o.maxBufferedEvents ?? 100_000,
    backoff: o.retryBackoff ?? DEFAULT_BACKOFF,
    random: Math.random,
    onError,
    // Predictions first, then labels; each event is marked sent once acknowledged (or dropped once
    // refused on its own), so a retry after a later publish failed does not send it again.
    send: async (batch) => {
      const predictions = batch.filter((b) => b.kind === 'prediction')
      const labels = batch.filter((b) => b.kind === 'label')
      await publishPieces(predictions, send.predictions, batchSize, ({ item, cause }) => reportDropped(refusedEventError('prediction', item.event.prediction_id, item.bytes, cause)))
      await publishPieces(labels, send.labels, batchSize, ({ item, cause }) => reportDropped(refusedEventError('label', item.event.prediction_id, item.bytes, cause)))
      return batch.filter((b) => b.dropped).length
    },
  })
  const timer = setInterval(() => buffer.pump(), o.lingerMs ?? 100)
  timer.unref()
  const check = <T extends PredictionEvent | GroundTruthEvent>(kind: 'prediction' | 'ground-truth', r: { ok: true; event: T } | { ok: false; error: DriftwatchError }) => {
    if (closed) throw new DriftwatchError('DW_VALIDATION_FAILED', 'the prediction logger is closed')
    if (!r.ok) throw r.error
    const bytes = eventRecordBytes(kind, r.event)
    const tooLarge = recordSizeProblem(bytes, maxRecordBytes)
    if (tooLarge) throw tooLarge
    return { event: r.event, bytes, sent: false, dropped: false }
  }

  // A process that ends without close() is closed on its way out (src/client/exit-guard.ts):
  // delivered, then disconnected, so that kafkajs's connection does not hold it open either.
  const unguardExit = guardExit({ proc: process, buffered: () => buffer.size, close, onLost: onError })
  // One close: a second call (or the exit guard's after the caller's) gets the first one's outcome.
  let closing: Promise<void> | null = null
  function close(): Promise<void> {
    closing ??= closeOnce()
    return closing
  }
  async function closeOnce(): Promise<void> {
    closed = true
    clearInterval(timer)
    let failure: unknown = null
    await buffer.drain(flushTimeoutMs).catch((e: unknown) => (failure = e))
    try {
      // Only after a timeout can a send be in flight: wait for its answer before counting.
      const { unsent, inFlight } = await buffer.stop(failure ? flushTimeoutMs : 0)
      if (failure) {
        const ids = (items: readonly Buffered[]) => items.map((b) => ({ kind: b.kind, prediction_id: b.event.prediction_id }))
        throw new DriftwatchError(
          'DW_KAFKA_UNAVAILABLE',
          `closed with events Kafka never acknowledged: ${unsent.length} not delivered, ${inFlight.length} may have been (in flight when close gave up); ` +
            `nothing is retried after close(): their prediction_ids are in this error's context (undelivered, inFlight)${lastError(failure)}`,
          { cause: failure, buffered: unsent.length + inFlight.length, undelivered: ids(unsent), inFlight: ids(inFlight) },
        )
      }
    } finally {
      await send.disconnect()
      // Only now: a process that exits while close() runs (not awaited) still reports what it held.
      unguardExit()
    }
  }

  return {
    logPrediction(event) {
      buffer.push({ kind: 'prediction', ...check('prediction', parsePredictionJson(event, Date.now(), limits)) })
    },
    logGroundTruth(event) {
      buffer.push({ kind: 'label', ...check('ground-truth', parseGroundTruthJson(event, Date.now())) })
    },
    flush: () => (closed ? Promise.reject(new DriftwatchError('DW_VALIDATION_FAILED', 'the prediction logger is closed: nothing is sent or retried after close()')) : buffer.drain(flushTimeoutMs)),
    stats: () => buffer.stats(),
    close,
  }
}
