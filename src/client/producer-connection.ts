/**
 * The prediction logger's connection to Kafka and the registry (src/client/prediction-logger.ts):
 * the idempotent producer, the schema ids, and the publish calls on them.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { DriftwatchError } from '../errors.js'
import { kafkaUnavailable } from '../kafka/client.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { kafkaPublisher, registerSchemas, type EventPublisher, type TopicNames } from '../pipeline/publisher.js'
import { schemaRegistryClient } from '../registry/client.js'
import { needsNewProducer } from './broker-refusal.js'

export interface ProducerConnection {
  predictions(events: PredictionEvent[]): Promise<void>
  labels(events: GroundTruthEvent[]): Promise<void>
  disconnect(): Promise<void>
}

/**
 * The producer and the publisher on it. After a failure that leaves the idempotent producer's
 * sequence numbers out of step with the broker's (src/client/broker-refusal.ts) the next publish
 * goes through a new producer; the old one is disconnected.
 */
function publishing(kafka: Kafka, first: Producer, make: (producer: Producer) => EventPublisher): ProducerConnection {
  let producer = first
  let publisher = make(first)
  let renew = false
  let closed = false
  const renewed = async () => {
    if (!renew) return
    const next = newProducer(kafka)
    try {
      await next.connect()
      if (closed) throw new DriftwatchError('DW_KAFKA_UNAVAILABLE', 'the prediction logger is closed')
    } catch (e) {
      await next.disconnect().catch(() => undefined)
      throw e
    }
    const old = producer
    ;[producer, publisher, renew] = [next, make(next), false]
    await old.disconnect().catch(() => undefined)
  }
  const guarded = async (send: (p: EventPublisher) => Promise<void>) => {
    await renewed()
    try {
      await send(publisher)
    } catch (e) {
      if (needsNewProducer(e)) renew = true
      throw e
    }
  }
  return {
    predictions: (events: PredictionEvent[]) => guarded((p) => p.publishPredictions(events)),
    labels: (events: GroundTruthEvent[]) => guarded((p) => p.publishGroundTruth(events)),
    disconnect: () => {
      closed = true
      return producer.disconnect()
    },
  }
}

// murmur2 on the key, as the Java client and the service's producers (src/app.ts).
const newProducer = (kafka: Kafka): Producer => kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })

export interface ConnectOptions {
  readonly kafka: Kafka
  readonly brokers: readonly string[]
  readonly registryUrl: string
  readonly topics: TopicNames
}

/**
 * Connects an idempotent producer and registers the schemas. DW_KAFKA_UNAVAILABLE when the brokers
 * cannot be reached, DW_REGISTRY_UNAVAILABLE (registerSchemas) when the registry cannot; on any
 * failure the producer is disconnected again, so that nothing keeps the process alive.
 */
export async function connectProducer(o: ConnectOptions): Promise<ProducerConnection> {
  // The prediction logger's option, where its user sets the URL.
  const registry = schemaRegistryClient(o.registryUrl, 'registryUrl')
  const { kafka, topics } = o
  const producer = newProducer(kafka)
  try {
    await producer.connect()
  } catch (e) {
    await producer.disconnect().catch(() => undefined)
    throw kafkaUnavailable(e, o.brokers, "the logger's brokers option")
  }
  try {
    const ids = await registerSchemas(registry, topics)
    return publishing(kafka, producer, (p) => kafkaPublisher(p, registry, ids, topics))
  } catch (e) {
    await producer.disconnect().catch(() => undefined)
    throw e
  }
}
