/**
 * Publishes events to the pipeline, Avro-encoded in the Confluent wire format and keyed by
 * prediction_id: to Kafka through the schema registry, or to the embedded source with the
 * bundled schemas. HTTP ingest, the demo and the backfill all publish through this one interface.
 *
 * The publisher does not check ingest.maxRecordBytes: a call publishes all its events or fails,
 * and the ways in that take events from outside measure each one first with the consumer's rule
 * (src/ingest/record-size.ts, whose `recordKey` makes the key here), so that they can refuse it
 * alone: HTTP ingest per item, the backfill per row. The demo's generated events are a few hundred
 * bytes. An event over the limit that is published anyway is dead-lettered by the consumer.
 */
import { CompressionTypes, type Producer } from 'kafkajs'
import { SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError } from '../errors.js'
import { recordKey } from '../ingest/record-size.js'
import { frame } from '../ingest/wire-format.js'
import { avroType, rawSchema, type EventKind, type GroundTruthEvent, type PredictionEvent } from '../ingest/schemas.js'
import { ensureSubjectCompatibility } from '../registry/compatibility.js'
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
      events.map(async (e) => ({ key: recordKey(e), value: await encode(kind, e) })),
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

/**
 * Registers the bundled schemas under `<topic>-value` and returns their ids, with the subjects'
 * compatibility at FORWARD_TRANSITIVE (or FULL_TRANSITIVE where an operator set that): every
 * version a producer registers stays readable by driftwatch's schema (src/registry/compatibility.ts).
 */
export async function registerSchemas(registry: SchemaRegistry, topics: TopicNames): Promise<Record<EventKind, number>> {
  const register = async (kind: EventKind, topic: string) => {
    const subject = `${topic}-value`
    try {
      const compatibility = await ensureSubjectCompatibility(registry, subject)
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(rawSchema(kind)) }, { subject, compatibility })
      return id
    } catch (cause) {
      throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registering the ${kind} schema under ${topic}-value failed: ${(cause as Error).message}`, { cause, retriable: true })
    }
  }
  return { prediction: await register('prediction', topics.predictions), 'ground-truth': await register('ground-truth', topics.groundTruth) }
}

/**
 * Records of one send above this many bytes (keys and values) go gzip-compressed, as the dead
 * letters do: the broker checks a batch against the topic's max.message.bytes (the broker's
 * message.max.bytes, 1,048,588 by default) as sent, and a record of ingest.maxRecordBytes (1 MiB
 * by default) plus the batch and record headers is over that uncompressed; uncompressed, HTTP
 * accepted such an event and the broker refused it, a 503 that no retry could cure. Below it the
 * batch is sent as it is: the usual send of a few KiB would pay gzip's CPU here and in every
 * consumer for nothing. A record that does not compress below the topic's limit is still refused:
 * raise max.message.bytes to ingest.maxRecordBytes plus some room (docs/operations.md).
 */
export const COMPRESS_ABOVE_BYTES = 512 * 1024

/** Whether a send of these messages goes compressed (COMPRESS_ABOVE_BYTES). */
export function compressionFor(messages: readonly { readonly key: Buffer | null; readonly value: Buffer }[]): CompressionTypes {
  let bytes = 0
  for (const m of messages) bytes += (m.key?.length ?? 0) + m.value.length
  return bytes > COMPRESS_ABOVE_BYTES ? CompressionTypes.GZIP : CompressionTypes.None
}

export function kafkaPublisher(producer: Producer, registry: SchemaRegistry, ids: Record<EventKind, number>, topics: TopicNames): EventPublisher {
  return publisher(
    topics,
    (kind, event) => registry.encode(ids[kind], event),
    async (_kind, topic, messages) => {
      await producer.send({ topic, acks: -1, compression: compressionFor(messages), messages: messages.map((m) => ({ key: m.key, value: m.value })) })
    },
  )
}
