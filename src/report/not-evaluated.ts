/**
 * The features left out of the dataset drift (drift_detected null: src/metrics/drift/dataset-drift.ts
 * counts only the features it could evaluate in `evaluated_features` and the drift share), and
 * why: no column of it in the current file, a side with no value of the feature (every cell missing, a type violation or infinite), a
 * side with fewer than MIN_ROWS_FOR_VERDICT (30) values (status insufficient,
 * src/metrics/drift/decide.ts), or a deciding statistic the data leaves undefined. The report
 * notes each one, and the text and HTML headlines count them. Pure.
 */
import { MIN_ROWS_FOR_VERDICT } from '../metrics/drift/index.js'
import { pushAll } from '../arrays.js'
import { grouped, reasonsText } from './left-out.js'
import type { FeatureDriftJson } from './types.js'

export type NotEvaluatedReason = 'not in the current file' | 'no values' | `fewer than ${number} values` | 'no statistic'

type Drift = Pick<FeatureDriftJson, 'drift_detected' | 'status' | 'reference_count' | 'current_count' | 'method'>

/** Why the feature is not in the dataset drift, or undefined when it is; `absent`: the current file has no column of it. */
export function notEvaluatedReason(d: Drift, absent = false): NotEvaluatedReason | undefined {
  if (d.drift_detected !== null) return undefined
  if (absent) return 'not in the current file'
  if (Math.min(d.reference_count, d.current_count) === 0) return 'no values'
  if (d.status === 'insufficient') return `fewer than ${MIN_ROWS_FOR_VERDICT} values`
  return 'no statistic'
}

/**
 * The note on a feature left out of the dataset drift, naming each side short of values and its
 * rows by reason (`feature "c" is left out of the dataset drift: the current file has no value
 * of it (500 rows: 500 missing)`); none when the feature is in it.
 */
export function notEvaluatedNotes(
  name: string,
  d: Drift & Pick<FeatureDriftJson, 'reference_left_out' | 'current_left_out'>,
  rows: { readonly reference: number; readonly current: number },
): string[] {
  const reason = notEvaluatedReason(d)
  if (reason === undefined) return []
  const what = `feature "${name}" is left out of the dataset drift`
  if (reason === 'no statistic') return [`${what}: its ${d.method} is undefined on these values`]
  const sides = (['reference', 'current'] as const).flatMap((side) => {
    const count = side === 'reference' ? d.reference_count : d.current_count
    if (count >= MIN_ROWS_FOR_VERDICT) return []
    const leftOut = side === 'reference' ? d.reference_left_out : d.current_left_out
    const values = count === 0 ? 'no value of it' : `${grouped(count)} ${count === 1 ? 'value' : 'values'} of it, fewer than the ${MIN_ROWS_FOR_VERDICT} a verdict needs`
    const because = reasonsText(leftOut)
    return [`the ${side} file has ${values} (${grouped(rows[side])} rows${because === '' ? '' : `: ${because}`})`]
  })
  return [`${what}: ${sides.join(', and ')}`]
}

/**
 * "1 of 7 not evaluated: no values" (the reasons of every feature left out, in the order first
 * met), or undefined when every feature was evaluated. `missingInCurrent`: the features the
 * current file has no column of (the report's dataset.missing_in_current); `idLike`: the
 * columns left out of the inferred features as id-like (dataset.left_out_as_id), counted among
 * the features and as not evaluated.
 */
export function notEvaluatedSummary(features: Readonly<Record<string, Drift>>, missingInCurrent: readonly string[] = [], idLike: readonly string[] = []): string | undefined {
  const all = Object.values(features)
  const reasons: string[] = Object.entries(features).flatMap(([name, d]) => notEvaluatedReason(d, missingInCurrent.includes(name)) ?? [])
  pushAll(reasons, idLike.map(() => 'looks like an id'))
  if (reasons.length === 0) return undefined
  return `${reasons.length} of ${all.length + idLike.length} not evaluated: ${[...new Set(reasons)].join(', ')}`
}
