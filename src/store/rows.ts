/**
 * Event -> stored row. Features are split by type into maps, because ClickHouse has no union
 * type: numbers into features_num (written through features_num_hex, tsv.ts), strings and booleans ('true'/'false') into features_cat, nulls
 * into features_missing. Events are written as TabSeparated lines (src/store/tsv.ts), straight
 * from the decoded event, without an intermediate row object.
 */
import { DriftwatchError } from '../errors.js'
import { describeTime } from '../ingest/event-time.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { SourceRecord } from '../pipeline/source.js'
import { storedFeatureValue, type Privacy } from './privacy.js'
import { TSV_NULL, tsvDateTime64, tsvDoubleHex, tsvEscape, tsvNumber, tsvNumberMap, tsvString, tsvStringMap } from './tsv.js'

export type { Privacy } from './privacy.js'

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

/**
 * The columns of a stored prediction, in the order predictionLine writes them (`features_num`
 * through `features_num_hex`, tsv.ts). `ingested_at` takes its default (now64) in the engine.
 */
export const PREDICTION_COLUMNS = [
  'prediction_id', 'model_id', 'model_version', 'event_time', 'features_num_hex', 'features_cat', 'features_missing',
  'class_label', 'score', 'probabilities', 'value', 'segments', 'environment', 'variant', 'subject_id',
  'source_topic', 'source_partition', 'source_offset',
] as const

/**
 * DateTime64(3) text: Unix seconds (tsv.ts) for the whole milliseconds after the epoch that
 * validation lets through, the basic text form otherwise (which rejects a time out of range).
 */
const storedTime = (ms: number): string => (Number.isInteger(ms) && ms >= 0 && ms <= DATETIME64_MAX_MS ? tsvDateTime64(ms) : clickhouseDateTime64(ms))

/**
 * One prediction as a TabSeparated line (src/store/tsv.ts) of PREDICTION_COLUMNS, built in one
 * pass over the event: features split by type (numbers, strings and booleans as 'true'/'false',
 * nulls), pii features and subject_id pseudonymized (privacy.ts).
 */
export function predictionLine(e: PredictionEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>, privacy: Privacy): string {
  const stored = storedFeatureValue(privacy, e.model_id)
  let num = ''
  let cat = ''
  let missing = ''
  const features = e.features
  for (const name in features) {
    const v = stored(name, features[name]!)
    if (v === null) missing += `${missing ? ',' : ''}'${tsvEscape(name)}'`
    else if (typeof v === 'number') num += `${num ? ',' : ''}'${tsvEscape(name)}':'${tsvDoubleHex(v)}'`
    else cat += `${cat ? ',' : ''}'${tsvEscape(name)}':'${tsvEscape(String(v))}'`
  }
  return `${tsvEscape(e.prediction_id)}\t${tsvEscape(e.model_id)}\t${tsvEscape(e.model_version)}\t${storedTime(e.event_time)}\t{${num}}\t{${cat}}\t[${missing}]\t${predictionLineTail(e, source, privacy)}`
}

/**
 * The columns after the feature maps, class_label to source_offset, and the line's end: shared
 * by predictionLine and the fast reader (src/ingest/prediction-reader.ts).
 */
export function predictionLineTail(
  e: Pick<PredictionEvent, 'prediction' | 'segments' | 'deployment' | 'subject_id'>,
  source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>,
  privacy: Privacy,
): string {
  const p = e.prediction
  return `${tsvString(p.class_label)}\t${tsvNumber(p.score)}\t${tsvNumberMap(p.probabilities ?? {})}\t${tsvNumber(p.value)}\t${tsvStringMap(e.segments)}\t${tsvEscape(e.deployment.environment)}\t${tsvEscape(e.deployment.variant)}\t${e.subject_id === null ? TSV_NULL : tsvEscape(privacy.pseudonymize(e.subject_id))}\t${tsvEscape(source.topic)}\t${source.partition}\t${source.offset}\n`
}

/** The columns of a stored label, in the order groundTruthLine writes them. */
export const GROUND_TRUTH_COLUMNS = ['prediction_id', 'label_class', 'label_value', 'label_time', 'source', 'source_topic', 'source_partition', 'source_offset'] as const

/** One label as a TabSeparated line of GROUND_TRUTH_COLUMNS. */
export function groundTruthLine(e: GroundTruthEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>): string {
  return `${tsvEscape(e.prediction_id)}\t${tsvString(e.label.class_label)}\t${tsvNumber(e.label.value)}\t${storedTime(e.label_time)}\t${tsvEscape(e.source)}\t${tsvEscape(source.topic)}\t${source.partition}\t${source.offset}\n`
}
