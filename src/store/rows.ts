/**
 * Event -> ClickHouse row mapping. Features are split by type into maps, because ClickHouse has
 * no union type: numbers into features_num, strings and booleans ('true'/'false') into
 * features_cat, nulls into features_missing.
 */
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

/** 'YYYY-MM-DD hh:mm:ss.mmm' in UTC, the basic DateTime64(3) text form (every input format parses it). */
export const clickhouseDateTime64 = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)

export function predictionRow(e: PredictionEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>, privacy: Privacy): PredictionRow {
  const features_num: Record<string, number> = {}
  const features_cat: Record<string, string> = {}
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
    probabilities: e.prediction.probabilities ?? {},
    value: e.prediction.value,
    segments: e.segments,
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
