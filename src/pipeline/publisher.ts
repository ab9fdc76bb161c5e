/**
 * Publishes events to the pipeline, Avro-encoded in the Confluent wire format and keyed by
 * prediction_id: to Kafka through the schema registry, or to the embedded source with the
 * bundled schemas. HTTP ingest, the demo and the backfill all publish through this one interface.
 */
import type { Producer } from 'kafkajs'
import { COMPATIBILITY, SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError } from '../errors.js'
import { frame } from '../ingest/wire-format.js'
import { avroType, rawSchema, type EventKind, type GroundTruthEvent, type PredictionEvent } from '../ingest/schemas.js'
import { LOCAL_SCHEMA_IDS } from '../registry/resolvers.js'
import type { EmbeddedSource, OutgoingMessage } from './embedded-source.js'

export interface EventPublisher {
  publishPredictions(events: readonly PredictionEvent[]): Promise<void>
  publishGroundTruth(events: readonly GroundTruthEvent[]): Promise<void>
}

export interface TopicNames {
  readonly predictions: string
  readonly groundTruth: string
}

type Send = (kind: EventKind, topic: string, messages: OutgoingMessage[]) => Promise<void>
type Encode = (kind: EventKind, event: object) => Promise<Buffer>

function publisher(topics: TopicNames, encode: Encode, send: Send): EventPublisher {
  const publish = async (kind: EventKind, topic: string, events: readonly (PredictionEvent | GroundTruthEvent)[]) => {
    const messages = await Promise.all(
      events.map(async (e) => ({ key: Buffer.from(e.prediction_id, 'utf8'), value: await encode(kind, e) })),
    )
    await send(kind, topic, messages)
  }
  return {
    publishPredictions: (events) => publish('prediction', topics.predictions, events),
    publishGroundTruth: (events) => publish('ground-truth', topics.groundTruth, events),
  }
}

export function embeddedPublisher(source: EmbeddedSource, topics: TopicNames): EventPublisher {
  const types = { prediction: avroType('prediction'), 'ground-truth': avroType('ground-truth') }
  return publisher(
    topics,
    async (kind, event) => frame(LOCAL_SCHEMA_IDS[kind], types[kind].toBuffer(event)),
    (_kind, topic, messages) => source.publish(topic, messages),
  )
}

/** Registers the bundled schemas under `<topic>-value` (BACKWARD compatibility) and returns their ids. */
export async function registerSchemas(registry: SchemaRegistry, topics: TopicNames): Promise<Record<EventKind, number>> {
  const register = async (kind: EventKind, topic: string) => {
    try {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(rawSchema(kind)) },
        { subject: `${topic}-value`, compatibility: COMPATIBILITY.BACKWARD },
      )
      return id
    } catch (cause) {
      throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registering the ${kind} schema under ${topic}-value failed: ${(cause as Error).message}`, { cause, retriable: true })
    }
  }
  return { prediction: await register('prediction', topics.predictions), 'ground-truth': await register('ground-truth', topics.groundTruth) }
}

export function kafkaPublisher(producer: Producer, registry: SchemaRegistry, ids: Record<EventKind, number>, topics: TopicNames): EventPublisher {
  return publisher(
    topics,
    (kind, event) => registry.encode(ids[kind], event),
    async (_kind, topic, messages) => {
      await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) })
    },
  )
}
