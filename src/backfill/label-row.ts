/**
 * One row of a label file -> GroundTruthEvent, or a DriftwatchError naming the field as the file
 * names it. Two shapes are accepted (docs/backfill.md):
 *
 *   flat   { prediction_id, label?, label_value?, label_time, source? }   CSV rows; JSONL too
 *   event  { prediction_id, label: { class_label?, value? }, label_time, source? }   JSONL only
 *
 * Both end in parseGroundTruthJson, so a backfilled label passes exactly the checks a streamed
 * one does. Before that, label_time is normalised more strictly than Date.parse alone: epoch
 * milliseconds, or ISO 8601 with a zone (Z or ±hh:mm) or a bare date (UTC midnight); a zone-less
 * date-time is rejected because Date.parse would read it in the machine's local time zone.
 * `source` defaults to 'backfill'. Pure: the clock comes in as `nowMs`.
 */
import { DriftwatchError, type ErrorCode } from '../errors.js'
import { parseGroundTruthJson, type Parsed } from '../ingest/json-events.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import type { ValidationLimits } from '../ingest/validate.js'
import { parseTime } from '../ingest/event-time.js'

export const FLAT_COLUMNS = ['prediction_id', 'label', 'label_value', 'label_time', 'source'] as const
const EVENT_FIELDS = new Set(['prediction_id', 'label', 'label_time', 'source'])
const LABEL_FIELDS = new Set(['class_label', 'value'])
export const DEFAULT_SOURCE = 'backfill'

/**
 * Fields of a prediction event (schemas/prediction-event.avsc) that no label has: a file of rows
 * with them is a predictions file given to the label backfill.
 */
const PREDICTION_FIELDS: readonly string[] = ['model_id', 'model_version', 'event_time', 'features', 'prediction']

export const predictionFieldsIn = (names: readonly string[]): string[] => PREDICTION_FIELDS.filter((f) => names.includes(f))

const fail = (code: ErrorCode, path: string, message: string, context: Record<string, unknown> = {}): Parsed<never> => ({
  ok: false,
  error: new DriftwatchError(code, `${path}: ${message}`, { ...context, path }),
})
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i

/** Epoch ms (number or digit string) or ISO 8601 -> ms; the one reading HTTP ingest uses too. */
export const labelTimeMs = parseTime

/** A CSV cell or JSON value for `label_value` -> number | null, or a problem. */
function labelValue(v: unknown): number | null | { code: ErrorCode; problem: string } {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return { code: 'DW_VALIDATION_FAILED', problem: 'must be a number' }
  const s = v.trim()
  if (s === '') return null
  if (NON_FINITE.test(s)) return { code: 'DW_NON_FINITE_NUMBER', problem: `${s} is not a finite number` }
  if (!DECIMAL.test(s)) return { code: 'DW_VALIDATION_FAILED', problem: `"${s.slice(0, 64)}" is not a number` }
  return Number(s)
}

/**
 * A CSV cell or JSON value for `label` -> class label | null, or a problem; numbers become their
 * decimal text. An empty cell is no class: CSV has no null (the event shape's class_label must
 * not be empty, docs/events.md). A JSON number that JSON.parse could not hold, past the largest
 * double (1e400, read as Infinity) or an integer past ±(2^53 - 1) (read as the nearest double), is
 * refused: its text would not be the class written.
 */
function classLabel(v: unknown): { value: unknown } | { code: ErrorCode; problem: string } {
  if (v === undefined || v === null || v === '') return { value: null }
  if (typeof v !== 'number') return { value: v }
  if (!Number.isFinite(v)) return { code: 'DW_NON_FINITE_NUMBER', problem: `a number too large for a double reads as ${v}, which is not a finite number; quote the class as a string` }
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
    return { code: 'DW_VALIDATION_FAILED', problem: `${v} is an integer too large to hold exactly (beyond ±2^53 - 1); quote the class as a string` }
  }
  return { value: String(v) }
}

/** Paths of the event shape -> the flat column the user wrote. */
const FLAT_PATH: Readonly<Record<string, string>> = { 'label.class_label': 'label', 'label.value': 'label_value' }

function toFlatError(error: DriftwatchError): DriftwatchError {
  const path = String(error.context['path'] ?? '(root)')
  if (path === 'label') return new DriftwatchError(error.code, 'label: needs label (a class) or label_value (a number)', { path })
  const flat = FLAT_PATH[path]
  if (!flat) return error
  return new DriftwatchError(error.code, `${flat}${error.message.slice(path.length)}`, { path: flat })
}

function finish(candidate: Record<string, unknown>, nowMs: number, limits: ValidationLimits): Parsed<GroundTruthEvent> {
  const time = labelTimeMs(candidate['label_time'])
  if (typeof time !== 'number') {
    if (candidate['label_time'] === undefined || candidate['label_time'] === '') return fail('DW_MISSING_FIELD', 'label_time', 'is required')
    return fail('DW_VALIDATION_FAILED', 'label_time', time.problem)
  }
  return parseGroundTruthJson({ ...candidate, label_time: time }, nowMs, limits)
}

/** A flat record (a CSV row by header name, or a flat JSONL object). */
export function flatLabel(record: Readonly<Record<string, unknown>>, nowMs: number, limits: ValidationLimits): Parsed<GroundTruthEvent> {
  const keys = Object.keys(record)
  const unknown = keys.find((k) => !(FLAT_COLUMNS as readonly string[]).includes(k))
  if (unknown !== undefined) {
    const predictionFields = predictionFieldsIn(keys)
    return fail('DW_VALIDATION_FAILED', unknown, `is not a label field (${FLAT_COLUMNS.join(', ')})`, predictionFields.length ? { predictionFields } : {})
  }
  const value = labelValue(record['label_value'])
  if (value !== null && typeof value === 'object') return fail(value.code, 'label_value', value.problem)
  const label = classLabel(record['label'])
  if ('code' in label) return fail(label.code, 'label', label.problem)
  const source = record['source']
  const candidate = {
    prediction_id: record['prediction_id'],
    label: { class_label: label.value, value },
    label_time: record['label_time'],
    source: source === undefined || source === null || source === '' ? DEFAULT_SOURCE : source,
  }
  if (candidate.prediction_id === undefined) return fail('DW_MISSING_FIELD', 'prediction_id', 'is required')
  const parsed = finish(candidate, nowMs, limits)
  return parsed.ok ? parsed : { ok: false, error: toFlatError(parsed.error) }
}

/** A JSONL line's value: the GroundTruthEvent JSON shape when `label` is an object, else flat. */
export function jsonLabel(input: unknown, nowMs: number, limits: ValidationLimits): Parsed<GroundTruthEvent> {
  if (!isObject(input)) return fail('DW_VALIDATION_FAILED', '(root)', 'must be a JSON object')
  const label = input['label']
  if (!isObject(label)) return flatLabel(input, nowMs, limits)
  const unknown = Object.keys(input).find((k) => !EVENT_FIELDS.has(k))
  if (unknown !== undefined) {
    const predictionFields = predictionFieldsIn(Object.keys(input))
    return fail('DW_VALIDATION_FAILED', unknown, 'is not a field of the ground-truth event', predictionFields.length ? { predictionFields } : {})
  }
  const unknownInLabel = Object.keys(label).find((k) => !LABEL_FIELDS.has(k))
  if (unknownInLabel !== undefined) return fail('DW_VALIDATION_FAILED', `label.${unknownInLabel}`, 'is not a field of the label (class_label, value)')
  return finish({ ...input, source: input['source'] ?? DEFAULT_SOURCE }, nowMs, limits)
}
