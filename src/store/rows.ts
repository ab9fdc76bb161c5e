/**
 * Event -> stored row. Features are split by type into maps, because ClickHouse has no union
 * type: numbers into features_num, strings and booleans ('true'/'false') into features_cat, nulls
 * into features_missing. Events are written as RowBinary rows (src/store/row-buffer.ts), straight
 * from the decoded event into the batch's buffer, without an intermediate row object.
 */
import { DriftwatchError } from '../errors.js'
import { describeTime } from '../ingest/event-time.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { SourceRecord } from '../pipeline/source.js'
import { storedFeatureValue, type Privacy } from './privacy.js'
import { CountedEntries, type RowBuffer } from './row-buffer.js'

export type { Privacy } from './privacy.js'

/** The range of ClickHouse DateTime64(3) (docs: data-types/datetime64, "Supported range of values"). */
const DATETIME64_MIN_MS = Date.UTC(1900, 0, 1)
const DATETIME64_MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999)

/**
 * Validation keeps event times within [2000, LATEST_TIME_MS]; a time outside DateTime64(3)'s range
 * that still gets here is a DW_TIMESTAMP_OUT_OF_RANGE (bad input, dead-lettered by the event
 * handler), not the RangeError `new Date(9e15).toISOString()` throws, which would crash the
 * consumer on the same record again after every restart, nor a time the engine wraps.
 */
function assertStorableTime(ms: number): void {
  if (!(ms >= DATETIME64_MIN_MS && ms <= DATETIME64_MAX_MS)) {
    throw new DriftwatchError('DW_TIMESTAMP_OUT_OF_RANGE', `${ms} is not a time ClickHouse DateTime64(3) stores (${describeTime(DATETIME64_MIN_MS)} to ${describeTime(DATETIME64_MAX_MS)})`)
  }
}

/** 'YYYY-MM-DD hh:mm:ss.mmm' in UTC, the basic DateTime64(3) text form (query parameters). */
export function clickhouseDateTime64(ms: number): string {
  assertStorableTime(ms)
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23)
}

/**
 * What a batch's RowBinary rows hold: the table's columns they fill, in order, and the type each
 * value is written as (`name Type, …`, the structure of ClickHouse's `file()` and `input()`).
 * The engine reads the rows by these types and converts them to the table's own (a CAST), so a
 * column an operator changes, say String to an Enum, still takes the rows it can (RowBinary
 * carries no types: read by the table's types, the bytes of one type would be misread as another).
 */
export interface RowLayout {
  readonly columns: readonly string[]
  readonly structure: string
}

function layout(columns: readonly (readonly [name: string, type: string])[]): RowLayout {
  return { columns: columns.map(([name]) => name), structure: columns.map(([name, type]) => `${name} ${type}`).join(', ') }
}

/**
 * The columns of a stored prediction, in the order predictionRow writes them, with the types it
 * writes (LowCardinality columns as String: the same bytes). `ingested_at` takes its default
 * (now64) in the engine.
 */
export const PREDICTION_ROW = layout([
  ['prediction_id', 'String'], ['model_id', 'String'], ['model_version', 'String'], ['event_time', "DateTime64(3, 'UTC')"],
  ['features_num', 'Map(String, Float64)'], ['features_cat', 'Map(String, String)'], ['features_missing', 'Array(String)'],
  ['class_label', 'Nullable(String)'], ['score', 'Nullable(Float64)'], ['probabilities', 'Map(String, Float64)'], ['value', 'Nullable(Float64)'],
  ['segments', 'Map(String, String)'], ['environment', 'String'], ['variant', 'String'], ['subject_id', 'Nullable(String)'],
  ['source_topic', 'String'], ['source_partition', 'UInt32'], ['source_offset', 'UInt64'],
])

/**
 * DateTime64(3) as its Int64 of milliseconds (row-buffer.ts), checked (assertStorableTime); a
 * fraction of a millisecond is dropped, as `Date` and the text form do.
 */
function storedTimeMs(ms: number): number {
  assertStorableTime(ms)
  return Math.trunc(ms)
}

/**
 * A prediction's features split by type, the entries of features_num, features_cat and
 * features_missing: filled by predictionRow and by the fast reader (src/ingest/prediction-reader.ts),
 * each from its own instance, reused from event to event.
 */
export class FeatureEntries {
  readonly num = new CountedEntries(4096)
  readonly cat = new CountedEntries(4096)
  readonly missing = new CountedEntries(1024)

  reset(): void {
    this.num.reset()
    this.cat.reset()
    this.missing.reset()
  }

  /** The three columns, in the row's order. */
  writeTo(out: RowBuffer): void {
    this.num.writeTo(out)
    this.cat.writeTo(out)
    this.missing.writeTo(out)
  }
}

/** predictionRow's (it runs start to end without yielding). */
const entries = new FeatureEntries()

/**
 * One prediction as a RowBinary row (row-buffer.ts) of PREDICTION_ROW into `out`, built in
 * one pass over the event: features split by type (numbers, strings and booleans as
 * 'true'/'false', nulls), pii features and subject_id pseudonymized (privacy.ts). Writes nothing
 * when it throws (a time out of range).
 */
export function predictionRow(out: RowBuffer, e: PredictionEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>, privacy: Privacy): void {
  const time = storedTimeMs(e.event_time)
  const stored = storedFeatureValue(privacy, e.model_id)
  entries.reset()
  const { num, cat, missing } = entries
  const features = e.features
  for (const name in features) {
    const v = stored(name, features[name]!)
    if (v === null) {
      missing.string(name)
      missing.count++
    } else if (typeof v === 'number') {
      num.string(name)
      num.float64(v)
      num.count++
    } else {
      cat.string(name)
      cat.string(String(v))
      cat.count++
    }
  }
  out.string(e.prediction_id)
  out.string(e.model_id)
  out.string(e.model_version)
  out.int64(time)
  entries.writeTo(out)
  predictionRowTail(out, e, source, privacy)
}

/**
 * The columns after the feature maps, class_label to source_offset: predictionRowOutcome, the
 * segments, predictionRowEnd. The fast reader (src/ingest/prediction-reader.ts) writes the
 * segments from the payload's bytes between the two.
 */
export function predictionRowTail(
  out: RowBuffer,
  e: Pick<PredictionEvent, 'prediction' | 'segments' | 'deployment' | 'subject_id'>,
  source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>,
  privacy: Privacy,
): void {
  predictionRowOutcome(out, e.prediction)
  out.stringMap(e.segments)
  predictionRowEnd(out, e, source, privacy)
}

/** class_label, score, probabilities, value. */
export function predictionRowOutcome(out: RowBuffer, p: PredictionEvent['prediction']): void {
  out.nullableString(p.class_label)
  out.nullableFloat64(p.score)
  out.numberMap(p.probabilities ?? {})
  out.nullableFloat64(p.value)
}

/** environment, variant, subject_id (pseudonymized), source_topic, source_partition, source_offset. */
export function predictionRowEnd(
  out: RowBuffer,
  e: Pick<PredictionEvent, 'deployment' | 'subject_id'>,
  source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>,
  privacy: Privacy,
): void {
  out.string(e.deployment.environment)
  out.string(e.deployment.variant)
  out.nullableString(e.subject_id === null ? null : privacy.pseudonymize(e.subject_id))
  out.string(source.topic)
  out.uint32(source.partition)
  out.uint64Decimal(source.offset)
}

/** The columns of a stored label, in the order groundTruthRow writes them, with their types. */
export const GROUND_TRUTH_ROW = layout([
  ['prediction_id', 'String'], ['label_class', 'Nullable(String)'], ['label_value', 'Nullable(Float64)'], ['label_time', "DateTime64(3, 'UTC')"],
  ['source', 'String'], ['source_topic', 'String'], ['source_partition', 'UInt32'], ['source_offset', 'UInt64'],
])

/** One label as a RowBinary row of GROUND_TRUTH_ROW into `out`; nothing when it throws (a time out of range). */
export function groundTruthRow(out: RowBuffer, e: GroundTruthEvent, source: Pick<SourceRecord, 'topic' | 'partition' | 'offset'>): void {
  const time = storedTimeMs(e.label_time)
  out.string(e.prediction_id)
  out.nullableString(e.label.class_label)
  out.nullableFloat64(e.label.value)
  out.int64(time)
  out.string(e.source)
  out.string(source.topic)
  out.uint32(source.partition)
  out.uint64Decimal(source.offset)
}
