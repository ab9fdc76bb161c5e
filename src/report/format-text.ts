/**
 * The report as text: one aligned table per section, numbers right-aligned, undefined values
 * as "-". Numbers: 4 decimals; p-values below 1e-4 in exponent form. The JSON is the contract;
 * this is for people.
 */
import type { FeatureDriftJson, ReportJson, Section } from './types.js'
import { pushAll } from '../arrays.js'
import { MIN_ROWS_FOR_VERDICT, NOT_COMPUTABLE } from '../metrics/drift/index.js'
import { insufficientSides, isScoredMetric, sidesWithStatus } from './gates.js'
import { SCORE_NOT_A_PROBABILITY } from './left-out.js'
import { notEvaluatedSummary } from './not-evaluated.js'
import { terminalText } from '../terminal-text.js'

type Cell = string | number | boolean | null | undefined

/** 'value': 4 decimals; 'p': 4 decimals, or exponent form below 1e-4; 'count': as is. */
export type NumberStyle = 'value' | 'p' | 'count'

export function formatNumber(x: Cell, style: NumberStyle = 'value'): string {
  if (x === null || x === undefined) return '-'
  if (typeof x === 'boolean') return x ? 'yes' : 'no'
  if (typeof x === 'string') return x
  if (style === 'count') return String(x)
  if (style === 'p' && x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2)
  return x.toFixed(4)
}

/**
 * Columns padded to their widest cell; columns of numbers (and "-") right-aligned, header too. A
 * cell may hold a name from the files (a feature, group or category): rendered for a terminal
 * (../terminal-text.ts) before it is measured.
 */
export function table(headers: readonly string[], cells: readonly (readonly string[])[]): string[] {
  const rows = cells.map((r) => r.map(terminalText))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const isNumber = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?$|^-$/.test(s)
  const right = headers.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => isNumber(r[i] ?? '-')))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)]
}

const get = (s: Section | undefined, k: string): Cell => (s?.[k] as Cell) ?? null

/** Keys of a side's performance that are counts or statuses, not metrics (./left-out.ts for the `*_left_out` ones). */
export const NOT_METRICS: readonly string[] = ['rows', 'rows_left_out', 'scored_rows', 'scored_rows_left_out', 'average', 'status', 'scored_status']

/** The method that decided, or "-" when nothing was tested (a side with no value). */
export const methodText = (f: Pick<FeatureDriftJson, 'method' | 'reference_count' | 'current_count'>): string => (Math.min(f.reference_count, f.current_count) === 0 ? '-' : f.method)

function featureLines(report: ReportJson): string[] {
  const rows = Object.entries(report.features).map(([name, f]) => [
    name,
    f.kind,
    methodText(f),
    formatNumber(f.drift_score),
    // Only the p-value that was compared: none ("-") without a verdict (status insufficient),
    // never the raw one in its place under this header.
    formatNumber(f.adjusted_p_value, 'p'),
    formatNumber(f.threshold),
    f.drift_detected === null ? '-' : f.drift_detected ? 'DRIFT' : 'ok',
  ])
  // The p-value compared with the threshold: adjusted for multiple testing unless correction: none.
  const pHeader = report.dataset['correction'] === 'none' ? 'p-value (raw)' : 'p-value (BH-adjusted)'
  return table(['feature', 'kind', 'method', 'score', pHeader, 'threshold', 'drift'], rows)
}

/** Which targets are continuous (./continuous-section.ts): why there is no classification metric. */
export function continuousText(p: Section): string {
  const columns = ((p['continuous_columns'] ?? []) as string[]).map((c) => `"${c}"`)
  return `${columns.join(' and ')} ${columns.length === 1 ? 'is' : 'are'} continuous, not classes`
}

/** Whether a side of continuous targets has regression metrics (the label and prediction both continuous). */
export const hasRegressionMetrics = (p: Section): boolean =>
  p['task'] === 'continuous' && ['reference', 'current'].some((side) => typeof (p[side] as Section | undefined)?.['rows'] === 'number')

/** Whether a performance metric's degradation carries an interval (the regression metrics' carry none). */
export const hasInterval = (d: Section | undefined): boolean => d !== undefined && Object.hasOwn(d, 'ci_low')

/** Whether a classes performance section has anything to show: a metric of a side, or a prediction, label or score drift. */
export function hasPerformance(p: Section): boolean {
  const metrics = (side: unknown) => Object.keys((side ?? {}) as Section).some((k) => !NOT_METRICS.includes(k))
  return metrics(p['reference']) || metrics(p['current']) || targetDrifts(p).length > 0
}

/**
 * The calibration drift line, the same in the text and HTML reports. With status insufficient
 * (a side with fewer than MIN_ROWS_FOR_VERDICT labeled scores, ./performance-section.ts) it says
 * so: its chi2 and p-value are noise, no verdict, as a feature's.
 */
export function calibrationText(cal: Section): string {
  const figures = `Calibration drift: chi2 ${formatNumber(get(cal, 'statistic'))} (dof ${formatNumber(get(cal, 'dof'), 'count')}), p ${formatNumber(get(cal, 'p_value'), 'p')}; ECE ${formatNumber(get(cal, 'ece_reference'))} → ${formatNumber(get(cal, 'ece_current'))}`
  return cal['status'] === 'insufficient' ? `${figures} (insufficient: fewer than ${MIN_ROWS_FOR_VERDICT} labeled scores on a side, no verdict)` : figures
}

/**
 * The prediction, label or score drift line, the same in the text and HTML reports: method, statistic,
 * raw p-value (they are not features: no correction) and verdict. Without a verdict it says why:
 * status insufficient (a side with fewer than MIN_ROWS_FOR_VERDICT values), as the calibration line.
 */
export function targetDriftText(label: string, d: Section): string {
  const p = d['p_value'] !== undefined ? `, p ${formatNumber(get(d, 'p_value'), 'p')}` : ''
  const status = d['status']
  const why =
    status === 'insufficient' ? ` (insufficient: fewer than ${MIN_ROWS_FOR_VERDICT} values on a side, no verdict)`
    : status === NOT_COMPUTABLE ? ` (its ${String(d['method'])} is undefined on these values, no verdict)`
    : typeof status === 'string' && status !== 'ok' ? ` (status ${status}, no verdict)`
    : ''
  const verdict = d['drift_detected'] === true ? 'DRIFT' : d['drift_detected'] === false ? 'ok' : `-${why}`
  return `${label}: ${String(d['method'])} ${formatNumber(get(d, 'drift_score'))}${p} → ${verdict}`
}

/** The prediction, label and score drift of a performance section, with their labels and JSON keys, as the reports show them. */
export const targetDrifts = (p: Section): { readonly id: string; readonly label: string; readonly key: string; readonly drift: Section }[] =>
  ([['prediction-drift', 'Prediction drift', 'prediction_drift'], ['label-drift', 'Label drift', 'label_drift'], ['score-drift', 'Score drift', 'score_drift']] as const).flatMap(([id, label, k]) => {
    const drift = p[k] as Section | undefined
    return drift ? [{ id, label, key: k, drift }] : []
  })

/**
 * A performance metric's mark in the text and HTML tables when a side it was computed on has
 * status insufficient (fewer than MIN_ROWS_FOR_VERDICT labeled rows, ./performance-section.ts):
 * its value and difference are noise, and a gate on it cannot be checked (./gates.ts); as the
 * calibration line says it. Undefined when both sides have rows enough.
 */
export function performanceStatusText(p: Section, metric: string): string | undefined {
  const noProbability = sidesWithStatus(p, metric, SCORE_NOT_A_PROBABILITY)
  if (noProbability.length > 0) return `${noProbability.length === 2 ? 'in both files' : `in the ${noProbability[0]} file`} the score column is not a probability: not computed (see the notes)`
  const sides = insufficientSides(p, metric)
  if (sides.length === 0) return undefined
  const where = sides.length === 2 ? 'in both files' : `in the ${sides[0]} file`
  return `insufficient: fewer than ${MIN_ROWS_FOR_VERDICT} ${isScoredMetric(metric) ? 'labeled scores' : 'labeled predictions'} ${where}, no verdict`
}

function performanceLines(p: Section): string[] {
  const ref = (p['reference'] ?? {}) as Section
  const cur = (p['current'] ?? {}) as Section
  // Keyed by the same snake_case metric names as reference and current.
  const degradation = (p['degradation'] ?? {}) as Record<string, Section>
  // Row counts are no metrics: the header shows the rows, the notes what was left out.
  const metrics = [...new Set([...Object.keys(ref), ...Object.keys(cur)])].filter((k) => !NOT_METRICS.includes(k))
  // The interval column only when a difference has one (the regression metrics' have none).
  const intervals = p['task'] !== 'continuous' || metrics.some((m) => hasInterval(degradation[m]))
  const rows = metrics.map((m) => {
    const d = degradation[m]
    const ci = hasInterval(d) ? `[${formatNumber(get(d, 'ci_low'))}, ${formatNumber(get(d, 'ci_high'))}]` : '-'
    return [m, formatNumber(get(ref, m)), formatNumber(get(cur, m)), formatNumber(get(d, 'difference')), ...(intervals ? [ci] : []), performanceStatusText(p, m) ?? 'ok']
  })
  // A status column only when a metric has too few rows: the usual table stays as it was.
  const marked = metrics.some((m) => performanceStatusText(p, m) !== undefined)
  // Nothing to show (no label, prediction or score column read as classes): one line, the notes say why.
  if (p['task'] !== 'continuous' && !hasPerformance(p)) return ['Performance: none (no label, prediction or score to compute from; see the notes)']
  const rowsText = `rows ${formatNumber(get(ref, 'rows'), 'count')} → ${formatNumber(get(cur, 'rows'), 'count')}`
  const lines = [
    p['task'] !== 'continuous'
      ? `Performance (${p['task']}${p['positive_class'] !== null ? `, positive class "${p['positive_class']}"` : ''}; ${rowsText})`
      : hasRegressionMetrics(p)
        ? `Performance (regression: ${continuousText(p)}; ${rowsText})`
        : `Performance: none (${continuousText(p)}; see the notes)`,
  ]
  const headers = ['metric', 'reference', 'current', 'difference', ...(intervals ? [`${Math.round(Number(p['confidence']) * 100)}% interval`] : []), ...(marked ? ['status'] : [])]
  if (rows.length > 0) pushAll(lines, table(headers, marked ? rows : rows.map((r) => r.slice(0, -1))))
  const cal = p['calibration_drift'] as Section | undefined
  if (cal) lines.push(calibrationText(cal))
  for (const { label, drift } of targetDrifts(p)) lines.push(targetDriftText(label, drift))
  return lines
}

/**
 * Which groups an attribute's parity metrics compared (./fairness-section.ts): "2 of 3 groups
 * compared (groups under 30 predictions left out)"; when the label metrics (equalized odds,
 * equal opportunity: labeled rows, and the rate defined) compared fewer, their counts too. The
 * reasons come from the groups' statuses (selection_status for selection, status for the label
 * metrics). Undefined for a report without the counts (older JSON).
 */
export function groupsComparedText(f: Section): string | undefined {
  const selection = f['groups_compared']
  if (typeof selection !== 'number') return undefined
  const groups = Object.values((f['groups'] ?? {}) as Record<string, Section>)
  const n = groups.length
  const min = String(f['min_group_size'])
  // "groups under 30 predictions, or with status x, left out": the statuses of the groups not compared.
  const why = (statuses: readonly unknown[], rows: string, extra: readonly string[] = []) => {
    const reasons = [...new Set(statuses.filter((x) => x !== 'ok'))].map((x) => (x === 'insufficient' ? `under ${min} ${rows}` : `with status ${String(x)}`))
    const all = [...reasons, ...extra]
    return all.length === 0 ? '' : all.length === 1 ? ` (groups ${all[0]} left out)` : ` (groups ${all.join(', or ')}, left out)`
  }
  const sizes = selection < n ? why(groups.map((m) => m['selection_status'] ?? m['status']), 'predictions') : ''
  const odds = f['equalized_odds_groups_compared'] ?? selection
  const opportunity = f['equal_opportunity_groups_compared'] ?? selection
  if (odds === selection && opportunity === selection) return `${selection} of ${n} groups compared${sizes}`
  const labeled = odds === opportunity
    ? `${String(odds)} of ${n} for equalized odds and equal opportunity`
    : `${String(odds)} of ${n} for equalized odds, ${String(opportunity)} of ${n} for equal opportunity`
  // Groups with labeled rows enough that a label metric still left out: no positive (TPR) or no negative (FPR) label.
  const withRows = groups.filter((m) => m['status'] === 'ok').length
  const rateUndefined = Math.min(Number(odds), Number(opportunity)) < withRows ? ['without a positive or a negative label'] : []
  return `${selection} of ${n} groups compared for demographic parity and disparate impact${sizes}, ${labeled}${why(groups.map((m) => m['status']), 'labeled rows', rateUndefined)}`
}

function fairnessLines(attribute: string, f: Section): string[] {
  // Selection counts every prediction of the group (`predictions`); the label metrics its labeled rows (`count`).
  const groups = Object.entries(f['groups'] as Record<string, Section>).map(([g, m]) => [
    g,
    formatNumber(get(m, 'predictions') ?? get(m, 'count'), 'count'),
    formatNumber(get(m, 'selection_rate')),
    formatNumber(get(m, 'count'), 'count'),
    formatNumber(get(m, 'true_positive_rate')),
    formatNumber(get(m, 'false_positive_rate')),
    formatNumber(get(m, 'accuracy')),
    String(m['status']),
  ])
  return [
    `Fairness: ${attribute}`,
    ...table(['group', 'predictions', 'selection', 'labeled', 'TPR', 'FPR', 'accuracy', 'status'], groups),
    `demographic parity difference ${formatNumber(get(f, 'demographic_parity_difference'))}, ratio ${formatNumber(get(f, 'demographic_parity_ratio'))}; equalized odds difference ${formatNumber(get(f, 'equalized_odds_difference'))}; equal opportunity difference ${formatNumber(get(f, 'equal_opportunity_difference'))}; disparate impact ${formatNumber(get(f, 'disparate_impact_ratio'))}${fourFifthsText(f).suffix}${comparedSuffix(f)}`,
  ]
}

/**
 * What follows the disparate impact ratio, and how bad it reads: below 4/5 beyond sampling noise
 * when its upper bound is (`four_fifths_rule_violated`), below 4/5 within the noise when only the
 * ratio is (`below_four_fifths`), else the bound alone. `level` is the HTML badge's.
 */
export function fourFifthsText(f: Section): { suffix: string; level: 'bad' | 'warn' | 'none' } {
  const upper = get(f, 'disparate_impact_ratio_upper')
  if (upper === null && get(f, 'disparate_impact_ratio') === null) return { suffix: '', level: 'none' }
  const confidence = get(f, 'disparate_impact_confidence')
  const percent = typeof confidence === 'number' ? ` ${Number((confidence * 100).toPrecision(6))}%` : ''
  const bound = `upper${percent} bound ${formatNumber(upper)}`
  if (f['four_fifths_rule_violated'] === true) return { suffix: ` (${bound}: below 4/5)`, level: 'bad' }
  if (f['below_four_fifths'] === true) return { suffix: ` (below 4/5, ${bound}: within sampling noise)`, level: 'warn' }
  return { suffix: ` (${bound})`, level: 'none' }
}

/** "; 2 of 3 groups compared (…)" after the parity figures, or nothing (groupsComparedText). */
export const comparedSuffix = (f: Section): string => {
  const compared = groupsComparedText(f)
  return compared === undefined ? '' : `; ${compared}`
}

function qualityLines(q: Section): string[] {
  const rows = Object.entries(q['features'] as Record<string, Section>).map(([name, f]) => {
    const news = f['new_categories'] as Record<string, number> | undefined
    return [
      name,
      formatNumber(get(f, 'missing_rate')),
      formatNumber(get(f, 'type_violation_rate')),
      formatNumber(get(f, 'out_of_range_rate')),
      news ? `${formatNumber(get(f, 'new_category_rate'))} ${Object.keys(news).slice(0, 3).join(',')}${f['new_categories_truncated'] || Object.keys(news).length > 3 ? ',…' : ''}`.trim() : '-',
      formatNumber(get(f, 'constant')),
    ]
  })
  const o = q['outliers'] as Section
  return [
    'Data quality (current vs reference)',
    ...table(['feature', 'missing', 'type errors', 'out of range', 'new categories', 'constant'], rows),
    outliersText(o),
  ]
}

/**
 * The outlier line, the same in the text and HTML reports (`atLeast`: how each writes ">=").
 * With status insufficient (a reference that scores fewer rows than its 1% tails need,
 * ./quality-section.ts) it says so and how many rows they need, as the calibration line says
 * its own.
 */
export function outliersText(o: Section, atLeast = '>='): string {
  const ref = (o['reference'] ?? {}) as Section
  const cur = (o['current'] ?? {}) as Section
  const figures = `Outliers (score ${atLeast} ${formatNumber(get(o, 'threshold'))}): rate ${formatNumber(get(cur, 'outlier_rate'))} (reference ${formatNumber(get(ref, 'outlier_rate'))}), mean score ${formatNumber(get(cur, 'mean_score'))} (reference ${formatNumber(get(ref, 'mean_score'))})`
  if (o['status'] !== 'insufficient') return figures
  const scored = Number(ref['scored'] ?? 0)
  return `${figures} (insufficient: ${scored} scored reference ${scored === 1 ? 'row' : 'rows'}, fewer than the ${formatNumber(get(o, 'min_reference_rows'), 'count')} the 1% tails need, so values like the reference's read as outliers)`
}

/**
 * "2 of 6 features drifted (1 of 7 not evaluated: no values; share 0.3333, correction
 * benjamini-hochberg)": the share is over the evaluated features, and the features left out of
 * it are counted with their reasons (./not-evaluated.ts; the notes name them), a feature the
 * current file has no column of as "not in the current file".
 */
export function datasetDriftText(report: ReportJson): string {
  const d = report.dataset
  const left = notEvaluatedSummary(report.features, (d['missing_in_current'] ?? []) as string[], (d['left_out_as_id'] ?? []) as string[])
  return `${d['drifted_features']} of ${d['evaluated_features']} features drifted (${left === undefined ? '' : `${left}; `}share ${formatNumber(get(d, 'drift_share'))}, correction ${d['correction']})`
}

export function formatText(report: ReportJson): string {
  const d = report.dataset
  // A current-only report (CI gates on performance and fairness, ./current-only.ts) has no
  // reference: no drift, degradation or quality to show.
  const referenced = d['reference_rows'] !== undefined
  const lines = referenced
    ? [
        `driftwatch report: ${d['reference_rows']} reference rows, ${d['current_rows']} current rows`,
        `Dataset drift: ${datasetDriftText(report)}`,
        '',
        ...featureLines(report),
        '',
        ...performanceLines(report.performance),
      ]
    : [`driftwatch report: ${d['current_rows']} current rows, no reference`, '', ...performanceLines(report.performance)]
  for (const [attribute, f] of Object.entries(report.fairness)) lines.push('', ...fairnessLines(attribute, f))
  if (referenced) lines.push('', ...qualityLines(report.quality))
  if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((n) => `  - ${n}`))
  // This text is printed on a terminal: names from the files in the lines (an attribute, a class,
  // a column, the notes) are rendered for it as the tables' cells are, a line stays one line.
  return `${lines.map(terminalText).join('\n')}\n`
}
