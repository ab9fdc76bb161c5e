/**
 * The read API's responses as the UI uses them (the contract is src/read/schemas.ts on the API
 * side; these interfaces name only the fields the pages read).
 */
export type Num = number | null
/**
 * A stored metric value as the API sends it (docs/http-api.md): ±∞ is the string "Infinity" /
 * "-Infinity", NaN is null. fmt() and versus() print them as ∞ / −∞; numeric() (../figures.ts)
 * turns them into numbers for arithmetic and charts.
 */
export type MetricNum = number | 'Infinity' | '-Infinity' | null

/**
 * Why a figure is not a verdict, in the API's words, when a response carries it (`reason` or
 * `note` beside a status): shown as sent, in place of the page's generic wording.
 */
export interface ApiNote { reason?: string | null; note?: string | null }

export interface HeadlinePerformance { metric: string; variant: string; realized: MetricNum; estimated: MetricNum; n: number }
export interface HeadlineFairness {
  attribute: string
  metric: string
  value: MetricNum
  status: string
  /** The ratio's upper confidence bound (disparate_impact_ratio_upper); absent for windows stored before it existed, and from older servers. */
  upper_bound?: MetricNum
}

export interface WindowHeadline {
  model_version: string
  window_start: string
  window_end: string
  closed: boolean
  /** Starts after the server's now (events stamped ahead): it decides no alert and is not `latest`. Absent from older servers. */
  future?: boolean
  predictions: number
  labeled: number
  label_coverage: Num
  drift_share: Num
  n_features: number
  n_drifted: number
  drifted_features: string[]
  /** Features without a verdict for lack of data. */
  n_insufficient: number
  /** 'ok'; 'insufficient' when no feature could be judged; 'not_evaluated' without drift rows. */
  drift_status: string
  performance: HeadlinePerformance | null
  fairness: HeadlineFairness | null
  quality_problems: number
  firing_alerts: number
}

export interface ModelSummary {
  model: string
  configured: boolean
  task: string
  window_ms: number
  reference: { kind: string; description: string }
  versions: { version: string; windows: number; first_window_start: string; last_window_start: string }[]
  variants: string[]
  latest: WindowHeadline | null
  firing_alerts: number
}

export interface Page<T> { items: T[]; next_cursor: string | null }

export type Distribution =
  /** Left-closed bins: bin i holds edges[i-1] <= v < edges[i]. */
  | { kind: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categories'; categories: string[]; reference: number[]; current: number[] }
  | null

export interface DatasetDrift extends ApiNote {
  /** Drifted share of the features with a verdict; null when none has one. */
  drift_share: Num
  n_features: number
  n_drifted: number
  drifted_features: string[]
  n_insufficient: number
  /** 'ok', or 'insufficient' when no feature could be judged. */
  status: string
}

export interface DriftDetail extends ApiNote {
  target: string
  column: string
  column_kind: string
  method: string
  score: MetricNum
  p_value: Num
  p_value_adjusted: Num
  threshold: MetricNum
  /** false also when there is no verdict: read `status` first. */
  drift_detected: boolean
  /** 'ok'; 'insufficient', 'no_positive_class', 'method_not_applicable' or 'not_computable': no verdict. */
  status: string
  n_reference: number
  n_current: number
  unseen_categories: string[]
  /** Every applicable statistic by name (p-values as <name>_p_value); alert rules can fire on any. */
  /** ±∞ as "Infinity" / "-Infinity" (KL with a category the reference lacks); NaN statistics are left out. */
  statistics: Record<string, Exclude<MetricNum, null>>
  distribution: Distribution
  /** Why distribution is null (the reference no longer fits, or counts expired); null otherwise. Absent from older servers. */
  distribution_note?: string | null
}

export interface PerformanceDetail extends ApiNote { variant: string; metric: string; kind: string; value: MetricNum; n: number; label_coverage: Num; ci_low: MetricNum; ci_high: MetricNum; status?: string }
export interface FairnessDetail { attribute: string; group: string; metric: string; value: MetricNum; n: number; status: string }
export interface QualityDetail { feature: string; metric: string; value: MetricNum; n: number }
/** score: the detector's error-rate estimate; threshold: its parameter (DDM: drift level in standard deviations; ADWIN: δ), not a bound on the score. */
export interface DetectorDetail { detector: string; score: MetricNum; threshold: MetricNum; drift_detected: boolean; detections: string[] }

export interface Alert {
  alert_key: string
  rule: string
  metric: string
  model: string
  model_version: string
  subject: string
  severity: string
  status: 'firing' | 'resolved'
  value: MetricNum
  threshold: MetricNum
  window_start: string
  window_end: string
  fired_at: string
  resolved_at: string | null
  changed_at: string
  details: string[]
}

export interface WindowDetail {
  model: string
  model_version: string
  window_start: string
  window_end: string
  closed: boolean
  /** As WindowHeadline's. */
  future?: boolean
  evaluated_at: string
  reference: string
  summary: { predictions: number; labeled: number; label_coverage: Num; mean_label_delay_s: Num }
  dataset_drift: DatasetDrift | null
  drift: DriftDetail[]
  performance: PerformanceDetail[]
  fairness: FairnessDetail[]
  quality: QualityDetail[]
  detectors: DetectorDetail[]
  alerts: Alert[]
}
