/**
 * CI gates over a report: `--fail-on 'drift_share>0.3, performance.f1<0.8,
 * fairness.gender.disparate_impact_ratio<0.8'`. Each gate names a figure of the report, a
 * comparison and a number; the gate FAILS when the comparison holds (the expression describes
 * the failure, as in "fail on f1 < 0.8"). A figure the data leaves undefined (no labels, one
 * class, a group too small...) fails too: a gate that cannot be checked does not pass, and its
 * line says why (./gate-reasons.ts).
 *
 * Figures (snake_case, as in the JSON):
 *   drift_share, drifted_features, evaluated_features      dataset.<key>, needs a reference; their lines count
 *                                                          the features left out of them, as the headline
 *                                                          does ("1 of 3 features not evaluated: no values"):
 *                                                          a column that broke in the current file is no
 *                                                          drift, and `drifted_features>0` would pass silently
 *   features.<feature>.<key>                               e.g. features.income.drift_score (drift_detected
 *                                                          reads as 1 / 0; a feature or key the report
 *                                                          lacks is DW_GATE_INVALID, ./gate-names.ts); a feature
 *                                                          without a verdict (status insufficient) has
 *                                                          no value but its counts and threshold, as
 *                                                          the stream's alert rules see none
 *   performance.<metric>                                   the current file's value (classification
 *                                                          metrics, or mae, rmse, mape, r2 of continuous targets)
 *   performance.degradation.<metric>                       current − reference, with its interval where
 *                                                          the report has one (none for mae, rmse, mape, r2)
 *   performance.<drift>.<key>                              prediction_drift, label_drift or score_drift:
 *                                                          drift_detected (1 / 0), drift_score or p_value
 *                                                          (raw: they are not features), needs a reference;
 *                                                          without a verdict (status insufficient) no value,
 *                                                          as a feature's
 *   fairness.<attribute>.<metric>                          fairness.*.<metric>: every attribute
 * Pure: parse the text, then evaluate against a ReportJson.
 */
import { DriftwatchError } from '../errors.js'
import { checkGateNames } from './gate-names.js'
import { degradationReason, fairnessReason, fewRows, performanceReason, targetDriftReason } from './gate-reasons.js'
import { notEvaluatedSummary } from './not-evaluated.js'
import { REGRESSION_METRICS } from './regression-metrics.js'
import { type ReportJson, num, type Num, type Section } from './types.js'

export { insufficientSides, isScoredMetric, sidesWithStatus } from './gate-reasons.js'

export type GateOperator = '>' | '>=' | '<' | '<='

export interface Gate {
  /** As written (trimmed), for messages. */
  readonly text: string
  readonly path: readonly string[]
  readonly operator: GateOperator
  readonly threshold: number
}

export interface GateResult {
  readonly gate: Gate
  /** The figure's name, with the attribute for fairness.* gates. */
  readonly name: string
  readonly value: Num
  /** Interval of the figure where the report has one (performance.degradation.*). */
  readonly interval?: { readonly low: Num; readonly high: Num; readonly confidence: number }
  readonly failed: boolean
  /** Why the value is null, where the report says more than that the figure is undefined. */
  readonly reason?: string
  /**
   * A dataset figure's features left out of it (dataset.*: "1 of 3 features not evaluated: no
   * values"), when there are any: the value reads only the features that could be evaluated.
   */
  readonly notEvaluated?: string
}

/** The classification figures; the regression metrics (REGRESSION_METRICS) are gates too, of continuous targets (./regression-metrics.ts). */
export const PERFORMANCE_METRICS = [
  'accuracy', 'precision', 'recall', 'f1', 'precision_weighted', 'recall_weighted', 'f1_weighted', 'roc_auc', 'average_precision', 'log_loss', 'brier_score', 'ece', 'rows', 'scored_rows',
] as const
export const DEGRADATION_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'false_positive_rate', 'selection_rate', 'roc_auc'] as const
const PERFORMANCE_GATES: readonly string[] = [...PERFORMANCE_METRICS, ...REGRESSION_METRICS]
const DEGRADATION_GATES: readonly string[] = [...DEGRADATION_METRICS, ...REGRESSION_METRICS]
export const FAIRNESS_METRICS = [
  'demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference', 'disparate_impact_ratio',
  'disparate_impact_ratio_upper',
] as const
export const DATASET_METRICS = ['drift_share', 'drifted_features', 'evaluated_features'] as const
/** The drifts of the target columns (performance.<drift>.<key>) and the keys a gate reads of them. */
export const TARGET_DRIFTS = ['prediction_drift', 'label_drift', 'score_drift'] as const
export const TARGET_DRIFT_KEYS = ['drift_detected', 'drift_score', 'p_value'] as const
const isTargetDrift = (name: string | undefined) => (TARGET_DRIFTS as readonly (string | undefined)[]).includes(name)
/** Keys of a feature that hold with or without a verdict: sizes and the configured threshold. */
export const FEATURE_KEYS_WITHOUT_VERDICT = ['reference_count', 'current_count', 'threshold'] as const

const GATE = /^([^\s<>=]+)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/

const bad = (message: string) => new DriftwatchError('DW_GATE_INVALID', `--fail-on: ${message}`)
const oneOf = (list: readonly string[]) => list.join(', ')

function checkPath(text: string, path: string[]): string[] {
  const [head, a, b, ...rest] = path
  const ok = (cond: boolean, hint: string) => {
    if (!cond) throw bad(`"${text}": ${hint}`)
  }
  if (path.length === 1) {
    ok((DATASET_METRICS as readonly string[]).includes(head as string), `unknown figure "${head}" (one of ${oneOf(DATASET_METRICS)}, or features.*, performance.*, fairness.*)`)
    return ['dataset', head as string]
  }
  if (head === 'dataset') {
    ok(path.length === 2 && (DATASET_METRICS as readonly string[]).includes(a as string), `dataset figure must be one of ${oneOf(DATASET_METRICS)}`)
    return path
  }
  if (head === 'performance' && a === 'degradation') {
    ok(path.length === 3 && DEGRADATION_GATES.includes(b as string), `performance.degradation.<metric>: one of ${oneOf(DEGRADATION_GATES)}`)
    return path
  }
  if (head === 'performance' && isTargetDrift(a)) {
    ok(path.length === 3 && (TARGET_DRIFT_KEYS as readonly string[]).includes(b as string), `performance.${a}.<key>: one of ${oneOf(TARGET_DRIFT_KEYS)}`)
    return path
  }
  if (head === 'performance') {
    ok(path.length === 2 && PERFORMANCE_GATES.includes(a as string), `performance.<metric>: one of ${oneOf(PERFORMANCE_GATES)}`)
    return path
  }
  if (head === 'fairness') {
    ok(path.length === 3 && (FAIRNESS_METRICS as readonly string[]).includes(b as string), `fairness.<attribute>.<metric>: metric one of ${oneOf(FAIRNESS_METRICS)}`)
    return path
  }
  if (head === 'features') {
    ok(path.length === 3 && rest.length === 0, 'features.<feature>.<key>, e.g. features.income.drift_score')
    return path
  }
  throw bad(`"${text}": unknown figure "${path.join('.')}" (drift_share, features.*, performance.*, fairness.*)`)
}

/** Parses the --fail-on text: comma-separated `<figure> <op> <number>`. */
export function parseGates(text: string): Gate[] {
  const parts = text.split(',').map((s) => s.trim())
  if (parts.every((p) => p === '')) throw bad('no gate given (e.g. "drift_share>0.3, performance.f1<0.8")')
  return parts.map((part) => {
    if (part === '') throw bad(`empty gate in "${text}" (a comma too many?)`)
    const m = GATE.exec(part)
    if (!m) throw bad(`"${part}" is not <figure> <op> <number> (op: >, >=, <, <=)`)
    const path = (m[1] as string).split('.')
    if (path.some((p) => p === '')) throw bad(`"${part}": empty name between dots`)
    return { text: part, path: checkPath(part, path), operator: m[2] as GateOperator, threshold: Number(m[3]) }
  })
}

/** Whether a gate compares with the reference file: dataset.*, features.*, performance.degradation.*, performance.<drift>.*. */
export const gateNeedsReference = (g: Gate) =>
  g.path[0] === 'dataset' || g.path[0] === 'features' || (g.path[0] === 'performance' && (g.path[1] === 'degradation' || isTargetDrift(g.path[1])))

/** Whether some gate cannot be evaluated without a reference file. */
export const needsReference = (gates: readonly Gate[]) => gates.some(gateNeedsReference)

const holds = (value: number, op: GateOperator, threshold: number) =>
  op === '>' ? value > threshold : op === '>=' ? value >= threshold : op === '<' ? value < threshold : value <= threshold

function read(section: unknown, key: string): unknown {
  return section !== null && typeof section === 'object' && Object.hasOwn(section, key) ? (section as Record<string, unknown>)[key] : undefined
}

// A verdict (drift_detected) reads as 1 (true) or 0 (false).
const asNum = (x: unknown): Num => (typeof x === 'number' ? num(x) : typeof x === 'boolean' ? (x ? 1 : 0) : null)

/** The gates' verdicts; DW_GATE_INVALID when a gate names what the report does not have (./gate-names.ts). */
export function evaluateGates(gates: readonly Gate[], report: ReportJson): GateResult[] {
  checkGateNames(gates, report)
  return gates.flatMap((gate): GateResult[] => {
    // A figure without a value fails; `why` says why (./gate-reasons.ts), and is asked only then.
    const result = (name: string, value: Num, interval?: GateResult['interval'], why?: () => string): GateResult => ({
      gate,
      name,
      value,
      ...(interval ? { interval } : {}),
      failed: value === null || holds(value, gate.operator, gate.threshold),
      ...(value === null && why !== undefined ? { reason: why() } : {}),
    })
    const [head, a, b] = gate.path as [string, string, string]
    if (head === 'fairness') {
      const attributes = a === '*' ? Object.keys(report.fairness) : [a]
      if (attributes.length === 0) return [result(`fairness.*.${b}`, null, undefined, () => fairnessReason(report, undefined, b))]
      return attributes.map((attr) => result(`fairness.${attr}.${b}`, asNum(read(report.fairness[attr], b)), undefined, () => fairnessReason(report, attr, b)))
    }
    if (head === 'performance' && a === 'degradation') {
      const d = read(read(report.performance, 'degradation'), b) as Section | undefined
      const confidence = Number(report.performance['confidence'])
      const few = fewRows(report, ['reference', 'current'], b)
      const value = few !== undefined ? null : asNum(read(d, 'difference'))
      // A difference without an interval (the regression metrics') has no ci_low key.
      const interval = few === undefined && d && Object.hasOwn(d, 'ci_low') ? { low: asNum(d['ci_low']), high: asNum(d['ci_high']), confidence } : undefined
      return [result(gate.path.join('.'), value, interval, () => degradationReason(report, b))]
    }
    if (head === 'performance' && isTargetDrift(a)) {
      // As a feature's: a statistic without a verdict (fewer than 30 values on a side) is no value.
      const drift = read(report.performance, a)
      const status = read(drift, 'status')
      const value = drift === undefined || (typeof status === 'string' && status !== 'ok') ? null : asNum(read(drift, b))
      return [result(gate.path.join('.'), value, undefined, () => targetDriftReason(report, a, b))]
    }
    if (head === 'performance') {
      const few = a === 'rows' || a === 'scored_rows' ? undefined : fewRows(report, ['current'], a)
      const value = few !== undefined ? null : asNum(read(read(report.performance, 'current'), a))
      return [result(gate.path.join('.'), value, undefined, () => performanceReason(report, 'current', a))]
    }
    if (head === 'features') {
      // A statistic of a feature without a verdict (fewer than 30 values on a side: noise) is no
      // value for a gate, as for the stream's alert rules (src/metrics/drift/decide.ts); a report
      // without statuses (older JSON) reads as before.
      const feature = read(report.features, a)
      if (feature === undefined) return [result(gate.path.join('.'), null, undefined, () => `feature "${a}" was left out of the features as id-like`)]
      const status = read(feature, 'status')
      if (typeof status === 'string' && status !== 'ok' && !(FEATURE_KEYS_WITHOUT_VERDICT as readonly string[]).includes(b)) {
        return [result(gate.path.join('.'), null, undefined, () => `feature "${a}" has status ${status}, no verdict`)]
      }
      const method = read(feature, 'method')
      return [result(gate.path.join('.'), asNum(read(feature, b)), undefined, () => `feature "${a}" has no ${b}${typeof method === 'string' ? ` (method ${method})` : ''}`)]
    }
    const left = notEvaluatedFeatures(report)
    const value = asNum(read(report.dataset, a))
    const none = () => (read(report.dataset, 'evaluated_features') === 0 ? 'no feature could be evaluated' : `the report has no ${a}; see the notes`)
    return [{ ...result(a, value, undefined, none), ...(left !== undefined ? { notEvaluated: left } : {}) }]
  })
}

/**
 * "1 of 3 features not evaluated: no values": the headline's count (./not-evaluated.ts, as
 * format-text.ts datasetDriftText prints it), or undefined when every feature was evaluated.
 */
export function notEvaluatedFeatures(report: ReportJson): string | undefined {
  const d = report.dataset
  const summary = notEvaluatedSummary(report.features, (d['missing_in_current'] ?? []) as string[], (d['left_out_as_id'] ?? []) as string[])
  // "k of n not evaluated: …" names no unit; a gate line has no "features" around it to lend one.
  return summary?.replace(/^(\d+ of \d+) /, '$1 features ')
}

/** A figure's text on a gate line; a bound of an interval the report leaves undefined is `-`, as in the tables. */
const fmt = (x: Num) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toPrecision(4))

/**
 * One line per gate: figure, condition, value (`no value` when the report has none), interval,
 * the features a dataset figure left out, verdict
 * (`gate drifted_features > 0: value 0 (1 of 3 features not evaluated: no values) -> passed`).
 */
export function formatGate(r: GateResult): string {
  const interval = r.interval ? `, ${Math.round(r.interval.confidence * 100)}% interval [${fmt(r.interval.low)}, ${fmt(r.interval.high)}]` : ''
  const left = r.notEvaluated !== undefined ? ` (${r.notEvaluated})` : ''
  const verdict = r.value === null ? `FAILED (${r.reason ?? 'the report has no value of it'})` : r.failed ? 'FAILED' : 'passed'
  const value = r.value === null ? 'no value' : `value ${fmt(r.value)}`
  return `gate ${r.name} ${r.gate.operator} ${r.gate.threshold}: ${value}${interval}${left} -> ${verdict}`
}
