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
import { SchemaType, type COMPATIBILITY, type SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError, type ErrorCode } from '../errors.js'
import { recordKey } from '../ingest/record-size.js'
import { frame } from '../ingest/wire-format.js'
import { avroType, rawSchema, type EventKind, type GroundTruthEvent, type PredictionEvent } from '../ingest/schemas.js'
import { REGISTRY_REQUEST_TIMEOUT_MS, registryErrorText, registryStatusOf } from '../registry/client.js'
import { SUBJECT_COMPATIBILITY, ensureSubjectCompatibility } from '../registry/compatibility.js'
import { LOCAL_SCHEMA_IDS, isRetriableRegistryStatus } from '../registry/resolvers.js'
import { backoffDelayMs, type BackoffPolicy } from './backoff.js'
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

export interface RegisterOptions {
  /** Tries of each subject before the start fails. Default 5. */
  readonly attempts?: number
  /** Delay between tries. Default 250 ms doubling up to 2 s, full jitter: under 4 s in all. */
  readonly backoff?: BackoffPolicy
  /**
   * No try starts once this long has passed since the first. Default half of
   * REGISTRY_REQUEST_TIMEOUT_MS: a registry that holds a request until it times out is waited for
   * once, not once per try, while failures that come at once get all their tries.
   */
  readonly budgetMs?: number
  readonly random?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

const REGISTER_ATTEMPTS = 5
const REGISTER_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 2000 }
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The code of a definite refusal: the registry answered, and what it holds for the topic's subject
 * does not agree with this driftwatch. Trying again cannot change that; an operator has to
 * (docs/operations.md, "Several instances").
 */
const REFUSED = 'DW_SCHEMA_REFUSED' satisfies ErrorCode

/** One failed try of a subject: which step failed, and what the registry client threw. */
interface Failure {
  readonly step: 'level' | 'schema'
  readonly cause: unknown
}

/**
 * The client's own check, in `register`, that the subject's level is the one it is given: the
 * level changed between ensureSubjectCompatibility and the registration. Its errors are not
 * exported; their name is their class's.
 */
const levelChangedMeanwhile = (cause: unknown) => (cause as { name?: unknown } | null)?.name === 'ConfluentSchemaRegistryCompatibilityError'

/** No answer, 5xx, 429, credentials, or a 404 that may be a proxy's (classifyRegistryFailure's rule). */
const isOutage = (status: number | null) => status !== null && (isRetriableRegistryStatus(status) || status === 404)

/**
 * Whether another try may succeed: an outage may pass, and a level another instance or an operator
 * set meanwhile (the PUT refused, or the level changed before the registration) is set again. An
 * incompatible schema (409 on the registration) or a request the registry cannot take is final.
 */
function worthRetrying({ step, cause }: Failure): boolean {
  const status = registryStatusOf(cause)
  return isOutage(status) || (step === 'level' && status === 409) || levelChangedMeanwhile(cause)
}

/** The error a start fails with: an outage, a refusal, or the cause itself where the client did not fail (a bug). */
function registrationFailure(kind: EventKind, subject: string, { step, cause }: Failure, tries: number): unknown {
  const status = registryStatusOf(cause)
  const why = registryErrorText(cause).slice(0, 500)
  const what = step === 'level' ? `setting the compatibility of ${subject} to ${SUBJECT_COMPATIBILITY}` : `registering the ${kind} schema under ${subject}`
  const after = tries > 1 ? ` (${tries} tries)` : ''
  if (isOutage(status)) {
    const check =
      status === 401 || status === 403 || status === 407
        ? 'check the credentials in the registry URL'
        : status === 404
          ? "check that the registry URL is the registry's Confluent-compatible API (Apicurio: /apis/ccompat/v7)"
          : 'check the registry URL, that the registry runs and that this machine reaches it'
    return new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `${what} failed${after}: ${why}: ${check}`, { cause, retriable: true, subject })
  }
  if (levelChangedMeanwhile(cause) || (step === 'level' && status === 409)) {
    return new DriftwatchError(
      REFUSED,
      `${what} failed${after}: ${why}: something else keeps setting another level on ${subject} (an instance of an earlier release?); set it to ${SUBJECT_COMPATIBILITY} and run one release`,
      { cause, subject },
    )
  }
  if (step === 'schema' && status === 409) {
    return new DriftwatchError(
      REFUSED,
      `the registry refuses driftwatch's ${kind} schema under ${subject}: ${why}: the subject holds a version it cannot follow under the subject's level (see "Schema evolution" in docs/events.md)`,
      { cause, subject },
    )
  }
  if (status !== null) {
    return new DriftwatchError(REFUSED, `${what} was refused (status ${status}): ${why}: check that the registry URL is the registry's Confluent-compatible API (Apicurio: /apis/ccompat/v7)`, { cause, subject })
  }
  return cause
}

/**
 * Registers the bundled schemas under `<topic>-value` and returns their ids, with the subjects'
 * compatibility at FORWARD_TRANSITIVE (or FULL_TRANSITIVE where an operator set that): every
 * version a producer registers stays readable by driftwatch's schema (src/registry/compatibility.ts).
 *
 * Instances started together run this side by side on the same subjects, and every step is
 * idempotent: a level another instance set is taken (ensureSubjectCompatibility), and a
 * registration the registry refused is followed by a lookup of the schema under the subject, whose
 * id is taken if another instance registered it meanwhile. A try that failed on an outage or on a
 * level set meanwhile is repeated, `attempts` times at most, with backoff, and none starts after
 * `budgetMs`. Then the start fails with DW_REGISTRY_UNAVAILABLE (retriable: the registry did not
 * answer, answered 5xx or 429, refused the credentials, or a 404 that may be a proxy's) or
 * DW_SCHEMA_REFUSED (not retriable: the registry refuses the schema as incompatible with the
 * subject's versions, another level keeps being set, or it cannot take the request).
 */
export async function registerSchemas(registry: SchemaRegistry, topics: TopicNames, o: RegisterOptions = {}): Promise<Record<EventKind, number>> {
  const attempts = o.attempts ?? REGISTER_ATTEMPTS
  const backoff = o.backoff ?? REGISTER_BACKOFF
  const budgetMs = o.budgetMs ?? REGISTRY_REQUEST_TIMEOUT_MS / 2
  const random = o.random ?? Math.random
  const wait = o.sleep ?? sleep
  const now = o.now ?? Date.now
  const started = now()

  /** One try: the subject's level, then the schema. */
  const once = async (kind: EventKind, subject: string): Promise<{ id: number } | Failure> => {
    let compatibility: COMPATIBILITY
    try {
      compatibility = await ensureSubjectCompatibility(registry, subject)
    } catch (cause) {
      return { step: 'level', cause }
    }
    const schema = { type: SchemaType.AVRO, schema: JSON.stringify(rawSchema(kind)) } as const
    try {
      return { id: (await registry.register(schema, { subject, compatibility })).id }
    } catch (cause) {
      const status = registryStatusOf(cause)
      const id = status !== null && !isOutage(status) ? await registry.getRegistryIdBySchema(subject, schema).catch(() => undefined) : undefined
      return id === undefined ? { step: 'schema', cause } : { id }
    }
  }

  const register = async (kind: EventKind, topic: string): Promise<number> => {
    const subject = `${topic}-value`
    for (let attempt = 0; ; attempt++) {
      const outcome = await once(kind, subject)
      if ('id' in outcome) return outcome.id
      if (!worthRetrying(outcome) || attempt + 1 >= attempts || now() - started >= budgetMs) throw registrationFailure(kind, subject, outcome, attempt + 1)
      await wait(backoffDelayMs(attempt, backoff, random))
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
