/**
 * The read model's types, one per schema in ./schemas.ts (field for field). Times are ISO 8601
 * strings; figures that cannot be computed are null.
 */

/**
 * A stored metric value: a number, "Infinity" / "-Infinity" for ±∞ (JSON has no infinities; a
 * figure that overflowed or divided by zero), or null when it is not defined (NaN) or missing.
 */
export type MetricValue = number | 'Infinity' | '-Infinity' | null

export interface HeadlinePerformance {
  readonly metric: string
  readonly variant: string
  readonly realized: MetricValue
  readonly estimated: MetricValue
  readonly n: number
}

export interface HeadlineFairness {
  readonly attribute: string
  readonly metric: string
  readonly value: MetricValue
  readonly status: string
  /** The ratio's upper confidence bound (disparate_impact_ratio_upper), when the window has one. */
  readonly upper_bound?: MetricValue
}

export interface WindowHeadline {
  readonly model_version: string
  readonly window_start: string
  readonly window_end: string
  readonly closed: boolean
  /**
   * The window starts after the time of the request: stored ahead of time (ingest accepts events
   * up to ingest.maxFutureMs ahead), it is no model's `latest` and decides no alert until it starts.
   */
  readonly future: boolean
  readonly evaluated_at: string
  readonly predictions: number
  readonly labeled: number
  readonly label_coverage: number | null
  readonly drift_share: number | null
  readonly n_features: number
  readonly n_drifted: number
  readonly drifted_features: string[]
  /** Features without a verdict for lack of data (0 before migration 0010). */
  readonly n_insufficient: number
  /** 'ok'; 'insufficient' when no feature could be judged; 'not_evaluated' without drift rows. */
  readonly drift_status: string
  readonly performance: HeadlinePerformance | null
  readonly fairness: HeadlineFairness | null
  readonly quality_problems: number
  readonly firing_alerts: number
}

export interface ReferenceDescription {
  readonly kind: 'previous_windows' | 'period' | 'baseline'
  readonly description: string
}

export interface VersionSummary {
  readonly version: string
  readonly windows: number
  readonly first_window_start: string
  readonly last_window_start: string
}

export interface ModelSummary {
  readonly model: string
  readonly configured: boolean
  /** As configured; for a model without settings, as its stored rows tell (src/read/task.ts): 'unknown' when they tell nothing. */
  readonly task: 'binary' | 'multiclass' | 'regression' | 'unknown'
  readonly window_ms: number
  readonly reference: ReferenceDescription
  readonly versions: VersionSummary[]
  readonly variants: string[]
  readonly latest: WindowHeadline | null
  readonly firing_alerts: number
}

export interface Page<T> {
  readonly items: T[]
  readonly next_cursor: string | null
}

export type Distribution =
  | { readonly kind: 'histogram'; readonly edges: number[]; readonly reference: number[]; readonly current: number[] }
  | { readonly kind: 'categories'; readonly categories: string[]; readonly reference: number[]; readonly current: number[] }

export interface DriftDetail {
  readonly target: string
  readonly column: string
  readonly column_kind: string
  readonly method: string
  readonly score: MetricValue
  readonly p_value: number | null
  readonly p_value_adjusted: number | null
  readonly threshold: MetricValue
  readonly drift_detected: boolean
  /** 'ok', 'insufficient', 'no_positive_class', 'method_not_applicable' or 'not_computable' (no verdict: drift_detected is false). */
  readonly status: string
  readonly statistics: Record<string, Exclude<MetricValue, null>>
  readonly n_reference: number
  readonly n_current: number
  readonly unseen_categories: string[]
  readonly distribution: Distribution | null
  /** Why `distribution` is null, in one line; null when there is one or the row has none (calibration). */
  readonly distribution_note: string | null
}

export interface PerformanceDetail {
  readonly variant: string
  readonly metric: string
  readonly kind: string
  readonly value: MetricValue
  readonly n: number
  readonly label_coverage: number | null
  readonly ci_low: MetricValue
  readonly ci_high: MetricValue
}

export interface FairnessDetail {
  readonly attribute: string
  readonly group: string
  readonly metric: string
  readonly value: MetricValue
  readonly n: number
  readonly status: string
}

export interface QualityDetail {
  readonly feature: string
  readonly metric: string
  readonly value: MetricValue
  readonly n: number
}

export interface DetectorDetail {
  readonly detector: string
  readonly score: MetricValue
  readonly threshold: MetricValue
  readonly drift_detected: boolean
  readonly detections: string[]
}

export interface AlertTransitionSummary {
  readonly seq: number
  readonly status: string
  readonly changed_at: string
  readonly window_start: string
  readonly value: MetricValue
}

export interface AlertView {
  readonly alert_key: string
  readonly rule: string
  readonly metric: string
  readonly model: string
  readonly model_version: string
  readonly subject: string
  readonly severity: string
  readonly status: 'firing' | 'resolved'
  readonly value: MetricValue
  readonly threshold: MetricValue
  readonly window_start: string
  readonly window_end: string
  readonly fired_at: string
  readonly resolved_at: string | null
  readonly changed_at: string
  readonly details: string[]
  readonly transitions: AlertTransitionSummary[]
}

/** Challenger minus champion on one metric in one window (table comparison, as stored). */
export interface ComparisonDetail {
  readonly metric: string
  readonly method: string
  readonly champion_version: string
  readonly challenger_version: string
  readonly champion_value: number | null
  readonly challenger_value: number | null
  readonly difference: number | null
  readonly ci_low: number | null
  readonly ci_high: number | null
  readonly p_value: number | null
  readonly n_champion: number
  readonly n_challenger: number
}

export interface ComparisonWindow {
  readonly window_start: string
  readonly window_end: string
  readonly comparisons: ComparisonDetail[]
}

export interface ComparisonSeries extends Page<ComparisonWindow> {
  readonly model: string
}

export interface DeadLetterCount {
  readonly topic: string
  readonly code: string
  readonly model: string
  readonly count: number
  readonly first_at: string
  readonly last_at: string
}

export interface DeadLetterView {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly code: string
  readonly message: string
  readonly model: string
  readonly key_bytes: number
  readonly value_bytes: number
  readonly dlq_truncated: string
  readonly dead_lettered_at: string
  /** Only with raw=true (admin): the stored prefixes of the key and value, base64. */
  readonly raw_key_base64?: string
  readonly raw_value_base64?: string
}

export interface DeadLetterReport {
  readonly from: string
  readonly to: string
  readonly total: number
  /** Of total, the orphan-label notices (DW_ORPHAN_LABEL: labels that are stored); total − notices were rejected. */
  readonly notices: number
  readonly counts: DeadLetterCount[]
  readonly counts_truncated: boolean
  readonly recent: DeadLetterView[]
  /** Records stored (predictions and labels) ingested in the same range, for the share dead-lettered. */
  readonly stored: number
}

export interface WindowDetail {
  readonly model: string
  readonly model_version: string
  readonly window_start: string
  readonly window_end: string
  readonly closed: boolean
  /**
   * The window starts after the time of the request: stored ahead of time (ingest accepts events
   * up to ingest.maxFutureMs ahead), it is no model's `latest` and decides no alert until it starts.
   */
  readonly future: boolean
  readonly evaluated_at: string
  readonly reference: string
  readonly summary: { readonly predictions: number; readonly labeled: number; readonly label_coverage: number | null; readonly mean_label_delay_s: number | null }
  readonly dataset_drift: {
    readonly drift_share: number | null
    readonly n_features: number
    readonly n_drifted: number
    readonly drifted_features: string[]
    readonly n_insufficient: number
    readonly status: string
  } | null
  readonly drift: DriftDetail[]
  readonly performance: PerformanceDetail[]
  readonly fairness: FairnessDetail[]
  readonly quality: QualityDetail[]
  readonly detectors: DetectorDetail[]
  /** Comparisons of this window in which its version is the champion or a challenger. */
  readonly comparison: ComparisonDetail[]
  readonly alerts: AlertView[]
}

export interface WindowSeries extends Page<WindowHeadline> {
  readonly model: string
}
