/**
 * Where writer schemas come from.
 * - Kafka mode: a Confluent-compatible registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace).
 * - Embedded mode: the bundled schemas under fixed local ids; events never leave the process.
 */
import avro from 'avsc'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError, describeError } from '../errors.js'
import type { SchemaResolver } from '../ingest/decoder.js'
import { avroType, type EventKind } from '../ingest/schemas.js'

/**
 * Which registry answers mean "try again later". @kafkajs/confluent-schema-registry turns every
 * failed request into a ResponseError with the HTTP status; a request that got no answer at all
 * (connection refused, reset, DNS, timeout) arrives as status 400, because its HTTP layer
 * (mappersmith) reports client-side failures as 400. GET /schemas/ids/{id} itself never answers
 * 400 on Confluent, Apicurio or Karapace, so 400 is a transport failure here. 401/403/407 are a
 * credentials problem of this deployment, not of the record: retried (the partition shows as
 * stuck in /readyz) rather than dead-lettering every record.
 */
const RETRIABLE_STATUS = new Set([400, 401, 403, 407, 408, 425, 429])
export const isRetriableRegistryStatus = (status: number) => RETRIABLE_STATUS.has(status) || status >= 500

/**
 * Classifies what `registry.getSchema(id)` threw:
 *   status 404                 -> DW_DECODE_UNKNOWN_SCHEMA (the id is not in the registry)
 *   transport / 5xx / auth     -> retriable DW_REGISTRY_UNAVAILABLE
 *   any other status           -> DW_DECODE_UNSUPPORTED_SCHEMA (the registry refuses this id)
 *   no status                  -> DW_DECODE_UNSUPPORTED_SCHEMA: the schema was fetched but the
 *                                 client could not parse it (ConfluentSchemaRegistryArgumentError
 *                                 from avsc, protobufjs or ajv), or its type is unknown
 */
function statusOf(cause: unknown): number | null {
  try {
    const status = (cause as { status?: unknown } | null)?.status
    return typeof status === 'number' ? status : null
  } catch {
    return null
  }
}

export function classifyRegistryFailure(schemaId: number, cause: unknown): DriftwatchError {
  const status = statusOf(cause)
  const why = describeError(cause).slice(0, 500)
  if (status === 404) return new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema id ${schemaId} is not in the registry`, { cause, schemaId })
  if (status !== null && isRetriableRegistryStatus(status)) {
    return new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registry lookup of schema ${schemaId} failed: ${why}`, { cause, retriable: true, schemaId })
  }
  const what = status === null ? 'cannot be parsed as Avro' : `is refused by the registry (status ${status})`
  return new DriftwatchError('DW_DECODE_UNSUPPORTED_SCHEMA', `schema ${schemaId} ${what}: ${why}`, { cause, schemaId })
}

export function registryResolver(registry: SchemaRegistry): SchemaResolver {
  return async (schemaId) => {
    let schema: unknown
    try {
      schema = await registry.getSchema(schemaId)
    } catch (cause) {
      throw classifyRegistryFailure(schemaId, cause)
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
