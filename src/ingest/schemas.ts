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
 * avsc types in the form avsc gives Avro's nullable unions: a union with null maps to the bare
 * value (wrapUnions: false), so decoded events have the plain shapes above.
 */
export function avroType(kind: EventKind): avro.Type {
  return avro.Type.forSchema(rawSchema(kind) as avro.Schema, { wrapUnions: false })
}
