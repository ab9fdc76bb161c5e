/**
 * A window headline's health as badge text and level: its drift share, its worst fairness
 * ratio, one feature's drift. What is not a verdict is shown as such and never as ok: a window
 * whose features had too little data (drift_status 'insufficient'), that was compared with no
 * reference ('no_reference': a model's first window, src/evaluate/dataset-status.ts) or has no
 * dataset drift row ('not_evaluated'), features left without a verdict (n_insufficient), a fairness ratio over
 * too few groups (status 'insufficient', or 'partial' when some groups were left out;
 * src/metrics/fairness/parity.ts). Field meanings: src/read/schemas.ts. Pure and DOM-free: the
 * web UI and `driftwatch status` word a window's health the same way.
 */
import { figure, numeric, versus, type FigureValue } from './figures.js'
import { NO_REFERENCE } from '../evaluate/dataset-status.js'

/** A badge's colour: 'none' (grey) for no verdict, never 'ok'. */
export type Level = 'ok' | 'warn' | 'bad' | 'none'

export interface Health {
  readonly text: string
  readonly level: Level
}

/** The fields of a window headline (the read API's WindowHeadline) that health reads. */
export interface DriftHeadline {
  readonly drift_share: number | null
  readonly n_features: number
  readonly n_drifted: number
  readonly drifted_features: readonly string[]
  readonly n_insufficient: number
  readonly drift_status: string
}

export interface FairnessHeadline {
  readonly attribute: string
  /** As the read API sends it: ±∞ as "Infinity" / "-Infinity" (../figures.ts numeric). */
  readonly value: FigureValue
  readonly status: string
  /**
   * The ratio's upper confidence bound (disparate_impact_ratio_upper, docs/evaluation.md "The
   * four-fifths rule beyond sampling noise"): what the default alert rule reads. Absent for a
   * window stored before the bound existed, and from older servers.
   */
  readonly upper_bound?: FigureValue
}

/** The 4/5 rule: a disparate impact ratio (or its upper bound) below this is unfair. */
export const FOUR_FIFTHS = 0.8

/**
 * A disparate impact ratio judged as the default alert rule judges it (alerts/fairness.yaml):
 * unfair ('bad') when its upper confidence bound is below 4/5, below 4/5 within sampling noise
 * ('warn') when only the ratio is. `bound` null (a window stored before the bound existed, or a
 * bound that could not be computed): the ratio alone, as it was read before ('bad' below 4/5).
 * Null when the ratio is at or above 4/5.
 */
export function fourFifths(ratio: number, bound: number | null, decimals = 2): { readonly text: string; readonly level: Level } | null {
  if (bound !== null && bound < FOUR_FIFTHS) {
    const shown = versus(bound, FOUR_FIFTHS, decimals)
    return { text: `ratio ${versus(ratio, FOUR_FIFTHS, decimals).value}, upper bound ${shown.value} < ${shown.threshold}`, level: 'bad' }
  }
  if (!(ratio < FOUR_FIFTHS)) return null
  const shown = versus(ratio, FOUR_FIFTHS, decimals)
  if (bound === null) return { text: `${shown.value} < ${shown.threshold}`, level: 'bad' }
  return { text: `${shown.value}: below 4/5 within sampling noise (upper bound ${figure(bound, decimals)})`, level: 'warn' }
}

/** A bound as a number for fourFifths(): null when absent or not a number (NaN). */
export const boundOf = (x: FigureValue | undefined): number | null => {
  const v = x === undefined ? null : numeric(x)
  return v === null || Number.isNaN(v) ? null : v
}

/** The window's drift as a whole when it has no verdict, or null when it has one. */
function noDriftVerdict(w: DriftHeadline): Health | null {
  if (w.drift_status === 'not_evaluated') return { text: 'not evaluated', level: 'none' }
  if (w.drift_status === 'insufficient') return { text: 'no verdict: insufficient data', level: 'none' }
  if (w.drift_status === NO_REFERENCE) return { text: 'not compared: no reference yet', level: 'none' }
  if (w.drift_status !== 'ok') return { text: `no verdict: ${w.drift_status}`, level: 'none' }
  // Status 'ok' with no share: no feature had a verdict for another reason (a configured method
  // that does not apply, a statistic that could not be computed).
  if (w.drift_share === null) return { text: 'no verdict', level: 'none' }
  return null
}

export function driftHealth(w: DriftHeadline): Health {
  const none = noDriftVerdict(w)
  if (none) {
    if (w.drift_status === 'insufficient') return { ...none, text: `${none.text} (${w.n_insufficient} of ${w.n_features} features)` }
    return w.drift_status === 'ok' ? { ...none, text: `${none.text} (0 of ${w.n_features} features judged)` } : none
  }
  const unjudged = w.n_insufficient > 0 ? `; ${w.n_insufficient} without a verdict` : ''
  const level = w.n_drifted > 0 ? 'bad' : w.n_insufficient > 0 ? 'warn' : 'ok'
  return { text: `${figure(w.drift_share, 2)} (${w.n_drifted}/${w.n_features}${unjudged})`, level }
}

/**
 * The worst ratio by the 4/5 rule as fourFifths() reads it (with its upper bound when the window
 * has one), next to it with the digits that put it below.
 */
export function fairnessHealth(f: FairnessHeadline): Health {
  const status = f.status === 'ok' ? '' : ` (${f.status.replaceAll('_', ' ')})`
  const value = numeric(f.value)
  if (f.status === 'insufficient' || value === null || Number.isNaN(value)) return { text: `${f.attribute}: no verdict${status}`, level: 'none' }
  // Below 4/5 is unfair (or within noise of it) whatever was left out; at or above it, only a full comparison is ok.
  const below = fourFifths(value, boundOf(f.upper_bound))
  if (below) return { text: `${f.attribute} ${below.text}${status}`, level: below.level }
  return { text: `${f.attribute} ${versus(value, FOUR_FIFTHS, 2).value}${status}`, level: f.status === 'ok' ? 'ok' : 'warn' }
}

/** One feature in one window: drifted, not, or no verdict. */
export function featureHealth(w: DriftHeadline, feature: string): Health {
  if (w.drifted_features.includes(feature)) return { text: 'drift', level: 'bad' }
  const none = noDriftVerdict(w)
  if (none) return none
  // The headline counts the features left without a verdict but does not name them.
  if (w.n_insufficient > 0) return { text: `no drift, or no verdict (${w.n_insufficient} of ${w.n_features} features without one)`, level: 'warn' }
  return { text: 'no drift', level: 'ok' }
}

/**
 * The headline's quality problems (quality_problems: features with a quality problem by the rule of
 * ../quality-problems.ts). A window compared with no reference (drift_status 'no_reference', a
 * model's first window) has only missing-value rates: ranges, categories and outliers are checked
 * against a reference (src/evaluate/quality-rows.ts). Its 0 is no verdict on those, so it is grey
 * and says that only missing values were checked; problems found are still problems.
 */
export function qualityHealth(w: { readonly quality_problems: number; readonly drift_status: string }): Health {
  const n = w.quality_problems
  if (w.drift_status === NO_REFERENCE) {
    return n > 0
      ? { text: `${n} (missing values only: no reference)`, level: 'warn' }
      : { text: 'missing values only (no reference): none missing', level: 'none' }
  }
  return { text: String(n), level: n > 0 ? 'warn' : 'ok' }
}
