/**
 * Where writer schemas come from.
 * - Kafka mode: a Confluent-compatible registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace).
 * - Embedded mode: the bundled schemas under fixed local ids; events never leave the process.
 */
import avro from 'avsc'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { SchemaResolver } from '../ingest/decoder.js'
import { timeUnitProblem } from '../ingest/schema-resolution.js'
import { avroType, rawSchema, type EventKind } from '../ingest/schemas.js'
import { REGISTRY_REQUEST_TIMEOUT_MS, registryErrorText, registryRequest, registryStatusOf } from './client.js'

/**
 * Which registry answers mean "try again later". @kafkajs/confluent-schema-registry turns every
 * failed request into a ResponseError with the HTTP status; a request that got no answer at all
 * (connection refused, reset, DNS, timeout) arrives as status 400, because its HTTP layer
 * (mappersmith) reports client-side failures as 400. GET /schemas/ids/{id} itself never answers
 * 400 on Confluent, Apicurio or Karapace, so 400 is a transport failure here. 401/403/407 are a
 * credentials problem of this deployment, not of the record: retried (the partition shows as
 * stuck in /readyz) rather than dead-lettering every record. schemaRegistryClient (./client.ts)
 * reports 401 and 403 as DW_CONFIG_INVALID itself, which classifyRegistryFailure retries alike;
 * 407 (a proxy's credentials) still arrives here as a status.
 */
const RETRIABLE_STATUS = new Set([400, 401, 403, 407, 408, 425, 429])
export const isRetriableRegistryStatus = (status: number) => RETRIABLE_STATUS.has(status) || status >= 500

/**
 * Classifies what `registry.getSchema(id)` threw:
 *   status 404                 -> DW_DECODE_UNKNOWN_SCHEMA (the id is not in the registry;
 *                                 registryResolver confirms it is the registry's answer)
 *   transport / 5xx / auth     -> retriable DW_REGISTRY_UNAVAILABLE
 *   a DriftwatchError          -> retriable DW_REGISTRY_UNAVAILABLE with its message: the client's
 *                                 DW_CONFIG_INVALID for refused credentials (./client.ts)
 *   any other status           -> DW_DECODE_UNSUPPORTED_SCHEMA (the registry refuses this id)
 *   no status                  -> DW_DECODE_UNSUPPORTED_SCHEMA: the schema was fetched but the
 *                                 client could not parse it (ConfluentSchemaRegistryArgumentError
 *                                 from avsc, protobufjs or ajv), or its type is unknown.
 *                                 registryResolver confirms that the answer held a schema at all
 *                                 (RegistryQuestions.schemaText): a 200 that is not the registry's answer
 *                                 (an HTML page, `{}`) fails the client's parse the same way
 *
 * Refused credentials end a start (src/pipeline/publisher.ts passes the client's DW_CONFIG_INVALID
 * on), but not a running consumer: what a lookup fails with here, when not retriable, makes a dead
 * letter of every record of the id (src/pipeline/event-handler.ts) and marks the id unreadable
 * until the process restarts (src/ingest/decoder.ts). Retried, the partition waits, named in
 * /readyz with this code, until the registry accepts the credentials again or the process is
 * restarted with others; a restart with credentials still refused fails at its start.
 */
export function classifyRegistryFailure(schemaId: number, cause: unknown): DriftwatchError {
  const status = registryStatusOf(cause)
  const why = registryErrorText(cause).slice(0, 500)
  if (status === 404) return new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema id ${schemaId} is not in the registry`, { cause, schemaId })
  if (isDriftwatchError(cause) || (status !== null && isRetriableRegistryStatus(status))) {
    return new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registry lookup of schema ${schemaId} failed: ${why}`, { cause, retriable: true, schemaId })
  }
  const what = status === null ? 'cannot be parsed as Avro' : `is refused by the registry (status ${status})`
  return new DriftwatchError('DW_DECODE_UNSUPPORTED_SCHEMA', `schema ${schemaId} ${what}: ${why}`, { cause, schemaId })
}

/** Confluent's error code for "schema not found", which Apicurio's and Karapace's compatible APIs answer too. */
const SCHEMA_NOT_FOUND = 40403

/**
 * Whether the registry at `registryUrl` itself says schema `schemaId` is not found: a 404 whose
 * JSON body carries error_code 40403. The client's errors keep the status and not the body, so a
 * 404 is asked again here, once. A 404 from something in front of the registry (a proxy, an
 * ingress whose route is being recreated, a URL that points elsewhere) says nothing about the
 * schema: dead-lettering on it would lose every record of an id not yet cached.
 */
export async function registrySaysNotFound(registryUrl: string, schemaId: number, timeoutMs = REGISTRY_REQUEST_TIMEOUT_MS): Promise<boolean> {
  const { url, headers } = registryRequest(registryUrl, `/schemas/ids/${schemaId}`, 'application/vnd.schemaregistry.v1+json, application/json')
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
    if (response.status !== 404) return false
    const body = (await response.json()) as { error_code?: unknown } | null
    return body?.error_code === SCHEMA_NOT_FOUND
  } catch {
    return false
  }
}

/**
 * The `schema` string the registry at `registryUrl` answers for GET /schemas/ids/{id}: a JSON
 * object with a `schema` string (Confluent's `{"schema": "..."}`, which Apicurio and Karapace
 * answer too); null for any other answer or a failure to ask. The client parses whatever a 200
 * carries: an HTML maintenance page, `{}` or a body that is not JSON (a proxy, a load balancer, a
 * registry starting up) reaches avsc as no schema and fails as a parse error, without a status,
 * like a schema avsc refuses. Its errors keep neither the body nor the answer, so the answer is
 * asked again here, as registrySaysNotFound asks a 404 again: the same URL and credentials.
 */
export async function registrySchemaText(registryUrl: string, schemaId: number, timeoutMs = REGISTRY_REQUEST_TIMEOUT_MS): Promise<string | null> {
  const { url, headers } = registryRequest(registryUrl, `/schemas/ids/${schemaId}`, 'application/vnd.schemaregistry.v1+json, application/json')
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) return null
    const answer: unknown = await response.json()
    const schema = typeof answer === 'object' && answer !== null ? (answer as { schema?: unknown }).schema : undefined
    return typeof schema === 'string' ? schema : null
  } catch {
    return null
  }
}

/** What the resolver asks the registry again when the client's lookup failed in a way that does not say enough. */
export interface RegistryQuestions {
  /** Whether the registry itself says the id is not found (registrySaysNotFound). */
  notFound(schemaId: number): Promise<boolean>
  /** The registry's schema text for the id, or null (registrySchemaText). */
  schemaText(schemaId: number): Promise<string | null>
}

/** The questions asked of the registry at `registryUrl`. */
export const registryQuestions = (registryUrl: string): RegistryQuestions => ({
  notFound: (id) => registrySaysNotFound(registryUrl, id),
  schemaText: (id) => registrySchemaText(registryUrl, id),
})

/**
 * Refuses a writer schema that writes driftwatch's timestamp-millis fields in another unit
 * (timeUnitProblem, src/ingest/schema-resolution.ts). The parsed type has lost its logical types
 * (avsc keeps none without `logicalTypes`), so the registry's text is read, asked once more per new
 * id: the decoder resolves each id once per process.
 */
async function refuseOtherTimeUnits(ask: RegistryQuestions, schemaId: number, readers: readonly Record<string, unknown>[]): Promise<void> {
  const text = await ask.schemaText(schemaId)
  if (text === null) {
    throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registry lookup of schema ${schemaId} answered without a schema the second time it was asked (a proxy or load balancer in front of it?)`, { retriable: true, schemaId })
  }
  let writer: unknown
  try {
    writer = JSON.parse(text)
  } catch {
    return // a bare type name ("string"): the client parsed it, and it has no fields
  }
  const problem = timeUnitProblem(writer, readers)
  if (problem) throw new DriftwatchError('DW_DECODE_UNSUPPORTED_SCHEMA', `schema ${schemaId}: ${problem.message}`, { schemaId, path: problem.path })
}

/**
 * Writer schemas by id from the registry. `ask.notFound` decides whether a 404 is the registry's
 * own "not found" (registrySaysNotFound); any other 404 is retried as an outage. A schema the
 * client cannot parse makes its id unusable (src/ingest/decoder.ts) only when the registry's
 * answer holds a schema string (`ask.schemaText`); any other answer is retried as an outage.
 */
export function registryResolver(registry: SchemaRegistry, ask: RegistryQuestions): SchemaResolver {
  const lookup = async (schemaId: number, retried = false): Promise<unknown> => {
    try {
      return await registry.getSchema(schemaId)
    } catch (cause) {
      const failure = classifyRegistryFailure(schemaId, cause)
      if (failure.code === 'DW_DECODE_UNKNOWN_SCHEMA' && !(await ask.notFound(schemaId))) {
        throw new DriftwatchError(
          'DW_REGISTRY_UNAVAILABLE',
          `registry lookup of schema ${schemaId} answered 404 without the registry's error code ${SCHEMA_NOT_FOUND}: not the registry's answer (a proxy in front of it, or a URL that points elsewhere?)`,
          { cause, retriable: true, schemaId },
        )
      }
      if (failure.code === 'DW_DECODE_UNSUPPORTED_SCHEMA' && registryStatusOf(cause) === null && !retried) {
        if ((await ask.schemaText(schemaId)) === null) {
          throw new DriftwatchError(
            'DW_REGISTRY_UNAVAILABLE',
            `registry lookup of schema ${schemaId} answered without a schema (not JSON, or no "schema" string in it): not the registry's answer (a proxy or load balancer in front of it, or a registry starting up?)`,
            { cause, retriable: true, schemaId },
          )
        }
        // The registry serves a schema now. The failed parse may have been of another answer
        // (a proxy that has just stopped answering for it): parse the registry's own once more.
        return lookup(schemaId, true)
      }
      throw failure
    }
  }
  const readers = [rawSchema('prediction'), rawSchema('ground-truth')]
  return async (schemaId) => {
    const schema = await lookup(schemaId)
    // The client parses JSON Schema (ajv) and Protobuf (protobufjs) too; events are Avro only.
    if (!avro.Type.isType(schema)) {
      const kind = (schema as { constructor?: { name?: unknown } } | null)?.constructor?.name
      throw new DriftwatchError(
        'DW_DECODE_UNSUPPORTED_SCHEMA',
        `schema ${schemaId} is not an Avro schema (${typeof kind === 'string' ? kind : 'unknown type'}); driftwatch reads Avro only`,
        { schemaId },
      )
    }
    await refuseOtherTimeUnits(ask, schemaId, readers)
    return schema as avro.Type
  }
}

/** Fixed ids for the embedded source, which frames events exactly as a registry client would. */
export const LOCAL_SCHEMA_IDS: Readonly<Record<EventKind, number>> = { prediction: 1, 'ground-truth': 2 }

export function localResolver(): SchemaResolver {
  const byId = new Map<number, avro.Type>(
    (Object.entries(LOCAL_SCHEMA_IDS) as [EventKind, number][]).map(([kind, id]) => [id, avroType(kind)]),
  )
  return async (schemaId) => {
    const type = byId.get(schemaId)
    if (!type) throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema id ${schemaId} is not a bundled schema`, { schemaId })
    return type
  }
}
