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
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs'
import { DriftwatchError } from '../errors.js'
import { parseGroundTruthJson, parsePredictionJson } from '../ingest/json-events.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { kafkaPublisher, registerSchemas, type EventPublisher } from '../pipeline/publisher.js'

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
  /** Called when a background send fails; the events stay buffered and are retried on the next flush. */
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
  flush(): Promise<void>
  close(): Promise<void>
}

export async function createPredictionLogger(o: PredictionLoggerOptions): Promise<PredictionLogger> {
  const prefix = o.topicPrefix ?? ''
  const topics = { predictions: `${prefix}predictions`, groundTruth: `${prefix}ground-truth` }
  const kafka = new Kafka({ clientId: o.clientId ?? 'driftwatch-logger', brokers: [...o.brokers], logLevel: logLevel.NOTHING })
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const registry = new SchemaRegistry({ host: o.registryUrl })
  const publisher: EventPublisher = kafkaPublisher(producer, registry, await registerSchemas(registry, topics), topics)

  let predictions: PredictionEvent[] = []
  let labels: GroundTruthEvent[] = []
  let inFlight: Promise<void> = Promise.resolve()
  let closed = false
  const batchSize = o.batchSize ?? 500

  const send = (): Promise<void> => {
    const [p, l] = [predictions, labels]
    predictions = []
    labels = []
    inFlight = inFlight.then(async () => {
      try {
        if (p.length) await publisher.publishPredictions(p)
        if (l.length) await publisher.publishGroundTruth(l)
      } catch (e) {
        predictions = [...p, ...predictions]
        labels = [...l, ...labels]
        throw e
      }
    })
    return inFlight
  }
  const background = () => send().catch((e) => o.onError?.(e))
  const timer = setInterval(() => predictions.length + labels.length > 0 && void background(), o.lingerMs ?? 100)
  timer.unref()
  const check = <T>(r: { ok: true; event: T } | { ok: false; error: DriftwatchError }): T => {
    if (closed) throw new DriftwatchError('DW_VALIDATION_FAILED', 'the prediction logger is closed')
    if (!r.ok) throw r.error
    return r.event
  }

  return {
    logPrediction(event) {
      predictions.push(check(parsePredictionJson(event, Date.now())))
      if (predictions.length + labels.length >= batchSize) void background()
    },
    logGroundTruth(event) {
      labels.push(check(parseGroundTruthJson(event, Date.now())))
      if (predictions.length + labels.length >= batchSize) void background()
    },
    async flush() {
      await inFlight.catch(() => undefined)
      await send()
    },
    async close() {
      closed = true
      clearInterval(timer)
      try {
        await inFlight.catch(() => undefined)
        await send()
      } finally {
        await producer.disconnect()
      }
    },
  }
}
