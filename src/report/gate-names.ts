/**
 * The names a --fail-on gate reads that only the built report can check: the feature of
 * `features.<feature>.<key>` and its key, the attribute of `fairness.<attribute>.<metric>`. A
 * gate naming a feature or attribute the report does not have, or a key that holds no number
 * (or verdict: drift_detected reads as 1 / 0), is a usage error (DW_GATE_INVALID, exit 2) with
 * the nearest name, not a gate that fails (exit 3) as if the data had failed it. A feature left
 * out as id-like (dataset.left_out_as_id) is known: its gates cannot be checked. An attribute is
 * checked only when the report has a fairness section (without labels it has none, and its
 * gates cannot be checked). Pure.
 */
import { DriftwatchError } from '../errors.js'
import type { Gate } from './gates.js'
import type { ReportJson } from './types.js'

/** Edit distance (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length] as number
}

/** " (did you mean x?)" for the nearest of `known` within a third of the name's length, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = known.map((c) => ({ c, d: distance(name, c) })).filter(({ d }) => d <= Math.max(1, Math.floor(name.length / 3))).sort((x, y) => x.d - y.d)[0]
  return near ? ` (did you mean ${near.c}?)` : ''
}

const listed = (names: readonly string[]) => (names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, …`)

/**
 * The gate of a target column's drift, for a features.* gate naming the label, prediction or score
 * column by its default name: they are no features, their drift is performance.<target>_drift.
 */
function targetHint(name: string, key: string): string {
  if (!['label', 'prediction', 'score'].includes(name)) return ''
  const gated = ['drift_detected', 'drift_score', 'p_value'].includes(key) ? key : '<key>'
  return `; the ${name} column's drift is gated as performance.${name}_drift.${gated}`
}

/** Throws DW_GATE_INVALID for the first gate naming what the report does not have. */
export function checkGateNames(gates: readonly Gate[], report: ReportJson): void {
  const bad = (gate: Gate, message: string) => new DriftwatchError('DW_GATE_INVALID', `--fail-on: "${gate.text}": ${message}`)
  const features = Object.keys(report.features)
  const leftOutAsId = (report.dataset['left_out_as_id'] ?? []) as string[]
  for (const gate of gates) {
    const [head, a, b] = gate.path as [string, string, string]
    if (head === 'features') {
      if (leftOutAsId.includes(a)) continue
      const feature = report.features[a] as Readonly<Record<string, unknown>> | undefined
      if (feature === undefined) throw bad(gate, `no feature "${a}" in the report${didYouMean(a, features)}; the features are ${listed(features)}${targetHint(a, b)}`)
      const keys = Object.keys(feature).filter((k) => ['number', 'boolean'].includes(typeof feature[k]) || feature[k] === null)
      if (!keys.includes(b)) throw bad(gate, `"${b}" is no number of a feature${didYouMean(b, keys)}; the keys are ${listed(keys)}`)
    }
    if (head === 'fairness' && a !== '*') {
      const attributes = Object.keys(report.fairness)
      if (attributes.length > 0 && !attributes.includes(a)) throw bad(gate, `no protected attribute "${a}" in the report${didYouMean(a, attributes)}; the attributes are ${listed(attributes)}`)
    }
  }
}
