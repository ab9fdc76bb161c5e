/**
 * Event -> ClickHouse row mapping. Features are split by type into maps, because ClickHouse has
 * no union type: numbers into features_num, strings and booleans ('true'/'false') into
 * features_cat, nulls into features_missing.
 */
import { DriftwatchError } from '../errors.js'
import { describeTime } from '../ingest/event-time.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { SourceRecord } from '../pipeline/source.js'
import { storedFeatureValue, type Privacy } from './privacy.js'

export type { Privacy } from './privacy.js'

export interface PredictionRow {
  prediction_id: string
  model_id: string
  model_version: string
  event_time: string
  features_num: Record<string, number>
  features_cat: Record<string, string>
  features_missing: string[]
  class_label: string | null
  score: number | null
  probabilities: Record<string, number>
  value: number | null
  segments: Record<string, string>
  environment: string
  variant: string
  subject_id: string | null
  source_topic: string
  source_partition: number
  source_offset: string
}

/**
 * 'YYYY-MM-DD hh:mm:ss.mmm' in UTC, the basic DateTime64(3) text form (every input format parses it).
 * Validation keeps event times within [2000, LATEST_TIME_MS]; a time outside DateTime64(3)'s range
 * that still gets here is a DW_TIMESTAMP_OUT_OF_RANGE (bad input, dead-lettered by the event
 * handler), not the RangeError `new Date(9e15).toISOString()` throws, which would crash the
 * consumer on the same record again after every restart.
 */
/** The range of ClickHouse DateTime64(3) (docs: data-types/datetime64, "Supported range of values"). */
const DATETIME64_MIN_MS = Date.UTC(1900, 0, 1)
const DATETIME64_MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999)

export function clickhouseDateTime64(ms: number): string {
  if (!(ms >= DATETIME64_MIN_MS && ms <= DATETIME64_MAX_MS)) {
    throw new DriftwatchError('DW_TIMESTAMP_OUT_OF_RANGE', `${ms} is not a time ClickHouse DateTime64(3) stores (${describeTime(DATETIME64_MIN_MS)} to ${describeTime(DATETIME64_MAX_MS)})`)
  }
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23)
}

/** A copy with no prototype: a key such as `__proto__` is stored as a plain key (see schemas.ts). */
function copyMap<V>(map: Readonly<Record<string, V>>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>
  for (const k of Object.keys(map)) out[k] = map[k]!
  return out
}

export function predictionRow(e: PredictionEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>, privacy: Privacy): PredictionRow {
  // Null-prototype: feature names are user data (`__proto__`, `constructor` are valid names).
  const features_num = Object.create(null) as Record<string, number>
  const features_cat = Object.create(null) as Record<string, string>
  const features_missing: string[] = []
  const stored = storedFeatureValue(privacy, e.model_id)
  for (const [name, raw] of Object.entries(e.features)) {
    const v = stored(name, raw)
    if (v === null) features_missing.push(name)
    else if (typeof v === 'number') features_num[name] = v
    else features_cat[name] = String(v)
  }
  return {
    prediction_id: e.prediction_id,
    model_id: e.model_id,
    model_version: e.model_version,
    event_time: clickhouseDateTime64(e.event_time),
    features_num,
    features_cat,
    features_missing,
    class_label: e.prediction.class_label,
    score: e.prediction.score,
    probabilities: copyMap(e.prediction.probabilities ?? {}),
    value: e.prediction.value,
    segments: copyMap(e.segments),
    environment: e.deployment.environment,
    variant: e.deployment.variant,
    subject_id: e.subject_id === null ? null : privacy.pseudonymize(e.subject_id),
    source_topic: source.topic,
    source_partition: source.partition,
    source_offset: source.offset,
  }
}

export interface GroundTruthRow {
  prediction_id: string
  label_class: string | null
  label_value: number | null
  label_time: string
  source: string
  source_topic: string
  source_partition: number
  source_offset: string
}

export function groundTruthRow(e: GroundTruthEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>): GroundTruthRow {
  return {
    prediction_id: e.prediction_id,
    label_class: e.label.class_label,
    label_value: e.label.value,
    label_time: clickhouseDateTime64(e.label_time),
    source: e.source,
    source_topic: source.topic,
    source_partition: source.partition,
    source_offset: source.offset,
  }
}
