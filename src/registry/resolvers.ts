/**
 * Where writer schemas come from.
 * - Kafka mode: a Confluent-compatible registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace).
 * - Embedded mode: the bundled schemas under fixed local ids; events never leave the process.
 */
import type avro from 'avsc'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { DriftwatchError } from '../errors.js'
import type { SchemaResolver } from '../ingest/decoder.js'
import { avroType, type EventKind } from '../ingest/schemas.js'

export function registryResolver(registry: SchemaRegistry): SchemaResolver {
  return async (schemaId) => {
    try {
      return (await registry.getSchema(schemaId)) as unknown as avro.Type
    } catch (cause) {
      const status = (cause as { status?: number }).status
      if (status === 404) {
        throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema id ${schemaId} is not in the registry`, { cause, schemaId })
      }
      throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `registry lookup of schema ${schemaId} failed: ${(cause as Error).message}`, {
        cause,
        retriable: true,
        schemaId,
      })
    }
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
