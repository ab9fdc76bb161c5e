/**
 * Where writer schemas come from.
 * - Kafka mode: a Confluent-compatible registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace).
 * - Embedded mode: the bundled schemas under fixed local ids; events never leave the process.
 */
import avro from 'avsc'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { SchemaResolver } from '../ingest/decoder.js'
import { avroType, type EventKind } from '../ingest/schemas.js'
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
 *                                 from avsc, protobufjs or ajv), or its type is unknown
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
 * Writer schemas by id from the registry. `confirmNotFound` decides whether a 404 is the
 * registry's own "not found" (registrySaysNotFound); any other 404 is retried as an outage.
 */
export function registryResolver(registry: SchemaRegistry, confirmNotFound: (schemaId: number) => Promise<boolean>): SchemaResolver {
  return async (schemaId) => {
    let schema: unknown
    try {
      schema = await registry.getSchema(schemaId)
    } catch (cause) {
      const failure = classifyRegistryFailure(schemaId, cause)
      if (failure.code === 'DW_DECODE_UNKNOWN_SCHEMA' && !(await confirmNotFound(schemaId))) {
        throw new DriftwatchError(
          'DW_REGISTRY_UNAVAILABLE',
          `registry lookup of schema ${schemaId} answered 404 without the registry's error code ${SCHEMA_NOT_FOUND}: not the registry's answer (a proxy in front of it, or a URL that points elsewhere?)`,
          { cause, retriable: true, schemaId },
        )
      }
      throw failure
    }
    // The client parses JSON Schema (ajv) and Protobuf (protobufjs) too; events are Avro only.
    if (!avro.Type.isType(schema)) {
      const kind = (schema as { constructor?: { name?: unknown } } | null)?.constructor?.name
      throw new DriftwatchError(
        'DW_DECODE_UNSUPPORTED_SCHEMA',
        `schema ${schemaId} is not an Avro schema (${typeof kind === 'string' ? kind : 'unknown type'}); driftwatch reads Avro only`,
        { schemaId },
      )
    }
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
