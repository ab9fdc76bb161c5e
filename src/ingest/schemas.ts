/**
 * The Avro contracts in schemas/*.avsc, parsed once, and their TypeScript shapes.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packagePath } from '../package-root.js'
import avro from 'avsc'

export const SCHEMAS_DIR = packagePath('schemas')

export type FeatureValue = number | string | boolean | null
export type Variant = 'champion' | 'challenger' | 'shadow' | 'canary'

export interface PredictionEvent {
  prediction_id: string
  model_id: string
  model_version: string
  /** ms since the Unix epoch, UTC */
  event_time: number
  features: Record<string, FeatureValue>
  prediction: {
    class_label: string | null
    score: number | null
    probabilities: Record<string, number> | null
    value: number | null
  }
  segments: Record<string, string>
  deployment: { environment: string; variant: Variant }
  subject_id: string | null
}

export interface GroundTruthEvent {
  prediction_id: string
  label: { class_label: string | null; value: number | null }
  /** ms since the Unix epoch, UTC */
  label_time: number
  source: string
}

export type EventKind = 'prediction' | 'ground-truth'

const FILES: Record<EventKind, string> = {
  prediction: 'prediction-event.avsc',
  'ground-truth': 'ground-truth-event.avsc',
}

export function rawSchema(kind: EventKind): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, FILES[kind]), 'utf8')) as Record<string, unknown>
}

/**
 * An Avro map decoded into a null-prototype object. avsc's MapType reads into `{}` and assigns
 * `val[key] = ...`, so a key `__proto__` hits Object.prototype's setter and the entry vanishes
 * (a feature named `__proto__` was silently dropped). With no prototype every key is an own data
 * key, kept verbatim. Schema resolution (MapType#_update) reuses this `_read`, so records written
 * with an older or newer schema decode the same way. Reads the Avro map encoding (spec 1.11,
 * "Complex Types Serialization"): blocks of `count` entries; a negative count is followed by the
 * block's byte size; a zero count ends the map.
 */
class NullPrototypeMapType extends avro.types.MapType {
  _read(tap: { readLong(): number; skipLong(): void; readString(): string }): Record<string, unknown> {
    const values = this.valuesType as { _read(t: typeof tap): unknown }
    const out = Object.create(null) as Record<string, unknown>
    for (let n = tap.readLong(); n !== 0; n = tap.readLong()) {
      if (n < 0) {
        n = -n
        tap.skipLong()
      }
      for (; n > 0; n--) {
        const key = tap.readString()
        out[key] = values._read(tap)
      }
    }
    return out
  }
}

const nullPrototypeMaps = (schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined =>
  typeof schema === 'object' && schema !== null && !Array.isArray(schema) && (schema as { type?: unknown }).type === 'map'
    ? new NullPrototypeMapType(schema as avro.Schema, opts)
    : undefined

/**
 * avsc types in the form avsc gives Avro's nullable unions: a union with null maps to the bare
 * value (wrapUnions: false), so decoded events have the plain shapes above. Maps decode into
 * null-prototype objects (NullPrototypeMapType).
 */
export function avroType(kind: EventKind): avro.Type {
  return avro.Type.forSchema(rawSchema(kind) as avro.Schema, { wrapUnions: false, typeHook: nullPrototypeMaps })
}
