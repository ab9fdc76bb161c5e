/**
 * Producer client for TypeScript services that serve models:
 *
 *   const logger = await createPredictionLogger({ brokers: ['kafka:9092'], registryUrl: 'http://registry:8081' })
 *   logger.logPrediction({ prediction_id, model_id, model_version, event_time: Date.now(), features, prediction: { score } })
 *   logger.logGroundTruth({ prediction_id, label: { class_label: 'approve' }, label_time: Date.now() })
 *   await logger.close()   // flushes what is buffered
 *
 * Events are validated as the pipeline validates them (a bad event throws at the call, with the
 * field path), buffered, and sent in batches (every `lingerMs`, or at `batchSize`), Avro-encoded
 * through the schema registry and keyed by prediction_id with the murmur2 partitioner, so a
 * prediction and its label land on the same partition. `flush()` resolves when the broker has
 * acknowledged everything logged before it (acks=all, idempotent producer).
 *
 * Nothing is dropped silently (src/client/send-buffer.ts): an event leaves the buffer only once
 * Kafka acknowledged it; a failed send (broker down, restarting) is retried with capped, jittered
 * backoff and reported to `onError`; the buffer holds at most `maxBufferedEvents`, and when it is
 * full `logPrediction`/`logGroundTruth` throw DW_BUFFER_FULL (counted in `stats().rejected`).
 * `flush()`/`close()` reject with DW_KAFKA_UNAVAILABLE after `flushTimeoutMs` if Kafka has not
 * acknowledged everything by then, saying how many events are still buffered. Delivery is at
 * least once: a batch retried after a lost acknowledgement can reach Kafka twice, and the
 * pipeline collapses the copies by prediction_id.
 */
import { schemaRegistryClient } from '../registry/client.js'
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs'
import { DriftwatchError } from '../errors.js'
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../pipeline/backoff.js'
import { parseGroundTruthJson, parsePredictionJson } from '../ingest/json-events.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { kafkaPublisher, registerSchemas, type EventPublisher } from '../pipeline/publisher.js'
import { SendBuffer, type SendBufferStats } from './send-buffer.js'

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
  /** flush() and close() reject if Kafka has not acknowledged everything within this. Default 30 000 ms. */
  readonly flushTimeoutMs?: number
  /** Delay between retries of a failed send: full jitter, capped. Default { baseMs: 200, capMs: 10 000 }. */
  readonly retryBackoff?: BackoffPolicy
  /** Called on every failed send; the events stay buffered and are retried. */
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
  /** Flushes, then disconnects; rejects (after disconnecting) if events could not be delivered. */
  close(): Promise<void>
  /** Buffered, sent and refused events, and failed sends. */
  stats(): SendBufferStats
}

type Buffered = { kind: 'prediction'; event: PredictionEvent; sent: boolean } | { kind: 'label'; event: GroundTruthEvent; sent: boolean }

export async function createPredictionLogger(o: PredictionLoggerOptions): Promise<PredictionLogger> {
  const prefix = o.topicPrefix ?? ''
  const topics = { predictions: `${prefix}predictions`, groundTruth: `${prefix}ground-truth` }
  const kafka = new Kafka({ clientId: o.clientId ?? 'driftwatch-logger', brokers: [...o.brokers], logLevel: logLevel.NOTHING })
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const registry = schemaRegistryClient(o.registryUrl)
  const publisher: EventPublisher = kafkaPublisher(producer, registry, await registerSchemas(registry, topics), topics)

  const batchSize = o.batchSize ?? 500
  const flushTimeoutMs = o.flushTimeoutMs ?? 30_000
  let closed = false
  const buffer = new SendBuffer<Buffered>({
    batchSize,
    maxBuffered: o.maxBufferedEvents ?? 100_000,
    backoff: o.retryBackoff ?? DEFAULT_BACKOFF,
    random: Math.random,
    onError: (e) => o.onError?.(e),
    // Predictions first, then labels; each part is marked sent once acknowledged, so a retry
    // after the labels failed does not send the predictions again.
    send: async (batch) => {
      const pending = batch.filter((b) => !b.sent)
      const predictions = pending.filter((b) => b.kind === 'prediction')
      const labels = pending.filter((b) => b.kind === 'label')
      if (predictions.length) {
        await publisher.publishPredictions(predictions.map((b) => b.event as PredictionEvent))
        for (const b of predictions) b.sent = true
      }
      if (labels.length) {
        await publisher.publishGroundTruth(labels.map((b) => b.event as GroundTruthEvent))
        for (const b of labels) b.sent = true
      }
    },
  })
  const timer = setInterval(() => buffer.pump(), o.lingerMs ?? 100)
  timer.unref()
  const check = <T>(r: { ok: true; event: T } | { ok: false; error: DriftwatchError }): T => {
    if (closed) throw new DriftwatchError('DW_VALIDATION_FAILED', 'the prediction logger is closed')
    if (!r.ok) throw r.error
    return r.event
  }

  return {
    logPrediction(event) {
      buffer.push({ kind: 'prediction', event: check(parsePredictionJson(event, Date.now())), sent: false })
    },
    logGroundTruth(event) {
      buffer.push({ kind: 'label', event: check(parseGroundTruthJson(event, Date.now())), sent: false })
    },
    flush: () => buffer.drain(flushTimeoutMs),
    stats: () => buffer.stats(),
    async close() {
      closed = true
      clearInterval(timer)
      try {
        await buffer.drain(flushTimeoutMs)
      } catch (cause) {
        const { buffered } = buffer.stats()
        throw new DriftwatchError('DW_KAFKA_UNAVAILABLE', `closed with ${buffered} event(s) that Kafka never acknowledged: ${(cause as Error).message}`, { cause, buffered })
      } finally {
        buffer.stop()
        await producer.disconnect()
      }
    },
  }
}
